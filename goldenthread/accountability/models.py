"""Accountability (SPEC ACC-1, ACC-2, TR-1; SDS Framework of Standards 2021, Standards 1,
5 and 10).

- `Challenge` — a challenge or complaint raised by or for the person about a decision or a
  record, through the two stages of the Scottish model complaints handling procedure
  (frontline resolution, 5 working days; investigation, 20 working days), with mediation,
  the outcome, what changed, and escalation to the SPSO, the Care Inspectorate or the SSSC.
  The current stage is on the row; every step is also a `ChallengeEvent`, never edited, so
  the answer at stage 1 is kept when stage 2 answers.
- `Advocacy` — independent advocacy (Std 1.11): need identified (by whom, when, why),
  offered, accepted or declined, referred (when, to which provider), started.
- `Transition` — a planned move (Std 10): type, planned and actual date, who is involved,
  and the outcomes it serves (none is a broken link).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from goldenthread.audit.models import AppendOnlyModel
from goldenthread.core.models import SubmittedOnce, VersionedModel
from goldenthread.directory.models import CommunityResource
from goldenthread.outcomes.models import Outcome
from goldenthread.people.models import CircleMember, Person
from goldenthread.sds.models import Decision


class HistoryRow(AppendOnlyModel):
    """Added, never changed or removed (the application refuses, and so does the database:
    migration 0002)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True


# --- Challenges and complaints (ACC-2) -----------------------------------------------------


class ChallengeAbout(models.TextChoices):
    BUDGET = "budget", "A budget decision"
    OPTION_NOT_DELIVERED = "option_not_delivered", "An SDS option that was not delivered"
    ELIGIBILITY = "eligibility", "Whether they are eligible for support"
    RECORD = "record", "Something in their record they think is wrong"
    SUPPORT = "support", "Their support or how it was given"
    OTHER = "other", "Something else"


class RaisedBy(models.TextChoices):
    PERSON = "person", "The person"
    FAMILY = "family", "A family member or unpaid carer"
    PROXY = "proxy", "A guardian, attorney or other proxy"
    ADVOCATE = "advocate", "An advocate"
    OTHER = "other", "Someone else"


class Stage(models.TextChoices):
    FRONTLINE = "frontline", "Stage 1: frontline resolution"
    INVESTIGATION = "investigation", "Stage 2: investigation"


