"""Starting a job and trying a failed one again: the only writes to jobs a person makes."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from goldenthread.audit.services import Auditor
from goldenthread.core.formatting import datetime_text
from goldenthread.core.permissions import can
from goldenthread.core.services import require_signed_in

from .kinds import KINDS
from .models import Job, JobState
from .tasks import run_job


class JobError(Exception):
    """The job cannot be started or tried again; the message says why."""


def job_start(*, actor: Any, kind: str, params: dict[str, Any] | None = None) -> Job:
    """Queue a job of `kind` for `actor`. The job row, its change-history row and the queue's
    task row are written in one transaction: a job is never queued half-way."""
    require_signed_in(actor)
    job_kind = KINDS.get(kind)
    if job_kind is None:
        raise JobError(f"There is no kind of job called {kind!r}.")
    if not can(actor, job_kind.permission):
        raise PermissionDenied(f"Your role cannot start this job ({job_kind.label.lower()}).")
    auditor = Auditor(actor)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, started_by=actor, params=params or {}, created_at=timezone.now()
        )
        _enqueue(job)
        auditor.created(job, person_id=None)
    return job


def job_retry(*, actor: Any, job: Job) -> Job:
    """Queue a failed job again (its kind is safe to run twice). Only its starter may."""
    require_signed_in(actor)
    if job.started_by_id != actor.pk:
        raise PermissionDenied("Only the person who started a job may try it again.")
    auditor = Auditor(actor)
    with transaction.atomic():
        before = auditor.snapshot(job)
        updated = Job.objects.filter(pk=job.pk, state=JobState.FAILED).update(
            state=JobState.QUEUED, error="", finished_at=None
        )
        if not updated:
            raise JobError("Only a failed job can be tried again; this one has not failed.")
        job.refresh_from_db()
        _enqueue(job)
        auditor.updated(job, before=before, person_id=None)
    return job


def _enqueue(job: Job) -> None:
    result = run_job.enqueue(str(job.pk))
    # The immediate backend (tests, or a setting) has already run the job by now.
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])
    job.refresh_from_db()


def _silent_since(cutoff: datetime.datetime) -> Q:
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)


def lost_reason(last_heard: datetime.datetime | None) -> str:
    heard = f" (last heard from {datetime_text(last_heard)})" if last_heard else ""
    return (
        "The worker running this job stopped before the job finished" + heard + ": it was "
        "probably restarted or shut down. Nothing more will happen to this job. It is safe "
        "to run again: choose Try again."
    )


def recover_stale(
    *, jobs: QuerySet[Job] | None = None, now: datetime.datetime | None = None
) -> int:
    """Mark failed every running job whose worker has not been heard from for
    GOLDENTHREAD_JOB_STALE_AFTER_SECONDS (it was killed mid-job), saying why; each can then
    be tried again. Returns how many. Each is one conditional UPDATE: a job whose worker
    beats in the meantime, or that finishes, is left alone, and a worker that comes back
    late cannot put its result over this (tasks.this_attempt)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.GOLDENTHREAD_JOB_STALE_AFTER_SECONDS)
    silent = _silent_since(cutoff)
    candidates = (jobs if jobs is not None else Job.objects.all()).filter(
        silent, state=JobState.RUNNING
    )
    marked = 0
    for pk, attempts, heartbeat_at, started_at in candidates.values_list(
        "pk", "attempts", "heartbeat_at", "started_at"
    ):
        marked += Job.objects.filter(
            silent, pk=pk, state=JobState.RUNNING, attempts=attempts
        ).update(
            state=JobState.FAILED,
            finished_at=now,
            error=lost_reason(heartbeat_at or started_at),
        )
    return marked
