"""An allocation that starts later is never a past worker (black-box probe, low-medium).

A start date of 1 January 2030 was accepted; the record then read "Nobody is allocated at
the moment" and "Past workers (1) Grace Johnson: 1 Jan 2030 to now". Now a start more
than 3 months ahead is refused with a clear message (a typed year), a nearer one is shown
as "Starts <date>" (a planned handover), the team page says who starts when, and "Past
workers" lists only allocations that have ended."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goldenthread.people import services
from goldenthread.people.factories import AllocationFactory

# PINNED_NOW (conftest) is 3 June 2026.
TODAY = datetime.date(2026, 6, 3)


@pytest.fixture
def add_url(person):
    return reverse("people:allocation_add", args=[person.pk])


def _allocate(client, url, worker, start_date):
    return client.post(
        url, {"worker": str(worker.pk), "description": "OT", "start_date": start_date}
    )


@pytest.mark.parametrize("start", ["2030-01-01", "2026-09-04"])
def test_a_start_more_than_3_months_ahead_is_refused_beside_the_field(
    pinned_clock, team_leader_client, person, other_practitioner, add_url, start
):
    response = _allocate(team_leader_client, add_url, other_practitioner, start)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The start date is more than 3 months ahead" in body
    assert 'href="#id_start_date"' in body  # the error summary links to the field
    assert not person.allocations.filter(worker=other_practitioner).exists()


def test_the_service_refuses_it_too(pinned_clock, team_leader, person, other_practitioner):
    with pytest.raises(ValidationError, match="more than 3 months ahead"):
        services.allocation_start(
            actor=team_leader,
            person=person,
            worker=other_practitioner,
            start_date=datetime.date(2030, 1, 1),
        )


def test_a_start_within_3_months_shows_as_starting_never_as_past(
    pinned_clock, team_leader_client, person, practitioner, other_practitioner, add_url
):
    person.allocations.update(end_date=TODAY - datetime.timedelta(days=1))  # Pat has ended
    response = _allocate(team_leader_client, add_url, other_practitioner, "2026-09-03")
    assert response.status_code == 302
    page = team_leader_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Nobody is allocated at the moment." in page
    assert "Starts 3 September 2026" in page
    starting, _, past = page.partition("Past workers")
    assert other_practitioner.get_full_name() in starting
    assert "Past workers (1)" in page  # Pat only
    assert other_practitioner.get_full_name() not in past
    assert practitioner.get_full_name() in past

    # The team page lists them among people with nobody allocated yet, saying who starts.
    team = team_leader_client.get(reverse("people:team")).content.decode()
    nobody = team.partition("People with nobody allocated")[2]
    assert person.display_name in nobody
    assert f"{other_practitioner.get_full_name()} starts 3 September 2026" in nobody


def test_past_workers_lists_only_ended_allocations(
    pinned_clock, team_leader_client, person, practitioner, other_practitioner
):
    AllocationFactory(
        person=person, worker=other_practitioner, start_date=TODAY + datetime.timedelta(days=7)
    )
    page = team_leader_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Past workers" not in page
    assert "Starts 10 June 2026" in page
