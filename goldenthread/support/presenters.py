"""Display wording for the Support Sequence and the support plan (not model methods, not
template filters). The prompts are the workbook's own words (seeds/001)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from goldenthread.core.formatting import money_per_period_text, money_text
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.models import Person
from goldenthread.people.presenters import age_on

from .models import (
    ADULT_AGE,
    ChecklistQuestion,
    ExplorationState,
    PlanType,
    SolutionStatus,
    SupportPlanning,
    SupportStep,
)

# The workbook's questions for each step, asked of the person ("you").
STEP_PROMPTS: dict[str, tuple[str, ...]] = {
    SupportStep.YOURSELF: (
        "How can you build on the strengths and qualities that you already have?",
        "What else could you do to improve your knowledge, skills or confidence?",
    ),
    SupportStep.TECHNOLOGY: ("Are there any apps or technology that could help?",),
    SupportStep.EQUIPMENT: (
        "Are there any products or equipment that could help?",
        "Are there any physical changes that could be made to your home or environment "
        "that could help?",
    ),
    SupportStep.FAMILY_FRIENDS: (
        "Is there anything that your family, friends or neighbours could help with?",
    ),
    SupportStep.COMMUNITY: (
        "Are there places, groups or events happening in your community that could help?",
    ),
}

# Steps 6 and 7 have a young-person and an adult wording.
VARIANT_PROMPTS: dict[str, dict[str, tuple[str, ...]]] = {
    SupportStep.SERVICES: {
        PlanType.YOUNG_PERSON: (
            "What could your school or college do to help?",
            "What is available in the local offer?",
        ),
        PlanType.ADULT: (
            "Are there any general health or social services that could help?",
            "What is available through universal services?",
        ),
    },
    SupportStep.SUPPORT: {
        PlanType.YOUNG_PERSON: ("Could additional specialist support help?",),
        PlanType.ADULT: (
            "Could you organise support that could help?",
            "If you already have a provider, is there anything they could do or do differently?",
        ),
    },
}

# The checklist's questions for steps 6 and 7, in each wording.
VARIANT_CHECKLIST: dict[str, dict[str, str]] = {
    ChecklistQuestion.SERVICES: {
        PlanType.YOUNG_PERSON: "Did I review what the school or college could do to help and "
        "what is available in the local offer?",
        PlanType.ADULT: "Did I consider whether there are any general health or social "
        "services that could help and what is available through universal services?",
    },
    ChecklistQuestion.SUPPORT: {
        PlanType.YOUNG_PERSON: "Did I explore whether additional specialist support could help?",
        PlanType.ADULT: "Did I consider how to organise support that could help? Did I review "
        "whether there is anything an existing provider could do or do differently?",
    },
}

# Easy-read names for each step (P-5): everyday words.
EASY_READ_STEP = {
    SupportStep.YOURSELF: "Things I can do myself",
    SupportStep.TECHNOLOGY: "Apps and technology",
    SupportStep.EQUIPMENT: "Equipment and changes at home",
    SupportStep.FAMILY_FRIENDS: "Family, friends and neighbours",
    SupportStep.COMMUNITY: "Groups and places near me",
    SupportStep.SERVICES: "Services",
    SupportStep.SUPPORT: "Paid support",
}

EASY_READ_STATUS: dict[str, str] = {
    SolutionStatus.IDEA: "This is an idea. We have not agreed it yet.",
    SolutionStatus.AGREED: "We have agreed this.",
    SolutionStatus.IN_PLACE: "This is happening now.",
    SolutionStatus.TRIED_AND_STOPPED: "I tried this. It has stopped.",
    SolutionStatus.DECLINED: "I said no to this.",
}

STATUS_TAG_COLOUR = {
    SolutionStatus.IDEA: "grey",
    SolutionStatus.AGREED: "blue",
    SolutionStatus.IN_PLACE: "green",
    SolutionStatus.TRIED_AND_STOPPED: "orange",
    SolutionStatus.DECLINED: "red",
}

_KEPT = "so its Support Sequence is kept as it was"
CLOSED_OUTCOME_TEXT = {
    OutcomeStatus.ACHIEVED: f"This outcome has been achieved, {_KEPT}: nothing here can be "
    "added or changed.",
    OutcomeStatus.CLOSED: f"This outcome has been closed, {_KEPT}: nothing here can be added "
    "or changed.",
    OutcomeStatus.REPLACED: f"This outcome has been rewritten at a review, {_KEPT}: plan "
    "support for the outcome that replaced it.",
}


def closed_outcome_text(outcome) -> str:
    """Why an achieved, closed or rewritten outcome's Support Sequence offers nothing to
    change ("" while the outcome is open)."""
    return CLOSED_OUTCOME_TEXT.get(outcome.status, "")


# The one money formatter (core/formatting.py), as the support plan calls it.
money = money_text


def cost_text(cost: Decimal | None, period: str) -> str:
    """'£12.50 a week', '£300.00 one-off', or 'No cost'."""
    return money_per_period_text(cost, period, none="No cost")


@dataclass(frozen=True)
class Variant:
    """Which wording of steps 6 and 7 applies, and why (SS-1)."""

    plan_type: str
    label: str
    reason: str
    overridden: bool


def plan_variant(
    person: Person, planning: SupportPlanning | None, day: datetime.date | None = None
) -> Variant:
    """Young person under 18, adult from 18, unless someone chose otherwise."""
    age = age_on(person.date_of_birth, day or timezone.localdate())
    from_age = PlanType.YOUNG_PERSON if age < ADULT_AGE else PlanType.ADULT
    if planning is not None and planning.plan_type_override:
        chosen = planning.plan_type_override
        return Variant(
            plan_type=chosen,
            label=PlanType(chosen).label,
            reason=(
                f"Chosen for this outcome (from {person.display_name}'s age, {age}, it would "
                f"be the {PlanType(from_age).label.lower()} questions)."
            ),
            overridden=True,
        )
    return Variant(
        plan_type=from_age,
        label=PlanType(from_age).label,
        reason=f"From {person.display_name}'s age ({age}).",
        overridden=False,
    )


def step_prompts(step: str, plan_type: str) -> tuple[str, ...]:
    if step in VARIANT_PROMPTS:
        return VARIANT_PROMPTS[step][plan_type]
    return STEP_PROMPTS[step]


def checklist_question_text(question: str, plan_type: str) -> str:
    if question in VARIANT_CHECKLIST:
        return VARIANT_CHECKLIST[question][plan_type]
    return ChecklistQuestion(question).label


def step_heading(step: str) -> str:
    step = SupportStep(step)
    return f"{step.number}. {step.label}"


def exploration_status(state: str, solution_count: int) -> str:
    """The step's status in words (never colour alone)."""
    if state == ExplorationState.NOTHING_SUITABLE:
        return "Explored, nothing suitable"
    if solution_count:
        return f"Explored: {solution_count} solution{'s' if solution_count != 1 else ''}"
    return "Not yet considered"


def exploration_tag_colour(state: str, solution_count: int) -> str:
    if state == ExplorationState.NOTHING_SUITABLE:
        return "orange"
    return "green" if solution_count else "grey"


def funded_text(lines) -> str:
    """What an agreed budget pays for one solution: "£80.00 a week from your budget"."""
    amounts = " and ".join(money_per_period_text(amount, period) for amount, period in lines)
    return f"{amounts} from your budget"
