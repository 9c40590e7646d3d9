"""Background jobs (OPS-5): queued in the request, run by the worker, seen only by their
starter, failing with a reason, safe to run twice."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from conftest import sign_in
from goldenthread.accounts.models import Role
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.jobs import kinds, services
from goldenthread.jobs.models import Job, JobState
from goldenthread.jobs.tasks import run_job
from goldenthread.jobs.tests.worker import error_when_worked_off, work_off_the_queue

# The worker closes a connection left inside a transaction (as after a dropped connection),
# so these tests commit as the service does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.GOLDENTHREAD_JOB_FILES = tmp_path / "jobs"
    return settings.GOLDENTHREAD_JOB_FILES


def test_an_export_is_queued_by_the_page_and_run_by_the_worker(client, practitioner, person):
    sign_in(client, practitioner)
    response = client.post(reverse("jobs:start"), {"kind": "fhir-export"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    # Nothing has run yet: the request only queued it.
    assert job.state == JobState.QUEUED
    assert "Waiting for the worker" in client.get(reverse("jobs:detail", args=[job.pk])).text
    assert ChangeRecord.objects.filter(object_type="jobs.Job", object_id=str(job.pk)).exists()

    work_off_the_queue()

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert (job.done, job.total) == (1, 1)
    assert job.attempts == 1
    page = client.get(reverse("jobs:detail", args=[job.pk])).text
    assert "1 plan exported as a FHIR R4 Bundle, in one file." in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist() == [f"{person.pk}.json"]
    assert json.loads(archive.read(f"{person.pk}.json"))["resourceType"] == "Bundle"
    assert AccessLog.objects.filter(
        person_id=person.pk, action=AccessAction.EXPORT, actor=practitioner
    ).exists()


def test_the_htmx_poll_gets_the_status_only(client, practitioner, person):
    job = services.job_start(actor=practitioner, kind="fhir-export")
    sign_in(client, practitioner)
    polled = client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert 'id="job-status"' in polled.text
    assert 'hx-trigger="every 3s"' in polled.text
    assert "<html" not in polled.text
    work_off_the_queue()
    finished = client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert "hx-trigger" not in finished.text  # a finished job stops polling


def test_nobody_sees_another_users_jobs(client, practitioner, other_practitioner, person):
    job = services.job_start(actor=practitioner, kind="fhir-export")
    work_off_the_queue()
    sign_in(client, other_practitioner)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    listing = client.get(reverse("jobs:list")).text
    assert str(job.pk) not in listing
    assert "You have not started any jobs." in listing


def test_people_and_proxies_have_no_jobs_page(client, person):
    from goldenthread.accounts.factories import UserFactory

    own = UserFactory(role=Role.PERSON)
    sign_in(client, own)
    assert client.get(reverse("jobs:list")).status_code == 403


def test_a_role_may_start_only_its_own_kinds(client, practitioner, administrator):
    sign_in(client, practitioner)
    page = client.get(reverse("jobs:list")).text
    assert "Export the plans" in page
    assert "Back up the database" not in page
    assert client.post(reverse("jobs:start"), {"kind": "backup"}).status_code == 403
    assert client.post(reverse("jobs:start"), {"kind": "nonsense"}).status_code == 404
    assert not Job.objects.exists()
    with pytest.raises(PermissionDenied):
        services.job_start(actor=practitioner, kind="retention")
    with pytest.raises(services.JobError, match="no kind of job"):
        services.job_start(actor=administrator, kind="nonsense")


def test_a_job_checks_the_role_again_when_it_runs(job_of_a_demoted_starter, person):
    job = job_of_a_demoted_starter
    assert error_when_worked_off(job) == "Your role can no longer run this job, so it was not run."
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_a_failure_says_why_without_the_exception_text_and_can_be_tried_again(
    client, practitioner, person, monkeypatch, caplog
):
    calls = []

    def broken(job, progress):
        calls.append(job.pk)
        if len(calls) == 1:
            raise ValueError("Morag Fraser's plan broke")  # record text in the message
        return kinds.Outcome(text="Done the second time.")

    monkeypatch.setitem(
        kinds.KINDS,
        "fhir-export",
        kinds.KINDS["fhir-export"].__class__(
            "fhir-export", "Export", kinds.KINDS["fhir-export"].permission, broken
        ),
    )
    job = services.job_start(actor=practitioner, kind="fhir-export")
    assert str(job.pk) in error_when_worked_off(job)
    assert "Morag" not in job.error
    sign_in(client, practitioner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).text
    assert "Why it failed" in page and "Try again" in page and "Morag" not in page

    client.post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    work_off_the_queue()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result_text) == (
        JobState.SUCCEEDED,
        2,
        "Done the second time.",
    )
    with pytest.raises(services.JobError, match="Only a failed job"):
        services.job_retry(actor=practitioner, job=job)


def test_a_job_delivered_twice_runs_once(practitioner, person):
    job = services.job_start(actor=practitioner, kind="fhir-export")
    assert run_job.call(str(job.pk)) == "succeeded"
    assert run_job.call(str(job.pk)) == "not waiting: nothing done"
    job.refresh_from_db()
    assert job.attempts == 1
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 1


def test_an_export_with_nobody_to_export_fails_with_a_reason(practitioner):
    job = services.job_start(actor=practitioner, kind="fhir-export")
    assert error_when_worked_off(job) == (
        "You may open nobody's record, so there is nothing to export."
    )


def test_the_command_starts_a_directory_import_and_follows_it(administrator, tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            [
                {
                    "id": "svc-1",
                    "name": "Lunch club",
                    "description": "A lunch club on Tuesdays.",
                    "organization": {"id": "org-1", "name": "Friends of the Park"},
                }
            ]
        )
    )
    out = io.StringIO()
    call_command(
        "job",
        "start",
        "directory-import",
        "--as",
        administrator.username,
        "--path",
        str(feed),
        stdout=out,
    )
    job = Job.objects.get()
    assert job.started_by == administrator
    assert job.state == JobState.QUEUED
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.total == 1
    from goldenthread.directory.models import CommunityResource

    assert CommunityResource.objects.filter(name="Lunch club").exists()


def test_the_command_refuses_a_role_that_may_not(practitioner):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot start this job"):
        call_command("job", "start", "backup", "--as", practitioner.username)


def test_no_job_runs_while_the_service_is_read_only(practitioner, person, settings):
    job = services.job_start(actor=practitioner, kind="fhir-export")
    settings.GOLDENTHREAD_READ_ONLY = True
    assert "read-only while we do maintenance" in error_when_worked_off(job)
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


@pytest.mark.parametrize("kind", ["fhir-export", "plan-pdfs"])
def test_a_record_opened_by_break_glass_is_never_swept_into_a_bulk_export(
    kind, practitioner, person, other_team
):
    """SEC-3: break-glass opens one record, for its stated reason; an export of "everyone
    you may open" started meanwhile holds only the records the starter works with."""
    from goldenthread.people.access import break_glass_start
    from goldenthread.people.factories import PersonFactory

    stranger = PersonFactory(team=other_team)
    break_glass_start(
        actor=practitioner,
        person_id=stranger.pk,
        reason="Police at the door asking whether she is safe tonight",
    )
    job = services.job_start(actor=practitioner, kind=kind)
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    with zipfile.ZipFile(job.result_file) as archive:
        names = archive.namelist()
    assert any(str(person.pk) in name for name in names)
    assert not any(str(stranger.pk) in name for name in names)
    assert not AccessLog.objects.filter(person_id=stranger.pk, action=AccessAction.EXPORT).exists()


