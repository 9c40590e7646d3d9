"""Small SQL expressions that mean the same on SQLite and PostgreSQL (#19).

- `AddDays(date, n)`: a date n days later, as a date on both (Django's date + duration
  gives a date-and-time text on SQLite, which sorts differently from a date).
- `SortKey(text)`: the text lower-cased as Python's `str.lower()` does it, compared by
  code point as Python compares strings. PostgreSQL: `LOWER(x) COLLATE "C"` (the database's
  own collation may ignore punctuation and spaces); SQLite: `unicode_lower(x)`, a function
  each connection registers (SQLite's own LOWER only knows ASCII), in BINARY order.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created
from django.db.models import DateField, Func, TextField


class AddDays(Func):
    output_field = DateField()

    def __init__(self, expression, days: int, **extra):
        super().__init__(expression, **extra)
        self.days = int(days)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*params, f"{self.days:+d} days"]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql})::date + %s::integer)", [*params, self.days]

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - other databases
        raise NotImplementedError(f"AddDays is not written for {connection.vendor}")


class SortKey(Func):
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"unicode_lower({sql})", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f'(LOWER({sql}) COLLATE "C")', params

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - other databases
        raise NotImplementedError(f"SortKey is not written for {connection.vendor}")


def _unicode_lower(text):
    return None if text is None else str(text).lower()


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "unicode_lower", 1, _unicode_lower, deterministic=True
        )


def connect() -> None:
    connection_created.connect(register_sqlite_functions, dispatch_uid="goldenthread.core.sql")
