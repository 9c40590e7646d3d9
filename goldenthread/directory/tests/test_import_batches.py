"""A directory import never holds the database for its whole run (#11): it commits in short
batches, so a person's page (which writes an access-log row) never waits long for it, and
it still imports each record once, with per-record rejections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

import goldenthread
from goldenthread.audit.models import ChangeRecord
from goldenthread.core.testing import copy_test_database
from goldenthread.directory import services
from goldenthread.directory.models import CommunityResource, ResourceLocation
from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import

from .feeds import service, write_feed

BAD_RECORDS = [{"id": "no-name"}, {"name": "No id"}, service(3)]  # service(3): a repeat


@pytest.fixture
def no_pause(monkeypatch):
    monkeypatch.setattr(services, "SQLITE_PAUSE_SECONDS", 0)


@pytest.mark.django_db(transaction=True)
def test_import_commits_in_short_batches_and_a_second_run_changes_nothing(tmp_path, no_pause):
    feed = write_feed(tmp_path / "feed.json", 1000, extra=BAD_RECORDS)
    stored_at_each_commit: list[int] = []
    wrapper = connections[DEFAULT_DB_ALIAS]
    real_commit = wrapper.commit

    def counting_commit():
        # What this commit makes permanent: the rows stored once it is done.
        stored_at_each_commit.append(CommunityResource.objects.count())
        real_commit()

    with mock.patch.object(wrapper, "commit", counting_commit):
        report = directory_import(actor=COMMAND_LINE_IMPORT, path=feed, source="big")

    assert report.counts == {"created": 1000, "updated": 0, "unchanged": 0, "rejected": 3}
    assert report.batches >= 1003 // services.BATCH_RECORDS
    assert stored_at_each_commit[-1] == 1000
    steps = [
        b - a for a, b in zip([0, *stored_at_each_commit], stored_at_each_commit, strict=False)
    ]
    assert max(steps) <= services.BATCH_RECORDS, steps
    assert len([s for s in steps if s]) >= 4
    reasons = {r.source_id or f"record {r.index}": r.reason for r in report.rejected}
    assert reasons == {
        "no-name": "no name",
        "record 1002": "no id",
        "svc-3": "the same id as record 4; only the first is imported",
    }

    changes = ChangeRecord.objects.count()
    again = directory_import(actor=COMMAND_LINE_IMPORT, path=feed, source="big")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 1000, "rejected": 3}
    assert ChangeRecord.objects.count() == changes
    assert CommunityResource.objects.count() == 1000


@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_part_way_keeps_its_batches_and_a_rerun_finishes(
    tmp_path, monkeypatch, no_pause
):
    feed = write_feed(tmp_path / "feed.json", 600)
    real_write = services._resource_write
    written = {"n": 0}

    def write_then_stop(*args, **kwargs):
        if written["n"] == 520:
            raise KeyboardInterrupt  # the operator pressed Ctrl+C
        written["n"] += 1
        return real_write(*args, **kwargs)

    monkeypatch.setattr(services, "_resource_write", write_then_stop)
    with pytest.raises(KeyboardInterrupt):
        directory_import(actor=COMMAND_LINE_IMPORT, path=feed, source="big")
    # The batches committed before the stop are kept, whole; the batch under way is not.
    kept = CommunityResource.objects.count()
    assert 0 < kept <= 520
    assert ChangeRecord.objects.filter(object_type="directory.CommunityResource").count() == kept
    assert ResourceLocation.objects.count() == kept  # each with its location

    monkeypatch.setattr(services, "_resource_write", real_write)
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=feed, source="big")
    assert report.counts == {"created": 600 - kept, "updated": 0, "unchanged": kept, "rejected": 0}
    assert CommunityResource.objects.count() == 600


@pytest.mark.sqlite_files
@pytest.mark.django_db(transaction=True)
def test_person_pages_are_not_held_up_by_an_import_on_a_sqlite_file(tmp_path):
    """The finding itself, on a database file with the service's SQLite settings: while a
    large feed imports in one thread, another opens a person's record again and again
    (writing an access-log row each time). No opening fails, and none waits for more than
    a short batch; before the fix one waited for the whole import."""
    database = tmp_path / "service.sqlite3"
    migrate = not copy_test_database(database)
    feed = write_feed(tmp_path / "big.json", 2000)
    repository = Path(goldenthread.__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(repository),
        "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.test",
    }
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "goldenthread.directory.tests.lock_probe",
            str(database),
            str(feed),
            *(["--migrate"] if migrate else []),
        ],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])

    assert result["counts"]["created"] == 2000
    assert result["failures"] == []
    # Each batch is short: a read waits at most for one batch, never for the whole import.
    bound = min(3.0, result["import_seconds"] / 3)
    assert result["longest_read"] < bound, result
    assert result["reads"] >= 5 and result["logged"] == result["reads"]
    assert result["batches"] >= 2000 // services.BATCH_RECORDS
