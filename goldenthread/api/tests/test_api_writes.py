"""IO-1: the API writes where a page writes — a new person, allocations, conversations and
the items of steps 1 to 3, risks — through the pages' own services: the same validation,
versions (ETag/If-Match) and change history, and the same refusals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.conversations.models import Conversation, MattersItem, WorkingItem
from goldenthread.people.factories import PersonFactory
from goldenthread.people.models import Allocation, Person, PossibleDuplicate
from goldenthread.risk.models import RiskEnablement


@pytest.fixture
def api(client, full_record, practitioner):
    token = token_for(practitioner)
    base = f"/api/v1/people/{full_record['person_id']}"

    def do(method, path="", body=None, **headers):
        return call(client, method, base + path, token, body, **headers)

    return do


# --- A new person (the page: people:create) ---------------------------------------------


def test_a_practitioner_adds_a_person_to_their_team_and_is_allocated(
    client, practitioner, area, pinned_clock
):
    token = token_for(practitioner)
    body = {
        "given_name": "Morag",
        "family_name": "Bell",
        "date_of_birth": "1950-03-15",
        "chi_number": "150350 1000",
        "area_id": area.pk,
    }
    added = call(client, "post", "/api/v1/people", token, body)
    assert added.status_code == 201, added.content
    assert added["ETag"] == '"1"'
    person = Person.objects.get(pk=added.json()["id"])
    assert person.team_id == practitioner.team_id and person.chi_number == "1503501000"
    assert person.allocations.get().worker == practitioner
    assert ChangeRecord.objects.filter(
        object_type="people.Person", action="create", actor=practitioner, person_id=person.pk
    ).exists()
    # The new person is now on the caller's list.
    listed = call(client, "get", "/api/v1/people", token)
    assert str(person.pk) in {row["id"] for row in listed.json()["items"]}


def test_a_person_needs_their_details(client, practitioner, area):
    token = token_for(practitioner)
    missing = call(client, "post", "/api/v1/people", token, {"given_name": "Morag"})
    assert missing.status_code == 422
    fields = {error["field"] for error in missing.json()["errors"]}
    assert {"family_name", "date_of_birth", "area_id"} <= fields
    future = call(
        client,
        "post",
        "/api/v1/people",
        token,
        {
            "given_name": "Morag",
            "family_name": "Bell",
            "date_of_birth": str(timezone.localdate() + datetime.timedelta(days=3)),
            "area_id": area.pk,
        },
    )
    assert future.status_code == 422
    assert Person.objects.filter(given_name="Morag").count() == 0


def test_a_chi_number_known_elsewhere_reveals_nothing(client, practitioner, other_team, area):
    """As on the page (#11): no hint of the other team's record, the attempt logged against
    it, and the team leader asked to check."""
    elsewhere = PersonFactory(team=other_team, chi_number="1503501000", family_name="Hidden")
    token = token_for(practitioner)
    body = {
        "given_name": "Morag",
        "family_name": "Bell",
        "date_of_birth": "1950-03-15",
        "chi_number": "1503501000",
        "area_id": area.pk,
    }
    answer = call(client, "post", "/api/v1/people", token, body)
    assert answer.status_code == 409
    text = answer.content.decode()
    assert "Hidden" not in text and str(elsewhere.pk) not in text
    assert PossibleDuplicate.objects.filter(requested_by=practitioner).count() == 1
    assert AccessLog.objects.filter(
        actor=practitioner, person_id=elsewhere.pk, action=AccessAction.DENIED
    ).exists()
    assert not Person.objects.filter(given_name="Morag").exists()


@pytest.mark.parametrize("who", ["commissioner", "panel_member"])
def test_only_caseworkers_add_people(request, client, area, who):
    user = request.getfixturevalue(who)
    token = token_for(user)  # a read token: their role may not write
    body = {
        "given_name": "Morag",
        "family_name": "Bell",
        "date_of_birth": "1950-03-15",
        "area_id": area.pk,
    }
    assert call(client, "post", "/api/v1/people", token, body).status_code == 403
    assert not Person.objects.filter(given_name="Morag").exists()


# --- Allocations (the page: people:allocations, team leader only) -----------------------


def test_the_team_leader_allocates_and_ends_an_allocation(
    client, full_record, team_leader, other_practitioner, pinned_clock
):
    from goldenthread.people.factories import AllocationFactory

    person = Person.objects.get(pk=full_record["person_id"])
    AllocationFactory(person=person, worker=team_leader)  # the team leader may see the record
    token = token_for(team_leader)
    base = f"/api/v1/people/{person.pk}/allocations"
    today = timezone.localdate()
    added = call(
        client,
        "post",
        base,
        token,
        {"worker_id": str(other_practitioner.pk), "start_date": str(today)},
    )
    assert added.status_code == 201, added.content
    allocation = added.json()
    assert allocation["worker"] == other_practitioner.get_full_name()
    again = call(
        client,
        "post",
        base,
        token,
        {"worker_id": str(other_practitioner.pk), "start_date": str(today)},
    )
    assert again.status_code == 422  # already allocated
    listed = call(client, "get", base, token).json()["items"]
    assert str(other_practitioner.pk) in {row["worker_id"] for row in listed}
    url = f"{base}/{allocation['id']}"
    assert call(client, "patch", url, token, {"end_date": str(today)}).status_code == 428
    stale = call(client, "patch", url, token, {"end_date": str(today)}, if_match='"7"')
    assert stale.status_code == 412
    ended = call(client, "patch", url, token, {"end_date": str(today)}, if_match=added["ETag"])
    assert ended.status_code == 200 and ended.json()["end_date"] == str(today)
    assert ChangeRecord.objects.filter(
        object_type="people.Allocation", action="update", actor=team_leader
    ).exists()


def test_a_practitioner_cannot_allocate(api, full_record, other_practitioner):
    answer = api(
        "post",
        "/allocations",
        {"worker_id": str(other_practitioner.pk), "start_date": str(timezone.localdate())},
    )
    assert answer.status_code == 403
    assert not Allocation.objects.filter(worker=other_practitioner).exists()


def test_only_workers_of_the_persons_team_are_allocated(
    client, full_record, team_leader, other_team
):
    from goldenthread.accounts.factories import PractitionerFactory
    from goldenthread.people.factories import AllocationFactory

    person = Person.objects.get(pk=full_record["person_id"])
    AllocationFactory(person=person, worker=team_leader)
    stranger = PractitionerFactory(team=other_team)
    answer = call(
        client,
        "post",
        f"/api/v1/people/{person.pk}/allocations",
        token_for(team_leader),
        {"worker_id": str(stranger.pk), "start_date": str(timezone.localdate())},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "worker_id"


# --- Conversations and steps 1 to 3 -----------------------------------------------------


def test_a_conversation_is_recorded_changed_and_filled(api, full_record, practitioner):
    today = timezone.localdate()
    added = api(
        "post",
        "/conversations",
        {"held_on": str(today), "place": "At home", "narrative": "I miss the choir."},
    )
    assert added.status_code == 201, added.content
    conversation = added.json()
    assert conversation["narrative"] == "I miss the choir." and added["ETag"] == '"1"'
    path = f"/conversations/{conversation['id']}"
    changed = api("patch", path, {"place": "At the day centre"}, if_match=added["ETag"])
    assert changed.status_code == 200 and changed.json()["place"] == "At the day centre"
    assert api("patch", path, {"place": "x"}, if_match=added["ETag"]).status_code == 412
    assert Conversation.objects.get(pk=conversation["id"]).place == "At the day centre"

    matters = api("post", path + "/items", {"item_type": "matters", "text": "Singing"})
    assert matters.status_code == 201
    working = api(
        "post",
        path + "/items",
        {"item_type": "working", "text": "Getting to church", "is_working": False},
    )
    assert working.status_code == 201
    who = api(
        "post",
        path + "/items",
        {"item_type": "who", "circle_member_id": str(full_record["member_id"]), "text": "Ann"},
    )
    assert who.status_code == 201
    read = api("get", path).json()
    assert [m["text"] for m in read["what_matters"]] == ["Singing"]
    assert read["working"][0]["is_working"] is False
    assert (
        str(MattersItem.objects.get(pk=matters.json()["id"]).conversation_id) == conversation["id"]
    )
    assert WorkingItem.objects.filter(text="Getting to church").exists()
    assert ChangeRecord.objects.filter(
        object_type="conversations.MattersItem", action="create", actor=practitioner
    ).exists()


def test_conversation_inputs_are_checked(api, full_record, other_team):
    future = str(timezone.localdate() + datetime.timedelta(days=1))
    answer = api("post", "/conversations", {"held_on": future})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "held_on"
    path = f"/conversations/{full_record['conversation_id']}/items"
    unknown = api("post", path, {"item_type": "wish", "text": "x"})
    assert unknown.status_code == 422
    empty = api("post", path, {"item_type": "matters", "text": ""})
    assert empty.status_code == 422
    stranger = PersonFactory(team=other_team)
    from goldenthread.people.factories import CircleMemberFactory

    theirs = CircleMemberFactory(person=stranger)
    answer = api("post", path, {"item_type": "who", "circle_member_id": str(theirs.pk)})
    assert answer.status_code == 422
    assert theirs.name not in answer.content.decode()


# --- Risks --------------------------------------------------------------------------------


RISK = {
    "activity": "Walk to the bowling club on her own",
    "could_go_wrong": "She might fall on the hill",
    "good_it_brings": "She sees her friends every week",
    "least_restrictive": "A walking stick and a phone",
}


def test_a_risk_is_recorded_and_changed(api, full_record, practitioner):
    added = api("post", "/risks", {**RISK, "outcome_id": str(full_record["outcome_id"])})
    assert added.status_code == 201, added.content
    risk = added.json()
    assert risk["outcome_id"] == str(full_record["outcome_id"])
    path = f"/risks/{risk['id']}"
    changed = api(
        "patch",
        path,
        {
            "decision": "She goes on her own",
            "reasons": "She wants to",
            "decided_on": str(timezone.localdate()),
        },
        if_match=added["ETag"],
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["decision"] == "She goes on her own"
    assert changed.json()["outcome_id"] == str(full_record["outcome_id"])
    assert api("patch", path, {"decision": "x"}, if_match=added["ETag"]).status_code == 412
    assert ChangeRecord.objects.filter(
        object_type="risk.RiskEnablement", action="update", actor=practitioner
    ).exists()


def test_risk_inputs_are_checked(api, full_record, other_team):
    from goldenthread.outcomes.factories import OutcomeFactory

    stranger = PersonFactory(team=other_team)
    theirs = OutcomeFactory(
        person=stranger,
        positive_change__conversation__person=stranger,
        positive_change__person=stranger,
    )
    before = RiskEnablement.objects.count()
    answer = api("post", "/risks", {**RISK, "outcome_id": str(theirs.pk)})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "outcome_id"
    conflict = api("post", "/risks", {**RISK, "views_conflict": True})
    assert conflict.status_code == 422
    assert RiskEnablement.objects.count() == before


# --- SDS options explained and chosen ----------------------------------------------------


def test_sds_options_are_recorded_and_changed(pinned_clock, api, full_record, practitioner):
    from goldenthread.sds.models import SdsChoice

    today = str(timezone.localdate())
    read = api("get", "/sds")
    first = {
        "explanations": [
            {
                "option": "option_1",
                "explained": True,
                "ways": ["in_conversation"],
                "explained_on": today,
            },
            {
                "option": "option_2",
                "explained": True,
                "ways": ["by_easy_read"],
                "explained_on": today,
            },
        ],
        "chosen_option": "option_2",
        "chosen_on": today,
        "reasons": "I want to choose who comes but not manage the money.",
    }
    assert api("put", "/sds", first).status_code == 428
    recorded = api("put", "/sds", first, if_match=read["ETag"])
    assert recorded.status_code == 200, recorded.content
    choice = recorded.json()["choice"]
    assert choice["chosen_option"] == "option_2"
    assert {e["option"] for e in choice["explanations"] if e["explained"]} == {
        "option_1",
        "option_2",
    }
    # A second writer who read before the first save is refused; nothing is overwritten.
    stale = api("put", "/sds", {**first, "chosen_option": "option_1"}, if_match=read["ETag"])
    assert stale.status_code == 412
    changed = api(
        "put",
        "/sds",
        {**first, "reasons": "Choosing my own workers matters most."},
        if_match=recorded["ETag"],
    )
    assert changed.status_code == 200
    stored = SdsChoice.objects.get(person_id=full_record["person_id"])
    assert stored.chosen_option == "option_2"
    assert stored.reasons == "Choosing my own workers matters most."
    assert ChangeRecord.objects.filter(object_type="sds.SdsChoice", actor=practitioner).exists()


def test_sds_inputs_are_checked(pinned_clock, api, full_record):
    from goldenthread.sds.models import SdsChoice

    today = str(timezone.localdate())
    read = api("get", "/sds")
    not_explained = api(
        "put",
        "/sds",
        {"explanations": [], "chosen_option": "option_1", "chosen_on": today, "reasons": "x"},
        if_match=read["ETag"],
    )
    assert not_explained.status_code == 422
    assert not_explained.json()["errors"][0]["field"] == "chosen_option"
    twice = api(
        "put",
        "/sds",
        {
            "explanations": [
                {"option": "option_1", "explained": False},
                {"option": "option_1", "explained": False},
            ]
        },
        if_match=read["ETag"],
    )
    assert twice.status_code == 422
    no_way = api(
        "put",
        "/sds",
        {"explanations": [{"option": "option_3", "explained": True, "explained_on": today}]},
        if_match=read["ETag"],
    )
    assert no_way.status_code == 422
    assert not SdsChoice.objects.filter(person_id=full_record["person_id"]).exists()


@pytest.mark.parametrize(
    ("given_name", "message"),
    [("Mo\x00rag", "NUL character"), ("Mo\ud800rag", "not valid Unicode")],
)
def test_text_that_cannot_be_stored_is_refused_by_name_and_nothing_is_saved(
    client, practitioner, area, given_name, message
):
    """SEC, IO: a NUL character or a lone surrogate in what is sent is a 422 naming the
    field (PostgreSQL's text cannot hold the one, UTF-8 the other: it was a 500 there)."""
    token = token_for(practitioner)
    body = {
        "given_name": given_name,
        "family_name": "Bell",
        "date_of_birth": "1950-03-15",
        "area_id": area.pk,
    }
    before = Person.objects.count()
    refused = call(client, "post", "/api/v1/people", token, body)
    assert refused.status_code == 422, refused.content
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == ["given_name"]
    assert message in errors[0]["message"]
    assert Person.objects.count() == before
    asked = call(client, "get", "/api/v1/people?cursor=a%00b", token)
    assert asked.status_code == 422, asked.content
    assert asked.json()["errors"][0]["field"] == "cursor"
