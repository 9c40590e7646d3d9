"""Fixed reads compiled once per process (#19).

Building a queryset (`filter`, `annotate`, `select_related`) and compiling it to SQL costs
more CPU on a record's page than the database spends answering it. A `PreparedQuery` holds
a function that builds a queryset from its arguments; it is built and compiled once per
process and database, with sample arguments, and each call then runs the same SQL with
the real arguments put where the samples were, through Django's own converters and model
loading. The rows are exactly what iterating the queryset would give (model instances,
with `select_related` objects and annotations; `values()` dicts; `values_list()` tuples,
flat or named): each use is kept beside a test comparing it with the queryset itself.

    _circle = PreparedQuery(lambda person_id: CircleMember.objects.filter(person_id=person_id))
    members = _circle(person.pk)

Rules for `build`: its arguments are scalars (a UUID, a date, a date-and-time, text) that
it only compares with (`filter(x=arg)`); it never branches on their values, since it runs
once with the samples. Build one `PreparedQuery` per shape (per role, say), not per call.
The queries go through the connection's cursor as any other, so the access log, query
counts and `CaptureQueriesContext` see them.
"""

from __future__ import annotations

import datetime
import inspect
import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import query as django_query
from django.db.models.base import ModelState
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    NamedValuesListIterable,
    QuerySet,
    ValuesIterable,
    ValuesListIterable,
)
from django.db.models.signals import post_init, pre_init
from django.db.models.utils import create_namedtuple_class

_SUPPORTED = (
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    FlatValuesListIterable,
    NamedValuesListIterable,
)


def _adapt(value: Any, connection) -> Any:
    """A value as the compiler passes it to the database for a model field."""
    if isinstance(value, uuid.UUID):
        return value if connection.features.has_native_uuid_field else value.hex
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, Decimal):
        return connection.ops.adapt_decimalfield_value(value)
    return value


# Django's SQLite cursor turns "%s" into "?" with a regular expression over the whole
# statement on every call: for the golden thread's batch (ten thousand characters and more)
# that was 1.6 M of its 5 M instructions a call, more than SQLite spent answering it (#19). Given its
# parameters by name, the same cursor fills in the names with `%` instead (Python's string
# formatting, a tenth of the work) and sqlite3 binds them by name: the same statement, the
# same values, through the same cursor (query counts and captured queries see it; the
# captured text is the same once the values are put in). "%s" is found as Django finds it
# ("%%s" is a literal "%s"), once, when the statement is built.
_FORMAT_PLACEHOLDER = re.compile(r"(?<!%)%s")


def _named_parameters(sql: str, count: int, vendor: str) -> tuple[str, list[str] | None]:
    """SQLite: (the statement with each "%s" as "%(pN)s", the names p0, p1, … in order);
    any other database: (the statement, None)."""
    if vendor != "sqlite":
        return sql, None
    names: list[str] = []

    def name(_match: re.Match) -> str:
        names.append(f"p{len(names)}")
        return f"%({names[-1]})s"

    named = _FORMAT_PLACEHOLDER.sub(name, sql)
    if len(names) != count:
        raise ImproperlyConfigured("Prepared read: the statement's parameters do not add up")
    return named, names


def _fetch(
    connection, sql: str, names: list[str] | None, params: list, *, one: bool, native: str = ""
) -> Any:
    """The statement's rows (or its one row), its parameters by name where it has names.
    `native`: on SQLite, the same statement as sqlite3 takes it (`sqlite_native`), run by
    `run_native` when nothing watches the connection's statements."""
    if native and not (connection.execute_wrappers or connection.queries_logged):
        return run_native(connection, native, params, one=one)
    with connection.cursor() as cursor:
        cursor.execute(sql, params if names is None else dict(zip(names, params, strict=True)))
        return cursor.fetchone() if one else cursor.fetchall()


# Django's SQLite cursor turns each statement's "%s" into sqlite3's "?" on every call (a
# regular expression over the whole text, or "%" formatting for named parameters) and then
# sqlite3 hashes the new text to find its compiled statement: for a fixed statement that is
# work done again on every call for the same answer (0.1 M instructions a call for the
# golden thread's batch of eleven thousand characters; 50 K for the access-log row's
# INSERT, #19). A fixed statement is converted once (`sqlite_native`, as Django's own
# cursor converts it) and, when nothing watches the connection's statements (no
# `execute_wrapper`, no query capture: `queries_logged` is False), run on the connection's
# sqlite3 connection itself (`run_native`), with the checks Django's cursor makes before
# (the health check, the thread it belongs to, a broken transaction) and its errors turned into Django's as
# Django's cursor turns them. Anything that watches (assertNumQueries, CaptureQueriesContext,
# DEBUG's connection.queries, an execute wrapper) sees the statement go through Django's
# cursor as before, with the same text and values.


