"""Factories for the Support Sequence (tests, demo and synthetic data).

These write rows directly, as factories do; pages, the API and commands always go through
services.py.
"""

from __future__ import annotations

from decimal import Decimal

import factory

from goldenthread.outcomes.factories import OutcomeFactory

from .models import (
    ExplorationState,
    Solution,
    SolutionStatus,
    SolutionStatusChange,
    StepExploration,
    SupportPlanning,
    SupportStep,
)


class SupportPlanningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlanning

    outcome = factory.SubFactory(OutcomeFactory)
    person = factory.SelfAttribute("outcome.person")
    tried_already = "Tried the community bus once, but the step was too high."
    own_ideas = "Maybe my neighbour could drive me on Thursdays."
    plan_type_override = ""


class StepExplorationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StepExploration
        django_get_or_create = ("outcome", "step")

    outcome = factory.SubFactory(OutcomeFactory)
    person = factory.SelfAttribute("outcome.person")
    step = SupportStep.TECHNOLOGY
    state = ExplorationState.NOTHING_SUITABLE
    note = factory.LazyAttribute(
        lambda e: (
            "Jean does not want a device at home"
            if e.state == ExplorationState.NOTHING_SUITABLE
            else ""
        )
    )


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution
        skip_postgeneration_save = True

    outcome = factory.SubFactory(OutcomeFactory)
    person = factory.SelfAttribute("outcome.person")
    step = SupportStep.FAMILY_FRIENDS
    what = "Lift to the bowling club on Thursdays"
    who = "Ann (daughter)"
    cost = None
    cost_period = ""
    status = SolutionStatus.AGREED
    notes = ""

    class Params:
        costed = factory.Trait(
            cost=Decimal("45.00"),
            cost_period="week",
            step=SupportStep.SUPPORT,
            what="Support worker, 3 hours a week",
            who="Northfield Home Support",
        )

    @factory.post_generation
    def explored(self, create, extracted, **kwargs):
        """Keep the step's state true to its solutions, as the services do."""
        if not create:
            return
        SolutionStatusChange.objects.create(
            solution=self, person_id=self.person_id, from_status="", to_status=self.status
        )
        exploration, _ = StepExploration.objects.get_or_create(
            outcome_id=self.outcome_id,
            step=self.step,
            defaults={"person_id": self.person_id, "state": ExplorationState.EXPLORED},
        )
        if exploration.state == ExplorationState.NOT_YET:
            exploration.state = ExplorationState.EXPLORED
            exploration.save(update_fields=["state"])
