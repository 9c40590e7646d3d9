"""Migrate from the previous release with its data (R26): `goldenthread check-upgrade`.

1. The previous release's code (a commit, from `git archive`) builds an empty database with
   its own migrations and fills it with its own demo data.
2. Every table's row count is taken.
3. This release's code migrates the database forward.
4. Checked: every table of the previous release is still there with as many rows (a
   migration that loses rows fails the check, unless the table is listed in KNOWN_CHANGES),
   the audit hash chains verify, and models and migrations agree.

Each step runs in its own process with that release's code first on the path, as an
operator's upgrade would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RELEASE_FILE = Path(__file__).with_name("previous_release.txt")
CURRENT = Path(__file__).resolve().parents[2]  # the checkout this code runs from
# Tables whose rows a migration may legitimately change in number, with the reason.
KNOWN_CHANGES = {
    "django_migrations": "the new release's migrations are recorded",
    "django_content_type": "new models get content types",
    "auth_permission": "new models get permissions",
    "django_session": "sessions come and go",
}

COUNT_SCRIPT = """
import json, django
django.setup()
from django.db import connection
counts = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute('SELECT COUNT(*) FROM ' + connection.ops.quote_name(table))
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""
CLI = ["-c", "import sys; from goldenthread.cli import main; sys.exit(main(sys.argv[1:]))"]


class UpgradeCheckError(Exception):
    pass


@dataclass
class UpgradeReport:
    ref: str
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        timings = ", ".join(f"{name} {s:.0f} s" for name, s in self.seconds.items())
        if self.problems:
            return f"Upgrade from {self.ref} FAILED:\n" + "\n".join(f"- {p}" for p in self.problems)
        return f"Upgrade from {self.ref}: {self.rows:,} rows kept, audit verified ({timings})."


def previous_release() -> str:
    for line in RELEASE_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            return line.strip()
    raise UpgradeCheckError(f"{RELEASE_FILE} names no release.")


def compare(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """What the migration lost: tables gone, or holding a different number of rows."""
    problems = []
    for table, rows in sorted(before.items()):
        if table in KNOWN_CHANGES:
            continue
        if table not in after:
            problems.append(f"table {table} ({rows} rows) is gone after migrating")
        elif after[table] != rows:
            problems.append(f"table {table}: {rows} rows before, {after[table]} after")
    return problems


def check_upgrade(
    *, ref: str | None, database_url: str | None, progress: Callable[[str], object] = print
) -> UpgradeReport:
    ref = ref or previous_release()
    report = UpgradeReport(ref=ref)
    with tempfile.TemporaryDirectory(prefix="gt-upgrade-") as work:
        workdir = Path(work)
        old = workdir / "previous"
        old.mkdir()
        archive = workdir / "previous.tar"
        with archive.open("wb") as out:
            made = subprocess.run(  # noqa: S603
                ["git", "-C", str(CURRENT), "archive", "--format=tar", ref],  # noqa: S607
                stdout=out,
                stderr=subprocess.PIPE,
            )
        if made.returncode != 0:
            raise UpgradeCheckError(
                f"Cannot read release {ref} from git: {made.stderr.decode(errors='replace')}"
            )
        with tarfile.open(archive) as tar:
            tar.extractall(old, filter="data")
        url = database_url or f"sqlite:///{workdir / 'upgrade.sqlite3'}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.dev",
            "GOLDENTHREAD_VAR_DIR": str(workdir / "var"),
            "DEBUG": "false",
        }

        def run(code: Path, label: str, *args: str) -> str:
            progress(f"{label}…")
            started = time.monotonic()
            result = subprocess.run(  # noqa: S603
                [sys.executable, *args],
                cwd=code,
                env={**env, "PYTHONPATH": str(code)},
                capture_output=True,
                text=True,
            )
            report.seconds[label] = time.monotonic() - started
            if result.returncode != 0:
                raise UpgradeCheckError(
                    f"{label} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
                )
            return result.stdout

        run(old, f"migrate at {ref[:12]}", *CLI, "migrate", "--noinput", "-v0")
        run(old, f"demo data at {ref[:12]}", *CLI, "demo-data")
        before = json.loads(run(old, "count rows", "-c", COUNT_SCRIPT).splitlines()[-1])
        run(CURRENT, "migrate to this release", *CLI, "migrate", "--noinput", "-v0")
        after = json.loads(run(CURRENT, "count rows again", "-c", COUNT_SCRIPT).splitlines()[-1])
        report.problems += compare(before, after)
        report.rows = sum(after.values())
        try:
            run(CURRENT, "audit-verify", *CLI, "audit-verify")
            run(CURRENT, "models match migrations", *CLI, "makemigrations", "--check", "--dry-run")
        except UpgradeCheckError as exc:
            report.problems.append(str(exc))
    return report
