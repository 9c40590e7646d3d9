"""goldenthread check-migrations [--reverse] [--sql]: upgrades that are safe (R26).

Always: models match migrations, each app's migrations are one line, each app's latest
migration has a way back. --reverse: migrate each app's latest back and forward on this
database (a scratch one: CI's). --sql: on PostgreSQL, read every migration's SQL for table
rewrites and long locks; findings must be on operations/migration_allowlist.txt.
Exit status 1 on any problem. How-to: docs/how-to/upgrade.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from goldenthread.operations import migration_checks as checks


class Command(BaseCommand):
    help = "Check migrations: in step with models, linear, reversible, no long locks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reverse",
            action="store_true",
            help="reverse each app's latest migration here, then re-apply",
        )
        parser.add_argument(
            "--sql", action="store_true", help="check PostgreSQL SQL for rewrites and long locks"
        )

    def handle(self, *args, reverse: bool, sql: bool, **options):
        problems: list[str] = []
        if (changed := checks.models_match_migrations()) is not None:
            problems.append(changed)
        problems += checks.nonlinear_apps()
        problems += checks.irreversible_latest()
        if reverse:
            problems += checks.reverse_latest(self.stdout)
        if sql:
            try:
                refused, allowed = checks.lint_postgresql_migrations()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"PostgreSQL SQL: {len(allowed)} findings on the allow-list.")
            problems += [f"{f} — {checks.WHY[f.rule]}" for f in refused]
        for problem in problems:
            self.stderr.write(self.style.ERROR(problem))
        if problems:
            raise CommandError(f"{len(problems)} migration problems.")
        self.stdout.write(self.style.SUCCESS("Migrations: in step, linear and reversible."))
