"""PreparedQuery (#19): a fixed read compiled once per process gives exactly the rows of the
queryset it was built from, in every row shape, with new arguments each call."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Count, F, Value
from django.test.utils import CaptureQueriesContext

from goldenthread.core.prepared import PreparedBatch, PreparedQuery
from goldenthread.people.factories import AllocationFactory, CircleMemberFactory, PersonFactory
from goldenthread.people.models import Allocation, CircleMember, Person

pytestmark = pytest.mark.django_db


def _people(team, practitioner):
    older = PersonFactory(
        team=team, family_name="Anderson", date_of_birth=datetime.date(1940, 1, 2)
    )
    younger = PersonFactory(team=team, family_name="Brown", date_of_birth=datetime.date(1990, 5, 6))
    for p in (older, younger):
        AllocationFactory(person=p, worker=practitioner)
    CircleMemberFactory(person=older, name="Zoe")
    CircleMemberFactory(person=older, name="Amy")
    return older, younger


def _shapes():
    def base(team_id, born_after):
        return Person.objects.filter(team_id=team_id, date_of_birth__gt=born_after).order_by(
            "family_name"
        )

    return {
        "models with select_related and an annotation": lambda t, d: (
            base(t, d)
            .select_related("area", "team")
            .annotate(members=Count("circle"), shout=F("family_name"))
        ),
        "values": lambda t, d: base(t, d).values("family_name", "area__name"),
        "values with an annotation": lambda t, d: (
            base(t, d).annotate(members=Count("circle")).values("members", "family_name")
        ),
        "values_list": lambda t, d: base(t, d).values_list("date_of_birth", "pk"),
        "values_list, annotation first": lambda t, d: (
            base(t, d).annotate(members=Count("circle")).values_list("members", "family_name")
        ),
        "flat": lambda t, d: base(t, d).values_list("pk", flat=True),
        "named": lambda t, d: base(t, d).values_list("family_name", "chi_number", named=True),
    }


@pytest.mark.parametrize("shape", list(_shapes()))
def test_prepared_rows_are_the_querysets_rows(shape, team, other_team, practitioner):
    """Each shape, called with several different arguments: the same rows as the queryset."""
    older, younger = _people(team, practitioner)
    build = _shapes()[shape]
    prepared = PreparedQuery(build, uuid.uuid4(), datetime.date(1901, 2, 3))
    for team_id, born_after, count in [
        (team.pk, datetime.date(1900, 1, 1), 2),
        (team.pk, datetime.date(1950, 1, 1), 1),
        (other_team.pk, datetime.date(1900, 1, 1), 0),
    ]:
        expected = list(build(team_id, born_after))
        got = prepared(team_id, born_after)
        assert got == expected
        assert len(got) == count
        if shape.startswith("models") and got:
            assert [(p.area.name, p.team.name, p.members, p.shout) for p in got] == [
                (p.area.name, p.team.name, p.members, p.shout) for p in expected
            ]
            assert got[0]._state.adding is False


def test_compiled_once_and_one_query_per_call(team, practitioner):
    older, _ = _people(team, practitioner)
    built = []

    def build(person_id):
        built.append(person_id)
        return CircleMember.objects.filter(person_id=person_id).order_by("name")

    prepared = PreparedQuery(build, uuid.uuid4())
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert [m.name for m in prepared(older.pk)] == ["Amy", "Zoe"]
        assert len(queries) == 1, [q["sql"][:60] for q in queries.captured_queries]
    assert len(built) == 1  # the sample build, once; the calls never build again
    assert prepared(uuid.uuid4()) == []


def test_a_datetime_argument(team, practitioner):
    older, _ = _people(team, practitioner)
    prepared = PreparedQuery(
        lambda person_id, now: Allocation.objects.filter(
            person_id=person_id, created_at__lte=now
        ).values_list("worker_id", flat=True),
        uuid.uuid4(),
        datetime.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=datetime.UTC),
    )
    now = datetime.datetime.now(datetime.UTC)
    assert prepared(older.pk, now) == [practitioner.pk]
    assert prepared(older.pk, now - datetime.timedelta(days=1)) == []


def test_misuse_is_refused(person):
    with pytest.raises(ImproperlyConfigured, match="does not reach the SQL"):
        PreparedQuery(lambda pk: Person.objects.all(), uuid.uuid4())(person.pk)
    with pytest.raises(ImproperlyConfigured, match="no prefetch_related"):
        PreparedQuery(
            lambda pk: Person.objects.filter(pk=pk).prefetch_related("circle"), uuid.uuid4()
        )(person.pk)
    with pytest.raises(ImproperlyConfigured, match="no related manager"):
        PreparedQuery(lambda pk: person.circle.filter(pk=pk), uuid.uuid4())(person.pk)
    prepared = PreparedQuery(lambda pk: Person.objects.filter(pk=pk), uuid.uuid4())
    with pytest.raises(ValueError, match="cannot be None"):
        prepared(None)
    with pytest.raises(TypeError):
        prepared()


def _same(got, expected) -> bool:
    """Equal, and every value of the same type (model instances: every attribute, and the
    objects select_related loaded)."""
    if hasattr(expected, "_state"):
        mine = {k: v for k, v in vars(got).items() if k != "_state"}
        theirs = {k: v for k, v in vars(expected).items() if k != "_state"}
        cached, wanted = got._state.fields_cache, expected._state.fields_cache
        return (
            type(got) is type(expected)
            and mine.keys() == theirs.keys()
            and all(_same(mine[k], theirs[k]) for k in theirs)
            and cached.keys() == wanted.keys()
            and all(_same(cached[k], wanted[k]) for k in wanted)
        )
    if isinstance(expected, tuple | list | dict):
        if isinstance(expected, dict):
            return (
                type(got) is dict
                and got.keys() == expected.keys()
                and all(_same(got[k], expected[k]) for k in expected)
            )
        return (
            type(got) is type(expected)
            and len(got) == len(expected)
            and all(_same(a, b) for a, b in zip(got, expected, strict=True))
        )
    if isinstance(expected, datetime.datetime):
        return got == expected and got.utcoffset() == expected.utcoffset()
    return type(got) is type(expected) and got == expected


def test_a_batch_gives_each_reads_rows_in_one_statement(team, other_team, practitioner):
    """#19: several prepared reads of the same arguments run as one statement (their rows
    carried as JSON), each read's rows exactly the queryset's: values, their types and
    order, model objects with what select_related loaded, empty reads."""
    older, younger = _people(team, practitioner)
    shapes = _shapes()
    shapes["date-and-times and nulls"] = lambda t, d: Person.objects.filter(
        team_id=t, date_of_birth__gt=d
    ).values_list("created_at", "updated_at", "preferred_name", "pk", named=True)
    batch = PreparedBatch(
        {
            name: PreparedQuery(build, uuid.uuid4(), datetime.date(1901, 2, 3))
            for name, build in shapes.items()
        }
    )
    for team_id, born_after in [
        (team.pk, datetime.date(1900, 1, 1)),
        (team.pk, datetime.date(1950, 1, 1)),
        (other_team.pk, datetime.date(1900, 1, 1)),
    ]:
        with CaptureQueriesContext(connection) as queries:
            got = batch(team_id, born_after)
        assert len(queries) == 1
        assert list(got) == list(shapes)
        for name, build in shapes.items():
            expected = list(build(team_id, born_after))
            assert got[name] == expected, name
            assert _same(got[name], expected), name
    assert len(batch(team.pk, datetime.date(1900, 1, 1))["flat"]) == 2


def test_a_batch_refuses_reads_of_different_arguments(person):
    one = PreparedQuery(lambda pk: Person.objects.filter(pk=pk), uuid.uuid4())
    two = PreparedQuery(
        lambda pk, d: Person.objects.filter(pk=pk, date_of_birth=d),
        uuid.uuid4(),
        datetime.date(1901, 2, 3),
    )
    with pytest.raises(ImproperlyConfigured, match="same arguments"):
        PreparedBatch({"one": one, "two": two})
    batch = PreparedBatch({"one": one})
    with pytest.raises(ValueError, match="cannot be None"):
        batch(None)
    assert batch(person.pk)["one"] == [person]


def test_select_related_objects_are_djangos(team, practitioner):
    """#19: the objects select_related loads are made without Model.from_db for a plain
    model, as Django makes them: nested (a user's team and its area), absent (a user with no
    team), each cached both ways; and with a post_init receiver connected, by Django."""
    from django.db.models.signals import post_init

    from goldenthread.accounts.models import User

    User.objects.create_user("no-team-here", password=None)

    def build(now):
        return (
            User.objects.filter(date_joined__lte=now)
            .select_related("team__area")
            .order_by("username")
        )

    prepared = PreparedQuery(build, datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC))
    batch = PreparedBatch({"users": prepared})
    now = datetime.datetime.now(tz=datetime.UTC)
    expected = list(build(now))
    assert {u.team_id is None for u in expected} == {True, False}
    for got in (prepared(now), batch(now)["users"]):
        assert got == expected
        assert _same(got, expected)
        with_team = next(u for u in got if u.team_id == team.pk)
        with CaptureQueriesContext(connection) as queries:
            assert with_team.team.area.name == team.area.name
        assert len(queries) == 0

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(type(instance).__name__)

    post_init.connect(receiver)
    try:
        got = prepared(now)
    finally:
        post_init.disconnect(receiver)
    assert _same(got, expected)
    assert {"User", "Team", "Area"} <= set(seen)


def _with_percent_signs(team_id):
    """A read whose statement has a literal "%" (written "%%" for the cursor)."""
    return (
        Person.objects.filter(team_id=team_id)
        .exclude(family_name__contains="%")
        .annotate(tag=Value("50%"))
        .order_by("family_name")
        .values_list("pk", "tag", "family_name", "date_of_birth")
    )


def _read_and_batch(team, practitioner):
    """Two people of `team` (the older first), `_with_percent_signs` prepared, and a batch
    of it alone."""
    older, _ = _people(team, practitioner)
    prepared = PreparedQuery(_with_percent_signs, uuid.uuid4())
    return older, prepared, PreparedBatch({"read": prepared})


def test_on_sqlite_the_statements_take_their_parameters_by_name(team, practitioner):
    """#19: on SQLite a prepared read and a batch give Django's cursor their parameters by
    name (filled in with `%`, not a regular expression over the statement on every call):
    the same rows, one query each, and the captured statement the same once its values are
    put in."""
    if connection.vendor != "sqlite":
        pytest.skip("names for SQLite's parameters only")
    older, prepared, batch = _read_and_batch(team, practitioner)
    build = _with_percent_signs
    expected = sorted(build(team.pk))
    with CaptureQueriesContext(connection) as queries:
        assert sorted(prepared(team.pk)) == expected
        assert sorted(batch(team.pk)["read"]) == expected
    assert len(queries) == 2
    compiled = prepared._get(DEFAULT_DB_ALIAS)
    assert compiled.param_names == [f"p{i}" for i in range(len(compiled.params))]
    assert "%(p0)s" in compiled.named_sql and "%s" not in compiled.named_sql
    assert batch._get(DEFAULT_DB_ALIAS).names
    with CaptureQueriesContext(connection) as queries:
        list(build(team.pk))
    assert queries[0]["sql"] == _captured_single(prepared, team.pk)


def test_on_sqlite_unwatched_statements_run_natively_with_the_same_rows(team, practitioner):
    """#19: on SQLite a prepared read, a batch and the fixed statements of core.prepared run
    on sqlite3's own connection, converted once (`sqlite_native`, as Django's cursor
    converts them), when nothing watches the connection's statements; watched (a query
    capture, an execute wrapper) they go through Django's cursor as before. The same rows
    either way, and a watcher sees every statement."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own connection only")
    from goldenthread.core.prepared import execute_fixed, fetch_fixed, sqlite_native

    older, prepared, batch = _read_and_batch(team, practitioner)
    build = _with_percent_signs
    expected = list(build(team.pk))
    assert sqlite_native("SELECT %s, '%%s', '50%%'") == "SELECT ?, '%s', '50%'"
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    native = sqlite_native("SELECT family_name FROM people_person WHERE id = %s")
    assert native.endswith("id = ?")
    unwatched = (
        prepared(team.pk),
        batch(team.pk)["read"],
        fetch_fixed(connection, "", native, [older.pk.hex]),
    )
    assert seen == []
    with connection.execute_wrapper(watch):
        watched = (
            prepared(team.pk),
            batch(team.pk)["read"],
            fetch_fixed(
                connection,
                "SELECT family_name FROM people_person WHERE id = %s",
                native,
                [older.pk.hex],
            ),
        )
        execute_fixed(connection, "SELECT %s", "SELECT ?", [1])
    assert unwatched == watched == (expected, expected, (older.family_name,))
    assert len(seen) == 4
    with CaptureQueriesContext(connection) as queries:
        assert prepared(team.pk) == expected
        execute_fixed(connection, "SELECT %s", "SELECT ?", [1])
    assert len(queries) == 2


def _captured_single(prepared, *args):
    with CaptureQueriesContext(connection) as queries:
        prepared(*args)
    return queries[0]["sql"]


def test_on_postgresql_psycopg_keeps_a_batch_converted(team, practitioner):
    """#19: psycopg keeps a batch's statement, however long, converted between calls (it
    would run a regular expression over it on every call past 4,096 bytes)."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's statements only")
    from psycopg import _queries

    reads = {
        f"read{i}": PreparedQuery(
            lambda team_id: Person.objects.filter(team_id=team_id).values_list("pk"), uuid.uuid4()
        )
        for i in range(40)
    }
    batch = PreparedBatch(reads)
    batch(team.pk)
    assert len(batch._get(DEFAULT_DB_ALIAS).sql.encode()) > 4096

    def kept() -> int:  # server-side binding's conversions and client-side binding's
        return sum(f.cache_info().hits for f in (_queries._query2pg, _queries._query2pg_client))

    before = kept()
    assert batch(team.pk)["read0"] == list(Person.objects.filter(team_id=team.pk).values_list("pk"))
    assert kept() > before
