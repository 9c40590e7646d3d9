"""Report figures computed in the background (#14, OPS-3).

A table whose cube is too large to compute while someone waits (more cells than
GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS: a nation's teams took minutes and gigabytes) is
never computed in a request. The request asks for its period here instead, and the page
says the figures are being worked out; the background worker (`goldenthread
worker`, started by `make run`) computes every table of the period that is not
current, as `goldenthread refresh-reports --period` does. The queue is django-tasks', as
the jobs' (docs/adr/0018, 0021), but a queue of its own (GOLDENTHREAD_REPORTS_QUEUE), so a
worker can be kept for jobs alone: a nation's period takes minutes."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

try:  # Django 6 has the framework built in; on 5.2 the django-tasks backport provides it.
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    from django_tasks import task

logger = logging.getLogger(__name__)

# A period is asked for at most once in this long (the claim's lifetime: snapshots.py);
# asking again later is harmless, as a refresh recomputes only what is not current.
ASKED_FOR = datetime.timedelta(minutes=15)


# Below the jobs' priority (django-tasks' default, 0), where the queue's backend keeps
# priorities (the database's): a worker taking both queues from the database takes waiting
# jobs first. RQ has none, and takes its first queue (the jobs') first instead.
REPORTS_PRIORITY = -10


@task(queue_name=settings.GOLDENTHREAD_REPORTS_QUEUE)
def prepare_period(period_code: str, today: str) -> str:
    """Compute and store every table of one period whose figures are not current."""
    from . import selectors
    from .refresh import refresh_reports

    # Tables protected together across periods (ADR 0038) are worked out for every period
    # offered at once: one period's figures protected without the others' could be compared
    # with theirs.
    together = bool(selectors.protected_across())
    summary = refresh_reports(
        today=datetime.date.fromisoformat(today), periods=None if together else [period_code]
    )
    what = "every period" if together else period_code
    return (
        f"{what}: {summary.recomputed} tables computed, {summary.unchanged} already "
        f"current, in {summary.seconds:.1f} s"
    )


def _queued_task():
    """`prepare_period` on the reports' queue, below the jobs where the backend can say so."""
    queued = prepare_period.using(queue_name=settings.GOLDENTHREAD_REPORTS_QUEUE)
    if queued.get_backend().supports_priority:
        queued = queued.using(priority=REPORTS_PRIORITY)
    return queued


def _asked_key(period_code: str, today: datetime.date) -> str:
    from . import selectors

    # One ask for every period when they are worked out together (`prepare_period`).
    asked = "every-period" if selectors.protected_across() else period_code
    return f"reports:preparing:{today.isoformat()}:{asked}"


def ask_to_prepare(period_code: str, today: datetime.date) -> None:
    """Queue `prepare_period` for the period, unless it was asked for recently. Never
    fails the request: a queue or cache that cannot be reached is logged, and the next
    request asks again."""
    key = _asked_key(period_code, today)
    try:
        if not cache.add(key, True, int(ASKED_FOR.total_seconds())):
            return
    except Exception:  # any cache backend's failure: ask anyway
        logger.warning("Could not note that report figures were asked for", exc_info=True)
    try:
        # In a savepoint: a queue in the database refusing the write (maintenance) leaves
        # the request's transaction usable.
        with transaction.atomic():
            _queued_task().enqueue(period_code, today.isoformat())
    except Exception:  # the queue's database or Redis refusing: the next request asks again
        logger.warning("Could not queue report figures to be prepared", exc_info=True)
        try:
            cache.delete(key)
        except Exception:
            logger.warning("Could not forget that report figures were asked for", exc_info=True)
