"""List pages that show names, dates of birth or CHI numbers are access-logged (#11, SEC-3):
one row per request naming everyone shown, found for each person through an index."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog, AccessLogPerson
from goldenthread.audit.selectors import access_for_person
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.reviews.due import refresh_review_due
from goldenthread.sds.factories import UnmetNeedFactory, make_budget_request, set_limits

MEDIUM = [("Personal assistant", Decimal("300.00"), "week")]


def list_rows(user):
    return list(AccessLog.objects.filter(actor=user, action=AccessAction.LIST))


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def assert_logged_once(user, url_name, people):
    rows = list_rows(user)
    assert len(rows) == 1, [r.what for r in rows]
    row = rows[0]
    assert row.what == url_name
    assert row.person_id is None
    assert sorted(row.people_shown) == sorted(str(p.pk) for p in people)
    indexed = AccessLogPerson.objects.filter(log=row).values_list("person_id", flat=True)
    assert sorted(indexed) == sorted(p.pk for p in people)
    for person in people:  # "who looked at me" finds the list view
        assert row in access_for_person(person.pk)


@pytest.mark.django_db
def test_caseload_logs_the_people_on_the_page(client, practitioner, person, team):
    others = [PersonFactory(team=team) for _ in range(2)]
    for other in others:
        AllocationFactory(person=other, worker=practitioner)
    stranger = PersonFactory(team=team)
    sign_in(client, practitioner)
    get(client, reverse("people:caseload"))
    assert_logged_once(practitioner, "people:caseload", [person, *others])
    assert not access_for_person(stranger.pk).exists()


@pytest.mark.django_db
def test_caseload_page_two_logs_only_page_two(client, practitioner, team):
    people = [PersonFactory(team=team, family_name=f"Name{n:02d}") for n in range(27)]
    for p in people:
        AllocationFactory(person=p, worker=practitioner)
    sign_in(client, practitioner)
    get(client, reverse("people:caseload") + "?page=2")
    assert_logged_once(practitioner, "people:caseload", people[25:])


@pytest.mark.django_db
def test_empty_caseload_writes_no_list_row(client, practitioner):
    sign_in(client, practitioner)
    get(client, reverse("people:caseload"))
    assert list_rows(practitioner) == []


@pytest.mark.django_db
def test_reviews_due_logs_the_people_shown(client, practitioner, person):
    OutcomeFactory(positive_change__conversation__person=person)
    refresh_review_due([person.pk])  # a factory bypasses the services that store it (#19)
    sign_in(client, practitioner)
    body = get(client, reverse("reviews:due")).content.decode()
    assert person.display_name in body
    assert_logged_once(practitioner, "reviews:due", [person])


@pytest.mark.django_db
def test_team_view_logs_the_unallocated_people(client, team_leader, person, team):
    nobody = PersonFactory(team=team)
    sign_in(client, team_leader)
    body = get(client, reverse("people:team")).content.decode()
    assert nobody.display_name in body
    assert_logged_once(team_leader, "people:team", [nobody])


@pytest.mark.django_db
def test_approvals_and_team_unmet_need_log_the_people_shown(
    client, team_leader, person, practitioner
):
    set_limits()
    make_budget_request(person, actor=practitioner, lines=MEDIUM)
    sign_in(client, team_leader)
    assert person.display_name in get(client, reverse("sds:approvals")).content.decode()
    assert_logged_once(team_leader, "sds:approvals", [person])
    UnmetNeedFactory(person=person)
    get(client, reverse("sds:unmet_need_team"))
    rows = [r for r in list_rows(team_leader) if r.what == "sds:unmet_need_team"]
    assert len(rows) == 1 and rows[0].people_shown == [str(person.pk)]


@pytest.mark.django_db
def test_panel_queue_shows_no_names_and_logs_no_list(client, panel_member):
    sign_in(client, panel_member)
    get(client, reverse("sds:panel"))
    assert list_rows(panel_member) == []


def _count(client, url) -> int:
    client.get(url)  # the first request after signing in writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_list_logging_costs_a_fixed_number_of_queries(client, practitioner, team, monkeypatch):
    """One person or twenty on the page: the same queries. The logging itself is a fixed
    number: on PostgreSQL 2 (the row, its place in the chain worked out in the same
    statement; the index rows in one statement), on SQLite 3 (the chain's head, the row,
    the index rows), plus its BEGIN IMMEDIATE outside the test's transaction."""
    first = PersonFactory(team=team)
    AllocationFactory(person=first, worker=practitioner)
    sign_in(client, practitioner)
    url = reverse("people:caseload")
    one = _count(client, url)
    for _ in range(19):
        AllocationFactory(person=PersonFactory(team=team), worker=practitioner)
    assert _count(client, url) == one
    from goldenthread.people import views

    monkeypatch.setattr(views, "log_list_view", lambda *args, **kwargs: None)
    assert one - _count(client, url) == (2 if connection.vendor == "postgresql" else 3)
