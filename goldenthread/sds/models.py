"""Self-directed Support choices, budgets, approvals, decisions and unmet need
(SPEC SDS-1..SDS-5, UN-1; SDS Framework of Standards 2021, Standards 4, 8 and 9).

- `SdsChoice` — the four options: for each, whether and how it was explained and when
  (`OptionExplanation`, Std 4.7), the person's choice and why in their words (Std 4.8, 9.4);
  for option 4 which parts of the support (Support Sequence solutions) go by which option
  (`MixPart`).
- `FirstChoiceNotDelivered` — the first choice could not be delivered: why, the alternative
  offered, whether accepted, and the plan to meet the need over time (Std 4.2). It always
  comes with an `UnmetNeed` row, written in the same transaction.
- `IndicativeBudget` — what the person was told the likely budget is, whatever the option
  (Std 9.7). Rows are never edited: telling someone a new figure is a new row.
- `BudgetRequest` + `BudgetLine` — the budget asked for, line by line; its total is worked
  out from the lines, never typed (SDS-3). `BudgetRequestEvent` — requested, approved,
  declined, referred to the panel, decided by the panel: rows never edited (SDS-4, Std 8.10,
  8.11).
- `DelegatedLimit` — how much a role (or one person) may approve in a year (Std 8.2), set by
  administrators.
- `Decision` + `DecisionSharing` — every decision affecting the person's choices, support or
  budget, with its reasons, and when it was shared with them (SDS-5, Std 9). Never edited.
- `UnmetNeed` — need that is not met, as data (UN-1), for commissioning (UN-2, Std 4.6, 7.13).

Every row that is about a person carries `person`, so every query can start from
`Person.objects.visible_to(user)` and links across people can be refused.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from goldenthread.accounts.models import Role
from goldenthread.audit.models import AppendOnlyModel
from goldenthread.conversations.models import Conversation
from goldenthread.core.formatting import date_text
from goldenthread.core.models import BaseModel, SubmittedOnce, VersionedModel
from goldenthread.outcomes.models import Outcome
from goldenthread.people.models import Person
from goldenthread.support.models import Solution, outcome_and_solution_errors


class HistoryRow(AppendOnlyModel):
    """A row people see as history: added, never changed or removed (the application
    refuses, and so does the database: migration 0002)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True


# --- The four options (SDS-1) -------------------------------------------------------------


class SdsOption(models.TextChoices):
    """The four Self-directed Support options. Longer wording lives in presenters."""

    OPTION_1 = "option_1", "Option 1: direct payment"
    OPTION_2 = "option_2", "Option 2: the person chooses, the council arranges"
    OPTION_3 = "option_3", "Option 3: the council arranges"
    OPTION_4 = "option_4", "Option 4: a mix of options"


# Option 4 is a mix of these.
MIX_OPTIONS = (SdsOption.OPTION_1, SdsOption.OPTION_2, SdsOption.OPTION_3)


