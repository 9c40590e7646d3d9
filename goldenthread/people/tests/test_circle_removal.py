"""Removing someone from the circle whom the record refers to (they took part in a
conversation, or are named under "who matters") gives a clear message saying what they are
linked to, and removes nothing — it used to be a server error (ProtectedError, #11)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goldenthread.audit.models import ChangeAction, ChangeRecord
from goldenthread.conversations import services as conversation_services
from goldenthread.conversations.factories import ConversationFactory, WhoMattersFactory
from goldenthread.conversations.models import ParticipantKind
from goldenthread.people import services
from goldenthread.people.factories import CircleMemberFactory
from goldenthread.people.models import CircleMember


@pytest.fixture
def member(person):
    return CircleMemberFactory(person=person, name="Morag Macdonald", relationship="Daughter")


@pytest.fixture
def took_part(person, member, practitioner):
    conversation = ConversationFactory(person=person, held_on=datetime.date(2026, 5, 3))
    conversation_services.participant_add(
        actor=practitioner,
        conversation=conversation,
        kind=ParticipantKind.CIRCLE,
        circle_member=member,
    )
    return conversation


def _deletes():
    return ChangeRecord.objects.filter(action=ChangeAction.DELETE).count()


def test_the_service_says_what_they_took_part_in_and_removes_nothing(
    practitioner, member, took_part
):
    with pytest.raises(ValidationError) as caught:
        services.circle_member_remove(actor=practitioner, member=member)
    message = " ".join(caught.value.messages)
    assert message == (
        "Morag Macdonald cannot be removed from the circle, because the record refers to "
        "them: they took part in the conversation on 3 May 2026. Nothing was removed. You "
        "can still change their details."
    )
    assert CircleMember.objects.filter(pk=member.pk).exists()
    assert _deletes() == 0


def test_every_link_is_named(practitioner, person, member, took_part):
    WhoMattersFactory(person=person, conversation=took_part, circle_member=member)
    links = services.circle_member_links(member)
    assert links == [
        'are named under "who matters" in the conversation on 3 May 2026',
        "took part in the conversation on 3 May 2026",
    ]
    with pytest.raises(ValidationError, match="; and took part in the conversation"):
        services.circle_member_remove(actor=practitioner, member=member)


def test_the_page_explains_instead_of_offering_to_remove(
    practitioner_client, person, member, took_part
):
    url = reverse("people:circle_remove", args=[person.pk, member.pk])
    page = practitioner_client.get(url).content.decode()
    assert "took part in the conversation on 3 May 2026" in page
    assert "Remove Morag Macdonald</button>" not in page
    assert reverse("people:circle_edit", args=[person.pk, member.pk]) in page


def test_a_post_to_remove_them_is_refused_with_the_reason(
    practitioner_client, person, member, took_part
):
    url = reverse("people:circle_remove", args=[person.pk, member.pk])
    response = practitioner_client.post(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be removed from the circle" in body
    assert "took part in the conversation on 3 May 2026" in body
    assert CircleMember.objects.filter(pk=member.pk).exists()
    assert _deletes() == 0


def test_someone_the_record_does_not_refer_to_is_still_removed(practitioner_client, person, member):
    url = reverse("people:circle_remove", args=[person.pk, member.pk])
    assert "Remove Morag Macdonald</button>" in practitioner_client.get(url).content.decode()
    response = practitioner_client.post(url)
    assert response.status_code == 302
    assert not CircleMember.objects.filter(pk=member.pk).exists()
    assert _deletes() == 1
