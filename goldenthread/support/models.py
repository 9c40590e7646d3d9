"""The Support Sequence for each outcome, its solutions, and the practitioner checklist
(SPEC SS-1, SS-2, SS-3, SS-5; SDS Standards 2, 3 and 9.2).

Per outcome:

- `SupportPlanning` — before step 1 (SS-2): what the person has tried already, their own
  ideas, and which wording of steps 6 and 7 applies (young person or adult: chosen from the
  person's age unless someone chose otherwise).
- `StepExploration` — one row per (outcome, step) once the step has been looked at. No row,
  or state "not_yet", means "not yet considered"; "explored" means it holds solutions;
  "nothing_suitable" means it was considered and nothing fits. So "not considered" and
  "considered, nothing fits" are different data (SS-3), and can be counted (AGG-1).
- `Solution` — zero or more per (outcome, step): what, who provides it, cost and how often,
  status, and the community resource used, if any. Every status change is also a
  `SolutionStatusChange` row that is never edited.
- `SupportChecklistAnswer` — "How well did I use the Support Sequence?" (SS-5), per outcome:
  what the record suggests and the practitioner's own answer, both kept; the practitioner's
  answer always wins.

Every row carries `person` so links can be checked (an outcome and its solutions must
belong to the same person) and every query can be scoped from the person.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from goldenthread.core.models import BaseModel, VersionedModel
from goldenthread.core.questionnaires import SuggestedAnswer
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.models import Person


class SupportStep(models.TextChoices):
    """The seven steps of the Support Sequence, in the workbook's order."""

    YOURSELF = "yourself", "Yourself"
    TECHNOLOGY = "technology", "Technology"
    EQUIPMENT = "equipment", "Equipment and adaptations"
    FAMILY_FRIENDS = "family_friends", "Family, friends and neighbours"
    COMMUNITY = "community", "Community"
    SERVICES = "services", "Services or setting"
    SUPPORT = "support", "Support"

    @classmethod
    def ordered(cls) -> list[SupportStep]:
        return list(cls)

    @property
    def number(self) -> int:
        return list(SupportStep).index(self) + 1


# Steps where the community directory is searched (SS-4).
DIRECTORY_STEPS = frozenset({SupportStep.COMMUNITY, SupportStep.SERVICES})


class PlanType(models.TextChoices):
    """Which wording of steps 6 and 7 applies (SS-1)."""

    YOUNG_PERSON = "young_person", "Young person"
    ADULT = "adult", "Adult"


ADULT_AGE = 18


