"""Personal outcomes (Outcome Sequence steps 4 and 5; SPEC OS-6, OS-7, OC-5).

An outcome always points at its positive change, and through it at what is not working or
an aspiration, and so at what matters. Its wording keeps every earlier version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from goldenthread.audit.models import AppendOnlyModel
from goldenthread.conversations.models import Conversation, PositiveChange
from goldenthread.core.domains import validate_domain
from goldenthread.core.models import BaseModel, VersionedModel
from goldenthread.core.questionnaires import SuggestedAnswer, YesNoNotSure
from goldenthread.people.models import Person


class OutcomeStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"
    CLOSED = "closed", "Closed"
    REPLACED = "replaced", "Rewritten"


class OutcomeQuerySet(models.QuerySet):
    def with_check_progress(self) -> OutcomeQuerySet:
        """Each outcome with `answered_count`, how many of the eight step-5 questions have an
        answer, so that `all_checked` needs no further query. Asked through a conversation's
        `outcomes` too, so the conversations app need not know the questions."""
        return self.annotate(
            answered_count=models.Count("check_answers", filter=~models.Q(check_answers__answer=""))
        )


class Outcome(VersionedModel):
    objects = OutcomeQuerySet.as_manager()

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outcomes")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="outcomes"
    )
    positive_change = models.ForeignKey(
        PositiveChange, on_delete=models.PROTECT, related_name="outcomes"
    )
    statement = models.TextField(
        "The outcome",
        max_length=2000,
        help_text="What the person wants to change or achieve, in everyday words. Not how.",
    )
    baseline = models.TextField(
        "Starting point",
        max_length=2000,
        blank=True,
        help_text="Where things are now, so progress can be seen. For example: "
        "'goes out once a month, with her daughter'.",
    )
    measure = models.TextField(
        "How we will know",
        max_length=1000,
        blank=True,
        help_text="What will be seen or counted when it is achieved.",
    )
    target_date = models.DateField("When it should be achieved by", null=True, blank=True)
    assessed_need = models.TextField("Assessed need it meets (if any)", max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=OutcomeStatus.choices, default=OutcomeStatus.OPEN
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The earlier outcome this one was rewritten from at a review.",
    )
    # The checker's flags for the current wording (codes), kept beside the practitioner's
    # own answers to the eight questions.
    checker_codes = models.JSONField(default=list, blank=True)
    answered_count: int  # set by OutcomeQuerySet.with_check_progress()

    @property
    def all_checked(self) -> bool:
        """Every step-5 question answered (needs `with_check_progress()`)."""
        return self.answered_count >= len(CheckQuestion)

    # The national domain the practitioner coded it to (AGG-4, core/domains.py), "" if none.
    domain = models.CharField(
        "National outcome domain",
        max_length=40,
        blank=True,
        default="",
        db_default="",
        validators=[validate_domain],
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["person", "status"], name="outcome_person_status")]

    def __str__(self) -> str:
        return self.statement[:80]


class OutcomeWording(BaseModel):
    """Every wording an outcome has had, never edited (OS-6 history, REV-2)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="wordings")
    number = models.PositiveIntegerField()
    statement = models.TextField(max_length=2000)
    baseline = models.TextField(max_length=2000, blank=True)
    measure = models.TextField(max_length=1000, blank=True)
    target_date = models.DateField(null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["outcome", "number"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "number"], name="wording_number_unique")
        ]


class CheckQuestion(models.TextChoices):
    """The eight questions of Outcome Sequence step 5, in the workbook's words."""

    MEASURABLE = "measurable", "Can we measure it? Do we know the starting point?"
    ACHIEVABLE = "achievable", "Is it achievable?"
    KEEPS_WHAT_WORKS = "keeps_what_works", "Does it keep or build on what is working?"
    CHANGES_WHAT_DOESNT = "changes_what_doesnt", "Does it change what is not working?"
    MOVES_TOWARD_CHANGE = (
        "moves_toward_change",
        "Does it move us closer to the person's positive change or aspiration?",
    )
    MEETS_ASSESSED_NEED = (
        "meets_assessed_need",
        "Where there is assessed need, does the outcome meet it?",
    )
    EVERYDAY_LANGUAGE = (
        "everyday_language",
        "Is it in everyday language, and not expressed from a service perspective?",
    )
    NO_SOLUTION = "no_solution", "Is there a solution embedded in the outcome?"


# Step 5's answers: the one scale for a question of fact, shared with risk (#16).
Answer = YesNoNotSure


class OutcomeCheckAnswer(SuggestedAnswer):
    """The practitioner's answer to one step-5 question, beside what the checker suggested.
    The practitioner's answer always wins; both are kept (core/questionnaires.py)."""

    parent_field = "outcome"

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="check_answers")
    question = models.CharField(max_length=30, choices=CheckQuestion.choices)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    suggested = models.CharField(max_length=10, choices=Answer.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outcome", "question"], name="check_answer_unique")
        ]


# --- Agreement (ACC-4; Std 4.1, 4.2; SEND "the outcome must be shared") ---------------------


class AgreementWhose(models.TextChoices):
    PERSON = "person", "The person"
    FAMILY = "family", "A family member or unpaid carer"
    PROXY = "proxy", "A guardian, attorney or other proxy"


class Agreed(models.TextChoices):
    YES = "yes", "Agreed"
    PARTLY = "partly", "Agreed with some of it"
    NO = "no", "Did not agree"


class AgreedHow(models.TextChoices):
    MEETING = "meeting", "In the meeting"
    SIGNED = "signed", "Signed the plan"
    PORTAL = "portal", "In their own online record"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter or e-mail"
    OTHER = "other", "Another way"


class Agreement(AppendOnlyModel):
    """Whether the person (or family, or a proxy) agreed an outcome, or the plan as a whole
    (`outcome` empty): who, when, how, and what they did not agree with in their words.
    Never edited: a changed mind is a new row, and the newest row of each is what stands."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="agreements")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements"
    )
    whose = models.CharField("Who", max_length=10, choices=AgreementWhose.choices)
    name = models.CharField("Their name", max_length=200)
    agreed = models.CharField("Did they agree?", max_length=10, choices=Agreed.choices)
    agreed_on = models.DateField("Date")
    how = models.CharField("How", max_length=10, choices=AgreedHow.choices)
    not_agreed = models.TextField(
        "What they did not agree with, in their words", max_length=4000, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreed_on", "at"]
        indexes = [models.Index(fields=["person", "outcome"], name="agreement_person_outcome")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreed__in=Agreed.values), name="agreement_agreed_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(whose__in=AgreementWhose.values), name="agreement_whose_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(agreed=Agreed.YES) | ~models.Q(not_agreed=""),
                name="agreement_disagreement_in_their_words",
            ),
        ]
