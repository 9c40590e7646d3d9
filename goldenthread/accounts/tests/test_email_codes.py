"""#12: one-time codes by e-mail as the second factor, for people and proxies without a
smartphone. Chosen while setting up their sign-in (with the code that lets them), the
address proved by a code sent to it; each code works once, for 10 minutes and 5 tries; a
new code at most once a minute and 5 times an hour; every code sent, every wrong try and
the set-up are in the history (never the code). Staff always use an app."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from goldenthread.accounts import services
from goldenthread.accounts.factories import DEMO_PASSWORD
from goldenthread.accounts.models import SignInCode, User
from goldenthread.audit.models import ChangeRecord
from goldenthread.portal import services as portal_services

from .helpers import refused_mid_enrolment

PASSWORD = "four words of my own"
START = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def code_in(message) -> str:
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found, message.body
    return found.group(1)


def joined(practitioner, person, username="jean", kind="self") -> tuple[Client, User]:
    """A person (or proxy) who has just made their sign-in with an invitation code."""
    code = portal_services.invitation_issue(
        actor=practitioner,
        person=person,
        kind=kind,
        name="Jean Macdonald",
        channel="in_person",
        **({"relationship": "daughter", "basis": "authorised"} if kind == "proxy" else {}),
    ).code
    client = Client()
    client.post(
        reverse("portal:join"),
        {"code": code, "username": username, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    return client, User.objects.get(username=username)


def set_up_email_codes(client, address="jean@example.org"):
    mail.outbox.clear()
    response = client.post(reverse("accounts:setup_email_codes"), {"email": address})
    assert response.status_code == 302, response.content.decode()
    assert response.url == reverse("accounts:confirm_email_codes")
    return client.post(reverse("accounts:confirm_email_codes"), {"token": code_in(mail.outbox[-1])})


def sign_in_with_password(username="jean") -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.url == reverse("accounts:verify")
    return client


def history(device, event) -> int:
    return ChangeRecord.objects.filter(
        object_type="otp_email.EmailDevice", object_id=str(device.pk), after__event=event
    ).count()


@time_machine.travel(START, tick=False)
def test_a_person_chooses_email_codes_and_signs_in_with_them(practitioner, person):
    client, user = joined(practitioner, person)
    page = client.get(reverse("accounts:setup_second_factor")).content.decode()
    assert reverse("accounts:setup_email_codes") in page
    response = set_up_email_codes(client)
    assert response.status_code == 302
    device = EmailDevice.objects.get(user=user)
    assert device.confirmed and device.email == "jean@example.org"
    assert client.get(reverse("portal:home")).status_code == 302  # to their record
    assert client.get(reverse("portal:record", args=[person.pk])).status_code == 200
    # The set-up is in the history; no code ever is.
    assert ChangeRecord.objects.filter(
        object_type="otp_email.EmailDevice", object_id=str(device.pk), action="create"
    ).exists()
    sent_codes = [code_in(m) for m in mail.outbox]
    every_row = str(list(ChangeRecord.objects.values_list("before", "after")))
    assert not any(code in every_row for code in sent_codes)

    # Next time: the password sends a code at once, and the code finishes signing in.
    with time_machine.travel(START + datetime.timedelta(hours=2), tick=False):
        mail.outbox.clear()
        later = sign_in_with_password()
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jean@example.org"]
        page = later.get(reverse("accounts:verify")).content.decode()
        assert "j•••@example.org" in page and "authenticator app" not in page
        used = code_in(mail.outbox[0])
        response = later.post(reverse("accounts:verify"), {"token": used})
        assert response.status_code == 302
        assert later.get(reverse("portal:record", args=[person.pk])).status_code == 200
        # Used once: the same code does not sign in again.
        again = sign_in_with_password()
        assert len(mail.outbox) == 2
        response = again.post(reverse("accounts:verify"), {"token": used})
        assert response.status_code == 200
        assert again.get(reverse("portal:home")).url == reverse("accounts:verify")


@time_machine.travel(START, tick=False)
def test_a_wrong_code_is_refused_and_five_end_it(practitioner, person):
    client, _ = joined(practitioner, person)
    set_up_email_codes(client)
    user_device = EmailDevice.objects.get(confirmed=True)
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False) as clock:
        mail.outbox.clear()
        browser = sign_in_with_password()
        right = code_in(mail.outbox[0])
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(5):
            clock.shift(datetime.timedelta(minutes=1))  # past the back-off after each
            response = browser.post(reverse("accounts:verify"), {"token": wrong})
            assert response.status_code == 200
            assert "not right" in response.content.decode()
        assert "stopped working" in response.content.decode()
        assert history(user_device, services.WRONG_CODE) == 5
        clock.shift(datetime.timedelta(minutes=1))
        response = browser.post(reverse("accounts:verify"), {"token": right})
        assert "Too many wrong codes. Ask for a new code." in response.content.decode()
        assert browser.get(reverse("portal:home")).url == reverse("accounts:verify")
        # A new code works.
        browser.post(reverse("accounts:send_email_code"))
        response = browser.post(reverse("accounts:verify"), {"token": code_in(mail.outbox[-1])})
        assert response.status_code == 302


@time_machine.travel(START, tick=False)
def test_the_code_expires_after_ten_minutes(practitioner, person):
    client, _ = joined(practitioner, person)
    set_up_email_codes(client)
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False) as clock:
        mail.outbox.clear()
        browser = sign_in_with_password()
        code = code_in(mail.outbox[0])
        clock.shift(datetime.timedelta(minutes=10, seconds=1))
        response = browser.post(reverse("accounts:verify"), {"token": code})
        assert response.status_code == 200
        assert "That code has expired. Ask for a new code." in response.content.decode()


@time_machine.travel(START, tick=False)
def test_new_codes_are_throttled_a_minute_apart_and_five_an_hour(practitioner, person):
    client, _ = joined(practitioner, person)
    set_up_email_codes(client)
    device = EmailDevice.objects.get(confirmed=True)
    with time_machine.travel(START + datetime.timedelta(hours=2), tick=False) as clock:
        mail.outbox.clear()
        browser = sign_in_with_password()  # code 1 of this hour
        assert len(mail.outbox) == 1
        response = browser.post(reverse("accounts:send_email_code"), follow=True)
        assert "less than a minute ago" in response.content.decode()
        assert len(mail.outbox) == 1
        for _ in range(4):  # codes 2 to 5
            clock.shift(datetime.timedelta(seconds=61))
            browser.post(reverse("accounts:send_email_code"))
        assert len(mail.outbox) == 5
        clock.shift(datetime.timedelta(seconds=61))
        response = browser.post(reverse("accounts:send_email_code"), follow=True)
        assert "Too many codes have been sent in the last hour" in response.content.decode()
        assert len(mail.outbox) == 5
        assert history(device, services.CODE_SENT) == 1 + 5  # the set-up's, then these
        # An hour after the first, one more may be sent.
        clock.shift(datetime.timedelta(minutes=60))
        browser.post(reverse("accounts:send_email_code"))
        assert len(mail.outbox) == 6


@time_machine.travel(START, tick=False)
def test_a_proxy_can_choose_email_codes_too(practitioner, person):
    client, user = joined(practitioner, person, username="morag", kind="proxy")
    set_up_email_codes(client, "morag@example.org")
    assert EmailDevice.objects.get(user=user).confirmed


def test_staff_always_use_an_app(practitioner):
    client = Client()
    client.post(
        reverse("accounts:login"),
        {"username": practitioner.username, "password": DEMO_PASSWORD},
    )
    response = client.get(reverse("accounts:setup_email_codes"))
    assert response.status_code == 302
    assert "setup_email_codes" not in client.get(reverse("accounts:setup_second_factor")).url
    assert not EmailDevice.objects.exists()
    with pytest.raises(PermissionDenied, match="Staff sign in with an authenticator app"):
        services.email_codes_start(user=practitioner, email="pat@example.org", code_id=None)


@time_machine.travel(START, tick=False)
def test_email_codes_need_the_set_up_code_not_a_password_alone(practitioner, person):
    client, user = joined(practitioner, person)
    # Half an hour after the password was set, the set-up code no longer lets them.
    with time_machine.travel(START + datetime.timedelta(minutes=31), tick=False):
        response = client.post(reverse("accounts:setup_email_codes"), {"email": "x@example.org"})
        assert response.url == reverse("accounts:enrolment_code")
    assert not EmailDevice.objects.filter(user=user).exists()


@time_machine.travel(START, tick=False)
def test_a_reset_removes_email_codes_too(administrator, practitioner, person):
    client, user = joined(practitioner, person)
    set_up_email_codes(client)
    services.second_factor_reset(actor=administrator, user=user, reason="Lost access to e-mail")
    assert not EmailDevice.objects.filter(user=user).exists()
    assert ChangeRecord.objects.filter(
        object_type="otp_email.EmailDevice", action="delete"
    ).exists()


@time_machine.travel(START, tick=False)
def test_a_bad_address_is_refused_with_a_clear_message(practitioner, person):
    client, user = joined(practitioner, person)
    response = client.post(reverse("accounts:setup_email_codes"), {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter an e-mail address like name@example.org." in response.content.decode()
    assert not EmailDevice.objects.filter(user=user).exists()


@time_machine.travel(START, tick=False)
def test_a_code_sent_to_one_address_does_not_prove_another(practitioner, person):
    client, user = joined(practitioner, person)
    mail.outbox.clear()
    client.post(reverse("accounts:setup_email_codes"), {"email": "jean@example.org"})
    first = code_in(mail.outbox[-1])
    # Within the minute: the address changes, no new code can be sent yet.
    response = client.post(reverse("accounts:setup_email_codes"), {"email": "someone@example.org"})
    assert "less than a minute ago" in response.content.decode()
    response = client.post(reverse("accounts:confirm_email_codes"), {"token": first})
    assert response.status_code == 200
    assert not EmailDevice.objects.filter(user=user, confirmed=True).exists()


@time_machine.travel(START, tick=False)
def test_a_mail_server_failure_is_said_plainly(practitioner, person, monkeypatch):
    client, _ = joined(practitioner, person)
    set_up_email_codes(client)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        monkeypatch.setattr(EmailDevice, "send_mail", refuse)
        browser = Client()
        browser.post(reverse("accounts:login"), {"username": "jean", "password": PASSWORD})
        page = browser.get(reverse("accounts:verify")).content.decode()
        assert "We could not send the e-mail just now" in page


def test_a_set_up_code_too_old_by_the_time_the_address_is_proved_sends_them_back(
    practitioner, person, monkeypatch
):
    """The code that lets them set up sign-in is checked again as the address is proved:
    gone stale meanwhile, nothing is set up, and the page says whom to ask."""
    client, user = joined(practitioner, person)
    mail.outbox.clear()
    client.post(reverse("accounts:setup_email_codes"), {"email": "jean@example.org"})
    long_ago = timezone.now() - services.ENROL_AFTER_SET_UP - datetime.timedelta(minutes=1)
    page = refused_mid_enrolment(
        client,
        monkeypatch,
        reverse("accounts:confirm_email_codes"),
        code_in(mail.outbox[-1]),
        spoil=lambda: SignInCode.objects.filter(user=user).update(used_at=long_ago),
    )
    assert "has been used or has expired. Ask your worker for a new one." in page
    assert not EmailDevice.objects.filter(user=user, confirmed=True).exists()
