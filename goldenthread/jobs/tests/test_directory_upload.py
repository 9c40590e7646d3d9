"""Directory import from the browser (SS-4, IO-3, #20): an administrator uploads an ORUK or
HSDS feed, it is read at once (a file that is not a feed is refused with why), and the worker
imports it as a job with progress; nobody else may, and a file over the limit is refused."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from conftest import sign_in
from goldenthread.directory.models import CommunityResource
from goldenthread.jobs.models import Job, JobState

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("jobs:directory_import")


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.GOLDENTHREAD_JOB_FILES = tmp_path / "jobs"
    settings.GOLDENTHREAD_JOB_HEARTBEAT_SECONDS = 0


def feed(name="lunch-clubs.json", records=None) -> SimpleUploadedFile:
    records = records or [
        {
            "id": "svc-1",
            "name": "Lunch club",
            "description": "A lunch club on Tuesdays.",
            "organization": {"id": "org-1", "name": "Friends of the Park"},
        },
        {
            "id": "svc-2",
            "name": "Walking group",
            "description": "A gentle walk on Thursdays.",
            "organization": {"id": "org-1", "name": "Friends of the Park"},
        },
    ]
    return SimpleUploadedFile(name, json.dumps(records).encode(), content_type="application/json")


def test_an_administrator_uploads_a_feed_and_the_worker_imports_it(client, administrator):
    sign_in(client, administrator)
    assert "Import community directory data from a file" in client.get(reverse("jobs:list")).text
    page = client.get(URL).text
    assert 'enctype="multipart/form-data"' in page and "At most" in page

    response = client.post(URL, {"feed": feed(), "area": "Aberdeen City"})
    job = Job.objects.get(kind="directory-import")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.QUEUED and job.started_by == administrator
    assert not CommunityResource.objects.exists()  # the request only queued it

    call_command("worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert (job.done, job.total) == (2, 2)
    names = set(CommunityResource.objects.values_list("name", flat=True))
    assert names == {"Lunch club", "Walking group"}
    assert set(CommunityResource.objects.values_list("source", flat=True)) == {"lunch-clubs"}
    assert "Finished" in client.get(reverse("jobs:detail", args=[job.pk])).text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("feed.json", b"{not json", "application/json"), "feed.json"),
        (SimpleUploadedFile("feed.csv", b"id,name\n1,x\n", "text/csv"), "name ends in .json"),
        (SimpleUploadedFile("feed.json", b"", "application/json"), "file is empty"),
    ],
)
def test_a_file_that_is_not_a_feed_is_refused_at_once(client, administrator, upload, message):
    sign_in(client, administrator)
    response = client.post(URL, {"feed": upload})
    assert response.status_code == 200
    assert message in response.text
    assert "/uploads/" not in response.text  # the server's folders are not shown
    assert not Job.objects.exists()


def test_a_file_over_the_limit_is_refused(client, administrator, settings):
    settings.GOLDENTHREAD_DIRECTORY_IMPORT_MAX_MB = 0.0001  # about 100 bytes
    sign_in(client, administrator)
    response = client.post(URL, {"feed": feed()})
    assert response.status_code == 200
    assert "the largest this service imports is 0.0 MB" in response.text
    assert not Job.objects.exists()


def test_nobody_but_an_administrator_may_upload(client, practitioner, team_leader):
    for user in (practitioner, team_leader):
        sign_in(client, user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"feed": feed()}).status_code == 403
        assert "Import community directory data" not in client.get(reverse("jobs:list")).text
    assert not Job.objects.exists()


def test_an_upload_with_no_file_asks_for_the_feed(client, administrator):
    """A probe sent the form with no file: it read Django's "This field is required."."""
    sign_in(client, administrator)
    response = client.post(URL, {"area": "x" * 201})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the feed file to import." in body
    assert "Keep the service area to 200 characters or fewer." in body
    assert "This field is required." not in body and "Ensure this value" not in body
    assert not Job.objects.exists()
