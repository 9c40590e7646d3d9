"""`VendorSQL`: a migration operation that runs raw SQL chosen by the database it runs on.

For the squashed migrations (#17; docs/adr/0027-squash17-squashed-migrations.md): the
triggers, functions and search index that `RunPython` made in the replaced migrations are
made here as SQL. `RunPython` renders every model of the migration state before it runs
(its code may ask for models); SQL needs none, so a fresh database is built faster, and
`sqlmigrate` (`check-migrations --sql`) shows the statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import migrations, router

# vendor ("postgresql", "sqlite") -> statements; a vendor not named runs none.
Statements = Mapping[str, Sequence[str]]


class VendorSQL(migrations.RunSQL):
    """Like `RunSQL`, with `sql` and `reverse_sql` each a mapping of vendor to statements.
    Each statement runs as it is (no parameters: a `%` in it is the database's own)."""

    def __init__(self, sql: Statements, reverse_sql: Statements, *, elidable: bool = False):
        super().__init__(sql=[], reverse_sql=[], elidable=elidable)
        self.vendor_sql, self.reverse_vendor_sql = sql, reverse_sql

    def deconstruct(self):
        kwargs = {"sql": self.vendor_sql, "reverse_sql": self.reverse_vendor_sql}
        if self.elidable:
            kwargs["elidable"] = True
        return (self.__class__.__qualname__, [], kwargs)

    def describe(self) -> str:
        return "SQL for this database"

    def _run(self, schema_editor, app_label: str, statements: Statements) -> None:
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            for statement in statements.get(schema_editor.connection.vendor, ()):
                schema_editor.execute(statement, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._run(schema_editor, app_label, self.vendor_sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._run(schema_editor, app_label, self.reverse_vendor_sql)
