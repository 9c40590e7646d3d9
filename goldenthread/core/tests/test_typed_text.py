"""Typed text as the service keeps it (core/text.py, docs/adr/0037; SEC-8, A11Y-1).

A probe typed an item beginning with U+202E (right-to-left override): the item's own links
were drawn backwards ("evomeR egnahC"). Another typed only zero-width spaces as a first
name and an aspiration: both were saved and shown as nothing (an empty bullet, a checkbox
with no label)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldenthread.conversations.factories import ConversationFactory
from goldenthread.conversations.models import MattersItem
from goldenthread.core.text import as_kept, shows_nothing, without_direction_controls
from goldenthread.people.models import Person

OVERRIDE = "\u202e"


@pytest.mark.parametrize(
    "text",
    ["", " ", "\u200b", "\u200b\u200b", " \ufeff\u2060 ", "\u00ad", "\u3164", "\u2800", "\u200d"],
)
def test_text_of_spaces_and_invisible_characters_shows_nothing(text):
    assert shows_nothing(text)
    assert as_kept(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "Walk to the shops",
        "Mi\u200cr\u00f3",  # a zero-width non-joiner inside a word is kept
        "\u0641\u0627\u0637\u0645\u0629",  # right to left, no control needed
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a family emoji joined by ZWJ
        "\u200fשלום",  # a right-to-left mark is kept: it cannot spill
    ],
)
def test_text_that_shows_something_is_kept_as_typed(text):
    assert not shows_nothing(text)
    assert as_kept(text) == text


def test_direction_controls_are_removed_and_nothing_else():
    typed = "\u202egnirts desrever\u202c and \u2067isolated\u2069 \u202a\u202b\u202d\u2066\u2068"
    assert without_direction_controls(typed) == "gnirts desrever and isolated "
    assert as_kept(typed) == "gnirts desrever and isolated "
    assert as_kept(f"{OVERRIDE}Ann", name=True) == f"{OVERRIDE}Ann"  # refused by people


@pytest.fixture
def conversation(person, practitioner):
    return ConversationFactory(person=person, recorded_by=practitioner, narrative="", place="")


def _step1(conversation):
    return reverse(
        "conversations:step1",
        kwargs={"person_id": conversation.person_id, "conversation_id": conversation.pk},
    )


@pytest.mark.django_db
def test_an_item_typed_with_a_direction_override_is_kept_without_it(
    practitioner_client, conversation
):
    response = practitioner_client.post(
        _step1(conversation),
        {"kind": "matters", "matters-kind": "what", "matters-text": f"{OVERRIDE}gnirts desrever"},
    )
    assert response.status_code == 302
    item = MattersItem.objects.get(conversation=conversation)
    assert item.text == "gnirts desrever"
    page = practitioner_client.get(_step1(conversation)).content.decode()
    assert OVERRIDE not in page


@pytest.mark.django_db
def test_an_item_of_invisible_characters_is_asked_for_as_an_empty_one_is(
    practitioner_client, conversation
):
    response = practitioner_client.post(
        _step1(conversation),
        {"kind": "matters", "matters-kind": "what", "matters-text": "\u200b \u200b"},
    )
    assert response.status_code == 200
    assert "Write something here." in response.content.decode()
    assert not MattersItem.objects.filter(conversation=conversation).exists()


@pytest.mark.django_db
def test_a_first_name_of_zero_width_spaces_is_asked_for(practitioner_client, area):
    response = practitioner_client.post(
        reverse("people:create"),
        {
            "given_name": "\u200b\u200b",
            "family_name": "Stewart",
            "date_of_birth": "1948-03-12",
            "chi_number": "",
            "area": str(area.pk),
        },
    )
    assert response.status_code == 200
    assert "Enter" in response.content.decode() and "first name" in response.content.decode()
    assert not Person.objects.filter(family_name="Stewart").exists()


@pytest.mark.django_db
def test_a_password_is_sent_exactly_as_typed(client, practitioner):
    """The password's characters are the secret: never mended, so a wrong one stays wrong."""
    response = client.post(
        reverse("accounts:login"),
        {"username": practitioner.username, "password": "\u200b"},
    )
    assert response.status_code == 200
    assert response.wsgi_request.POST["password"] == "\u200b"
