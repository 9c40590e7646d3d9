"""The sign-in records' retention (OPS-7, SEC-2; ADR 0004, 0018): django-axes' rows older
than GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS go with the retention run, in bounded batches,
leaving a tombstone; a lock in force is never removed early."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.audit.models import ChangeRecord
from goldenthread.operations import retention, sign_in_retention
from goldenthread.operations.models import Tombstone

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def at(moment: datetime.datetime, model, username: str = "ann", **extra):
    with time_machine.travel(moment, tick=False):
        fields = {
            "username": username,
            "ip_address": "192.0.2.10",
            "user_agent": "Mozilla/5.0 (test)",
            "http_accept": "text/html",
            "path_info": "/accounts/sign-in/",
        }
        if model is AccessAttempt:
            fields |= {"get_data": "", "post_data": "", "failures_since_start": 5}
        return model.objects.create(**fields, **extra)


@pytest.fixture
def records():
    """Each table: a row 181 days old (past the default 180) and one 179 days old; a lock
    taken five minutes ago."""
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        at(NOW - 181 * DAY, model, "old")
        at(NOW - 179 * DAY, model, "kept")
    return at(NOW - datetime.timedelta(minutes=5), AccessAttempt, "locked")


def purge(actor, *, dry_run=False):
    with time_machine.travel(NOW, tick=False):
        return sign_in_retention.purge(actor=actor, dry_run=dry_run)


def usernames(model) -> set[str]:
    return set(model.objects.values_list("username", flat=True))


def test_records_older_than_the_period_go_with_a_tombstone(records, administrator):
    changes = ChangeRecord.objects.count()
    result = purge(administrator)
    assert usernames(AccessLog) == usernames(AccessFailureLog) == {"kept"}
    assert usernames(AccessAttempt) == {"kept", "locked"}
    assert result.rows == {
        "sign-ins and sign-outs": 1,
        "failed sign-ins": 1,
        "failures counting towards a lock": 1,
    }
    tombstone = Tombstone.objects.get(rule=sign_in_retention.RULE)
    assert tombstone.rows == {
        "axes.AccessLog": 1,
        "axes.AccessFailureLog": 1,
        "axes.AccessAttempt": 1,
    }
    assert tombstone.destroyed_by == administrator
    assert tombstone.counted_from == (NOW - 180 * DAY).date()
    assert "180 days" in tombstone.rule_text
    assert ChangeRecord.objects.count() == changes + 1
    assert "Removed 3 sign-in records from before 10 June 2026 03:00 UTC" in result.as_text()
    assert purge(administrator).rows == dict.fromkeys(result.rows, 0)  # again: nothing more


def test_a_dry_run_counts_and_removes_nothing(records, administrator):
    result = purge(administrator, dry_run=True)
    assert sum(result.rows.values()) == 3
    assert AccessLog.objects.count() == 2 and AccessAttempt.objects.count() == 3
    assert not Tombstone.objects.exists()
    assert "Would remove 3 sign-in records" in result.as_text()


def test_the_period_is_the_councils(records, administrator, settings):
    settings.GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS = 30
    purge(administrator)
    assert not AccessLog.objects.exists() and usernames(AccessAttempt) == {"locked"}
    settings.GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS = 0
    with pytest.raises(sign_in_retention.SignInRetentionError, match="at least a day"):
        purge(administrator)


def test_a_lock_in_force_is_never_removed_early(administrator, settings):
    """A period shorter than the lock: the lock stays until it has run out, and so does a
    lock with its own expiry still ahead; with locks that last until reset, none goes."""
    settings.GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS = 1
    settings.AXES_COOLOFF_TIME = datetime.timedelta(days=3)
    at(NOW - 2 * DAY, AccessAttempt, "locked two days ago")
    at(NOW - 4 * DAY, AccessAttempt, "lock ran out")
    expiring = at(NOW - 10 * DAY, AccessAttempt, "expires tomorrow")
    AccessAttemptExpiration.objects.create(access_attempt=expiring, expires_at=NOW + DAY)
    purge(administrator)
    assert usernames(AccessAttempt) == {"locked two days ago", "expires tomorrow"}
    settings.AXES_COOLOFF_TIME = None
    at(NOW - 400 * DAY, AccessAttempt, "locked until reset")
    purge(administrator)
    assert "locked until reset" in usernames(AccessAttempt)


def test_rows_go_in_bounded_batches(administrator, monkeypatch):
    monkeypatch.setattr(sign_in_retention, "BATCH", 2)
    for n in range(5):
        at(NOW - (200 + n) * DAY, AccessLog, f"old {n}")
    at(NOW, AccessLog, "today")
    with CaptureQueriesContext(connection) as queries:
        result = purge(administrator)
    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "axes_accesslog"')]
    assert len(deletes) == 3  # 2 + 2 + 1
    assert result.rows["sign-ins and sign-outs"] == 5
    assert usernames(AccessLog) == {"today"}


def test_the_retention_run_removes_them_after_the_records(records, administrator):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--apply", "--as", administrator.username, stdout=out)
    text = out.getvalue()
    assert "No record is past its retention period." in text
    assert "Removed 3 sign-in records" in text and "- failed sign-ins: 1" in text
    assert usernames(AccessLog) == {"kept"}
    with time_machine.travel(NOW, tick=False):
        dry = retention.apply(actor=administrator, dry_run=True)
    assert "No sign-in record is older than 180 days." in dry.as_text()


@pytest.mark.django_db(transaction=True)
def test_the_retention_job_removes_them(records, administrator, settings, tmp_path):
    from goldenthread.jobs import services as job_services
    from goldenthread.jobs.models import JobState

    settings.GOLDENTHREAD_JOB_FILES = tmp_path / "jobs"
    with time_machine.travel(NOW, tick=False):
        job = job_services.job_start(actor=administrator, kind="retention", params={})
        call_command("worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert "Removed 3 sign-in records" in job.result_text
    assert usernames(AccessFailureLog) == {"kept"}


def test_the_run_dated_by_today_dates_the_sign_in_purge_too(records, administrator):
    """`retention --today` counts the sign-in records' period from that day, as it does
    the records'; the clock is pinned. A lock in force by the clock stays, and the
    tombstone says when the rows really went."""
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--today", "2026-12-05", stdout=out)  # a dry run
    assert "No sign-in record is older than 180 days." in out.getvalue()
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "retention",
            "--apply",
            "--as",
            administrator.username,
            "--today",
            "2027-07-01",
            stdout=out,
        )
    text = out.getvalue()
    # 1 July 2027 less 180 days: both the 181- and the 179-day-old rows are past it.
    assert "Removed 6 sign-in records from before 02 January 2027 03:00 UTC" in text
    assert not AccessLog.objects.exists() and not AccessFailureLog.objects.exists()
    assert usernames(AccessAttempt) == {"locked"}  # taken five minutes ago by the clock
    tombstone = Tombstone.objects.get(rule=sign_in_retention.RULE)
    assert tombstone.counted_from == datetime.date(2027, 1, 2)
    assert tombstone.destroyed_at == NOW
