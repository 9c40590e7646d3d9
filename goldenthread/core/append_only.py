"""Database triggers that refuse to change rows people rely on never changing: the audit
log, SDS and risk history, the person's own views (docs/adr/0002-audit.md).

`append_only_triggers` (the first version, used by existing migrations): PostgreSQL
row-level BEFORE UPDATE OR DELETE triggers; SQLite a BEFORE UPDATE trigger, deletes there
being refused by the application (AppendOnlyModel) because SQLite's test flush is a DELETE.

`append_only_guards` (below; the audit tables since #11): UPDATE and DELETE refused on both
databases and TRUNCATE on PostgreSQL; the test flush gets through with
`removal_guards_suspended`. Every history table is on the guards since #17
(`move_to_append_only_guards`: one migration per app drops the old triggers and adds these).
`guards_kept_on_sqlite_rebuild` wraps a schema change SQLite makes by rebuilding a guarded
table (which drops its triggers) so the guards are there again after it, both ways.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import migrations

from goldenthread.core.vendor_sql import VendorSQL


def append_only_triggers(
    *, prefix: str, tables: Sequence[str], message: str
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
        _drop_triggers(schema_editor, tables)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")

    return migrations.RunPython(forwards, backwards, elidable=False)


def _drop_triggers(schema_editor, tables: Sequence[str]) -> None:
    """Drop the triggers `append_only_triggers` made on `tables` (not its function)."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")


# --- Full guards: updates, deletes and (PostgreSQL) TRUNCATE ---------------------------------
#
# `append_only_guards` refuses every way of removing a row that a database user without
# owner rights has: UPDATE and DELETE (row triggers on both databases) and, on PostgreSQL,
# TRUNCATE (a statement trigger). The test suite's flush empties every table (TRUNCATE on
# PostgreSQL, DELETE on SQLite); the project's `flush` command (audit/management/commands)
# suspends the delete and truncate guards for the length of its own transaction, and only
# where settings.GOLDENTHREAD_AUDIT_FLUSH_ALLOWED is true (the test and demo settings).
# Anyone who owns the tables can still drop a trigger: the audit hash chain
# (goldenthread/audit/chain.py, `goldenthread audit-verify`) is what detects that.

NO_DELETE_SUFFIX = "_no_delete"  # SQLite BEFORE DELETE
NO_TRUNCATE_SUFFIX = "_no_truncate"  # PostgreSQL BEFORE TRUNCATE (statement)


def _guard_sql(vendor: str, *, prefix: str, tables: Sequence[str], message: str) -> list[str]:
    quoted = message.replace("'", "''")
    if vendor == "postgresql":
        function = f"{prefix}_refuse_removal"
        statements = [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{quoted} (% on %)', TG_OP, TG_TABLE_NAME; "
            "END; $$ LANGUAGE plpgsql;"
        ]
        for table in tables:
            statements += [
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}();",
                f"CREATE TRIGGER {table}{NO_TRUNCATE_SUFFIX} BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
            ]
        return statements
    if vendor == "sqlite":
        statements = []
        for table in tables:
            statements += [
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END;",
                f"CREATE TRIGGER {table}{NO_DELETE_SUFFIX} BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END;",
            ]
        return statements
    return []


def _drop_guard_sql(vendor: str, *, prefix: str, tables: Sequence[str]) -> list[str]:
    if vendor == "postgresql":
        statements = []
        for table in tables:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};",
                f"DROP TRIGGER IF EXISTS {table}{NO_TRUNCATE_SUFFIX} ON {table};",
            ]
        return [*statements, f"DROP FUNCTION IF EXISTS {prefix}_refuse_removal();"]
    if vendor == "sqlite":
        statements = []
        for table in tables:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}{NO_DELETE_SUFFIX};",
            ]
        return statements
    return []


def append_only_guards(*, prefix: str, tables: Sequence[str], message: str) -> migrations.RunPython:
    """A migration operation: the database refuses UPDATE, DELETE and TRUNCATE on `tables`.

    On SQLite a migration that rebuilds one of these tables (Django does so for many
    AlterField operations) drops its triggers: run this operation again after it."""

    def forwards(apps, schema_editor) -> None:
        for sql in _guard_sql(
            schema_editor.connection.vendor, prefix=prefix, tables=tables, message=message
        ):
            schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor) -> None:
        for sql in _drop_guard_sql(schema_editor.connection.vendor, prefix=prefix, tables=tables):
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(forwards, backwards, elidable=False)


VENDORS = ("postgresql", "sqlite")


def append_only_guards_sql(*, prefix: str, tables: Sequence[str], message: str) -> VendorSQL:
    """`append_only_guards` as SQL (`VendorSQL`): the same triggers and function, made
    without rendering the migration state first (the squashed migrations, #17)."""
    return VendorSQL(
        sql={v: _guard_sql(v, prefix=prefix, tables=tables, message=message) for v in VENDORS},
        reverse_sql={v: _drop_guard_sql(v, prefix=prefix, tables=tables) for v in VENDORS},
    )


