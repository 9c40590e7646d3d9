"""Running the worker in a test, on whichever queue the test's settings name."""

from __future__ import annotations

from django.core.management import call_command

from goldenthread.jobs.models import Job, JobState


def work_off_the_queue() -> None:
    call_command("worker", "--once", verbosity=0)


def error_when_worked_off(job: Job) -> str:
    """Run what is queued; `job` must have failed. Its reason, to check."""
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.FAILED, f"{job.state}: the job did not fail"
    return job.error
