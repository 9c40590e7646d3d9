"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on tombstones (OPS-7,
#17, #11): what retention destroyed is never changed or removed, as the application
already refused (AppendOnlyModel); now the database refuses too, with the guards the
audit tables use (core/append_only.py)."""

from django.db import migrations

from goldenthread.core.append_only import append_only_guards


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_tombstone")]

    operations = [
        append_only_guards(
            prefix="operations",
            tables=("operations_tombstone",),
            message="tombstones are never changed",
        )
    ]
