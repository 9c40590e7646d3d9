"""P-4, Std 4.3 (#12): About me's files in an S3-compatible object store when set
(django-storages), a private folder otherwise; either way never a public address: objects
private and only ever read through the storage API by the record's permission-checked,
access-logged view. (moto is not installed here: the store is stood in for in memory at
the storage backend's own methods, so the real S3Storage class and its settings are used.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.config.settings.media_storage import person_media_storage
from goldenthread.people.factories import PersonFactory
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.models import AboutMeMedia

S3_ENV = {
    "GOLDENTHREAD_PERSON_MEDIA_S3_BUCKET": "council-person-media",
    "GOLDENTHREAD_PERSON_MEDIA_S3_ENDPOINT_URL": "https://objects.example.org",
    "GOLDENTHREAD_PERSON_MEDIA_S3_REGION": "eu-west-2",
}


def test_the_file_system_is_the_default_and_a_bucket_selects_the_object_store():
    default = person_media_storage({}, Path("/srv/gt/var"))
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["OPTIONS"]["location"] == "/srv/gt/var/person-media"
    s3 = storages.create_storage(person_media_storage(S3_ENV, Path("/srv/gt/var")))
    from storages.backends.s3 import S3Storage

    assert isinstance(s3, S3Storage)
    assert s3.bucket_name == "council-person-media"
    assert s3.endpoint_url == "https://objects.example.org"
    # Private objects, addresses only signed and short-lived, no public domain, and a
    # name never reused for another file.
    assert s3.default_acl == "private" and s3.querystring_auth is True
    assert s3.querystring_expire <= 60 and s3.custom_domain is None
    assert s3.file_overwrite is False


@pytest.fixture
def s3_media(monkeypatch):
    """AboutMeMedia's files in the S3 backend, the bucket stood in for in memory; asking
    the store for an address fails the test."""
    from storages.backends.s3 import S3Storage

    bucket: dict[str, bytes] = {}

    def save(self, name, content):
        bucket[name] = content.read()
        return name

    def no_address(self, name, *args, **kwargs):
        raise AssertionError(f"a storage address was asked for ({name})")

    monkeypatch.setattr(S3Storage, "_save", save)
    monkeypatch.setattr(
        S3Storage, "_open", lambda self, name, mode="rb": ContentFile(bucket[name], name)
    )
    monkeypatch.setattr(S3Storage, "exists", lambda self, name: name in bucket)
    monkeypatch.setattr(S3Storage, "delete", lambda self, name: bucket.pop(name, None))
    monkeypatch.setattr(S3Storage, "url", no_address)
    field = AboutMeMedia._meta.get_field("file")
    storage = storages.create_storage(person_media_storage(S3_ENV, Path("/unused")))
    monkeypatch.setattr(field, "storage", storage)
    return bucket


@pytest.mark.django_db
def test_with_the_object_store_files_are_served_only_through_the_record(
    client, person, practitioner, s3_media
):
    me = RecordLinkFactory(person=person).user
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 40)).save(photo, format="PNG")
    media = services.about_me_media_add(
        actor=me,
        person=person,
        upload=SimpleUploadedFile("garden.png", photo.getvalue()),
        description="My garden",
    )
    assert list(s3_media) == [media.file.name]
    sign_in(client, me)
    page = client.get(reverse("portal:about_me", args=[person.pk])).content.decode()
    assert "objects.example.org" not in page and "council-person-media" not in page
    url = reverse("portal:about_me_media", args=[person.pk, media.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == s3_media[media.file.name]
    assert AccessLog.objects.filter(
        person_id=person.pk, actor=me, action=AccessAction.VIEW
    ).exists()
    # Another sign-in with no link to the record is refused, and the refusal logged.
    sign_in(client, RecordLinkFactory(person=PersonFactory()).user)
    assert client.get(url).status_code in (403, 404)
    assert AccessLog.objects.filter(person_id=person.pk, action=AccessAction.DENIED).exists()
