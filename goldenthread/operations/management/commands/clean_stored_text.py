"""goldenthread clean-stored-text [--apply]

Once, after the upgrade that brought ADR 0037: finds the stored text that still has a
character forcing or embedding a direction (U+202A–U+202E, U+2066–U+2069) and, with
--apply, removes them as a form post now would, each row's change in the change history
by "Golden Thread (stored text cleaned of direction controls, ADR 0037)". Without --apply
(a dry run) it only counts them. Names are listed by id, never changed.
operations/stored_text.py, docs/adr/0037.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from goldenthread.operations import stored_text


class Command(BaseCommand):
    help = "Count (or with --apply, remove) direction controls in text stored before ADR 0037."

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="remove them (default: only count them)"
        )

    def handle(self, *args, apply: bool, **options):
        result = stored_text.clean(dry_run=not apply)
        self.stdout.write(result.as_text())
        if not apply and result.rows:
            self.stdout.write("Nothing was changed (a dry run). Add --apply to clean them.")
