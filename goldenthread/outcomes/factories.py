"""Factories for outcomes (tests, demo, synthetic data)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from goldenthread.conversations.factories import PositiveChangeFactory

from .models import Agreed, AgreedHow, Agreement, AgreementWhose, Outcome, OutcomeWording


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome
        skip_postgeneration_save = True

    positive_change = factory.SubFactory(PositiveChangeFactory)
    conversation = factory.SelfAttribute("positive_change.conversation")
    person = factory.SelfAttribute("positive_change.person")
    statement = "I will be back at my bowling club on Thursday afternoons by the end of May"
    baseline = "Has not been to the club since her fall in January"
    measure = "Goes to the club most Thursdays"
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=120))

    @factory.post_generation
    def first_wording(self, create, extracted, **kwargs):
        if create:
            OutcomeWording.objects.create(
                outcome=self,
                number=1,
                statement=self.statement,
                baseline=self.baseline,
                measure=self.measure,
                target_date=self.target_date,
            )


class AgreementFactory(factory.django.DjangoModelFactory):
    """The person agreed the outcome in the meeting (ACC-4)."""

    class Meta:
        model = Agreement

    outcome = factory.SubFactory(OutcomeFactory)
    person = factory.SelfAttribute("outcome.person")
    whose = AgreementWhose.PERSON
    name = factory.LazyAttribute(lambda o: o.person.display_name)
    agreed = Agreed.YES
    agreed_on = factory.LazyFunction(timezone.localdate)
    how = AgreedHow.MEETING
    recorded_by = factory.LazyAttribute(lambda o: _agreement_worker(o.person))


def _agreement_worker(person):
    allocation = person.allocations.select_related("worker").first()
    if allocation is not None:
        return allocation.worker
    from goldenthread.accounts.factories import PractitionerFactory

    return PractitionerFactory(team=person.team)
