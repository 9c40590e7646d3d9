"""Shared steps for the accounts tests."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import totp

from conftest import sign_in
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
