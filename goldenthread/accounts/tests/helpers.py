"""Shared steps for the accounts tests."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from conftest import sign_in
from goldenthread.accounts import services
from goldenthread.accounts.views import ENROL_CODE_SESSION_KEY
from goldenthread.audit.models import ChangeRecord


def client_for(user) -> Client:
    """A browser of its own, signed in as `user` with the second factor passed."""
    return sign_in(Client(), user)


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def changes_to(instance) -> list[ChangeRecord]:
    """The change history of one row, oldest first."""
    return list(
        ChangeRecord.objects.filter(
            object_type=instance._meta.label, object_id=str(instance.pk)
        ).order_by("at")
    )


def issued_code(response) -> str:
    """The one-time code shown once on the admin's page."""
    text = response.content.decode()
    start = text.index('id="one-time-code">') + len('id="one-time-code">')
    return text[start : text.index("<", start)]


def refused_mid_enrolment(client: Client, monkeypatch, url: str, token: str, *, spoil) -> str:
    """Post the token that confirms a second factor, with `spoil()` run just before the
    service checks the set-up code again (as another tab using it would); check the person
    is sent back for a new code and the session has forgotten the old one. The page's text."""
    enrol_now = services.second_factor_enrol

    def spoiled_meanwhile(**kwargs):
        spoil()
        return enrol_now(**kwargs)

    monkeypatch.setattr(services, "second_factor_enrol", spoiled_meanwhile)
    response = client.post(url, {"token": token}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:enrolment_code"), 302)]
    assert ENROL_CODE_SESSION_KEY not in client.session
    return response.content.decode()
