"""How long the sign-in records are kept (OPS-7, SEC-2; docs/adr/0004, 0018).

django-axes keeps a row for every sign-in and sign-out (AccessLog), every failure
(AccessFailureLog) and the failures counting towards a lock (AccessAttempt), each with the
address and the browser's user agent. They are the trail of an attack on an account, and
they are personal data: kept `GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS` days (default 180),
then removed by the retention run (`goldenthread retention --apply`, the "retention" job),
which calls `purge()` after the records it destroys.

- A lock that is still in force is never removed early: whatever the period, a row newer
  than the lock-out time (AXES_COOLOFF_TIME) stays, and so does one whose own expiry is
  still ahead; with no lock-out time (a lock that lasts until it is reset), the failures
  counting towards locks are not removed at all.
- The rows go in bounded batches (BATCH rows a statement), all in one transaction with
  the tombstone that records how many of each went, and its change-history row: the
  removal is audited and leaves a tombstone, as a destroyed record does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from goldenthread.audit.services import Auditor
from goldenthread.core.formatting import count_text

from . import retention
from .models import Tombstone

RULE = "sign-in-records"
DEFAULT_KEEP_DAYS = 180
# Rows removed by one DELETE: under SQLite's oldest limit of 999 parameters.
BATCH = 500
LABELS: dict[type[models.Model], str] = {
    AccessLog: "sign-ins and sign-outs",
    AccessFailureLog: "failed sign-ins",
    AccessAttempt: "failures counting towards a lock",
}


class SignInRetentionError(Exception):
    """The period is not one the purge can use; nothing was removed."""


@dataclass
class SignInPurge:
    dry_run: bool
    keep_days: int
    older_than: datetime.datetime
    rows: dict[str, int] = field(default_factory=dict)
    tombstone: Tombstone | None = None

    def as_text(self) -> str:
        total = sum(self.rows.values())
        if not total:
            return f"No sign-in record is older than {count_text(self.keep_days, 'day', 'days')}."
        verb = "Would remove" if self.dry_run else "Removed"
        lines = [
            f"{verb} {count_text(total, 'sign-in record', 'sign-in records')} from before "
            f"{self.older_than:%d %B %Y %H:%M} UTC "
            f"(kept {count_text(self.keep_days, 'day', 'days')}):"
        ]
        lines += [f"- {label}: {n:,}" for label, n in self.rows.items() if n]
        return "\n".join(lines)


def keep_days() -> int:
    days = getattr(settings, "GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS", DEFAULT_KEEP_DAYS)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise SignInRetentionError(
            f"GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS is {days!r}, not a number of days."
        ) from None
    if days < 1:
        raise SignInRetentionError(
            f"GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS is {days}; sign-in records are kept "
            "at least a day."
        )
    return days


def _cool_off() -> datetime.timedelta | None:
    """How long a lock lasts (AXES_COOLOFF_TIME): None when it lasts until it is reset."""
    value = getattr(settings, "AXES_COOLOFF_TIME", None)
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.timedelta(hours=value)
    if isinstance(value, datetime.timedelta):
        return value
    # A callable or a dotted path: axes works it out per request; assume a day at least.
    return datetime.timedelta(days=1)


def _due(
    now: datetime.datetime, older_than: datetime.datetime
) -> dict[type[models.Model], models.QuerySet]:
    """Each table's rows past the period, never one a lock in force still needs."""
    cool_off = _cool_off()
    floor = older_than if cool_off is None else min(older_than, now - cool_off)
    due: dict[type[models.Model], models.QuerySet] = {
        AccessLog: AccessLog.objects.filter(attempt_time__lt=floor),
        AccessFailureLog: AccessFailureLog.objects.filter(attempt_time__lt=floor),
    }
    if cool_off is not None:
        due[AccessAttempt] = AccessAttempt.objects.filter(attempt_time__lt=floor).exclude(
            expiration__expires_at__gt=now
        )
    return due


def purge(*, actor: Any, dry_run: bool, now: datetime.datetime | None = None) -> SignInPurge:
    """Remove the sign-in records older than the period (or, dry_run, only count them).

    `now` dates the run (`goldenthread retention --today`; default: the clock): the period
    is counted back from it. A lock is in force by the clock, so a run dated ahead never
    removes one early (the earlier of the two moments decides), and the tombstone says
    when the rows really went."""
    auditor = Auditor(actor)  # refuse an anonymous actor before anything is read
    clock = timezone.now()
    now = now or clock
    days = keep_days()
    older_than = now - datetime.timedelta(days=days)
    in_force_at = min(now, clock)
    result = SignInPurge(dry_run=dry_run, keep_days=days, older_than=older_than)
    if dry_run:
        for model, rows in _due(in_force_at, older_than).items():
            result.rows[LABELS[model]] = rows.count()
        return result
    removed: dict[str, int] = {}
    with transaction.atomic():
        for model, rows in _due(in_force_at, older_than).items():
            count = 0
            while ids := list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH]):
                # An attempt's expiry row goes with it (a cascade); counted as the attempt.
                deleted = model._default_manager.filter(pk__in=ids).delete()[1]
                count += deleted.get(model._meta.label, 0)
            result.rows[LABELS[model]] = count
            if count:
                removed[model._meta.label] = count
        if removed:
            result.tombstone = tombstone = Tombstone.objects.create(
                rule=RULE,
                rule_text=(
                    f"sign-in records kept {count_text(days, 'day', 'days')} "
                    f"(source: {getattr(settings, 'GOLDENTHREAD_SIGN_IN_RECORDS_SOURCE', '')})"
                )[:500],
                record_type="sign-in records",
                record_id=f"before {older_than:%Y-%m-%dT%H:%M:%SZ}",
                counted_from=older_than.date(),
                destroyed_at=clock,
                destroyed_by=actor if isinstance(actor, get_user_model()) else None,
                destroyed_by_name=retention._actor_name(actor),
                rows=removed,
            )
            auditor.created(tombstone, person_id=None)
    return result
