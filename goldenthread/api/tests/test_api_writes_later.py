"""IO-1 (#15): the writes the API still lacked, through the pages' own services — a
challenge's later steps (stage 2, the answer, more time, mediation, an outside body),
transitions (TR-1), the person's answer to a first choice not delivered, moving and
removing solutions, moving budget lines and unmet need to the outcome they serve now, a
request the panel returned sent back to it, and the person's own views at a review.

For each: it is written (with its change record), a read-only token is refused and
nothing is written, another person's items are never reached (404 or a field error,
nothing of theirs in the answer), a stale version answers 412 and writes nothing, a
missing If-Match answers 428, and bad input answers 422 naming the field."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from goldenthread.api.tests.helpers import changes, fields
from goldenthread.audit.models import ChangeRecord

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def second_outcome(full_record):
    """Another open outcome of the person, from the same conversation."""
    from goldenthread.conversations.models import Conversation
    from goldenthread.outcomes.factories import OutcomeFactory

    return OutcomeFactory(
        positive_change__conversation=Conversation.objects.get(pk=full_record["conversation_id"]),
        statement="I will cook my own tea on Sundays",
    )


def today(days: int = 0) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=days))


# --- Challenges: stage 2, the answer, more time, mediation, an outside body -----------------


def test_a_challenge_goes_through_its_stages(api, reader, full_record, stranger, pinned_clock):
    from goldenthread.accountability.factories import ChallengeFactory
    from goldenthread.accountability.models import Challenge, ChallengeEvent

    path = f"/challenges/{full_record['challenge_id']}"
    read = api("get", path)
    assert read.status_code == 200 and read["ETag"] == '"1"'
    assert read.json()["stage"] == "frontline" and read.json()["events"] == []
    listed = api("get", "/challenges").json()["items"]
    assert [c["id"] for c in listed] == [str(full_record["challenge_id"])]

    answer = {
        "outcome": "partly",
        "answer": "We will look again at Thursdays.",
        "answered_on": today(),
        "what_changed": "The budget now covers Thursday afternoons.",
    }
    assert api("post", path + "/answer", answer).status_code == 428
    assert reader("post", path + "/answer", answer, if_match='"1"').status_code == 403
    assert fields(
        api("post", path + "/answer", {**answer, "what_changed": ""}, if_match='"1"')
    ) == {"what_changed"}
    assert fields(
        api("post", path + "/answer", {**answer, "answered_on": today(1)}, if_match='"1"')
    ) == {"answered_on"}
    assert fields(
        api("post", path + "/answer", {**answer, "outcome": "maybe"}, if_match='"1"')
    ) >= {"outcome"}
    assert Challenge.objects.get(pk=full_record["challenge_id"]).state == "open"

    # More time at stage 1: a working day, at most 10 working days from the start.
    extend = {"due_on": "2026-06-12", "reason": "The provider is away.", "agreed_by": "Lee Smith"}
    too_late = api("post", path + "/extension", {**extend, "due_on": "2026-06-30"}, if_match='"1"')
    assert fields(too_late) == {"due_on"} and "stage 2" in too_late.content.decode()
    weekend = api("post", path + "/extension", {**extend, "due_on": "2026-06-13"}, if_match='"1"')
    assert fields(weekend) == {"due_on"}
    extended = api("post", path + "/extension", extend, if_match='"1"')
    assert extended.status_code == 200, extended.content
    assert extended.json()["due_on"] == "2026-06-12" and extended["ETag"] == '"2"'
    assert [e["kind"] for e in extended.json()["events"]] == ["extended"]
    assert extended.json()["events"][0]["previous_due_on"] == "2026-06-09"

    pinned_clock.shift(60)  # each step a minute after the last: the history's order
    stale = api("post", path + "/answer", answer, if_match='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    assert stale.json()["current_version"] == 2
    answered = api("post", path + "/answer", answer, if_match='"2"')
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == "answered" and answered.json()["outcome"] == "partly"
    again = api("post", path + "/answer", answer, if_match=answered["ETag"])
    assert again.status_code == 422 and "already answered" in again.json()["detail"]

    pinned_clock.shift(60)  # each step a minute after the last: the history's order
    # Not satisfied: stage 2, due 20 working days on; the stage 1 answer stays in the history.
    stage2 = api(
        "post",
        path + "/investigation",
        {"started_on": today(), "reason": "Jean is not satisfied."},
        if_match=answered["ETag"],
    )
    assert stage2.status_code == 200, stage2.content
    body = stage2.json()
    assert body["stage"] == "investigation" and body["state"] == "open" and body["answer"] == ""
    assert body["due_on"] == "2026-07-01"
    assert [e["kind"] for e in body["events"]] == ["extended", "answered", "investigation"]
    twice = api(
        "post",
        path + "/investigation",
        {"started_on": today(), "reason": "Again"},
        if_match=stage2["ETag"],
    )
    assert twice.status_code == 422 and "already at stage 2" in twice.json()["detail"]

    pinned_clock.shift(60)  # each step a minute after the last: the history's order
    mediation = api(
        "post",
        path + "/mediation",
        {"mediation": "accepted", "on": today(), "note": "Both agreed to meet."},
        if_match=stage2["ETag"],
    )
    assert mediation.status_code == 200, mediation.content
    assert mediation.json()["mediation"] == "accepted"
    not_offered = api(
        "post", path + "/mediation", {"mediation": "not_offered", "on": today()}, if_match='"9"'
    )
    assert fields(not_offered) >= {"mediation"}

    pinned_clock.shift(60)
    outside = {"body": "other", "escalated_on": today(), "reference": "X-1"}
    assert fields(api("post", path + "/escalations", outside)) == {"note"}
    assert reader("post", path + "/escalations", {**outside, "note": "MSP"}).status_code == 403
    taken = api("post", path + "/escalations", {**outside, "body": "spso", "reference": "SPSO-7"})
    assert taken.status_code == 201, taken.content
    assert taken.json()["events"][-1]["body"] == "spso"
    assert taken.json()["version"] == mediation.json()["version"]  # a step, not a change

    assert changes("accountability.Challenge", "update") == 4
    assert ChallengeEvent.objects.filter(challenge_id=full_record["challenge_id"]).count() == 5

    theirs = ChallengeFactory(person=stranger, details="Zsecret complaint")
    elsewhere = api("post", f"/challenges/{theirs.pk}/answer", answer, if_match='"1"')
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert Challenge.objects.get(pk=theirs.pk).state == "open"


# --- Transitions (TR-1) -----------------------------------------------------------------------


def test_a_move_is_planned_and_changed(api, reader, full_record, stranger):
    from goldenthread.accountability.models import Transition
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.people.factories import CircleMemberFactory

    body = {
        "kind": "between_areas",
        "planned_on": today(60),
        "receiving_details": "Fife Council adult social work, by secure email",
        "outcome_ids": [str(full_record["outcome_id"])],
        "circle_member_ids": [str(full_record["member_id"])],
    }
    before = Transition.objects.count()
    assert reader("post", "/transitions", body).status_code == 403
    assert fields(api("post", "/transitions", {**body, "receiving_details": " "})) == {
        "receiving_details"
    }
    theirs = OutcomeFactory(
        positive_change__conversation__person=stranger, statement="Zsecret outcome"
    )
    theirs_member = CircleMemberFactory(person=stranger, name="Zsecret friend")
    across = api(
        "post",
        "/transitions",
        {**body, "outcome_ids": [str(theirs.pk)], "circle_member_ids": [str(theirs_member.pk)]},
    )
    assert fields(across) == {"outcome_ids.0", "circle_member_ids.0"}
    assert "Zsecret" not in across.content.decode()
    assert fields(api("post", "/transitions", {**body, "actual_on": today(1)})) == {"actual_on"}
    assert Transition.objects.count() == before

    added = api("post", "/transitions", body)
    assert added.status_code == 201, added.content
    move = added.json()
    assert move["outcome_ids"] == [str(full_record["outcome_id"])]
    assert move["circle_member_ids"] == [str(full_record["member_id"])]
    assert changes("accountability.Transition") >= 1

    url = f"/transitions/{move['id']}"
    assert api("patch", url, {"actual_on": today()}).status_code == 428
    happened = api(
        "patch", url, {"actual_on": today(), "circle_member_ids": []}, if_match=added["ETag"]
    )
    assert happened.status_code == 200, happened.content
    assert happened.json()["actual_on"] == today()
    assert happened.json()["circle_member_ids"] == []
    assert happened.json()["outcome_ids"] == [str(full_record["outcome_id"])]  # left as it was
    stale = api("patch", url, {"notes": "Late"}, if_match=added["ETag"])
    assert stale.status_code == 412
    cleared = api("patch", url, {"actual_on": None}, if_match=happened["ETag"])
    assert cleared.status_code == 200 and cleared.json()["actual_on"] is None
    assert changes("accountability.Transition", "update") == 2
    listed = api("get", "/transitions").json()["items"]
    assert str(move["id"]) in {m["id"] for m in listed}


# --- SDS: the answer to a first choice not delivered ------------------------------------------


def test_the_answer_to_a_first_choice_not_delivered(api, reader, full_record):
    from goldenthread.sds.models import FirstChoiceNotDelivered

    url = f"/sds/first-choices-not-delivered/{full_record['shortfall_id']}"
    read = api("get", url)
    assert read.status_code == 200 and read.json()["alternative_accepted"] == "undecided"
    body = {"alternative_accepted": "yes", "plan_to_meet_need": "Agency visits for now."}
    assert api("patch", url, body).status_code == 428
    assert reader("patch", url, body, if_match=read["ETag"]).status_code == 403
    assert fields(api("patch", url, {**body, "plan_to_meet_need": " "}, if_match=read["ETag"])) == {
        "plan_to_meet_need"
    }
    assert fields(
        api("patch", url, {**body, "alternative_accepted": "perhaps"}, if_match=read["ETag"])
    ) >= {"alternative_accepted"}
    answered = api("patch", url, body, if_match=read["ETag"])
    assert answered.status_code == 200, answered.content
    assert answered.json()["alternative_accepted"] == "yes"
    assert api("patch", url, body, if_match=read["ETag"]).status_code == 412
    record = FirstChoiceNotDelivered.objects.get(pk=full_record["shortfall_id"])
    assert record.plan_to_meet_need == "Agency visits for now." and record.version == 2
    assert changes("sds.FirstChoiceNotDelivered", "update") == 1


# --- Solutions: moved to another outcome, removed ------------------------------------------


def test_a_solution_moves_to_another_outcome(api, reader, full_record, second_outcome, stranger):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.support.models import Solution

    url = f"/solutions/{full_record['solution_id']}"
    read = api("get", url)
    body = {"outcome_id": str(second_outcome.pk)}
    assert api("post", url + "/move", body).status_code == 428
    assert reader("post", url + "/move", body, if_match=read["ETag"]).status_code == 403
    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    across = api("post", url + "/move", {"outcome_id": str(theirs.pk)}, if_match=read["ETag"])
    assert fields(across) == {"outcome_id"} and "Zsecret" not in across.content.decode()
    same = api(
        "post", url + "/move", {"outcome_id": str(full_record["outcome_id"])}, if_match=read["ETag"]
    )
    assert fields(same) == {"outcome"}
    assert (
        Solution.objects.get(pk=full_record["solution_id"]).outcome_id == full_record["outcome_id"]
    )

    moved = api("post", url + "/move", body, if_match=read["ETag"])
    assert moved.status_code == 200, moved.content
    assert moved.json()["outcome_id"] == str(second_outcome.pk)
    assert api("post", url + "/move", body, if_match=read["ETag"]).status_code == 412
    record = ChangeRecord.objects.get(object_type="support.Solution", action="update")
    assert record.after["moved_from_outcome"] == str(full_record["outcome_id"])


def test_a_solution_recorded_by_mistake_is_removed(api, reader, full_record):
    from goldenthread.sds.factories import make_budget_request
    from goldenthread.sds.services import LineInput
    from goldenthread.support.factories import SolutionFactory
    from goldenthread.support.models import Solution

    url = f"/solutions/{full_record['solution_id']}"
    etag = api("get", url)["ETag"]
    assert api("delete", url).status_code == 428
    assert reader("delete", url, if_match=etag).status_code == 403
    assert api("delete", url, if_match='"7"').status_code == 412
    assert Solution.objects.filter(pk=full_record["solution_id"]).exists()
    removed = api("delete", url, if_match=etag)
    assert removed.status_code == 204, removed.content
    assert not Solution.objects.filter(pk=full_record["solution_id"]).exists()
    assert changes("support.Solution", "delete") == 1
    assert api("get", url).status_code == 404

    # Support a budget pays for is kept: change its status instead.
    from goldenthread.outcomes.models import Outcome

    used = SolutionFactory(
        outcome=Outcome.objects.get(pk=full_record["outcome_id"]), what="Taxi to the club"
    )
    person = used.person
    make_budget_request(
        person,
        lines=[
            LineInput(
                description="Taxi",
                amount=Decimal("20.00"),
                period="week",
                outcome=used.outcome,
                solution=used,
            )
        ],
    )
    kept = api("delete", f"/solutions/{used.pk}", if_match=f'"{used.version}"')
    assert kept.status_code == 422 and "Change its status instead" in kept.json()["detail"]
    assert Solution.objects.filter(pk=used.pk).exists()


# --- Budget lines and unmet need: linked to the outcome they serve now -------------------------


def test_a_budget_line_moves_and_takes_its_solution_with_it(
    api, reader, full_record, second_outcome
):
    from goldenthread.sds.factories import make_budget_request
    from goldenthread.sds.services import LineInput
    from goldenthread.support.models import Solution

    solution = Solution.objects.get(pk=full_record["solution_id"])
    budget_request = make_budget_request(
        solution.person,
        lines=[
            LineInput(
                description="Personal assistant",
                amount=Decimal("80.00"),
                period="week",
                outcome=solution.outcome,
                solution=solution,
            )
        ],
    )
    line = budget_request.lines.get()
    url = f"/budget-requests/{budget_request.pk}/lines/{line.pk}"
    read = api("get", url)
    assert read.status_code == 200 and read["ETag"] == '"1"', read.content
    assert read.json()["outcome_id"] == str(solution.outcome_id)
    detail = api("get", f"/budget-requests/{budget_request.pk}").json()
    assert detail["lines"][0]["id"] == str(line.pk)

    body = {"outcome_id": str(second_outcome.pk)}
    assert api("post", url + "/move", body).status_code == 428
    assert reader("post", url + "/move", body, if_match='"1"').status_code == 403
    assert api("post", url + "/move", body, if_match='"2"').status_code == 412
    solution.refresh_from_db()
    assert solution.outcome_id == full_record["outcome_id"]  # nothing half-moved

    moved = api("post", url + "/move", body, if_match='"1"')
    assert moved.status_code == 200, moved.content
    assert moved.json()["outcome_id"] == str(second_outcome.pk) and moved["ETag"] == '"2"'
    solution.refresh_from_db()
    assert solution.outcome_id == second_outcome.pk  # the support it pays for went with it
    back = {"outcome_id": str(full_record["outcome_id"])}
    assert api("post", url + "/move", back, if_match='"1"').status_code == 412
    assert changes("sds.BudgetLine", "update") == 1

    other_line = f"/budget-requests/{full_record['request_id']}/lines/{line.pk}"
    assert api("get", other_line).status_code == 404  # a line of another request


def test_unmet_need_moves_to_another_outcome(api, reader, full_record, second_outcome):
    from goldenthread.sds.models import UnmetNeed

    url = f"/unmet-need/{full_record['unmet_need_id']}"
    etag = api("get", url)["ETag"]
    body = {"outcome_id": str(second_outcome.pk)}
    assert api("post", url + "/move", body).status_code == 428
    assert reader("post", url + "/move", body, if_match=etag).status_code == 403
    assert fields(
        api("post", url + "/move", {"outcome_id": str(full_record["member_id"])}, if_match=etag)
    ) == {"outcome_id"}
    moved = api("post", url + "/move", body, if_match=etag)
    assert moved.status_code == 200, moved.content
    assert moved.json()["outcome_id"] == str(second_outcome.pk)
    assert api("post", url + "/move", body, if_match=etag).status_code == 412
    assert UnmetNeed.objects.get(pk=full_record["unmet_need_id"]).outcome_id == second_outcome.pk


def test_a_returned_request_is_sent_back_to_the_panel(api, reader, full_record):
    from goldenthread.sds.models import BudgetRequest, RequestStatus

    url = f"/budget-requests/{full_record['request_id']}"
    etag = api("get", url)["ETag"]
    body = {"information": "Ann stays one night a week."}
    not_returned = api("post", url + "/resubmission", body, if_match=etag)
    assert not_returned.status_code == 422
    assert "Only a request the decision panel returned" in not_returned.json()["detail"]

    BudgetRequest.objects.filter(pk=full_record["request_id"]).update(
        status=RequestStatus.RETURNED, referred_at=timezone.now()
    )
    assert api("post", url + "/resubmission", body).status_code == 428
    assert reader("post", url + "/resubmission", body, if_match=etag).status_code == 403
    assert fields(api("post", url + "/resubmission", {"information": " "}, if_match=etag)) == {
        "information"
    }
    sent = api("post", url + "/resubmission", body, if_match=etag)
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == RequestStatus.AT_PANEL
    assert "resubmitted" in {event["kind"] for event in sent.json()["events"]}
    assert api("post", url + "/resubmission", body, if_match=etag).status_code in (412, 422)


# --- The person's own views at a review ------------------------------------------------------


def test_the_persons_own_view_is_added_at_a_review(api, reader, full_record, stranger):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.reviews.models import PersonView

    url = f"/reviews/{full_record['review_id']}/outcomes/{full_record['outcome_id']}/views"
    view = {"in_their_words": "I got to the club twice, it was grand.", "rating": "partly"}
    assert reader("post", url, view).status_code == 403
    assert fields(api("post", url, {**view, "in_their_words": "  "})) == {"in_their_words"}
    assert fields(api("post", url, {**view, "whose_words": "on_behalf"})) == {"speaker_name"}
    assert fields(api("post", url, {**view, "rating": "brilliant"})) >= {"rating"}
    assert not PersonView.objects.exists()

    added = api("post", url, view)
    assert added.status_code == 201, added.content
    assert [v["in_their_words"] for v in added.json()["person_views"]] == [view["in_their_words"]]
    said = {**view, "whose_words": "on_behalf", "speaker_name": "Ann Macdonald, her daughter"}
    second = api("post", url, said)
    assert second.status_code == 201 and len(second.json()["person_views"]) == 2
    assert changes("reviews.PersonView") == 2
    # The same submission_token twice adds one view: 201, then 200 with the views as they are.
    once = {**view, "submission_token": "7a1e4c9b-2f3d-4b6a-8e0c-5d7f9a1b3c5e"}
    first, again = api("post", url, once), api("post", url, once)
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(again.json()["person_views"]) == 3 and changes("reviews.PersonView") == 3

    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    elsewhere = api("post", f"/reviews/{full_record['review_id']}/outcomes/{theirs.pk}/views", view)
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert PersonView.objects.count() == 3
