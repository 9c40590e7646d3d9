"""goldenthread import-fhir FILE --team NAME --as USERNAME [--different-person]

Imports a plan sent by another Golden Thread (a FHIR R4 Bundle from export-fhir) into a
team, as one of its practitioners or team leaders, through the services the pages use.
The receiving council sees the person, circle, outcomes, solutions and review history as
they were written, marked as received (from where, when). A Bundle that is not valid, or
that cannot be imported whole, is refused with the reason and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from goldenthread.accounts.models import Team
from goldenthread.api.fhir.importer import ImportRefused, import_plan


class Command(BaseCommand):
    help = "Import a plan (a FHIR R4 Bundle) sent by another Golden Thread."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The Bundle (JSON), as written by export-fhir.")
        parser.add_argument("--team", required=True, help="The team that will hold the record.")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="A practitioner or team leader of that team, who imports it.",
        )
        parser.add_argument(
            "--different-person",
            action="store_true",
            help="The person is not the one already recorded with the same name and date of "
            "birth, whom the importer may see (the refusal names them): import anyway. Kept "
            "in the new record's history.",
        )

    def handle(self, *args, file, team, username, different_person=False, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        receiving = Team.objects.filter(name=team).first()
        if receiving is None:
            raise CommandError(f"No team {team!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        limit = int(getattr(settings, "GOLDENTHREAD_FHIR_IMPORT_MAX_MB", 10)) * 1024 * 1024
        if path.stat().st_size > limit:
            raise CommandError(
                f"{file} is larger than {limit // 1024 // 1024} MB, the most a plan import reads."
            )
        try:
            result = import_plan(
                actor=user,
                team=receiving,
                raw=path.read_bytes(),
                confirmed_namesake=different_person,
            )
        except (ImportRefused, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        person = result.person
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {person.display_name} (person {person.pk}) into {receiving.name}, "
                f"received from {result.transfer.sent_by}."
            )
        )
        for what, count in sorted(result.counts.items()):
            self.stdout.write(f"  {count} {what}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"  Note: {note}"))
