"""IO-1 (#15): the rest of the writes a page makes, through the pages' own services — who
agreed to a risk and each view of it, starting and finishing a review, changing and
removing the items of steps 1 to 3, positive changes, likely budgets, first choices not
delivered, option 4's mix, decisions shared. For each: it is written (with its change
record), a read-only token is refused and nothing is written, another person's record is
never reached (404, nothing of it in the answer), a stale version is refused (412), and bad
input answers 422 naming the field, with nothing half-saved."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from goldenthread.api.tests.helpers import changes, fields
from goldenthread.audit.models import ChangeRecord

pytestmark = pytest.mark.usefixtures("pinned_clock")


def today(days: int = 0) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=days))


# --- Risks: who agreed to what, and each view ---------------------------------------------


def test_risk_agreements_and_views_are_added(api, reader, full_record, stranger):
    from goldenthread.risk.factories import RiskEnablementFactory
    from goldenthread.risk.models import RiskAgreement, RiskView

    path = f"/risks/{full_record['risk_id']}"
    agreement = {"name": "Ann", "role": "Daughter", "agreed_to": "Phone on arrival"}
    added = api("post", path + "/agreements", {**agreement, "agreed_on": today()})
    assert added.status_code == 201, added.content
    assert "Phone on arrival" in {a["agreed_to"] for a in added.json()["agreements"]}
    assert changes("risk.RiskAgreement") == 1
    view = {"whose": "family", "name": "Ann", "view": "She should go; I worry a bit."}
    seen = api("post", path + "/views", {**view, "given_on": today()})
    assert seen.status_code == 201, seen.content
    assert "She should go; I worry a bit." in {v["view"] for v in seen.json()["views"]}
    assert changes("risk.RiskView") == 1

    before = (RiskAgreement.objects.count(), RiskView.objects.count())
    future = api("post", path + "/agreements", {**agreement, "agreed_on": today(1)})
    assert fields(future) == {"agreed_on"}
    blank = api("post", path + "/views", {**view, "view": "  ", "given_on": today()})
    assert fields(blank) == {"view"}
    assert fields(api("post", path + "/views", {**view, "whose": "cat"})) >= {"whose"}
    refused = reader("post", path + "/agreements", {**agreement, "agreed_on": today()})
    assert refused.status_code == 403
    theirs = RiskEnablementFactory(
        outcome__person=stranger,
        outcome__positive_change__person=stranger,
        outcome__positive_change__conversation__person=stranger,
        activity="Zsecret swim",
    )
    elsewhere = api("post", f"/risks/{theirs.pk}/views", {**view, "given_on": today()})
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert (RiskAgreement.objects.count(), RiskView.objects.count()) == before


# --- Reviews: start and finish ------------------------------------------------------------


def test_a_review_is_started_and_finished(api, reader, full_record, practitioner):
    from goldenthread.reviews.models import Review, ReviewStatus

    # The record has a review in progress already: continue that one, never a second.
    second = api("post", "/reviews", {"held_on": today()})
    assert second.status_code == 422 and "already in progress" in second.json()["detail"]
    assert reader("post", "/reviews", {"held_on": today()}).status_code == 403
    assert Review.objects.filter(person_id=full_record["person_id"]).count() == 1

    review = f"/reviews/{full_record['review_id']}"
    etag = api("get", review)["ETag"]
    finish = {"what_learned": "The bus is still too hard.", "next_review_on": today(90)}
    assert api("post", review + "/finish", finish).status_code == 428
    not_yet = api("post", review + "/finish", finish, if_match=etag)
    assert "" in fields(not_yet) and "Not reviewed yet" in not_yet.content.decode()
    past = api("post", review + "/finish", {**finish, "next_review_on": today(-1)}, if_match=etag)
    assert "next_review_on" in fields(past)
    outcome = f"{review}/outcomes/{full_record['outcome_id']}"
    rated = api(
        "put",
        outcome,
        {"rating": "partly", "evidence": "She got to the club twice.", "decision": "keep"},
        if_match='"0"',
    )
    assert rated.status_code == 200, rated.content
    assert api("post", review + "/finish", finish, if_match='"99"').status_code == 412
    assert reader("post", review + "/finish", finish, if_match=etag).status_code == 403
    assert Review.objects.get(pk=full_record["review_id"]).status == ReviewStatus.DRAFT

    current = api("get", review)["ETag"]
    done = api("post", review + "/finish", finish, if_match=current)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == ReviewStatus.COMPLETED
    assert done.json()["next_review_on"] == today(90)
    assert ChangeRecord.objects.filter(
        object_type="reviews.Review", action="update", actor=practitioner
    ).exists()
    # Finished, so a new one may start.
    started = api("post", "/reviews", {"held_on": today()})
    assert started.status_code == 201 and started.json()["status"] == ReviewStatus.DRAFT


def test_a_review_start_checks_its_date(api, full_record):
    from goldenthread.reviews.models import Review

    Review.objects.filter(pk=full_record["review_id"]).delete()
    assert fields(api("post", "/reviews", {"held_on": today(2)})) == {"held_on"}
    assert not Review.objects.filter(person_id=full_record["person_id"]).exists()


# --- Items of steps 1 to 3: change and remove ---------------------------------------------


def test_an_item_is_changed_and_removed(api, reader, full_record, stranger):
    from goldenthread.conversations.factories import MattersItemFactory, WorkingItemFactory
    from goldenthread.conversations.models import MattersItem, WorkingItem

    items = f"/conversations/{full_record['conversation_id']}/items"
    item = f"{items}/{full_record['item_id']}"
    read = api("get", item)
    assert read.status_code == 200 and read.json()["item_type"] == "working"
    changed = api(
        "patch", item, {"text": "The bus steps", "perspective": "family"}, if_match=read["ETag"]
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["text"] == "The bus steps" and changed["ETag"] == '"2"'
    assert changes("conversations.WorkingItem", "update") == 1
    stale = api("patch", item, {"text": "Something else"}, if_match=read["ETag"])
    assert stale.status_code == 412
    assert fields(api("patch", item, {"kind": "where"}, if_match=changed["ETag"])) == {"kind"}
    assert fields(api("patch", item, {"text": ""}, if_match=changed["ETag"])) == {"text"}
    refused = reader("patch", item, {"text": "x"}, if_match=changed["ETag"])
    assert refused.status_code == 403
    assert WorkingItem.objects.get(pk=full_record["item_id"]).text == "The bus steps"

    matters = MattersItemFactory(
        conversation_id=full_record["conversation_id"], person_id=full_record["person_id"]
    )
    assert reader("delete", f"{items}/{matters.pk}").status_code == 403
    assert MattersItem.objects.filter(pk=matters.pk).exists()
    removed = api("delete", f"{items}/{matters.pk}")
    assert removed.status_code == 204, removed.content
    assert not MattersItem.objects.filter(pk=matters.pk).exists()
    assert changes("conversations.MattersItem", "delete") == 1

    theirs = WorkingItemFactory(
        conversation__person=stranger, person=stranger, text="Zsecret worry"
    )
    elsewhere = api("delete", f"{items}/{theirs.pk}")
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert WorkingItem.objects.filter(pk=theirs.pk).exists()


def test_an_item_a_positive_change_comes_from_is_kept(api, full_record):
    from goldenthread.conversations.models import WorkingItem

    items = f"/conversations/{full_record['conversation_id']}"
    added = api(
        "post",
        items + "/positive-changes",
        {"text": "Getting to the club", "from_not_working": [str(full_record["item_id"])]},
    )
    assert added.status_code == 201, added.content
    refused = api("delete", f"{items}/items/{full_record['item_id']}")
    assert refused.status_code == 422 and "Unlink it" in refused.json()["detail"]
    assert WorkingItem.objects.filter(pk=full_record["item_id"]).exists()


# --- Positive changes -----------------------------------------------------------------------


def test_a_positive_change_is_added_and_relinked(api, reader, full_record, stranger, practitioner):
    from goldenthread.conversations.factories import WorkingItemFactory
    from goldenthread.conversations.models import PositiveChange

    path = f"/conversations/{full_record['conversation_id']}/positive-changes"
    body = {
        "text": "Seeing my friends at the club",
        "from_not_working": [str(full_record["item_id"])],
    }
    before = PositiveChange.objects.count()
    assert reader("post", path, body).status_code == 403
    theirs = WorkingItemFactory(conversation__person=stranger, person=stranger, text="Zsecret")
    across = api("post", path, {**body, "from_not_working": [str(theirs.pk)]})
    assert fields(across) == {"from_not_working"} and "Zsecret" not in across.content.decode()
    assert fields(api("post", path, {**body, "text": ""})) == {"text"}
    assert PositiveChange.objects.count() == before

    added = api("post", path, body)
    assert added.status_code == 201, added.content
    change = added.json()
    assert change["from_not_working"] == [str(full_record["item_id"])]
    assert ChangeRecord.objects.filter(
        object_type="conversations.PositiveChange", action="create", actor=practitioner
    ).exists()
    url = f"{path}/{change['id']}"
    relinked = api(
        "put", url, {"text": "At the club again", "from_not_working": []}, if_match=added["ETag"]
    )
    assert relinked.status_code == 200, relinked.content
    assert (
        relinked.json()["from_not_working"] == [] and relinked.json()["text"] == "At the club again"
    )
    stale = api("put", url, body, if_match=added["ETag"])
    assert stale.status_code == 412
    assert PositiveChange.objects.get(pk=change["id"]).text == "At the club again"


# --- SDS: likely budgets, first choice not delivered, the mix, decisions shared -------------


def test_a_likely_budget_is_recorded(api, reader, full_record):
    from goldenthread.sds.models import IndicativeBudget

    body = {"amount": "120.50", "period": "week", "told_on": today(), "how_told": "letter"}
    before = IndicativeBudget.objects.count()
    assert reader("post", "/sds/indicative-budgets", body).status_code == 403
    assert fields(api("post", "/sds/indicative-budgets", {**body, "told_on": today(3)})) == {
        "told_on"
    }
    assert fields(api("post", "/sds/indicative-budgets", {**body, "amount": "-1"})) == {"amount"}
    assert IndicativeBudget.objects.count() == before
    added = api("post", "/sds/indicative-budgets", body)
    assert added.status_code == 201, added.content
    assert added.json()["amount"] == "120.50" and added.json()["how_told"] == "letter"
    assert IndicativeBudget.objects.count() == before + 1
    assert changes("sds.IndicativeBudget") >= 1


def test_a_first_choice_not_delivered_is_recorded_with_its_unmet_need(
    api, reader, full_record, stranger
):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.sds.models import FirstChoiceNotDelivered, UnmetNeed

    body = {
        "first_choice": "option_1",
        "why": "No provider can take a direct payment in her area yet.",
        "alternative_offered": "Option 2 with the same agency",
        "alternative_option": "option_2",
        "plan_to_meet_need": "Look again when the new provider opens in spring.",
        "need": "Choosing her own assistant",
        "category": "personal_care",
        "identified_on": today(),
    }
    before = (FirstChoiceNotDelivered.objects.count(), UnmetNeed.objects.count())
    recorded_before = changes("sds.FirstChoiceNotDelivered")
    path = "/sds/first-choices-not-delivered"
    assert reader("post", path, body).status_code == 403
    same = api("post", path, {**body, "alternative_option": "option_1"})
    assert fields(same) == {"alternative_option"}
    theirs = OutcomeFactory(
        person=stranger,
        positive_change__person=stranger,
        positive_change__conversation__person=stranger,
        statement="Zsecret outcome",
    )
    across = api("post", path, {**body, "outcome_id": str(theirs.pk)})
    assert fields(across) == {"outcome_id"} and "Zsecret" not in across.content.decode()
    # Nothing half-saved: neither the record nor its unmet need.
    assert (FirstChoiceNotDelivered.objects.count(), UnmetNeed.objects.count()) == before
    added = api("post", path, {**body, "outcome_id": str(full_record["outcome_id"])})
    assert added.status_code == 201, added.content
    record = FirstChoiceNotDelivered.objects.get(pk=added.json()["id"])
    assert record.unmet_need.need == "Choosing her own assistant"
    assert str(record.unmet_need.outcome_id) == str(full_record["outcome_id"])
    assert changes("sds.FirstChoiceNotDelivered") == recorded_before + 1


def test_option_4s_mix_is_recorded(api, reader, full_record, stranger):
    from goldenthread.people.models import Person
    from goldenthread.sds.factories import record_options
    from goldenthread.sds.models import MixPart
    from goldenthread.support.factories import SolutionFactory

    part = {"solution_id": str(full_record["solution_id"]), "option": "option_1"}
    read = api("get", "/sds")
    not_4 = api("put", "/sds/mix", {"parts": [part]}, if_match=read["ETag"])
    assert not_4.status_code == 422 and "option 4" in not_4.json()["detail"]
    record_options(Person.objects.get(pk=full_record["person_id"]), chosen="option_4")
    etag = api("get", "/sds")["ETag"]
    assert reader("put", "/sds/mix", {"parts": [part]}, if_match=etag).status_code == 403
    theirs = SolutionFactory(
        outcome__person=stranger,
        outcome__positive_change__person=stranger,
        outcome__positive_change__conversation__person=stranger,
        what="Zsecret help",
    )
    across = api(
        "put", "/sds/mix", {"parts": [{**part, "solution_id": str(theirs.pk)}]}, if_match=etag
    )
    assert fields(across) == {"parts.0.solution_id"} and "Zsecret" not in across.content.decode()
    assert fields(
        api("put", "/sds/mix", {"parts": [{**part, "option": "option_4"}]}, if_match=etag)
    ) >= {"parts.0.option"}
    assert not MixPart.objects.exists()

    mixed = api("put", "/sds/mix", {"parts": [part]}, if_match=etag)
    assert mixed.status_code == 200, mixed.content
    assert mixed.json()["choice"]["mix_parts"] == [part]
    assert changes("sds.MixPart") == 1
    stale = api("put", "/sds/mix", {"parts": [{**part, "option": "option_2"}]}, if_match=etag)
    assert stale.status_code == 412
    assert MixPart.objects.get().option == "option_1"


def test_a_decision_is_shared(api, reader, full_record, stranger):
    from goldenthread.sds.factories import DecisionFactory
    from goldenthread.sds.models import DecisionSharing

    path = f"/decisions/{full_record['decision_id']}/sharings"
    before = DecisionSharing.objects.count()
    assert reader("post", path, {"shared_on": today(), "how": "letter"}).status_code == 403
    early = api("post", path, {"shared_on": today(-400), "how": "letter"})
    assert fields(early) == {"shared_on"}
    theirs = DecisionFactory(person=stranger, summary="Zsecret decision")
    across = api(
        "post", f"/decisions/{theirs.pk}/sharings", {"shared_on": today(), "how": "letter"}
    )
    assert across.status_code == 404 and "Zsecret" not in across.content.decode()
    assert DecisionSharing.objects.count() == before
    shared = api("post", path, {"shared_on": today(), "how": "easy_read"})
    assert shared.status_code == 201, shared.content
    assert {"shared_on": today(), "how": "easy_read"} in shared.json()["sharings"]
    assert DecisionSharing.objects.count() == before + 1


# --- Accountability: agreement, advocacy, challenges ----------------------------------------


def test_agreement_to_an_outcome_is_recorded(api, reader, full_record, stranger):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.outcomes.models import Agreement

    body = {
        "outcome_id": str(full_record["outcome_id"]),
        "whose": "person",
        "name": "Jean",
        "agreed": "partly",
        "agreed_on": today(),
        "how": "meeting",
        "not_agreed": "Not the taxi on Sundays",
    }
    before = Agreement.objects.count()
    assert reader("post", "/agreements", body).status_code == 403
    assert fields(api("post", "/agreements", {**body, "not_agreed": ""})) == {"not_agreed"}
    theirs = OutcomeFactory(
        person=stranger,
        positive_change__person=stranger,
        positive_change__conversation__person=stranger,
        statement="Zsecret outcome",
    )
    across = api("post", "/agreements", {**body, "outcome_id": str(theirs.pk)})
    assert fields(across) == {"outcome_id"} and "Zsecret" not in across.content.decode()
    assert Agreement.objects.count() == before
    added = api("post", "/agreements", body)
    assert added.status_code == 201, added.content
    assert added.json()["not_agreed"] == "Not the taxi on Sundays"
    assert changes("outcomes.Agreement") >= 1 and Agreement.objects.count() == before + 1


def test_advocacy_is_recorded_and_changed(api, reader, full_record, stranger):
    from goldenthread.accountability.models import Advocacy

    body = {"identified_on": today(-2), "identified_by": "Pat", "why": "Her son speaks for her."}
    before = Advocacy.objects.count()
    assert reader("post", "/advocacy", body).status_code == 403
    assert fields(api("post", "/advocacy", {**body, "answer": "accepted"})) == {"offered_on"}
    assert Advocacy.objects.count() == before
    added = api("post", "/advocacy", body)
    assert added.status_code == 201, added.content
    path = f"/advocacy/{added.json()['id']}"
    offered = {"offered_on": today(), "answer": "accepted"}
    assert api("patch", path, offered).status_code == 428
    changed = api("patch", path, offered, if_match=added["ETag"])
    assert changed.status_code == 200, changed.content
    assert changed.json()["answer"] == "accepted" and changed.json()["why"] == body["why"]
    assert api("patch", path, {"answer": "declined"}, if_match=added["ETag"]).status_code == 412
    started = api("patch", path, {"started_on": today()}, if_match=changed["ETag"])
    assert fields(started) == {"started_on"}
    assert reader("patch", path, {"why": "x"}, if_match=changed["ETag"]).status_code == 403
    assert changes("accountability.Advocacy", "update") == 1
    from goldenthread.accountability.services import advocacy_record
    from goldenthread.people.factories import AllocationFactory

    worker = AllocationFactory(person=stranger).worker
    theirs = advocacy_record(
        actor=worker,
        person=stranger,
        identified_on=timezone.localdate(),
        identified_by="Zsecret",
        why="Zsecret reason",
    )
    elsewhere = api("patch", f"/advocacy/{theirs.pk}", {"why": "x"}, if_match='"1"')
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()


def test_a_challenge_is_recorded(api, reader, full_record, stranger):
    from goldenthread.accountability.models import Challenge
    from goldenthread.sds.factories import DecisionFactory

    body = {
        "raised_by": "family",
        "raised_by_name": "Ann",
        "raised_on": today(),
        "about": "budget",
        "details": "The budget does not cover Sundays.",
        "decision_id": str(full_record["decision_id"]),
    }
    before = Challenge.objects.count()
    assert reader("post", "/challenges", body).status_code == 403
    assert fields(api("post", "/challenges", {**body, "raised_on": today(1)})) == {"raised_on"}
    theirs = DecisionFactory(person=stranger, summary="Zsecret decision")
    across = api("post", "/challenges", {**body, "decision_id": str(theirs.pk)})
    assert fields(across) == {"decision_id"} and "Zsecret" not in across.content.decode()
    assert Challenge.objects.count() == before
    added = api("post", "/challenges", body)
    assert added.status_code == 201, added.content
    assert added.json()["stage"] and added.json()["due_on"] > today()
    assert changes("accountability.Challenge") >= 1
    # The same submission_token twice records one challenge: 201, then 200 with it.
    once = {**body, "submission_token": "0f5c2a7e-3b1d-4e8a-9c6f-2d4b6a8c0e1f"}
    first, again = api("post", "/challenges", once), api("post", "/challenges", once)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Challenge.objects.count() == before + 2
