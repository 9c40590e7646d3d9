"""The hash chain that makes a removed or altered audit row detectable (docs/adr/0002-audit.md).

Every row of a chained table carries:

- `seq`: its place in its table's chain, 1, 2, 3, … with no gaps (unique);
- `prev_hash`: the `row_hash` of the row before it (64 zeros for the first row);
- `row_hash`: SHA-256 of the ASCII text ``table \n seq \n prev_hash \n digest`` where
  `digest` is the SHA-256 (hex) of the row's content in canonical form. The row's own hash
  so covers its content, its place and the previous row's hash.

The canonical form of the content is JSON with sorted keys, no spaces, ASCII only, of
``{column: value, …}``: every concrete column except the three chain columns, by database
column name, with a value in one form whatever the database returns: UUIDs as 36-character
text, date-times in UTC as ISO 8601 with microseconds, IP addresses fully written out, JSON
with sorted keys and whole numbers as integers. A column whose value is NULL is left out, so
a nullable column added later does not change the hashes of the rows written before it.

Appending is serialised per table so concurrent writers never fork the chain. PostgreSQL:
one statement (`append_postgresql`) whose `audit_chain_next()` takes the table's
`pg_advisory_xact_lock`, reads the head with a snapshot taken after the lock, and works out
`seq`, `prev_hash` and `row_hash` from the digest computed here; the lock is held until the
writing transaction commits. SQLite: the write lock that `BEGIN IMMEDIATE` takes (the
project's transaction mode), held by every audit write because it always runs inside a
transaction, then `head` and `link` here. The unique `seq` is a second line: a forked
append fails instead of landing.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from goldenthread.core.prepared import execute_fixed, fetch_fixed, sqlite_native

GENESIS = "0" * 64
CHAIN_FIELDS = ("seq", "prev_hash", "row_hash")


def lock_key(table: str) -> int:
    """A stable signed 64-bit key for the table's advisory lock."""
    digest = hashlib.sha256(f"goldenthread.audit.chain:{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_CONTENT_FIELDS: dict[type[models.Model], tuple[models.Field, ...]] = {}


def content_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The columns a row's hash covers: every concrete one but the chain's own."""
    fields = _CONTENT_FIELDS.get(model)
    if fields is None:
        fields = _CONTENT_FIELDS[model] = tuple(
            f for f in model._meta.concrete_fields if f.name not in CHAIN_FIELDS
        )
    return fields


def _whole(value: Any) -> Any:
    """JSON values in one form: sorted later by json.dumps; floats that are whole numbers
    as integers (PostgreSQL's jsonb may give back 1e16 as 10000000000000000)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    return value


def _uuid(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _datetime(value: Any) -> str:
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.fromisoformat(str(value))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _ip(value: Any) -> str:
    return ipaddress.ip_address(str(value)).exploded


def _json(value: Any) -> Any:
    return _whole(json.loads(json.dumps(value)))


_INTEGERS = {
    "BigAutoField",
    "AutoField",
    "BigIntegerField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "SmallIntegerField",
}


@functools.cache
def _converter(field: models.Field) -> Callable[[Any], Any]:
    internal = field.get_internal_type()
    target = getattr(field, "target_field", None) if field.is_relation else None
    if target is not None:
        internal = target.get_internal_type()
    if internal == "UUIDField":
        return _uuid
    if internal == "DateTimeField":
        return _datetime
    if internal == "DateField":
        return _date
    if internal == "GenericIPAddressField":
        return _ip
    if internal == "JSONField":
        return _json
    if internal == "BooleanField":
        return bool
    if internal in _INTEGERS:
        return int
    return str


def canonical_value(field: models.Field, value: Any) -> Any:
    """One column's value in its one canonical form (None stays None)."""
    return None if value is None else _converter(field)(value)


def canonical_content(fields: Sequence[models.Field], values: Sequence[Any]) -> dict[str, Any]:
    return {
        field.column: _converter(field)(value)
        for field, value in zip(fields, values, strict=True)
        if value is not None
    }


# What json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
# allow_nan=False) makes, with its encoder made once rather than on every row (json.dumps
# builds a new one whenever it is given options): every audit row is hashed with it.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(_CANONICAL.encode(content).encode("ascii")).hexdigest()


def link_hash(table: str, seq: int, prev_hash: str, digest: str) -> str:
    """As audit_chain_next() computes it in PostgreSQL (migration 0004)."""
    return hashlib.sha256(f"{table}\n{seq}\n{prev_hash}\n{digest}".encode("ascii")).hexdigest()


def compute_hash(table: str, seq: int, prev_hash: str, content: dict[str, Any]) -> str:
    return link_hash(table, seq, prev_hash, content_digest(content))


def head(model: type[models.Model], db: Any = None) -> tuple[int, str]:
    """Lock the table's chain for this transaction and return its last (seq, row_hash).
    Call inside a transaction. `db`: the default database's connection (this thread's
    `connections[DEFAULT_DB_ALIAS]`, what `django.db.connection` stands for), if the caller
    has it already."""
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            # One round trip: the function takes the lock, then reads the head with a
            # snapshot taken after the lock (a VOLATILE function's statements each get a
            # fresh one), so it sees the row of whoever held the lock before.
            cursor.execute(
                "SELECT seq, row_hash FROM audit_chain_head(%s, %s)", [table, lock_key(table)]
            )
            last = cursor.fetchone()
    else:
        # Plain SQL: the ORM would take longer to build this query than the database
        # takes to answer it from the unique index on seq; made once per table (#19).
        sql, native = _head_statement(table, db)
        last = fetch_fixed(db, sql, native, ())
    if last is None or last[0] is None:
        return (0, GENESIS)
    return (int(last[0]), last[1])


_HEAD_STATEMENTS: dict[tuple[str, str], tuple[str, str]] = {}


def _head_statement(table: str, db: Any) -> tuple[str, str]:
    """SQLite: (the head's SELECT, as sqlite3 takes it), made once per table and database."""
    key = (table, db.alias)
    found = _HEAD_STATEMENTS.get(key)
    if found is None:
        sql = (
            f"SELECT seq, row_hash FROM {db.ops.quote_name(table)} "  # noqa: S608
            "ORDER BY seq DESC LIMIT 1"
        )
        found = _HEAD_STATEMENTS[key] = (sql, sqlite_native(sql))
    return found


def link(instance: Any, after: tuple[int, str]) -> tuple[int, str]:
    """Give `instance` its place after `after` = (seq, hash); return its own (seq, hash)."""
    model = type(instance)
    content = _content_of(model, [getattr(instance, f.attname) for f in content_fields(model)])
    seq, prev = after[0] + 1, after[1]
    instance.seq, instance.prev_hash = seq, prev
    instance.row_hash = compute_hash(model._meta.db_table, seq, prev, content)
    return seq, instance.row_hash


# --- One row written: each field's work looked up once per model (#19) ----------------------
#
# Every read of a person's record writes an access-log row; Django's per-field calls for it
# (pre_save, get_db_prep_save through get_db_prep_value and get_prep_value, and the hash's
# converter looked up by the field, which hashes it) were a third of the row's cost. The
# same values, worked out once per model and database what each field needs.

_PLAIN_TYPES: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.BigIntegerField: int,
    models.IntegerField: int,
}


def _getter(field: models.Field) -> Callable[[Any], Any]:
    """`field.pre_save(instance, True)` as a function of the instance: the attribute itself
    for a field whose pre_save only reads it (Field's own; a date's with no auto_now)."""
    pre_save = type(field).pre_save
    reads_only = pre_save is models.Field.pre_save or (
        pre_save in (models.DateField.pre_save, models.DateTimeField.pre_save)
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    )
    if not reads_only:
        return lambda instance: field.pre_save(instance, True)
    attname = field.attname
    return lambda instance: getattr(instance, attname)


def _db_preparer(field: models.Field) -> Callable[[Any, Any], Any]:
    """`field.get_db_prep_save(value, connection)` as a function of the value and the
    connection: for text, true/false and whole-number fields given a value of exactly their
    Python type (or None to a text field), Django's answer is the value itself; anything
    else goes to Django."""
    plain = _PLAIN_TYPES.get(type(field))
    prepare = field.get_db_prep_save
    if plain is None:
        return prepare
    text = plain is str

    def prepared(value: Any, connection: Any) -> Any:
        if value.__class__ is plain or (text and value is None):
            return value
        return prepare(value, connection)

    return prepared


_CONTENT_PLANS: dict[type[models.Model], tuple[tuple[str, Callable[[Any], Any]], ...]] = {}


def _content_of(model: type[models.Model], values: Sequence[Any]) -> dict[str, Any]:
    """canonical_content(content_fields(model), values), each column's converter found once
    per model rather than once a value."""
    plan = _CONTENT_PLANS.get(model)
    if plan is None:
        plan = _CONTENT_PLANS[model] = tuple(
            (f.column, _converter(f)) for f in content_fields(model)
        )
    return {
        column: convert(value)
        for (column, convert), value in zip(plan, values, strict=True)
        if value is not None
    }


@dataclass(frozen=True)
class _WritePlan:
    """How a model's row is written on one database: the statement, and for each field in
    its parameters' order, its value from the instance and that value as the database takes
    it."""

    sql: str
    getters: tuple[Callable[[Any], Any], ...]
    # Each takes (value, connection): the connection is this thread's, given on each call.
    preparers: tuple[Callable[[Any, Any], Any], ...]
    native: str = ""  # SQLite: the statement as sqlite3 takes it (core.prepared.sqlite_native)


_WRITE_PLANS: dict[tuple[type[models.Model], str, str], _WritePlan] = {}


def _write_plan(
    model: type[models.Model],
    kind: str,
    fields: Sequence[models.Field],
    sql: Callable[[], str],
    db: Any = None,
) -> _WritePlan:
    """The model's plan for `kind` of write on `db` (the connection in use), made once
    (`sql` makes its statement)."""
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]
    key = (model, db.alias, kind)
    plan = _WRITE_PLANS.get(key)
    if plan is None:
        statement = sql()
        plan = _WRITE_PLANS[key] = _WritePlan(
            sql=statement,
            getters=tuple(_getter(f) for f in fields),
            preparers=tuple(_db_preparer(f) for f in fields),
            native=sqlite_native(statement) if db.vendor == "sqlite" else "",
        )
    return plan


def append_postgresql(instance: Any, db: Any = None) -> None:
    """Insert `instance` at the end of its table's chain in one statement (PostgreSQL): the
    head is locked and read, and the row's place and hash worked out, inside it. `db`: as
    for `head`."""
    # Looked up once, not on each use of django.db.connection's proxy (#19).
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]
    model = type(instance)
    table = model._meta.db_table
    fields = content_fields(model)

    def statement() -> str:
        quote = db.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        # Table and column names come from the model, never from input.
        return (
            "WITH h AS (SELECT * FROM audit_chain_next(%s, %s, %s)) "  # noqa: S608
            f"INSERT INTO {quote(table)} ({columns}, seq, prev_hash, row_hash) "
            f"VALUES ({marks}, (SELECT seq FROM h), (SELECT prev_hash FROM h), "
            "(SELECT row_hash FROM h)) RETURNING seq, prev_hash, row_hash"
        )

    plan = _write_plan(model, "append", fields, statement, db)
    values = [get(instance) for get in plan.getters]
    digest = content_digest(_content_of(model, values))
    params = [prepare(v, db) for prepare, v in zip(plan.preparers, values, strict=True)]
    with db.cursor() as cursor:
        cursor.execute(plan.sql, [table, _lock_key(table), digest, *params])
        instance.seq, instance.prev_hash, instance.row_hash = cursor.fetchone()
    instance._state.adding = False
    instance._state.db = db.alias


