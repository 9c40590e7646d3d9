"""A name and date of birth already recorded, through the API (SEC-2, SEC-3, IO-1;
people/tests/test_same_name_and_birth.py for the pages, test_fhir_same_person.py for an
import).

The API could not add a genuine namesake (the page's box had no field), and a change of a
name or date of birth made a second record of someone already recorded, unasked. Now:
`confirmed_namesake` is the page's box, documented in the OpenAPI schema; without it someone
the caller may see is a 422 naming them and the field; someone they may not see is the
page's 409 "may already be known", with or without it.
"""

from __future__ import annotations

import datetime

import pytest

from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person, PossibleDuplicate

BORN = datetime.date(1932, 4, 4)
WARNING = "This person may already have a record"
MAY_BE_KNOWN = "This name and date of birth may belong to someone already known"


@pytest.fixture
def emily(team, practitioner):
    """Emily Gill, on the practitioner's caseload, with no CHI number recorded."""
    person = PersonFactory(
        team=team, given_name="Emily", family_name="Gill", date_of_birth=BORN, chi_number=""
    )
    AllocationFactory(person=person, worker=practitioner)
    return person


@pytest.fixture
def emma(team, practitioner):
    person = PersonFactory(
        team=team, given_name="Emma", family_name="Gill", date_of_birth=BORN, chi_number=""
    )
    AllocationFactory(person=person, worker=practitioner)
    return person


@pytest.fixture
def outsider(other_team):
    """Emily Gill of another team, no CHI number: nobody in the practitioner's team may
    see her."""
    return PersonFactory(
        team=other_team,
        given_name="Emily",
        family_name="Gill",
        date_of_birth=BORN,
        chi_number="",
        communication_needs="Uses British Sign Language",
    )


def secrets_of(outsider) -> list[str]:
    return [
        outsider.team.name,
        outsider.area.name,
        str(outsider.pk),
        outsider.communication_needs,
        WARNING,
    ]


def new_emily(area, **more):
    return {
        "given_name": "Emily",
        "family_name": "Gill",
        "date_of_birth": BORN.isoformat(),
        "area_id": area.pk,
        **more,
    }


def patch(client, token, person, body):
    return call(client, "patch", f"/api/v1/people/{person.pk}", token, body, **{"If-Match": '"1"'})


# --- the API -----------------------------------------------------------------------------


def test_the_field_is_documented_in_the_openapi_schema(client, practitioner):
    document = call(client, "get", "/api/v1/openapi.json", token_for(practitioner)).json()
    schemas = document["components"]["schemas"]
    for name in ("PersonIn", "PersonPatch"):
        field = schemas[name]["properties"]["confirmed_namesake"]
        assert "namesake" in field["description"] and "409" in field["description"]
    assert schemas["PersonIn"]["properties"]["confirmed_namesake"]["type"] == "boolean"
    assert "confirmed_namesake" not in schemas["PersonIn"].get("required", [])
    add = document["paths"]["/api/v1/people"]["post"]
    assert "confirmed_namesake" in add["description"]


def test_a_visible_match_names_the_field_and_a_confirmed_namesake_is_added(
    client, practitioner, area, emily
):
    token = token_for(practitioner)
    refused = call(client, "post", "/api/v1/people", token, new_emily(area))
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert WARNING in problem["detail"] and '"confirmed_namesake": true' in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["confirmed_namesake"]
    assert problem["namesakes"] == [str(emily.pk)]
    shown = AccessLog.objects.get(action=AccessAction.LIST, actor=practitioner)
    assert shown.people_shown == [str(emily.pk)]
    assert Person.objects.filter(family_name="Gill").count() == 1

    added = call(client, "post", "/api/v1/people", token, new_emily(area, confirmed_namesake=True))
    assert added.status_code == 201, added.content
    created = ChangeRecord.objects.get(object_id=added.json()["id"], action="create")
    assert (
        "different person" in created.after["reason"] and str(emily.pk) in created.after["reason"]
    )


def test_a_change_matching_someone_visible_is_refused_until_confirmed(
    client, practitioner, emily, emma
):
    token = token_for(practitioner)
    refused = patch(client, token, emma, {"given_name": "Emily"})
    assert refused.status_code == 422
    assert refused.json()["namesakes"] == [str(emily.pk)]
    emma.refresh_from_db()
    assert emma.given_name == "Emma" and emma.version == 1

    saved = patch(client, token, emma, {"given_name": "Emily", "confirmed_namesake": True})
    assert saved.status_code == 200, saved.content
    emma.refresh_from_db()
    assert emma.given_name == "Emily"
    update = ChangeRecord.objects.get(object_id=str(emma.pk), action="update")
    assert str(emily.pk) in update.after["reason"]


@pytest.mark.parametrize("confirmed", [{}, {"confirmed_namesake": True}])
def test_an_unseen_match_is_the_pages_may_already_be_known_and_reveals_nothing(
    client, practitioner, area, emma, outsider, confirmed
):
    token = token_for(practitioner)
    for answer in (
        call(client, "post", "/api/v1/people", token, new_emily(area, **confirmed)),
        patch(client, token, emma, {"given_name": "Emily", **confirmed}),
    ):
        assert answer.status_code == 409
        text = answer.content.decode()
        assert MAY_BE_KNOWN in text
        for secret in secrets_of(outsider):
            assert secret not in text, secret
    added, changed = PossibleDuplicate.objects.order_by("created_at")
    assert added.changing_person_id is None and changed.changing_person_id == emma.pk
    assert {added.existing_person_id, changed.existing_person_id} == {outsider.pk}
    emma.refresh_from_db()
    assert emma.given_name == "Emma"
    assert Person.objects.filter(family_name="Gill").count() == 2


def test_over_the_limit_a_change_of_name_says_what_cannot_be_done(
    client, practitioner, emma, settings
):
    settings.GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT = 0
    answer = patch(client, token_for(practitioner), emma, {"family_name": "Nobody"})
    assert answer.status_code == 409
    assert "No name or date of birth can be changed until the day is out" in answer.json()["detail"]
