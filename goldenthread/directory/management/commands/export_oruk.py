"""goldenthread export-oruk FILE [--source NAME]

Write the community directory as Open Referral UK 3.0 JSON: a list of service objects
(IO-3). FILE "-" writes to standard output.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goldenthread.directory.export import export_services
from goldenthread.directory.selectors import resources_for_export


class Command(BaseCommand):
    help = "Export community resources as ORUK 3.0 service JSON (a list of services)."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help='Where to write; "-" for standard output.')
        parser.add_argument("--source", default=None, help="Only resources from this feed.")

    def handle(self, *args, path, source, **options):
        services = export_services(resources_for_export(source=source).iterator(chunk_size=500))
        text = json.dumps(services, ensure_ascii=False, indent=1)
        if path == "-":
            self.stdout.write(text)
            return
        try:
            Path(path).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
        self.stdout.write(f"Wrote {len(services)} services to {path}.")
