"""IO-1 (#15): staff page writes the API could not make, through the page's own service —
a community resource from the directory becomes a solution (SS-3, SS-4); the staff side
of the person's own record: answering a request for a correction or a question about who
looked, and withholding an item (P-2, P-3).

For each: it is written (with its change record), a read-only token is refused and
nothing is written, another person's items are never reached (404, nothing of theirs in
the answer), bad input answers 422 naming the field, and a versioned record needs If-Match (428
without, 412 stale, nothing written)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from goldenthread.api.tests.conftest import _caller
from goldenthread.api.tests.helpers import changes, fields, token_for
from goldenthread.directory.models import CommunityResource, Organisation
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.models import Person
from goldenthread.portal.factories import CorrectionRequestFactory
from goldenthread.portal.models import AccessQuestion, CorrectionRequest, Withholding
from goldenthread.support.models import Solution

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def resource(db):
    organisation = Organisation.objects.create(
        source="test", source_id="org-api", name="Northfield Community Trust"
    )
    return CommunityResource.objects.create(
        source="test",
        source_id="svc-api",
        name="Northfield Bowls and Blether Club",
        description="A friendly bowling club, £3 a week.",
        organisation=organisation,
        place_text="Northfield",
        imported_at=timezone.now(),
    )


def test_a_directory_resource_becomes_a_solution(api, reader, full_record, stranger, resource):
    path = f"/outcomes/{full_record['outcome_id']}/solutions/from-directory"
    body = {"step": "community", "resource_id": str(resource.pk)}
    rows, records = Solution.objects.count(), changes("support.Solution")

    assert reader("post", path, body).status_code == 403
    assert fields(api("post", path, {**body, "step": "yourself"})) == {"step"}
    assert fields(api("post", path, {**body, "resource_id": str(uuid.uuid4())})) == {"resource_id"}
    assert fields(api("post", path, {**body, "resource_id": "nope"})) == {"resource_id"}
    assert fields(api("post", path, {**body, "what": "Typed"})) == {"what"}
    assert (Solution.objects.count(), changes("support.Solution")) == (rows, records)

    added = api("post", path, body)
    assert added.status_code == 201, added.content
    made = added.json()
    assert made["what"] == "Northfield Bowls and Blether Club"
    assert made["who"] == "Northfield Community Trust"
    assert (made["step"], made["status"]) == ("community", "idea")
    assert added["ETag"] == f'"{made["version"]}"'
    solution = Solution.objects.get(pk=made["id"])
    assert solution.community_resource_id == resource.pk
    assert solution.outcome_id == full_record["outcome_id"]
    assert changes("support.Solution") == records + 1
    assert api("get", f"/solutions/{made['id']}").json()["what"] == made["what"]

    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    elsewhere = api("post", f"/outcomes/{theirs.pk}/solutions/from-directory", body)
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert not Solution.objects.filter(outcome=theirs).exists()


# --- The staff side of the person's own record ---------------------------------------------


@pytest.fixture
def leader(client, base, team_leader):
    """Calls with a write token of a team leader of the person's team."""
    return _caller(client, base, token_for(team_leader, name="Leader's system"))


