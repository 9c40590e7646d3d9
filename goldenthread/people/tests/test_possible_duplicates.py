"""A CHI number already recorded (#11, SEC-2, SEC-3, SEC-7).

Typing another team's person's CHI number used to answer "already recorded": anyone could
test any CHI number, unlimited and unlogged. Now: nothing about a record the worker may not
see is shown; the attempt is in that person's access log; the worker is sent to a "may
already be known" page and their team leader gets a request to check; someone the worker
may see is linked instead; repeated attempts are throttled whether or not they match.
"""

from __future__ import annotations

import datetime
import random

import pytest
from django.test import override_settings
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.people.factories import AllocationFactory, PersonFactory, make_chi
from goldenthread.people.models import Person, PossibleDuplicate


def new_person_data(area, **overrides):
    data = {
        "given_name": "Morag",
        "family_name": "Stewart",
        "preferred_name": "",
        "date_of_birth": "1950-03-15",
        "chi_number": "",
        "communication_needs": "",
        "area": str(area.pk),
    }
    data.update(overrides)
    return data


@pytest.fixture
def outsider(other_team):
    """A person of another team: nobody in the practitioner's team may see them."""
    return PersonFactory(
        team=other_team,
        given_name="Zelda",
        family_name="Outwith",
        communication_needs="Uses British Sign Language",
    )


def claim(outsider, **overrides):
    return {
        "chi_number": outsider.chi_number,
        "date_of_birth": outsider.date_of_birth.isoformat(),
        **overrides,
    }


def secrets_of(outsider) -> list[str]:
    return [
        outsider.given_name,
        outsider.family_name,
        outsider.team.name,
        outsider.area.name,
        str(outsider.pk),
        outsider.pk.hex,
        outsider.communication_needs,
        "already recorded",
    ]


# --- CHI numbers typed with spaces ---------------------------------------------------------


def test_chi_typed_with_spaces_as_the_hint_shows_is_accepted(practitioner_client, area):
    chi = make_chi(datetime.date(1950, 3, 15), random.Random(3))
    typed = f"{chi[:6]} {chi[6:]}"  # 11 characters, as in "150350 1000"
    response = practitioner_client.post(
        reverse("people:create"), new_person_data(area, chi_number=typed)
    )
    assert response.status_code == 302, response.content.decode()
    assert Person.objects.get(family_name="Stewart").chi_number == chi


def test_chi_typed_in_groups_with_hyphens_is_accepted(practitioner_client, area):
    chi = make_chi(datetime.date(1950, 3, 15), random.Random(4))
    typed = f"{chi[:2]}-{chi[2:4]}-{chi[4:6]}-{chi[6:]}"
    response = practitioner_client.post(
        reverse("people:create"), new_person_data(area, chi_number=typed)
    )
    assert response.status_code == 302, response.content.decode()
    assert Person.objects.get(family_name="Stewart").chi_number == chi


