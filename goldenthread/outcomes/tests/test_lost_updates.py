"""SEC-5 (#11): the step-5 check of an outcome, the Outcome Sequence checklist (OS-8) and
the Support Sequence checklist (SS-5) carry the version of each answer the editor saw. A
save made after someone else saved answers is refused: nothing is overwritten, the other
person's answers are shown beside each question and what was typed is kept."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.conversations import services as conversation_services
from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.conversations.models import ReflectionAnswer, ReflectionQuestion
from goldenthread.core.concurrency import StaleEditError
from goldenthread.outcomes import services
from goldenthread.outcomes.models import Answer, CheckQuestion, OutcomeCheckAnswer
from goldenthread.people.factories import AllocationFactory
from goldenthread.support.models import ChecklistQuestion, SupportChecklistAnswer


def seen_versions(page: str) -> dict[str, str]:
    """The hidden "version I saw" fields of a questions form, as the browser sends them."""
    return dict(re.findall(r'name="([\w-]+(?:__|-)version)" value="(\d+)"', page))


@pytest.fixture
def colleague(person, other_practitioner):
    AllocationFactory(person=person, worker=other_practitioner)
    return other_practitioner


@pytest.fixture
def outcome(person, practitioner):
    conversation = ConversationFactory(person=person, recorded_by=practitioner)
    not_working = WorkingItemFactory(
        conversation=conversation, is_working=False, text="Has not been out since her fall"
    )
    change = PositiveChangeFactory(conversation=conversation, from_not_working=[not_working])
    return services.outcome_create(
        actor=practitioner, positive_change=change, statement="To receive support with meals"
    )


def all_answers(value: str, questions) -> dict[str, str]:
    return {f"{q.value}__answer": value for q in questions}


# --- The step-5 check ---------------------------------------------------------------------


def test_a_check_saved_from_a_stale_copy_is_refused_and_changes_nothing(
    outcome, practitioner, colleague
):
    seen = {a.question: a.version for a in outcome.check_answers.all()}
    answers = {q.value: ("yes", "Pat's note") for q in CheckQuestion}
    services.outcome_check_record(
        actor=practitioner, outcome=outcome, answers=answers, expected_versions=seen
    )
    with pytest.raises(StaleEditError):
        services.outcome_check_record(
            actor=colleague,
            outcome=outcome,
            answers={q.value: ("no", "Sam's note") for q in CheckQuestion},
            expected_versions=seen,
        )
    stored = OutcomeCheckAnswer.objects.filter(outcome=outcome)
    assert {(a.answer, a.note, a.answered_by_id) for a in stored} == {
        ("yes", "Pat's note", practitioner.pk)
    }


def test_the_check_page_shows_the_other_answers_and_keeps_what_was_typed(
    client, outcome, practitioner, colleague
):
    url = reverse("outcomes:check", args=[outcome.person_id, outcome.pk])
    sign_in(client, colleague)
    sams_page = client.get(url).content.decode()  # Sam opens the check…
    sign_in(client, practitioner)  # …Pat opens it and saves first
    pats_page = client.get(url).content.decode()
    pats = {
        **all_answers("yes", CheckQuestion),
        **seen_versions(pats_page),
        f"{CheckQuestion.ACHIEVABLE.value}__note": "Jean says she can by May",
    }
    assert client.post(url, pats).status_code == 302

    sign_in(client, colleague)
    sams = {
        **all_answers("not_sure", CheckQuestion),
        **seen_versions(sams_page),
        f"{CheckQuestion.MEASURABLE.value}__note": "Sam's typed note",
    }
    response = client.post(url, sams)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Someone else saved answers after you opened this page" in body
    assert "Saved by Pat Kerr: Yes, <q>Jean says she can by May</q>" in body
    assert "Sam's typed note" in body  # what Sam typed is still in the form
    assert OutcomeCheckAnswer.objects.filter(outcome=outcome, answer="yes").count() == 8
    # Saving again from the refreshed page is a deliberate choice, and goes through.
    again = {**sams, **seen_versions(response.content.decode())}
    assert client.post(url, again).status_code == 302
    assert OutcomeCheckAnswer.objects.filter(outcome=outcome, answer="not_sure").count() == 8


def test_a_new_wording_does_not_make_an_open_check_stale(
    practitioner_client, outcome, practitioner
):
    url = reverse("outcomes:check", args=[outcome.person_id, outcome.pk])
    page = practitioner_client.get(url).content.decode()
    before = OutcomeCheckAnswer.objects.get(
        outcome=outcome, question=CheckQuestion.EVERYDAY_LANGUAGE
    )
    assert before.suggested == Answer.NO
    outcome.refresh_from_db()
    services.outcome_update(  # the checker now suggests something else
        actor=practitioner,
        outcome=outcome,
        expected_version=outcome.version,
        statement="I will cook my own tea three evenings a week by June",
        baseline="",
        measure="",
        target_date=None,
        assessed_need="",
    )
    after = OutcomeCheckAnswer.objects.get(pk=before.pk)
    assert after.suggested != before.suggested and after.version == before.version
    data = {**all_answers("yes", CheckQuestion), **seen_versions(page)}
    assert practitioner_client.post(url, data).status_code == 302


# --- The Outcome Sequence checklist (OS-8) -------------------------------------------------


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner)


def test_a_checklist_saved_from_a_stale_copy_is_refused(conversation, practitioner, colleague):
    conversation_services.reflection_record(
        actor=practitioner,
        conversation=conversation,
        expected_versions={},
        answers={q.value: ("yes", "Pat") for q in ReflectionQuestion},
    )
    with pytest.raises(StaleEditError):
        conversation_services.reflection_record(
            actor=colleague,
            conversation=conversation,
            expected_versions={},
            answers={q.value: ("no", "Sam") for q in ReflectionQuestion},
        )
    assert set(ReflectionAnswer.objects.values_list("answer", "note")) == {("yes", "Pat")}


def test_the_checklist_page_shows_the_other_answers_and_keeps_what_was_typed(
    client, conversation, practitioner, colleague
):
    url = reverse("conversations:checklist", args=[conversation.person_id, conversation.pk])
    sign_in(client, colleague)
    sams_page = client.get(url).content.decode()
    sign_in(client, practitioner)
    pats_page = client.get(url).content.decode()
    pats = {
        **all_answers("yes", ReflectionQuestion),
        **seen_versions(pats_page),
        f"{ReflectionQuestion.INVOLVED.value}__note": "Her daughter helped her say it",
    }
    assert client.post(url, pats).status_code == 302

    sign_in(client, colleague)
    sams = {
        **all_answers("partly", ReflectionQuestion),
        **seen_versions(sams_page),
        f"{ReflectionQuestion.WORKING.value}__note": "Sam's typed note",
    }
    response = client.post(url, sams)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Someone else saved answers after you opened this page" in body
    assert "Saved by Pat Kerr: Yes, <q>Her daughter helped her say it</q>" in body
    assert "Sam's typed note" in body
    assert set(ReflectionAnswer.objects.values_list("answer", flat=True)) == {"yes"}
    again = {**sams, **seen_versions(response.content.decode())}
    assert client.post(url, again).status_code == 302
    assert set(ReflectionAnswer.objects.values_list("answer", flat=True)) == {"partly"}


# --- The Support Sequence checklist (SS-5): checked, it was already versioned ---------------


def test_the_support_checklist_refuses_a_stale_save_the_same_way(
    client, person, practitioner, colleague
):
    from goldenthread.outcomes.factories import OutcomeFactory

    outcome = OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=ConversationFactory(person=person))
    )
    url = reverse("support:checklist", args=[person.pk, outcome.pk])
    sign_in(client, colleague)
    sams_page = client.get(url).content.decode()
    sign_in(client, practitioner)
    pats_page = client.get(url).content.decode()
    pats = {
        **seen_versions(pats_page),
        "technology__answer": "yes",
        "technology__note": "A video doorbell",
    }
    assert client.post(url, pats).status_code == 302
    sign_in(client, colleague)
    sams = {
        **seen_versions(sams_page),
        "technology__answer": "partly",
        "technology__note": "Sam's typed note",
    }
    assert len(seen_versions(sams_page)) == len(ChecklistQuestion)
    response = client.post(url, sams)
    body = html.unescape(response.content.decode())
    assert "Someone else saved answers" in body
    assert "Saved by Pat Kerr: Yes, <q>A video doorbell</q>" in body
    assert "Sam's typed note" in body
    assert SupportChecklistAnswer.objects.get(question="technology").answer == "yes"