def sqlite_native(sql: str) -> str:
    """A statement with "%s" parameters as sqlite3 takes it ("?"), converted as Django's
    SQLite cursor converts it (SQLiteCursorWrapper.convert_query)."""
    return _FORMAT_PLACEHOLDER.sub("?", sql).replace("%%", "%")


def run_native(connection, native: str, params: list | tuple, *, one: bool = False) -> Any:
    """Run `native` (`sqlite_native`'s) on SQLite's own connection: its rows, or its one row
    with `one`. The caller has checked that nothing watches the statements."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.execute(native, params)
        try:
            return cursor.fetchone() if one else cursor.fetchall()
        finally:
            cursor.close()


def execute_fixed(connection, sql: str, native: str, params: list | tuple) -> None:
    """Run a fixed statement that returns no rows (`native`: `sqlite_native(sql)` on SQLite,
    "" elsewhere): natively when nothing watches (`run_native`), else through Django's
    cursor."""
    if native and not (connection.execute_wrappers or connection.queries_logged):
        run_native(connection, native, params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch_fixed(connection, sql: str, native: str, params: list | tuple) -> Any:
    """A fixed statement's one row (or None), as `execute_fixed` runs it."""
    if native and not (connection.execute_wrappers or connection.queries_logged):
        return run_native(connection, native, params, one=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@dataclass
class _Compiled:
    sql: str
    params: list
    slots: list  # for each parameter: the argument it comes from, or None (a constant)
    compiler: Any
    iterable: type
    model: type
    names: list  # values(): the keys; values_list(named=True): the fields
    converters: dict  # column → the database's and the fields' converters, as Django's
    plans: dict = field(default_factory=dict)  # _plan's, by connection and time zone
    named_sql: str = ""  # the statement as run: on SQLite with named parameters
    param_names: list | None = None  # SQLite: the parameters' names (_named_parameters)
    native: str = ""  # SQLite: the statement as sqlite3 takes it (sqlite_native)


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], *samples: Any) -> None:
        self._build = build
        self._samples = samples or ()
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()
        self._model: type | None = None
        self._built: QuerySet | None = None  # the sample build, until it is compiled

    def queryset(self, *args: Any) -> QuerySet:
        """The queryset itself, built with these arguments (for tests and one-off use)."""
        return self._build(*args)

    def _compile(self, alias: str, samples: tuple) -> _Compiled:
        connection = connections[alias]
        # Any: the queryset's private parts (_fields, _iterable_class) are read as Django's
        # own iterables read them.
        queryset: Any = self._built if self._built is not None else self._build(*samples)
        self._built = None
        if queryset._iterable_class not in _SUPPORTED:
            raise ImproperlyConfigured(f"PreparedQuery cannot run {queryset._iterable_class}")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ImproperlyConfigured(
                "PreparedQuery runs one query from a model's manager: no prefetch_related, "
                "no related manager (filter by the id instead)"
            )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        adapted = [_adapt(s, connection) for s in samples]
        slots: list = []
        found: set[int] = set()
        for param in params:
            slot = next(
                (
                    i
                    for i, a in enumerate(adapted)
                    if type(a) is type(param) and a == param  # noqa: E721 - 1 is not True
                ),
                None,
            )
            slots.append(slot)
            if slot is not None:
                found.add(slot)
        if len(found) != len(samples):
            raise ImproperlyConfigured(
                "PreparedQuery: an argument does not reach the SQL as a parameter "
                f"({sorted(set(range(len(samples))) - found)})"
            )
        # The names as Django's own iterables take them (django/db/models/query.py).
        query = queryset.query
        names = list(query.selected or ()) or [
            *query.extra_select,
            *query.values_select,
            *query.annotation_select,
        ]
        if queryset._iterable_class is NamedValuesListIterable and queryset._fields:
            names = list(queryset._fields)
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ImproperlyConfigured("PreparedQuery does not read composite fields")
        named_sql, param_names = _named_parameters(sql, len(params), connection.vendor)
        return _Compiled(
            native=sqlite_native(sql) if connection.vendor == "sqlite" else "",
            named_sql=named_sql,
            param_names=param_names,
            converters=compiler.get_converters(fields),
            sql=sql,
            params=list(params),
            slots=slots,
            compiler=compiler,
            iterable=queryset._iterable_class,
            model=queryset.model,
            names=names,
        )

    def _get(self, alias: str) -> _Compiled:
        key = (alias, connections[alias].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    samples = self._samples or ()
                    compiled = self._compiled[key] = self._compile(alias, samples)
        return compiled

    def __call__(self, *args: Any, using: str | None = None) -> list:
        if len(args) != len(self._samples):
            raise TypeError(f"expected {len(self._samples)} arguments, got {len(args)}")
        if any(a is None for a in args):
            raise ValueError("PreparedQuery arguments cannot be None (that is IS NULL in SQL)")
        alias = using or self._alias()
        compiled = self._get(alias)
        connection = connections[alias]
        adapted = [_adapt(a, connection) for a in args]
        params = [
            p if s is None else adapted[s]
            for p, s in zip(compiled.params, compiled.slots, strict=True)
        ]
        fetched = _fetch(
            connection,
            compiled.named_sql,
            compiled.param_names,
            params,
            one=False,
            native=compiled.native,
        )
        return _rows(compiled, fetched, connection)

    def _alias(self) -> str:
        if self._model is None:
            self._built = self._build(*self._samples)
            self._model = self._built.model
        return router.db_for_read(self._model)


# --- The converters, made cheaper (#19) ----------------------------------------------------
#
# Django's converters take (value, expression, connection) and each reads what it needs
# again for every value (settings.USE_TZ through the lazy settings object, say): on a
# record's page of a dozen reads they were a tenth of the page's CPU. The ones the page's
# reads meet most (SQLite's UUIDs, date-and-times, dates and true/false; PostgreSQL's UUIDs
# in a batch's JSON) are done here as one call of one argument, giving the same value, and
# handing anything they do not expect (not text, text the quick parse refuses) to Django's
# own. Every other converter (a field's from_db_value, a decimal's) is called as before.
# core/tests/test_prepared.py compares each with Django's on the values a database gives.

_new_object = object.__new__
_set_slot = object.__setattr__
_UUID_UNKNOWN = uuid.SafeUUID.unknown
_from_hex = bytes.fromhex
_int_from_bytes = int.from_bytes


def _uuid_from_hex(value: Any) -> Any:
    """uuid.UUID(value) for 32 hex digits (how SQLite keeps a UUID; and what a canonical
    UUID's text is without its hyphens), without the text clean-up uuid.UUID does first:
    the same int(hex, 16) on the same text, which is all it comes to then."""
    if value.__class__ is str and len(value) == 32:
        # 32 characters that are 16 bytes in hexadecimal are 32 hexadecimal digits, which
        # int(value, 16) reads as these bytes do (#19: a tenth of the cost of checking
        # value.isalnum() and int()'s parse). Anything else (whitespace or a sign among the
        # digits, a non-hexadecimal letter) goes to uuid.UUID as before.
        try:
            raw = _from_hex(value)
        except ValueError:
            return uuid.UUID(value)  # raises as uuid.UUID does
        if len(raw) == 16:
            found = _new_object(uuid.UUID)
            _set_slot(found, "int", _int_from_bytes(raw, "big"))
            _set_slot(found, "is_safe", _UUID_UNKNOWN)
            return found
    return uuid.UUID(value)


def _uuid_from_text(text: Any) -> Any:
    """uuid.UUID(text) for a UUID's canonical text (PostgreSQL's, in JSON)."""
    if text.__class__ is str and len(text) == 36 and text.count("-") == 4:
        return _uuid_from_hex(text.replace("-", ""))
    return uuid.UUID(text)


def _sqlite_operations() -> Any:
    # Through the backend's base: its operations module alone imports in a cycle.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    return DatabaseWrapper.ops_class


def _quick(function: Callable, expression: Any, connection: Any) -> Callable | None:
    """A one-argument function doing what `function(value, expression, connection)` does
    for a value that is not None (each of these gives None for None), or None when there is
    none here for it. Called once per read and call, not per value."""
    operations = getattr(function, "__self__", None)
    method = getattr(function, "__func__", None)
    if method is None or operations is None or connection.vendor != "sqlite":
        return None
    sqlite = _sqlite_operations()
    if method is sqlite.convert_uuidfield_value:
        return _uuid_from_hex
    if method is sqlite.convert_booleanfield_value:
        return _boolean
    if method is sqlite.convert_datefield_value:
        from_text = datetime.date.fromisoformat

        def date(value: Any) -> Any:
            if value.__class__ is str:
                try:
                    return from_text(value)
                except ValueError:
                    pass  # Django's parse_date tries its pattern next
            return function(value, expression, connection)

        return date
    if method is sqlite.convert_datetimefield_value:
        # Read once here, as Django's reads them for each value: make_aware(value,
        # self.connection.timezone) when USE_TZ, for a value that is not aware.
        zone = operations.connection.timezone if settings.USE_TZ else None
        parse = datetime.datetime.fromisoformat

        def date_time(value: Any) -> Any:
            if value.__class__ is str:
                try:
                    found = parse(value)
                except ValueError:
                    return function(value, expression, connection)
                if zone is not None and found.tzinfo is None:
                    return found.replace(tzinfo=zone)
                return found
            return function(value, expression, connection)

        return date_time
    return None


def _boolean(value: Any) -> Any:
    return bool(value) if value in (1, 0) else value


def _plan(compiled: _Compiled, connection) -> tuple[list, list]:
    """(quick, other): for each converted column, its position and one function of the
    value; the quick ones are not called for None (they give None), the others always.
    Worked out once for each connection and time-zone setting (a test may change them)."""
    key = (connection, settings.USE_TZ, connection.settings_dict.get("TIME_ZONE"))
    plan = compiled.plans.get(key)
    if plan is None:
        if len(compiled.plans) > 64:  # connections come and go with threads
            compiled.plans.clear()
        plan = compiled.plans[key] = _make_plan(compiled.converters, connection)
    return plan


def _make_plan(converters: dict, connection) -> tuple[list, list]:
    quick: list = []
    other: list = []
    for position, (functions, expression) in converters.items():
        one = _quick(functions[0], expression, connection) if len(functions) == 1 else None
        if one is not None:
            quick.append((position, one))
        else:
            other.append((position, functions, expression))
    return quick, other


def _converted(fetched: list, compiled: _Compiled, connection) -> list:
    """As compiler.apply_converters(), with the converters found once at compile time and
    this thread's connection; the commonest done in one call (above)."""
    if not compiled.converters:
        return fetched
    quick, other = _plan(compiled, connection)
    rows = []
    for row in map(list, fetched):
        for position, convert in quick:
            value = row[position]
            if value is not None:
                row[position] = convert(value)
        for position, functions, expression in other:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        rows.append(row)
    return rows


# --- Model objects made cheaper (#19) -----------------------------------------------------
#
# Model.from_db → Model.__init__ sends pre_init and post_init and sets each field through
# setattr; for a model that overrides none of it, with every column loaded and no signal
# receivers, that comes to: a new object whose __dict__ holds its state (not adding, this
# database) and each field's value by its attname. Each read's model is checked once
# (`_plain_model`); any receiver of pre_init or post_init, connected at any time, sends
# every object back through Django's own from_db. The related objects of select_related
# are always made by Django (its populators). core/tests/test_prepared.py compares the
# objects made both ways.


def _plain_model(model_cls: type, init_list: list) -> bool:
    """Whether Model.from_db would do nothing more for this model than _maker's function."""
    from django.db.models import Model
    from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute

    model: Any = model_cls  # its _meta and class attributes, read as Django reads them
    opts = model._meta
    if opts.abstract or [f.attname for f in opts.concrete_fields] != list(init_list):
        return False  # deferred or extra columns: Django's from_db fills them in
    if (
        model.__init__ is not Model.__init__
        or model.from_db.__func__ is not getattr(Model.from_db, "__func__", None)
        or model.__setattr__ is not Model.__setattr__
    ):
        return False
    for name in init_list:
        found = inspect.getattr_static(model_cls, name, None)
        # A descriptor that sets the value itself (other than a foreign key's id, which
        # only forgets a cached object, and a new object has none).
        if hasattr(type(found), "__set__") and type(found) is not ForeignKeyDeferredAttribute:
            return False
    return True


def _make_object(model_cls: type, names: tuple, db: str, values: Any) -> Any:
    """The model object Model.from_db(db, names, values) makes, for a plain model."""
    found: Any = _new_object(model_cls)
    state = ModelState()
    state.adding = False
    state.db = db
    attributes = found.__dict__
    attributes["_state"] = state
    attributes.update(zip(names, values, strict=True))
    return found


def _maker(compiled: _Compiled, model_cls: type, init_list: list) -> Callable | None:
    """A function (db, values) → the model object, as Model.from_db makes it, or None to
    use Model.from_db (any receiver of pre_init or post_init; a model that is not plain)."""
    if pre_init.receivers or post_init.receivers:
        return None
    plain = compiled.plans.get("plain model")
    if plain is None:
        plain = compiled.plans["plain model"] = _plain_model(model_cls, init_list)
    if not plain:
        return None
    names = tuple(init_list)

    def make(db: str, values: Any) -> Any:
        return _make_object(model_cls, names, db, values)

    return make


def _quick_populate(populator: Any) -> Callable:
    """A function (row, obj) doing what Django's `RelatedPopulator.populate(row, obj)` does
    (the object select_related loaded, cached on `obj` and `obj` on it), making a plain
    model's object as `_make_object` does; Django's own populate for any other model (and
    for a parent's columns read in another order)."""
    nested = [_quick_populate(p) for p in populator.related_populators]
    model_cls, names = populator.model_cls, tuple(populator.init_list)
    if populator.reorder_for_init is not None or not _plain_model(model_cls, list(names)):
        return populator.populate
    start, end, pk_index, db = (
        populator.cols_start,
        populator.cols_end,
        populator.pk_idx,
        populator.db,
    )
    local_setter, remote_setter = populator.local_setter, populator.remote_setter

    def populate(row: Any, from_obj: Any) -> None:
        values = row[start:end]
        if values[pk_index] is None:
            local_setter(from_obj, None)
            return
        obj = _make_object(model_cls, names, db, values)
        for each in nested:
            each(row, obj)
        local_setter(from_obj, obj)
        remote_setter(obj, from_obj)

    return populate


@dataclass
class _Related:
    """A model read's layout, worked out once per database: its columns' names and where
    they are, and what fills in its select_related objects (Django's populators, and the
    same as quick functions for when no pre_init or post_init receiver is connected)."""

    start: int
    end: int
    init_list: list
    populators: list
    quick: list


def _related(compiled: _Compiled, db: str) -> _Related:
    key = ("related", db)
    found = compiled.plans.get(key)
    if found is None:
        compiler = compiled.compiler
        select, klass_info = compiler.select, compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        populators = django_query.get_related_populators(klass_info, select, db)  # type: ignore[attr-defined]
        found = compiled.plans[key] = _Related(
            start=start,
            end=end,
            init_list=[f[0].target.attname for f in select[start:end]],
            populators=populators,
            quick=[_quick_populate(p) for p in populators],
        )
    return found


def _rows(compiled: _Compiled, fetched: list, connection: Any) -> list:
    """The read's rows from the database's (`connection`: this thread's, which ran it; not
    looked up again by its alias for each read, #19)."""
    compiler = compiled.compiler
    db = connection.alias
    rows: Any = _converted(fetched, compiled, connection)
    iterable = compiled.iterable
    if iterable is FlatValuesListIterable:
        return [row[0] for row in rows]
    if iterable is ValuesListIterable:
        return [tuple(row) for row in rows]
    if iterable is NamedValuesListIterable:
        # As Django's NamedValuesListIterable makes them: tuple.__new__, not the class's
        # own __new__ (a Python function taking each field as an argument).
        tuple_class, new = create_namedtuple_class(*compiled.names), tuple.__new__
        return [new(tuple_class, row) for row in rows]
    if iterable is ValuesIterable:
        return [dict(zip(compiled.names, row, strict=True)) for row in rows]
    # ModelIterable, as Django's own (django/db/models/query.py), without re-compiling.
    annotation_col_map = compiler.annotation_col_map
    model_cls = compiler.klass_info["model"]
    layout = _related(compiled, db)
    start, end, init_list = layout.start, layout.end, layout.init_list
    make = _maker(compiled, model_cls, init_list)
    # Django's populators whenever Django's from_db is used (a receiver of pre_init or
    # post_init), the quick ones otherwise.
    populate = (
        layout.quick
        if not (pre_init.receivers or post_init.receivers)
        else [p.populate for p in layout.populators]
    )
    objects = []
    for row in rows:
        obj = make(db, row[start:end]) if make else model_cls.from_db(db, init_list, row[start:end])
        for fill in populate:
            fill(row, obj)
        if annotation_col_map:
            for name, position in annotation_col_map.items():
                setattr(obj, name, row[position])
        objects.append(obj)
    return objects


# --- Several fixed reads in one statement (#19) ---------------------------------------------
#
# On PostgreSQL every statement costs this process a round trip through Django's cursor and
# the driver (about 0.1-0.3 ms of CPU, however few its rows); a page of a dozen small reads
# spends more in those trips than in its rows. A `PreparedBatch` runs several
# `PreparedQuery`s of the same arguments as ONE statement: each read becomes a common table
# expression with its columns renamed by position, and the statement selects, for each,
# its rows as one JSON array of arrays (json_agg / json_group_array, in the read's own
# order: an aggregate keeps the order of the rows it reads). Each read's rows are then
# turned back into the values the driver would have given (UUIDs, dates, date-and-times,
# decimals) and go through the same converters and model loading as the read alone: the
# result is exactly what each PreparedQuery (and so each queryset) gives, which the tests
# of each use check. Values that JSON cannot carry exactly (binary data, durations) are
# refused when the statement is built; a float on SQLite keeps 15 significant digits.

BATCH_SQL_START = "WITH q0("  # how every batch's statement starts (the bench looks for it)
_MAX_COLUMNS = 100  # PostgreSQL's limit on a function's arguments (json_build_array)


def _db_type(expression) -> str:
    """The internal type of the column a select expression reads (a foreign key: its
    target's)."""
    field = expression.output_field
    while getattr(field, "is_relation", False) and getattr(field, "target_field", None):
        field = field.target_field
    return field.get_internal_type()


def _json_loader(db_type: str, connection) -> Callable[[Any], Any] | None:
    """For PostgreSQL: JSON's value of a column → the value psycopg gives for it."""
    if db_type == "UUIDField":
        return _uuid_from_text
    if db_type == "DateTimeField":
        tz = connection.timezone
        return lambda text: datetime.datetime.fromisoformat(text).astimezone(tz)
    if db_type == "DateField":
        return datetime.date.fromisoformat
    if db_type == "TimeField":
        return datetime.time.fromisoformat
    if db_type == "DecimalField":
        return lambda number: number if isinstance(number, Decimal) else Decimal(number)
    if db_type == "FloatField":
        return float
    if db_type in ("BinaryField", "DurationField"):
        raise ImproperlyConfigured(f"PreparedBatch cannot carry a {db_type} through JSON")
    return None


_DECIMAL_JSON = json.JSONDecoder(parse_float=Decimal).decode


def _psycopg_keeps_converted(sql: str) -> None:
    """Let psycopg keep this statement converted (its "%s" turned into "$1", …) between
    calls, as it keeps every statement of up to 4,096 bytes: a batch's statement is longer
    (the golden thread's, eleven thousand), and psycopg's regular expression over it on
    every call was 0.8 M of the golden-thread page's instructions on PostgreSQL (#19). The
    limit (psycopg's own, `MAX_CACHED_STATEMENT_LENGTH`, which it reads on each call) is
    raised only as far as the longest batch: psycopg keeps 128 statements at most, so a few
    hundred kilobytes at worst. core/tests/test_prepared.py checks that the batch is kept."""
    try:
        from psycopg import _queries
    except ImportError:  # pragma: no cover - psycopg is what Django's backend uses here
        return
    length = len(sql.encode())
    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", length) < length:
        _queries.MAX_CACHED_STATEMENT_LENGTH = length


@dataclass
class _Batch:
    sql: str
    params: list
    slots: list
    parts: list  # for each read: (name, its _Compiled, its loaders by column or None)
    names: list | None = None  # SQLite: the parameters' names (_named_parameters)
    native: str = ""  # SQLite: the statement as sqlite3 takes it (sqlite_native)


class PreparedBatch:
    """Several `PreparedQuery`s taking the same arguments, run as one statement:
    `batch(*args)` → {name: rows}, each read's rows exactly as `prepared(*args)` gives."""

    def __init__(self, reads: dict[str, PreparedQuery]) -> None:
        counts = {len(r._samples) for r in reads.values()}
        if len(counts) != 1:
            raise ImproperlyConfigured("PreparedBatch: every read takes the same arguments")
        self.reads = dict(reads)
        self._arity = counts.pop()
        self._batches: dict[tuple[str, str], _Batch] = {}
        self._lock = threading.Lock()

    def _build(self, alias: str) -> _Batch:
        connection = connections[alias]
        postgresql = connection.vendor == "postgresql"
        if connection.vendor not in ("postgresql", "sqlite"):
            raise ImproperlyConfigured(f"PreparedBatch does not know {connection.vendor}")
        ctes, selects, params, slots, parts = [], [], [], [], []
        for number, (name, read) in enumerate(self.reads.items()):
            compiled = read._get(alias)
            columns = compiled.compiler.select[: compiled.compiler.col_count]
            if not columns or len(columns) > _MAX_COLUMNS:
                raise ImproperlyConfigured(f"PreparedBatch: {name} has {len(columns)} columns")
            types = [_db_type(column[0]) for column in columns]
            names = [f"c{i}" for i in range(len(columns))]
            ctes.append(f"q{number}({', '.join(names)}) AS ({compiled.sql})")
            if postgresql:
                cells = ", ".join(
                    f"{n}::text" if t == "JSONField" else n
                    for n, t in zip(names, types, strict=True)
                )
                # S608: only compiled SQL and names made here, never a value.
                aggregate = f"json_agg(json_build_array({cells}))"
                selects.append(f"(SELECT {aggregate} FROM q{number})::text")  # noqa: S608
                loaders = [_json_loader(t, connection) for t in types]
                found = loaders if any(loaders) else None
            else:
                for t in types:
                    if t in ("BinaryField",):
                        raise ImproperlyConfigured(f"PreparedBatch cannot carry a {t} through JSON")
                cells = ", ".join(names)
                aggregate = f"json_group_array(json_array({cells}))"
                selects.append(f"(SELECT {aggregate} FROM q{number})")  # noqa: S608
                found = None
            params += compiled.params
            slots += compiled.slots
            parts.append((name, compiled, found))
        sql = f"WITH {', '.join(ctes)} SELECT {', '.join(selects)}"
        assert sql.startswith(BATCH_SQL_START)
        if postgresql:
            _psycopg_keeps_converted(sql)
        named, param_names = _named_parameters(sql, len(params), connection.vendor)
        native = sqlite_native(sql) if connection.vendor == "sqlite" else ""
        return _Batch(
            sql=named, params=params, slots=slots, parts=parts, names=param_names, native=native
        )

    def _get(self, alias: str) -> _Batch:
        key = (alias, connections[alias].vendor)
        batch = self._batches.get(key)
        if batch is None:
            with self._lock:
                batch = self._batches.get(key)
                if batch is None:
                    batch = self._batches[key] = self._build(alias)
        return batch

    def __call__(self, *args: Any, using: str | None = None) -> dict[str, list]:
        if len(args) != self._arity:
            raise TypeError(f"expected {self._arity} arguments, got {len(args)}")
        if any(a is None for a in args):
            raise ValueError("PreparedBatch arguments cannot be None (that is IS NULL in SQL)")
        alias = using or next(iter(self.reads.values()))._alias()
        batch = self._get(alias)
        connection = connections[alias]
        adapted = [_adapt(a, connection) for a in args]
        params = [
            p if s is None else adapted[s] for p, s in zip(batch.params, batch.slots, strict=True)
        ]
        found = _fetch(connection, batch.sql, batch.names, params, one=True, native=batch.native)
        postgresql = connection.vendor == "postgresql"
        result = {}
        for (name, compiled, loaders), text in zip(batch.parts, found, strict=True):
            # One decoder made once: json.loads(text, parse_float=Decimal) makes a new one
            # (and its scanner) on every call, fourteen a golden-thread page (#19).
            fetched = _DECIMAL_JSON(text) if postgresql and text else []
            if not postgresql:
                fetched = json.loads(text)
            if loaders:
                items = [(i, f) for i, f in enumerate(loaders) if f is not None]
                for row in fetched:
                    for i, load in items:
                        if row[i] is not None:
                            row[i] = load(row[i])
            result[name] = _rows(compiled, fetched, connection)
        return result


__all__ = [
    "BATCH_SQL_START",
    "PreparedBatch",
    "PreparedQuery",
    "execute_fixed",
    "fetch_fixed",
    "sqlite_native",
]
