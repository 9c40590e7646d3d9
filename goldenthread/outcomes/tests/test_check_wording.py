"""The outcome checker, with and without JavaScript (#16, OC-5): it checks again when the
starting point or date change; a "Check wording" button shows the real suggestions for
what was typed, saving nothing; step 5's overview names the answers that failed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.outcomes.checker import CODE_LABELS
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.outcomes.models import Answer, CheckQuestion, Outcome, OutcomeCheckAnswer

STATEMENT = "Service user to attend day centre twice a week"


@pytest.fixture
def change(person, practitioner):
    conversation = ConversationFactory(person=person, recorded_by=practitioner)
    not_working = WorkingItemFactory(
        conversation=conversation, is_working=False, text="Has not been out since her fall"
    )
    return PositiveChangeFactory(conversation=conversation, from_not_working=[not_working])


def step4(change):
    return reverse("outcomes:step4", args=[change.person_id, change.conversation_id])


def test_check_wording_without_javascript_shows_the_real_suggestions(practitioner_client, change):
    response = practitioner_client.post(
        step4(change),
        {
            "positive_change": str(change.pk),
            "statement": STATEMENT,
            "baseline": "",
            "measure": "",
            "target_date": "",
            "assessed_need": "",
            "check_wording": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not Outcome.objects.exists()  # checking saves nothing
    assert STATEMENT in page  # what was typed is kept
    assert "0 suggestions" not in page
    count = int(page.split("The outcome checker has ")[1].split(" suggestion")[0])
    assert count >= 2
    assert CODE_LABELS["no_baseline"] in page and escape(CODE_LABELS["service_language"]) in page
    assert 'name="check_wording"' in page


def test_check_wording_with_htmx_answers_into_the_checker_panel(practitioner_client, change):
    response = practitioner_client.post(
        step4(change),
        {"positive_change": str(change.pk), "statement": STATEMENT, "check_wording": "1"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Retarget"] == "#checker-feedback"
    assert "suggestion" in response.content.decode() and "<form" not in response.content.decode()
    assert not Outcome.objects.exists()


def test_the_checker_rechecks_when_the_starting_point_changes(practitioner_client, change):
    page = practitioner_client.get(step4(change)).content.decode()
    url = reverse("outcomes:live_check")
    for name in ("baseline", "target_date"):
        tag = (
            page.split(f'name="{name}"')[0].rsplit("<", 1)[1]
            + page.split(f'name="{name}"')[1].split(">")[0]
        )
        assert f'hx-post="{url}"' in tag and "change" in tag, name
    statement = "I will walk to the shop on my own by June 2027"
    without = practitioner_client.post(url, {"statement": statement}).content.decode()
    with_start = practitioner_client.post(
        url, {"statement": statement, "baseline": "Walks to the gate with a frame"}
    ).content.decode()
    assert CODE_LABELS["no_baseline"] in without
    assert CODE_LABELS["no_baseline"] not in with_start


def test_the_edit_page_checks_the_stored_wording_without_javascript(
    practitioner_client, change, person
):
    outcome = OutcomeFactory(positive_change=change, statement=STATEMENT, baseline="")
    page = practitioner_client.get(
        reverse("outcomes:edit", args=[person.pk, outcome.pk])
    ).content.decode()
    assert "As you write the outcome" not in page
    assert escape(CODE_LABELS["service_language"]) in page


def test_step5_names_the_answers_that_failed(practitioner_client, change, person, practitioner):
    outcome = OutcomeFactory(positive_change=change)
    answers = {q.value: Answer.YES for q in CheckQuestion}
    answers[CheckQuestion.MEASURABLE.value] = Answer.NO
    answers[CheckQuestion.NO_SOLUTION.value] = Answer.YES  # a solution is embedded: fails
    answers[CheckQuestion.ACHIEVABLE.value] = Answer.NOT_SURE
    for question, answer in answers.items():
        OutcomeCheckAnswer.objects.update_or_create(
            outcome=outcome,
            question=question,
            defaults={"answer": answer, "answered_by": practitioner},
        )
    page = practitioner_client.get(
        reverse("outcomes:step5", args=[person.pk, change.conversation_id])
    ).content.decode()
    assert "8 of 8 questions answered." in page
    assert "Needs another look" in page
    assert f"{CheckQuestion.MEASURABLE.label} (No)" in page
    assert f"{CheckQuestion.NO_SOLUTION.label} (Yes)" in page
    assert f"Not sure yet:</strong> {CheckQuestion.ACHIEVABLE.label}" in page
    assert f"{CheckQuestion.KEEPS_WHAT_WORKS.label} (" not in page
