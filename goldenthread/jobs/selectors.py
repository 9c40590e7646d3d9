from __future__ import annotations

from .models import Job


def jobs_for(user, *, limit: int = 50) -> list[Job]:
    """The user's own jobs, newest first."""
    return list(Job.objects.started_by(user).order_by("-created_at")[:limit])


def job_for(user, job_id) -> Job | None:
    """One of the user's own jobs, or None (another user's job is as if it did not exist)."""
    return Job.objects.started_by(user).filter(pk=job_id).first()
