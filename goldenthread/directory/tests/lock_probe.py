"""Run by test_import_batches.py in a process of its own, on a SQLite database file with the
service's own SQLite settings (WAL, BEGIN IMMEDIATE, a 20-second busy timeout): import a
large generated feed in one thread while another thread opens a person's record again and
again, as a person page does (which writes an access-log row). Prints, as JSON, how long
each opening took, any that failed, and the import's counts.

    python -m goldenthread.directory.tests.lock_probe DB_FILE FEED_FILE [--migrate]
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time


def main(db_file: str, feed_file: str, migrate: bool) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import RequestFactory

    if migrate:
        call_command("migrate", verbosity=0)

    from goldenthread.accounts.factories import AreaFactory, PractitionerFactory, TeamFactory
    from goldenthread.audit.models import AccessLog
    from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import
    from goldenthread.people.access import open_person_record
    from goldenthread.people.factories import AllocationFactory, PersonFactory

    team = TeamFactory(area=AreaFactory())
    worker = PractitionerFactory(team=team)
    person = PersonFactory(team=team)
    AllocationFactory(person=person, worker=worker)
    request = RequestFactory().get(f"/people/{person.pk}/")
    request.user = worker
    connections.close_all()

    importing = threading.Event()
    finished = threading.Event()
    waits: list[float] = []
    failures: list[str] = []

    def reader() -> None:
        try:
            while not finished.is_set():
                started = time.monotonic()
                try:
                    open_person_record(request, person.pk, what="people:detail")
                except Exception as exc:  # noqa: BLE001 - every failure is the finding
                    failures.append(f"{exc.__class__.__name__}: {exc}")
                waits.append(time.monotonic() - started)
                importing.wait(30)
                time.sleep(0.02)
        finally:
            connections.close_all()

    thread = threading.Thread(target=reader)
    thread.start()
    started = time.monotonic()
    importing.set()
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=feed_file, source="big")
    import_seconds = time.monotonic() - started
    finished.set()
    thread.join()
    return {
        "import_seconds": import_seconds,
        "reads": len(waits),
        "longest_read": max(waits) if waits else None,
        "failures": failures,
        "counts": report.counts,
        "batches": getattr(report, "batches", None),
        "logged": AccessLog.objects.filter(person_id=person.pk).count(),
    }


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2], "--migrate" in sys.argv[3:])
    print(json.dumps(result))
