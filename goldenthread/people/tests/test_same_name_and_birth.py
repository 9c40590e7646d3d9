"""The same person added twice without a CHI number (black-box probe, medium).

"Emily Gill", born 4 April 1932, with the CHI number left blank, was added a second time
although she was already on the worker's caseload; someone of another team with the same
name and date of birth was added silently too. Now the name and date of birth are matched
as well (case, spaces, accents and punctuation aside):

- someone the worker may see: a warning with a link to their record before anything is
  saved, and a box to tick to add them anyway (a namesake), kept in the new record's
  history;
- anyone else: exactly the CHI number's way (#11): nothing saved, nothing about that record
  shown, the attempt in that person's access log, a request for the worker's team leader,
  who can record that it is a different person so the worker can add them.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.people import services
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person, PossibleDuplicate

BORN = datetime.date(1932, 4, 4)
WARNING = "This person may already have a record"


def typed(area, **overrides):
    data = {
        "given_name": "Emily",
        "family_name": "Gill",
        "preferred_name": "",
        "date_of_birth": BORN.isoformat(),
        "chi_number": "",
        "communication_needs": "",
        "area": str(area.pk),
    }
    data.update(overrides)
    return data


@pytest.fixture
def emily(team, practitioner):
    """Emily Gill, on the practitioner's caseload, with no CHI number recorded."""
    person = PersonFactory(
        team=team, given_name="Emily", family_name="Gill", date_of_birth=BORN, chi_number=""
    )
    AllocationFactory(person=person, worker=practitioner)
    return person


@pytest.fixture
def outsider(other_team):
    """Emily Gill of another team: nobody in the practitioner's team may see her."""
    return PersonFactory(
        team=other_team,
        given_name="Emily",
        family_name="Gill",
        date_of_birth=BORN,
        communication_needs="Uses British Sign Language",
    )


