"""The database refuses to change the steps of a challenge (ACC-2): PostgreSQL row
triggers refuse UPDATE and DELETE; SQLite refuses UPDATE (as risk/0002, docs/adr/0002)."""

from django.db import migrations

from goldenthread.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]

    operations = [
        append_only_triggers(
            prefix="accountability",
            tables=("accountability_challengeevent",),
            message="history rows are never changed",
        )
    ]
