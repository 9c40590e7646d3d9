"""A leaver's last working day cannot be ahead (#11 follow-up, docs/adr/0004 "Leavers").

Recording a leaver closes the account and ends every session at once and ends their
allocations on the last day; a last day of 1 January 2030 was accepted, so the team
leader read "left the service (last day 1 January 2030)" about someone who could no
longer sign in, and whose people showed nobody allocated. The last day is now today or
earlier, with a message that says why; nothing is changed when it is refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts import services
from goldenthread.accounts.models import Handover
from goldenthread.people.factories import AllocationFactory, PersonFactory

from .helpers import client_for

pytestmark = pytest.mark.django_db

AHEAD = "The last working day must be today or in the past"


@pytest.mark.parametrize("days_ahead", [1, 365 * 4])
def test_a_last_day_ahead_is_refused_and_nothing_changes(
    administrator, practitioner, team, pinned_clock, days_ahead
):
    held = PersonFactory(team=team)
    AllocationFactory(person=held, worker=practitioner)
    last_day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    with pytest.raises(ValidationError) as refused:
        services.user_leave(
            actor=administrator, user=practitioner, last_day=last_day, reason="Retiring"
        )
    assert AHEAD in " ".join(refused.value.messages)
    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert held.allocations.get(worker=practitioner).end_date is None
    assert not Handover.objects.exists()


def test_the_admin_page_says_why(administrator, practitioner, pinned_clock):
    response = client_for(administrator).post(
        reverse("admin:accounts_user_leave", args=[practitioner.pk]),
        {"reason": "Retiring", "last_day": "2030-01-01"},
        follow=True,
    )
    body = response.content.decode()
    assert AHEAD in body and "The account closes as soon as you record this" in body
    practitioner.refresh_from_db()
    assert practitioner.is_active


@pytest.mark.parametrize("days_ago", [0, 14])
def test_today_or_a_day_already_past_is_accepted(
    administrator, practitioner, team, pinned_clock, days_ago
):
    held = PersonFactory(team=team)
    AllocationFactory(person=held, worker=practitioner, start_date=datetime.date(2025, 1, 6))
    last_day = timezone.localdate() - datetime.timedelta(days=days_ago)
    handover = services.user_leave(
        actor=administrator, user=practitioner, last_day=last_day, reason="Left last month"
    )
    assert handover is not None and handover.last_day == last_day
    assert held.allocations.get(worker=practitioner).end_date == last_day
    practitioner.refresh_from_db()
    assert not practitioner.is_active