def test_a_request_for_a_correction_is_answered(api, reader, full_record, stranger):
    cid = full_record["correction_id"]
    path = f"/correction-requests/{cid}"
    read = api("get", path)
    assert read.status_code == 200, read.content
    assert read.json()["status"] == "waiting" and read["ETag"] == f'"{read.json()["version"]}"'
    decline = {"decision": "decline", "answer": "It was right: we checked with you."}

    assert api("post", path + "/answer", decline).status_code == 428
    assert api("post", path + "/answer", decline, if_match='"99"').status_code == 412
    assert reader("post", path + "/answer", decline, if_match=read["ETag"]).status_code == 403
    assert fields(
        api("post", path + "/answer", {**decline, "answer": "  "}, if_match=read["ETag"])
    ) == {"answer"}
    assert fields(
        api("post", path + "/answer", {**decline, "decision": "maybe"}, if_match=read["ETag"])
    ) == {"decision"}
    assert CorrectionRequest.objects.get(pk=cid).status == "waiting"

    answered = api("post", path + "/answer", decline, if_match=read["ETag"])
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "declined"
    assert answered.json()["answer"] == decline["answer"]
    assert answered["ETag"] != read["ETag"]
    # Answered once only.
    again = api("post", path + "/answer", decline, if_match=answered["ETag"])
    assert again.status_code == 422

    # Accepting changes the item the person asked about, through the same service.
    person = Person.objects.get(pk=full_record["person_id"])
    mine = CorrectionRequestFactory(person=person, asked_by=person.allocations.get().worker)
    read = api("get", f"/correction-requests/{mine.pk}")
    accepted = api(
        "post",
        f"/correction-requests/{mine.pk}/answer",
        {"decision": "accept", "answer": "Changed.", "new_text": "Reads large print"},
        if_match=read["ETag"],
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    person.refresh_from_db()
    assert person.communication_needs == "Reads large print"

    theirs = CorrectionRequestFactory(
        person=stranger, asked_by=person.allocations.get().worker, what_is_wrong="Zsecret"
    )
    for method, suffix in (("get", ""), ("post", "/answer")):
        sent = decline if method == "post" else None
        elsewhere = api(method, f"/correction-requests/{theirs.pk}{suffix}", sent, if_match='"1"')
        assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert CorrectionRequest.objects.get(pk=theirs.pk).status == "waiting"


def test_a_question_about_who_looked_is_answered_by_a_team_leader(
    api, leader, full_record, stranger
):
    qid = full_record["question_id"]
    path = f"/access-questions/{qid}"
    read = leader("get", path)
    assert read.status_code == 200, read.content
    body = {"answer": "Your worker looked to prepare your review."}

    # The page asks a team leader of the person's team: the worker is refused.
    assert api("post", path + "/answer", body, if_match=read["ETag"]).status_code == 403
    assert leader("post", path + "/answer", body).status_code == 428
    assert leader("post", path + "/answer", body, if_match='"99"').status_code == 412
    assert fields(leader("post", path + "/answer", {"answer": " "}, if_match=read["ETag"])) == {
        "answer"
    }
    assert AccessQuestion.objects.get(pk=qid).answered_at is None

    answered = leader("post", path + "/answer", body, if_match=read["ETag"])
    assert answered.status_code == 200, answered.content
    assert answered.json()["answer"] == body["answer"]
    assert answered.json()["answered_at"] is not None
    assert leader("post", path + "/answer", body, if_match=answered["ETag"]).status_code == 422


def test_an_item_is_withheld_only_when_a_team_leader_agrees(
    api, reader, leader, full_record, stranger
):
    person_id = full_record["person_id"]
    body = {
        "item_type": "people.Person",
        "item_id": str(person_id),
        "grounds": "serious_harm",
        "reason": "It names the address of someone who has not agreed.",
        "review_on": "2026-09-01",
    }
    rows = Withholding.objects.count()
    assert reader("post", "/withholdings", body).status_code == 403
    assert fields(api("post", "/withholdings", {**body, "item_id": str(uuid.uuid4())})) == {
        "item_id"
    }
    assert fields(api("post", "/withholdings", {**body, "grounds": "because"})) == {"grounds"}
    assert fields(api("post", "/withholdings", {**body, "review_on": "2026-01-01"})) == {
        "review_on"
    }
    assert fields(api("post", "/withholdings", {**body, "reason": " "})) == {"reason"}
    assert Withholding.objects.count() == rows

    proposed = api("post", "/withholdings", body)
    assert proposed.status_code == 201, proposed.content
    made = proposed.json()
    assert made["agreed_at"] is None and made["grounds"] == "serious_harm"
    path = f"/withholdings/{made['id']}"
    assert api("get", path).json() == made

    # Only a team leader of the person's team agrees, with the version read.
    assert api("post", path + "/agreement", if_match=proposed["ETag"]).status_code == 403
    assert leader("post", path + "/agreement").status_code == 428
    assert leader("post", path + "/agreement", if_match='"99"').status_code == 412
    assert Withholding.objects.get(pk=made["id"]).agreed_at is None
    agreed = leader("post", path + "/agreement", if_match=proposed["ETag"])
    assert agreed.status_code == 200, agreed.content
    assert agreed.json()["agreed_at"] is not None
    assert leader("post", path + "/agreement", if_match=agreed["ETag"]).status_code == 422

    # Reconsidered: the worker ends it; a stale version writes nothing.
    assert reader("post", path + "/end", if_match=agreed["ETag"]).status_code == 403
    assert api("post", path + "/end", if_match=proposed["ETag"]).status_code == 412
    ended = api("post", path + "/end", if_match=agreed["ETag"])
    assert ended.status_code == 200, ended.content
    assert ended.json()["ended_at"] is not None
    assert api("post", path + "/end", if_match=ended["ETag"]).status_code == 422

    theirs = Withholding.objects.create(
        person=stranger,
        item_type="people.Person",
        item_id=str(stranger.pk),
        grounds="third_party",
        reason="Zsecret",
        review_on=datetime.date(2026, 9, 1),
        withheld_by=Person.objects.get(pk=person_id).allocations.get().worker,
    )
    for method, suffix in (("get", ""), ("post", "/agreement"), ("post", "/end")):
        elsewhere = leader(method, f"/withholdings/{theirs.pk}{suffix}", if_match='"1"')
        assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert fields(api("post", "/withholdings", {**body, "item_id": str(stranger.pk)})) == {
        "item_id"
    }
    theirs.refresh_from_db()
    assert theirs.agreed_at is None and theirs.ended_at is None


def test_an_invitation_code_is_in_the_answer_once(api, reader, full_record, mailoutbox):
    from goldenthread.portal.models import Invitation
    from goldenthread.portal.services import code_lookup, invitation_find

    body = {"kind": "self", "name": "Morag", "channel": "in_person"}
    rows = Invitation.objects.count()
    assert reader("post", "/invitations", body).status_code == 403
    assert fields(api("post", "/invitations", {**body, "name": " "})) == {"name"}
    assert fields(api("post", "/invitations", {**body, "kind": "friend"})) == {"kind"}
    assert fields(api("post", "/invitations", {**body, "channel": "email"})) == {"email"}
    assert fields(
        api("post", "/invitations", {**body, "channel": "email", "email": "not-an-address"})
    ) == {"email"}
    proxy = {**body, "kind": "proxy", "name": "Ann Macdonald"}
    assert fields(api("post", "/invitations", proxy)) == {"relationship", "basis"}
    assert Invitation.objects.count() == rows and not mailoutbox

    issued = api("post", "/invitations", body)
    assert issued.status_code == 201, issued.content
    made = issued.json()
    assert "no-store" in issued["Cache-Control"]
    assert (made["kind"], made["name"], made["channel"]) == ("self", "Morag", "in_person")
    invitation = Invitation.objects.get(pk=made["id"])
    # Only the keyed hash is kept; the code finds the invitation.
    assert invitation.code_lookup == code_lookup(made["code"])
    assert made["code"] not in str(Invitation.objects.filter(pk=made["id"]).values().get())
    assert invitation_find(made["code"]).pk == invitation.pk
    assert changes("portal.Invitation") >= 1

    # By e-mail: the code goes to the address, and is in this answer only.
    sent = api(
        "post",
        "/invitations",
        {
            **proxy,
            "relationship": "Daughter",
            "basis": "authorised",
            "channel": "email",
            "email": "ann@example.org",
        },
    )
    assert sent.status_code == 201, sent.content
    assert len(mailoutbox) == 1 and sent.json()["code"] in mailoutbox[0].body


# --- A possible duplicate (#11) ----------------------------------------------------------------


def test_a_team_leader_records_what_was_done_about_a_possible_duplicate(
    client, practitioner, team_leader, other_team_leader, stranger, full_record
):
    from goldenthread.api.models import TokenScope
    from goldenthread.api.tests.helpers import call
    from goldenthread.people.models import PossibleDuplicate

    raised = PossibleDuplicate.objects.create(
        requested_by=practitioner,
        team=practitioner.team,
        given_name="Morag",
        family_name="Zduplicate",
        date_of_birth=datetime.date(1950, 1, 1),
        chi_number="0101501234",
        existing_person_id=stranger.pk,
        existing_team=stranger.team,
    )
    url = f"/api/v1/possible-duplicates/{raised.pk}/resolution"
    body = {"resolution": "I asked the other team's leader; it is the same person."}
    leader, worker = token_for(team_leader), token_for(practitioner)
    read_only = token_for(team_leader, scope=TokenScope.READ, name="Read only")

    assert call(client, "post", url, worker, body).status_code == 403
    assert call(client, "post", url, read_only, body).status_code == 403
    elsewhere = call(client, "post", url, token_for(other_team_leader), body)
    assert elsewhere.status_code == 404 and "Zduplicate" not in elsewhere.content.decode()
    missing = f"/api/v1/possible-duplicates/{uuid.uuid4()}/resolution"
    assert call(client, "post", missing, leader, body).status_code == 404
    assert fields(call(client, "post", url, leader, {"resolution": "  "})) == {"resolution"}
    raised.refresh_from_db()
    assert raised.status == PossibleDuplicate.Status.OPEN

    done = call(client, "post", url, leader, body)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "resolved"
    assert done.json()["resolution"] == body["resolution"]
    assert str(stranger.pk) not in done.content.decode()
    raised.refresh_from_db()
    assert raised.resolved_by == team_leader
    # Dealt with once: a second answer is refused and changes nothing.
    again = call(client, "post", url, leader, {"resolution": "Something else"})
    assert again.status_code == 422
    raised.refresh_from_db()
    assert raised.resolution == body["resolution"]


def test_someones_access_to_the_record_is_ended(api, reader, full_record, stranger):
    from goldenthread.portal.factories import ProxyLinkFactory
    from goldenthread.portal.models import RecordLink

    path = f"/record-links/{full_record['link_id']}"
    read = api("get", path)
    assert read.status_code == 200, read.content
    assert read.json()["ended_at"] is None
    body = {"reason": "The power of attorney has ended."}
    assert api("post", path + "/end", body).status_code == 428
    assert api("post", path + "/end", body, if_match='"99"').status_code == 412
    assert reader("post", path + "/end", body, if_match=read["ETag"]).status_code == 403
    assert fields(api("post", path + "/end", {"reason": " "}, if_match=read["ETag"])) == {"reason"}
    assert RecordLink.objects.get(pk=full_record["link_id"]).ended_at is None

    ended = api("post", path + "/end", body, if_match=read["ETag"])
    assert ended.status_code == 200, ended.content
    assert ended.json()["ended_at"] is not None
    assert ended.json()["end_reason"] == body["reason"]
    assert api("post", path + "/end", body, if_match=ended["ETag"]).status_code == 422

    theirs = ProxyLinkFactory(person=stranger, relationship="Zsecret")
    for method in ("get", "post"):
        suffix = "/end" if method == "post" else ""
        elsewhere = api(
            method,
            f"/record-links/{theirs.pk}{suffix}",
            body if method == "post" else None,
            if_match='"1"',
        )
        assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert RecordLink.objects.get(pk=theirs.pk).ended_at is None


# --- Several items of steps 1 to 3 at once (#16) ------------------------------------------------


def test_several_items_are_added_at_once_or_none(api, reader, full_record, stranger):
    from goldenthread.conversations.factories import ConversationFactory
    from goldenthread.conversations.models import Strength

    cid = full_record["conversation_id"]
    path = f"/conversations/{cid}/items/several"
    words = ["Good with people", "Keeps a garden", "Cooks for friends"]
    body = {"items": [{"item_type": "strength", "text": t} for t in words]}
    rows, records = Strength.objects.count(), changes("conversations.Strength")

    assert reader("post", path, body).status_code == 403
    mixed = {"items": [*body["items"], {"item_type": "aspiration", "text": "To travel"}]}
    assert fields(api("post", path, mixed)) == {"items"}
    long = {"items": [*body["items"], {"item_type": "strength", "text": "x" * 4001}]}
    assert fields(api("post", path, long)) == {"items.3.strength.text"}
    assert fields(api("post", path, {"items": []})) == {"items"}
    who = {"items": [{"item_type": "who", "circle_member_id": str(full_record["member_id"])}]}
    assert api("post", path, who).status_code == 422
    assert Strength.objects.count() == rows

    added = api("post", path, body)
    assert added.status_code == 201, added.content
    assert [i["text"] for i in added.json()] == words
    assert Strength.objects.count() == rows + 3
    assert changes("conversations.Strength") == records + 3

    theirs = ConversationFactory(person=stranger, narrative="Zsecret")
    elsewhere = api("post", f"/conversations/{theirs.pk}/items/several", body)
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert Strength.objects.count() == rows + 3