@functools.cache
def _lock_key(table: str) -> int:
    return lock_key(table)


def insert_sqlite(instance: Any, db: Any = None) -> None:
    """Insert a linked row (`link` done) in one prepared statement: the column list and SQL
    are made once per model, the values prepared by each field as Model.save would
    (pre_save, get_db_prep_save; `_write_plan`), and run as sqlite3 takes it when nothing
    watches the statements (core.prepared.execute_fixed). Half of an audit row's cost on
    SQLite was Django building this INSERT again for every row (#19); the row, its place
    and its hash are the same. Like `append_postgresql`, no model signals are sent (audit
    rows have no receivers). `db`: as for `head`."""
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]
    model = type(instance)
    fields = tuple(model._meta.concrete_fields)

    def statement() -> str:
        if model._meta.pk.get_internal_type().endswith("AutoField"):  # pragma: no cover
            raise TypeError(f"{model.__name__}: insert_sqlite needs a key made in Python")
        quote = db.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        # Table and column names come from the model, never from input.
        return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608

    plan = _write_plan(model, "insert", fields, statement, db)
    params = [
        prepare(get(instance), db)
        for get, prepare in zip(plan.getters, plan.preparers, strict=True)
    ]
    execute_fixed(db, plan.sql, plan.native, params)
    instance._state.adding = False
    instance._state.db = db.alias


