"""A break-glass reason says something in words (SEC-3): twenty dots, one letter or one
word typed again opened a record for four hours. Now a reason needs at least a few
different words of two or more letters, on the page and in the service alike; a real
reason still opens the record, flagged for the team leader's review."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.audit.models import BreakGlassAccess, BreakGlassReview
from goldenthread.people.access import break_glass_start

MEANINGLESS = [
    "." * 20,
    "x" * 25,
    "a b c d e f g h i j k l m n",
    "help help help help help help",
    "???????????? !!!!!!!!!!!!",
    "1234567890 1234567890 12345",
]


@pytest.fixture
def stranger(other_team):
    """A practitioner of another team: no relationship to `person`."""
    return PractitionerFactory(team=other_team)


def _break_glass(client, person, reason):
    refused = client.get(reverse("people:detail", args=[person.pk]))
    assert refused.status_code == 403
    token = re.search(r'name="token" value="([^"]+)"', refused.content.decode()).group(1)
    return client.post(reverse("audit:break_glass"), {"token": token, "reason": reason})


@pytest.mark.parametrize("reason", MEANINGLESS)
def test_a_reason_without_words_opens_nothing(client, stranger, person, reason):
    sign_in(client, stranger)
    response = _break_glass(client, person, reason)
    assert response.status_code == 403
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Say why you need to see this record, in a few words of your own" in body
    assert not BreakGlassAccess.objects.exists()
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403


@pytest.mark.parametrize("reason", MEANINGLESS)
def test_the_service_refuses_it_too(stranger, person, reason):
    with pytest.raises(ValueError, match="in a few words of your own"):
        break_glass_start(actor=stranger, person_id=person.pk, reason=reason)
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.parametrize(
    "reason",
    [
        "Police at the door asking whether she is safe",
        "Duty call: Jean's daughter says she has fallen",
        "Iain mac Dhòmhnaill dh'fhòn: tha i tinn",  # Gaelic, with letters of its own
    ],
)
def test_a_reason_in_words_still_opens_the_record_for_review(client, stranger, person, reason):
    sign_in(client, stranger)
    response = _break_glass(client, person, reason)
    assert response.status_code == 302
    use = BreakGlassAccess.objects.get(actor=stranger)
    assert use.reason == reason and use.person_id == person.pk
    assert not BreakGlassReview.objects.filter(access=use).exists()  # for the team leader
