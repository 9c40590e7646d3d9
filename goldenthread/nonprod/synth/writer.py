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
import queue
import threading
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
    started = time.perf_counter()
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
    writer.reference_seconds += time.perf_counter() - started


# A table's secondary indexes: neither behind a constraint (primary key, unique, or the key a
# foreign key points at) nor unique. Those stay while the rows are written; these are
# dropped and built again once at the end (`BulkWriter.overlapped(defer_indexes=True)`).
_SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = %s::regclass AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1
"""
# Memory for each index build at the end (SET LOCAL: this transaction only).
INDEX_BUILD_MEMORY = "512MB"


@dataclass
class TableStats:
    rows: int = 0
    seconds: float = 0.0


# How many COPYs may wait for the writer thread: a chunk's worth of tables (about 45), so
# the generator makes the next chunk while the database takes this one, and no more than
# about two chunks' rows are held in memory.
PIPE_DEPTH = 64
_STOP = object()


class _CopyPipe:
    """A thread that runs the COPYs handed to it, one after another, on the command's own
    PostgreSQL connection (so in its transaction), while the caller makes the next rows.

    psycopg releases the interpreter lock while it waits on the socket, and the server
    parses and stores the rows on another core, so making rows (Python) and storing them
    (PostgreSQL) overlap instead of taking turns (#14, ADR 0022). The caller must not use
    the connection while COPYs are in flight: it calls `drain()` first (BulkWriter does,
    before every query of its own)."""

    def __init__(self, raw_connection: Any) -> None:
        self.raw = raw_connection
        self.queue: queue.Queue = queue.Queue(maxsize=PIPE_DEPTH)
        self.error: BaseException | None = None
        self.cancelled = False  # the caller failed: the rest is let through, not written
        self.thread = threading.Thread(target=self._run, name="synth-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is _STOP:
                    return
                if self.error is None and not self.cancelled:
                    sql, rows, stats = item
                    started = time.perf_counter()
                    with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                        if isinstance(rows, bytes):  # COPY text made already (copy_text)
                            copy.write(rows)
                        else:
                            for row in rows:
                                copy.write_row(row)
                    stats.seconds += time.perf_counter() - started
            except BaseException as exc:  # noqa: BLE001  # handed to the caller in check()
                self.error = exc
            finally:
                self.queue.task_done()

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, sql: str, rows: list[tuple] | bytes, stats: TableStats) -> None:
        self.check()
        self.queue.put((sql, rows, stats))

    def drain(self) -> None:
        """Wait until every COPY handed over has finished; raise the first failure."""
        self.queue.join()
        self.check()

    def stop(self) -> None:
        self.queue.put(_STOP)
        self.thread.join()


@dataclass
class BulkWriter:
    """Writes rows for many models; keeps count of rows and time per table."""

    stats: dict[str, TableStats] = field(default_factory=dict)
    sample_size: int = 0
    samples: dict[type, tuple[list[str], list[tuple]]] = field(default_factory=dict)
    _prepared: bool = field(default=False, repr=False)
    _pipe: _CopyPipe | None = field(default=None, repr=False)
    # Each chained table's head as this writer left it (overlapped mode: the table's chain
    # lock is held to the end of the transaction, so nobody else moves it).
    _heads: dict[type, tuple[int, str]] = field(default_factory=dict, repr=False)
    # Secondary indexes dropped for the load (overlapped mode), table → definitions.
    _deferred: dict[str, list[str]] | None = field(default=None, repr=False)
    index_seconds: float = 0.0  # building the deferred indexes again
    reference_seconds: float = 0.0  # checking the references at the end (ADR 0022)

    @contextlib.contextmanager
    def overlapped(self, *, defer_indexes: bool = False):
        """Inside a transaction on PostgreSQL: the COPYs run on a second thread while the
        caller makes the next rows (`_CopyPipe`). Every COPY has finished, and any failure
        has been raised, when the block ends. Elsewhere it changes nothing.

        With `defer_indexes`, each table's secondary indexes (`_SECONDARY_INDEXES`) are
        dropped before its first rows and built again, each in one sort, when the block
        ends: in the same transaction, so a failure anywhere restores them. The primary
        keys and unique indexes stay, so keys are still checked row by row. DROP INDEX
        locks the table to the end of the transaction: for loading, not a live service."""
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            yield
            return
        connection.ensure_connection()
        pipe = self._pipe = _CopyPipe(connection.connection)
        self._deferred = {} if defer_indexes else None
        try:
            yield
            pipe.drain()
            self._rebuild_indexes()
        except BaseException:
            pipe.cancelled = True
            raise
        finally:
            self._pipe = None
            self._deferred = None
            pipe.stop()
            self._heads.clear()

    def _defer_indexes(self, table: str) -> None:
        """Drop `table`'s secondary indexes for the load, once (overlapped mode)."""
        if self._deferred is None or table in self._deferred:
            return
        self.drain()
        with connection.cursor() as cursor:
            cursor.execute(_SECONDARY_INDEXES, [connection.ops.quote_name(table)])
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")  # a name from the catalogue
        self._deferred[table] = [definition for _, definition in indexes]

    def _rebuild_indexes(self) -> None:
        if not self._deferred:
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            for definitions in self._deferred.values():
                for definition in definitions:
                    cursor.execute(definition)  # pg_get_indexdef's own statement
        self.index_seconds += time.perf_counter() - started

    def drain(self) -> None:
        """Wait for the COPYs in flight (overlapped mode), before using the connection."""
        if self._pipe is not None:
            self._pipe.drain()

    def write(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[tuple],
        *,
        digests: Sequence[str] | None = None,
    ) -> int:
        """Write `rows` (tuples in `columns` order). For a hash-chained audit table,
        `digests` may give the rows' content digests (audit.chain.content_digests), worked
        out already by whoever made the rows."""
        rows = list(rows)
        if self.sample_size and model not in self.samples and rows:
            self.samples[model] = (list(columns), rows[: self.sample_size])
        if issubclass(model, ChainedModel) and rows:
            # Audit rows join their table's hash chain in the order given, after the
            # current head, under the chain's lock (audit/chain.py).
            with chain.in_transaction():
                after = self._heads.get(model) if self._pipe is not None else None
                if after is None:
                    self.drain()
                    after = chain.head(model)  # takes the chain's lock to the end
                columns, rows, after = chain.chain_rows(model, columns, rows, after, digests)
                if self._pipe is not None:
                    self._heads[model] = after
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
        stats = self.stats.setdefault(meta.db_table, TableStats())
        if self._pipe is not None:
            self._defer_indexes(meta.db_table)
            cols = ", ".join(connection.ops.quote_name(c) for c in db_columns)
            table = connection.ops.quote_name(meta.db_table)
            self._pipe.put(f"COPY {table} ({cols}) FROM STDIN", rows, stats)
            stats.rows += len(rows)
            return len(rows)
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
        stats.rows += len(rows)
        stats.seconds += time.perf_counter() - started
        return len(rows)

    def takes_text(self) -> bool:
        """Whether `write_text` can write here: PostgreSQL, where the rows go by COPY."""
        return connection.vendor == "postgresql"

    def write_text(
        self, model: type[models.Model], columns: Sequence[str], text: bytes, count: int
    ) -> int:
        """Write `count` rows given as COPY text (`copy_text`) on PostgreSQL, as `write`
        writes rows: on the COPY thread in overlapped mode. Never a hash-chained table (its
        rows get their place in the chain in `write`)."""
        if issubclass(model, ChainedModel) or connection.vendor != "postgresql":
            raise ValueError(f"{model._meta.label}: COPY text is for PostgreSQL, unchained")
        if not count:
            return 0
        meta = model._meta
        stats = self.stats.setdefault(meta.db_table, TableStats())
        sql = _copy_sql(model, columns)
        if self._pipe is not None:
            self._defer_indexes(meta.db_table)
            self._pipe.put(sql, text, stats)
        else:
            started = time.perf_counter()
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                copy.write(text)
            stats.seconds += time.perf_counter() - started
        stats.rows += count
        return count

    def role_limits(self) -> dict[str, Decimal]:
        """The delegated limits already set for whole roles (SDS-4), so synthetic approvals
        follow them and none is set twice (one limit per role)."""
        self.drain()
        return dict(
            DelegatedLimit.objects.filter(user__isnull=True).values_list("role", "amount_per_year")
        )

    @property
    def total_rows(self) -> int:
        return sum(s.rows for s in self.stats.values())

    @property
    def total_seconds(self) -> float:
        return sum(s.seconds for s in self.stats.values())


def _copy_sql(model: type[models.Model], columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    cols = ", ".join(quote(_column(_concrete(model._meta.get_field(c)))) for c in columns)
    return f"COPY {quote(model._meta.db_table)} ({cols}) FROM STDIN"


def copy_text(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> bytes:
    """`rows` in PostgreSQL COPY's text format: the bytes `BulkWriter.write` sends for them
    there (the same adapters, and psycopg's own formatter with its default dumpers, which
    are the connection's for every type the generator writes), made without a connection,
    so a worker process can make them (#14; tests/test_synth.py compares every table)."""
    from psycopg._copy_base import format_row_text  # noqa: PLC2701 - what copy.write_row uses
    from psycopg.adapt import Transformer

    fields = [_concrete(model._meta.get_field(name)) for name in columns]
    adapters = [_adapter(f, "postgresql") for f in fields]
    if any(adapters):
        rows = (tuple(a(v) if a else v for a, v in zip(adapters, row, strict=True)) for row in rows)
    transformer, out = Transformer(), bytearray()
    for row in rows:
        format_row_text(row, transformer, out)
    return bytes(out)


# The bits uuid.UUID(int=..., version=4) clears and sets (RFC 4122 variant, version 4).
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)
_new = object.__new__
_set = object.__setattr__
# Looked up once: reading an enum member through its class costs a descriptor call, which
# was a fifth of det_uuid's own time (cProfile, 5,000 people, #14).
_UNKNOWN = uuid.SafeUUID.unknown


def det_uuid(rng) -> uuid.UUID:
    """A UUID4 drawn from a seeded random generator, so data is the same for a seed.

    The same value as uuid.UUID(int=rng.getrandbits(128), version=4), made without its
    argument checks: about a hundred are made per person, so this is a third of the time
    spent making rows (tests/test_synth.py checks the two agree)."""
    value = _new(uuid.UUID)
    _set(value, "int", (rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)
    _set(value, "is_safe", _UNKNOWN)
    return value


def now() -> datetime.datetime:
    return timezone.now()
