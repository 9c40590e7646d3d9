"""The support plan (SPEC SS-6, P-5) as plain data, built once and rendered three ways:
on screen, as a PDF, and in easy read.

    plan = build_plan(person)          # a PlanDocument; a fixed number of queries (7)

What it gathers: the person's name and "About me" basics (how to communicate with them);
what matters, where matters, who matters and their hopes (Outcome Sequence step 1, from
every conversation); each open outcome with its starting point, how we will know, by when,
what they have tried already and their ideas, and its solutions grouped by Support
Sequence step with who does what and the cost; and the costs added up (Decimal).

Extension points (for SDS options and budgets, risk enablement and decisions):

- Named optional fields, `None` or empty until their app fills them, each a `PlanSection`
  so every rendering can show them without new templates:
    `risks`        RISK-1: what could go wrong, what good it brings, what was agreed
    `sds_choices`  SDS-1/2: the options explained, the person's choice and why
    `budget`       SDS-3: indicative and agreed budget, the person's contribution
    `decisions`    SDS-5: decisions that affect the person's choices, support or budget
- `sections`: any further PlanSection, shown after those, in order.
- `register_plan_contributor(fn)`: `fn(person, plan)` is called by `build_plan` after the
  support data is gathered and may set the fields above or append to `sections`. A
  contributor must cost a fixed number of queries (no query per outcome), so the plan
  stays constant-cost as it grows; tests assert this.

A PlanSection has a standard title (for example "Risks we talked about") and an easy-read
title written as a question ("What could go wrong?"); each item has a `label`, the `text`
and an optional `easy_text` (short sentences, everyday words) used in the easy-read
version. Text is data: templates escape it, so the person's own words always appear
literally, never as markup.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
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

from . import presenters
from .models import (
    COSTED_STATUSES,
    CURRENT_STATUSES,
    PERIODS_PER_YEAR,
    CostPeriod,
    ExplorationState,
    Solution,
    SolutionStatus,
    SupportStep,
)


@dataclass(frozen=True)
class PlanRef:
    """Names the item of the record a part of the plan shows, (app_label.Model, pk), so the
    person's own words about it are shown beside it (#12, P-2)."""

    words_ref: tuple[str, Any]


class PlanText(str):
    """A line of the plan in the words recorded (it is the string), naming its item."""

    words_ref: tuple[str, Any] | None

    def __new__(cls, text: str, words_ref: tuple[str, Any] | None = None) -> PlanText:
        made = super().__new__(cls, text)
        made.words_ref = words_ref
        return made


@dataclass(frozen=True)
class PlanItem:
    label: str
    text: str
    easy_text: str = ""
    # Which item it shows (not part of what it says, so not compared).
    words_ref: tuple[str, Any] | None = field(default=None, compare=False)


@dataclass
class PlanSection:
    key: str
    title: str
    easy_title: str
    items: list[PlanItem] = field(default_factory=list)
    intro: str = ""
    easy_intro: str = ""


@dataclass(frozen=True)
class PlanSolution:
    what: str
    who: str
    step: str
    step_label: str
    status: str
    status_label: str
    easy_status: str
    cost: Decimal | None
    cost_period: str
    cost_text: str
    community_resource: str
    notes: str
    pk: Any = None
    # Set when an agreed budget pays for it: "£80.00 a week from your budget".
    funded_text: str = ""

    @property
    def words_ref(self) -> tuple[str, Any] | None:
        return ("support.Solution", self.pk) if self.pk is not None else None

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


@dataclass
class PlanStep:
    step: str
    number: int
    label: str
    easy_label: str
    state: str
    status_text: str
    nothing_suitable_note: str
    solutions: list[PlanSolution]


@dataclass
class PlanOutcome:
    statement: str
    baseline: str
    measure: str
    target_date: datetime.date | None
    target_date_text: str
    tried_already: str
    own_ideas: str
    plan_type_label: str
    steps: list[PlanStep]
    pk: Any = None
    # What they have tried and their ideas (support.SupportPlanning), when recorded.
    planning: PlanRef | None = None

    @property
    def words_ref(self) -> tuple[str, Any] | None:
        return ("outcomes.Outcome", self.pk) if self.pk is not None else None

    @property
    def current_solutions(self) -> list[PlanSolution]:
        return [s for step in self.steps for s in step.solutions if s.is_current]

    @property
    def earlier_solutions(self) -> list[PlanSolution]:
        """Tried and stopped, or declined: kept so the person sees the whole story."""
        return [s for step in self.steps for s in step.solutions if not s.is_current]

    @property
    def steps_with_solutions(self) -> list[PlanStep]:
        return [s for s in self.steps if any(x.is_current for x in s.solutions)]


