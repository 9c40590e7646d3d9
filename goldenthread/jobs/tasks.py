"""The one task the queue carries: run job X. django-tasks finds it by its module path."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import F
from django.utils import timezone

from goldenthread.core.permissions import can
from goldenthread.operations.readonly import is_read_only

try:  # Django 6 has the framework built in; on 5.2 the django-tasks backport provides it.
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    from django_tasks import task

from .kinds import KINDS, JobFailed
from .models import Job, JobState

logger = logging.getLogger(__name__)


def this_attempt(job_id: str, attempt: int):
    """The job's row while this attempt still holds it: once the job has been marked
    failed (its worker thought lost) or tried again, a late write from here changes nothing."""
    return Job.objects.filter(pk=job_id, state=JobState.RUNNING, attempts=attempt)


def beat(job_id: str, attempt: int) -> None:
    """Say this attempt is still alive."""
    this_attempt(job_id, attempt).update(heartbeat_at=timezone.now())


@contextmanager
def heartbeat(job_id: str, attempt: int) -> Iterator[None]:
    """Beat every GOLDENTHREAD_JOB_HEARTBEAT_SECONDS from a thread of its own while the job
    runs, so a long step with no progress to report is not taken for a dead worker. The
    thread has its own database connection; a beat that cannot be written is skipped."""
    seconds = settings.GOLDENTHREAD_JOB_HEARTBEAT_SECONDS
    if not seconds:
        yield
        return
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(seconds):
                try:
                    beat(job_id, attempt)
                except DatabaseError:
                    logger.warning("Job %s: a heartbeat could not be written", job_id)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name=f"job-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@task(queue_name=settings.GOLDENTHREAD_TASKS_QUEUE)
def run_job(job_id: str) -> str:
    """Run the job once. Safe to deliver twice: only a waiting job is claimed (one UPDATE
    that a second delivery, or a second worker, finds already done), so a job never runs
    twice at once and a finished one is never run again."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        done=0,
        total=0,
        step="",
        error="",
    )
    if not claimed:
        return "not waiting: nothing done"
    job = Job.objects.select_related("started_by").get(pk=job_id)
    attempt = job.attempts
    kind = KINDS.get(job.kind)

    def progress(done: int, total: int, step: str) -> None:
        this_attempt(job_id, attempt).update(
            done=done, total=total, step=step[:200], heartbeat_at=timezone.now()
        )

    try:
        if kind is None:
            raise JobFailed("This kind of job is no longer run by this service.")
        if is_read_only():
            raise JobFailed(
                "The service is read-only while we do maintenance, so the job did not run. "
                "Try again when maintenance is over."
            )
        user = job.started_by
        if not user.is_active or not can(user, kind.permission):
            raise JobFailed("Your role can no longer run this job, so it was not run.")
        with heartbeat(job_id, attempt):
            outcome = kind.run(job, progress)
    except JobFailed as exc:
        _finish(job_id, attempt, state=JobState.FAILED, error=str(exc))
        return "failed"
    except Exception as exc:
        # The exception's message may hold record text: log it with the reference, show
        # only the reference (docs/adr/0012, logs).
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job_id, attempt, state=JobState.FAILED, error=_unexpected(exc, job.pk))
        return "failed"
    finished = _finish(
        job_id,
        attempt,
        state=JobState.SUCCEEDED,
        result_text=outcome.text,
        result_file=outcome.file if outcome.downloadable else "",
    )
    if not finished:
        # Marked failed while it ran (no heartbeat for too long): its starter has been told
        # it failed, and may have tried it again; this late result is not put over that.
        logger.warning("Job %s finished after it was marked as lost; result not kept", job_id)
        return "lost: result not kept"
    return "succeeded"


def _unexpected(exc: Exception, reference: object) -> str:
    if type(exc).__name__ == "JobTimeoutException":  # RQ stopped it (rq.timeouts)
        hours = settings.GOLDENTHREAD_JOB_TIMEOUT_SECONDS / 3600
        return (
            f"The job took longer than the limit of {hours:g} hours, so it was stopped. "
            f"Try again; if it stops again, tell your system administrator the reference "
            f"{reference}."
        )
    return (
        "Something went wrong, so the job stopped. Tell your system administrator "
        f"the reference {reference}."
    )


def _finish(job_id: str, attempt: int, **fields) -> int:
    return this_attempt(job_id, attempt).update(finished_at=timezone.now(), **fields)
