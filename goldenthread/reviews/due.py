"""Each person's stored "next review due" (#19, REV-3): worked out from the records and kept
in `ReviewSchedule.due_on` (indexed) and `ReviewSchedule.last_review_on`, so the reviews-due
worklist reads a column instead of working the date out for every person it may show.

The rule (`derived_due`) is the one the worklist used to compute on every request: the date
set at the last review or on its own; else the review interval after the last finished
review; else the interval after the first open outcome was agreed (the date of its
conversation). `refresh_review_due(person_ids)` works it out again and stores it; it runs
inside the transaction of every service that changes what it is worked out from:

- reviews: setting the date (`_schedule_write`, also at the end of a review);
- outcomes: `open_outcomes_changed` (an outcome added, rewritten or closed);
- conversations: `conversation_redated` (the date of a conversation changed).

`refresh_all_review_due()` (the command `goldenthread refresh-review-due`) does it for
everyone: after a bulk load and when GOLDENTHREAD_REVIEW_INTERVAL_DAYS changes. (The
synthetic data writes both dates itself, #14; tests/test_synth.py checks that this refresh
then changes nothing.) The stored values are a copy of audited facts, so writing them is not audited
and does not change the schedule's version (an editor's copy of the date stays current).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import DateField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from goldenthread.core.sql import AddDays
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.models import Person

from .models import Review, ReviewSchedule, ReviewStatus, review_interval_days

CHUNK = 1000


def derived_due(people: QuerySet[Person]) -> QuerySet:
    """`people` as value rows (pk, due_on, last_review_on) with the due date worked out
    from the records in SQL."""
    interval = review_interval_days()
    last_review = (
        Review.objects.filter(person=OuterRef("pk"), status=ReviewStatus.COMPLETED)
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    first_open = (
        Outcome.objects.filter(person=OuterRef("pk"), status=OutcomeStatus.OPEN)
        .order_by("conversation__held_on")
        .values("conversation__held_on")[:1]
    )
    return (
        people.annotate(
            set_on=F("review_schedule__next_review_on"),
            last_review_on=Subquery(last_review),
        )
        .annotate(
            due_on=Coalesce(
                F("set_on"),
                AddDays(F("last_review_on"), interval),
                AddDays(Subquery(first_open), interval),
                output_field=DateField(),
            )
        )
        .values_list("pk", "due_on", "last_review_on")
    )


def as_date(value) -> datetime.date | None:
    """SQLite hands back a computed date as text."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def refresh_review_due(person_ids: Iterable) -> int:
    """Work out and store the due date of these people; returns how many rows changed.
    Two or three queries a call, however many people (up to CHUNK at a time)."""
    ids = list(dict.fromkeys(person_ids))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        derived = {
            pk: (as_date(due_on), as_date(last))
            for pk, due_on, last in derived_due(Person.objects.filter(pk__in=chunk))
        }
        stored = {
            row[0]: row[1:]
            for row in ReviewSchedule.objects.filter(person_id__in=chunk).values_list(
                "person_id", "due_on", "last_review_on"
            )
        }
        new = []
        for pk, (due_on, last) in derived.items():
            if pk in stored:
                if stored[pk] != (due_on, last):
                    ReviewSchedule.objects.filter(person_id=pk).update(
                        due_on=due_on, last_review_on=last
                    )
                    changed += 1
            elif due_on is not None or last is not None:
                new.append(ReviewSchedule(person_id=pk, due_on=due_on, last_review_on=last))
        if new:
            ReviewSchedule.objects.bulk_create(new)
            changed += len(new)
    return changed


def refresh_all_review_due() -> int:
    """Every person's due date worked out again (a bulk load, or a new review interval)."""
    changed = 0
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        changed += refresh_review_due(ids[start : start + CHUNK])
    return changed


def _answer(sender, *, person_id, **kwargs) -> None:
    refresh_review_due([person_id])


def connect() -> None:
    """Answer the lower apps' signals (called from ReviewsConfig.ready)."""
    from goldenthread.conversations.signals import conversation_redated
    from goldenthread.outcomes.signals import open_outcomes_changed

    open_outcomes_changed.connect(_answer, dispatch_uid="goldenthread.reviews.due.outcomes")
    conversation_redated.connect(_answer, dispatch_uid="goldenthread.reviews.due.conversations")
