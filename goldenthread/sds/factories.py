"""Factories for SDS choices, budgets, decisions and unmet need (tests, demo, synthetic data).

Budget requests are made through the service (`make_budget_request`), so their totals, lines
and history are always consistent; the plain model factories are for rows that stand alone.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.accounts.models import Role
from goldenthread.people.factories import PersonFactory

from . import services
from .models import (
    BudgetPeriod,
    Decision,
    DecisionAbout,
    DelegatedLimit,
    HowTold,
    IndicativeBudget,
    NeedCategory,
    SdsOption,
    UnmetNeed,
    UnmetReason,
)


def _worker(person):
    allocation = person.allocations.select_related("worker").first()
    if allocation is not None:
        return allocation.worker
    return PractitionerFactory(team=person.team)


class DelegatedLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegatedLimit
        django_get_or_create = ("role", "user")

    role = Role.PRACTITIONER
    user = None
    amount_per_year = Decimal("8000.00")


def set_limits(
    *, practitioner: str | Decimal = "8000.00", team_leader: str | Decimal = "35000.00"
) -> None:
    """The role limits used by the tests and the demo (a year's budget)."""
    for role, amount in ((Role.PRACTITIONER, practitioner), (Role.TEAM_LEADER, team_leader)):
        DelegatedLimit.objects.update_or_create(
            role=role, user=None, defaults={"amount_per_year": Decimal(amount)}
        )


class UnmetNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnmetNeed

    person = factory.SubFactory(PersonFactory)
    need = "Help to get to the bowling club on Thursdays"
    category = NeedCategory.GETTING_OUT
    reason = UnmetReason.NO_PROVIDER
    alternative_offered = "A volunteer driver once a fortnight"
    identified_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    recorded_by = factory.LazyAttribute(lambda o: _worker(o.person))


class IndicativeBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicativeBudget

    person = factory.SubFactory(PersonFactory)
    amount = Decimal("9500.00")
    period = BudgetPeriod.YEAR
    told_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=14))
    how_told = HowTold.CONVERSATION
    recorded_by = factory.LazyAttribute(lambda o: _worker(o.person))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    person = factory.SubFactory(PersonFactory)
    about = DecisionAbout.SUPPORT
    summary = "A personal assistant on Thursday afternoons rather than a day centre place"
    reasons = "Jean said the day centre is too far and she wants to be at her club."
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    decided_by = "Jean and her social worker"
    recorded_by = factory.LazyAttribute(lambda o: _worker(o.person))


def record_options(
    person,
    *,
    actor=None,
    chosen: str = SdsOption.OPTION_2,
    explained_on: datetime.date | None = None,
    reasons: str = "I want to choose who comes, but not be an employer.",
):
    """All four options explained in conversation with a leaflet; `chosen` chosen."""
    actor = actor or _worker(person)
    day = explained_on or timezone.localdate() - datetime.timedelta(days=10)
    explanations = [
        services.Explanation(
            option=o.value,
            explained=True,
            ways=frozenset({"in_conversation", "by_leaflet"}),
            explained_on=day,
        )
        for o in SdsOption
    ]
    return services.sds_options_record(
        actor=actor,
        person=person,
        explanations=explanations,
        chosen_option=chosen,
        chosen_on=day if chosen else None,
        reasons=reasons if chosen else "",
    )


def make_budget_request(
    person,
    *,
    actor=None,
    lines=None,
    start_date=None,
    contribution: Decimal = Decimal("0.00"),
    at=None,
):
    """A budget request sent through the service. `lines`: (description, amount, period)
    or LineInput items; default two lines, £6,240.00 a year."""
    actor = actor or _worker(person)
    items = []
    for line in lines or [
        ("Personal assistant, 4 hours a week", Decimal("80.00"), "week"),
        ("Bowling club membership", Decimal("40.00"), "month"),
    ]:
        if isinstance(line, services.LineInput):
            items.append(line)
        else:
            description, amount, period = line
            items.append(
                services.LineInput(description=description, amount=Decimal(amount), period=period)
            )
    return services.budget_request_submit(
        actor=actor,
        person=person,
        lines=items,
        start_date=start_date or timezone.localdate(),
        case_for_request="To get Jean back to her bowling club with a personal assistant.",
        contribution=contribution,
        at=at,
    )


def sds_record_kwargs(person) -> dict:
    """One of each SDS item a person-scoped URL points at, as URL kwargs (for the access
    tests' full_record fixture): request_id, decision_id, unmet_need_id, shortfall_id."""
    actor = _worker(person)
    budget_request = make_budget_request(person, actor=actor)
    decision = DecisionFactory.create(person=person, recorded_by=actor)
    unmet = UnmetNeedFactory.create(person=person, recorded_by=actor)
    shortfall = services.first_choice_not_delivered_record(
        actor=actor,
        person=person,
        first_choice=SdsOption.OPTION_1,
        why="No personal assistants are free in the area at the moment.",
        alternative_offered="A care agency visit on Thursdays, arranged by the council",
        alternative_option=SdsOption.OPTION_3,
        plan_to_meet_need="Look again in three months.",
        need="Support to get to the club",
        category=NeedCategory.GETTING_OUT,
        identified_on=timezone.localdate(),
    )
    return {
        "request_id": budget_request.pk,
        "line_id": budget_request.lines.first().pk,
        "decision_id": decision.pk,
        "unmet_need_id": unmet.pk,
        "shortfall_id": shortfall.pk,
    }
