"""goldenthread worker [--once]: run background jobs (OPS-5, docs/how-to/run-the-worker.md).

The database backend's own worker (django-tasks-db's `db_worker`), by our name: it takes
waiting tasks from the database, runs each, and waits for more. `--once` runs every waiting
job and stops (for cron, tests and CI). Stop it with Ctrl+C or SIGTERM: it finishes the job
in hand first.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from goldenthread.jobs.services import expire_files, recover_stale


class Command(BaseCommand):
    help = "Run background jobs (exports, backups, imports) as they are queued."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every waiting job, then stop")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait between looks at the queue when it is empty (default 1)",
        )

    def handle(self, *args, once: bool, interval: float, **options):
        lost, expired = recover_stale(), expire_files()
        if options.get("verbosity", 1) >= 1:
            if lost:
                self.stdout.write(f"{lost} job(s) left running by a stopped worker marked failed.")
            if expired:
                self.stdout.write(f"{expired} job file(s) past their keeping period deleted.")
        arguments = ["--interval", str(interval)]
        if once:
            arguments += ["--batch", "--no-startup-delay"]
        call_command("db_worker", *arguments, verbosity=options.get("verbosity", 1))
