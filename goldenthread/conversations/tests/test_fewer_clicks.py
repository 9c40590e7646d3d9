"""Fewer clicks through the Outcome Sequence (#16): "Save and continue" through the steps
in order (any order still allowed, OS-9), several items added at once, and back to step 1
after adding someone to the circle from there."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from goldenthread.conversations.factories import ConversationFactory
from goldenthread.conversations.models import Aspiration, MattersItem, WorkingItem
from goldenthread.people.models import CircleMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner, narrative="", place="")


def url(name, conversation):
    return reverse(
        name, kwargs={"person_id": conversation.person_id, "conversation_id": conversation.pk}
    )


def test_each_step_leads_on_to_the_next_and_the_last_does_not(practitioner_client, conversation):
    about = practitioner_client.get(url("conversations:about", conversation)).content.decode()
    assert 'name="and_continue"' in about and "Save and continue" in about
    order = [
        "conversations:step1",
        "conversations:step2",
        "conversations:step3",
        "outcomes:step4",
        "outcomes:step5",
        "conversations:checklist",
    ]
    for here, there in zip(order, order[1:], strict=False):
        page = html.unescape(practitioner_client.get(url(here, conversation)).content.decode())
        assert f'href="{url(there, conversation)}">Continue to' in page, here
    last = practitioner_client.get(url(order[-1], conversation)).content.decode()
    assert "Continue to" not in last


def test_add_and_continue_goes_to_the_next_step(practitioner_client, conversation):
    response = practitioner_client.post(
        url("conversations:step1", conversation),
        {
            "kind": "matters",
            "matters-kind": "what",
            "matters-text": "My garden",
            "and_continue": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("conversations:step2", conversation)
    assert MattersItem.objects.get(conversation=conversation).text == "My garden"


def test_about_save_and_continue_goes_to_step_1(practitioner_client, conversation):
    response = practitioner_client.post(
        url("conversations:about", conversation),
        {
            "held_on": conversation.held_on.isoformat(),
            "place": "At home",
            "person_took_part": "on",
            "narrative": "Her words",
            "version": "1",
            "and_continue": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("conversations:step1", conversation)


def test_several_items_at_once_one_per_line(practitioner_client, conversation):
    step1 = url("conversations:step1", conversation)
    response = practitioner_client.post(
        step1,
        {
            "kind": "matters",
            "matters-kind": "what",
            "matters-text": "My garden\n\n  Sunday lunch at my daughter's  \r\nThe bowling club",
        },
        follow=True,
    )
    assert [
        m.text for m in MattersItem.objects.filter(conversation=conversation).order_by("created_at")
    ] == ["My garden", "Sunday lunch at my daughter's", "The bowling club"]
    assert "3 items added." in response.content.decode()
    practitioner_client.post(
        step1, {"kind": "aspiration", "aspiration-text": "See Skye again\nLearn to swim"}
    )
    assert Aspiration.objects.filter(conversation=conversation).count() == 2
    practitioner_client.post(
        url("conversations:step2", conversation),
        {
            "kind": "working",
            "working-is_working": "false",
            "working-perspective": "person",
            "working-text": "The bus steps\nEvenings alone",
        },
    )
    assert WorkingItem.objects.filter(conversation=conversation, is_working=False).count() == 2


def test_adding_someone_to_the_circle_from_step_1_comes_back_to_step_1(
    practitioner_client, conversation
):
    step1 = url("conversations:step1", conversation)
    page = html.unescape(practitioner_client.get(step1).content.decode())
    add = reverse("people:circle_add", kwargs={"person_id": conversation.person_id})
    link = f"{add}?next={step1}%23who"
    assert f'href="{link}"' in page.replace("%2F", "/")
    form = practitioner_client.get(link).content.decode()
    assert 'name="next"' in form
    response = practitioner_client.post(
        link, {"name": "Ann Macdonald", "relationship": "Daughter", "next": f"{step1}#who"}
    )
    assert response.status_code == 302 and response["Location"] == f"{step1}#who"
    assert CircleMember.objects.filter(name="Ann Macdonald").exists()


def test_next_cannot_leave_the_persons_record(practitioner_client, conversation):
    add = reverse("people:circle_add", kwargs={"person_id": conversation.person_id})
    for elsewhere in ("https://example.com/", "//example.com/", "/account/", "/people/"):
        response = practitioner_client.post(
            add, {"name": "Bob", "relationship": "Friend", "next": elsewhere}
        )
        assert response["Location"].endswith("#circle"), elsewhere


def test_what_matters_can_be_coded_to_a_national_domain(practitioner_client, conversation):
    """AGG-4 (#14): the practitioner chooses the domain; the reports count it."""
    page = practitioner_client.get(url("conversations:step1", conversation)).content.decode()
    assert "National outcome domain (optional)" in page and "adult:feeling_safe" in page
    response = practitioner_client.post(
        url("conversations:step1", conversation),
        {
            "kind": "matters",
            "matters-kind": "what",
            "matters-text": "Feeling safe at home\nSeeing my grandson",
            "matters-domain": "adult:feeling_safe",
        },
    )
    assert response.status_code == 302
    items = MattersItem.objects.filter(conversation=conversation)
    assert sorted(i.domain for i in items) == ["adult:feeling_safe", "adult:feeling_safe"]


def test_a_domain_not_in_the_list_is_refused(practitioner_client, conversation):
    response = practitioner_client.post(
        url("conversations:step1", conversation),
        {
            "kind": "matters",
            "matters-kind": "what",
            "matters-text": "My garden",
            "matters-domain": "adult:made_up",
        },
    )
    assert response.status_code == 200
    assert "Choose a domain from the list, or leave it blank." in response.content.decode()
    assert not MattersItem.objects.filter(conversation=conversation).exists()