def test_chi_far_too_long_gets_a_clear_message(practitioner_client, area):
    response = practitioner_client.post(
        reverse("people:create"), new_person_data(area, chi_number="1" * 20)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the CHI number as 10 digits." in body
    assert "Ensure this value" not in body


# --- someone the worker may not see ---------------------------------------------------------


def test_chi_of_a_person_out_of_scope_reveals_nothing_and_is_logged(
    practitioner_client, practitioner, area, outsider
):
    before_people = Person.objects.count()
    response = practitioner_client.post(
        reverse("people:create"), new_person_data(area, **claim(outsider))
    )
    assert response.status_code == 302
    request = PossibleDuplicate.objects.get()
    assert response["Location"] == reverse("people:possible_duplicate", args=[request.pk])
    page = practitioner_client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "This person may already be known" in body
    assert "Ask your team leader" in body
    # What they typed is kept, so nothing has to be typed again ...
    assert "Morag Stewart" in body and outsider.chi_number[:6] in body
    # ... and nothing of the record already holding that number is shown.
    for secret in secrets_of(outsider):
        assert secret not in body, secret
    assert Person.objects.count() == before_people
    # The attempt is in the existing person's access log, so they and their team see it.
    row = AccessLog.objects.get(person_id=outsider.pk)
    assert row.actor == practitioner and row.action == AccessAction.DENIED
    assert "Possible duplicate" in row.reason and str(request.pk) in row.reason
    assert ChangeRecord.objects.filter(object_id=str(request.pk), action="create").exists()
    assert request.requested_by == practitioner and request.team == practitioner.team
    assert request.existing_person_id == outsider.pk


def test_changing_a_chi_to_one_out_of_scope_reveals_nothing(practitioner_client, person, outsider):
    from .test_person_pages import person_post_data

    old_chi = person.chi_number
    response = practitioner_client.post(
        reverse("people:edit", args=[person.pk]), person_post_data(person, **claim(outsider))
    )
    assert response.status_code == 302
    request = PossibleDuplicate.objects.get()
    assert request.changing_person_id == person.pk
    body = practitioner_client.get(response["Location"]).content.decode()
    assert "it has not been saved" in body
    for secret in secrets_of(outsider):
        assert secret not in body, secret
    person.refresh_from_db()
    assert person.chi_number == old_chi and person.version == 1


def test_a_person_the_worker_may_see_is_linked_instead(practitioner_client, person, area):
    response = practitioner_client.post(
        reverse("people:create"),
        new_person_data(
            area, chi_number=person.chi_number, date_of_birth=person.date_of_birth.isoformat()
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("people:detail", args=[person.pk])}"' in body
    assert "Jean Macdonald is already recorded with this CHI number" in body
    assert "Morag" in body  # what was typed is kept
    assert not PossibleDuplicate.objects.exists()


def test_only_the_requester_and_their_team_leader_see_the_request(
    client, practitioner, area, outsider, other_practitioner, other_team_leader
):
    sign_in(client, practitioner)
    client.post(reverse("people:create"), new_person_data(area, **claim(outsider)))
    url = reverse("people:possible_duplicate", args=[PossibleDuplicate.objects.get().pk])
    assert client.get(url).status_code == 200
    # The requester may read it but not mark it dealt with.
    assert client.post(url, {"resolution": "Done"}).status_code == 403
    for stranger in (other_practitioner, other_team_leader):
        sign_in(client, stranger)
        assert client.get(url).status_code == 403
    assert PossibleDuplicate.objects.get().status == PossibleDuplicate.Status.OPEN


def test_team_leader_is_told_checks_and_records_what_was_done(
    client, practitioner, team_leader, area, outsider, other_team_leader
):
    sign_in(client, practitioner)
    client.post(reverse("people:create"), new_person_data(area, **claim(outsider)))
    request = PossibleDuplicate.objects.get()
    url = reverse("people:possible_duplicate", args=[request.pk])
    assert client.post(url, {"resolution": "Me"}).status_code == 403  # not the requester

    sign_in(client, team_leader)
    caseload = client.get(reverse("people:caseload")).content.decode()
    assert "1 person your team tried to add may already be known" in caseload
    listing = client.get(reverse("people:possible_duplicates")).content.decode()
    assert "Morag Stewart" in listing and url in listing

    before = AccessLog.objects.filter(person_id=outsider.pk).count()
    detail = client.get(url).content.decode()
    # The team leader learns which team holds the record and whom to ask, not the person.
    assert outsider.team.name in detail and other_team_leader.get_full_name() in detail
    assert outsider.given_name not in detail and str(outsider.pk) not in detail
    log = AccessLog.objects.filter(person_id=outsider.pk).order_by("-at").first()
    assert AccessLog.objects.filter(person_id=outsider.pk).count() == before + 1
    assert log.actor == team_leader and "possible duplicate" in log.reason

    empty = client.post(url, {"resolution": "  "})
    assert empty.status_code == 200 and "Say what was done" in empty.content.decode()
    done = client.post(url, {"resolution": "Rowan's team already works with her."})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == PossibleDuplicate.Status.RESOLVED
    assert request.resolved_by == team_leader
    assert ChangeRecord.objects.filter(object_id=str(request.pk), action="update").exists()
    assert "may already be known" not in client.get(reverse("people:caseload")).content.decode()


def test_team_leader_who_may_see_the_person_gets_a_link(
    client, practitioner, team_leader, team, area
):
    # The commonest case: someone of the same team, allocated to another worker.
    known = PersonFactory(team=team)
    AllocationFactory(person=known)
    sign_in(client, practitioner)
    client.post(reverse("people:create"), new_person_data(area, **claim(known)))
    request = PossibleDuplicate.objects.get()
    sign_in(client, team_leader)
    detail = client.get(reverse("people:possible_duplicate", args=[request.pk]))
    assert f'href="{reverse("people:detail", args=[known.pk])}"' in detail.content.decode()


@override_settings(GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT=2)
def test_repeated_attempts_are_throttled_whether_or_not_they_match(
    pinned_clock, practitioner_client, practitioner, area, other_team
):
    outsiders = PersonFactory.create_batch(3, team=other_team)
    for outsider in outsiders[:2]:
        response = practitioner_client.post(
            reverse("people:create"), new_person_data(area, **claim(outsider))
        )
        assert response.status_code == 302
    logged = AccessLog.objects.count()

    # Over the limit: a known number and an unknown one get the same answer, nothing is
    # looked up, nothing is added, what was typed is kept.
    unknown_chi = make_chi(datetime.date(1950, 3, 15), random.Random(99))
    assert not Person.objects.filter(chi_number=unknown_chi).exists()
    for data in (claim(outsiders[2]), {"chi_number": unknown_chi}):
        response = practitioner_client.post(reverse("people:create"), new_person_data(area, **data))
        assert response.status_code == 200
        body = response.content.decode()
        assert "You cannot add a person for now" in body and "Morag" in body
        assert "may already be known" in body  # the same words either way
        assert outsiders[2].family_name not in body
    assert PossibleDuplicate.objects.count() == 2
    assert AccessLog.objects.count() == logged
    assert not Person.objects.filter(family_name="Stewart").exists()

    # Nor without a CHI number: every new person's name and date of birth is looked up
    # too, so leaving the number out would answer whether a name is known
    # (test_same_name_and_birth.py). Changing details is still possible (below).
    response = practitioner_client.post(reverse("people:create"), new_person_data(area))
    assert response.status_code == 200
    assert "You cannot add a person for now" in response.content.decode()

    # A day later (signed in again) the worker may save CHI numbers again.
    pinned_clock.shift(datetime.timedelta(hours=24, minutes=1))
    sign_in(practitioner_client, practitioner)
    response = practitioner_client.post(
        reverse("people:create"),
        new_person_data(area, family_name="Stewart-Two", chi_number=unknown_chi),
    )
    assert response.status_code == 302
    assert Person.objects.get(family_name="Stewart-Two").chi_number == unknown_chi


@override_settings(GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT=0)
def test_throttle_never_blocks_saving_other_details(practitioner_client, person):
    from .test_person_pages import person_post_data

    # A name spelt again in other capitals matches no one new, so nothing is looked up. A
    # new first, preferred or last name, or date of birth, is looked up, so it is refused
    # over the limit (test_same_name_and_birth.py, changing details).
    response = practitioner_client.post(
        reverse("people:edit", args=[person.pk]),
        person_post_data(person, communication_needs="Uses a hearing aid", family_name="MACDONALD"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.communication_needs == "Uses a hearing aid"
    assert person.family_name == "MACDONALD"
