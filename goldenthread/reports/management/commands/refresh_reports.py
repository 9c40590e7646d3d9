"""goldenthread refresh-reports: recompute the reports' stored figures whose records have
changed, for every period a reader can choose (OPS-3)."""

from __future__ import annotations

import argparse

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from goldenthread.reports.periods import NotAPeriod
from goldenthread.reports.refresh import refresh_reports
from goldenthread.reports.selectors import protected_across


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number, 1 or more, not {text!r}")
    return jobs


class Command(BaseCommand):
    help = (
        "Recompute the reports' figures for the periods whose records have changed since "
        "they were computed (run it every few minutes so pages read ready figures)."
    )
    # Run every few minutes from a timer: Django's system checks (which import every
    # URLconf, the API's schemas most of all) are `check`'s and the deploy's to run, not
    # each run's (#14; as backup and restore, docs/benchmarks.md).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            action="append",
            dest="periods",
            metavar="CODE",
            help="only this period: 2026-11, 2026Q3, 2026 or rolling (repeatable)",
        )
        parser.add_argument(
            "--force", action="store_true", help="recompute even when nothing has changed"
        )
        parser.add_argument(
            "--jobs",
            type=_jobs,
            default=None,
            metavar="N",
            help=(
                "compute N tables at once, each in a process of its own (default "
                "GOLDENTHREAD_REPORTS_REFRESH_JOBS, 1); each of a nation's largest tables "
                "needs up to about 4.5 GB"
            ),
        )

    def handle(self, *args, periods, force, jobs, **options):
        try:
            protected_across()  # a wrong setting is said at once, before any work
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        try:
            summary = refresh_reports(
                periods=periods,
                force=force,
                jobs=jobs,
                progress=None if options["verbosity"] < 1 else self.stdout.write,
            )
        except NotAPeriod as error:
            raise CommandError(
                f"Not a period: {error}. Use a month (2026-11), a quarter (2026Q3), "
                "a year (2026) or rolling."
            ) from error
        self.stdout.write(
            f"{len(summary.periods)} periods: {summary.recomputed} tables recomputed, "
            f"{summary.unchanged} unchanged, {summary.forgotten} old ones forgotten, "
            f"in {summary.seconds:.1f} s."
        )
        if summary.linked is not None:
            done = summary.linked
            self.stdout.write(
                f"Across tables and periods: {done.pinned_before} small counts could be "
                f"worked out, {done.pinned_after} now; {done.hidden_more} more cells "
                f"hidden, {len(done.withheld_selections)} selections of the filters (a "
                f"team's, an area's or an age group's table) and {len(done.withheld_whole)} "
                "tables withheld for a period."
            )
        if summary.not_stored:
            raise CommandError(
                f"{len(summary.not_stored)} of the tables recomputed could not be stored, so "
                "their pages still show older figures or none: "
                + ", ".join(summary.not_stored)
                + ". The database refused them; the log says why."
            )
