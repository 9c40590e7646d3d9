"""Reads for the Support Sequence pages. Each starts from a person the caller already
reached through `Person.objects.visible_to(user)` (PersonRecordMixin), and costs a fixed
number of queries however many outcomes, steps and solutions there are."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.models import Person

from . import checklist, presenters
from .models import (
    CURRENT_STATUSES,
    DIRECTORY_STEPS,
    ExplorationState,
    Solution,
    StepExploration,
    SupportChecklistAnswer,
    SupportPlanning,
    SupportStep,
)


def solution_for(person: Person, solution_id: uuid.UUID | str) -> Solution | None:
    """One of this person's solutions (with its outcome), or None."""
    return (
        person.support_solutions.select_related("outcome", "person").filter(pk=solution_id).first()
    )


def step_from_slug(step: str) -> SupportStep:
    try:
        return SupportStep(step)
    except ValueError:
        raise Http404("No such step.") from None


def solutions_queryset(person: Person) -> QuerySet[Solution]:
    return person.support_solutions.select_related("community_resource").order_by(
        "created_at", "id"
    )


@dataclass
class StepView:
    """One step of the sequence as the page shows it."""

    step: SupportStep
    prompts: tuple[str, ...]
    exploration: StepExploration | None
    solutions: list[Solution]
    status: str
    tag_colour: str
    searchable: bool
    search_form: object = None  # the directory search form, set by the page for steps 5, 6
    add_form: object = None  # the add-a-solution form, set by the page

    @property
    def number(self) -> int:
        return self.step.number

    @property
    def state(self) -> str:
        return self.exploration.state if self.exploration else ExplorationState.NOT_YET

    @property
    def nothing_suitable(self) -> bool:
        return self.state == ExplorationState.NOTHING_SUITABLE

    @property
    def version(self) -> int:
        return self.exploration.version if self.exploration else 0

    @property
    def has_current_solutions(self) -> bool:
        return any(s.status in CURRENT_STATUSES for s in self.solutions)


@dataclass
class OutcomeSupport:
    outcome: Outcome
    planning: SupportPlanning | None
    variant: presenters.Variant
    steps: list[StepView]
    suggestions: dict[str, checklist.Suggestion]
    answers: dict[str, SupportChecklistAnswer] = field(default_factory=dict)

    @property
    def explored_count(self) -> int:
        return sum(1 for s in self.steps if s.state != ExplorationState.NOT_YET)


def outcome_support(person: Person, outcome: Outcome) -> OutcomeSupport:
    """Everything the Support Sequence page shows for one outcome (4 queries)."""
    planning = person.support_plannings.filter(outcome=outcome).first()
    explorations = list(person.support_explorations.filter(outcome=outcome))
    solutions = list(solutions_queryset(person).filter(outcome=outcome))
    answers = {a.question: a for a in person.support_checklist_answers.filter(outcome=outcome)}
    variant = presenters.plan_variant(person, planning)
    by_step: dict[str, list[Solution]] = defaultdict(list)
    for solution in solutions:
        solution.cost_display = presenters.cost_text(solution.cost, solution.cost_period)
        by_step[solution.step].append(solution)
    exploration_by_step = {e.step: e for e in explorations}
    steps = []
    for step in SupportStep.ordered():
        exploration = exploration_by_step.get(step)
        state = exploration.state if exploration else ExplorationState.NOT_YET
        step_solutions = by_step.get(step, [])
        steps.append(
            StepView(
                step=step,
                prompts=presenters.step_prompts(step, variant.plan_type),
                exploration=exploration,
                solutions=step_solutions,
                status=presenters.exploration_status(state, len(step_solutions)),
                tag_colour=presenters.exploration_tag_colour(state, len(step_solutions)),
                searchable=step in DIRECTORY_STEPS,
            )
        )
    suggestions = checklist.suggest(
        outcome, planning=planning, explorations=explorations, solutions=solutions
    )
    return OutcomeSupport(
        outcome=outcome,
        planning=planning,
        variant=variant,
        steps=steps,
        suggestions=suggestions,
        answers=answers,
    )


@dataclass
class OutcomeCoverage:
    outcome: Outcome
    steps: list[tuple[SupportStep, str, int, str]]  # step, state, solutions, status words

    @property
    def explored(self) -> int:
        return sum(
            1
            for _, state, count, _ in self.steps
            if count or state == ExplorationState.NOTHING_SUITABLE
        )

    @property
    def solution_count(self) -> int:
        return sum(count for _, _, count, _ in self.steps)


def support_summary(person: Person) -> list[OutcomeCoverage]:
    """Every open outcome with how far each step has been explored (3 queries)."""
    outcomes = list(person.outcomes.filter(status=OutcomeStatus.OPEN).order_by("created_at"))
    states = {(e.outcome_id, e.step): e.state for e in person.support_explorations.all()}
    counts: dict[tuple, int] = defaultdict(int)
    for outcome_id, step in person.support_solutions.values_list("outcome_id", "step"):
        counts[(outcome_id, step)] += 1
    return [
        OutcomeCoverage(
            outcome=outcome,
            steps=[
                (step, state, count, presenters.exploration_status(state, count))
                for step in SupportStep.ordered()
                for state, count in [
                    (
                        states.get((outcome.pk, step), ExplorationState.NOT_YET),
                        counts[(outcome.pk, step)],
                    )
                ]
            ],
        )
        for outcome in outcomes
    ]


def open_replacement(outcome: Outcome) -> Outcome | None:
    """The open outcome that replaced this one, following rewrites (None if there is none)."""
    seen: set[uuid.UUID] = set()
    current: Outcome | None = outcome
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        current = Outcome.objects.filter(replaces=current).first()
        if current is not None and current.status == OutcomeStatus.OPEN:
            return current
    return None