class SupportPlanning(VersionedModel):
    """Before step 1 (SS-2), for one outcome."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_plannings")
    outcome = models.OneToOneField(
        Outcome, on_delete=models.PROTECT, related_name="support_planning"
    )
    tried_already = models.TextField(
        "What has the person tried already?",
        max_length=4000,
        blank=True,
        help_text="In the person's words where you can: what they have tried, and how it went.",
    )
    own_ideas = models.TextField(
        "What ideas do they have?",
        max_length=4000,
        blank=True,
        help_text="Their own ideas, and those of the people who know them well.",
    )
    plan_type_override = models.CharField(
        "Which questions to use for steps 6 and 7",
        max_length=20,
        blank=True,
        choices=PlanType.choices,
        help_text="Leave blank to choose from the person's age.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(plan_type_override__in=["", *PlanType.values]),
                name="support_planning_plan_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Support planning for {self.outcome_id}"

    def clean(self) -> None:
        if self.outcome_id and self.person_id and self.outcome.person_id != self.person_id:
            raise ValidationError("Choose one of this person's outcomes.")


class ExplorationState(models.TextChoices):
    NOT_YET = "not_yet", "Not yet considered"
    EXPLORED = "explored", "Explored"
    NOTHING_SUITABLE = "nothing_suitable", "Explored, nothing suitable"


class StepExploration(VersionedModel):
    """How far one step of the Support Sequence has been explored for one outcome."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="support_explorations"
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, related_name="support_explorations"
    )
    step = models.CharField(max_length=20, choices=SupportStep.choices)
    state = models.CharField(
        max_length=20, choices=ExplorationState.choices, default=ExplorationState.NOT_YET
    )
    note = models.TextField(
        "Why nothing is suitable (optional)",
        max_length=2000,
        blank=True,
        help_text="For example: 'no group near enough', 'tried before and it did not help'.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outcome", "step"], name="step_exploration_unique"),
            models.CheckConstraint(
                condition=Q(step__in=SupportStep.values), name="step_exploration_step_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ExplorationState.values),
                name="step_exploration_state_valid",
            ),
            # A note says why nothing is suitable; it has no meaning otherwise.
            models.CheckConstraint(
                condition=Q(state=ExplorationState.NOTHING_SUITABLE) | Q(note=""),
                name="step_exploration_note_only_when_nothing_suitable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_state_display()}"


class SolutionStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    AGREED = "agreed", "Agreed"
    IN_PLACE = "in_place", "In place"
    TRIED_AND_STOPPED = "stopped", "Tried and stopped"
    DECLINED = "declined", "Declined"


# Solutions that are part of the plan now (the others are kept as history).
CURRENT_STATUSES = frozenset({SolutionStatus.IDEA, SolutionStatus.AGREED, SolutionStatus.IN_PLACE})
# Solutions whose cost counts toward the plan's total.
COSTED_STATUSES = frozenset({SolutionStatus.AGREED, SolutionStatus.IN_PLACE})


class CostPeriod(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    WEEK = "week", "A week"
    MONTH = "month", "A month"
    YEAR = "year", "A year"
    # Paid each time it is used ("£3.50 a session", as community directories say): how
    # often is not known, so it is shown as it is and not counted in a year's estimate.
    SESSION = "session", "Each time (a session)"


# How many times a year each period's cost is paid, for the estimate of a year's cost.
# A session's cost has no entry: it is not guessed into a year's total.
PERIODS_PER_YEAR = {
    CostPeriod.WEEK: Decimal(52),
    CostPeriod.MONTH: Decimal(12),
    CostPeriod.YEAR: Decimal(1),
    CostPeriod.ONE_OFF: Decimal(1),
}


def outcome_and_solution_errors(row: Any) -> dict[str, str]:
    """For `clean()` of a row of a person's record that may name one of their outcomes and
    one of their solutions (a budget line, a risk enablement): both must be the person's,
    and the solution must be for that outcome. The errors by field (none: {})."""
    errors: dict[str, str] = {}
    outcome = row.outcome if row.outcome_id else None
    solution = row.solution if row.solution_id else None
    person_id = row.person_id
    if outcome is not None and outcome.person_id != person_id:
        errors["outcome"] = "Choose one of this person's outcomes."
    if solution is not None:
        if solution.person_id != person_id:
            errors["solution"] = "Choose one of this person's solutions."
        elif outcome is not None and solution.outcome_id != outcome.pk:
            errors["solution"] = "This solution is for a different outcome."
    return errors


def solution_choice_error(
    person_id: Any, solution: Solution, outcome: Outcome | None, *, open_outcome: bool = False
) -> str:
    """For services writing a row of a person's record that names one of their solutions
    (a budget line, a risk enablement): why `solution` cannot be chosen for it: not the
    person's, (with `open_outcome`) for an outcome no longer open, or for another outcome
    than the row's `outcome`. "" when it can."""
    if solution.person_id != person_id:
        return "Choose one of this person's solutions."
    if open_outcome and solution.outcome.status != OutcomeStatus.OPEN:
        return (
            "This solution is for an outcome that is no longer open. Move it to an open "
            "outcome first."
        )
    if outcome is not None and solution.outcome_id != outcome.pk:
        return "This solution is for a different outcome."
    return ""


class Solution(VersionedModel):
    """One way of working toward an outcome, found in one step of the Support Sequence."""

    cost_display: str  # set by selectors.outcome_support()

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_solutions")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="support_solutions")
    step = models.CharField(max_length=20, choices=SupportStep.choices)
    what = models.CharField(
        "What",
        max_length=300,
        help_text="For example: 'a tablet with video calling', 'Thursday walking group'.",
    )
    who = models.CharField(
        "Who provides it or does it",
        max_length=200,
        blank=True,
        help_text="For example: 'Jean', 'her daughter Ann', 'Northfield Walking Group'.",
    )
    cost = models.DecimalField(
        "Cost (if any)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In pounds, for example 12.50. Leave blank if it costs nothing.",
    )
    cost_period = models.CharField(
        "How often this cost is paid", max_length=10, choices=CostPeriod.choices, blank=True
    )
    status = models.CharField(
        max_length=10, choices=SolutionStatus.choices, default=SolutionStatus.IDEA
    )
    community_resource = models.ForeignKey(
        "directory.CommunityResource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solutions",
        help_text="The community resource from the directory, where one is used.",
    )
    notes = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["outcome", "step"], name="solution_outcome_step")]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=SupportStep.values), name="solution_step_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SolutionStatus.values), name="solution_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="solution_cost_not_negative"
            ),
            # A cost always says how often it is paid, and a period always has a cost.
            models.CheckConstraint(
                condition=(Q(cost__isnull=True) & Q(cost_period=""))
                | (Q(cost__isnull=False) & Q(cost_period__in=CostPeriod.values)),
                name="solution_cost_has_period",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.outcome_id and self.person_id and self.outcome.person_id != self.person_id:
            errors["outcome"] = "Choose one of this person's outcomes."
        if self.cost is not None and not self.cost_period:
            errors["cost_period"] = "Say how often this cost is paid."
        if self.cost is None and self.cost_period:
            errors["cost"] = "Enter the cost, or clear how often it is paid."
        if self.cost is not None and self.cost < 0:
            errors["cost"] = "Enter a cost of £0 or more."
        if errors:
            raise ValidationError(errors)


class SolutionStatusChange(BaseModel):
    """Each status a solution has had, with who changed it and when. Never edited."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="status_changes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, choices=SolutionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=SolutionStatus.choices)
    note = models.TextField(max_length=2000, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]


class ChecklistQuestion(models.TextChoices):
    """SS-5: "How well did I use the Support Sequence?", in the workbook's words."""

    TRIED_ALREADY = (
        "tried_already",
        "Did I start by exploring what the person has tried already, and what ideas they have?",
    )
    YOURSELF = (
        "yourself",
        "Did I consider with the person how they can build on their strengths, assets and "
        "qualities? Did I explore what else the person could do to improve their knowledge, "
        "skills or confidence?",
    )
    TECHNOLOGY = (
        "technology",
        "Did I investigate whether there are any apps or technology that could help?",
    )
    EQUIPMENT = (
        "equipment",
        "Did I review whether there are any products or equipment that could help? Did I see "
        "whether there are any physical changes that could be made to the person's home or "
        "environment that could help?",
    )
    FAMILY_FRIENDS = (
        "family_friends",
        "Did I explore whether there is anything that the person's family, friends or "
        "neighbours could help with?",
    )
    COMMUNITY = (
        "community",
        "Did I investigate whether there are places, groups or events happening in the "
        "person's community that could help? Did I consider online communities too?",
    )
    # The wording of the next two depends on the plan type: see presenters.
    SERVICES = "services", "Services or setting"
    SUPPORT = "support", "Support"
    PERSONAL_BUDGETS = "personal_budgets", "Did we consider personal budgets?"
    INVOLVED = (
        "involved",
        "Am I confident that I involved the person in decision making as much as I could?",
    )


class ChecklistAnswerChoice(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NOT_YET = "not_yet", "Not yet"


class SupportChecklistAnswer(SuggestedAnswer):
    """The practitioner's answer to one checklist question for one outcome, kept beside
    what the record suggested when they answered. Their answer always wins
    (core/questionnaires.py)."""

    parent_field = "outcome"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="support_checklist_answers"
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, related_name="support_checklist_answers"
    )
    question = models.CharField(max_length=20, choices=ChecklistQuestion.choices)
    answer = models.CharField(max_length=10, choices=ChecklistAnswerChoice.choices, blank=True)
    suggested = models.CharField(max_length=10, choices=ChecklistAnswerChoice.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "question"], name="support_checklist_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(question__in=ChecklistQuestion.values),
                name="support_checklist_question_valid",
            ),
        ]
