"""The database itself refuses to change or delete audit rows (SEC-3, SEC-4).

PostgreSQL: row-level BEFORE UPDATE/DELETE triggers. TRUNCATE (used only by the test
suite's flush and by an operator with database rights) is not a row operation.
SQLite: a BEFORE UPDATE trigger; deletes are refused by the application, because SQLite's
test flush is a DELETE (see docs/adr/0002-audit.md).
"""

from django.db import migrations

from goldenthread.core.append_only import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        append_only_triggers(
            prefix="audit",
            tables=("audit_accesslog", "audit_changerecord"),
            message="audit rows are append-only",
        )
    ]
