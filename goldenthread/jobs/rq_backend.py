"""The queue on Redis (RQ), when TASKS_URL names a Redis (docs/adr/0021).

django-tasks-rq's backend, and the RQ worker `goldenthread worker` runs for it. Imported
only when the RQ backend is chosen: the embedded service never needs rq or Redis.

django-rq is used as a library (its queues and workers, configured by RQ_QUEUES), not as
an installed app: its admin dashboard would let staff requeue or delete queue entries
outside the service's own paths, and the jobs page and `rq info` already show the queue.
So the backend's check that the app is installed is left out here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.checks import messages
from django_tasks_rq import RQBackend as LibraryRQBackend

logger = logging.getLogger(__name__)


class RQBackend(LibraryRQBackend):
    def check(self, **kwargs: Any) -> Iterable[messages.CheckMessage]:
        for message in super().check(**kwargs):
            if "django_rq app not installed" in message.msg:
                continue
            yield message


def run_worker(*, queues: list[str], burst: bool, verbosity: int) -> None:
    """Run an RQ worker on `queues` until stopped (SIGTERM or Ctrl+C: it finishes the job in
    hand first), or, with `burst`, until the queues are empty.

    The long-running worker is RQ's own: it forks a child for each job, so a job's memory
    is given back when it ends and a job over GOLDENTHREAD_JOB_TIMEOUT_SECONDS is stopped.
    In burst mode (cron, CI, tests) the jobs run in this process (RQ's SimpleWorker), as the
    database worker's batch mode does."""
    from django_rq.utils import reset_db_connections
    from django_rq.workers import get_worker
    from django_tasks_rq import Job
    from rq.logutils import setup_loghandlers

    level = "DEBUG" if verbosity >= 2 else "WARNING" if verbosity == 0 else "INFO"
    setup_loghandlers(level)
    worker_class = "rq.SimpleWorker" if burst else "rq.Worker"
    worker = get_worker(*queues, job_class=Job, worker_class=worker_class)
    # A forked child must not share the parent's database connection.
    reset_db_connections()
    worker.work(burst=burst, logging_level=level)
