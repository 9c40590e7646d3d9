"""goldenthread check-upgrade [--from REF] [--database-url URL]

Builds a database at the previous release (operations/previous_release.txt, or --from) with
its demo data, migrates it to this release and checks nothing was lost (R26). The database
is a scratch SQLite file unless --database-url names an empty database. Needs git and the
release's commit in the repository. docs/how-to/upgrade.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from goldenthread.operations.upgrade_check import UpgradeCheckError, check_upgrade


class Command(BaseCommand):
    help = "Migrate a database with the previous release's data to this release, and check it."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="ref", help="the previous release's commit or tag")
        parser.add_argument("--database-url", help="an empty database to use (default: SQLite)")

    def handle(self, *args, ref, database_url, **options):
        try:
            report = check_upgrade(
                ref=ref, database_url=database_url, progress=lambda m: self.stdout.write(m)
            )
        except UpgradeCheckError as exc:
            raise CommandError(str(exc)) from exc
        if report.problems:
            raise CommandError(report.text())
        self.stdout.write(self.style.SUCCESS(report.text()))
