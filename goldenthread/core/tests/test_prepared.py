"""PreparedQuery (#19): a fixed read compiled once per process gives exactly the rows of the
queryset it was built from, in every row shape, with new arguments each call."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from goldenthread.core.prepared import PreparedQuery
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
