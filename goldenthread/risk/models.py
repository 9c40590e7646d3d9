"""Risk enablement (SPEC RISK-1, RISK-2; SDS Framework of Standards 2021, Standard 6).

- `RiskEnablement` — for one outcome or one solution: what could go wrong and what good the
  activity brings (positive risk, Std 6.3), the least restrictive option considered (6.4),
  the decision and its reasons (6.5); whether capacity is in question and who supported the
  person to decide (6.7); whether a guardian's or attorney's view conflicts with what the
  person wants, and how that is being dealt with (6.8).
- `RiskAgreement` — shared responsibility: who agreed to what. Never edited.
- `RiskView` — each person's view in their own words: the person, a welfare guardian, an
  attorney, family, workers. Views are separate rows, never edited, so the person's wishes
  and a guardian's or attorney's view are kept side by side and neither overwrites the other.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from goldenthread.audit.models import AppendOnlyModel
from goldenthread.core.models import VersionedModel
from goldenthread.core.questionnaires import YesNoNotSure
from goldenthread.outcomes.models import Outcome
from goldenthread.people.models import Person
from goldenthread.support.models import Solution, outcome_and_solution_errors

# Is capacity in question: the one scale for a question of fact, as step 5's (#16).
CapacityQuestion = YesNoNotSure


class RiskEnablement(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risks")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    solution = models.ForeignKey(
        Solution, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    activity = models.CharField(
        "What the person wants to do",
        max_length=300,
        help_text="For example: 'walk to the bowling club on her own'.",
    )
    could_go_wrong = models.TextField("What could go wrong", max_length=4000)
    good_it_brings = models.TextField(
        "What good it brings",
        max_length=4000,
        help_text="What the person gains: wellbeing, confidence, friendships, independence.",
    )
    least_restrictive = models.TextField(
        "The least restrictive option considered",
        max_length=4000,
        blank=True,
        help_text="The option that limits the person's freedom least, and whether it was chosen.",
    )
    decision = models.TextField("What was decided", max_length=4000, blank=True)
    reasons = models.TextField("Why it was decided", max_length=4000, blank=True)
    decided_on = models.DateField("Date decided", null=True, blank=True)
    review_on = models.DateField("When to look at it again", null=True, blank=True)
    capacity_in_question = models.CharField(
        "Is the person's capacity to make this decision in question?",
        max_length=10,
        choices=CapacityQuestion.choices,
        default=CapacityQuestion.NO,
    )
    capacity_notes = models.TextField("About capacity", max_length=2000, blank=True)
    decision_supported_by = models.CharField(
        "Who supported the person to make the decision",
        max_length=300,
        blank=True,
        help_text="For example: 'her advocate from Northfield Advocacy', 'her daughter Ann'.",
    )
    views_conflict = models.BooleanField(
        "A guardian's or attorney's view conflicts with what the person wants", default=False
    )
    conflict_handling = models.TextField(
        "How the conflict is being dealt with", max_length=4000, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["person", "created_at"], name="risk_person_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__isnull=False) | Q(solution__isnull=False),
                name="risk_about_outcome_or_solution",
            ),
            models.CheckConstraint(
                condition=Q(capacity_in_question__in=CapacityQuestion.values),
                name="risk_capacity_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | (~Q(reasons="") & Q(decided_on__isnull=False)),
                name="risk_decision_has_reasons_and_date",
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(review_on__gte=models.F("decided_on")),
                name="risk_review_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(views_conflict=False) | ~Q(conflict_handling=""),
                name="risk_conflict_has_handling",
            ),
        ]

    def __str__(self) -> str:
        return self.activity

    def clean(self) -> None:
        errors = outcome_and_solution_errors(self)
        if errors:
            raise ValidationError(errors)


class RiskHistoryRow(AppendOnlyModel):
    """Added, never changed or removed (the application refuses, and so does the database:
    migration 0002)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True


class RiskAgreement(RiskHistoryRow):
    """Shared responsibility: someone, and what they agreed to (Std 6 practice statement)."""

    risk = models.ForeignKey(RiskEnablement, on_delete=models.PROTECT, related_name="agreements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("Who", max_length=200)
    role = models.CharField(
        "Who they are",
        max_length=120,
        help_text="For example: 'Jean herself', 'daughter', 'social worker', 'club secretary'.",
    )
    agreed_to = models.TextField("What they agreed to do or accept", max_length=2000)
    agreed_on = models.DateField("Date agreed")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreed_on", "at"]


class Whose(models.TextChoices):
    PERSON = "person", "The person"
    GUARDIAN = "guardian", "Welfare guardian"
    ATTORNEY = "attorney", "Welfare power of attorney"
    FAMILY = "family", "Family member or unpaid carer"
    WORKER = "worker", "Worker"
    OTHER = "other", "Someone else"


# Someone with legal power to decide for the person (Std 6.8).
LEGAL_REPRESENTATIVES = (Whose.GUARDIAN, Whose.ATTORNEY)


class RiskView(RiskHistoryRow):
    """One person's view about the risk, in their words. Never edited: a changed view is a
    new row, so every view stays beside the others."""

    risk = models.ForeignKey(RiskEnablement, on_delete=models.PROTECT, related_name="views")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    whose = models.CharField("Whose view", max_length=10, choices=Whose.choices)
    name = models.CharField("Their name", max_length=200)
    view = models.TextField("Their view, in their words", max_length=4000)
    given_on = models.DateField("Date given")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["given_on", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(whose__in=Whose.values), name="risk_view_whose_valid"
            ),
        ]
