"""Fixtures for the reviews tests: a person with a complete golden thread (what matters →
not working → positive change → outcome → support), and helpers to build more."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from goldenthread.conversations.factories import (
    AspirationFactory,
    ConversationFactory,
    MattersItemFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.outcomes.factories import AgreementFactory, OutcomeFactory
from goldenthread.reviews.due import refresh_review_due
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus, SupportStep


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def make_conversation(person, *, held_days_ago: int = 30, matters: bool = True):
    conversation = ConversationFactory(person=person, held_on=days_ago(held_days_ago))
    if matters:
        MattersItemFactory(conversation=conversation, text="Seeing my friends at the club")
    return conversation


def make_change(conversation, *, linked: bool = True, text="Getting back to the club"):
    not_working = WorkingItemFactory(
        conversation=conversation, is_working=False, text="I can't get up the bus steps"
    )
    change = PositiveChangeFactory(conversation=conversation, text=text)
    if linked:
        change.from_not_working.set([not_working])
        change.from_aspirations.set([AspirationFactory(conversation=conversation)])
    return change


def make_outcome(
    person,
    *,
    statement="I will be back at my bowling club on Thursdays by May",
    change=None,
    held_days_ago: int = 30,
    agreed: bool = True,
    **fields,
):
    """An outcome; with `agreed`, the person agreed it in the meeting (ACC-4), so it is not
    a broken link for want of agreement."""
    if change is None:
        change = make_change(make_conversation(person, held_days_ago=held_days_ago))
    outcome = OutcomeFactory(positive_change=change, statement=statement, **fields)
    if agreed:
        AgreementFactory(outcome=outcome)
    refresh_review_due([person.pk])  # as outcome_create does (#19)
    return outcome


def make_supported_outcome(person, **fields):
    """An outcome with one solution in place, at step 4 (family and friends)."""
    outcome = make_outcome(person, **fields)
    SolutionFactory(
        outcome=outcome, step=SupportStep.FAMILY_FRIENDS, status=SolutionStatus.IN_PLACE
    )
    return outcome


@pytest.fixture
def outcome(person):
    return make_supported_outcome(person)


@pytest.fixture
def three_outcomes(person):
    conversation = make_conversation(person)
    change = make_change(conversation)
    return [
        make_supported_outcome(person, change=change, statement=text)
        for text in (
            "I will be back at my bowling club on Thursdays by May",
            "I will do my own food shopping once a week, on my own, by September",
            "I will have one evening a week to myself, to go to choir practice",
        )
    ]
