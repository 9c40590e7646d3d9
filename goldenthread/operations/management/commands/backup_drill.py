"""goldenthread backup-drill: prove today's database can be backed up and restored (OPS-4).

Backs up the database (encrypted, with the environment's key or a throwaway one), restores
the file into a scratch database of the same kind (a temporary SQLite file, or a new
PostgreSQL database beside the real one, dropped afterwards) with `goldenthread restore`
in a separate process, as an operator would, and prints how long each part took. Exit
status 1 if anything fails. CI runs it on both databases (.ci/run); schedule it as in
docs/how-to/backup-and-restore.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from goldenthread.operations import backup, crypto


class Command(BaseCommand):
    help = "Back up this database, restore it into a scratch database, verify, and time it."
    # Database work: Django's system checks would import every URLconf (the API's schemas
    # most of all) and took most of a small drill's time (#20); `goldenthread check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=Path, help="also keep the backup file here")

    def handle(self, *args, keep: Path | None = None, **options):
        vendor = backup.engine()
        key_text = os.environ.get(crypto.KEY_VARIABLE) or crypto.new_key()
        key = crypto.parse_key(key_text)
        with tempfile.TemporaryDirectory(prefix="gt-drill-") as work:
            file = Path(work) / "drill.gtbackup"
            try:
                made = backup.backup(file, key=key)
            except backup.BackupError as exc:
                raise CommandError(f"Backup failed: {exc}") from exc
            self.stdout.write(
                f"Backup: {made.tables} tables, {made.rows:,} rows, "
                f"{file.stat().st_size / 1e6:,.1f} MB encrypted, {made.timings.text()}"
            )
            scratch_url, drop = self._scratch(vendor, Path(work))
            try:
                env = dict(os.environ, DATABASE_URL=scratch_url)
                env[crypto.KEY_VARIABLE] = key_text
                start = time.perf_counter()
                done = subprocess.run(  # noqa: S603
                    [sys.executable, "-m", "goldenthread.cli", "restore", str(file)],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                restore_seconds = time.perf_counter() - start
            finally:
                drop()
            if done.returncode != 0:
                self.stderr.write(done.stdout + done.stderr)
                raise CommandError("Restore drill failed: the backup did not restore cleanly.")
            if keep is not None:
                keep.write_bytes(file.read_bytes())
        self.stdout.write(done.stdout.strip().splitlines()[-1])
        total = made.timings.total + restore_seconds
        self.stdout.write(
            self.style.SUCCESS(
                f"Drill passed on {vendor}: backup {made.timings.total:.1f} s + restore and "
                f"verify {restore_seconds:.1f} s = {total:.1f} s for {made.rows:,} rows."
            )
        )

    def _scratch(self, vendor: str, work: Path):
        if vendor == "sqlite":
            return f"sqlite:///{work / 'restored.sqlite3'}", lambda: None
        settings = connections["default"].settings_dict
        name = f"{settings['NAME']}_drill_{os.getpid()}"[:63]
        user = quote(settings.get("USER") or "", safe="")
        password = quote(settings.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings.get("HOST") or ""
        port = f":{settings['PORT']}" if settings.get("PORT") else ""
        url = f"postgres://{credentials}{host}{port}/{name}"

        import psycopg

        admin = dict(settings, NAME="postgres")

        def run(sql: str) -> None:
            with backup._postgresql_connect(admin, autocommit=True) as conn:
                conn.execute(psycopg.sql.SQL(sql).format(psycopg.sql.Identifier(name)))

        run("DROP DATABASE IF EXISTS {}")
        run("CREATE DATABASE {}")
        return url, lambda: run("DROP DATABASE IF EXISTS {}")