@dataclass(frozen=True)
class CostLine:
    period: str
    label: str
    amount: Decimal
    amount_text: str


@dataclass
class PlanCosts:
    """Costs of agreed and in-place solutions, per period and as an estimate for a year
    (a week x 52, a month x 12, a year x 1, one-off costs once). Ideas not yet agreed are
    counted separately: they are not part of the plan's cost until agreed."""

    lines: list[CostLine]
    year_total: Decimal
    year_total_text: str
    ideas_year_total: Decimal
    ideas_year_total_text: str
    costed_count: int
    # Paid each time it is used: shown, never guessed into the year's estimate.
    per_session: Decimal = Decimal("0.00")

    @property
    def has_costs(self) -> bool:
        return bool(self.costed_count)


@dataclass(frozen=True)
class PlanFunding:
    """The agreed budget, in numbers, set by the SDS contributor (SDS-3): what it is a
    year, and what each budget line pays for a solution ({solution pk: (amount, period)}).
    The plan's sentences about money are worked out from this and PlanCosts together."""

    agreed_per_year: Decimal
    by_solution: dict[Any, list[tuple[Decimal, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class MoneyWords:
    """Every sentence the plan says about money, standard and easy read (one source)."""

    costs_money: bool
    standard: list[str]
    easy: list[str]


@dataclass(frozen=True)
class PlanMedia:
    """A picture, sound recording or video from the person's About me (P-4, Std 4.3), for
    the plan: what it shows in their words, its checked type (set at upload from its
    content), and `read`, which returns its bytes through the storage API (never a URL
    or a path), at most `limit` bytes, or None when it is larger or gone."""

    kind: str  # "image", "audio" or "video"
    description: str
    content_type: str
    read: Callable[[int], bytes | None] = field(compare=False, repr=False)
    # Its id on the record, for the record's own permission-checked, logged file view.
    media_id: Any = None


@dataclass
class PlanDocument:
    person_name: str
    full_name: str
    communication_needs: str
    prepared_on: datetime.date
    what_matters: list[str]
    where_matters: list[str]
    who_matters: list[PlanItem]
    aspirations: list[str]
    outcomes: list[PlanOutcome]
    costs: PlanCosts
    helpers: list[str]
    # Extension points: see the module docstring.
    risks: PlanSection | None = None
    sds_choices: PlanSection | None = None
    budget: PlanSection | None = None
    decisions: PlanSection | None = None
    sections: list[PlanSection] = field(default_factory=list)
    funding: PlanFunding | None = None
    # The person's details (how to communicate with them): their words about it beside it.
    details: PlanRef | None = None
    # About me's pictures, sound and video (filled by the person's own record, #12).
    about_me_media: list[PlanMedia] = field(default_factory=list)

    @property
    def money(self) -> MoneyWords:
        return presenters.plan_money_words(self.costs, self.funding)

    @property
    def extra_sections(self) -> list[PlanSection]:
        named = [self.risks, self.sds_choices, self.budget, self.decisions]
        return [s for s in named if s is not None] + list(self.sections)

    @property
    def solution_count(self) -> int:
        return sum(len(s.solutions) for o in self.outcomes for s in o.steps)


PlanContributor = Callable[[Person, PlanDocument], None]
_CONTRIBUTORS: list[PlanContributor] = []


def register_plan_contributor(contributor: PlanContributor) -> PlanContributor:
    """Add a function that fills an extension point of every plan (see module docstring).
    Usable as a decorator; registering the same function twice has no effect."""
    if contributor not in _CONTRIBUTORS:
        _CONTRIBUTORS.append(contributor)
    return contributor


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


def build_plan(person: Person, *, day: datetime.date | None = None) -> PlanDocument:
    """Gather the person's support plan. Seven queries, whatever the number of outcomes,
    conversations or solutions (plus a fixed number per registered contributor)."""
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
    )
    for contributor in _CONTRIBUTORS:
        contributor(person, plan)
    if plan.funding is not None:
        _show_funding(plan, plan.funding)
    return plan


def _show_funding(plan: PlanDocument, funding: PlanFunding) -> None:
    """Each solution an agreed budget pays for says so, with the amount, so no solution
    paid from the budget reads "No cost"."""
    for outcome in plan.outcomes:
        for step in outcome.steps:
            step.solutions = [
                replace(s, funded_text=presenters.funded_text(funding.by_solution[s.pk]))
                if s.pk in funding.by_solution
                else s
                for s in step.solutions
            ]
