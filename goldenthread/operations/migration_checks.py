"""Migration checks for safe upgrades (R26): `goldenthread check-migrations`.

- models and migrations agree (`makemigrations --check`);
- each app's migrations form one line (one leaf, no merges, no branch);
- each app's latest migration can be reversed (every operation has a way back), and with
  --reverse it is: migrated back one step and forward again on this database;
- on PostgreSQL, every migration's SQL (`sqlmigrate`) is read for statements that rewrite a
  table or hold a long lock on one that already holds rows; each finding must be on the
  allow-list (migration_allowlist.txt) with a reason, or the check fails.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connections, migrations
from django.db.migrations.loader import MigrationLoader

ALLOWLIST = Path(__file__).with_name("migration_allowlist.txt")


def project_apps() -> list[str]:
    return sorted(
        config.label for config in apps.get_app_configs() if config.name.startswith("goldenthread.")
    )


def _loader() -> MigrationLoader:
    # From the files alone: no database needed to read the graph.
    return MigrationLoader(None, ignore_no_migrations=True)


def models_match_migrations() -> str | None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        return "models have changes with no migration:\n" + out.getvalue()
    return None


def nonlinear_apps() -> list[str]:
    loader = _loader()
    graph = loader.graph
    problems = []
    for app in project_apps():
        leaves = graph.leaf_nodes(app)
        if len(leaves) > 1:
            problems.append(f"{app}: {len(leaves)} latest migrations {leaves} (a branch)")
        for key, migration in loader.disk_migrations.items():
            if key[0] != app:
                continue
            own_parents = [d for d in migration.dependencies if d[0] == app]
            if len(own_parents) > 1:
                problems.append(f"{app}.{key[1]}: merges {len(own_parents)} migrations")
    return problems


def irreversible_latest() -> list[str]:
    loader = _loader()
    problems = []
    for app in project_apps():
        for leaf in loader.graph.leaf_nodes(app):
            migration = loader.disk_migrations[leaf]
            for operation in migration.operations:
                if not operation.reversible or (
                    isinstance(operation, migrations.RunPython) and operation.reverse_code is None
                ):
                    problems.append(f"{app}.{leaf[1]}: {operation.describe()} has no way back")
    return problems


def reverse_latest(stdout) -> list[str]:
    """Migrate each app back one step and forward again (a scratch database only).

    An app whose latest migration is its first (a squash, #17) goes back to zero, which
    takes every app depending on it back too: those apps are all taken back first and
    brought forward once, so the database is rebuilt once rather than once for each."""
    loader = _loader()
    problems = []
    to_zero = []
    for app in project_apps():
        (leaf,) = loader.graph.leaf_nodes(app) or [None]
        if leaf is None:
            continue
        parents = [p for p in loader.graph.node_map[leaf].parents if p.key[0] == app]
        if not parents:
            to_zero.append(leaf)
            continue
        try:
            call_command("migrate", app, parents[0].key[1], verbosity=0, stdout=stdout)
            call_command("migrate", verbosity=0, stdout=stdout)
        except Exception as exc:  # noqa: BLE001 - reported, the check fails
            problems.append(f"{app}.{leaf[1]} does not reverse: {exc}")
    for app, name in to_zero:
        try:
            call_command("migrate", app, "zero", verbosity=0, stdout=stdout)
        except Exception as exc:  # noqa: BLE001 - reported, the check fails
            problems.append(f"{app}.{name} does not reverse: {exc}")
    if to_zero:
        try:
            call_command("migrate", verbosity=0, stdout=stdout)
        except Exception as exc:  # noqa: BLE001 - reported, the check fails
            problems.append(f"the apps taken back to zero do not migrate again: {exc}")
    return problems


# --- PostgreSQL SQL ----------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    migration: str  # app.name
    rule: str
    statement: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.rule}: {self.statement[:160]}"


_TABLE = r'"?([\w]+)"?'
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("column-type-change", re.compile(r"ALTER COLUMN \S+ TYPE", re.I)),
    ("set-not-null", re.compile(r"SET NOT NULL", re.I)),
    (
        "validated-constraint",
        re.compile(r"ADD CONSTRAINT \S+ (FOREIGN KEY|CHECK)(?!.*NOT VALID)", re.I | re.S),
    ),
    ("unique-constraint", re.compile(r"ADD CONSTRAINT \S+ UNIQUE", re.I)),
    ("rename", re.compile(r"\bRENAME\b", re.I)),
    ("drop-column", re.compile(r"DROP COLUMN", re.I)),
]
WHY = {
    "column-type-change": "rewrites the table under an exclusive lock",
    "set-not-null": "scans the whole table under an exclusive lock",
    "validated-constraint": "checks every row under lock (add NOT VALID, VALIDATE later)",
    "unique-constraint": "builds an index under an exclusive lock",
    "rename": "breaks the release still running during a rolling upgrade",
    "drop-column": "breaks the release still running during a rolling upgrade",
    "index-without-concurrently": "blocks writes while the index is built",
}


def lint_sql(migration: str, sql: str) -> list[Finding]:
    """Findings in one migration's SQL; tables created by the same migration are exempt."""
    created: set[str] = set()
    findings = []
    for raw in re.split(r";\s*\n", sql):
        statement = " ".join(line for line in raw.splitlines() if not line.startswith("--"))
        statement = statement.strip()
        if not statement:
            continue
        if match := re.match(rf"CREATE TABLE {_TABLE}", statement, re.I):
            created.add(match.group(1))
            continue
        if match := re.match(
            rf"CREATE (UNIQUE )?INDEX (?!CONCURRENTLY)\S+ ON {_TABLE}", statement, re.I
        ):
            if match.group(2) not in created:
                findings.append(Finding(migration, "index-without-concurrently", statement))
            continue
        if match := re.match(rf"ALTER TABLE (?:ONLY )?{_TABLE}", statement, re.I):
            if match.group(1) in created:
                continue
            for rule, pattern in RULES:
                if pattern.search(statement):
                    findings.append(Finding(migration, rule, statement))
    return findings


def read_allowlist(path: Path = ALLOWLIST) -> dict[tuple[str, str], str]:
    allowed = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        migration, rule, reason = (part.strip() for part in line.split(None, 2))
        allowed[(migration, rule)] = reason
    return allowed


def lint_postgresql_migrations(
    allowlist: dict[tuple[str, str], str] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """(findings not on the allow-list, findings allowed)."""
    if connections["default"].vendor != "postgresql":
        raise RuntimeError("The SQL check reads PostgreSQL's SQL: run it with DATABASE_URL set.")
    allowlist = read_allowlist() if allowlist is None else allowlist
    loader = _loader()
    by_app: dict[str, list[str]] = defaultdict(list)
    for app, name in loader.disk_migrations:
        if app in project_apps():
            by_app[app].append(name)
    refused: list[Finding] = []
    allowed: list[Finding] = []
    for app in sorted(by_app):
        for name in sorted(by_app[app]):
            out = io.StringIO()
            call_command("sqlmigrate", app, name, stdout=out)
            for finding in lint_sql(f"{app}.{name}", out.getvalue()):
                key = (finding.migration, finding.rule)
                (allowed if key in allowlist else refused).append(finding)
    return refused, allowed
