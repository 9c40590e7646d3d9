"""The good conversation and the Outcome Sequence, steps 1 to 3 (SPEC OS-1 to OS-5).

Every item belongs to one person (kept on each row so links can be checked and queries
scoped) and to the conversation in which it was recorded. Steps are separate tables so the
golden thread — what matters → not working / aspiration → positive change → outcome — is
data that can be followed and counted, not prose.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from goldenthread.core.domains import validate_domain
from goldenthread.core.formatting import date_text
from goldenthread.core.models import VersionedModel
from goldenthread.core.questionnaires import QuestionnaireAnswer
from goldenthread.people.models import CircleMember, Person


class ConversationQuerySet(models.QuerySet):
    def listed(self) -> ConversationQuerySet:
        """Newest first, with who recorded each and `outcome_count` for a list. Asked
        through a person's `conversations` too, so the people app needs no import of this
        one (conversations sits above people: docs/architecture.md)."""
        return (
            self.select_related("recorded_by")
            .annotate(outcome_count=models.Count("outcomes", distinct=True))
            .order_by("-held_on", "-created_at")
        )


class Conversation(VersionedModel):
    """OS-1: a good conversation: when, where, who took part, the person's story."""

    objects = ConversationQuerySet.as_manager()

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="conversations")
    held_on = models.DateField("Date of the conversation")
    place = models.CharField(
        "Where it took place",
        max_length=200,
        blank=True,
        help_text="For example: at home, at the day centre, by video call.",
    )
    person_took_part = models.BooleanField("The person took part", default=True)
    narrative = models.TextField(
        "The person's story, in their own words",
        blank=True,
        max_length=20000,
        help_text="Write what the person said, in their words. It is shown exactly as typed.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["person", "-held_on"], name="conversation_person_date")]

    def __str__(self) -> str:
        return f"Conversation on {date_text(self.held_on)}"


class ParticipantKind(models.TextChoices):
    CIRCLE = "circle", "Someone from the person's circle"
    ADVOCATE = "advocate", "Advocate"
    INTERPRETER = "interpreter", "Interpreter"
    WORKER = "worker", "Worker"
    OTHER = "other", "Someone else"


class Participant(VersionedModel):
    """OS-1: someone other than the person who took part."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ParticipantKind.choices)
    circle_member = models.ForeignKey(
        CircleMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=120, blank=True, help_text="For example: daughter, OT.")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        member = self.circle_member
        return member.name if member is not None else self.name

    def clean(self) -> None:
        if self.kind == ParticipantKind.CIRCLE:
            member = self.circle_member
            if member is None:
                raise ValidationError({"circle_member": "Choose who from the circle took part."})
            if member.person_id != self.person_id:
                raise ValidationError(
                    {"circle_member": "Choose someone from this person's circle."}
                )
        elif not self.name.strip():
            raise ValidationError({"name": "Enter the name of who took part."})


class StepItem(VersionedModel):
    """An item recorded in one of the steps, belonging to a person and a conversation."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="%(class)s_set"
    )
    text = models.TextField(max_length=4000)

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.conversation_id and self.conversation.person_id != self.person_id:
            raise ValidationError("Choose one of this person's conversations.")
        if not (self.text or "").strip():
            raise ValidationError({"text": "Write something here, or remove the item."})


class MattersKind(models.TextChoices):
    WHAT = "what", "What matters"
    WHERE = "where", "Where matters"


class MattersItem(StepItem):
    """Step 1: what matters and where matters to the person."""

    kind = models.CharField(max_length=10, choices=MattersKind.choices, default=MattersKind.WHAT)
    # The national domain the practitioner coded it to (AGG-4, core/domains.py), "" if none.
    domain = models.CharField(
        "National outcome domain",
        max_length=40,
        blank=True,
        default="",
        db_default="",
        validators=[validate_domain],
    )


