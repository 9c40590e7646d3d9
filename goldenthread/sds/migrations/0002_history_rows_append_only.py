"""The database refuses to change history rows people see (SDS-4, SDS-5): budget request
events, decisions, when decisions were shared, and the likely budgets people were told.

Same approach as the audit log (docs/adr/0002-audit.md): PostgreSQL row triggers refuse
UPDATE and DELETE; SQLite refuses UPDATE (its test flush is a DELETE, so deletes are refused
by the application there).
"""

from django.db import migrations

from goldenthread.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("sds", "0001_initial")]

    operations = [
        append_only_triggers(
            prefix="sds",
            tables=("sds_budgetrequestevent", "sds_decision", "sds_decisionsharing", "sds_indicativebudget"),
            message="history rows are never changed",
        )
    ]
