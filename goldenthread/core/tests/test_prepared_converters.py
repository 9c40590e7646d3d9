"""The quick converters of core.prepared (#19) give what Django's own give, value for
value: SQLite's UUIDs, dates, date-and-times and true/false, and PostgreSQL's UUIDs read
back from a batch's JSON, including the texts the quick parse refuses and hands on."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.db.models import BooleanField, DateField, DateTimeField, UUIDField
from django.test.utils import override_settings

from goldenthread.core import prepared

UUIDS = [
    "0f0f0f0f0f0f4f0f8f0f0f0f0f0f0f0f",
    "ABCDEFABCDEF4ABC8ABCABCDEFABCDEF",
    "00000000000000000000000000000000",
    "ffffffffffffffffffffffffffffffff",
    "{0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f}",
    "urn:uuid:0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f",
    "0f0f0f0f_0f0f4f0f8f0f0f0f0f0f0f0f",  # int() takes underscores, and so does uuid.UUID
    "0f0f0f0f0f0f4f0f8f0f0f0f0f0f0f0g",  # not hex: refused by both
    "-f0f0f0f0f0f4f0f8f0f0f0f0f0f0f0f",  # a sign: uuid.UUID drops the hyphen, refuses
    "0f0f",
    "éf0f0f0f0f0f4f0f8f0f0f0f0f0f0f0f",
    # Whitespace (#19: 16 bytes read from hex are 32 digits; anything else is uuid.UUID's).
    " 0f0f0f0f0f0f4f0f8f0f0f0f0f0f0f ",  # int() strips it, and so does uuid.UUID
    "0f0f0f0f 0f0f4f0f8f0f0f0f0f0f0f0",
    "0F0F0F0F0F0F4F0F8F0F0F0F0F0F0F0F",
    "٠f0f0f0f0f0f4f0f8f0f0f0f0f0f0f0f",  # a digit int() reads that is not ASCII
    uuid.UUID(int=1),
]
CANONICAL = [
    "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f",
    "ABCDEFAB-CDEF-4ABC-8ABC-ABCDEFABCDEF",
    "0f0f0f0f0f0f-4f0f-8f0f-0f0f-0f0f0f0f",  # hyphens elsewhere: uuid.UUID takes them
    "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0g",
    "{0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f}",
    "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f-0",
]
DATETIMES = [
    "2026-12-05 00:01:02",
    "2026-12-05 00:01:02.123456",
    "2026-12-05 00:01:02.5",
    "2026-12-05T00:01:02",
    "2026-12-05 00:01:02+01:00",
    "2026-12-05 00:01:02,5",  # Django's pattern takes it, fromisoformat does not (3.11)
    "2026-1-5 0:01:02",
    "2026-12-05",
    "not a date",
    "2026-02-30 00:00:00",
    datetime.datetime(2026, 12, 5, 1, 2, 3),  # noqa: DTZ001 - a naive value, as SQLite may give
    datetime.datetime(2026, 12, 5, 1, 2, 3, tzinfo=datetime.UTC),
]
DATES = ["2026-12-05", "20261205", "2026-1-5", "not a date", datetime.date(2026, 12, 5)]
BOOLEANS = [0, 1, True, False, 2, "1"]


def _outcome(call):
    try:
        value = call()
    except Exception as error:  # noqa: BLE001 - the same exception is what is compared
        return ("raised", type(error))
    return ("gave", value, type(value), getattr(value, "tzinfo", None))


def _sqlite_converter(field):
    ops = prepared._sqlite_operations()(connection)  # on PostgreSQL too
    [function] = ops.get_db_converters(field.get_col("t"))
    return function


def _compare(field, values):
    function = _sqlite_converter(field)
    expression = field.get_col("t")
    quick = prepared._quick(function, expression, _Sqlite())
    assert quick is not None
    for value in values:
        expected = _outcome(lambda v=value: function(v, expression, connection))
        assert _outcome(lambda v=value: quick(v)) == expected, value
        if expected[0] == "gave" and isinstance(expected[1], uuid.UUID):
            assert quick(value).is_safe == expected[1].is_safe


class _Sqlite:
    vendor = "sqlite"


def _field(cls):
    field = cls()
    field.set_attributes_from_name("x")
    field.model = _Model
    return field


class _Model:
    class _meta:  # noqa: N801 - what Col reads
        db_table = "t"


@pytest.mark.parametrize("use_tz", [True, False])
def test_sqlite_quick_converters_give_djangos_values(use_tz):
    with override_settings(USE_TZ=use_tz):
        _compare(_field(UUIDField), UUIDS)
        _compare(_field(DateTimeField), DATETIMES)
        _compare(_field(DateField), DATES)
        _compare(_field(BooleanField), BOOLEANS)


def test_postgresql_json_uuids_as_uuid_gives():
    for text in CANONICAL + UUIDS[:-1]:
        assert _outcome(lambda t=text: prepared._uuid_from_text(t)) == _outcome(
            lambda t=text: uuid.UUID(t)
        ), text


def test_other_converters_are_left_to_django():
    def from_db_value(value, expression, connection):
        return value

    assert prepared._quick(from_db_value, None, _Sqlite()) is None

    class _Postgresql:
        vendor = "postgresql"

    function = _sqlite_converter(_field(UUIDField))
    assert prepared._quick(function, None, _Postgresql()) is None


# --- Model objects (core.prepared._maker) ------------------------------------------------------


def _state(obj):
    found = dict(vars(obj))
    state = dict(vars(found.pop("_state")))
    if state.get("fields_cache") == {}:
        del state["fields_cache"]  # made on first use (ModelStateFieldsCacheDescriptor)
    return found, state, type(obj)


@pytest.mark.django_db
def test_model_objects_are_made_as_from_db_makes_them(person, practitioner):
    from django.db.models.signals import post_init

    from goldenthread.core.prepared import PreparedBatch, PreparedQuery
    from goldenthread.people.factories import CircleMemberFactory
    from goldenthread.people.models import CircleMember, Person

    CircleMemberFactory(person=person, name="Zoe")
    CircleMemberFactory(person=person, name="Amy")
    members = PreparedQuery(
        lambda pk: CircleMember.objects.filter(person_id=pk).order_by("name"), uuid.uuid4()
    )
    people = PreparedQuery(
        lambda pk: Person.objects.filter(pk=pk).select_related("team"), uuid.uuid4()
    )
    expected = list(members.queryset(person.pk))
    got = members(person.pk)
    assert [_state(o) for o in got] == [_state(o) for o in expected]
    assert got[0]._state.adding is False and got[0]._state.db == "default"
    # Each made by the quick path: no receivers, a plain model.
    compiled = members._get("default")
    assert prepared._maker(
        compiled, CircleMember, [f.attname for f in compiled.model._meta.concrete_fields]
    )
    [found] = people(person.pk)
    [django] = people.queryset(person.pk)
    assert _state(found) == _state(django)
    assert found.team == django.team and found.team.name == django.team.name
    batch = PreparedBatch({"members": members})
    assert [_state(o) for o in batch(person.pk)["members"]] == [_state(o) for o in expected]

    # A receiver of post_init: every object goes through Django's own from_db again.
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=CircleMember)
    try:
        again = members(person.pk)
    finally:
        post_init.disconnect(receiver, sender=CircleMember)
    assert seen == again and len(seen) == 2


def test_a_model_that_is_not_plain_uses_from_db(monkeypatch):
    from goldenthread.people.models import CircleMember

    fields = [f.attname for f in CircleMember._meta.concrete_fields]
    assert prepared._plain_model(CircleMember, fields)
    assert not prepared._plain_model(CircleMember, fields[:-1])  # a deferred column

    # A model with its own __setattr__ (patched for this test only: a model class defined
    # here would stay in the app registry for every later test in the process).
    def own_setattr(self, name, value):
        object.__setattr__(self, name, value)

    monkeypatch.setattr(CircleMember, "__setattr__", own_setattr)
    assert not prepared._plain_model(CircleMember, fields)
