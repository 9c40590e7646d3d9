"""goldenthread import-oruk FILE_OR_DIR [--source NAME] [--area TEXT]

Import Open Referral UK / HSDS services into the community directory (SS-4, IO-3).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from goldenthread.directory.services import DirectoryImportError, directory_import


class Command(BaseCommand):
    help = (
        "Import community resources from an ORUK v1 or ORUK/HSDS 3.0 JSON feed (a list, "
        "a page or one service), a folder of such files, or an HSDS tabular data package "
        "folder. Running it again on the same data changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--source", default=None,
            help="Name of the feed (default: from the file name, e.g. 'bristol').",
        )
        parser.add_argument(
            "--area", default="",
            help="Service area for records that give none, e.g. 'Bristol'.",
        )
        parser.add_argument(
            "--show", type=int, default=50, metavar="N",
            help="Show at most N rejected records and N warnings (default 50).",
        )

    def handle(self, *args, path, source, area, show, **options):
        try:
            report = directory_import(actor=None, path=path, source=source, area=area)
        except DirectoryImportError as exc:
            raise CommandError(f"Nothing imported. {exc}") from exc
        self.stdout.write(report.as_text(max_lines=show))
        if report.rejected:
            reasons = ", ".join(f"{reason} ({n})" for reason, n in report.rejection_reasons())
            self.stdout.write(f"Rejection reasons: {reasons}")