class SdsChoice(VersionedModel):
    """The options put to the person and what they chose (one per person; every earlier
    version is in the change history)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="sds_choice")
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="The conversation where the options were talked about",
    )
    chosen_option = models.CharField(
        "The option the person chose", max_length=10, choices=SdsOption.choices, blank=True
    )
    chosen_on = models.DateField("Date they chose", null=True, blank=True)
    reasons = models.TextField("Why they chose it, in their own words", max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(chosen_option__in=["", *SdsOption.values]),
                name="sds_choice_option_valid",
            ),
            # A choice has a date and the person's reasons; no choice has neither.
            models.CheckConstraint(
                condition=(Q(chosen_option="") & Q(chosen_on__isnull=True))
                | (~Q(chosen_option="") & Q(chosen_on__isnull=False) & ~Q(reasons="")),
                name="sds_choice_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.get_chosen_option_display() or "No option chosen yet"


class OptionExplanation(BaseModel):
    """Whether, how and when one option was explained (Std 4.7). Saved with its SdsChoice."""

    choice = models.ForeignKey(SdsChoice, on_delete=models.CASCADE, related_name="explanations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    option = models.CharField(max_length=10, choices=SdsOption.choices)
    explained = models.BooleanField(default=False)
    in_conversation = models.BooleanField("In conversation", default=False)
    by_leaflet = models.BooleanField("With a leaflet", default=False)
    by_easy_read = models.BooleanField("In easy read", default=False)
    with_advocate = models.BooleanField("With an advocate", default=False)
    other_way = models.CharField("Another way", max_length=200, blank=True)
    explained_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["option"]
        constraints = [
            models.UniqueConstraint(fields=["choice", "option"], name="option_explained_once"),
            models.CheckConstraint(
                condition=Q(option__in=SdsOption.values), name="option_explanation_option_valid"
            ),
            models.CheckConstraint(
                condition=Q(explained=False) | Q(explained_on__isnull=False),
                name="option_explanation_has_date",
            ),
        ]

    @property
    def ways(self) -> list[str]:
        """How it was explained, as codes in a fixed order."""
        ways = [name for name in EXPLANATION_WAYS if getattr(self, name)]
        if self.other_way:
            ways.append("other_way")
        return ways


EXPLANATION_WAYS = ("in_conversation", "by_leaflet", "by_easy_read", "with_advocate")


class MixPart(BaseModel):
    """Option 4: one part of the person's support (a solution from the Support Sequence),
    and the option it is arranged by."""

    choice = models.ForeignKey(SdsChoice, on_delete=models.CASCADE, related_name="mix_parts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="sds_mix_parts")
    option = models.CharField(max_length=10, choices=SdsOption.choices)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["choice", "solution"], name="mix_part_once"),
            models.CheckConstraint(
                condition=Q(option__in=[o.value for o in MIX_OPTIONS]),
                name="mix_part_option_1_2_or_3",
            ),
        ]


# --- Unmet need (UN-1) --------------------------------------------------------------------


class UnmetReason(models.TextChoices):
    NO_PROVIDER = "no_provider", "No provider available"
    WAITING_LIST = "waiting_list", "On a waiting list"
    BUDGET = "budget", "Budget not available"
    FIRST_CHOICE = "first_choice", "First choice of option could not be delivered"
    OTHER = "other", "Another reason"


class NeedCategory(models.TextChoices):
    """What kind of need, for commissioning (UN-2)."""

    PERSONAL_CARE = "personal_care", "Personal care"
    DAILY_LIVING = "daily_living", "Daily living at home"
    GETTING_OUT = "getting_out", "Getting out and being part of the community"
    RELATIONSHIPS = "relationships", "Relationships and company"
    CARER_BREAK = "carer_break", "A break for an unpaid carer"
    EQUIPMENT = "equipment", "Equipment and adaptations"
    HOUSING = "housing", "Housing"
    WORK_LEARNING = "work_learning", "Work, learning and volunteering"
    HEALTH = "health", "Health and wellbeing"
    OTHER = "other", "Other"


class UnmetNeed(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="unmet_needs")
    need = models.TextField("What need is not met", max_length=2000)
    category = models.CharField("Kind of need", max_length=20, choices=NeedCategory.choices)
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unmet_needs",
        verbose_name="The outcome it affects",
    )
    reason = models.CharField("Why it is not met", max_length=20, choices=UnmetReason.choices)
    reason_other = models.CharField("The other reason", max_length=300, blank=True)
    alternative_offered = models.TextField("The alternative offered", max_length=2000, blank=True)
    identified_on = models.DateField("Date identified")
    met_on = models.DateField("Date met", null=True, blank=True)
    how_met = models.TextField("How it was met", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-identified_on", "-created_at"]
        indexes = [
            models.Index(fields=["person", "met_on"], name="unmet_need_person_met"),
            models.Index(fields=["reason", "identified_on"], name="unmet_need_reason_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=UnmetReason.values), name="unmet_need_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=NeedCategory.values), name="unmet_need_category_valid"
            ),
            models.CheckConstraint(
                condition=~Q(reason=UnmetReason.OTHER) | ~Q(reason_other=""),
                name="unmet_need_other_reason_given",
            ),
            models.CheckConstraint(
                condition=Q(met_on__isnull=True) | Q(met_on__gte=models.F("identified_on")),
                name="unmet_need_met_after_identified",
            ),
        ]

    def __str__(self) -> str:
        return self.need[:80]

    @property
    def is_open(self) -> bool:
        return self.met_on is None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        outcome = self.outcome if self.outcome_id else None
        if outcome is not None and outcome.person_id != self.person_id:
            errors["outcome"] = "Choose one of this person's outcomes."
        if self.reason == UnmetReason.OTHER and not self.reason_other.strip():
            errors["reason_other"] = "Say what the other reason is."
        if self.met_on and self.identified_on and self.met_on < self.identified_on:
            errors["met_on"] = (
                "The date the need was met must be on or after the date it was identified "
                f"({date_text(self.identified_on)})."
            )
        if errors:
            raise ValidationError(errors)


class Accepted(models.TextChoices):
    YES = "yes", "Yes, accepted"
    NO = "no", "No, not accepted"
    UNDECIDED = "undecided", "Still deciding"


class FirstChoiceNotDelivered(VersionedModel):
    """SDS-2: the person's first choice of option could not be delivered."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="first_choices_not_delivered"
    )
    first_choice = models.CharField("Their first choice", max_length=10, choices=SdsOption.choices)
    why = models.TextField("Why it cannot be delivered", max_length=2000)
    alternative_offered = models.TextField("The alternative offered", max_length=2000)
    alternative_option = models.CharField(
        "The option offered instead", max_length=10, choices=SdsOption.choices, blank=True
    )
    alternative_accepted = models.CharField(
        "Did the person accept the alternative?",
        max_length=10,
        choices=Accepted.choices,
        default=Accepted.UNDECIDED,
    )
    plan_to_meet_need = models.TextField("The plan to meet the need over time", max_length=4000)
    unmet_need = models.OneToOneField(
        UnmetNeed, on_delete=models.PROTECT, related_name="first_choice_not_delivered"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_choice__in=SdsOption.values),
                name="first_choice_option_valid",
            ),
            models.CheckConstraint(
                condition=Q(alternative_option__in=["", *SdsOption.values]),
                name="first_choice_alternative_valid",
            ),
            models.CheckConstraint(
                condition=~Q(alternative_option=models.F("first_choice")),
                name="first_choice_alternative_differs",
            ),
        ]