def in_transaction(db: Any = None):
    """The audit write's transaction: the caller's if there is one (no savepoint: if the
    row cannot be written the caller's work fails with it), else its own. `db`: as for
    `head`."""
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]
    if db.in_atomic_block:
        return transaction.atomic(using=db.alias, savepoint=False)
    return transaction.atomic(using=db.alias)


def content_digests(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]
) -> list[str]:
    """The content digest of each of `rows` (tuples in `columns` order), as `chain_rows`
    links them: the part of a row's hash that depends on the row alone, so another process
    can work it out (the synthetic data's workers, #14)."""
    fields = content_fields(model)
    position = {name: i for i, name in enumerate(columns)}
    picks = []
    for field in fields:
        index = position.get(field.name, position.get(field.attname))
        if index is None and not field.null:
            raise ValueError(f"{model._meta.label}: the column {field.name} must be written.")
        picks.append(index)
    # canonical_content's work, with each column's converter looked up once rather than
    # once a value (the lookup hashes the field: a fifth of the synthetic data's audit
    # rows' cost, #14); the same content, so the same hashes (nonprod/tests/test_synth_writer.py).
    spec = [
        (f.column, _converter(f), i) for f, i in zip(fields, picks, strict=True) if i is not None
    ]
    encode, sha256 = _CANONICAL.encode, hashlib.sha256
    digests = []
    for row in rows:
        content = {}
        for column, convert, i in spec:
            value = row[i]
            if value is not None:
                content[column] = convert(value)
        digests.append(sha256(encode(content).encode("ascii")).hexdigest())
    return digests


