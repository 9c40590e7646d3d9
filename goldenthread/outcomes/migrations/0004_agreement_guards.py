"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on agreements (ACC-4,
#17, #11): the old triggers of 0002 (PostgreSQL row triggers; SQLite refused UPDATE only)
give way to the guards the audit tables use (core/append_only.py). Reversible: the way
back puts the old triggers back."""

from django.db import migrations

from goldenthread.core.append_only import move_to_append_only_guards

TABLES = ("outcomes_agreement",)
MESSAGE = "history rows are never changed"


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_domain")]

    operations = [
        move_to_append_only_guards(
            prefix="outcomes",
            tables=TABLES,
            message=MESSAGE,
        )
    ]
