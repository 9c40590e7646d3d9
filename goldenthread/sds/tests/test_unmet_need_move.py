"""An open unmet need linked to the wrong outcome, or left under a closed one, is moved to
another open outcome from the choices-and-budget page (#16, REV-2): version checked, the
move audited, a met need kept as it was."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.audit.models import ChangeRecord
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.sds.factories import UnmetNeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes(person):
    club = OutcomeFactory(person=person, positive_change__conversation__person=person)
    garden = OutcomeFactory(person=person, positive_change__conversation__person=person)
    return club, garden


def move_url(need):
    return reverse("sds:unmet_need_move", args=[need.person_id, need.pk])


def test_the_overview_links_an_open_need_to_moving_it(practitioner_client, person, outcomes):
    need = UnmetNeedFactory(person=person, outcome=outcomes[0])
    met = UnmetNeedFactory(person=person, need="Met already", met_on=timezone.localdate())
    html = practitioner_client.get(reverse("sds:overview", args=[person.pk])).content.decode()
    assert f'href="{move_url(need)}"' in html
    assert f'href="{move_url(met)}"' not in html


def test_an_open_need_is_moved_and_the_move_audited(practitioner_client, person, outcomes):
    club, garden = outcomes
    need = UnmetNeedFactory(person=person, outcome=club)
    page = practitioner_client.get(move_url(need)).content.decode()
    assert garden.statement in page and f'value="{club.pk}"' not in page
    response = practitioner_client.post(
        move_url(need), {"outcome": str(garden.pk), "version": need.version}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.outcome_id == garden.pk
    record = ChangeRecord.objects.get(object_id=str(need.pk), action="update")
    assert record.before["outcome"] == str(club.pk)


def test_a_stale_copy_is_refused(practitioner_client, person, outcomes):
    club, garden = outcomes
    need = UnmetNeedFactory(person=person, outcome=club)
    seen = need.version
    need.need = "Changed by someone else"
    need.version += 1
    need.save()
    response = practitioner_client.post(
        move_url(need), {"outcome": str(garden.pk), "version": seen}
    )
    assert response.status_code == 200
    assert "Someone else saved a change" in response.content.decode()
    need.refresh_from_db()
    assert need.outcome_id == club.pk


def test_a_met_need_and_a_closed_outcome_are_refused(practitioner_client, person, outcomes):
    club, garden = outcomes
    met = UnmetNeedFactory(person=person, outcome=club, met_on=timezone.localdate())
    response = practitioner_client.post(
        move_url(met), {"outcome": str(garden.pk), "version": met.version}
    )
    assert "This need has been met" in response.content.decode()
    met.refresh_from_db()
    assert met.outcome_id == club.pk
    garden.status = OutcomeStatus.CLOSED
    garden.save()
    need = UnmetNeedFactory(person=person, outcome=club)
    page = practitioner_client.get(move_url(need)).content.decode()
    assert "There is no other open outcome to move it to yet." in page