def chain_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    after: tuple[int, str],
    digests: Sequence[str] | None = None,
) -> tuple[list[str], list[tuple], tuple[int, str]]:
    """For bulk writers: `rows` (tuples in `columns` order) with the three chain columns
    added, continuing from `after`; returns (columns, rows, new head). `digests`, if given,
    are the rows' content digests (`content_digests`), worked out already."""
    rows = list(rows)
    if digests is None:
        digests = content_digests(model, columns, rows)
    elif len(digests) != len(rows):
        raise ValueError(f"{len(digests)} content digests for {len(rows)} rows")
    table = model._meta.db_table
    seq, prev = after
    chained = []
    for row, digest in zip(rows, digests, strict=True):
        seq += 1
        row_hash = link_hash(table, seq, prev, digest)
        chained.append((*row, seq, prev, row_hash))
        prev = row_hash
    return [*columns, *CHAIN_FIELDS], chained, (seq, prev)


# --- Verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    table: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.table}: broken at sequence number {self.seq}: {self.problem}"


@dataclass(frozen=True)
class Result:
    table: str
    rows: int
    head: tuple[int, str]
    broken: Break | None


def _sqlite_uuid(value: Any) -> str:
    """SQLite keeps a UUID as 32 hex digits: written out directly (uuid.UUID and Django's
    converter were a third of a council-sized walk, #20)."""
    if isinstance(value, str) and len(value) == 32:
        v = value.lower()
        return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
    return _uuid(value)


