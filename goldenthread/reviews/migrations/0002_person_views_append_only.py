"""The database refuses to change the person's own views once recorded (REV-1): a later
view is a new row, never an edit, and nothing can overwrite what the person said.

Same approach as the audit log (docs/adr/0002-audit.md) and the SDS history rows:
PostgreSQL row triggers refuse UPDATE and DELETE; SQLite refuses UPDATE (its test flush is
a DELETE, so deletes are refused by the application there).
"""

from django.db import migrations

TABLES = ("reviews_personview",)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION reviews_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the person''s own views are never changed (% on %)',
                    TG_OP, TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql;
            """,
            params=None,  # the % in RAISE are PL/pgSQL's, not query placeholders
        )
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION reviews_refuse_change();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the person''s own views are never changed'); END;"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS reviews_refuse_change();")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