class WhoMatters(StepItem):
    """Step 1: who matters — someone in the person's circle, and why they matter."""

    circle_member = models.ForeignKey(CircleMember, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("Why they matter", max_length=4000, blank=True)

    def clean(self) -> None:
        if self.conversation_id and self.conversation.person_id != self.person_id:
            raise ValidationError("Choose one of this person's conversations.")
        if self.circle_member_id and self.circle_member.person_id != self.person_id:
            raise ValidationError({"circle_member": "Choose someone from this person's circle."})


class Aspiration(StepItem):
    """Step 1: hopes for the future, where appropriate."""


class Perspective(models.TextChoices):
    PERSON = "person", "The person"
    FAMILY = "family", "Family or carer"
    WORKER = "worker", "Worker"
    OTHER = "other", "Someone else"


class WorkingItem(StepItem):
    """Step 2: what is working and what is not working now, and whose view it is."""

    is_working = models.BooleanField()
    perspective = models.CharField(
        "Whose view", max_length=10, choices=Perspective.choices, default=Perspective.PERSON
    )


class StrengthKind(models.TextChoices):
    STRENGTH = "strength", "Strength or quality"
    ASSET = "asset", "Asset"
    COMMUNITY = "community", "Support already in the community"


class Strength(StepItem):
    """OS-4: strengths, assets and existing community supports, counted as such."""

    kind = models.CharField(
        max_length=10, choices=StrengthKind.choices, default=StrengthKind.STRENGTH
    )


class PositiveChangeQuerySet(models.QuerySet):
    def with_links(self) -> PositiveChangeQuerySet:
        """Each change with how many not-working items (`nw`) and aspirations (`asp`) it
        comes from and how many outcomes were made from it (`outcome_count`), with what it
        comes from read alongside: the counts of step 3's page and its checklist."""
        return self.annotate(
            nw=models.Count("from_not_working", distinct=True),
            asp=models.Count("from_aspirations", distinct=True),
            outcome_count=models.Count("outcomes", distinct=True),
        ).prefetch_related("from_not_working", "from_aspirations")


class PositiveChange(StepItem):
    """Step 3: the change the person wants, from what is not working or an aspiration."""

    objects = PositiveChangeQuerySet.as_manager()

    from_not_working = models.ManyToManyField(WorkingItem, blank=True, related_name="changes")
    from_aspirations = models.ManyToManyField(Aspiration, blank=True, related_name="changes")
    nw: int  # these three are set by PositiveChangeQuerySet.with_links()
    asp: int
    outcome_count: int
    linked: bool  # set by selectors.conversation_record(): it comes from something


class ReflectionQuestion(models.TextChoices):
    """OS-8: "How well did I use the Outcome Sequence?", in the workbook's words."""

    WHAT_MATTERS = (
        "what_matters",
        "Did I discover what matters to the person, who is important in their life and the "
        "places that matter to them? Did I explore aspirations if this was appropriate?",
    )
    WORKING = (
        "working",
        "Have I fully understood what is working and not working about the person's life "
        "now, from their perspective?",
    )
    POSITIVE_CHANGE = (
        "positive_change",
        "Am I clear about the positive change that the person wants to see in their life "
        "(either changing something that is not working or moving towards an aspiration)?",
    )
    SPECIFIC_OUTCOMES = (
        "specific_outcomes",
        "Have I described this change in terms of a specific outcome or outcomes?",
    )
    CHECKED = "checked", "Have I checked the outcome(s) against the eight questions?"
    INVOLVED = (
        "involved",
        "Am I confident that I involved the person in decision making as much as I could?",
    )


class ReflectionAnswerChoice(models.TextChoices):
    # One answer scale for the practitioner's checklists, as the Support Sequence's (#16).
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "Not yet"


class ReflectionAnswer(QuestionnaireAnswer):
    """The practitioner's own answer to one checklist question for a conversation
    (core/questionnaires.py)."""

    parent_field = "conversation"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="reflection_answers"
    )
    question = models.CharField(max_length=30, choices=ReflectionQuestion.choices)
    answer = models.CharField(max_length=10, blank=True, choices=ReflectionAnswerChoice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "question"], name="reflection_answer_unique"
            )
        ]