def drop_append_only_triggers(
    *, tables: Sequence[str], restore_message: str, restore_prefix: str
) -> migrations.RunPython:
    """A migration operation: remove the triggers `append_only_triggers` made (for a data
    migration that must fill new columns); backwards puts them back."""

    def forwards(apps, schema_editor) -> None:
        _drop_triggers(schema_editor, tables)

    restore = append_only_triggers(prefix=restore_prefix, tables=tables, message=restore_message)

    return migrations.RunPython(forwards, restore.code, elidable=False)


def move_to_append_only_guards(
    *,
    prefix: str,
    tables: Sequence[str],
    message: str,
    old: Sequence[tuple[str, Sequence[str], str]] | None = None,
) -> migrations.RunPython:
    """A migration operation: `tables` leave `append_only_triggers` for `append_only_guards`.

    `old` lists each earlier `append_only_triggers(prefix=..., tables=..., message=...)` call
    as (prefix, tables, message); by default one call with this prefix, tables and message.
    Forwards drops those triggers and their functions, then adds the guards; backwards
    drops the guards and puts the old triggers back."""
    guards = append_only_guards(prefix=prefix, tables=tables, message=message)
    earlier = [
        append_only_triggers(prefix=p, tables=t, message=m)
        for p, t, m in (old if old is not None else [(prefix, tables, message)])
    ]

    def forwards(apps, schema_editor) -> None:
        for operation in earlier:
            assert operation.reverse_code is not None
            operation.reverse_code(apps, schema_editor)
        guards.code(apps, schema_editor)

    def backwards(apps, schema_editor) -> None:
        assert guards.reverse_code is not None
        guards.reverse_code(apps, schema_editor)
        for operation in earlier:
            operation.code(apps, schema_editor)

    return migrations.RunPython(forwards, backwards, elidable=False)


def guards_kept_on_sqlite_rebuild(
    operation: migrations.operations.base.Operation,
    *,
    prefix: str,
    tables: Sequence[str],
    message: str,
) -> list[migrations.operations.base.Operation]:
    """`operation` on a table under `append_only_guards`, with the guards put back after it.

    SQLite makes many schema changes (a unique column added, a field altered) by building
    the table again, which drops its triggers; PostgreSQL keeps them. So on SQLite the
    guards are made again after `operation`, forwards and (for its reverse, which rebuilds
    the table too) backwards; elsewhere nothing more happens."""

    def restore(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in [
            *_drop_guard_sql("sqlite", prefix=prefix, tables=tables),
            *_guard_sql("sqlite", prefix=prefix, tables=tables, message=message),
        ]:
            schema_editor.execute(sql, params=None)

    noop = migrations.RunPython.noop
    return [
        migrations.RunPython(noop, restore, elidable=False),
        operation,
        migrations.RunPython(restore, noop, elidable=False),
    ]


@contextmanager
def removal_guards_suspended(connection) -> Iterator[None]:
    """Inside the caller's transaction: the delete (SQLite) and truncate (PostgreSQL)
    guards are off, then back on. For the test suite's flush only (see above)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
                [f"%{NO_TRUNCATE_SUFFIX}"],
            )
            guards = cursor.fetchall()
        elif vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"%{NO_DELETE_SUFFIX}"],
            )
            guards = cursor.fetchall()
        else:
            guards = []
    with triggers_off(connection, guards):
        yield


@contextmanager
def triggers_off(
    connection, guards: Sequence[tuple[str, str]], *, constraints_immediate: bool = False
) -> Iterator[None]:
    """The guard triggers `guards` off, then back on, inside the caller's transaction (a
    rollback puts them back too: PostgreSQL's ALTER TABLE and SQLite's DDL are
    transactional). On PostgreSQL each is (table, trigger), disabled and enabled again
    (with `constraints_immediate`, deferred foreign-key checks are run first each time:
    ALTER TABLE waits for none); on SQLite each is (name, the SQL that made it), dropped
    and made again. The one way to lift a guard: the test suite's flush
    (`removal_guards_suspended`) and retention's destruction (operations/retention.py)
    choose which."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for first, second in guards:
            if postgresql:
                cursor.execute(f'ALTER TABLE "{first}" DISABLE TRIGGER "{second}"')
            else:
                cursor.execute(f'DROP TRIGGER "{first}"')
    yield
    with connection.cursor() as cursor:
        if postgresql and constraints_immediate:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for first, second in guards:
            if postgresql:
                cursor.execute(f'ALTER TABLE "{first}" ENABLE TRIGGER "{second}"')
            else:
                cursor.execute(second)
