"""The database itself refuses to change or delete audit rows (SEC-3, SEC-4).

PostgreSQL: row-level BEFORE UPDATE/DELETE triggers. TRUNCATE (used only by the test
suite's flush and by an operator with database rights) is not a row operation.
SQLite: a BEFORE UPDATE trigger; deletes are refused by the application, because SQLite's
test flush is a DELETE (see docs/adr/0002-audit.md).
"""

from django.db import migrations

TABLES = ("audit_accesslog", "audit_changerecord")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql;
            """,
            params=None,  # the % in RAISE are PL/pgSQL's, not query placeholders
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
