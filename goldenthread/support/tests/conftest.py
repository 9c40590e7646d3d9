"""Fixtures for the Support Sequence tests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes.factories import OutcomeFactory


@pytest.fixture
def outcome(person):
    conversation = ConversationFactory(person=person)
    return OutcomeFactory(positive_change=PositiveChangeFactory(conversation=conversation))


def make_outcome(person, **fields):
    conversation = ConversationFactory(person=person)
    return OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation), **fields
    )


@pytest.fixture
def community_resource(db):
    """A running community group in the directory (searchable by words and place)."""
    from goldenthread.directory.models import CommunityResource, Organisation

    organisation = Organisation.objects.create(
        source="test", source_id="org-1", name="Northfield Community Trust"
    )
    return CommunityResource.objects.create(
        source="test",
        source_id="svc-1",
        name="Northfield Bowls and Blether Club",
        description="A friendly bowling club for older people, with tea and a chat after.",
        organisation=organisation,
        search_keywords="bowling club older people social",
        place_text="Northfield",
        fees="£2 a session",
        imported_at=timezone.now(),
    )
