"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on the steps of a
challenge (ACC-2, #17, #11): the old triggers of 0002 (PostgreSQL row triggers; SQLite
refused UPDATE only) give way to the guards the audit tables use (core/append_only.py).
Reversible: the way back puts the old triggers back."""

from django.db import migrations

from goldenthread.core.append_only import move_to_append_only_guards

TABLES = ("accountability_challengeevent",)
MESSAGE = "history rows are never changed"


class Migration(migrations.Migration):
    dependencies = [("accountability", "0003_challenge_deadline_extensions")]

    operations = [
        move_to_append_only_guards(
            prefix="accountability",
            tables=TABLES,
            message=MESSAGE,
        )
    ]
