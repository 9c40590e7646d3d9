"""P-4, Std 4.3: pictures, sound and video on About me. Type known by content (not the
name), size-limited, a video's length limited, pictures re-made without their metadata,
stored through the record's own storage, served only through a permission-checked,
access-logged view as a download with nosniff; a disguised page (HTML, SVG, a polyglot)
is refused and nothing is stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.people.factories import PersonFactory
from goldenthread.portal import uploads
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.forms import AboutMeMediaForm
from goldenthread.portal.models import AboutMeMedia
from goldenthread.portal.tests.media_files import mp4, wav

pytestmark = pytest.mark.django_db


def jpeg_with_location() -> bytes:
    """A photo whose metadata says where it was taken (GPS) and on what camera."""
    image = Image.new("RGB", (40, 30), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = {1: "N", 2: (55.0, 57.0, 12.0), 3: "W", 4: (3.0, 11.0, 30.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add(client, url, file, description="Me at the beach"):
    return client.post(url, {"upload": file, "description": description})


@pytest.fixture
def me(client, person):
    user = RecordLinkFactory(person=person).user
    sign_in(client, user)
    return user


def test_person_adds_a_photo_stored_without_its_location_and_served_as_a_download(
    client, person, me
):
    original = jpeg_with_location()
    assert b"PhoneMaker" in original
    response = add(
        client,
        reverse("portal:about_me_media_add", args=[person.pk]),
        upload("beach.jpg", original, "image/jpeg"),
    )
    assert response.status_code == 302, response.content.decode()
    media = AboutMeMedia.objects.get(person=person)
    assert media.kind == "image" and media.content_type == "image/jpeg"
    assert media.added_by == me and not media.on_behalf
    stored = media.file.open("rb").read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()  # no location, no camera
    assert b"PhoneMaker" not in stored
    assert ChangeRecord.objects.filter(
        object_type="portal.AboutMeMedia", object_id=str(media.pk), action="create"
    ).exists()

    page = client.get(reverse("portal:about_me", args=[person.pk])).content.decode()
    file_url = reverse("portal:about_me_media", args=[person.pk, media.pk])
    assert f'<img src="{file_url}" alt="Me at the beach"' in page

    before = AccessLog.objects.filter(person_id=person.pk).count()
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AccessLog.objects.filter(person_id=person.pk).count() == before + 1
    assert (
        AccessLog.objects.filter(person_id=person.pk).latest("at").what == "portal:about_me_media"
    )


@pytest.mark.parametrize(
    ("name", "content", "claimed"),
    [
        ("me.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        (
            "me.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "image/png",
        ),
        ("me.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml"),
        ("notes.pdf", b"%PDF-1.7 not a picture", "application/pdf"),
        # A polyglot: an MP3's first bytes, with a web page inside.
        ("song.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00<HTML><body onload=alert(1)>", "audio/mpeg"),
        # A video whose structure hides a page.
        ("clip.mp4", mp4(10) + b"<script>alert(1)</script>", "video/mp4"),
    ],
)
def test_a_disguised_page_or_unknown_type_is_refused_and_nothing_stored(
    client, person, me, name, content, claimed
):
    response = add(
        client,
        reverse("portal:about_me_media_add", args=[person.pk]),
        upload(name, content, claimed),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "we cannot take it" in page or "not a picture, sound recording or video" in page
    assert not AboutMeMedia.objects.exists()


def test_a_picture_that_is_also_a_page_is_made_again_without_it(client, person, me):
    """A JPEG with a page appended (a polyglot): only the pixels are kept."""
    content = jpeg_with_location() + b"<html><script>alert(1)</script></html>"
    response = add(
        client, reverse("portal:about_me_media_add", args=[person.pk]), upload("x.html", content)
    )
    assert response.status_code == 302
    stored = AboutMeMedia.objects.get().file.open("rb").read()
    assert b"<script" not in stored and b"<html" not in stored


def test_an_oversize_file_is_refused(client, person, me, settings):
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES = 1000
    response = add(
        client,
        reverse("portal:about_me_media_add", args=[person.pk]),
        upload("song.mp3", b"ID3" + bytes(2000), "audio/mpeg"),
    )
    assert response.status_code == 200
    assert "The most we can take is" in response.content.decode()
    assert not AboutMeMedia.objects.exists()


def test_a_video_over_five_minutes_is_refused_and_one_under_is_taken(client, person, me):
    url = reverse("portal:about_me_media_add", args=[person.pk])
    response = add(client, url, upload("long.mp4", mp4(301), "video/mp4"))
    assert "The most we can take is 5 minutes" in response.content.decode()
    assert not AboutMeMedia.objects.exists()
    assert uploads.video_seconds(mp4(300)) == 300
    response = add(client, url, upload("short.mov", mp4(300), "video/quicktime"), "Me singing")
    assert response.status_code == 302
    media = AboutMeMedia.objects.get()
    assert media.kind == "video" and media.content_type == "video/mp4"
    page = client.get(reverse("portal:about_me", args=[person.pk])).content.decode()
    assert "<video controls" in page and 'aria-label="Me singing"' in page


def test_a_description_is_needed_and_shown_as_words(client, person, me):
    url = reverse("portal:about_me_media_add", args=[person.pk])
    response = add(client, url, upload("a.jpg", jpeg_with_location()), "")
    assert "Say in a few words what it shows or is." in response.content.decode()
    add(client, url, upload("a.jpg", jpeg_with_location()), '"><script>alert(1)</script>')
    page = client.get(reverse("portal:about_me", args=[person.pk])).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_a_proxy_adds_on_behalf_and_a_worker_adds_too(client, person, practitioner):
    proxy = ProxyLinkFactory(person=person).user
    sign_in(client, proxy)
    add(
        client,
        reverse("portal:about_me_media_add", args=[person.pk]),
        upload("a.jpg", jpeg_with_location()),
    )
    assert AboutMeMedia.objects.get().on_behalf
    sign_in(client, practitioner)
    response = add(
        client,
        reverse("portal_staff:about_me_media_add", args=[person.pk]),
        upload("b.wav", wav(1), "audio/wav"),
        "Her favourite song",
    )
    assert response.status_code == 302
    sound = AboutMeMedia.objects.get(kind="audio")
    assert sound.added_by == practitioner
    response = client.get(reverse("portal_staff:about_me_media", args=[person.pk, sound.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"


def test_no_one_else_reaches_the_file_and_each_refusal_is_logged(
    client, person, me, other_practitioner
):
    add(
        client,
        reverse("portal:about_me_media_add", args=[person.pk]),
        upload("a.jpg", jpeg_with_location()),
    )
    media = AboutMeMedia.objects.get()
    # Someone else's sign-in, linked to another person.
    other = RecordLinkFactory(person=PersonFactory()).user
    sign_in(client, other)
    denied = AccessLog.objects.filter(person_id=person.pk, action=AccessAction.DENIED).count()
    assert client.get(reverse("portal:about_me_media", args=[person.pk, media.pk])).status_code in (
        403,
        404,
    )
    # A worker not working with the person.
    sign_in(client, other_practitioner)
    assert client.get(
        reverse("portal_staff:about_me_media", args=[person.pk, media.pk])
    ).status_code in (403, 404)
    assert (
        AccessLog.objects.filter(person_id=person.pk, action=AccessAction.DENIED).count()
        == denied + 2
    )
    # A file of this record asked for under another record's address is not found.
    sign_in(client, other)
    other_person = other.portal_links.get().person_id
    assert (
        client.get(reverse("portal:about_me_media", args=[other_person, media.pk])).status_code
        == 404
    )


def test_taking_it_off_deletes_the_file_and_keeps_the_history(
    client, person, me, django_capture_on_commit_callbacks
):
    add(
        client,
        reverse("portal:about_me_media_add", args=[person.pk]),
        upload("a.jpg", jpeg_with_location()),
    )
    media = AboutMeMedia.objects.get()
    storage, name = media.file.storage, media.file.name
    url = reverse("portal:about_me_media", args=[person.pk, media.pk])
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    media.refresh_from_db()
    assert media.removed_at is not None and media.removed_by == me
    assert client.get(url).status_code == 404
    assert ChangeRecord.objects.filter(
        object_type="portal.AboutMeMedia", object_id=str(media.pk), action="update"
    ).exists()
    assert not storage.exists(name)


@pytest.mark.parametrize(
    ("sound", "video", "size", "words"),
    [
        (300, 300, 20 * 1_048_576, "each recording up to 5 minutes. Up to 20 MB."),
        (
            90,
            600,
            5 * 1_048_576 // 2,
            "a sound recording up to 1 minute and 30 seconds and a video up to 10 minutes. "
            "Up to 2.5 MB.",
        ),
        (45, 45, 900 * 1024, "each recording up to 45 seconds. Up to 900 KB."),
    ],
)
def test_the_upload_help_says_the_limits_as_set(settings, sound, video, size, words):
    """#12: the words follow GOLDENTHREAD_PERSON_MEDIA_* (not "5 minutes", "20 MB" typed in)."""
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = sound
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_VIDEO_SECONDS = video
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES = size
    assert words in AboutMeMediaForm().fields["upload"].help_text


def test_the_add_page_and_its_refusals_say_the_limits_as_set(client, person, me, settings):
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = 120
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_VIDEO_SECONDS = 120
    settings.GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES = 1_048_576
    url = reverse("portal:about_me_media_add", args=[person.pk])
    assert "each recording up to 2 minutes. Up to 1 MB." in client.get(url).content.decode()
    page = add(client, url, upload("long.mp4", mp4(121), "video/mp4")).content.decode()
    assert "The most we can take is 2 minutes." in page
    page = add(client, url, upload("big.wav", wav(140), "audio/wav")).content.decode()
    assert "This file is 1.1 MB. The most we can take is 1 MB." in page
    # A WAV whose length cannot be read (fmt of no size, no sound) was taken until #12's
    # last part; now refused as every kind is, and nothing stored.
    empty_wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40)
    page = add(client, url, upload("b.wav", empty_wav, "audio/wav")).content.decode()
    assert "This recording could not be read" in page
    assert not AboutMeMedia.objects.exists()
