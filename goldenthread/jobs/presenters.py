"""Jobs in words."""

from __future__ import annotations

from goldenthread.core.formatting import datetime_text

from .kinds import KINDS
from .models import Job, JobState

STATE_COLOURS: dict[str, str] = {
    JobState.QUEUED: "grey",
    JobState.RUNNING: "blue",
    JobState.SUCCEEDED: "green",
    JobState.FAILED: "red",
}


def kind_label(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return kind.label if kind else job.kind


def progress_text(job: Job) -> str:
    if job.state == JobState.QUEUED:
        return "Waiting for the worker to start it."
    if job.state != JobState.RUNNING:
        return ""
    if job.total:
        text = f"{job.done:,} of {job.total:,} done ({job.percent}%)"
    else:
        text = "Started"
    return f"{text}. {job.step}".strip() if job.step else f"{text}."


def job_row(job: Job) -> dict:
    return {
        "job": job,
        "kind": kind_label(job),
        "state": job.get_state_display(),
        "colour": STATE_COLOURS.get(job.state, "grey"),
        "started": datetime_text(job.created_at),
        "finished": datetime_text(job.finished_at) if job.finished_at else "",
        "progress": progress_text(job),
    }
