"""The three questionnaire pages share one form, one stale path and one partial (#17):
the step-5 check (outcomes), "How well did I use the Outcome Sequence?" (OS-8,
conversations) and "How well did I use the Support Sequence?" (SS-5, support). The stale
path itself is proven page by page in outcomes/tests/test_lost_updates.py."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.conversations.models import ReflectionAnswer, ReflectionQuestion
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import CheckQuestion, OutcomeCheckAnswer
from goldenthread.support.models import ChecklistQuestion, SupportChecklistAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(person, practitioner):
    conversation = ConversationFactory(person=person, recorded_by=practitioner)
    not_working = WorkingItemFactory(
        conversation=conversation, is_working=False, text="Has not been out since her fall"
    )
    change = PositiveChangeFactory(conversation=conversation, from_not_working=[not_working])
    outcome = outcome_services.outcome_create(
        actor=practitioner, positive_change=change, statement="To receive support with meals"
    )
    return {
        "check": (
            reverse("outcomes:check", args=[person.pk, outcome.pk]),
            CheckQuestion,
            OutcomeCheckAnswer,
        ),
        "os8": (
            reverse("conversations:checklist", args=[person.pk, conversation.pk]),
            ReflectionQuestion,
            ReflectionAnswer,
        ),
        "ss5": (
            reverse("support:checklist", args=[person.pk, outcome.pk]),
            ChecklistQuestion,
            SupportChecklistAnswer,
        ),
    }


def versions(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(\w+__version)" value="(\d+)"', page))


@pytest.mark.parametrize("which", ["check", "os8", "ss5"])
def test_each_question_has_an_answer_a_note_and_the_version_seen(practitioner_client, pages, which):
    url, questions, _ = pages[which]
    page = html.unescape(practitioner_client.get(url).content.decode())
    assert set(versions(page)) == {f"{q.value}__version" for q in questions}
    for question in questions:
        assert f'name="{question.value}__answer"' in page
        assert f'name="{question.value}__note"' in page
    # The note's label says "(optional)" once: it used to say it twice.
    assert page.count("Note (optional)") == len(questions)
    assert "(optional) (optional)" not in page


@pytest.mark.parametrize("which", ["check", "os8", "ss5"])
def test_an_answer_not_offered_is_refused_beside_its_question_and_the_note_kept(
    practitioner_client, pages, which
):
    url, questions, model = pages[which]
    first = list(questions)[0].value
    data = {
        **versions(practitioner_client.get(url).content.decode()),
        f"{first}__answer": "perhaps",
        f"{first}__note": "What I typed",
    }
    response = practitioner_client.post(url, data)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert re.search(r"Choose yes, (partly|no) or (not yet|not sure|no)\.", body)
    assert "What I typed" in body
    assert not model.objects.exclude(answer="").exists()


def test_the_check_starts_at_the_checkers_suggestion_which_the_answer_overrides(
    practitioner_client, pages, practitioner
):
    url, _, _ = pages["check"]
    suggested = OutcomeCheckAnswer.objects.exclude(suggested="").first()
    page = practitioner_client.get(url).content.decode()
    assert re.search(
        rf'name="{suggested.question}__answer" value="{suggested.suggested}"'
        r"[^>]*checked",
        page,
    )
    other = "yes" if suggested.suggested != "yes" else "no"
    data = {**versions(page), f"{suggested.question}__answer": other}
    assert practitioner_client.post(url, data).status_code == 302
    suggested.refresh_from_db()
    assert suggested.answer == other and suggested.suggested != other  # both kept


def test_the_support_checklist_groups_its_questions_under_headings(practitioner_client, pages):
    url, _, _ = pages["ss5"]
    page = practitioner_client.get(url).content.decode()
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    for heading in (
        "Before step 1",
        "The seven steps",
        "Personal budgets",
        "The person&#x27;s part in decisions",
    ):
        assert heading in headings
