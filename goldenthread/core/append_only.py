"""Database triggers that refuse to change rows people rely on never changing: the audit
log, SDS and risk history, the person's own views (docs/adr/0002-audit.md).

PostgreSQL: row-level BEFORE UPDATE OR DELETE triggers. SQLite: a BEFORE UPDATE trigger;
deletes there are refused by the application (AppendOnlyModel), because SQLite's test flush
is a DELETE. Used by migrations as `append_only_triggers(prefix=…, tables=…, message=…)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations


def append_only_triggers(*, prefix: str, tables: Sequence[str], message: str
                         ) -> migrations.RunPython:
    function = f"{prefix}_refuse_change"
    quoted = message.replace("'", "''")

    def forwards(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{quoted} (% on %)', TG_OP, TG_TABLE_NAME; "
                "END; $$ LANGUAGE plpgsql;",
                params=None,  # the % in RAISE are PL/pgSQL's, not query placeholders
            )
            for table in tables:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {function}();"
                )
        elif vendor == "sqlite":
            for table in tables:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END;"
                )

    def backwards(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")

    return migrations.RunPython(forwards, backwards, elidable=False)