class ChallengeState(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class ChallengeOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY = "partly", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class Mediation(models.TextChoices):
    NOT_OFFERED = "not_offered", "Not offered yet"
    OFFERED = "offered", "Offered, waiting for an answer"
    ACCEPTED = "accepted", "Offered and accepted"
    DECLINED = "declined", "Offered and declined"


class EscalationBody(models.TextChoices):
    SPSO = "spso", "Scottish Public Services Ombudsman (SPSO)"
    CARE_INSPECTORATE = "care_inspectorate", "Care Inspectorate"
    SSSC = "sssc", "Scottish Social Services Council (SSSC)"
    OTHER = "other", "Another body"


class Challenge(SubmittedOnce, VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="challenges")
    raised_by = models.CharField("Who raised it", max_length=10, choices=RaisedBy.choices)
    raised_by_name = models.CharField("Their name", max_length=200)
    raised_on = models.DateField("Date received")
    about = models.CharField("What it is about", max_length=25, choices=ChallengeAbout.choices)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="challenges"
    )
    details = models.TextField("What they are unhappy about, in their words", max_length=4000)
    wanted = models.TextField("What they would like to happen", max_length=4000, blank=True)
    stage = models.CharField("Stage", max_length=15, choices=Stage.choices, default=Stage.FRONTLINE)
    state = models.CharField(
        "Answered yet", max_length=10, choices=ChallengeState.choices, default=ChallengeState.OPEN
    )
    stage_started_on = models.DateField("Date this stage started")
    due_on = models.DateField("Answer due by")
    outcome = models.CharField(
        "Outcome", max_length=12, choices=ChallengeOutcome.choices, blank=True
    )
    answer = models.TextField("The answer, as given to the person", max_length=6000, blank=True)
    what_changed = models.TextField("What changed because of it", max_length=4000, blank=True)
    answered_on = models.DateField("Date answered", null=True, blank=True)
    mediation = models.CharField(
        "Mediation", max_length=12, choices=Mediation.choices, default=Mediation.NOT_OFFERED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_on", "-created_at"]
        indexes = [
            models.Index(fields=["person", "raised_on"], name="challenge_person_raised"),
            models.Index(fields=["state", "due_on"], name="challenge_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(about__in=ChallengeAbout.values), name="challenge_about_valid"
            ),
            models.CheckConstraint(
                condition=Q(raised_by__in=RaisedBy.values), name="challenge_raised_by_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="challenge_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(mediation__in=Mediation.values), name="challenge_mediation_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=ChallengeState.OPEN) & Q(outcome="") & Q(answered_on__isnull=True)
                )
                | (
                    Q(state=ChallengeState.ANSWERED)
                    & Q(outcome__in=ChallengeOutcome.values)
                    & Q(answered_on__isnull=False)
                    & ~Q(answer="")
                ),
                name="challenge_answered_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(stage_started_on__gte=F("raised_on")),
                name="challenge_stage_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("stage_started_on")), name="challenge_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_about_display()} ({self.raised_on})"


class EventKind(models.TextChoices):
    RAISED = "raised", "Received at stage 1 (frontline resolution)"
    INVESTIGATION = "investigation", "Moved to stage 2 (investigation)"
    ANSWERED = "answered", "Answered"
    MEDIATION = "mediation", "Mediation"
    ESCALATED = "escalated", "Taken to an outside body"
    EXTENDED = "extended", "Time to answer extended"


class ChallengeEvent(HistoryRow):
    """One step of a challenge, as it happened. Never edited."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="events")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("What happened", max_length=15, choices=EventKind.choices)
    stage = models.CharField("Stage", max_length=15, choices=Stage.choices)
    on = models.DateField("Date")
    due_on = models.DateField("Answer due by", null=True, blank=True)
    outcome = models.CharField(
        "Outcome", max_length=12, choices=ChallengeOutcome.choices, blank=True
    )
    mediation = models.CharField("Mediation", max_length=12, choices=Mediation.choices, blank=True)
    body = models.CharField("Taken to", max_length=20, choices=EscalationBody.choices, blank=True)
    reference = models.CharField("Their reference", max_length=100, blank=True)
    text = models.TextField("In words", max_length=6000, blank=True)
    what_changed = models.TextField("What changed", max_length=4000, blank=True)
    # An extension: the manager who agreed it, and the due date it replaced (#13).
    agreed_by = models.CharField("Extension agreed by", max_length=200, blank=True)
    previous_due_on = models.DateField("Was due by", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="challenge_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EventKind.ESCALATED) | ~Q(body=""),
                name="challenge_escalation_names_body",
            ),
            models.CheckConstraint(
                condition=~Q(kind="extended")
                | (
                    Q(due_on__isnull=False)
                    & Q(previous_due_on__isnull=False)
                    & Q(due_on__gt=F("previous_due_on"))
                    & ~Q(text="")
                    & ~Q(agreed_by="")
                ),
                name="challenge_extension_complete",
            ),
        ]


# --- Independent advocacy (ACC-1) -----------------------------------------------------------


class AdvocacyAnswer(models.TextChoices):
    NOT_OFFERED = "not_offered", "Not offered yet"
    WAITING = "waiting", "Offered, thinking about it"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Advocacy(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="advocacy")
    identified_on = models.DateField("Date the need was identified")
    identified_by = models.CharField("Who identified the need", max_length=200)
    why = models.TextField("Why advocacy is needed", max_length=4000)
    offered_on = models.DateField("Date advocacy was offered", null=True, blank=True)
    answer = models.CharField(
        "The person's answer",
        max_length=12,
        choices=AdvocacyAnswer.choices,
        default=AdvocacyAnswer.NOT_OFFERED,
    )
    declined_reason = models.TextField(
        "Why they declined, in their words", max_length=2000, blank=True
    )
    referred_on = models.DateField("Date referred", null=True, blank=True)
    provider = models.ForeignKey(
        CommunityResource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_name = models.CharField("Advocacy provider", max_length=200, blank=True)
    started_on = models.DateField("Date the advocate started", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-identified_on", "-created_at"]
        verbose_name_plural = "advocacy"
        constraints = [
            models.CheckConstraint(
                condition=Q(answer__in=AdvocacyAnswer.values), name="advocacy_answer_valid"
            ),
            models.CheckConstraint(
                condition=Q(offered_on__isnull=True) | Q(offered_on__gte=F("identified_on")),
                name="advocacy_offered_after_identified",
            ),
            models.CheckConstraint(
                condition=Q(referred_on__isnull=True) | Q(referred_on__gte=F("identified_on")),
                name="advocacy_referred_after_identified",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | (Q(referred_on__isnull=False) & Q(started_on__gte=F("referred_on"))),
                name="advocacy_started_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(referred_on__isnull=True) | ~Q(provider_name=""),
                name="advocacy_referral_names_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"Advocacy identified {self.identified_on}"


# --- Transitions (TR-1) ---------------------------------------------------------------------


class TransitionKind(models.TextChoices):
    INTO_ADULT_SERVICES = "into_adult_services", "Into adult services"
    SCHOOL_TO_ADULT_LIFE = "school_to_adult_life", "From school to adult life"
    INTO_RESIDENTIAL = "into_residential", "Into residential care"
    OUT_OF_RESIDENTIAL = "out_of_residential", "Out of residential care"
    BETWEEN_AREAS = "between_areas", "Moving to another council area"
    HOSPITAL_DISCHARGE = "hospital_discharge", "Coming home from hospital"


class Transition(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transitions")
    kind = models.CharField("Type of move", max_length=25, choices=TransitionKind.choices)
    planned_on = models.DateField("Planned date")
    actual_on = models.DateField("Date it happened", null=True, blank=True)
    circle_members = models.ManyToManyField(CircleMember, blank=True, related_name="+")
    other_agencies = models.TextField(
        "Other agencies and people involved", max_length=2000, blank=True
    )
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="transitions")
    receiving_details = models.TextField(
        "The receiving council or service",
        max_length=2000,
        blank=True,
        help_text="For a move to another council: who receives the plan, and how.",
    )
    notes = models.TextField("What matters about this move", max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["planned_on", "created_at"]
        indexes = [models.Index(fields=["planned_on"], name="transition_planned")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TransitionKind.values), name="transition_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.planned_on})"
