"""Reviews due reach the workers (ACC-3): each allocated worker is told once about each
review date coming up within the notice period or already passed. Run daily
(`manage.py notify_reviews_due`); running it twice tells no one twice (the key)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts.notifications import Kind, notify
from goldenthread.core.formatting import date_text
from goldenthread.people.models import Allocation, active_on

from .models import ReviewSchedule

NOTICE_DAYS = 14


def notify_reviews_due(
    *, today: datetime.date | None = None, notice_days: int = NOTICE_DAYS
) -> int:
    """Tell the allocated workers of each review due within `notice_days` (or overdue).
    Returns how many (worker, review) pairs were considered. Two queries."""
    today = today or timezone.localdate()
    schedules = list(
        ReviewSchedule.objects.filter(
            next_review_on__lte=today + datetime.timedelta(days=notice_days)
        )
    )
    by_person: dict = {}
    for allocation in Allocation.objects.filter(
        active_on(today), person_id__in=[s.person_id for s in schedules]
    ).select_related("worker"):
        by_person.setdefault(allocation.person_id, []).append(allocation.worker)
    count = 0
    with transaction.atomic():
        for schedule in schedules:
            workers = by_person.get(schedule.person_id, [])
            due_on = schedule.next_review_on
            assert due_on is not None  # the filter above: rows with a date set
            when = date_text(due_on)
            text = (
                f"A review was due on {when}." if due_on < today else f"A review is due on {when}."
            )
            notify(
                workers,
                kind=Kind.REVIEW_DUE,
                text=text,
                url=reverse("reviews:list", args=[schedule.person_id]),
                key=f"review-due:{schedule.person_id}:{due_on}",
            )
            count += len(workers)
    return count