# --- Budgets (SDS-3, SDS-4) ---------------------------------------------------------------


class BudgetPeriod(models.TextChoices):
    WEEK = "week", "A week"
    MONTH = "month", "A month"
    YEAR = "year", "A year"
    ONE_OFF = "one_off", "One-off"


PERIODS_PER_YEAR = {
    BudgetPeriod.WEEK: Decimal(52),
    BudgetPeriod.MONTH: Decimal(12),
    BudgetPeriod.YEAR: Decimal(1),
    BudgetPeriod.ONE_OFF: Decimal(1),
}


def per_year(amount: Decimal, period: str) -> Decimal:
    """An amount paid each `period`, as a year's cost. Exact: whole multipliers only."""
    return (Decimal(amount) * PERIODS_PER_YEAR[BudgetPeriod(period)]).quantize(Decimal("0.01"))


class HowTold(models.TextChoices):
    CONVERSATION = "conversation", "In conversation"
    LETTER = "letter", "By letter"
    PHONE = "phone", "By phone"
    EMAIL = "email", "By email"
    EASY_READ = "easy_read", "In easy read"
    WITH_ADVOCATE = "with_advocate", "With an advocate there"
    OTHER = "other", "Another way"


class IndicativeBudget(HistoryRow):
    """The likely budget the person was told about, whatever option they choose (Std 9.7)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="indicative_budgets")
    amount = models.DecimalField("Amount", max_digits=12, decimal_places=2)
    period = models.CharField("For how long", max_length=10, choices=BudgetPeriod.choices)
    told_on = models.DateField("Date the person was told")
    how_told = models.CharField("How they were told", max_length=20, choices=HowTold.choices)
    notes = models.TextField("Anything else they were told", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-told_on", "-at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="indicative_not_negative"),
            models.CheckConstraint(
                condition=Q(period__in=BudgetPeriod.values), name="indicative_period_valid"
            ),
        ]


class RequestStatus(models.TextChoices):
    AWAITING_DECISION = "awaiting", "Waiting for a decision"
    AT_PANEL = "at_panel", "With the decision panel"
    APPROVED = "approved", "Agreed"
    DECLINED = "declined", "Not agreed"
    # The decision panel asked for more information before deciding (#13): the worker adds
    # it and sends the request back to the panel.
    RETURNED = "returned", "Returned for more information"


# Not decided yet: a request returned for more information is still waiting (#13).
OPEN_STATUSES = (RequestStatus.AWAITING_DECISION, RequestStatus.AT_PANEL, RequestStatus.RETURNED)


def request_reference(pk: uuid.UUID) -> str:
    """A budget request's short reference from its id, BR-3F2A9C (for value rows, #19)."""
    return f"BR-{pk.hex[:6].upper()}"


