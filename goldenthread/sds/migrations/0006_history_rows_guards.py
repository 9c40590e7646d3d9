"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on the SDS history rows
(SDS-4, SDS-5, ACC-4, #17, #11): budget request events, decisions, when decisions were
shared, the likely budgets people were told and checks of understanding. The old triggers
of 0002 and 0004 (PostgreSQL row triggers; SQLite refused UPDATE only) give way to the guards the audit
tables use (core/append_only.py). Reversible: the way back puts the old triggers back."""

from django.db import migrations

from goldenthread.core.append_only import move_to_append_only_guards

HISTORY = ("sds_budgetrequestevent", "sds_decision", "sds_decisionsharing", "sds_indicativebudget")
UNDERSTANDING = ("sds_understandingcheck",)
MESSAGE = "history rows are never changed"


class Migration(migrations.Migration):
    dependencies = [("sds", "0005_panel_agrees_another_amount_or_returns")]

    operations = [
        move_to_append_only_guards(
            prefix="sds",
            tables=HISTORY + UNDERSTANDING,
            message=MESSAGE,
            old=[("sds", HISTORY, MESSAGE), ("sds_understanding", UNDERSTANDING, MESSAGE)],
        )
    ]
