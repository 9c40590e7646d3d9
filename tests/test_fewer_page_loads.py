"""Fewer page loads on the practitioner's day (#16, OS-9): a form that leads on goes
straight to the page the practitioner needs next, and forms that had a page of their own
are on the page they are reached from, in a fold, so each costs no page load before it is
filled in. Each still posts to its own address, so a refused form comes back there with its
messages and without JavaScript everything works as before."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.conversations.forms import reflection_form
from goldenthread.conversations.models import PositiveChange
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.reviews.factories import ReviewFactory
from goldenthread.support.models import Solution, SupportStep

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner)


@pytest.fixture
def outcome(conversation):
    change = PositiveChangeFactory(conversation=conversation, person=conversation.person)
    return OutcomeFactory(positive_change=change)


def test_a_positive_change_can_be_added_and_made_into_an_outcome_at_once(
    practitioner_client, conversation
):
    """Step 3's "Add and make it an outcome" opens step 4 with the new change chosen."""
    not_working = WorkingItemFactory(
        conversation=conversation, person=conversation.person, is_working=False
    )
    step3 = reverse("conversations:step3", args=[conversation.person_id, conversation.pk])
    page = page_text(practitioner_client.get(step3))
    assert f'action="{step3}"' in page and "Add and make it an outcome" in page
    response = practitioner_client.post(
        step3,
        {
            "kind": "change",
            "change-text": "Getting back to the bowling club",
            "change-from_not_working": [str(not_working.pk)],
            "and_outcome": "1",
        },
    )
    change = PositiveChange.objects.get(conversation=conversation)
    step4 = reverse("outcomes:step4", args=[conversation.person_id, conversation.pk])
    assert response.status_code == 302 and response["Location"] == f"{step4}?change={change.pk}"
    # "Add" alone stays on step 3, as before.
    response = practitioner_client.post(
        step3,
        {
            "kind": "change",
            "change-text": "Seeing Skye again",
            "change-from_not_working": [str(not_working.pk)],
        },
    )
    assert response["Location"] == f"{step3}#change"


def reflection_post(**extra) -> dict:
    form = reflection_form({}, {})
    return {
        **{
            name: field.initial for name, field in form.fields.items() if name.endswith("__version")
        },
        **extra,
    }


def test_the_checklist_leads_on_to_the_support_sequence(practitioner_client, outcome):
    conversation = outcome.conversation
    checklist = reverse("conversations:checklist", args=[outcome.person_id, conversation.pk])
    assert "Save and continue to the Support Sequence" in page_text(
        practitioner_client.get(checklist)
    )
    response = practitioner_client.post(checklist, reflection_post(and_continue="1"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "support:outcome_support", args=[outcome.person_id, outcome.pk]
    )
    response = practitioner_client.post(checklist, reflection_post())
    assert response["Location"] == reverse(
        "conversations:detail", args=[outcome.person_id, conversation.pk]
    )


def test_a_conversation_without_an_outcome_has_nothing_to_continue_to(
    practitioner_client, conversation
):
    checklist = reverse("conversations:checklist", args=[conversation.person_id, conversation.pk])
    assert "Save and continue to the Support Sequence" not in page_text(
        practitioner_client.get(checklist)
    )
    response = practitioner_client.post(checklist, reflection_post(and_continue="1"))
    assert response["Location"] == reverse(
        "conversations:detail", args=[conversation.person_id, conversation.pk]
    )


def test_each_support_step_adds_a_solution_on_the_outcome_page(practitioner_client, outcome):
    page = page_text(
        practitioner_client.get(
            reverse("support:outcome_support", args=[outcome.person_id, outcome.pk])
        )
    )
    for step in SupportStep:
        add = reverse("support:solution_add", args=[outcome.person_id, outcome.pk, step.value])
        assert f'action="{add}"' in page, step
        assert f'id="id_add_{step.value}_what"' in page, step
    # A refused add comes back on the add page with its message, nothing saved.
    add = reverse("support:solution_add", args=[outcome.person_id, outcome.pk, "support"])
    refused = page_text(practitioner_client.post(add, {"what": "", "status": "idea"}))
    assert "Say what the solution is." in refused
    assert not Solution.objects.filter(outcome=outcome).exists()


def test_the_options_lead_on_to_asking_for_a_budget(practitioner_client, person):
    options = reverse("sds:options", args=[person.pk])
    page = page_text(practitioner_client.get(options))
    assert 'name="and_continue"' in page and "Save and ask for a budget" in page


def test_unmet_need_and_risks_are_recorded_from_their_lists(practitioner_client, outcome):
    person = outcome.person
    overview = page_text(practitioner_client.get(reverse("sds:overview", args=[person.pk])))
    assert f'action="{reverse("sds:unmet_need_add", args=[person.pk])}"' in overview
    assert 'id="id_unmet_need"' in overview
    risks = page_text(practitioner_client.get(reverse("risk:list", args=[person.pk])))
    assert f'action="{reverse("risk:add", args=[person.pk])}"' in risks
    assert 'id="id_new_risk_activity"' in risks


def test_the_last_outcome_of_a_review_finishes_it_and_no_other_does(practitioner_client, outcome):
    person = outcome.person
    second = OutcomeFactory(
        positive_change=PositiveChangeFactory(
            conversation=outcome.conversation, person=person, text="My garden"
        ),
        statement="I will grow vegetables in my garden again by August",
    )
    review = ReviewFactory(person=person)
    finish = reverse("reviews:finish", args=[person.pk, review.pk])
    pages = {
        o.pk: page_text(
            practitioner_client.get(reverse("reviews:outcome", args=[person.pk, review.pk, o.pk]))
        )
        for o in (outcome, second)
    }
    assert f'action="{finish}"' not in pages[outcome.pk]
    assert f'action="{finish}"' in pages[second.pk]
    # Not reviewed yet: the last page says which, with a link to each.
    assert "Not reviewed yet" in pages[second.pk]
    assert outcome.statement in pages[second.pk]