def _sqlite_datetime(value: Any) -> str:
    """SQLite keeps an aware date-time as naive UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]":
    the same text _datetime makes of it, without parsing it."""
    if isinstance(value, str) and value[10:11] == " ":
        if len(value) == 26:
            return f"{value[:10]}T{value[11:]}+00:00"
        if len(value) == 19:
            return f"{value[:10]}T{value[11:]}.000000+00:00"
    return _datetime(value)


def _sqlite_json(value: Any) -> Any:
    return _whole(json.loads(value)) if isinstance(value, str) else _json(value)


_SQLITE_RAW: dict[Callable[[Any], Any], Callable[[Any], Any]] = {
    _uuid: _sqlite_uuid,
    _datetime: _sqlite_datetime,
    _json: _sqlite_json,
}


def _rows(model: type[models.Model], chunk: int) -> Iterator[tuple[Any, Any, Any, dict]]:
    """(seq, prev_hash, row_hash, canonical content) of every row in chain order.

    SQLite: a plain cursor, each column's stored text put in its canonical form directly
    (no Django converters, no UUID or datetime objects); the same content as
    canonical_content gives for the model's values, which the test suite checks on every
    walk it makes. PostgreSQL: the ORM's values (psycopg's own types), converted once."""
    fields = content_fields(model)
    if connection.vendor != "sqlite":
        names = ["seq", "prev_hash", "row_hash", *(f.attname for f in fields)]
        query = model._default_manager.order_by("seq").values_list(*names)
        for seq, prev_hash, row_hash, *values in query.iterator(chunk_size=chunk):
            yield seq, prev_hash, row_hash, canonical_content(fields, values)
        return
    pairs = [(f.column, _SQLITE_RAW.get(_converter(f), _converter(f))) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("seq", "prev_hash", "row_hash", *(c for c, _ in pairs)))
    # Table and column names come from the model, never from input.
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} ORDER BY seq"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(chunk):
            for seq, prev_hash, row_hash, *values in batch:
                content = {
                    column: convert(value)
                    for (column, convert), value in zip(pairs, values, strict=True)
                    if value is not None
                }
                yield seq, prev_hash, row_hash, content


@dataclass(frozen=True)
class Removed:
    """A run of consecutive rows a purge removed, as its checkpoint accounts for them
    (models.AuditCheckpoint): the chain must arrive at `first` with `prev_hash` and leave
    `last` with `last_hash`. In the compact form (format 2) a hash the checkpoint does not
    write out is None: the chain's own hash there is collected while walking, and all of a
    checkpoint's are checked at once against its `joins` digest."""

    first: int
    last: int
    prev_hash: str | None
    last_hash: str | None
    checkpoint: int = 0


@dataclass(frozen=True)
class Accounted:
    """What the checkpoints account for in one table: its runs, and each compact
    checkpoint's `joins` digest by the checkpoint's sequence number."""

    runs: list[Removed]
    joins: dict[int, str]


def format_ranges(runs: Iterable[tuple[int, int]]) -> str:
    """[(1, 3), (5, 5), (9, 12)] -> "1-3,5,9-12"."""
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def parse_ranges(text: str) -> list[tuple[int, int]]:
    runs = []
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        runs.append((int(first), int(last or first)))
    return runs


