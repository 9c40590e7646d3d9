"""#15, SEC-3: "who looked at this record" for staff — the team leader of the person's team
and the worker allocated to them — as a page and through the API. The rows are the
person's own "who looked" page's (portal.selectors.look_row), in staff words; reading the
log is itself in the log; nobody else sees it, not a team leader of another allocated
worker, not someone who opened the record by break-glass."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.factories import AllocationFactory

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def looked(client, person, practitioner):
    """The allocated worker read the record through the API with a named token, and a
    worker with no relationship was refused it."""
    token = token_for(practitioner, name="Finance system")
    assert call(client, "get", f"/api/v1/people/{person.pk}", token).status_code == 200
    client.logout()
    return token


def test_the_allocated_worker_and_the_team_leader_see_who_looked(
    client, person, practitioner, team_leader, looked, django_assert_max_num_queries
):
    url = reverse("portal_staff:who_looked", args=[person.pk])
    for user in (practitioner, team_leader):
        sign_in(client, user)
        with django_assert_max_num_queries(30):
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Who has looked at or changed the record" in page
        assert "Pat Kerr" in page and "Looked at the record through the API" in page
        assert "Finance system" in page and "api:person" in page
        assert "Allocated worker" in page
        # Opening the page is itself one row of the log, with the reason.
        row = AccessLog.objects.filter(actor=user).latest("seq")
        assert row.what == "portal_staff:who_looked" and row.action == AccessAction.VIEW
        assert row.person_id == person.pk
    overview = client.get(reverse("portal_staff:overview", args=[person.pk])).content.decode()
    assert url in overview


def test_nobody_else_sees_who_looked(client, person, other_team, other_team_leader, looked):
    from goldenthread.people.access import break_glass_start

    url = reverse("portal_staff:who_looked", args=[person.pk])
    # A team leader who sees the person only because a worker of their team is allocated.
    AllocationFactory(person=person, worker=PractitionerFactory(team=other_team))
    sign_in(client, other_team_leader)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    before = AccessLog.objects.filter(actor=other_team_leader).count()
    assert client.get(url).status_code == 403
    assert AccessLog.objects.filter(actor=other_team_leader).count() == before + 1
    overview = client.get(reverse("portal_staff:overview", args=[person.pk])).content.decode()
    assert url not in overview
    token = token_for(other_team_leader)
    refused = call(client, "get", f"/api/v1/people/{person.pk}/access-log", token)
    assert refused.status_code == 403 and "Finance system" not in refused.content.decode()

    # Break-glass opens the record, never its log.
    stranger = PractitionerFactory(team=other_team, username="zed")
    break_glass_start(
        actor=stranger, person_id=person.pk, reason="Police asked for a welfare check tonight"
    )
    sign_in(client, stranger)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    assert client.get(url).status_code == 403
    token = token_for(stranger, name="Stranger's system")
    assert call(client, "get", f"/api/v1/people/{person.pk}/access-log", token).status_code == 403


def test_the_api_gives_the_log_newest_first_in_pages(client, person, practitioner, looked):
    from goldenthread.audit.selectors import access_for_person

    first = call(client, "get", f"/api/v1/people/{person.pk}/access-log?limit=1", looked)
    assert first.status_code == 200, first.content
    # Every row about the person up to this call (the calls for later pages come after it).
    expected = access_for_person(person.pk).count()
    body = first.json()
    # The newest row is this very call, logged by the gate before the answer was read.
    assert len(body["items"]) == 1 and body["next_cursor"]
    newest = body["items"][0]
    assert newest["page"] == "api:access_log" and newest["who"] == "Pat Kerr"
    assert newest["api_token_name"] == "Finance system" and newest["api_token_prefix"]
    rows, cursor = [newest], body["next_cursor"]
    while cursor:
        page = call(
            client,
            "get",
            f"/api/v1/people/{person.pk}/access-log?limit=1&cursor={cursor}",
            looked,
        ).json()
        rows += page["items"]
        cursor = page["next_cursor"]
    assert len(rows) == len({row["id"] for row in rows}) == expected  # none left out or repeated
    assert [row["at"] for row in rows] == sorted((row["at"] for row in rows), reverse=True)
    assert {"api:person", "api:access_log"} <= {row["page"] for row in rows}
    read = next(row for row in rows if row["page"] == "api:person")
    assert read["what_they_did"] == "Looked at the record through the API"
    assert read["reason"] == "Allocated worker" and read["break_glass"] is False
