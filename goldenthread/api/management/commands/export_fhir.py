"""goldenthread export-fhir --as USERNAME (--person ID [--out FILE] | --all --out DIR)

Writes people's plans as FHIR R4 Bundles (IO-2). Always as a named user: only the people
that user may open (Person.objects.visible_to), and each export is written to the person's
access log (EXPORT, "goldenthread export-fhir"), as a download from the pages would be.
There is no way round the permissions: a command is not a back door.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from goldenthread.api.fhir.export import bundle_for
from goldenthread.audit.services import access_denied
from goldenthread.core.formatting import count_text
from goldenthread.people.access import log_export
from goldenthread.people.models import Person

WHAT = "goldenthread export-fhir"


class Command(BaseCommand):
    help = "Export people's plans as FHIR R4 Bundles, as a named user (logged per person)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The user exporting: only people they may open are exported.",
        )
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--person", help="The id of one person.")
        which.add_argument(
            "--all",
            action="store_true",
            help="Every person the user may open (one file each, in --out).",
        )
        parser.add_argument(
            "--out", help="File (--person; default: standard output) or folder (--all; required)."
        )

    def handle(self, *args, username, person, all, out, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user {username!r}.")
        people = Person.objects.visible_to(user).select_related("team", "area")
        if all:
            if not out:
                raise CommandError("--all needs --out DIR: one file per person is written there.")
            folder = Path(out)
            folder.mkdir(parents=True, exist_ok=True)
            count = 0
            for each in people.order_by("family_name", "given_name", "id"):
                self._write(user, each, folder / f"{each.pk}.json")
                count += 1
            self.stdout.write(
                self.style.SUCCESS(
                    f"{count_text(count, 'plan', 'plans')} written to {folder} as {username}."
                )
            )
            if count == 0:
                self.stdout.write(f"{username} may open nobody's record, so nothing was exported.")
            return
        chosen = people.filter(pk=person).first() if _is_uuid(person) else None
        if chosen is None:
            if _is_uuid(person) and Person.objects.filter(pk=person).exists():
                access_denied(
                    actor=user,
                    person_id=person,
                    what=WHAT,
                    reason="No relationship to the person",
                )
            raise CommandError(
                f"{username} may not open the record of person {person}, or "
                "there is no such person."
            )
        if out:
            self._write(user, chosen, Path(out))
            self.stdout.write(self.style.SUCCESS(f"Written to {out}."))
        else:
            bundle = self._bundle(user, chosen)
            sys.stdout.write(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")

    def _bundle(self, user, person) -> dict:
        with transaction.atomic():
            log_export(user, person, what=WHAT, why="FHIR export")
            return bundle_for(person, exported_by=user)

    def _write(self, user, person, path: Path) -> None:
        bundle = self._bundle(user, person)
        path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
