"""Support plans as PDFs, made in the background (SS-6, OPS-5, #20): only the records the
starter works with, progress on the jobs page, each person's access log written when the
pack is made and when it is downloaded, downloadable by its starter only, then deleted."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.jobs.kinds import people_file
from goldenthread.jobs.models import Job, JobState
from goldenthread.people.models import Allocation

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.GOLDENTHREAD_JOB_FILES = tmp_path / "jobs"
    settings.GOLDENTHREAD_JOB_FILE_DAYS = 7
    settings.GOLDENTHREAD_JOB_HEARTBEAT_SECONDS = 0


def exports(person, actor) -> int:
    return AccessLog.objects.filter(
        person_id=person.pk, actor=actor, action=AccessAction.EXPORT
    ).count()


def make_pack(client, practitioner) -> Job:
    sign_in(client, practitioner)
    page = client.get(reverse("jobs:list")).text
    assert "Support plans of everyone you work with (PDF pack)" in page
    client.post(reverse("jobs:start"), {"kind": "plan-pdfs"})
    job = Job.objects.get(kind="plan-pdfs")
    call_command("worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    return job


def test_a_pack_of_plan_pdfs_for_the_starter_only(client, practitioner, other_practitioner, person):
    with time_machine.travel(T0, tick=False):
        job = make_pack(client, practitioner)
        assert (job.done, job.total) == (1, 1)
        assert exports(person, practitioner) == 1  # made: one row for the person
        detail = client.get(reverse("jobs:detail", args=[job.pk])).text
        assert "1 support plan as a PDF, in one zip file." in detail
        assert "until 10 December 2026 at 10:00" in detail

        download = client.get(reverse("jobs:download", args=[job.pk]))
        assert download.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
        assert archive.namelist() == [f"support-plan-{person.pk}.pdf"]  # no name in it
        assert archive.read(f"support-plan-{person.pk}.pdf").startswith(b"%PDF")
        assert exports(person, practitioner) == 2  # downloaded: another row

        sign_in(client, other_practitioner)  # works in the same team, did not start it
        assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
        assert exports(person, other_practitioner) == 0


def test_the_pack_is_deleted_after_its_keeping_period(client, practitioner, person):
    with time_machine.travel(T0, tick=False) as clock:
        job = make_pack(client, practitioner)
        path = Path(job.result_file)
        assert path.is_file() and people_file(path).is_file()
        clock.move_to(T0 + datetime.timedelta(days=6))
        sign_in(client, practitioner)  # a session does not last days
        assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200
        clock.move_to(T0 + datetime.timedelta(days=7, minutes=1))
        sign_in(client, practitioner)
        assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert not path.exists() and not people_file(path).exists()
    job.refresh_from_db()
    assert job.result_file == ""
    assert "The file was deleted 7 days after the job finished" in job.result_text


def test_no_download_once_the_starter_no_longer_works_with_someone_in_it(
    client, practitioner, person
):
    job = make_pack(client, practitioner)
    Allocation.objects.filter(person=person).delete()
    before = exports(person, practitioner)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 403
    assert exports(person, practitioner) == before


def test_a_pack_with_nobody_in_it_fails_with_a_reason(client, practitioner):
    sign_in(client, practitioner)
    client.post(reverse("jobs:start"), {"kind": "plan-pdfs"})
    call_command("worker", "--once", verbosity=0)
    job = Job.objects.get(kind="plan-pdfs")
    assert job.state == JobState.FAILED
    assert "no plan to put in a pack" in job.error
