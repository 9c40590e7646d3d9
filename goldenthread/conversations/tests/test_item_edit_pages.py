"""Changing and relinking the items of steps 1 to 3 from the pages (#16): an item can be
edited, not only removed; a positive change linked to the wrong thing is moved; a stale
copy is refused with everything typed kept; the change history keeps before and after."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from goldenthread.audit.models import ChangeRecord
from goldenthread.conversations.factories import (
    AspirationFactory,
    ConversationFactory,
    MattersItemFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.outcomes.factories import OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner)


def edit_url(conversation, kind, item):
    return reverse(
        "conversations:item_edit", args=[conversation.person_id, conversation.pk, kind, item.pk]
    )


def test_the_step_links_to_changing_each_item(practitioner_client, conversation):
    item = MattersItemFactory(conversation=conversation, text="My garden")
    step1 = reverse("conversations:step1", args=[conversation.person_id, conversation.pk])
    html = practitioner_client.get(step1).content.decode()
    assert f'href="{edit_url(conversation, "matters", item)}"' in html
    assert 'Change<span class="visually-hidden"> “My garden”</span>' in html


def test_an_item_is_changed_and_its_history_kept(practitioner_client, conversation):
    item = WorkingItemFactory(
        conversation=conversation, text="Goes to the club", is_working=True, perspective="person"
    )
    url = edit_url(conversation, "working", item)
    page = practitioner_client.get(url).content.decode()
    assert "Goes to the club" in page
    assert re.search(r'name="is_working" value="true"[^>]*checked', page)
    response = practitioner_client.post(
        url,
        {
            "text": "  Goes to the club on Thursdays ",
            "is_working": "false",
            "perspective": "person",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("conversations:step2", args=[conversation.person_id, conversation.pk]) + "#working"
    )
    item.refresh_from_db()
    assert item.text == "Goes to the club on Thursdays" and item.is_working is False
    record = ChangeRecord.objects.get(object_id=str(item.pk), action="update")
    assert record.before["text"] == "Goes to the club"


def test_one_line_is_one_item_when_changing(practitioner_client, conversation):
    item = MattersItemFactory(conversation=conversation, text="My garden")
    page = practitioner_client.get(edit_url(conversation, "matters", item)).content.decode()
    assert "put each on a line of its own" not in page


def test_a_stale_copy_is_refused_and_what_was_typed_is_kept(practitioner_client, conversation):
    item = MattersItemFactory(conversation=conversation, text="My garden", kind="what")
    seen = item.version
    item.text = "The allotment"
    item.version += 1
    item.save()
    response = practitioner_client.post(
        edit_url(conversation, "matters", item),
        {"kind": "what", "text": "Sunday lunch", "version": seen},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved a change" in html
    assert "Sunday lunch" in html and "The allotment" in html
    item.refresh_from_db()
    assert item.text == "The allotment"


def test_a_positive_change_is_relinked_and_its_outcome_follows(practitioner_client, conversation):
    wrong = WorkingItemFactory(conversation=conversation, is_working=False, text="Lonely at home")
    right = AspirationFactory(conversation=conversation, text="To sing in a choir")
    change = PositiveChangeFactory(
        conversation=conversation, text="Out more", from_not_working=[wrong]
    )
    outcome = OutcomeFactory(positive_change=change)
    url = edit_url(conversation, "change", change)
    page = practitioner_client.get(url).content.decode()
    assert outcome.statement in page
    response = practitioner_client.post(
        url,
        {"text": "Singing with others", "from_aspirations": [right.pk], "version": change.version},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.text == "Singing with others"
    assert list(change.from_not_working.all()) == []
    assert list(change.from_aspirations.all()) == [right]
    record = ChangeRecord.objects.get(object_id=str(change.pk), action="update")
    assert record.before["from_not_working"] == [str(wrong.pk)]
    assert record.after["from_aspirations"] == [str(right.pk)]


def test_a_positive_change_needs_something_to_come_from(practitioner_client, conversation):
    wrong = WorkingItemFactory(conversation=conversation, is_working=False)
    change = PositiveChangeFactory(conversation=conversation, from_not_working=[wrong])
    response = practitioner_client.post(
        edit_url(conversation, "change", change), {"text": "Out more", "version": change.version}
    )
    assert response.status_code == 200
    assert "so the golden thread is kept" in response.content.decode()
    assert list(change.from_not_working.all()) == [wrong]


def test_what_a_change_comes_from_cannot_be_turned_into_working(practitioner_client, conversation):
    item = WorkingItemFactory(conversation=conversation, is_working=False, text="Lonely")
    PositiveChangeFactory(conversation=conversation, from_not_working=[item])
    response = practitioner_client.post(
        edit_url(conversation, "working", item),
        {"text": "Lonely", "is_working": "true", "perspective": "person", "version": item.version},
    )
    assert response.status_code == 200
    assert "Change what the positive change comes from first" in response.content.decode()
    item.refresh_from_db()
    assert item.is_working is False


def test_an_item_of_another_conversation_or_kind_is_not_found(
    practitioner_client, conversation, person
):
    other = ConversationFactory(person=person)
    item = MattersItemFactory(conversation=other)
    assert practitioner_client.get(edit_url(conversation, "matters", item)).status_code == 404
    assert practitioner_client.get(edit_url(conversation, "participant", item)).status_code == 404
    assert practitioner_client.get(edit_url(conversation, "working", item)).status_code == 404
