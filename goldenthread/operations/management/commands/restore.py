"""goldenthread restore FILE [--force]: restore a backup into the database (OPS-4).

Refuses a database that already holds records unless --force (which replaces everything
in it). Afterwards every table's row count and hash must equal the backup's manifest,
SQLite's integrity check must pass, the database's applied migrations must be exactly
this code's (the missing and unknown ones are named), and the audit logs' hash chains must
verify; otherwise the command fails (exit status 1). Stop the service (or put it in read-only mode and stop
its writers) before restoring over a live database.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from goldenthread.operations import backup, crypto


class Command(BaseCommand):
    help = "Restore a backup made by `goldenthread backup`, then verify it."
    # Database work: Django's system checks would import every URLconf (the API's schemas
    # most of all) and took most of a small drill's time (#20); `goldenthread check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds records",
        )
        parser.add_argument(
            "--skip-audit-verify",
            action="store_true",
            help="do not walk the audit hash chains (tables are still checked)",
        )

    def handle(self, *args, file: Path, force: bool, skip_audit_verify: bool, **options):
        quiet = options.get("verbosity", 1) < 1

        def progress(message: str) -> None:
            if not quiet:
                self.stdout.write(message)

        def audit() -> None:
            call_command("audit_verify", stdout=self.stdout if not quiet else _Null())

        try:
            result = backup.restore(
                file,
                force=force,
                verify_audit=None if skip_audit_verify else audit,
                progress=progress,
            )
        except (backup.BackupError, crypto.BackupKeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.tables} tables, {result.rows:,} rows, from {file} "
                f"(taken {result.manifest['created_at']}); every table matches the "
                f"manifest and its migrations match this code. {result.timings.text()}."
            )
        )


class _Null:
    def write(self, *args, **kwargs) -> None:
        return None

    def flush(self) -> None:
        return None
