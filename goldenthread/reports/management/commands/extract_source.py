"""goldenthread extract-source --period 2026Q3 --as USERNAME [--output FILE]

Writes the Public Health Scotland social care (Source) SDS extract for one quarter (#14,
"National return"): one CSV row per person with the SDS option(s) in effect in the
quarter, validated before writing (reports/source_extract.py says where each field comes
from and how the rules apply), and prints a summary of rows written, fixed and rejected.

Person-level data leaves the system, so, like export-fhir, it runs as a named staff user
and writes one EXPORT row to the access log naming everyone in the file. Nothing is
written if the period or the settings are wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import access_record
from goldenthread.reports import source_extract

WHAT = "goldenthread extract-source"


class Command(BaseCommand):
    help = (
        "Write the Public Health Scotland social care (Source) SDS extract for a quarter: "
        "one row per person with their SDS option(s), validated, with a summary. "
        "sending_location is the setting GOLDENTHREAD_SENDING_LOCATION: the council's "
        "Source sending location code, given by Public Health Scotland."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help="The quarter, for example 2026Q3 (July to September)."
        )
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The staff user making the return (written to the access log).",
        )
        parser.add_argument("--output", help="The CSV file to write (default: standard output).")

    def handle(self, *args, period, username, output, **options):
        try:
            quarter = source_extract.quarter(period)
        except source_extract.PeriodError as error:
            raise CommandError(f"{error} Nothing was written.") from None
        location = source_extract.sending_location()
        if not location:
            raise CommandError(
                "GOLDENTHREAD_SENDING_LOCATION is not set: it is the council's Source sending "
                "location code, given by Public Health Scotland. Nothing was written."
            )
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not user.is_active or not user.is_staff:
            raise CommandError(f"No active staff user {username!r}. Nothing was written.")
        extract = source_extract.build(quarter, location)
        text = extract.csv_text()
        with transaction.atomic():
            if extract.rows:
                access_record(
                    actor=user,
                    person_id=None,
                    action=AccessAction.EXPORT,
                    what=WHAT,
                    reason=f"National return: Source SDS extract {quarter.code}",
                    people_shown=extract.person_ids(),
                )
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        # The summary goes to standard error when the extract goes to standard output.
        report = self.stdout if output else self.stderr
        for line in extract.summary():
            report.write(line)
        if output:
            report.write(self.style.SUCCESS(f"Written to {output}."))
