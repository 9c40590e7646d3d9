"""P-4, Std 4.3 (#12): About me's pictures are in the support plan's PDF, embedded as data:
URIs read through the storage API (never fetched by address); only the picture types About
me stores, each within a size limit; sound and video are named, with a link to the About me
page. Any other address the document names — in stored text, a file, the web — is refused."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import sign_in
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.tests.media_files import mp4
from goldenthread.record import pdf
from goldenthread.record.plan_document import PlanMedia
from goldenthread.record.plan_media import PlanPicture

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)


def _picture(kind="image", content_type="image/png", data=PNG, description="Me"):
    return PlanMedia(
        kind=kind,
        description=description,
        content_type=content_type,
        read=lambda limit: data if len(data) <= limit else None,
    )


class _Plan:
    def __init__(self, *media):
        self.about_me_media = list(media)


def test_only_stored_picture_types_within_the_limit_are_embedded(settings):
    """PNG and JPEG known by their first bytes, at most the size and number set; SVG (or
    anything claiming a type its bytes are not) is left out; sound and video are named."""
    settings.GOLDENTHREAD_PLAN_PDF_PICTURE_MAX_BYTES = 100
    settings.GOLDENTHREAD_PLAN_PDF_MAX_PICTURES = 2
    pictures, recordings = pdf.plan_pictures(
        _Plan(
            _picture(description="kept"),
            _picture(content_type="image/svg+xml", data=b"<svg onload=alert(1)>"),
            _picture(content_type="image/jpeg", data=PNG),  # says JPEG, is not
            _picture(data=PNG + bytes(100)),  # over the size limit
            _picture(kind="video", content_type="video/mp4", data=b"", description="A walk"),
            _picture(description="second"),
            _picture(description="one too many"),
        )
    )
    assert [p.description for p in pictures] == ["kept", "second"]
    assert pictures[0].src == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert [r.description for r in recordings] == ["A walk"]


def test_the_pdf_fetcher_answers_only_for_the_embedded_pictures():
    """An address in stored text, a local file or another data: URI is refused (#12)."""
    picture = PlanPicture(
        src="data:image/png;base64," + base64.b64encode(PNG).decode(), description=""
    )
    fetch = pdf.pictures_only([picture])
    answer = fetch(picture.src)
    assert (answer.read(), answer.content_type) == (PNG, "image/png")
    for url in (
        "http://example.com/tracker.png",
        "https://example.com/a.css",
        "file:///etc/passwd",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/png;base64," + base64.b64encode(PNG + b"x").decode(),
    ):
        with pytest.raises(ValueError, match="loads nothing from outside"):
            fetch(url)


@pytest.mark.django_db
def test_the_plan_pdf_shows_about_me_pictures_and_names_sound_and_video(
    client, person, practitioner, monkeypatch
):
    """The plan's PDF: the photo embedded (an image in the PDF), the
    video named with a link to About me; addresses typed into the record are text, and the
    only thing WeasyPrint is asked to load is the embedded picture."""
    from pypdf import PdfReader

    me = RecordLinkFactory(person=person).user  # the person adds them
    photo = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(photo, format="JPEG")
    for name, content, text in (
        ("me.jpg", photo.getvalue(), 'Me at <img src="file:///etc/passwd"> the beach'),
        ("walk.mp4", mp4(20), "Our walk to http://example.com/x.png"),
    ):
        services.about_me_media_add(
            actor=me,
            person=person,
            upload=SimpleUploadedFile(name, content),
            description=text,
        )
    person.communication_needs = '<img src="http://example.com/spy.png"> Speak slowly'
    person.save()
    asked: list[str] = []
    real = pdf.pictures_only

    def spying(pictures):
        fetch = real(pictures)

        original = fetch.fetch

        def spy(url, headers=None):
            asked.append(url)
            return original(url, headers)

        fetch.fetch = spy
        return fetch

    monkeypatch.setattr(pdf, "pictures_only", spying)
    # (One PDF drawn: the person's own copy goes through the same render_plan_pdf.)
    sign_in(client, practitioner)
    response = client.get(reverse("support:plan_pdf", args=[person.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert sum(len(page.images) for page in reader.pages) == 1
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "A video: Our walk to http://example.com/x.png" in text
    assert reverse("portal_staff:about_me", args=[person.pk]) in text.replace(" ", "")
    assert '<img src="file:///etc/passwd">' in text  # the words, as typed
    assert asked and all(url.startswith("data:image/jpeg;base64,") for url in asked)
