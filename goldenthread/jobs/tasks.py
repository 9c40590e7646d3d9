"""The one task the queue carries: run job X. django-tasks finds it by its module path."""

from __future__ import annotations

import logging

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


@task()
def run_job(job_id: str) -> str:
    """Run the job once. Safe to deliver twice: only a waiting job is claimed (one UPDATE
    that a second delivery, or a second worker, finds already done), so a job never runs
    twice at once and a finished one is never run again."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=now,
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
    kind = KINDS.get(job.kind)

    def progress(done: int, total: int, step: str) -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, step=step[:200])

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
        outcome = kind.run(job, progress)
    except JobFailed as exc:
        _finish(job, state=JobState.FAILED, error=str(exc))
        return "failed"
    except Exception:
        # The exception's message may hold record text: log it with the reference, show
        # only the reference (docs/adr/0012, logs).
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            state=JobState.FAILED,
            error=(
                "Something went wrong, so the job stopped. Tell your system administrator "
                f"the reference {job.pk}."
            ),
        )
        return "failed"
    _finish(
        job,
        state=JobState.SUCCEEDED,
        result_text=outcome.text,
        result_file=outcome.file if outcome.downloadable else "",
    )
    return "succeeded"


def _finish(job: Job, **fields) -> None:
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        finished_at=timezone.now(), **fields
    )