def removed_runs(removed: dict, table: str, checkpoint: int = 0) -> list[Removed]:
    """The runs one checkpoint's `removed` records for `table`: format 1 (`runs`, every
    run with its hashes) or format 2 (`ranges`, with `edges`: the hashes of rows whose
    neighbour was already gone when the purge ran, by sequence number)."""
    entry = removed.get(table, {})
    if "ranges" in entry:
        edges = entry.get("edges", {})
        return [
            Removed(first, last, edges.get(str(first - 1)), edges.get(str(last)), checkpoint)
            for first, last in parse_ranges(entry["ranges"])
        ]
    return [
        Removed(int(first), int(last), prev_hash, last_hash, checkpoint)
        for first, last, prev_hash, last_hash, *_ in entry.get("runs", [])
    ]


def accounted(checkpoints: Iterable[tuple[int, dict]]) -> dict[str, Accounted]:
    """Every table's runs and joins from (checkpoint seq, removed) in chain order."""
    found: dict[str, Accounted] = {}
    for seq, removed in checkpoints:
        for table, entry in removed.items():
            runs = removed_runs(removed, table, seq)
            if not runs:
                continue
            into = found.setdefault(table, Accounted([], {}))
            into.runs.extend(runs)
            if "joins" in entry:
                into.joins[seq] = entry["joins"]
    return found


def runs_digest(row_hashes: Iterable[str]) -> str:
    """SHA-256 of the removed rows' hashes in order, one a line: with an older backup of
    the log, anyone can check exactly which rows a purge removed. Also the `joins` digest
    of the hashes on either side of a compact checkpoint's runs."""
    digest = hashlib.sha256()
    for row_hash in row_hashes:
        digest.update(row_hash.encode("ascii") + b"\n")
    return digest.hexdigest()


