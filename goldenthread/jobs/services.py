"""Starting a job and trying a failed one again: the only writes to jobs a person makes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from goldenthread.audit.services import Auditor
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
