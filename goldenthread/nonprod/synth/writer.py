"""Write rows straight into tables: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of `columns`; values are Python values that the writer adapts
once per column type (UUID, date-time, JSON, decimal) for the database in use. Rows of a
hash-chained audit table get their place in the chain here (`seq`, `prev_hash`,
`row_hash`), continuing from the table's current head.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from goldenthread.audit import chain
from goldenthread.audit.models import ChainedModel
from goldenthread.sds.models import DelegatedLimit

SQLITE_CACHE_KIB = 512 * 1024  # 512 MiB of page cache while writing, on SQLite


def _concrete(field: Any) -> models.Field:
    """A column's field (the writer writes concrete columns only, never a reverse relation)."""
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{field!r} is not a column")
    return field


def _column(field: models.Field) -> str:
    if not field.column:
        raise ValueError(f"{field!r} has no column")
    return field.column


def _adapter(model_field: models.Field, vendor: str) -> Callable[[Any], Any] | None:
    internal = model_field.get_internal_type()
    target = (
        model_field.target_field  # type: ignore[attr-defined]  # a relation's key field
        if model_field.is_relation
        else model_field
    )
    target_type = target.get_internal_type() if target is not None else internal
    if vendor == "sqlite":
        if target_type == "UUIDField":
            return lambda v: v.hex if v is not None else None
        if internal == "DateTimeField":
            return lambda v: (
                v.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
                if v is not None
                else None
            )
        if internal == "DateField":
            return lambda v: v.isoformat() if v is not None else None
        if internal == "JSONField":
            return json.dumps
        if internal == "DecimalField":
            return lambda v: str(v) if v is not None else None
        return None
    if internal == "JSONField":
        from psycopg.types.json import Jsonb

        return Jsonb
    return None


class DanglingReference(Exception):
    """A bulk-written row points at a row that does not exist."""


# The foreign keys of the given tables, one column each (Django makes no other kind).
_FOREIGN_KEYS = """
SELECT c.conname, c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid::regclass::text = ANY(%s)
ORDER BY 1
"""


@contextlib.contextmanager
def references_checked_at_end(writer: BulkWriter):
    """Inside a transaction on PostgreSQL, as a superuser: the rows written in the block
    skip the per-row reference checks (the foreign keys' triggers, which PostgreSQL runs
    one query a row at commit), and every reference of every table written is checked
    afterwards with one anti-join a foreign key. A dangling one raises DanglingReference,
    so the transaction rolls back as the triggers would have made it. The checks were a
    third of the synthetic data's time, more at national scale (#14; ADR 0022).

    Elsewhere (SQLite, or not a superuser) it does nothing: the database checks as usual.
    `session_replication_role` is set for the transaction only (SET LOCAL), and no trigger
    of this schema but the foreign keys' acts on an INSERT (the audit tables' guards act on
    UPDATE, DELETE and TRUNCATE)."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        superuser = cursor.fetchone()[0]
        if not superuser:
            yield
            return
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(_FOREIGN_KEYS, [sorted(writer.stats)])
        quote = connection.ops.quote_name
        for name, table, column, target, target_column in cursor.fetchall():
            # Names come from the catalogue (regclass text is already quoted if need be).
            cursor.execute(
                f"SELECT t.{quote(column)} FROM {table} t "  # noqa: S608
                f"WHERE t.{quote(column)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {target} r WHERE r.{quote(target_column)} = t.{quote(column)}) "
                "LIMIT 1"
            )
            missing = cursor.fetchone()
            if missing is not None:
                raise DanglingReference(
                    f"{table}.{column} = {missing[0]} is not in {target} ({name})"
                )


@dataclass
class TableStats:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class BulkWriter:
    """Writes rows for many models; keeps count of rows and time per table."""

    stats: dict[str, TableStats] = field(default_factory=dict)
    sample_size: int = 0
    samples: dict[type, tuple[list[str], list[tuple]]] = field(default_factory=dict)
    _prepared: bool = field(default=False, repr=False)

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]
    ) -> int:
        rows = list(rows)
        if self.sample_size and model not in self.samples and rows:
            self.samples[model] = (list(columns), rows[: self.sample_size])
        if issubclass(model, ChainedModel) and rows:
            # Audit rows join their table's hash chain in the order given, after the
            # current head, under the chain's lock (audit/chain.py).
            with chain.in_transaction():
                columns, rows, _ = chain.chain_rows(model, columns, rows, chain.head(model))
                return self._write(model, columns, rows)
        return self._write(model, columns, rows)

    def _write(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> int:
        meta = model._meta
        fields = [_concrete(meta.get_field(name)) for name in columns]
        db_columns = [_column(f) for f in fields]
        vendor = connection.vendor
        adapters = [_adapter(f, vendor) for f in fields]
        if any(adapters):
            rows = [
                tuple(a(v) if a else v for a, v in zip(adapters, row, strict=True)) for row in rows
            ]
        if not rows:
            return 0
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if vendor == "sqlite" and not self._prepared:
                # Millions of rows with random UUID keys: a page cache large enough for the
                # indexes being written keeps each insert from re-reading them from disk.
                # For this connection only (the command's), so pages are unaffected.
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                self._prepared = True
            if vendor == "postgresql":
                cols = ", ".join(connection.ops.quote_name(c) for c in db_columns)
                table = connection.ops.quote_name(meta.db_table)
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cols = ", ".join(connection.ops.quote_name(c) for c in db_columns)
                marks = ", ".join(["%s"] * len(db_columns))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({cols}) "  # noqa: S608
                    f"VALUES ({marks})",
                    rows,
                )
        stats = self.stats.setdefault(meta.db_table, TableStats())
        stats.rows += len(rows)
        stats.seconds += time.perf_counter() - started
        return len(rows)

    def role_limits(self) -> dict[str, Decimal]:
        """The delegated limits already set for whole roles (SDS-4), so synthetic approvals
        follow them and none is set twice (one limit per role)."""
        return dict(
            DelegatedLimit.objects.filter(user__isnull=True).values_list("role", "amount_per_year")
        )

    @property
    def total_rows(self) -> int:
        return sum(s.rows for s in self.stats.values())

    @property
    def total_seconds(self) -> float:
        return sum(s.seconds for s in self.stats.values())


# The bits uuid.UUID(int=..., version=4) clears and sets (RFC 4122 variant, version 4).
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)
_new = object.__new__
_set = object.__setattr__


def det_uuid(rng) -> uuid.UUID:
    """A UUID4 drawn from a seeded random generator, so data is the same for a seed.

    The same value as uuid.UUID(int=rng.getrandbits(128), version=4), made without its
    argument checks: about a hundred are made per person, so this is a third of the time
    spent making rows (tests/test_synth.py checks the two agree)."""
    value = _new(uuid.UUID)
    _set(value, "int", (rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)
    _set(value, "is_safe", uuid.SafeUUID.unknown)
    return value


def now() -> datetime.datetime:
    return timezone.now()
