"""History is history (#11): an achieved, closed or rewritten outcome can no longer be
changed — not its wording (the edit page, autosave), not its step-5 check, not its Support
Sequence. The services refuse with a clear message and change nothing; the pages offer no
controls for it. The one change still recorded: support that was part of the plan has
ended (for example, stopped at the review that closed the outcome)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes import services
from goldenthread.outcomes.models import CheckQuestion, Outcome, OutcomeStatus
from goldenthread.support import services as support
from goldenthread.support.models import Solution, SolutionStatus, SupportPlanning

from .test_lost_updates import seen_versions

MESSAGES = {
    OutcomeStatus.ACHIEVED: "This outcome has been achieved",
    OutcomeStatus.CLOSED: "This outcome has been closed",
    OutcomeStatus.REPLACED: "This outcome has been rewritten at a review",
}


@pytest.fixture
def open_outcome(person, practitioner):
    change = PositiveChangeFactory(conversation=ConversationFactory(person=person))
    return services.outcome_create(
        actor=practitioner,
        positive_change=change,
        statement="I will be back at my bowling club on Thursdays by the end of May",
    )


@pytest.fixture
def solution(open_outcome, person, practitioner):
    return support.solution_add(
        actor=practitioner,
        person=person,
        outcome=open_outcome,
        step="support",
        what="A personal assistant on Thursday afternoons",
        cost=Decimal("86.00"),
        cost_period="week",
        status=SolutionStatus.IN_PLACE,
    )


def finish(outcome, practitioner, status) -> Outcome:
    if status == OutcomeStatus.REPLACED:
        services.outcome_rewrite(
            actor=practitioner,
            outcome=outcome,
            statement="I will go to the club and the lunch club",
            baseline="",
            measure="",
            target_date=None,
        )
    else:
        services.outcome_close(actor=practitioner, outcome=outcome, status=status)
    outcome.refresh_from_db()
    assert outcome.status == status
    return outcome


@pytest.fixture(params=[OutcomeStatus.ACHIEVED, OutcomeStatus.CLOSED, OutcomeStatus.REPLACED])
def finished(request, open_outcome, solution, practitioner):
    return finish(open_outcome, practitioner, request.param)


def unchanged(outcome: Outcome):
    stored = Outcome.objects.get(pk=outcome.pk)
    return (stored.version, stored.statement, stored.wordings.count())


# --- The outcome: wording, autosave, check ---------------------------------------------------


def test_the_wording_of_a_finished_outcome_cannot_change(finished, practitioner):
    before = unchanged(finished)
    with pytest.raises(ValidationError) as caught:
        services.outcome_update(
            actor=practitioner,
            outcome=finished,
            expected_version=finished.version,
            statement="Something else",
            baseline="",
            measure="",
            target_date=None,
            assessed_need="",
        )
    message = " ".join(caught.value.messages)
    assert message.startswith(MESSAGES[finished.status])
    assert "so it cannot be changed: what it said is kept as it was." in message
    assert unchanged(finished) == before


def test_autosave_of_a_finished_outcome_is_refused_with_the_reason(practitioner_client, finished):
    before = unchanged(finished)
    url = reverse("outcomes:edit", args=[finished.person_id, finished.pk])
    response = practitioner_client.post(
        url,
        {
            "version": finished.version,
            "statement": "Something else",
            "baseline": "",
            "measure": "",
            "target_date": "",
            "assessed_need": "",
        },
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Not saved yet" in body and MESSAGES[finished.status] in body
    assert unchanged(finished) == before


def test_a_plain_post_to_the_edit_page_changes_nothing(practitioner_client, finished):
    before = unchanged(finished)
    url = reverse("outcomes:edit", args=[finished.person_id, finished.pk])
    response = practitioner_client.post(
        url,
        {
            "version": finished.version,
            "statement": "Something else",
            "baseline": "",
            "measure": "",
            "target_date": "",
            "assessed_need": "",
        },
    )
    assert response.status_code == 200
    assert MESSAGES[finished.status] in response.content.decode()
    assert unchanged(finished) == before


def test_an_open_outcomes_check_page_asks_to_check_then_save(practitioner_client, open_outcome):
    """Step 5 of the workbook is "Now check it": the button says Check before Save (#16)."""
    args = [open_outcome.person_id, open_outcome.pk]
    check = practitioner_client.get(reverse("outcomes:check", args=args)).content.decode()
    assert '<button type="submit" class="ds_button">Check and save</button>' in check
    assert "Save check" not in check


def test_the_pages_of_a_finished_outcome_offer_no_change(practitioner_client, finished):
    args = [finished.person_id, finished.pk]
    detail = practitioner_client.get(reverse("outcomes:detail", args=args)).content.decode()
    assert reverse("outcomes:edit", args=args) not in detail
    assert "Check it (step 5)" not in detail
    assert MESSAGES[finished.status] in detail
    edit = practitioner_client.get(reverse("outcomes:edit", args=args)).content.decode()
    assert 'name="statement"' not in edit and MESSAGES[finished.status] in edit
    check = practitioner_client.get(reverse("outcomes:check", args=args)).content.decode()
    assert "Check and save" not in check and MESSAGES[finished.status] in check


def test_the_check_of_a_finished_outcome_cannot_change(
    practitioner_client, open_outcome, practitioner
):
    url = reverse("outcomes:check", args=[open_outcome.person_id, open_outcome.pk])
    page = practitioner_client.get(url).content.decode()
    finish(open_outcome, practitioner, OutcomeStatus.ACHIEVED)
    data = {f"{q.value}__answer": "no" for q in CheckQuestion}
    response = practitioner_client.post(url, {**data, **seen_versions(page)})
    assert response.status_code == 200
    assert not open_outcome.check_answers.filter(answer="no").exists()
    with pytest.raises(ValidationError, match="its check cannot change"):
        services.outcome_check_record(
            actor=practitioner,
            outcome=open_outcome,
            answers={"measurable": ("no", "")},
            expected_versions={},
        )


# --- The Support Sequence of a finished outcome ----------------------------------------------


def _support_writes(person, outcome, solution, practitioner):
    return {
        "planning": lambda: support.support_planning_save(
            actor=practitioner,
            person=person,
            outcome=outcome,
            expected_version=0,
            tried_already="Community transport",
        ),
        "add": lambda: support.solution_add(
            actor=practitioner,
            person=person,
            outcome=outcome,
            step="community",
            what="The lunch club",
        ),
        "nothing suitable": lambda: support.step_mark_nothing_suitable(
            actor=practitioner,
            person=person,
            outcome=outcome,
            step="technology",
            expected_version=0,
        ),
        "checklist": lambda: support.checklist_save(
            actor=practitioner,
            person=person,
            outcome=outcome,
            answers={"technology": ("yes", "")},
            expected_versions={"technology": 0},
        ),
        "change a solution": lambda: support.solution_update(
            actor=practitioner,
            solution=solution,
            expected_version=solution.version,
            what="A personal assistant on Fridays",
        ),
        "remove a solution": lambda: support.solution_remove(actor=practitioner, solution=solution),
    }


@pytest.mark.parametrize(
    "write",
    ["planning", "add", "nothing suitable", "checklist", "change a solution", "remove a solution"],
)
def test_the_support_sequence_of_a_finished_outcome_cannot_change(
    person, finished, practitioner, write
):
    solution = Solution.objects.get(outcome=finished)
    counts = (Solution.objects.count(), SupportPlanning.objects.count(), solution.version)
    with pytest.raises(ValidationError) as caught:
        _support_writes(person, finished, solution, practitioner)[write]()
    message = " ".join(caught.value.messages)
    assert message.startswith(MESSAGES[finished.status])
    assert "its Support Sequence cannot change" in message
    solution.refresh_from_db()
    assert (Solution.objects.count(), SupportPlanning.objects.count(), solution.version) == counts


def test_support_that_has_ended_can_still_be_recorded(person, finished, practitioner):
    solution = Solution.objects.get(outcome=finished)
    support.solution_update(
        actor=practitioner,
        solution=solution,
        expected_version=solution.version,
        status=SolutionStatus.TRIED_AND_STOPPED,
        status_note="Not needed now she goes with her friend",
    )
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.TRIED_AND_STOPPED
    with pytest.raises(ValidationError):  # but not started again
        support.solution_update(
            actor=practitioner,
            solution=solution,
            expected_version=solution.version,
            status=SolutionStatus.IN_PLACE,
        )


def test_the_support_pages_of_a_finished_outcome_offer_no_change(
    practitioner_client, person, finished
):
    solution = Solution.objects.get(outcome=finished)
    page = practitioner_client.get(
        reverse("support:outcome_support", args=[person.pk, finished.pk])
    ).content.decode()
    assert "its Support Sequence is kept as it was" in page
    assert reverse("support:solution_add", args=[person.pk, finished.pk, "yourself"]) not in page
    assert reverse("support:solution_edit", args=[person.pk, solution.pk]) not in page
    assert reverse("support:planning", args=[person.pk, finished.pk]) not in page
    assert "Search the community directory" not in page
    for url in (
        reverse("support:planning", args=[person.pk, finished.pk]),
        reverse("support:solution_add", args=[person.pk, finished.pk, "yourself"]),
        reverse("support:solution_edit", args=[person.pk, solution.pk]),
    ):
        response = practitioner_client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "support:outcome_support", args=[person.pk, finished.pk]
        )
        assert "its Support Sequence is kept as it was" in response.content.decode()
    checklist = practitioner_client.get(
        reverse("support:checklist", args=[person.pk, finished.pk])
    ).content.decode()
    assert "Save answers" not in checklist
