"""Factories for conversations and the Outcome Sequence steps (tests, demo, synthetic data)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.people.factories import CircleMemberFactory, PersonFactory

from .models import (
    Aspiration,
    Conversation,
    MattersItem,
    Perspective,
    PositiveChange,
    Strength,
    WhoMatters,
    WorkingItem,
)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    person = factory.SubFactory(PersonFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    place = "At home"
    person_took_part = True
    narrative = "I have lived here forty years and I want to stay. I miss my bowling club."
    recorded_by = factory.SubFactory(
        PractitionerFactory, team=factory.SelfAttribute("..person.team")
    )


class _StepItemFactory(factory.django.DjangoModelFactory):
    conversation = factory.SubFactory(ConversationFactory)
    person = factory.SelfAttribute("conversation.person")


class MattersItemFactory(_StepItemFactory):
    class Meta:
        model = MattersItem

    text = "Seeing my friends at the bowling club"


class WhoMattersFactory(_StepItemFactory):
    class Meta:
        model = WhoMatters

    circle_member = factory.SubFactory(
        CircleMemberFactory, person=factory.SelfAttribute("..person")
    )
    text = "She visits every Sunday"


class AspirationFactory(_StepItemFactory):
    class Meta:
        model = Aspiration

    text = "To go on holiday to Arran with my sister"


class WorkingItemFactory(_StepItemFactory):
    class Meta:
        model = WorkingItem

    is_working = False
    perspective = Perspective.PERSON
    text = "I can't get to the club since my fall; the bus steps are too high"


class StrengthFactory(_StepItemFactory):
    class Meta:
        model = Strength

    text = "Determined, good sense of humour"


class PositiveChangeFactory(_StepItemFactory):
    class Meta:
        model = PositiveChange
        skip_postgeneration_save = True

    text = "Getting back to the bowling club"

    @factory.post_generation
    def from_not_working(self, create, extracted, **kwargs):
        if create and extracted:
            self.from_not_working.set(extracted)
