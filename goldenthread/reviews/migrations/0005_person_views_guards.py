"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on the person's own
views (REV-1, #17, #11): the old triggers of 0002 (PostgreSQL row triggers; SQLite refused
UPDATE only) give way to the guards the audit tables use (core/append_only.py).
Reversible: the way back puts the old triggers back."""

from django.db import migrations

from goldenthread.core.append_only import move_to_append_only_guards

TABLES = ("reviews_personview",)
MESSAGE = "the person's own views are never changed"


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_schedule_due_on_index")]

    operations = [
        move_to_append_only_guards(
            prefix="reviews",
            tables=TABLES,
            message=MESSAGE,
        )
    ]