class BudgetRequest(SubmittedOnce, VersionedModel):
    """A budget asked for, with its breakdown (lines). The total is always the sum of the
    lines as a year's cost, worked out by the service that saves them together."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="budget_requests")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.AWAITING_DECISION
    )
    start_date = models.DateField("Start date")
    end_date = models.DateField("End date", null=True, blank=True)
    case_for_request = models.TextField(
        "What the budget is for",
        max_length=4000,
        help_text="How it meets the person's outcomes, and the strengths, family and community "
        "support already counted in.",
    )
    total_per_year = models.DecimalField(max_digits=12, decimal_places=2)
    contribution = models.DecimalField(
        "Assessed contribution", default=Decimal("0.00"), max_digits=12, decimal_places=2
    )
    contribution_period = models.CharField(
        max_length=10, choices=BudgetPeriod.choices, default=BudgetPeriod.WEEK
    )
    contribution_note = models.CharField("About the contribution", max_length=500, blank=True)
    # Set only when the decision panel agreed a different amount from the one asked (#13).
    agreed_per_year = models.DecimalField(
        "Amount agreed a year", null=True, blank=True, max_digits=12, decimal_places=2
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    referred_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "referred_at"], name="budget_request_status"),
            models.Index(fields=["person", "-submitted_at"], name="budget_request_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="budget_request_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(total_per_year__gt=0), name="budget_request_total_positive"
            ),
            models.CheckConstraint(
                condition=Q(contribution__gte=0), name="budget_request_contribution_positive"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="budget_request_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "declined"]) | Q(decided_at__isnull=False),
                name="budget_request_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(agreed_per_year__isnull=True)
                | (Q(status="approved") & Q(agreed_per_year__gt=0)),
                name="budget_request_different_amount_agreed",
            ),
        ]

    def __str__(self) -> str:
        return f"Budget request {self.reference}"

    @property
    def reference(self) -> str:
        """A short reference people can read out: BR-3F2A9C."""
        return request_reference(self.pk)

    @property
    def contribution_per_year(self) -> Decimal:
        return per_year(self.contribution, self.contribution_period)

    @property
    def net_per_year(self) -> Decimal:
        return self.total_per_year - self.contribution_per_year

    @property
    def agreed_total(self) -> Decimal:
        """The year's budget agreed: the amount asked, unless the panel agreed another."""
        return self.agreed_per_year if self.agreed_per_year is not None else self.total_per_year

    @property
    def agreed_net_per_year(self) -> Decimal:
        return self.agreed_total - self.contribution_per_year

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class BudgetLine(BaseModel):
    """One line of a budget request's breakdown. Saved with its request; never edited."""

    request = models.ForeignKey(BudgetRequest, on_delete=models.PROTECT, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    description = models.CharField("What it pays for", max_length=300)
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name="The outcome it is for",
    )
    solution = models.ForeignKey(
        Solution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name="The solution it pays for",
    )
    amount = models.DecimalField("Amount", max_digits=12, decimal_places=2)
    period = models.CharField("How often", max_length=10, choices=BudgetPeriod.choices)
    amount_per_year = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="budget_line_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive"),
            models.CheckConstraint(
                condition=Q(period__in=BudgetPeriod.values), name="budget_line_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        errors = outcome_and_solution_errors(self)
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Agreed"
    DECLINED = "declined", "Not agreed"
    REFERRED = "referred", "Referred to the decision panel"
    PANEL_DECIDED = "panel_decided", "Decided by the decision panel"
    RETURNED = "returned", "Returned by the decision panel for more information"
    RESUBMITTED = "resubmitted", "Sent back to the decision panel with more information"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Agreed"
    DECLINED = "declined", "Not agreed"


class BudgetRequestEvent(HistoryRow):
    """One step in a budget request's history, with who, when and why. Never edited."""

    request = models.ForeignKey(BudgetRequest, on_delete=models.PROTECT, related_name="events")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=EventKind.choices)
    decision = models.CharField(max_length=10, choices=DecisionOutcome.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    actor_role = models.CharField(max_length=20, blank=True)
    reasons = models.TextField(max_length=4000, blank=True)
    reasons_for_person = models.TextField(
        "The reasons as communicated to the person", max_length=4000, blank=True
    )
    total_per_year = models.DecimalField(max_digits=12, decimal_places=2)
    agreed_per_year = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    limit_applied = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="budget_event_kind_valid"
            ),
            # Every decision has a result and reasons the person was given (Std 8.11).
            models.CheckConstraint(
                condition=~Q(kind__in=["approved", "declined", "panel_decided"])
                | (~Q(decision="") & ~Q(reasons_for_person="")),
                name="budget_event_decision_complete",
            ),
            # Returned: what the panel needs, and what the person is told (#13).
            models.CheckConstraint(
                condition=~Q(kind="returned") | (~Q(reasons="") & ~Q(reasons_for_person="")),
                name="budget_event_return_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="resubmitted") | ~Q(reasons=""),
                name="budget_event_resubmit_has_information",
            ),
        ]


