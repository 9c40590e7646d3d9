"""Factories for accountability records (tests, demo). They write rows directly; pages, the
API and commands always go through services.py."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from goldenthread.people.factories import PersonFactory

from .models import (
    Advocacy,
    AdvocacyAnswer,
    Challenge,
    ChallengeAbout,
    RaisedBy,
    Stage,
    Transition,
    TransitionKind,
)
from .working_days import add_working_days


def _worker(person):
    allocation = person.allocations.select_related("worker").first()
    if allocation is not None:
        return allocation.worker
    from goldenthread.accounts.factories import PractitionerFactory

    return PractitionerFactory(team=person.team)


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    person = factory.SubFactory(PersonFactory)
    raised_by = RaisedBy.PERSON
    raised_by_name = "Jean Macdonald"
    raised_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    about = ChallengeAbout.BUDGET
    details = "The budget does not cover Thursday afternoons at the club."
    stage = Stage.FRONTLINE
    stage_started_on = factory.SelfAttribute("raised_on")
    due_on = factory.LazyAttribute(lambda o: add_working_days(o.raised_on, 5))
    recorded_by = factory.LazyAttribute(lambda o: _worker(o.person))


class AdvocacyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advocacy

    person = factory.SubFactory(PersonFactory)
    identified_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    identified_by = "Her social worker"
    why = "Jean finds meetings hard and wants someone on her side."
    answer = AdvocacyAnswer.NOT_OFFERED
    recorded_by = factory.LazyAttribute(lambda o: _worker(o.person))


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transition

    person = factory.SubFactory(PersonFactory)
    kind = TransitionKind.HOSPITAL_DISCHARGE
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    recorded_by = factory.LazyAttribute(lambda o: _worker(o.person))


def accountability_record_kwargs(person) -> dict:
    """One of each item as URL kwargs (for the access tests' full_record fixture)."""
    challenge: Any = ChallengeFactory(person=person)
    advocacy: Any = AdvocacyFactory(person=person)
    transition: Any = TransitionFactory(person=person)
    return {
        "challenge_id": challenge.pk,
        "advocacy_id": advocacy.pk,
        "transition_id": transition.pk,
    }
