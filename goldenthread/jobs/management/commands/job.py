"""goldenthread job start KIND --as USERNAME [--path FILE] [--source NAME] [--area TEXT]
[--dry-run] [--apply] [--wait]; goldenthread job recover

Queue a background job as a named user (their permissions, their access-log rows), as the
jobs page does; it shows on that user's jobs page. `--wait` follows it with a progress
line until it ends (a worker must be running, or run `goldenthread worker --once`).
`recover` marks failed every running job whose worker was killed, deletes job files past
their keeping period and, with the queue on Redis, queues again every waiting job whose
task is not in the queue (for cron; the worker does all three when it starts, and the jobs
page for its user's jobs).
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from goldenthread.core.formatting import count_text
from goldenthread.jobs import presenters, services
from goldenthread.jobs.kinds import KINDS
from goldenthread.jobs.models import Job, JobState


class Command(BaseCommand):
    help = "Start a background job as a named user, and optionally wait for it."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "recover"])
        parser.add_argument("kind", nargs="?", choices=sorted(KINDS))
        parser.add_argument("--as", dest="username", help="the user starting it")
        parser.add_argument("--path", help="directory-import: the file or folder to read")
        parser.add_argument("--source", help="directory-import: the feed's name")
        parser.add_argument("--area", default="", help="directory-import: the service area")
        parser.add_argument(
            "--dry-run", action="store_true", help="retention: list, destroy nothing"
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="audit-purge: remove the rows (the confirmation; default: only count them)",
        )
        parser.add_argument("--wait", action="store_true", help="follow the job until it ends")

    def handle(self, *args, action, kind, username, wait, **options):
        if action == "recover":
            lost, expired = services.recover_stale(), services.expire_files()
            self.stdout.write(
                f"{count_text(lost, 'job', 'jobs')} left running by a stopped worker marked failed."
            )
            self.stdout.write(
                f"{count_text(expired, 'job file', 'job files')} past their keeping period deleted."
            )
            if not services.queue_in_database():
                requeued = services.requeue_lost()
                self.stdout.write(
                    f"{count_text(requeued, 'waiting job', 'waiting jobs')} missing from the queue (RQ) queued again."
                )
            return
        if not kind or not username:
            raise CommandError("Say which kind of job and as whom: job start KIND --as USERNAME.")
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user {username!r}.")
        params: dict = {}
        if kind == "directory-import":
            if not options["path"]:
                raise CommandError("directory-import needs --path FILE_OR_DIR.")
            params = {
                "path": options["path"],
                "source": options["source"] or "",
                "area": options["area"],
            }
        elif kind == "retention":
            params = {"dry_run": options["dry_run"]}
        elif kind == "audit-purge":
            params = {"dry_run": not options["apply"], "confirmed": options["apply"]}
        try:
            job = services.job_start(actor=user, kind=kind, params=params)
        except (services.JobError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Queued job {job.pk} ({KINDS[kind].label.lower()}).")
        if not wait:
            return
        shown = ""
        while True:
            job = Job.objects.get(pk=job.pk)
            line = presenters.progress_text(job)
            if line and line != shown:
                self.stdout.write(line)
                shown = line
            if job.is_finished:
                break
            time.sleep(1)
        if job.state == JobState.FAILED:
            raise CommandError(f"The job failed. {job.error}")
        self.stdout.write(self.style.SUCCESS(job.result_text))
