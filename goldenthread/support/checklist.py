"""SS-5: what the record suggests for each question of "How well did I use the Support
Sequence?". The practitioner answers; a suggestion never overrides their answer.

Suggestions are computed from rows already loaded for the page (no queries here), so the
Support Sequence page costs the same whatever the outcome holds.

Extension point for the SDS engineer: "Did we consider personal budgets?" is suggested from
whether any step-7 solution has a cost. Other evidence (an SDS option explained, a budget
told to the person) can be added without changing this module:

    from goldenthread.support.checklist import PERSONAL_BUDGET_SOURCES, Suggestion

    def sds_budget_evidence(outcome, context) -> Suggestion | None:
        ...  # return None when there is nothing to say
    PERSONAL_BUDGET_SOURCES.append(sds_budget_evidence)   # e.g. in SdsConfig.ready()

Each source gets the outcome and the `ChecklistContext`; the first source that returns a
Suggestion wins over the default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from goldenthread.core.questionnaires import Suggestion  # a ChecklistAnswerChoice value, or ""

from .models import (
    ChecklistAnswerChoice,
    ChecklistQuestion,
    ExplorationState,
    Solution,
    StepExploration,
    SupportPlanning,
    SupportStep,
)


@dataclass(frozen=True)
class ChecklistContext:
    planning: SupportPlanning | None
    explorations: Mapping[str, StepExploration]
    solutions: tuple[Solution, ...]


PERSONAL_BUDGET_SOURCES: list[Callable[[object, ChecklistContext], Suggestion | None]] = []


def _tried_already(planning: SupportPlanning | None) -> Suggestion:
    tried = bool(planning and planning.tried_already.strip())
    ideas = bool(planning and planning.own_ideas.strip())
    if tried and ideas:
        return Suggestion(
            ChecklistAnswerChoice.YES,
            "What the person has tried and their own ideas are both recorded.",
        )
    if tried:
        return Suggestion(
            ChecklistAnswerChoice.PARTLY,
            "What the person has tried is recorded, but not their own ideas.",
        )
    if ideas:
        return Suggestion(
            ChecklistAnswerChoice.PARTLY,
            "The person's ideas are recorded, but not what they have tried already.",
        )
    return Suggestion(
        ChecklistAnswerChoice.NOT_YET,
        "Nothing is recorded yet about what the person has tried already or their ideas.",
    )


def _step(step: SupportStep, context: ChecklistContext) -> Suggestion:
    exploration = context.explorations.get(step)
    count = sum(1 for s in context.solutions if s.step == step)
    name = f"Step {step.number} ({step.label})"
    if exploration is not None and exploration.state == ExplorationState.NOTHING_SUITABLE:
        return Suggestion(
            ChecklistAnswerChoice.YES, f"{name} is recorded as explored, with nothing suitable."
        )
    if count:
        return Suggestion(
            ChecklistAnswerChoice.YES,
            f"{name} has {count} solution{'s' if count != 1 else ''} recorded.",
        )
    return Suggestion(ChecklistAnswerChoice.NOT_YET, f"{name} has not been explored yet.")


def _personal_budgets(outcome, context: ChecklistContext) -> Suggestion:
    for source in PERSONAL_BUDGET_SOURCES:
        found = source(outcome, context)
        if found is not None:
            return found
    costed = [s for s in context.solutions if s.step == SupportStep.SUPPORT and s.cost is not None]
    if costed:
        return Suggestion(
            ChecklistAnswerChoice.YES,
            f"Step 7 (Support) has {len(costed)} solution{'s' if len(costed) != 1 else ''} "
            "with a cost, so a budget has been thought about.",
        )
    return Suggestion(
        ChecklistAnswerChoice.NOT_YET,
        "No solution in step 7 (Support) has a cost yet.",
    )


STEP_QUESTIONS = {
    ChecklistQuestion.YOURSELF: SupportStep.YOURSELF,
    ChecklistQuestion.TECHNOLOGY: SupportStep.TECHNOLOGY,
    ChecklistQuestion.EQUIPMENT: SupportStep.EQUIPMENT,
    ChecklistQuestion.FAMILY_FRIENDS: SupportStep.FAMILY_FRIENDS,
    ChecklistQuestion.COMMUNITY: SupportStep.COMMUNITY,
    ChecklistQuestion.SERVICES: SupportStep.SERVICES,
    ChecklistQuestion.SUPPORT: SupportStep.SUPPORT,
}


def suggest(
    outcome,
    *,
    planning: SupportPlanning | None,
    explorations: Iterable[StepExploration],
    solutions: Iterable[Solution],
) -> dict[str, Suggestion]:
    """A suggestion for every checklist question, in the workbook's order."""
    context = ChecklistContext(
        planning=planning,
        explorations={e.step: e for e in explorations},
        solutions=tuple(solutions),
    )
    result: dict[str, Suggestion] = {}
    for question in ChecklistQuestion:
        if question == ChecklistQuestion.TRIED_ALREADY:
            result[question] = _tried_already(planning)
        elif question in STEP_QUESTIONS:
            result[question] = _step(STEP_QUESTIONS[question], context)
        elif question == ChecklistQuestion.PERSONAL_BUDGETS:
            result[question] = _personal_budgets(outcome, context)
        else:
            result[question] = Suggestion("", "Only you can answer this.")
    return result
