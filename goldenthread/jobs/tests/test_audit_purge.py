"""The audit log's own retention as a background job (#20, OPS-5, OPS-7, SEC-2): started by
an administrator only, a dry run unless confirmed, audited, and safe to try again."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessLog, AuditCheckpoint, ChangeRecord
from goldenthread.jobs import services
from goldenthread.jobs.models import Job, JobState
from goldenthread.operations import audit_retention
from goldenthread.operations.tests.test_audit_retention import NOW, view, write_old_and_new

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.GOLDENTHREAD_JOB_FILES = tmp_path / "jobs"


def work_off_the_queue():
    call_command("worker", "--once", verbosity=0)


def test_only_an_administrator_may_start_the_audit_purge(client, practitioner, administrator):
    """#20: the page, the list's link and the service refuse anyone but an administrator."""
    sign_in(client, practitioner)
    assert "Remove audit log rows" not in client.get(reverse("jobs:list")).text
    assert client.get(reverse("jobs:audit_purge")).status_code == 403
    assert client.post(reverse("jobs:audit_purge"), {"mode": "dry-run"}).status_code == 403
    assert client.post(reverse("jobs:start"), {"kind": "audit-purge"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.job_start(actor=practitioner, kind="audit-purge", params={"dry_run": True})
    assert not Job.objects.exists()
    sign_in(client, administrator)
    assert "Remove audit log rows" in client.get(reverse("jobs:list")).text
    assert client.get(reverse("jobs:audit_purge")).status_code == 200


def test_a_dry_run_removes_nothing_and_removing_needs_the_confirmation(
    client, practitioner, administrator, rf
):
    """#20: the dry run says what would go; removing them is refused without the box ticked,
    then done, with a checkpoint and change-history rows, and audit-verify still passes."""
    write_old_and_new(practitioner, rf)
    before = AccessLog.objects.count()
    sign_in(client, administrator)
    with time_machine.travel(NOW, tick=False):
        refused = client.post(reverse("jobs:audit_purge"), {"mode": "apply"})
        assert refused.status_code == 200
        assert "Confirm that the rows are to be removed" in refused.text
        assert not Job.objects.exists()
        client.post(reverse("jobs:audit_purge"), {"mode": "dry-run"})
    work_off_the_queue()
    dry = Job.objects.get()
    assert dry.state == JobState.SUCCEEDED, dry.error
    assert dry.params == {"dry_run": True, "confirmed": False}
    assert "Would remove 4 audit rows" in dry.result_text
    assert "Nothing was removed (a dry run)." in dry.result_text
    assert (dry.done, dry.total) == (1, 1)
    assert AccessLog.objects.count() >= before
    assert not AuditCheckpoint.objects.exists()

    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("jobs:audit_purge"), {"mode": "apply", "confirm": "on"})
    applied = Job.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == reverse("jobs:detail", args=[applied.pk])
    work_off_the_queue()
    applied.refresh_from_db()
    assert applied.state == JobState.SUCCEEDED, applied.error
    assert "Removed 4 audit rows" in applied.result_text
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.actor == administrator
    with time_machine.travel(NOW, tick=False):  # the session was last used then
        page = client.get(reverse("jobs:detail", args=[applied.pk])).text
    assert f"Checkpoint {checkpoint.seq}" in page
    for object_type, object_id in (
        ("jobs.Job", applied.pk),
        ("audit.AuditCheckpoint", checkpoint.pk),
    ):
        assert ChangeRecord.objects.filter(
            object_type=object_type, object_id=str(object_id)
        ).exists()
    call_command("audit_verify", stdout=io.StringIO())


def test_an_unconfirmed_removal_is_refused_by_the_job_itself(administrator):
    """#20: a job asked to remove rows without the confirmation removes nothing; `goldenthread
    job start audit-purge` is a dry run unless --apply."""
    job = services.job_start(actor=administrator, kind="audit-purge", params={"dry_run": False})
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "needs the confirmation" in job.error
    # From the command line: a dry run unless --apply, which is the confirmation.
    for extra, params in (
        ([], {"dry_run": True, "confirmed": False}),
        (["--apply"], {"dry_run": False, "confirmed": True}),
    ):
        before = set(Job.objects.values_list("pk", flat=True))
        call_command(
            "job",
            "start",
            "audit-purge",
            "--as",
            administrator.username,
            *extra,
            stdout=io.StringIO(),
        )
        assert Job.objects.exclude(pk__in=before).get().params == params


def test_a_retry_removes_nothing_more_and_names_the_earlier_checkpoint(
    practitioner, administrator, rf, monkeypatch
):
    """#20: the first attempt removes the rows and its worker stops before the job is marked
    done; tried again (months later), the job counts from when it was started, so a row
    that has come past the period since stays, and it names the first attempt's checkpoint."""
    write_old_and_new(practitioner, rf)
    # Past the period counted from today, not from when the job was started (NOW).
    later = NOW + datetime.timedelta(days=200)
    with time_machine.travel(later.replace(year=later.year - 7) - datetime.timedelta(days=10)):
        since = view(practitioner)
    real_apply = audit_retention.apply
    attempts = []

    def stops_after_the_commit(**kwargs):
        result = real_apply(**kwargs)
        attempts.append(result)
        if len(attempts) == 1:
            raise RuntimeError("the worker was stopped")
        return result

    monkeypatch.setattr(audit_retention, "apply", stops_after_the_commit)
    with time_machine.travel(NOW, tick=False):
        job = services.job_start(
            actor=administrator, kind="audit-purge", params={"dry_run": False, "confirmed": True}
        )
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    first = AuditCheckpoint.objects.get()

    with time_machine.travel(later, tick=False):
        services.job_retry(actor=administrator, job=job)
        work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert AuditCheckpoint.objects.get() == first
    assert AccessLog.objects.filter(pk=since.pk).exists()
    assert f"Checkpoint {first.seq}" in job.result_text
    assert "already accounts for the rows" in job.result_text
    call_command("audit_verify", stdout=io.StringIO())
