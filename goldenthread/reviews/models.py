"""Reviews and progress (SPEC REV-1..REV-3; SDS Standard 4.2 "learning from review").

- `ReviewSchedule` — when the person's next review is due (one per person).
- `Review` — a review meeting: when, who held it, what was learned, and (when finished) the
  date of the next review. A review in progress is a draft; a finished one is never changed.
- `OutcomeReview` — one outcome revisited at a review: where the measure is now (against
  the recorded starting point), the practitioner's rating and the evidence in everyday
  words, and the decision: keep, rewrite (the new outcome is linked; the old one is kept)
  or close.
- `PersonView` — the person's own view and rating of an outcome at a review, in their
  words. Rows are only ever added: a later view is a new row, never an edit, and no save
  of the practitioner's can touch it (the application refuses, and so does the database:
  migration 0002).
- `SolutionReview` — a solution (Support Sequence) kept, changed or stopped, and why.

Every row carries `person`, so every query can start from the person reached through
`Person.objects.visible_to(user)`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from goldenthread.audit.models import AppendOnlyModel
from goldenthread.core.formatting import date_text
from goldenthread.core.models import SubmittedOnce, VersionedModel
from goldenthread.outcomes.models import Outcome
from goldenthread.people.models import Person
from goldenthread.support.models import Solution

DEFAULT_REVIEW_INTERVAL_DAYS = 182


def review_interval_days() -> int:
    """How long after an outcome is agreed (or a review is held) the next review is due,
    unless someone sets a date. Setting: GOLDENTHREAD_REVIEW_INTERVAL_DAYS (default 182,
    about six months)."""
    return int(getattr(settings, "GOLDENTHREAD_REVIEW_INTERVAL_DAYS", DEFAULT_REVIEW_INTERVAL_DAYS))


class ReviewSchedule(VersionedModel):
    """When the person's next review is due. Every change of the date set is in the change
    history.

    `next_review_on` is the date someone set (at a review, or on its own); empty when
    nobody has set one. `due_on` and `last_review_on` are worked out from the records and
    stored for the reviews-due worklist (#19), so that it reads an index instead of working
    the date out for every person it may show: `due_on` is the date set, else the review
    interval after the last finished review, else the interval after the first open outcome
    was agreed (the date of its conversation). They are kept up to date by `reviews.due`,
    inside the transaction of every service that changes what they are worked out from;
    `goldenthread refresh-review-due` works them out again for everyone (after a bulk load
    or a change of GOLDENTHREAD_REVIEW_INTERVAL_DAYS). A row with no date set holds only
    these two (it is not a change of the record, so it is not in the change history)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="review_schedule")
    next_review_on = models.DateField("Date of the next review", null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    due_on = models.DateField("Next review due", null=True, blank=True, editable=False)
    last_review_on = models.DateField(
        "Date of the last finished review", null=True, blank=True, editable=False
    )

    class Meta:
        indexes = [models.Index(fields=["due_on"], name="review_schedule_due_on")]

    def __str__(self) -> str:
        return f"Next review {date_text(self.next_review_on)}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    COMPLETED = "completed", "Finished"


class Review(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField("Date of the review")
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    what_learned = models.TextField(
        "What we learned at this review",
        max_length=8000,
        blank=True,
        help_text="What has worked, what has not, and what changes because of it.",
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    next_review_on = models.DateField("Date of the next review", null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [
            models.Index(fields=["person", "status", "-held_on"], name="review_person_status_held")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            # A finished review has a time it was finished and the next review's date.
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DRAFT)
                | (Q(completed_at__isnull=False) & Q(next_review_on__isnull=False)),
                name="review_completed_has_next_date",
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True)
                | Q(next_review_on__gt=models.F("held_on")),
                name="review_next_after_held",
            ),
            # One review in progress at a time for a person.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=ReviewStatus.DRAFT),
                name="review_one_draft_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Review on {date_text(self.held_on)}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReviewStatus.DRAFT


class Rating(models.TextChoices):
    """How far an outcome has come (REV-1). Longer wording lives in presenters."""

    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_YET = "not_yet", "Not yet"
    NO_LONGER_RELEVANT = "not_relevant", "No longer relevant"


class OutcomeDecision(models.TextChoices):
    KEEP = "keep", "Keep it"
    REWRITE = "rewrite", "Rewrite it"
    CLOSE = "close", "Close it"


class OutcomeReview(VersionedModel):
    """The practitioner's record of one outcome at one review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="outcome_reviews")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="reviews")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outcome_reviews")
    new_measure_value = models.DecimalField(
        "The measure now (a number, if it has one)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    rating = models.CharField("How far has it come?", max_length=15, choices=Rating.choices)
    evidence = models.TextField("What shows this, in everyday words", max_length=4000)
    decision = models.CharField(
        "What happens to this outcome now?", max_length=10, choices=OutcomeDecision.choices
    )
    new_outcome = models.OneToOneField(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewritten_at_review",
        help_text="The outcome it was rewritten as, when the decision was to rewrite it.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "outcome"], name="outcome_review_once_per_review"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=Rating.values), name="outcome_review_rating_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=OutcomeDecision.values),
                name="outcome_review_decision_valid",
            ),
            # A rewritten outcome always points at its new wording, and only then.
            models.CheckConstraint(
                condition=(Q(decision=OutcomeDecision.REWRITE) & Q(new_outcome__isnull=False))
                | (~Q(decision=OutcomeDecision.REWRITE) & Q(new_outcome__isnull=True)),
                name="outcome_review_rewrite_has_new_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.outcome}"


class WhoseWords(models.TextChoices):
    PERSON = "person", "The person, in their own words"
    WITH_SUPPORT = "with_support", "The person, with help to say it"
    ON_BEHALF = "on_behalf", "Someone speaking for the person"


class PersonView(SubmittedOnce, AppendOnlyModel):
    """The person's own view of an outcome at a review, kept beside the practitioner's
    and never overwritten. A later view is a new row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="person_views")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="person_views")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="review_views")
    rating = models.CharField("Their rating", max_length=15, choices=Rating.choices, blank=True)
    in_their_words = models.TextField("What they said", max_length=4000)
    whose_words = models.CharField(
        "Whose words these are",
        max_length=15,
        choices=WhoseWords.choices,
        default=WhoseWords.PERSON,
    )
    speaker_name = models.CharField(
        "Name of who spoke for them",
        max_length=200,
        blank=True,
        help_text="For example: 'Ann Macdonald, her daughter'.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating__in=Rating.values),
                name="person_view_rating_valid",
            ),
            models.CheckConstraint(
                condition=Q(whose_words__in=WhoseWords.values), name="person_view_whose_valid"
            ),
            models.CheckConstraint(
                condition=~Q(whose_words=WhoseWords.ON_BEHALF) | ~Q(speaker_name=""),
                name="person_view_on_behalf_named",
            ),
        ]

    def __str__(self) -> str:
        return self.in_their_words[:80]


class SolutionDecision(models.TextChoices):
    KEEP = "keep", "Keep it"
    CHANGE = "change", "Change it"
    STOP = "stop", "Stop it"


class SolutionReview(VersionedModel):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="solution_reviews")
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="reviews")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="solution_reviews")
    decision = models.CharField(
        "Keep, change or stop it?", max_length=10, choices=SolutionDecision.choices
    )
    why = models.TextField("Why", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "solution"], name="solution_review_once_per_review"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=SolutionDecision.values),
                name="solution_review_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision=SolutionDecision.KEEP) | ~Q(why=""),
                name="solution_review_change_or_stop_has_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.solution}"
