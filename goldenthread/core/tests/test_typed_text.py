"""Typed text as the service keeps it (core/text.py, docs/adr/0037; SEC-8, A11Y-1).

A probe typed an item beginning with U+202E (right-to-left override): the item's own links
were drawn backwards ("evomeR egnahC"). Another typed only zero-width spaces as a first
name and an aspiration: both were saved and shown as nothing (an empty bullet, a checkbox
with no label)."""

from __future__ import annotations

import json
from urllib.parse import quote_from_bytes

import pytest
from django.urls import reverse

from goldenthread.api.tests.helpers import token_for
from goldenthread.conversations.factories import ConversationFactory
from goldenthread.conversations.models import MattersItem
from goldenthread.core.text import (
    MAX_MARKS_IN_A_ROW,
    as_kept,
    refusal,
    shows_nothing,
    without_direction_controls,
)
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
    assert "Enter what matters to the person, or where." in response.content.decode()
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


# --- Text that cannot be kept as typed: U+FFFD, a pile of combining marks ---------------
# A probe sent a family name as the bytes of a lone surrogate (ED B3 BF, not UTF-8):
# Django read them as three U+FFFD and the person was saved as "���" with no message. A
# first name of "A" and 50 combining accents was saved too, and drawn over the lines
# above and below it.

ZALGO = "A" + "\u0301\u0300\u0302\u0308\u0303" * 10


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Ann", None),
        ("\u0110\u1ea1i", None),  # Vietnamese: a letter with two marks
        ("A" + "\u0301" * MAX_MARKS_IN_A_ROW, None),
        ("A" + "\u0301" * (MAX_MARKS_IN_A_ROW + 1), "marks"),
        (ZALGO, "marks"),
        ("\ufffd\ufffd\ufffd", "replacement"),
        ("Mo\ufffdrag", "replacement"),
    ],
)
def test_text_is_refused_for_a_replacement_character_or_a_pile_of_marks(text, why):
    assert refusal(text) == why


def _new_person_body(**names: bytes) -> bytes:
    fields = {
        "given_name": b"Morag",
        "family_name": b"Bell",
        "date_of_birth": b"1948-03-12",
        "chi_number": b"",
        **names,
    }
    return b"&".join(
        key.encode() + b"=" + quote_from_bytes(value).encode() for key, value in fields.items()
    )


@pytest.mark.django_db
def test_a_name_sent_as_bytes_that_are_not_utf8_is_refused_with_a_message(
    practitioner_client, area
):
    body = _new_person_body(family_name=b"\xed\xb3\xbf") + f"&area={area.pk}".encode()
    response = practitioner_client.post(
        reverse("people:create"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.wsgi_request.POST["family_name"] == "\ufffd\ufffd\ufffd"  # Django's reading
    page = response.content.decode()
    assert "The last name has a character that cannot be saved. Type it again." in page
    assert not Person.objects.filter(given_name="Morag").exists()


@pytest.mark.django_db
def test_a_name_with_a_pile_of_accents_on_one_letter_is_refused_with_a_message(
    practitioner_client, area
):
    body = _new_person_body(given_name=ZALGO.encode()) + f"&area={area.pk}".encode()
    response = practitioner_client.post(
        reverse("people:create"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The first name has too many accents or marks on one letter. Take some out." in page
    assert not Person.objects.filter(family_name="Bell").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("family_name", "message"),
    [
        ('"\\udcff"', "not valid Unicode"),
        ('"\\ufffd\\ufffd\\ufffd"', "U+FFFD"),
        (json.dumps(ZALGO), "combining marks"),
    ],
)
def test_the_api_refuses_the_same_text_by_name(client, practitioner, area, family_name, message):
    body = (
        f'{{"given_name": "Morag", "family_name": {family_name}, '
        f'"date_of_birth": "1950-03-15", "area_id": {area.pk}}}'
    )
    answer = client.post(
        "/api/v1/people",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(practitioner)}",
    )
    assert answer.status_code == 422, answer.content
    assert [e["field"] for e in answer.json()["errors"] if message in e["message"]] == [
        "family_name"
    ]
    assert not Person.objects.filter(given_name="Morag").exists()
