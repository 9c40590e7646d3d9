"""goldenthread backup --out FILE: a backup of the whole database (OPS-4).

Sealed with AES-256-GCM when GOLDENTHREAD_BACKUP_KEY is set (or with --encrypt, which
requires it). `--new-key` prints a fresh key and does nothing else.
How-to: docs/how-to/backup-and-restore.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goldenthread.operations import backup, crypto


class Command(BaseCommand):
    help = "Back up the whole database to one file, with a manifest of every table."
    # Database work: Django's system checks would import every URLconf (the API's schemas
    # most of all) and took most of a small drill's time (#20); `goldenthread check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="the backup file to write")
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help=f"refuse to write an unencrypted backup ({crypto.KEY_VARIABLE} must be set)",
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a new random key and stop"
        )

    def handle(self, *args, out: Path | None, encrypt: bool, new_key: bool, **options):
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        if out is None:
            raise CommandError("Say where to write the backup: --out FILE.")
        try:
            key = crypto.key_from_environment(required=encrypt)
            result = backup.backup(out, key=key, progress=self._progress(options))
        except (backup.BackupError, crypto.BackupKeyError) as exc:
            raise CommandError(str(exc)) from exc
        sealed = "encrypted" if key else "not encrypted"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {result.tables} tables, {result.rows:,} rows, to {out} "
                f"({sealed}) in {result.timings.text()}."
            )
        )

    def _progress(self, options):
        if options.get("verbosity", 1) < 1:
            return lambda message: None
        return lambda message: self.stdout.write(message)
