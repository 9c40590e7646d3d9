"""Starting a job and trying a failed one again: the only writes to jobs a person makes."""

from __future__ import annotations

import datetime
import json
import logging
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from redis.exceptions import RedisError

from goldenthread.audit.services import Auditor
from goldenthread.core.formatting import datetime_text
from goldenthread.core.permissions import can
from goldenthread.core.services import require_signed_in

from .kinds import KINDS
from .models import Job, JobState
from .tasks import run_job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """The job cannot be started or tried again; the message says why."""


def job_start(*, actor: Any, kind: str, params: dict[str, Any] | None = None) -> Job:
    """Queue a job of `kind` for `actor`. The job row and its change-history row are written
    in one transaction; the task is queued in it too when the queue is in the database, or
    just after it commits when the queue is on Redis (a job never runs before its row
    exists; one whose task was never published is published again by requeue_lost)."""
    require_signed_in(actor)
    job_kind = KINDS.get(kind)
    if job_kind is None:
        raise JobError(f"There is no kind of job called {kind!r}.")
    if not can(actor, job_kind.permission):
        raise PermissionDenied(f"Your role cannot start this job ({job_kind.label_in_sentence}).")
    auditor = Auditor(actor)
    with transaction.atomic():
        now = timezone.now()
        job = Job.objects.create(
            kind=kind, started_by=actor, params=params or {}, created_at=now, queued_at=now
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
            state=JobState.QUEUED,
            error="",
            finished_at=None,
            queued_at=timezone.now(),
            task_result_id="",
        )
        if not updated:
            raise JobError("Only a failed job can be tried again; this one has not failed.")
        job.refresh_from_db()
        _enqueue(job)
        auditor.updated(job, before=before, person_id=None)
    return job


def queue_in_database() -> bool:
    """Is the queue in the service's own database (django-tasks-db), so that a task is
    written in the same transaction as its job? Otherwise (RQ on Redis) it is published
    after the commit."""
    from django_tasks_db import DatabaseBackend

    return isinstance(run_job.get_backend(), DatabaseBackend)


def _enqueue(job: Job) -> None:
    if queue_in_database():
        _publish(job.pk)
        job.refresh_from_db()
    else:
        # Never before the job's row commits: a worker on Redis could take the task at once
        # and find no job (or an old state) to run. If this process dies after the commit
        # and before the publish, the job waits, and requeue_lost publishes it.
        transaction.on_commit(partial(_publish_after_commit, job.pk))


def _publish(job_id: Any) -> None:
    result = run_job.using(queue_name=settings.GOLDENTHREAD_TASKS_QUEUE).enqueue(str(job_id))
    # The immediate backend (tests, or a setting) has already run the job by now.
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id)[:64])


def _publish_after_commit(job_id: Any) -> None:
    try:
        _publish(job_id)
    except RedisError:
        # The job is saved and waiting; the person sees it waiting. Published again when
        # the queue can be reached (requeue_lost: the worker, `job recover`, the jobs page).
        logger.warning("Job %s saved but not queued (the queue cannot be reached)", job_id)


def _task_waiting(task_result_id: str) -> bool:
    """Is the job's task still in the queue, waiting or being taken by a worker?"""
    from django_tasks import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    if not task_result_id:
        return False
    try:
        result = run_job.get_backend().get_result(task_result_id)
    except TaskResultDoesNotExist:
        return False
    return result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def requeue_lost(*, jobs: QuerySet[Job] | None = None, now: datetime.datetime | None = None) -> int:
    """Publish again every job waiting for longer than GOLDENTHREAD_JOB_REQUEUE_AFTER_SECONDS
    whose task is not in the queue: the process died between the job's commit and the
    publish, the queue could not be reached then, or Redis lost the task (a restart without
    persistence, an eviction). Returns how many. Publishing twice is harmless: the first
    task claims the job and the other finds it no longer waiting (tasks.run_job). Nothing
    to do when the queue is in the database: the task commits with its job."""
    if queue_in_database():
        return 0
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.GOLDENTHREAD_JOB_REQUEUE_AFTER_SECONDS)
    waiting = (jobs if jobs is not None else Job.objects.all()).filter(
        Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff),
        state=JobState.QUEUED,
    )
    published = 0
    for pk, task_result_id in waiting.values_list("pk", "task_result_id"):
        if _task_waiting(task_result_id):
            continue
        _publish(pk)
        logger.warning("Job %s was waiting with no task in the queue: queued again", pk)
        published += 1
    return published


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