# --- someone the worker may see ------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "family"),
    [("Emily", "Gill"), ("  emily ", "GILL"), ("Émily", "Gill"), ("Emily", "Gill ")],
)
def test_a_person_on_the_caseload_is_warned_about_with_a_link_and_nothing_saved(
    practitioner_client, area, emily, given, family
):
    response = practitioner_client.post(
        reverse("people:create"), typed(area, given_name=given, family_name=family)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert WARNING in body
    assert f'href="{reverse("people:detail", args=[emily.pk])}"' in body
    assert 'href="#id_different_person"' in body  # the error summary leads to the box
    assert 'name="different_person"' in body
    assert Person.objects.filter(family_name__iexact="Gill").count() == 1
    assert not PossibleDuplicate.objects.exists()


def test_a_namesake_is_added_once_the_worker_confirms_and_that_is_recorded(
    practitioner_client, practitioner, area, emily
):
    response = practitioner_client.post(
        reverse("people:create"), typed(area, different_person="on")
    )
    assert response.status_code == 302
    added = Person.objects.exclude(pk=emily.pk).get(family_name="Gill")
    created = ChangeRecord.objects.get(object_id=str(added.pk), action="create")
    assert created.actor == practitioner
    assert "different person" in created.after["reason"]
    assert str(emily.pk) in created.after["reason"]


def test_a_different_date_of_birth_or_name_is_no_match(practitioner_client, area, emily):
    for data in (
        typed(area, date_of_birth="1932-04-05"),
        typed(area, given_name="Emma"),
    ):
        response = practitioner_client.post(reverse("people:create"), data)
        assert response.status_code == 302, response.content.decode()


def test_a_different_chi_number_on_both_records_is_no_match(
    practitioner_client, area, emily, other_practitioner
):
    chi_records = PersonFactory.build(date_of_birth=BORN)
    emily.chi_number = PersonFactory.build(date_of_birth=BORN).chi_number
    emily.save()
    assert chi_records.chi_number != emily.chi_number
    response = practitioner_client.post(
        reverse("people:create"), typed(area, chi_number=chi_records.chi_number)
    )
    assert response.status_code == 302


def test_the_service_warns_for_the_api_and_imports_too(practitioner, team, area, emily):
    with pytest.raises(ValidationError, match=WARNING) as refused:
        services.person_create(
            actor=practitioner,
            team=team,
            area=area,
            given_name="EMILY",
            family_name="gill",
            date_of_birth=BORN,
        )
    assert refused.value.people == [emily]


# --- someone the worker may not see --------------------------------------------------------


def secrets_of(outsider) -> list[str]:
    return [
        outsider.team.name,
        outsider.area.name,
        str(outsider.pk),
        outsider.pk.hex,
        outsider.communication_needs,
        WARNING,
    ]


def test_a_person_out_of_scope_is_routed_as_a_chi_match_is_and_reveals_nothing(
    practitioner_client, practitioner, area, outsider
):
    before = Person.objects.count()
    response = practitioner_client.post(
        reverse("people:create"), typed(area, different_person="on")
    )
    assert response.status_code == 302
    request = PossibleDuplicate.objects.get()
    assert response["Location"] == reverse("people:possible_duplicate", args=[request.pk])
    assert request.matched_on == PossibleDuplicate.MatchedOn.NAME_AND_BIRTH
    assert request.existing_person_id == outsider.pk and request.chi_number == ""
    body = practitioner_client.get(response["Location"]).content.decode()
    assert "The name and date of birth you typed may belong to someone already known" in body
    assert "Ask your team leader" in body
    for secret in secrets_of(outsider):
        assert secret not in body, secret
    assert Person.objects.count() == before
    row = AccessLog.objects.get(person_id=outsider.pk)
    assert row.actor == practitioner and row.action == AccessAction.DENIED
    assert "Possible duplicate" in row.reason and "name and date of birth" in row.reason


def test_the_team_leader_can_record_a_different_person_and_the_worker_then_adds_them(
    client, practitioner, team_leader, area, outsider
):
    sign_in(client, practitioner)
    client.post(reverse("people:create"), typed(area))
    request = PossibleDuplicate.objects.get()
    url = reverse("people:possible_duplicate", args=[request.pk])

    sign_in(client, team_leader)
    detail = client.get(url).content.decode()
    assert "The record that may be the same person" in detail
    assert 'name="different_person"' in detail
    done = client.post(
        url,
        {
            "resolution": "Asked Riverside: their Emily Gill is someone else.",
            "different_person": "on",
        },
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == PossibleDuplicate.Status.RESOLVED and request.different_person

    sign_in(client, practitioner)
    response = client.post(reverse("people:create"), typed(area))
    assert response.status_code == 302, response.content.decode()
    assert PossibleDuplicate.objects.count() == 1
    assert Person.objects.filter(family_name="Gill").count() == 2


def test_a_request_dealt_with_as_the_same_person_still_stops_a_second_record(
    client, practitioner, team_leader, area, outsider
):
    sign_in(client, practitioner)
    client.post(reverse("people:create"), typed(area))
    request = PossibleDuplicate.objects.get()
    sign_in(client, team_leader)
    client.post(
        reverse("people:possible_duplicate", args=[request.pk]),
        {"resolution": "Same person: Riverside will allocate Pat there."},
    )
    sign_in(client, practitioner)
    response = client.post(reverse("people:create"), typed(area))
    assert response.status_code == 302
    assert PossibleDuplicate.objects.count() == 2
    assert Person.objects.filter(family_name="Gill").count() == 1


@override_settings(GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT=1)
def test_over_the_limit_no_name_is_looked_up_so_the_answer_says_nothing(
    pinned_clock, practitioner_client, area, outsider
):
    practitioner_client.post(reverse("people:create"), typed(area))
    logged = AccessLog.objects.filter(person_id=outsider.pk).count()
    for data in (typed(area), typed(area, given_name="Nobody", family_name="Known")):
        response = practitioner_client.post(reverse("people:create"), data)
        assert response.status_code == 200
        body = response.content.decode()
        assert "You cannot add a person for now" in body
        assert outsider.team.name not in body
    assert PossibleDuplicate.objects.count() == 1
    assert AccessLog.objects.filter(person_id=outsider.pk).count() == logged
    assert not Person.objects.filter(family_name="Known").exists()


# --- the API: the same service, the same answers ---------------------------------------------


def test_the_api_answers_a_match_in_plain_words(client, practitioner, area, emily, outsider):
    from goldenthread.api.tests.helpers import call, token_for

    token = token_for(practitioner)
    body = {"given_name": "Emily", "family_name": "Gill", "date_of_birth": BORN.isoformat()}
    seen = call(client, "post", "/api/v1/people", token, {**body, "area_id": area.pk})
    assert seen.status_code == 422
    assert WARNING in seen.json()["detail"]

    ended = datetime.date(2000, 1, 1)
    emily.allocations.update(start_date=ended, end_date=ended)  # no longer on the caseload
    unseen = call(client, "post", "/api/v1/people", token, {**body, "area_id": area.pk})
    assert unseen.status_code == 409
    text = unseen.content.decode()
    assert "This name and date of birth may belong to someone already known" in text
    for secret in secrets_of(outsider):
        assert secret not in text, secret
    assert Person.objects.filter(family_name="Gill").count() == 2


# --- changing a person's details so that they match someone else (2026-12-07) -------------
# Changing "Emma Gill" into "Emily Gill" (or correcting a date of birth) made a second
# record of someone already recorded, unasked. A change is now matched as a new person is,
# leaving out the person themself and anyone they matched before the change.


@pytest.fixture
def emma(team, practitioner):
    """Emma Gill, born the same day as Emily, on the practitioner's caseload."""
    person = PersonFactory(
        team=team, given_name="Emma", family_name="Gill", date_of_birth=BORN, chi_number=""
    )
    AllocationFactory(person=person, worker=practitioner)
    return person


def changed(person, **overrides):
    """The details form of `person` as shown, with `overrides` typed in."""
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "chi_number": person.chi_number,
        "communication_needs": person.communication_needs,
        "version": str(person.version),
    }
    return typed(person.area, **{**data, **overrides})


def test_a_change_matching_someone_on_the_caseload_is_warned_about_and_not_saved(
    practitioner_client, practitioner, emily, emma
):
    emily_born_later = PersonFactory(
        team=emma.team, given_name="Emily", family_name="Gill", chi_number=""
    )
    AllocationFactory(person=emily_born_later, worker=practitioner)
    for overrides in (
        {"given_name": "Emily"},  # the first name
        {"preferred_name": "emily"},  # a preferred name
        {"given_name": "Emily", "date_of_birth": emily_born_later.date_of_birth.isoformat()},
    ):
        response = practitioner_client.post(
            reverse("people:edit", args=[emma.pk]), changed(emma, **overrides)
        )
        assert response.status_code == 200, overrides
        body = response.content.decode()
        assert WARNING in body
        assert 'name="different_person"' in body and "save the change" in body
        assert (
            reverse("people:detail", args=[emma.pk]) not in body.split(WARNING)[1].split("</ul>")[0]
        )  # the person themself is not listed as a match
        emma.refresh_from_db()
        assert emma.given_name == "Emma" and emma.preferred_name == "" and emma.version == 1
    assert not PossibleDuplicate.objects.exists()
    shown = AccessLog.objects.filter(action=AccessAction.LIST, actor=practitioner)
    assert shown.count() == 3 and "whose details were being changed" in shown.first().reason


def test_a_change_is_saved_once_the_worker_confirms_and_that_is_recorded(
    practitioner_client, practitioner, emily, emma
):
    response = practitioner_client.post(
        reverse("people:edit", args=[emma.pk]),
        changed(emma, given_name="Emily", different_person="on"),
    )
    assert response.status_code == 302
    emma.refresh_from_db()
    assert emma.given_name == "Emily" and emma.version == 2
    update = ChangeRecord.objects.get(object_id=str(emma.pk), action="update")
    assert update.actor == practitioner
    assert "different person" in update.after["reason"]
    assert str(emily.pk) in update.after["reason"]


def test_the_person_themself_and_an_earlier_match_are_not_asked_about_again(
    practitioner_client, team, practitioner, emily
):
    # Emily's own record: her details change without a warning.
    response = practitioner_client.post(
        reverse("people:edit", args=[emily.pk]),
        changed(emily, preferred_name="Em", communication_needs="Large print"),
    )
    assert response.status_code == 302, response.content.decode()
    emily.refresh_from_db()
    # A namesake added (confirmed): adding a preferred name matches no one new.
    namesake = services.person_create(
        actor=practitioner,
        team=team,
        area=emily.area,
        given_name="Emily",
        family_name="Gill",
        date_of_birth=BORN,
        allocate_to=practitioner,
        different_person_confirmed=True,
    )
    response = practitioner_client.post(
        reverse("people:edit", args=[namesake.pk]), changed(namesake, preferred_name="Millie")
    )
    assert response.status_code == 302, response.content.decode()
    assert not PossibleDuplicate.objects.exists()


def test_a_change_matching_someone_out_of_scope_is_routed_and_reveals_nothing(
    practitioner_client, practitioner, emma, outsider
):
    for ticked in ({}, {"different_person": "on"}):  # the box passes no unseen match
        response = practitioner_client.post(
            reverse("people:edit", args=[emma.pk]),
            changed(emma, given_name="Emily", **ticked),
        )
        assert response.status_code == 302
        request = PossibleDuplicate.objects.order_by("-created_at").first()
        assert response["Location"] == reverse("people:possible_duplicate", args=[request.pk])
        assert request.matched_on == PossibleDuplicate.MatchedOn.NAME_AND_BIRTH
        assert request.changing_person_id == emma.pk
        assert request.existing_person_id == outsider.pk
        body = practitioner_client.get(response["Location"]).content.decode()
        assert "The name and date of birth you typed may belong to someone already" in body
        assert "the change has not been saved" in body
        for secret in secrets_of(outsider):
            assert secret not in body, secret
        emma.refresh_from_db()
        assert emma.given_name == "Emma" and emma.version == 1
    rows = AccessLog.objects.filter(person_id=outsider.pk)
    assert rows.count() == 2
    for row in rows:
        assert row.actor == practitioner and row.action == AccessAction.DENIED
        assert row.what == "people:edit" and "typed for another record" in row.reason


def test_the_team_leader_can_record_a_different_person_and_the_change_is_then_saved(
    client, practitioner, team_leader, emma, outsider
):
    sign_in(client, practitioner)
    client.post(reverse("people:edit", args=[emma.pk]), changed(emma, given_name="Emily"))
    request = PossibleDuplicate.objects.get()
    url = reverse("people:possible_duplicate", args=[request.pk])
    sign_in(client, team_leader)
    detail = client.get(url).content.decode()
    assert "It is a different person: the worker may save the change" in detail
    client.post(url, {"resolution": "Asked Riverside: someone else.", "different_person": "on"})
    worker = practitioner.get_full_name() or practitioner.username
    assert f"{worker} may save the change" in client.get(url).content.decode()
    sign_in(client, practitioner)
    response = client.post(
        reverse("people:edit", args=[emma.pk]), changed(emma, given_name="Emily")
    )
    assert response.status_code == 302, response.content.decode()
    emma.refresh_from_db()
    assert emma.given_name == "Emily"
    assert PossibleDuplicate.objects.count() == 1


@override_settings(GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT=1)
def test_over_the_limit_no_changed_name_is_looked_up_so_the_answer_says_nothing(
    pinned_clock, practitioner_client, emma, outsider
):
    practitioner_client.post(
        reverse("people:edit", args=[emma.pk]), changed(emma, given_name="Emily")
    )
    logged = AccessLog.objects.filter(person_id=outsider.pk).count()
    for overrides in ({"given_name": "Emily"}, {"family_name": "Nobody-Known"}):
        response = practitioner_client.post(
            reverse("people:edit", args=[emma.pk]), changed(emma, **overrides)
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "You cannot change the name or date of birth for now" in body
        assert outsider.team.name not in body
    assert PossibleDuplicate.objects.count() == 1
    assert AccessLog.objects.filter(person_id=outsider.pk).count() == logged
    emma.refresh_from_db()
    assert emma.family_name == "Gill" and emma.version == 1
    # Other details are still saved: nothing is looked up for them.
    response = practitioner_client.post(
        reverse("people:edit", args=[emma.pk]), changed(emma, communication_needs="BSL")
    )
    assert response.status_code == 302


# --- the match reads the people born that day, by an index (migration 0006) ---------------


def test_the_match_reads_only_the_people_born_that_day_by_its_index(emily, emma):
    """Each person added and each name or date of birth changed reads everyone born that
    day: by the index person_birth, never the whole table (1,000,000 people: OPS-2)."""
    with CaptureQueriesContext(connection) as queries:
        rows = services._same_name_and_birth(
            given_name="Emily",
            family_name="Gill",
            preferred_name="",
            date_of_birth=BORN,
            chi_number="",
            excluding=emma.pk,
        )
    assert [row["pk"] for row in rows] == [emily.pk]
    (sql,) = [q["sql"] for q in queries.captured_queries if "date_of_birth" in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask for the plan
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
    assert "person_birth" in plan, plan
