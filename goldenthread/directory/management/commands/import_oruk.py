"""goldenthread import-oruk FILE_OR_DIR [--source NAME] [--area TEXT]

Import Open Referral UK / HSDS services into the community directory (SS-4, IO-3).
Shows progress (records done of the total) as it goes; files larger than --max-size
(default 50 MB) and JSON nested too deeply are refused before anything is written.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from goldenthread.directory.services import (
    COMMAND_LINE_IMPORT,
    DirectoryImportError,
    directory_import,
    max_file_bytes,
)


class ProgressLine:
    """Records done of the total, as the import goes: one line at each tenth (so a log
    stays short), or rewritten in place on a terminal."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.tty = stdout.isatty()
        self.shown_tenths = 0
        self.written = False

    def __call__(self, done: int, total: int) -> None:
        text = f"Imported {done:,} of {total:,} records ({done * 100 // max(total, 1)}%)"
        if self.tty:
            self.stdout.write(f"\r{text}", ending="")
            self.stdout.flush()
            self.written = True
            return
        tenths = done * 10 // max(total, 1)
        if tenths > self.shown_tenths or done == total:
            self.shown_tenths = tenths
            self.stdout.write(text)

    def finish(self) -> None:
        if self.tty and self.written:
            self.stdout.write("")


class Command(BaseCommand):
    help = (
        "Import community resources from an ORUK v1 or ORUK/HSDS 3.0 JSON feed (a list, "
        "a page or one service), a folder of such files, or an HSDS tabular data package "
        "folder. Running it again on the same data changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--source",
            default=None,
            help="Name of the feed (default: from the file name, e.g. 'bristol').",
        )
        parser.add_argument(
            "--area",
            default="",
            help="Service area for records that give none, e.g. 'Bristol'.",
        )
        parser.add_argument(
            "--show",
            type=int,
            default=50,
            metavar="N",
            help="Show at most N rejected records and N warnings (default 50).",
        )
        parser.add_argument(
            "--max-size",
            type=float,
            default=None,
            metavar="MB",
            help="The largest file to read, in megabytes (default: the setting "
            "GOLDENTHREAD_DIRECTORY_IMPORT_MAX_MB, 50).",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Do not show progress while importing.",
        )

    def handle(self, *args, path, source, area, show, max_size, quiet, **options):
        if max_size is not None and max_size <= 0:
            raise CommandError("--max-size must be more than 0 megabytes.")
        max_bytes = int(max_size * 1024 * 1024) if max_size is not None else max_file_bytes()
        progress = None if quiet else ProgressLine(self.stdout)
        try:
            report = directory_import(
                actor=COMMAND_LINE_IMPORT,
                path=path,
                source=source,
                area=area,
                max_bytes=max_bytes,
                progress=progress,
            )
        except DirectoryImportError as exc:
            raise CommandError(f"Nothing imported. {exc}") from exc
        finally:
            if progress is not None:
                progress.finish()
        self.stdout.write(report.as_text(max_lines=show))
        if report.rejected:
            reasons = ", ".join(f"{reason} ({n})" for reason, n in report.rejection_reasons())
            self.stdout.write(f"Rejection reasons: {reasons}")
