"""A job: one piece of long work someone started, what it has done so far, and how it ended.

The queue itself is django-tasks (its database backend by default, RQ on Redis when
TASKS_URL says so): the task says "run job X"; this row is what people see. A job is run
by `jobs.tasks.run_job`, which refuses to run a job twice at once and never re-runs one
that succeeded, so a task delivered twice (a worker restarted mid-run, a retry, a job
published again by services.requeue_lost) does no harm.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class JobQuerySet(models.QuerySet):
    def started_by(self, user) -> JobQuerySet:
        """Only the jobs this user started: nobody sees another user's jobs."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(started_by=user)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=50)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    created_at = models.DateTimeField()
    # When it was last put in the queue (started, or tried again): with a queue outside the
    # database, a job waiting long after this with no task in the queue is published again
    # (services.requeue_lost).
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the worker running it was last heard from (it beats while it runs); a running
    # job silent for too long lost its worker (services.recover_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Progress: `done` of `total` items (total 0 while unknown), and the current step in words.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    # The result in words, and a file the starter may download (a path under
    # GOLDENTHREAD_JOB_FILES), or why it failed. Never an exception's own message: that is
    # where record text ends up; the log has the reference.
    result_text = models.TextField(blank=True)
    result_file = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["started_by", "-created_at"], name="job_started_by")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