class DelegatedLimit(BaseModel):
    """How much a role, or one named user, may approve as a year's budget (Std 8.2).
    A user's own limit, when set, replaces their role's."""

    role = models.CharField(
        max_length=20,
        choices=[
            (Role.PRACTITIONER.value, Role.PRACTITIONER.label),
            (Role.TEAM_LEADER.value, Role.TEAM_LEADER.label),
        ],
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegated_limit",
        help_text="Leave blank to set the limit for everyone with this role.",
    )
    amount_per_year = models.DecimalField(
        "Limit for a year's budget",
        max_digits=12,
        decimal_places=2,
        help_text="Budgets up to and including this amount a year may be agreed.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="For example: the policy it follows."
    )

    class Meta:
        ordering = ["role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=Q(user__isnull=True), name="one_limit_per_role"
            ),
            models.CheckConstraint(
                condition=Q(amount_per_year__gte=0), name="delegated_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[Role.PRACTITIONER.value, Role.TEAM_LEADER.value]),
                name="delegated_limit_role_valid",
            ),
        ]

    def __str__(self) -> str:
        who = str(self.user) if self.user_id else f"Every {self.get_role_display().lower()}"
        return f"{who}: £{self.amount_per_year:,.2f} a year"

    def clean(self) -> None:
        user = self.user if self.user_id else None
        if user is not None and user.role != self.role:
            raise ValidationError(
                {"user": f"{self.user} is not a {self.get_role_display().lower()}."}
            )


# --- Decisions (SDS-5) --------------------------------------------------------------------


class DecisionAbout(models.TextChoices):
    CHOICES = "choices", "Their choices and SDS options"
    SUPPORT = "support", "Their support"
    BUDGET = "budget", "Their budget"


class Decision(HistoryRow):
    """A decision that affects the person's choices, support or budget, with the reasons
    as given to them (Std 9). Never edited; sharing it is recorded beside it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sds_decisions")
    about = models.CharField(max_length=10, choices=DecisionAbout.choices)
    summary = models.TextField("What was decided", max_length=2000)
    reasons = models.TextField("The reasons, as explained to the person", max_length=4000)
    decided_on = models.DateField("Date decided")
    decided_by = models.CharField("Who decided", max_length=300)
    budget_request = models.ForeignKey(
        BudgetRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(about__in=DecisionAbout.values), name="decision_about_valid"
            ),
        ]


class DecisionSharing(HistoryRow):
    """When and how a decision and its reasons were shared with the person."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="sharings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    shared_on = models.DateField("Date shared")
    how = models.CharField("How it was shared", max_length=20, choices=HowTold.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["shared_on", "at"]


# --- Understanding checked (ACC-4; Std 4.1, 4.2, 4.7) ----------------------------------------


class UnderstandingAbout(models.TextChoices):
    SDS_OPTIONS = "sds_options", "The SDS options"
    DECISION = "decision", "A decision"
    BUDGET = "budget", "Their budget"


class Understood(models.TextChoices):
    YES = "yes", "Yes, understood"
    PARTLY = "partly", "Partly"
    NO = "no", "Not understood"


class UnderstandingHelp(models.TextChoices):
    EASY_READ = "easy_read", "Easy read"
    INTERPRETER = "interpreter", "An interpreter"
    ADVOCATE = "advocate", "An advocate"
    ANOTHER_MEETING = "another_meeting", "Another meeting"
    OTHER = "other", "Something else"


class UnderstandingCheck(HistoryRow):
    """Not only that something was explained, but how the worker checked it was understood,
    and, if it was not, what was done. Never edited: a later check is a new row."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="understanding_checks"
    )
    about = models.CharField(
        "What was explained", max_length=15, choices=UnderstandingAbout.choices
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="understanding_checks",
    )
    checked_on = models.DateField("Date checked")
    how_checked = models.TextField("How understanding was checked", max_length=2000)
    understood = models.CharField("Was it understood?", max_length=10, choices=Understood.choices)
    help_given = models.CharField(
        "What was done", max_length=20, choices=UnderstandingHelp.choices, blank=True
    )
    what_done = models.TextField("More about what was done", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["checked_on", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(understood__in=Understood.values), name="understanding_understood_valid"
            ),
            models.CheckConstraint(
                condition=Q(understood=Understood.YES) | ~Q(help_given=""),
                name="understanding_not_understood_has_help",
            ),
        ]
