"""#11 (low): a form posted after the session had ended was lost. Now what was typed is kept
on the server for its author (never in a URL or cookie) and, after that same person signs in
again, shown back with a button to send it again; never to anyone else."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.factories import DEMO_PASSWORD
from goldenthread.accounts.models import FormStash

from .helpers import client_for, current_code

pytestmark = pytest.mark.django_db

TYPED = "Uses British Sign Language <b>book</b> an interpreter"


def sign_in_again(client, user):
    client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return client.post(reverse("accounts:verify"), {"token": current_code(device)})


def edit_form(person, **changes):
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": "",
        "date_of_birth": person.date_of_birth.isoformat(),
        "chi_number": person.chi_number,
        "communication_needs": TYPED,
        "area": person.area_id,
        "version": person.version,
        **changes,
    }


def after_the_session_ends():
    return (
        datetime.datetime.now(tz=datetime.UTC)
        + settings.SESSION_IDLE_TIMEOUT
        + datetime.timedelta(minutes=5)
    )


def test_what_was_typed_is_kept_and_offered_back_to_the_same_person(practitioner, person):
    client = client_for(practitioner)
    url = reverse("people:edit", args=[person.pk])
    with time_machine.travel(after_the_session_ends(), tick=False):
        response = client.post(url, edit_form(person))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
        # Nothing typed is in the URL or in a cookie.
        assert "British" not in response["Location"] and "Language" not in response["Location"]
        assert all("British" not in morsel.value for morsel in response.cookies.values())
        stash = FormStash.objects.get(user=practitioner)
        assert stash.path == url and stash.fields["communication_needs"] == [TYPED]
        assert "csrfmiddlewaretoken" not in stash.fields
        person.refresh_from_db()
        assert person.communication_needs == ""

        done = sign_in_again(client, practitioner)
        assert done["Location"] == reverse("accounts:restore")
        page = client.get(done["Location"])
        html = page.content.decode()
        assert "Send what you typed again" in html
        # Shown as text, never as markup.
        assert "&lt;b&gt;book&lt;/b&gt;" in html and "<b>book</b>" not in html
        assert f'action="{url}"' in html
        # Shown once: the server no longer holds it.
        assert not FormStash.objects.exists()

        # The person chooses to send it again: it is saved through the page as usual.
        resend = client.post(url, edit_form(person))
        assert resend.status_code == 302
    person.refresh_from_db()
    assert person.communication_needs == TYPED


def test_someone_else_signing_in_on_the_same_browser_never_gets_the_text(
    practitioner, other_practitioner, person
):
    client = client_for(practitioner)
    url = reverse("people:edit", args=[person.pk])
    with time_machine.travel(after_the_session_ends(), tick=False):
        client.post(url, edit_form(person))
        assert FormStash.objects.filter(user=practitioner).exists()
        TOTPDevice.objects.create(user=other_practitioner, name="phone", confirmed=True)
        done = sign_in_again(client, other_practitioner)
        assert done["Location"] != reverse("accounts:restore")
        page = client.get(reverse("accounts:restore"), follow=True)
        assert "British Sign Language" not in page.content.decode()
        # Still kept for its author, who gets it when they sign in.
        assert FormStash.objects.filter(user=practitioner).exists()
        other = Client()
        assert sign_in_again(other, practitioner)["Location"] == reverse("accounts:restore")


def test_a_forged_cross_site_post_is_not_kept(practitioner, person):
    client = client_for(practitioner)
    client.handler.enforce_csrf_checks = True
    with time_machine.travel(after_the_session_ends(), tick=False):
        response = client.post(reverse("people:edit", args=[person.pk]), edit_form(person))
        assert response.status_code == 302
    assert not FormStash.objects.exists()


def test_a_kept_form_expires(practitioner, person):
    client = client_for(practitioner)
    when = after_the_session_ends()
    with time_machine.travel(when, tick=False):
        client.post(reverse("people:edit", args=[person.pk]), edit_form(person))
    with time_machine.travel(
        when + settings.GOLDENTHREAD_FORM_STASH_LIFETIME + datetime.timedelta(minutes=1), tick=False
    ):
        assert sign_in_again(client, practitioner)["Location"] != reverse("accounts:restore")
