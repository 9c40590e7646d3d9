"""goldenthread synth --preset tiny|council|nation [--seed N] [--workers N]  (SPEC OPS-2)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from goldenthread.audit.models import AccessLog
from goldenthread.conversations.models import WorkingItem
from goldenthread.nonprod.synth.compare import compare
from goldenthread.nonprod.synth.generate import PRESETS, generate
from goldenthread.nonprod.synth.workers import default_workers
from goldenthread.nonprod.synth.writer import BulkWriter, references_checked_at_end
from goldenthread.people.models import CircleMember, Person
from goldenthread.reports.models import ReportSnapshot

# Tables whose rows can be written twice (no unique column but the fresh id).
COMPARED = (CircleMember, WorkingItem, AccessLog)


class Command(BaseCommand):
    help = "Generate realistic synthetic records at council or national scale."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
        parser.add_argument("--people", type=int, help="override the preset's number of people")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="add to a database that already holds people"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="processes that make the people while this one writes them (default: one a "
            "core, here %(default)s; 0 makes them in this process); the rows are the same "
            "for any number",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="PostgreSQL: keep every index while writing (by default the secondary "
            "indexes are dropped and built again once at the end, in the same transaction)",
        )

    def handle(
        self, *args, preset, people, seed, force, keep_indexes=False, workers=None, **options
    ):
        people = people or PRESETS[preset]
        workers = default_workers() if workers is None else workers
        if workers < 0:
            raise CommandError("--workers must be 0 (this process) or more.")
        if Person.objects.exists() and not force:
            raise CommandError(
                "This database already holds people. Use an empty database "
                "(or --force to add synthetic people beside them)."
            )
        writer = BulkWriter(sample_size=5000)
        made_by = (
            f"{workers} worker process{'es' if workers != 1 else ''}" if workers else "this process"
        )
        self.stdout.write(
            f"Generating {people:,} people (seed {seed}) on {connection.vendor}, made by {made_by}…"
        )
        started = time.perf_counter()

        def progress(done: int) -> None:
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"  {done:,} people, {writer.total_rows:,} rows, "
                f"{writer.total_rows / elapsed:,.0f} rows/s"
            )

        with transaction.atomic():
            # The rows bypass the services, so the generator writes each person's stored
            # "next review due" (#19) itself, as `goldenthread refresh-review-due` would
            # work it out (tests/test_synth.py checks that a refresh changes nothing):
            # a refresh here took 40% of the run (#14).
            # On PostgreSQL the COPYs run on a second thread while the next chunk is made
            # (writer.overlapped), and the references are checked once at the end (ADR 0022).
            with (
                references_checked_at_end(writer),
                writer.overlapped(defer_indexes=not keep_indexes),
            ):
                generate(writer, people=people, seed=seed, progress=progress, workers=workers)
            generated = time.perf_counter() - started
        elapsed = time.perf_counter() - started
        # The rows bypass the services and so the change log, by which stored report figures
        # know records have changed: figures stored before did not count them (#14).
        forgotten, _ = ReportSnapshot.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        analysed = time.perf_counter() - started - elapsed
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {writer.total_rows:,} rows in {elapsed:,.1f} s "
                f"({writer.total_rows / elapsed:,.0f} rows/s overall; "
                f"{writer.total_rows / writer.total_seconds:,.0f} rows/s in the database writes)"
            )
        )
        # Where the time went: the commit checks the rows' references (PostgreSQL defers
        # them to the end of the transaction); ANALYZE is outside the figures above.
        self.stdout.write(
            f"Generation and writes {generated:,.1f} s (of which indexes built again at the "
            f"end {writer.index_seconds:,.1f} s, references checked at the end "
            f"{writer.reference_seconds:,.1f} s), commit {elapsed - generated:,.1f} s, "
            f"ANALYZE {analysed:,.1f} s"
        )
        if forgotten:
            self.stdout.write(
                f"Stored report figures forgotten ({forgotten:,} rows): they did not count "
                "these people. `goldenthread refresh-reports` works them out again."
            )
        self.stdout.write("Largest tables:")
        for table, stats in sorted(writer.stats.items(), key=lambda kv: -kv[1].rows)[:8]:
            self.stdout.write(
                f"  {table:<40} {stats.rows:>12,} rows "
                f"{stats.rows / max(stats.seconds, 1e-9):>12,.0f} rows/s"
            )
        self.stdout.write("The same rows through Django's bulk_create (rolled back):")
        for model, (columns, rows) in list(writer.samples.items()):
            if model not in COMPARED or len(rows) < 1000:
                continue
            ours, theirs = compare(model, columns, rows)
            self.stdout.write(
                f"  {model._meta.db_table:<40} ours {ours:>10,.0f} rows/s, "
                f"bulk_create {theirs:>10,.0f} rows/s: {ours / theirs:.1f}× faster"
            )
