"""The caseload's area names read by key in plain SQL (#19, people/selectors.py
`_area_name`): the same rows, in the same order, as the ORM's subquery and as a join, for
people of several areas, searched or not, paged."""

from __future__ import annotations

import pytest
from django.db.models import OuterRef, Subquery

from goldenthread.accounts.factories import AreaFactory
from goldenthread.accounts.models import Area
from goldenthread.people import selectors
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people_of_three_areas(team, practitioner):
    areas = [AreaFactory(name=name) for name in ("Northfield", "Riverside", "Glen Ùisge")]
    people = []
    for n in range(12):
        person = PersonFactory(
            team=team, area=areas[n % 3], family_name=f"Name{n % 5}", given_name=f"G{n:02d}"
        )
        AllocationFactory(person=person, worker=practitioner)
        people.append(person)
    PersonFactory(team=team, area=areas[0])  # not allocated: not on the caseload
    return people


def _by_orm(user, query=""):
    name = Area.objects.filter(pk=OuterRef("area_id")).values("name")[:1]
    return (
        Person.objects.visible_to(user)
        .search(query)
        .annotate(area_name=Subquery(name))
        .order_by("family_name", "given_name", "id")
        .values(*selectors.CASELOAD_FIELDS)
    )


@pytest.mark.parametrize("query", ["", "Name1", "G0"])
def test_the_plain_sql_reads_the_same_rows_as_the_orm(practitioner, people_of_three_areas, query):
    ours = list(selectors.caseload_values(practitioner, query=query))
    assert ours == list(_by_orm(practitioner, query))
    assert ours and {row["area_name"] for row in ours} <= {
        "Northfield",
        "Riverside",
        "Glen Ùisge",
    }
    if not query:
        assert len(ours) == 12
        assert [r["area_name"] for r in ours] == [
            Person.objects.get(pk=r["pk"]).area.name for r in ours
        ]


def test_a_page_and_its_count_match_the_orm(practitioner, people_of_three_areas):
    ours = selectors.caseload_values(practitioner)
    theirs = _by_orm(practitioner)
    assert ours.count() == theirs.count() == 12
    assert list(ours[5:10]) == list(theirs[5:10])


def test_the_count_does_not_read_the_areas(practitioner, people_of_three_areas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        selectors.caseload_values(practitioner).count()
    (count,) = seen.captured_queries
    assert Area._meta.db_table not in count["sql"]