def verify(
    model: type[models.Model],
    *,
    anchor: tuple[int, str] | None = None,
    removed: Sequence[Removed] = (),
    joins: dict[int, str] | None = None,
    chunk: int = 5000,
) -> Result:
    """Walk the table's chain in order; the first broken link, if any.

    Missing row: a gap in the sequence numbers that no purge checkpoint accounts for
    (`removed`), or (with `anchor`, a head recorded earlier) a chain that no longer reaches
    that head. Altered row: its content no longer gives its hash, or the next row no longer
    names its hash. A checkpoint's run must join the chain exactly (the hash before it and
    its last hash, written out or, compact, in its `joins` digest), and the rows it says
    were removed must be gone."""
    table = model._meta.db_table
    runs: dict[int, Removed] = {}
    for run in removed:
        if run.first in runs or run.last < run.first:
            return Result(
                table, 0, (0, GENESIS), Break(table, run.first, "purge checkpoints overlap")
            )
        runs[run.first] = run
    first_run = {}
    for run in sorted(removed, key=lambda r: r.first, reverse=True):
        first_run[run.checkpoint] = run.first
    collected: dict[int, list[str]] = {}
    expected, count = 1, 0
    # The hash of row expected - 1; None while it is owed by `pending`, a compact run whose
    # last hash the next kept row (or a run written out) gives.
    prev: str | None = GENESIS
    pending: Removed | None = None

    def broken_at(seq: int, problem: str) -> Result:
        return Result(table, count, (expected - 1, prev or ""), Break(table, seq, problem))

    def settle(last_hash: str) -> Break | None:
        """The hash owed by the pending run is known now."""
        nonlocal pending, prev
        run, pending, prev = pending, None, last_hash
        if run is not None and run.last_hash is None:
            collected.setdefault(run.checkpoint, []).append(last_hash)
        if run is not None and anchor is not None and run.last == anchor[0]:
            if last_hash != anchor[1]:
                return Break(
                    table, run.last, "row altered: its hash differs from the recorded anchor"
                )
        return None

    def skip_removed(before: int) -> Break | None:
        """Step over the purged runs that start where the chain has got to."""
        nonlocal expected, prev, pending
        while before > expected and expected in runs:
            run = runs.pop(expected)
            if run.prev_hash is None:
                if prev is None:
                    return Break(
                        table,
                        run.first,
                        f"rows {run.first} to {run.last} were removed by a purge, but no "
                        "checkpoint records the hash joining them to the rows removed "
                        "before them (checkpoint altered)",
                    )
                collected.setdefault(run.checkpoint, []).append(prev)
            elif prev is None:
                broken = settle(run.prev_hash)
                if broken is not None:
                    return broken
            elif run.prev_hash != prev:
                return Break(
                    table,
                    run.first,
                    f"rows {run.first} to {run.last} were removed by a purge, but its "
                    "checkpoint does not join the chain here (checkpoint or row altered)",
                )
            if run.last >= before:
                return Break(
                    table,
                    before,
                    f"row {before} is present but a purge checkpoint says it was removed",
                )
            expected = run.last + 1
            if run.last_hash is None:
                prev, pending = None, run
                continue
            prev = run.last_hash
            if anchor is not None and run.last == anchor[0] and run.last_hash != anchor[1]:
                return Break(
                    table, run.last, "row altered: its hash differs from the recorded anchor"
                )
        return None

    for seq, prev_hash, row_hash, content in _rows(model, chunk):
        count += 1
        if seq is None:
            return broken_at(
                expected, "a row has no place in the chain (written without a sequence number)"
            )
        broken = skip_removed(seq)
        if broken is not None:
            return Result(table, count, (expected - 1, prev or ""), broken)
        if seq > expected:
            missing = (
                f"row {expected} is missing"
                if seq == expected + 1
                else f"rows {expected} to {seq - 1} are missing"
            )
            return broken_at(expected, missing)
        if seq < expected:
            return broken_at(
                seq, "two rows have this sequence number (the chain was forked or a row was copied)"
            )
        if prev is None:  # the row after a compact run names the run's last hash
            broken = settle(prev_hash)
            if broken is not None:
                return Result(table, count, (expected - 1, prev or ""), broken)
        if prev_hash != prev:
            if seq == 1:
                problem = (
                    "the first row does not start the chain (rows before it are "
                    "missing, or it was altered)"
                )
                return Result(table, count, (0, prev or ""), Break(table, 1, problem))
            return broken_at(
                seq - 1, f"row altered or replaced: row {seq} no longer names its hash"
            )
        if compute_hash(table, seq, prev_hash, content) != row_hash:
            return broken_at(seq, "row altered: its content no longer matches its hash")
        expected, prev = seq + 1, row_hash
        if anchor is not None and seq == anchor[0] and row_hash != anchor[1]:
            return Result(
                table,
                count,
                (seq, row_hash),
                Break(table, seq, "row altered: its hash differs from the recorded anchor"),
            )
    last_run = min(runs.values(), key=lambda r: r.first) if runs else pending
    if last_run is not None:  # a purge never removes a chain's head
        run = last_run
        return broken_at(
            run.first,
            f"a purge checkpoint says rows {run.first} to {run.last} were removed, but the "
            "chain does not account for them there (rows still present, or checkpoint "
            "or rows altered)",
        )
    for checkpoint, digest in sorted((joins or {}).items()):
        if runs_digest(collected.get(checkpoint, [])) != digest:
            return broken_at(
                first_run.get(checkpoint, 0),
                f"the rows either side of the runs purge checkpoint {checkpoint} removed no "
                "longer match it (a kept row beside a purged run altered or replaced)",
            )
    if anchor is not None and expected - 1 < anchor[0]:
        return broken_at(
            expected,
            f"rows {expected} to {anchor[0]} are missing (the chain ends "
            "before the head recorded in the anchor)",
        )
    return Result(table, count, (expected - 1, prev or GENESIS), None)