@pytest.mark.parametrize(
    ("kind", "started"),
    [
        ("fhir-export", "Started: export the plans of everyone you work with (FHIR)."),
        ("plan-pdfs", "Started: support plans of everyone you work with (PDF pack)."),
    ],
)
def test_the_started_message_keeps_names_in_capitals(client, practitioner, kind, started):
    """A name in capitals stays so inside the sentence: never "(fhir)" or "(pdf pack)"."""
    sign_in(client, practitioner)
    page = client.post(reverse("jobs:start"), {"kind": kind}, follow=True).text
    assert started in page


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("fhir-export", "2 plans exported as FHIR R4 Bundles, one file a person."),
        ("plan-pdfs", "2 support plans as PDFs, one file a person, in one zip file."),
    ],
)
def test_what_a_job_made_is_counted_in_plain_words(client, practitioner, person, kind, said):
    """Two plans are "2 plans", never "2 plan(s)" (one plan: the tests above)."""
    from goldenthread.people.factories import AllocationFactory, PersonFactory

    AllocationFactory(person=PersonFactory(team=person.team), worker=practitioner)
    job = services.job_start(actor=practitioner, kind=kind)
    work_off_the_queue()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    sign_in(client, practitioner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).text
    assert said in page
    assert "(s)" not in page
