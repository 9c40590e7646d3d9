"""The database refuses to change the person's own views once recorded (REV-1): a later
view is a new row, never an edit, and nothing can overwrite what the person said.

Same approach as the audit log (docs/adr/0002-audit.md) and the SDS history rows:
PostgreSQL row triggers refuse UPDATE and DELETE; SQLite refuses UPDATE (its test flush is
a DELETE, so deletes are refused by the application there).
"""

from django.db import migrations

from goldenthread.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [
        append_only_triggers(
            prefix="reviews",
            tables=("reviews_personview",),
            message="the person's own views are never changed",
        )
    ]
