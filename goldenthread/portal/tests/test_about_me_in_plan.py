"""P-4, Std 4.3 (#12): About me's pictures are in the plan on screen and in easy read (as in
the PDF), each through the record's own permission-checked, access-logged file view with
the words written with it as its alternative text; sound and video are named with a link to
About me. The same choice as the PDF (support/plan_media.py). A proxy the person has not
shown About me sees none of it, in the plan or anywhere else; staff see them through the
staff file view, or in words when they may not open it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.portal import services
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory, about_me_picture
from goldenthread.portal.tests.media_files import wav
from goldenthread.portal.views import _persons_plan
from goldenthread.record import pdf
from goldenthread.record.plan import build_plan
from goldenthread.record.plan_media import about_me_on_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(person):
    """The person's own sign-in, a picture and a sound recording on their About me."""
    own = RecordLinkFactory(person=person).user
    picture = about_me_picture(person, own, "Me in my garden")
    services.about_me_media_add(
        actor=own, person=person, upload=SimpleUploadedFile("s.wav", wav(1)), description="My song"
    )
    return own, picture


def _shows_them(client, pages, file_url, about_url):
    for page_url in pages:
        page = client.get(page_url).content.decode()
        assert f'<img src="{file_url}" alt="Me in my garden">' in page, page_url
        assert "A sound recording: <span" in page and "My song" in page
        assert f'<a href="{about_url}#media">Listen to or watch them' in page


def test_the_person_sees_them_in_the_plan_and_easy_read_through_the_file_view(
    client, person, media
):
    own, picture = media
    sign_in(client, own)
    file_url = reverse("portal:about_me_media", args=[person.pk, picture.pk])
    pages = [reverse(name, args=[person.pk]) for name in ("portal:plan", "portal:plan_easy_read")]
    _shows_them(client, pages, file_url, reverse("portal:about_me", args=[person.pk]))
    assert "Pictures, sound and video about me" in client.get(pages[1]).content.decode()
    logged = AccessLog.objects.filter(person_id=person.pk, actor=own).count()
    response = client.get(file_url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.filter(person_id=person.pk, actor=own).count() == logged + 1


def test_a_proxy_shown_about_me_sees_them(client, person, media):
    _, picture = media
    proxy = ProxyLinkFactory(person=person, hidden_sections=["risks"]).user
    sign_in(client, proxy)
    _shows_them(
        client,
        [reverse("portal:plan", args=[person.pk])],
        reverse("portal:about_me_media", args=[person.pk, picture.pk]),
        reverse("portal:about_me", args=[person.pk]),
    )


def test_a_proxy_not_shown_about_me_sees_none_of_it_anywhere(client, person, media):
    _, picture = media
    link = ProxyLinkFactory(person=person, hidden_sections=["about_me"])
    sign_in(client, link.user)
    file_url = reverse("portal:about_me_media", args=[person.pk, picture.pk])
    for name in ("portal:plan", "portal:plan_easy_read"):
        page = client.get(reverse(name, args=[person.pk])).content.decode()
        assert file_url not in page and "Me in my garden" not in page and "My song" not in page
        assert reverse("portal:about_me", args=[person.pk]) not in page  # nor in the menu
    # The PDF is drawn from the same plan: nothing to embed or name.
    assert pdf.plan_pictures(_persons_plan(person, link)) == ([], [])
    denied = AccessLog.objects.filter(person_id=person.pk, action=AccessAction.DENIED).count()
    for url in (file_url, reverse("portal:about_me", args=[person.pk])):
        assert client.get(url).status_code == 403
    assert (
        AccessLog.objects.filter(person_id=person.pk, action=AccessAction.DENIED).count()
        == denied + 2
    )
    with pytest.raises(PermissionDenied):
        services.about_me_save(actor=link.user, person=person, expected_version=0, what_matters="x")
    with pytest.raises(PermissionDenied):
        services.about_me_media_remove(actor=link.user, media=picture)


def test_staff_see_them_through_the_staff_file_view(client, person, practitioner, media):
    _, picture = media
    sign_in(client, practitioner)
    file_url = reverse("portal_staff:about_me_media", args=[person.pk, picture.pk])
    pages = [reverse(name, args=[person.pk]) for name in ("support:plan", "support:plan_easy_read")]
    _shows_them(client, pages, file_url, reverse("portal_staff:about_me", args=[person.pk]))
    assert client.get(file_url).status_code == 200


def test_a_reader_who_may_not_open_the_file_view_gets_the_words_only(person, media):
    context = about_me_on_page(build_plan(person), file_url=None, about_me_url="")
    html = render_to_string("support/_plan_about_me.html", context)
    assert "<img" not in html and "A picture: Me in my garden" in html
    assert "A sound recording: <span" in html and "<a " not in html