def file_expires_at(job: Job) -> datetime.datetime | None:
    """Until when a finished job's file may be downloaded (None: it has no file)."""
    if job.state != JobState.SUCCEEDED or not job.result_file or job.finished_at is None:
        return None
    return job.finished_at + datetime.timedelta(days=settings.GOLDENTHREAD_JOB_FILE_DAYS)


def expire_files(*, jobs: QuerySet[Job] | None = None, now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs finished more than GOLDENTHREAD_JOB_FILE_DAYS ago (they
    hold people's records) and say so on the job. Returns how many."""
    from .kinds import job_files, people_file

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.GOLDENTHREAD_JOB_FILE_DAYS)
    due = (
        (jobs if jobs is not None else Job.objects.all())
        .filter(state=JobState.SUCCEEDED, finished_at__lt=cutoff)
        .exclude(result_file="")
    )
    folder = job_files().resolve()
    expired = 0
    for job in due:
        path = Path(job.result_file).resolve()
        if folder in path.parents:
            path.unlink(missing_ok=True)
            people_file(path).unlink(missing_ok=True)
        expired += Job.objects.filter(pk=job.pk, result_file=job.result_file).update(
            result_file="",
            result_text=(
                f"{job.result_text}\nThe file was deleted "
                f"{settings.GOLDENTHREAD_JOB_FILE_DAYS} days after the job finished. "
                "Start the job again for a new one."
            ).strip(),
        )
    return expired


def record_download(*, actor: Any, job: Job, request: Any = None) -> None:
    """Before a pack of people's records is handed over: the downloader must still have a
    relationship with every person in it (an allocation may have ended since it was made),
    and each person's access log gets a row for the download."""
    from goldenthread.audit.models import AccessAction
    from goldenthread.audit.services import access_record
    from goldenthread.people.models import Person

    from .kinds import people_file

    listed = people_file(Path(job.result_file))
    if not listed.is_file():
        return
    people = json.loads(listed.read_text())
    still = {
        str(pk)
        for pk in Person.objects.visible_to(actor, break_glass=False)
        .filter(pk__in=people)
        .values_list("pk", flat=True)
    }
    if set(people) - still:
        raise PermissionDenied(
            "You no longer work with everyone whose record is in this file, so it cannot be "
            "downloaded. Start the job again for a file of the people you work with now."
        )
    with transaction.atomic():
        for person_id in people:
            access_record(
                actor=actor,
                person_id=person_id,
                action=AccessAction.EXPORT,
                what="Downloaded the file of a background job",
                reason="Downloaded the file of a job they started",
                request=request,
            )


class UploadRefused(Exception):
    """An uploaded feed that cannot be read; the message says why, naming the file only."""


def store_upload(upload: Any) -> Path:
    """Keep an uploaded directory feed under GOLDENTHREAD_JOB_FILES/uploads for its import
    job, after reading it once: a file that is not a feed is refused now, with the reason,
    not by a failed job later."""
    import re
    import shutil
    import uuid

    from goldenthread.directory import oruk
    from goldenthread.directory.services import max_file_bytes

    from .kinds import job_files

    original = Path(upload.name).name
    # The file name gives the feed's default name (bristol-services.json: "bristol").
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", original).strip(".-")[:100] or "feed.json"
    if not safe.lower().endswith(".json"):
        safe += ".json"
    folder = job_files() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / safe
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        oruk.read_path(path, max_bytes=max_file_bytes())
    except oruk.ImportFormatError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadRefused(str(exc).replace(str(path), original)) from exc
    return path
