"""The database refuses to change who agreed to what, and the views kept side by side
(RISK-1, RISK-2): PostgreSQL row triggers refuse UPDATE and DELETE; SQLite refuses UPDATE
(its test flush is a DELETE, so deletes are refused by the application there). Same approach
as the audit log (docs/adr/0002-audit.md).
"""

from django.db import migrations

from goldenthread.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [
        append_only_triggers(
            prefix="risk",
            tables=("risk_riskagreement", "risk_riskview"),
            message="history rows are never changed",
        )
    ]
