"""P-4, Std 4.3 (#12): About me's files in an S3-compatible object store when set
(django-storages), a private folder otherwise; either way never a public address: objects
private and only ever read through the storage API by the record's permission-checked,
access-logged view. The store is moto's S3, in the test process (`mock_aws`, no server):
the real S3Storage class, its settings and boto3's requests, answered as S3 answers them."""

from __future__ import annotations

import io
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws
from PIL import Image

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.config.settings.media_storage import person_media_storage
from goldenthread.people.factories import PersonFactory
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.models import AboutMeMedia

BUCKET = "council-person-media"
S3_ENV = {
    "GOLDENTHREAD_PERSON_MEDIA_S3_BUCKET": BUCKET,
    "GOLDENTHREAD_PERSON_MEDIA_S3_ENDPOINT_URL": "https://objects.example.org",
    "GOLDENTHREAD_PERSON_MEDIA_S3_REGION": "eu-west-2",
}
# Anyone, or anyone with any AWS account: a grant to either would make an object public.
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def test_the_file_system_is_the_default_and_a_bucket_selects_the_object_store():
    default = person_media_storage({}, Path("/srv/gt/var"))
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["OPTIONS"]["location"] == "/srv/gt/var/person-media"
    s3 = storages.create_storage(person_media_storage(S3_ENV, Path("/srv/gt/var")))
    from storages.backends.s3 import S3Storage

    assert isinstance(s3, S3Storage)
    assert s3.bucket_name == BUCKET
    assert s3.endpoint_url == "https://objects.example.org"
    # Private objects, addresses only signed and short-lived, no public domain, and a
    # name never reused for another file.
    assert s3.default_acl == "private" and s3.querystring_auth is True
    assert s3.querystring_expire <= 60 and s3.custom_domain is None
    assert s3.file_overwrite is False


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def s3(monkeypatch):
    """AboutMeMedia's files in moto's S3 (the settings' own storage, AWS's address since
    moto answers for it); asking the store for an address fails the test."""
    from storages.backends.s3 import S3Storage

    def no_address(self, name, *args, **kwargs):
        raise AssertionError(f"a storage address was asked for ({name})")

    env = {k: v for k, v in S3_ENV.items() if not k.endswith("ENDPOINT_URL")}
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        storage = storages.create_storage(person_media_storage(env, Path("/unused")))
        monkeypatch.setattr(S3Storage, "url", no_address)
        monkeypatch.setattr(AboutMeMedia._meta.get_field("file"), "storage", storage)
        yield client


def objects(client) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


@pytest.mark.django_db
def test_an_upload_is_a_private_object_read_only_through_the_record(
    client, person, practitioner, s3
):
    me = RecordLinkFactory(person=person).user
    media = services.about_me_media_add(
        actor=me,
        person=person,
        upload=SimpleUploadedFile("garden.png", png()),
        description="My garden",
    )
    key = f"person-media/{media.file.name}"
    stored = objects(s3)
    assert list(stored) == [key]
    # Private: the owner's grant only, none to anyone or to any AWS account.
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert not [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GROUPS]

    sign_in(client, me)
    page = client.get(reverse("portal:about_me", args=[person.pk])).content.decode()
    assert BUCKET not in page and "amazonaws" not in page
    url = reverse("portal:about_me_media", args=[person.pk, media.pk])
    assert url in page
    before = AccessLog.objects.filter(person_id=person.pk, actor=me).count()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == stored[key]
    assert AccessLog.objects.filter(person_id=person.pk, actor=me).count() == before + 1
    # Another sign-in with no link to the record is refused, and the refusal logged.
    sign_in(client, RecordLinkFactory(person=PersonFactory()).user)
    assert client.get(url).status_code in (403, 404)
    assert AccessLog.objects.filter(person_id=person.pk, action=AccessAction.DENIED).exists()


@pytest.mark.django_db
def test_a_refused_or_failed_upload_leaves_no_object(client, person, s3, monkeypatch):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    page = b"ID3\x04\x00\x00\x00\x00\x00\x00<html><script>alert(1)</script></html>"
    response = client.post(
        reverse("portal:about_me_media_add", args=[person.pk]),
        {"upload": SimpleUploadedFile("song.mp3", page), "description": "A song"},
    )
    assert response.status_code == 200 and "we cannot take it" in response.content.decode()
    # Stored, then the record of it fails: the object is taken back out of the store.
    from goldenthread.portal import services as portal_services

    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(portal_services.Auditor, "created", fails)
    with pytest.raises(RuntimeError):
        services.about_me_media_add(
            actor=me, person=person, upload=SimpleUploadedFile("a.png", png()), description="Me"
        )
    assert objects(s3) == {} and not AboutMeMedia.objects.exists()


def _same_name_then_taken_off(person, me, capture) -> tuple[str, str, bool]:
    """Two files saved under one name, then the first taken off: (first name, second
    name, whether the first is still in the store)."""
    storage = AboutMeMedia._meta.get_field("file").storage
    name = f"{person.pk}/same.png"
    first = storage.save(name, ContentFile(b"first"))
    second = storage.save(name, ContentFile(b"second"))
    assert storage.open(first).read() == b"first" and storage.open(second).read() == b"second"
    media = services.about_me_media_add(
        actor=me, person=person, upload=SimpleUploadedFile("a.png", png()), description="Me"
    )
    assert storage.exists(media.file.name)
    with capture(execute=True):
        services.about_me_media_remove(actor=me, media=media)
    return first, second, storage.exists(media.file.name)


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["file system", "object store"])
def test_a_name_is_never_reused_and_taking_off_deletes_as_on_the_file_system(
    request, person, where, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """The object store behaves as the folder does: a second file under a name already
    used gets a name of its own (nothing overwritten), and taking one off deletes it."""
    if where == "object store":
        request.getfixturevalue("s3")
    else:
        local = storages.create_storage(person_media_storage({}, tmp_path))
        monkeypatch.setattr(AboutMeMedia._meta.get_field("file"), "storage", local)
    me = RecordLinkFactory(person=person).user
    first, second, still_there = _same_name_then_taken_off(
        person, me, django_capture_on_commit_callbacks
    )
    assert first == f"{person.pk}/same.png" and second != first
    assert second.startswith(f"{person.pk}/same_") and second.endswith(".png")
    assert not still_there
