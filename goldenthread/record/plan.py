"""The support plan (SPEC SS-6, P-5), built once as plain data (record/plan_document.py) and
rendered three ways: on screen, as a PDF (record/pdf.py), and in easy read.

    plan = build_plan(person)          # a PlanDocument; a fixed number of queries

`person` comes through the one door to a person's record (people/access.py: the scoped
queryset, the access logged); everything here reads that person's rows only. The support
data (seven queries, whatever the number of outcomes, conversations or solutions) is
gathered here; the other domain apps' parts are read from each app directly, in this
order, each at a fixed number of queries (tests assert it):

    SDS (plan_sds.py)              funding, sds_choices, budget, decisions, needs not met
    risk enablement (plan_risk.py) risks
    accountability (plan_accountability.py)  moves, advocacy, what was agreed
    About me (plan_about_me.py)    pictures, sound and video (read by model: ADR 0009)

A new part of the plan is a function in record/ called from `build_plan`, never a hook in
the app it reads (docs/adr/0009-layers.md).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone

from goldenthread.conversations.models import (
    Aspiration,
    MattersItem,
    MattersKind,
    StepItem,
    WhoMatters,
)
from goldenthread.core.formatting import date_text
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.models import Person
from goldenthread.support import presenters
from goldenthread.support.models import (
    COSTED_STATUSES,
    CURRENT_STATUSES,
    PERIODS_PER_YEAR,
    CostPeriod,
    ExplorationState,
    Solution,
    SolutionStatus,
    SupportStep,
)

from . import plan_about_me, plan_accountability, plan_risk, plan_sds
from .plan_document import (
    TO_THE_PERSON,
    CostLine,
    PlanCosts,
    PlanDocument,
    PlanFunding,
    PlanItem,
    PlanOutcome,
    PlanReader,
    PlanRef,
    PlanSolution,
    PlanStep,
    PlanText,
)


def _ref(obj: Model) -> tuple[str, Any]:
    return (obj._meta.label, obj.pk)


def _text(obj: StepItem) -> PlanText:
    return PlanText(obj.text, _ref(obj))


def _date_text(day: datetime.date | None) -> str:
    return date_text(day)


def _solution(solution: Solution, resource_names: dict[Any, str]) -> PlanSolution:
    step = SupportStep(solution.step)
    return PlanSolution(
        what=solution.what,
        who=solution.who,
        step=step.value,
        step_label=step.label,
        status=solution.status,
        status_label=SolutionStatus(solution.status).label,
        easy_status=presenters.EASY_READ_STATUS[solution.status],
        cost=solution.cost,
        cost_period=solution.cost_period,
        cost_text=presenters.cost_text(solution.cost, solution.cost_period),
        community_resource=resource_names.get(solution.pk, ""),
        notes=solution.notes,
        pk=solution.pk,
    )


def _costs(solutions: Iterable[Solution]) -> PlanCosts:
    per_period: dict[str, Decimal] = defaultdict(Decimal)
    year = Decimal("0.00")
    ideas_year = Decimal("0.00")
    costed = 0
    for solution in solutions:
        if solution.cost is None:
            continue
        times = PERIODS_PER_YEAR.get(CostPeriod(solution.cost_period))
        yearly = solution.cost * times if times is not None else Decimal("0.00")
        if solution.status in COSTED_STATUSES:
            costed += 1
            per_period[solution.cost_period] += solution.cost
            year += yearly
        elif solution.status == SolutionStatus.IDEA:
            ideas_year += yearly
    lines = [
        CostLine(
            period=p.value,
            label=p.label,
            amount=per_period[p],
            amount_text=presenters.money(per_period[p]),
        )
        for p in (
            CostPeriod.WEEK,
            CostPeriod.MONTH,
            CostPeriod.YEAR,
            CostPeriod.ONE_OFF,
            CostPeriod.SESSION,
        )
        if p in per_period
    ]
    return PlanCosts(
        lines=lines,
        year_total=year,
        year_total_text=presenters.money(year),
        ideas_year_total=ideas_year,
        ideas_year_total_text=presenters.money(ideas_year),
        costed_count=costed,
        per_session=per_period.get(CostPeriod.SESSION, Decimal("0.00")),
    )


def build_plan(
    person: Person, *, day: datetime.date | None = None, reader: PlanReader = TO_THE_PERSON
) -> PlanDocument:
    """Gather the person's support plan. Seven queries, whatever the number of outcomes,
    conversations or solutions, plus a fixed number for each other app's part (see the
    module docstring). Its own words speak to `reader`: the person ("your budget"; staff's
    plan and the person's own copy), or a proxy, to whom they name the person (P-1)."""
    day = day or timezone.localdate()
    matters = list(
        MattersItem.objects.filter(person=person).order_by("conversation__held_on", "created_at")
    )
    who_matters = list(
        WhoMatters.objects.filter(person=person)
        .select_related("circle_member")
        .order_by("conversation__held_on", "created_at")
    )
    aspirations = list(
        Aspiration.objects.filter(person=person).order_by("conversation__held_on", "created_at")
    )
    outcomes = list(person.outcomes.filter(status=OutcomeStatus.OPEN).order_by("created_at", "id"))
    plannings = {p.outcome_id: p for p in person.support_plannings.all()}
    explorations = {(e.outcome_id, e.step): e for e in person.support_explorations.all()}
    solutions = list(
        person.support_solutions.filter(outcome__status=OutcomeStatus.OPEN)
        .select_related("community_resource")
        .order_by("created_at", "id")
    )
    resource_names = {
        s.pk: s.community_resource.name for s in solutions if s.community_resource is not None
    }
    by_outcome_step: dict[tuple, list] = defaultdict(list)
    for solution in solutions:
        by_outcome_step[(solution.outcome_id, solution.step)].append(solution)

    plan_outcomes = []
    for outcome in outcomes:
        planning = plannings.get(outcome.pk)
        variant = presenters.plan_variant(person, planning, day)
        steps = []
        for step in SupportStep.ordered():
            exploration = explorations.get((outcome.pk, step))
            state = exploration.state if exploration else ExplorationState.NOT_YET
            step_solutions = by_outcome_step.get((outcome.pk, step), [])
            steps.append(
                PlanStep(
                    step=step.value,
                    number=step.number,
                    label=step.label,
                    easy_label=presenters.EASY_READ_STEP[step],
                    state=state,
                    status_text=presenters.exploration_status(state, len(step_solutions)),
                    nothing_suitable_note=exploration.note if exploration else "",
                    solutions=[_solution(s, resource_names) for s in step_solutions],
                )
            )
        plan_outcomes.append(
            PlanOutcome(
                statement=outcome.statement,
                baseline=outcome.baseline,
                measure=outcome.measure,
                target_date=outcome.target_date,
                target_date_text=_date_text(outcome.target_date),
                tried_already=planning.tried_already if planning else "",
                own_ideas=planning.own_ideas if planning else "",
                plan_type_label=variant.label,
                steps=steps,
                pk=outcome.pk,
                planning=PlanRef(("support.SupportPlanning", planning.pk)) if planning else None,
            )
        )

    helpers: list[str] = []
    for solution in solutions:
        if solution.status in CURRENT_STATUSES and solution.who and solution.who not in helpers:
            helpers.append(solution.who)

    plan = PlanDocument(
        person_name=person.display_name,
        full_name=f"{person.given_name} {person.family_name}",
        communication_needs=person.communication_needs,
        prepared_on=day,
        what_matters=[_text(m) for m in matters if m.kind == MattersKind.WHAT],
        where_matters=[_text(m) for m in matters if m.kind == MattersKind.WHERE],
        who_matters=[
            PlanItem(
                label=f"{w.circle_member.name} ({w.circle_member.relationship})",
                text=w.text,
                words_ref=_ref(w),
            )
            for w in who_matters
        ],
        aspirations=[_text(a) for a in aspirations],
        outcomes=plan_outcomes,
        costs=_costs(solutions),
        helpers=helpers,
        details=PlanRef(_ref(person)),
        reader=reader,
    )
    plan_sds.add_to_plan(person, plan)
    plan_risk.add_to_plan(person, plan)
    plan_accountability.add_to_plan(person, plan)
    plan_about_me.add_to_plan(person, plan)
    if plan.funding is not None:
        _show_funding(plan, plan.funding)
    return plan


def _show_funding(plan: PlanDocument, funding: PlanFunding) -> None:
    """Each solution an agreed budget pays for says so, with the amount, so no solution
    paid from the budget reads "No cost"."""
    for outcome in plan.outcomes:
        for step in outcome.steps:
            step.solutions = [
                replace(s, funded_text=_funded_text(plan, funding.by_solution[s.pk]))
                if s.pk in funding.by_solution
                else s
                for s in step.solutions
            ]


def _funded_text(plan: PlanDocument, lines: Iterable[tuple[Decimal, str]]) -> str:
    """What the agreed budget pays for a solution, to the plan's reader: "£80.00 a week
    from your budget", or in a proxy's copy "… from <name>'s budget"."""
    text = presenters.funded_text(lines)
    amounts = text.removesuffix(" from your budget")
    return plan.reader.say((text, amounts + " from {name}'s budget"))
