"""goldenthread worker [--once]: run background jobs (OPS-5, docs/how-to/run-the-worker.md).

One command for operators, whichever queue TASKS_URL chose (docs/adr/0021):
- the queue in the database (the default, `make run`): django-tasks-db's `db_worker`, which
  takes waiting tasks from the database, runs each, and looks again every `--interval`;
- the queue on Redis (production): an RQ worker on the service's queue, which forks a child
  for each job and waits on Redis for the next.
It takes the jobs' queue and the reports' (report tables too large for a request, #14),
jobs first; `--queue jobs` or `--queue reports` takes one, so that at a nation's size a
worker kept for jobs never waits behind a report's minutes of computing.
`--once` runs every waiting job and stops (for cron, tests and CI). Stop it with Ctrl+C or
SIGTERM: it finishes the job in hand first. Before it starts it marks failed the jobs of
workers that were killed, deletes job files past their keeping period and, with RQ, queues
again the jobs whose task never reached the queue.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import RedisError

from goldenthread.core.formatting import count_text
from goldenthread.jobs.services import (
    expire_files,
    queue_in_database,
    recover_stale,
    requeue_lost,
)


class Command(BaseCommand):
    help = "Run background jobs (exports, backups, imports) as they are queued."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every waiting job, then stop")
        parser.add_argument(
            "--queue",
            choices=("all", "jobs", "reports"),
            default="all",
            help=(
                "which queue to take: jobs (exports, backups, imports, retention), reports "
                "(report tables too large for a request) or all, jobs first (default)"
            ),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=(
                "queue in the database: seconds to wait between looks at the queue when it "
                "is empty (default 1); an RQ worker waits on Redis instead"
            ),
        )

    def handle(self, *args, once: bool, interval: float, queue: str = "all", **options):
        verbosity = options.get("verbosity", 1)
        lost, expired = recover_stale(), expire_files()
        in_database = queue_in_database()
        try:
            requeued = 0 if in_database else requeue_lost()
        except RedisError as exc:
            raise CommandError(f"The queue's Redis (TASKS_URL) cannot be reached: {exc}") from exc
        if verbosity >= 1:
            if lost:
                self.stdout.write(
                    f"{count_text(lost, 'job', 'jobs')} left running by a stopped worker marked failed."
                )
            if expired:
                self.stdout.write(
                    f"{count_text(expired, 'job file', 'job files')} past their keeping period deleted."
                )
            if requeued:
                self.stdout.write(
                    f"{count_text(requeued, 'waiting job', 'waiting jobs')} missing from the queue queued again."
                )
        queues = {
            "jobs": [settings.GOLDENTHREAD_TASKS_QUEUE],
            "reports": [settings.GOLDENTHREAD_REPORTS_QUEUE],
            "all": [settings.GOLDENTHREAD_TASKS_QUEUE, settings.GOLDENTHREAD_REPORTS_QUEUE],
        }[queue]
        if in_database:
            arguments = ["--interval", str(interval), "--queue-name", ",".join(queues)]
            if once:
                arguments += ["--batch", "--no-startup-delay"]
            call_command("db_worker", *arguments, verbosity=verbosity)
            return
        from goldenthread.jobs.rq_backend import RQBackend, run_worker
        from goldenthread.jobs.tasks import run_job

        if not isinstance(run_job.get_backend(), RQBackend):
            raise CommandError(
                "The task backend in TASKS has no worker here: use TASKS_URL (docs/deployment.md)."
            )
        try:
            run_worker(queues=queues, burst=once, verbosity=verbosity)
        except RedisError as exc:
            raise CommandError(f"The queue's Redis (TASKS_URL) cannot be reached: {exc}") from exc
