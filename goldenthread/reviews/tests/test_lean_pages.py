"""Lean pages (#19): the main pages run no query while their templates render, the caseload
is value rows paged in SQL 25 at a time with its cells written out, row links come from a
pattern reversed once per process, and the test helper itself fails when a template
queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse

from conftest import sign_in
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person
from goldenthread.ui import links
from goldenthread.ui.testing import templates_run_no_queries

from .conftest import make_outcome


@pytest.mark.parametrize(
    "name, with_id",
    [
        ("people:caseload", False),
        ("reviews:due", False),
        ("people:detail", True),
        ("reviews:golden_thread", True),
    ],
)
def test_main_pages_run_no_query_in_their_templates(
    client, practitioner, person, full_record, name, with_id, no_template_queries
):
    make_outcome(person)
    sign_in(client, practitioner)
    url = reverse(name, args=[person.pk] if with_id else [])
    response = client.get(url)
    assert response.status_code == 200
    assert person.display_name in response.content.decode()
    assert no_template_queries == []


@pytest.mark.django_db
def test_the_helper_fails_when_a_template_queries(person):
    template = engines["django"].from_string("{% for p in people %}{{ p.family_name }}{% endfor %}")
    with pytest.raises(AssertionError, match="1 queries ran while rendering templates"):
        with templates_run_no_queries():
            template.render({"people": Person.objects.all()})
    with templates_run_no_queries():  # prepared rows: nothing to report
        assert template.render({"people": list(Person.objects.all())}) == "Macdonald"


def test_caseload_rows_are_written_out_and_paged_by_25(client, practitioner, team):
    sam = PractitionerFactory(team=team, first_name="Sam", last_name="Jones")
    people = []
    for n in range(27):
        person = PersonFactory(
            team=team,
            given_name="Ann",
            preferred_name="Annie" if n == 0 else "",
            family_name=f"Name{n:02d}",
            date_of_birth=datetime.date(1950, 9, 3 + (n % 20)),
        )
        AllocationFactory(person=person, worker=practitioner)
        people.append(person)
    AllocationFactory(person=people[0], worker=sam)
    sign_in(client, practitioner)
    first = client.get(reverse("people:caseload")).content.decode()
    second = client.get(reverse("people:caseload"), {"page": 2}).content.decode()
    names = r'<td><a href="/people/([0-9a-f-]+)/">(\w+) (Name\d\d)</a></td>'
    assert [m[2] for m in re.findall(names, first)] == [f"Name{n:02d}" for n in range(25)]
    assert [m[2] for m in re.findall(names, second)] == ["Name25", "Name26"]
    row = first.split(f'<a href="/people/{people[0].pk}/">Annie Name00</a>')[1].split("</tr>")[0]
    chi = people[0].chi_number
    assert "<td>3 Sep 1950</td>" in row
    assert f"<td>{chi[:6]} {chi[6:]}</td>" in row if chi else "<td>Not known</td>" in row
    assert f"<td>{people[0].area.name}</td>" in row
    workers = re.findall(r"<td>([^<]*)</td>\s*</tr>", first.split("Annie Name00")[1])[0]
    assert sorted(workers.split(", ")) == sorted(
        ["Sam Jones", practitioner.get_full_name() or practitioner.username]
    )


def test_a_row_link_is_reversed_once_and_matches_reverse(person, monkeypatch, settings):
    links._parts.cache_clear()
    links._url_function.cache_clear()  # the functions made from the parts (#19)
    calls = []
    real = links.reverse
    monkeypatch.setattr(links, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    url = links.id_url("people:detail")
    again = links.id_url("people:detail")
    assert url(person.pk) == again(str(person.pk)) == reverse("people:detail", args=[person.pk])
    assert len(calls) == 1
    with pytest.raises(ValueError):
        url("not-an-id")
    with pytest.raises(NoReverseMatch):
        links.id_url("people:caseload")  # takes no id


def test_a_two_id_link_is_reversed_once_and_matches_reverse(person, monkeypatch):
    """#19: patterns of two ids (a person's review on the golden thread page) too."""
    import uuid

    links._parts.cache_clear()
    links._url_function.cache_clear()  # the functions made from the parts (#19)
    calls = []
    real = links.reverse
    monkeypatch.setattr(links, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    review = uuid.uuid4()
    url = links.id_url("reviews:detail", ids=2)
    again = links.id_url("reviews:detail", ids=2)
    expected = reverse("reviews:detail", args=[person.pk, review])
    assert url(person.pk, review) == again(str(person.pk), str(review)) == expected
    assert len(calls) == 1
    with pytest.raises(NoReverseMatch):
        links.id_url("people:detail", ids=2)  # one id only
    with pytest.raises(ValueError):
        links.id_url("reviews:detail", ids=3)


def test_a_row_link_follows_the_url_configuration_in_force(person, settings):
    links._parts.cache_clear()
    links._url_function.cache_clear()
    before = links.id_url("people:detail")(person.pk)
    settings.ROOT_URLCONF = "goldenthread.nonprod.bench.urls"  # the site under the same paths
    assert links.id_url("people:detail")(person.pk) == before
    assert links._parts.cache_info().currsize >= 2
    assert links._url_function.cache_info().currsize >= 2


def test_a_place_read_once_gives_the_same_addresses(person, settings):
    """#19: `url_place()` read once for several links gives what each `id_url` reads for
    itself, and a link made for another URL configuration is kept apart."""
    place = links.url_place()
    assert links.id_url("people:detail", place=place)(person.pk) == reverse(
        "people:detail", args=[person.pk]
    )
    settings.ROOT_URLCONF = "goldenthread.nonprod.bench.urls"
    assert links.url_place() != place
    assert links.url_place()[0] == "goldenthread.nonprod.bench.urls"
    assert links.id_url("people:detail", place=links.url_place()) is not links.id_url(
        "people:detail", place=place
    )
