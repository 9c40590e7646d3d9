"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on who agreed to what and
the views kept side by side (RISK-1, RISK-2, #17, #11): the old triggers of 0002
(PostgreSQL row triggers; SQLite refused UPDATE only) give way to the guards the audit
tables use (core/append_only.py). Reversible: the way back puts the old triggers back."""

from django.db import migrations

from goldenthread.core.append_only import move_to_append_only_guards

TABLES = ("risk_riskagreement", "risk_riskview")
MESSAGE = "history rows are never changed"


class Migration(migrations.Migration):
    dependencies = [("risk", "0003_capacity_on_the_one_answer_scale")]

    operations = [
        move_to_append_only_guards(
            prefix="risk",
            tables=TABLES,
            message=MESSAGE,
        )
    ]
