"""IO-1 (#15): writes a page can make and the API could not, through the page's own
service — the practitioner's questionnaires (step 5's check of an outcome, SS-5, OS-8).

For each: it is written (with its change record), a read-only token is refused and
nothing is written, another person's items are never reached (404, nothing of theirs in
the answer), a stale ETag answers 412 and writes nothing, a missing If-Match answers 428,
and bad input answers 422 naming the field."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from goldenthread.api.tests.helpers import changes, fields

pytestmark = pytest.mark.usefixtures("pinned_clock")


def by_question(body) -> dict:
    return {q["question"]: q for q in body["questions"]}


# --- The practitioner's questionnaires -------------------------------------------------------


def _questionnaire_journey(api, reader, path, *, model, question, answer, other_answer, label):
    """One questionnaire, read and saved through the API as its page saves it."""
    read = api("get", path)
    assert read.status_code == 200, read.content
    body = read.json()
    assert read["ETag"] == f'"{body["version"]}"'
    assert [c["value"] for c in body["choices"]] == [v for v, _ in model.answer.field.choices]
    assert question in by_question(body)
    assert by_question(body)[question]["question_text"] == label
    rows_before = model.objects.count()

    change = {"answers": {question: {"answer": answer, "note": "We talked it through."}}}
    assert api("put", path, change).status_code == 428
    assert reader("put", path, change, if_match=read["ETag"]).status_code == 403
    assert fields(
        api("put", path, {"answers": {question: {"answer": "perhaps"}}}, if_match=read["ETag"])
    ) == {f"answers.{question}.answer"}
    assert fields(
        api("put", path, {"answers": {"nosuch": {"answer": answer}}}, if_match=read["ETag"])
    ) == {"answers.nosuch"}
    assert fields(api("put", path, {"answers": {}}, if_match=read["ETag"])) == {"answers"}
    assert fields(
        api(
            "put",
            path,
            {"answers": {question: {"answer": answer, "extra": 1}}},
            if_match=read["ETag"],
        )
    ) == {f"answers.{question}.extra"}
    assert model.objects.count() == rows_before

    saved = api("put", path, change, if_match=read["ETag"])
    assert saved.status_code == 200, saved.content
    mine = by_question(saved.json())[question]
    assert (mine["answer"], mine["note"]) == (answer, "We talked it through.")
    assert saved["ETag"] == f'"{saved.json()["version"]}"' and saved["ETag"] != read["ETag"]
    assert api("get", path).json() == saved.json()

    # Saved from the old read: refused with the questionnaire as it is now; nothing written.
    stale = api(
        "put", path, {"answers": {question: {"answer": other_answer}}}, if_match=read["ETag"]
    )
    assert stale.status_code == 412 and stale["ETag"] == saved["ETag"]
    assert stale.json()["current_version"] == saved.json()["version"]
    assert by_question(stale.json()["current"])[question]["answer"] == answer
    assert by_question(api("get", path).json())[question]["answer"] == answer

    again = api(
        "put", path, {"answers": {question: {"answer": other_answer}}}, if_match=saved["ETag"]
    )
    assert again.status_code == 200, again.content
    assert by_question(again.json())[question]["answer"] == other_answer
    assert by_question(again.json())[question]["note"] == ""
    return saved, again


def test_the_outcome_check_is_answered(api, reader, full_record, stranger):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.outcomes.models import CheckQuestion, OutcomeCheckAnswer

    path = f"/outcomes/{full_record['outcome_id']}/check"
    updates = changes("outcomes.OutcomeCheckAnswer", "update")
    creates = changes("outcomes.OutcomeCheckAnswer")
    saved, again = _questionnaire_journey(
        api,
        reader,
        path,
        model=OutcomeCheckAnswer,
        question="achievable",
        answer="yes",
        other_answer="not_sure",
        label=str(CheckQuestion.ACHIEVABLE.label),
    )
    assert len(saved.json()["questions"]) == len(CheckQuestion.values)
    row = OutcomeCheckAnswer.objects.get(
        outcome_id=full_record["outcome_id"], question="achievable"
    )
    assert row.answer == "not_sure" and row.answered_by.role == "practitioner"
    assert (
        changes("outcomes.OutcomeCheckAnswer", "update") + changes("outcomes.OutcomeCheckAnswer")
        == updates + creates + 2
    )
    # The detail of the outcome shows the same answer.
    checks = {
        c["question"]: c
        for c in api("get", f"/outcomes/{full_record['outcome_id']}").json()["checks"]
    }
    assert checks["achievable"]["answer"] == "not_sure"

    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    for method in ("get", "put"):
        elsewhere = api(
            method,
            f"/outcomes/{theirs.pk}/check",
            {"answers": {"achievable": {"answer": "yes"}}} if method == "put" else None,
            if_match='"0"',
        )
        assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert not OutcomeCheckAnswer.objects.filter(outcome=theirs, answer="yes").exists()


def test_the_support_checklist_is_answered(api, reader, full_record, stranger):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.support.models import ChecklistQuestion, SupportChecklistAnswer

    path = f"/outcomes/{full_record['outcome_id']}/support-checklist"
    creates = changes("support.SupportChecklistAnswer")
    _questionnaire_journey(
        api,
        reader,
        path,
        model=SupportChecklistAnswer,
        question="tried_already",
        answer="partly",
        other_answer="yes",
        label=str(ChecklistQuestion.TRIED_ALREADY.label),
    )
    assert changes("support.SupportChecklistAnswer") == creates + 1
    assert changes("support.SupportChecklistAnswer", "update") >= 1
    row = SupportChecklistAnswer.objects.get(
        outcome_id=full_record["outcome_id"], question="tried_already"
    )
    assert row.person_id == full_record["person_id"] and row.answer == "yes"

    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    elsewhere = api(
        "put",
        f"/outcomes/{theirs.pk}/support-checklist",
        {"answers": {"tried_already": {"answer": "yes"}}},
        if_match='"0"',
    )
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert not SupportChecklistAnswer.objects.filter(outcome=theirs).exists()


def test_the_reflection_on_a_conversation_is_answered(api, reader, full_record, stranger):
    from goldenthread.conversations.factories import ConversationFactory
    from goldenthread.conversations.models import ReflectionAnswer, ReflectionQuestion

    path = f"/conversations/{full_record['conversation_id']}/reflection"
    creates = changes("conversations.ReflectionAnswer")
    updates = changes("conversations.ReflectionAnswer", "update")
    read = api("get", path)
    assert read["ETag"] == '"0"'
    assert all(q["version"] == 0 for q in read.json()["questions"])
    _questionnaire_journey(
        api,
        reader,
        path,
        model=ReflectionAnswer,
        question="working",
        answer="partly",
        other_answer="no",
        label=str(ReflectionQuestion.WORKING.label),
    )
    assert changes("conversations.ReflectionAnswer") == creates + 1
    assert changes("conversations.ReflectionAnswer", "update") == updates + 1

    theirs = ConversationFactory(person=stranger)
    elsewhere = api(
        "put",
        f"/conversations/{theirs.pk}/reflection",
        {"answers": {"working": {"answer": "yes"}}},
        if_match='"0"',
    )
    assert elsewhere.status_code == 404
    assert not ReflectionAnswer.objects.filter(conversation=theirs).exists()


# --- The Support Sequence: before step 1, and steps with nothing suitable -------------------


def test_what_the_person_has_tried_is_recorded_before_step_1(api, reader, full_record, stranger):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.support.models import SupportPlanning

    path = f"/outcomes/{full_record['outcome_id']}/support-planning"
    read = api("get", path)
    assert read.status_code == 200 and read["ETag"] == '"0"'
    assert read.json() == {
        "version": 0,
        "tried_already": "",
        "own_ideas": "",
        "plan_type_override": "",
    }
    body = {"tried_already": "A day centre, which was too noisy.", "own_ideas": "Bowling"}
    assert api("put", path, body).status_code == 428
    assert reader("put", path, body, if_match='"0"').status_code == 403
    assert fields(api("put", path, {**body, "plan_type_override": "elder"}, if_match='"0"')) == {
        "plan_type_override"
    }
    assert fields(api("put", path, {**body, "tried_already": "x" * 4001}, if_match='"0"')) == {
        "tried_already"
    }
    stale = api("put", path, body, if_match='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 0
    assert not SupportPlanning.objects.filter(outcome_id=full_record["outcome_id"]).exists()

    made = api("put", path, body, if_match='"0"')
    assert made.status_code == 200, made.content
    assert made["ETag"] == '"1"' and made.json()["own_ideas"] == "Bowling"
    assert changes("support.SupportPlanning") == 1
    changed = api("put", path, {**body, "plan_type_override": "adult"}, if_match='"1"')
    assert changed.status_code == 200, changed.content
    assert changed.json()["plan_type_override"] == "adult" and changed["ETag"] == '"2"'
    again = api("put", path, {"own_ideas": "Swimming"}, if_match='"1"')
    assert again.status_code == 412 and again.json()["current_version"] == 2
    assert api("get", path).json()["own_ideas"] == "Bowling"
    assert changes("support.SupportPlanning", "update") == 1

    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    elsewhere = api("put", f"/outcomes/{theirs.pk}/support-planning", body, if_match='"0"')
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert not SupportPlanning.objects.filter(outcome=theirs).exists()


def test_a_step_is_marked_nothing_suitable_and_reopened(api, reader, full_record, stranger):
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.support.models import StepExploration

    steps_path = f"/outcomes/{full_record['outcome_id']}/support-steps"
    steps = api("get", steps_path)
    assert steps.status_code == 200
    assert [s["step"] for s in steps.json()][:2] == ["yourself", "technology"]
    community = {s["step"]: s for s in steps.json()}["community"]
    assert (community["state"], community["version"]) == ("not_yet", 0)
    family = {s["step"]: s for s in steps.json()}["family_friends"]
    assert family["state"] == "explored"  # it holds the agreed lift to the bowling club
    before = StepExploration.objects.count()

    mark = steps_path + "/nothing-suitable"
    reopen = steps_path + "/reopen"
    body = {"step": "community", "note": "No group near enough."}
    assert api("post", mark, body).status_code == 428
    assert reader("post", mark, body, if_match='"0"').status_code == 403
    assert fields(api("post", mark, {"step": "garden"}, if_match='"0"')) == {"step"}
    # A step holding agreed support is not "nothing suitable".
    busy = api("post", mark, {"step": "family_friends"}, if_match=f'"{family["version"]}"')
    assert busy.status_code == 422 and "Change their status" in busy.json()["detail"]
    assert StepExploration.objects.count() == before
    assert (
        StepExploration.objects.get(
            outcome_id=full_record["outcome_id"], step="family_friends"
        ).state
        == "explored"
    )

    marked = api("post", mark, body, if_match='"0"')
    assert marked.status_code == 200, marked.content
    assert marked.json()["state"] == "nothing_suitable" and marked["ETag"] == '"1"'
    assert marked.json()["note"] == "No group near enough."
    assert changes("support.StepExploration") == 1
    stale = api("post", mark, body, if_match='"0"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 1

    assert api("post", reopen, {"step": "community"}).status_code == 428
    assert reader("post", reopen, {"step": "community"}, if_match='"1"').status_code == 403
    assert fields(api("post", reopen, {"step": ""}, if_match='"1"')) == {"step"}
    reopened = api("post", reopen, {"step": "community"}, if_match='"1"')
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["state"] == "not_yet" and reopened["ETag"] == '"2"'
    twice = api("post", reopen, {"step": "community"}, if_match='"2"')
    assert twice.status_code == 422 and "not marked as nothing suitable" in twice.json()["detail"]
    assert {s["step"]: s for s in api("get", steps_path).json()}["community"]["version"] == 2

    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    elsewhere = api(
        "post", f"/outcomes/{theirs.pk}/support-steps/nothing-suitable", body, if_match='"0"'
    )
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert not StepExploration.objects.filter(outcome=theirs).exists()


# --- SDS: decisions with their reasons, and checks that the person understood ---------------


def today(days: int = 0) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=days))


def test_a_decision_is_recorded_with_its_reasons(api, reader, full_record):
    from goldenthread.sds.models import Decision, DecisionSharing

    body = {
        "about": "support",
        "summary": "Two afternoons at the bowling club, with a support worker.",
        "reasons": "Jean said this is what matters most; the club is near.",
        "decided_on": today(-1),
        "decided_by": "Lee Smith, team leader",
    }
    before = Decision.objects.count()
    recorded = changes("sds.Decision")
    assert reader("post", "/decisions", body).status_code == 403
    assert fields(api("post", "/decisions", {**body, "about": "money"})) == {"about"}
    assert fields(api("post", "/decisions", {**body, "reasons": "  "})) == {"reasons"}
    assert fields(api("post", "/decisions", {**body, "decided_on": today(1)})) == {"decided_on"}
    assert fields(api("post", "/decisions", {**body, "decided_on": "yesterday"})) == {"decided_on"}
    assert fields(api("post", "/decisions", {**body, "shared_on": today(-2)})) == {
        "shared_on",
        "shared_how",
    }
    assert Decision.objects.count() == before
    assert not DecisionSharing.objects.filter(decision__summary=body["summary"]).exists()

    made = api("post", "/decisions", {**body, "shared_on": today(), "shared_how": "letter"})
    assert made.status_code == 201, made.content
    decision = made.json()
    assert decision["about"] == "support" and decision["reasons"] == body["reasons"]
    assert decision["sharings"] == [{"shared_on": today(), "how": "letter"}]
    assert changes("sds.Decision") == recorded + 1
    listed = api("get", "/decisions").json()["items"]
    assert decision["id"] in {d["id"] for d in listed}
    assert Decision.objects.get(pk=decision["id"]).person_id == full_record["person_id"]


def test_a_check_that_the_person_understood_is_recorded(api, reader, full_record, stranger):
    from goldenthread.sds.models import Decision, UnderstandingCheck

    decision = api(
        "post",
        "/decisions",
        {
            "about": "budget",
            "summary": "A budget of £120 a week.",
            "reasons": "What the support costs.",
            "decided_on": today(),
            "decided_by": "Panel",
        },
    ).json()
    body = {
        "about": "decision",
        "decision_id": decision["id"],
        "checked_on": today(),
        "how_checked": "Jean told me in her own words what the budget pays for.",
        "understood": "partly",
        "help_given": "easy_read",
    }
    assert reader("post", "/understanding-checks", body).status_code == 403
    assert fields(api("post", "/understanding-checks", {**body, "decision_id": None})) == {
        "decision_id"
    }
    theirs = Decision.objects.create(
        person=stranger,
        about="budget",
        summary="Zsecret",
        reasons="Zsecret",
        decided_on=today(),
        decided_by="Panel",
    )
    across = api("post", "/understanding-checks", {**body, "decision_id": str(theirs.pk)})
    assert fields(across) == {"decision_id"} and "Zsecret" not in across.content.decode()
    assert fields(api("post", "/understanding-checks", {**body, "help_given": ""})) == {
        "help_given"
    }
    assert fields(api("post", "/understanding-checks", {**body, "help_given": "other"})) == {
        "what_done"
    }
    assert fields(api("post", "/understanding-checks", {**body, "understood": "maybe"})) == {
        "understood"
    }
    assert fields(api("post", "/understanding-checks", {**body, "checked_on": today(1)})) == {
        "checked_on"
    }
    assert not UnderstandingCheck.objects.exists()

    made = api("post", "/understanding-checks", body)
    assert made.status_code == 201, made.content
    assert made.json()["decision_id"] == decision["id"]
    assert (made.json()["understood"], made.json()["help_given"]) == ("partly", "easy_read")
    plain = api(
        "post",
        "/understanding-checks",
        {
            "about": "sds_options",
            "checked_on": today(),
            "how_checked": "Asked",
            "understood": "yes",
        },
    )
    assert plain.status_code == 201, plain.content
    assert changes("sds.UnderstandingCheck") == 2
    listed = api("get", "/understanding-checks").json()["items"]
    assert {c["id"] for c in listed} == {made.json()["id"], plain.json()["id"]}


# --- Reviews: the next review date, a review in progress, solutions at a review -----------


def test_the_next_review_date_is_set(api, reader, full_record):
    from goldenthread.reviews.models import ReviewSchedule

    read = api("get", "/review-schedule")
    assert read.status_code == 200, read.content
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"' and read.json()["next_review_on"] is None
    body = {"next_review_on": today(90)}
    assert api("put", "/review-schedule", body).status_code == 428
    assert reader("put", "/review-schedule", body, if_match=etag).status_code == 403
    assert fields(api("put", "/review-schedule", {"next_review_on": today(-1)}, if_match=etag)) == {
        "next_review_on"
    }
    assert fields(api("put", "/review-schedule", {}, if_match=etag)) == {"next_review_on"}
    wrong = '"0"' if etag != '"0"' else '"5"'
    stale = api("put", "/review-schedule", body, if_match=wrong)
    assert stale.status_code == 412 and stale["ETag"] == etag
    assert not ReviewSchedule.objects.filter(
        person_id=full_record["person_id"], next_review_on__isnull=False
    ).exists()

    done = api("put", "/review-schedule", body, if_match=etag)
    assert done.status_code == 200, done.content
    assert done.json()["next_review_on"] == today(90) and done.json()["due_on"] == today(90)
    assert done["ETag"] != etag
    assert api("get", "/review-schedule").json() == done.json()
    late = api("put", "/review-schedule", {"next_review_on": today(30)}, if_match=etag)
    assert late.status_code == 412
    assert api("get", "/review-schedule").json()["next_review_on"] == today(90)


def test_a_review_in_progress_is_changed(api, reader, full_record, stranger):
    from goldenthread.reviews.factories import ReviewFactory
    from goldenthread.reviews.models import Review

    path = f"/reviews/{full_record['review_id']}"
    read = api("get", path)
    etag = read["ETag"]
    body = {"what_learned": "Jean goes to the club most weeks now."}
    assert api("patch", path, body).status_code == 428
    assert reader("patch", path, body, if_match=etag).status_code == 403
    assert fields(api("patch", path, {"held_on": today(1)}, if_match=etag)) == {"held_on"}
    assert fields(api("patch", path, {"held_on": "1900-01-01"}, if_match=etag)) == {"held_on"}
    assert fields(api("patch", path, {"status": "done"}, if_match=etag)) == {"status"}

    changed = api("patch", path, body, if_match=etag)
    assert changed.status_code == 200, changed.content
    assert changed.json()["what_learned"] == body["what_learned"]
    assert changed.json()["held_on"] == read.json()["held_on"]  # left as it was
    moved = api("patch", path, {"held_on": today(-2)}, if_match=changed["ETag"])
    assert moved.status_code == 200, moved.content
    assert moved.json()["held_on"] == today(-2)
    assert moved.json()["what_learned"] == body["what_learned"]
    stale = api("patch", path, {"what_learned": "Overwritten"}, if_match=etag)
    assert stale.status_code == 412 and stale["ETag"] == moved["ETag"]
    assert Review.objects.get(pk=full_record["review_id"]).what_learned == body["what_learned"]
    assert changes("reviews.Review", "update") == 2

    theirs = ReviewFactory(person=stranger, what_learned="Zsecret")
    elsewhere = api("patch", f"/reviews/{theirs.pk}", body, if_match='"1"')
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert Review.objects.get(pk=theirs.pk).what_learned == "Zsecret"
    finished = ReviewFactory(
        person=Review.objects.get(pk=full_record["review_id"]).person,
        completed=True,
        held_on=timezone.localdate() - datetime.timedelta(days=100),
    )
    refused = api("patch", f"/reviews/{finished.pk}", body, if_match='"1"')
    assert refused.status_code == 422, refused.content


def test_a_solution_is_kept_changed_or_stopped_at_a_review(api, reader, full_record, stranger):
    from goldenthread.reviews.models import SolutionReview
    from goldenthread.support.factories import SolutionFactory
    from goldenthread.support.models import Solution

    path = f"/reviews/{full_record['review_id']}/solutions/{full_record['solution_id']}"
    read = api("get", path)
    assert read.status_code == 200 and read["ETag"] == '"0"'
    assert read.json()["solution_review"] is None
    body = {"decision": "keep"}
    assert api("put", path, body).status_code == 428
    assert reader("put", path, body, if_match='"0"').status_code == 403
    assert fields(api("put", path, {"decision": "pause"}, if_match='"0"')) == {"decision"}
    assert fields(api("put", path, {"decision": "stop"}, if_match='"0"')) == {"why"}
    assert not SolutionReview.objects.exists()

    kept = api("put", path, body, if_match='"0"')
    assert kept.status_code == 200, kept.content
    assert kept.json()["solution_review"]["decision"] == "keep" and kept["ETag"] == '"1"'
    again = api("put", path, {"decision": "change", "why": "Fridays"}, if_match='"0"')
    assert again.status_code == 412 and again["ETag"] == '"1"'
    stopped = api(
        "put", path, {"decision": "stop", "why": "Jean has stopped going."}, if_match='"1"'
    )
    assert stopped.status_code == 200, stopped.content
    assert stopped.json()["solution_review"]["why"] == "Jean has stopped going."
    assert Solution.objects.get(pk=full_record["solution_id"]).status == "stopped"
    restart = api("put", path, {"decision": "keep"}, if_match=stopped["ETag"])
    assert fields(restart) == {"decision"}
    assert changes("reviews.SolutionReview") == 1
    assert changes("reviews.SolutionReview", "update") == 1
    review = api("get", f"/reviews/{full_record['review_id']}").json()
    assert [r["decision"] for r in review["solution_reviews"]] == ["stop"]

    theirs = SolutionFactory(
        outcome__positive_change__conversation__person=stranger, what="Zsecret"
    )
    elsewhere = api(
        "put",
        f"/reviews/{full_record['review_id']}/solutions/{theirs.pk}",
        body,
        if_match='"0"',
    )
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert SolutionReview.objects.count() == 1


# --- The circle, and who took part in a conversation ---------------------------------------


def test_who_took_part_is_added_to_a_conversation(api, reader, full_record, stranger):
    from goldenthread.conversations.factories import ConversationFactory
    from goldenthread.conversations.models import Participant
    from goldenthread.people.factories import CircleMemberFactory

    path = f"/conversations/{full_record['conversation_id']}/participants"
    member = {"kind": "circle", "circle_member_id": str(full_record["member_id"])}
    before = Participant.objects.count()
    assert reader("post", path, member).status_code == 403
    assert fields(api("post", path, {"kind": "circle"})) == {"circle_member_id"}
    theirs = CircleMemberFactory(person=stranger, name="Zsecret friend")
    across = api("post", path, {"kind": "circle", "circle_member_id": str(theirs.pk)})
    assert fields(across) == {"circle_member_id"} and "Zsecret" not in across.content.decode()
    assert fields(api("post", path, {"kind": "advocate", "name": " "})) == {"name"}
    assert fields(api("post", path, {"kind": "friend", "name": "Bob"})) == {"kind"}
    assert fields(api("post", path, {"kind": "other", "name": "x" * 201})) == {"name"}
    assert Participant.objects.count() == before

    added = api("post", path, member)
    assert added.status_code == 201, added.content
    assert added.json()["name"] == "Ann Macdonald" and added.json()["kind"] == "circle"
    interpreter = api(
        "post", path, {"kind": "interpreter", "name": "Sam Reid", "role": "BSL interpreter"}
    )
    assert interpreter.status_code == 201, interpreter.content
    assert changes("conversations.Participant") >= 2
    conversation = api("get", f"/conversations/{full_record['conversation_id']}").json()
    names = {p["name"] for p in conversation["participants"]}
    assert {"Ann Macdonald", "Sam Reid"} <= names

    elsewhere = api(
        "post",
        f"/conversations/{ConversationFactory(person=stranger).pk}/participants",
        {"kind": "worker", "name": "Zsecret"},
    )
    assert elsewhere.status_code == 404
    assert Participant.objects.count() == before + 2


def test_someone_added_to_the_circle_by_mistake_is_removed(api, reader, full_record, stranger):
    from goldenthread.conversations.factories import ConversationFactory
    from goldenthread.conversations.models import Participant
    from goldenthread.people.factories import CircleMemberFactory
    from goldenthread.people.models import CircleMember

    made = api("post", "/circle", {"name": "Bob Typo", "relationship": "Neighbour"})
    assert made.status_code == 201, made.content
    path = f"/circle/{made.json()['id']}"
    etag = made["ETag"]
    assert api("delete", path).status_code == 428
    assert reader("delete", path, if_match=etag).status_code == 403
    changed = api("patch", path, {"relationship": "Friend"}, if_match=etag)
    assert changed.status_code == 200
    stale = api("delete", path, if_match=etag)
    assert stale.status_code == 412 and stale["ETag"] == changed["ETag"]
    assert CircleMember.objects.filter(pk=made.json()["id"]).exists()

    removed = api("delete", path, if_match=changed["ETag"])
    assert removed.status_code == 204, removed.content
    assert not CircleMember.objects.filter(pk=made.json()["id"]).exists()
    assert changes("people.CircleMember", "delete") == 1
    assert api("get", path).status_code == 404

    # Someone who took part in a conversation stays: the record refers to them.
    took_part = CircleMemberFactory(person_id=full_record["person_id"], name="Cara Part")
    Participant.objects.create(
        conversation=ConversationFactory(person_id=full_record["person_id"]),
        person_id=full_record["person_id"],
        kind="circle",
        circle_member=took_part,
    )
    kept = api("delete", f"/circle/{took_part.pk}", if_match=f'"{took_part.version}"')
    assert kept.status_code == 422, kept.content
    assert CircleMember.objects.filter(pk=took_part.pk).exists()

    theirs = CircleMemberFactory(person=stranger, name="Zsecret friend")
    elsewhere = api("delete", f"/circle/{theirs.pk}", if_match='"1"')
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert CircleMember.objects.filter(pk=theirs.pk).exists()


def test_a_name_with_a_hidden_direction_mark_is_refused_by_name_through_the_api(api, full_record):
    """SEC-6: a right-to-left override or a line break in a name makes the name shown
    differ from the name stored; the API refuses it as the pages do (people.services),
    naming the field, and nothing is saved."""
    from goldenthread.people.models import CircleMember, Person

    person = Person.objects.get(pk=full_record["person_id"])
    before = person.family_name
    changed = api("patch", "", {"family_name": "Smith\u202exo"}, if_match=f'"{person.version}"')
    assert changed.status_code == 422, changed.content
    errors = changed.json()["errors"]
    assert [e["field"] for e in errors] == ["family_name"]
    assert "Last name has a hidden character" in errors[0]["message"]
    person.refresh_from_db()
    assert person.family_name == before

    members = CircleMember.objects.count()
    made = api("post", "/circle", {"name": "Ann\nBell", "relationship": "Neighbour"})
    assert made.status_code == 422, made.content
    assert [e["field"] for e in made.json()["errors"]] == ["name"]
    assert CircleMember.objects.count() == members
    # Names in any script are kept.
    kept = api("post", "/circle", {"name": "\u0646\u0648\u0631", "relationship": "Friend"})
    assert kept.status_code == 201, kept.content


def test_text_through_the_api_is_kept_as_the_pages_keep_it(api, full_record):
    """core/text.py (docs/adr/0037): a direction override in text is removed, as the pages
    remove it, and text of invisible characters alone is refused by name, not stored as if
    it said something."""
    from goldenthread.people.models import CircleMember

    members = CircleMember.objects.count()
    blank = api("post", "/circle", {"name": "Ann Bell", "relationship": "\u200b\u200b"})
    assert blank.status_code == 422, blank.content
    assert [e["field"] for e in blank.json()["errors"]] == ["relationship"]
    assert "invisible characters" in blank.json()["errors"][0]["message"]
    assert CircleMember.objects.count() == members

    made = api("post", "/circle", {"name": "Ann Bell", "relationship": "\u202erobhgien"})
    assert made.status_code == 201, made.content
    assert CircleMember.objects.get(name="Ann Bell").relationship == "robhgien"
