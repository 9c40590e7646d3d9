"""Factories for risk enablement (tests, demo, synthetic data). They write rows directly;
pages, the API and commands always go through services.py."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
)
from goldenthread.outcomes.factories import OutcomeFactory

from .models import CapacityQuestion, RiskAgreement, RiskEnablement, RiskView, Whose


def _today_minus(days: int):
    return lambda: timezone.localdate() - datetime.timedelta(days=days)


def _worker(person):
    allocation = person.allocations.select_related("worker").first()
    if allocation is not None:
        return allocation.worker
    return PractitionerFactory(team=person.team)


class RiskEnablementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskEnablement

    outcome = factory.SubFactory(OutcomeFactory)
    person = factory.SelfAttribute("outcome.person")
    solution = None
    activity = "Walk to the bowling club on her own"
    could_go_wrong = "She could fall on the uneven pavement by the church."
    good_it_brings = "She sees her friends, keeps active and feels like herself again."
    least_restrictive = "Walking with a stick and a phone, rather than a taxi every week."
    decision = "Jean walks to the club; she takes her phone and calls Ann when she arrives."
    reasons = "Jean understands the risk and the benefit matters a great deal to her."
    decided_on = factory.LazyFunction(_today_minus(5))
    capacity_in_question = CapacityQuestion.NO
    recorded_by = factory.LazyAttribute(lambda o: _worker(o.person))


class RiskAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAgreement

    risk = factory.SubFactory(RiskEnablementFactory)
    person = factory.SelfAttribute("risk.person")
    name = "Ann Macdonald"
    role = "Daughter"
    agreed_to = "Answer Jean's call on Thursdays and check she got there."
    agreed_on = factory.LazyFunction(_today_minus(5))
    recorded_by = factory.LazyAttribute(lambda o: o.risk.recorded_by)


class RiskViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskView

    risk = factory.SubFactory(RiskEnablementFactory)
    person = factory.SelfAttribute("risk.person")
    whose = Whose.PERSON
    name = "Jean Macdonald"
    view = "I have walked that road for forty years. I want to go on my own."
    given_on = factory.LazyFunction(_today_minus(5))
    recorded_by = factory.LazyAttribute(lambda o: o.risk.recorded_by)


def risk_record_kwargs(person, outcome=None) -> dict:
    """One risk of the person, as URL kwargs (for the access tests' full_record fixture):
    risk_id. Uses `outcome` or the person's first outcome, or makes one."""
    if outcome is None:
        outcome = person.outcomes.order_by("created_at").first()
    if outcome is None:
        conversation = ConversationFactory(person=person)
        outcome = OutcomeFactory(positive_change=PositiveChangeFactory(conversation=conversation))
    risk = RiskEnablementFactory.create(outcome=outcome, person=person)
    RiskAgreementFactory(risk=risk)
    RiskViewFactory(risk=risk)
    return {"risk_id": risk.pk}
