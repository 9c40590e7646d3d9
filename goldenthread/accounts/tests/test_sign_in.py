"""SEC-1: password then a security code; throttling; session lifetime."""

import datetime
import hashlib
import os
import re
import subprocess
import sys

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts import services
from goldenthread.accounts.factories import DEMO_PASSWORD

LOGIN = "/account/sign-in/"


def post_password(client, username, password=DEMO_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_first_sign_in_sets_up_app_then_reaches_caseload(
    client, practitioner, person, administrator
):
    """#11: setting up the app needs the one-time code issued to this person, as well as
    their password (the password alone never links an app)."""
    issued = services.second_factor_reset(
        actor=administrator, user=practitioner, reason="New phone"
    ).issued
    response = post_password(client, "pat")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:verify")
    # Not yet verified: every other page sends you back to the code step.
    assert client.get(reverse("people:caseload"))["Location"] == reverse("accounts:verify")
    setup = client.get(reverse("accounts:verify"))
    assert setup["Location"] == reverse("accounts:setup_second_factor")
    assert client.get(setup["Location"])["Location"] == reverse("accounts:enrolment_code")
    client.post(reverse("accounts:enrolment_code"), {"code": issued.code.lower()})
    page = client.get(reverse("accounts:setup_second_factor"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=practitioner)
    response = client.post(reverse("accounts:setup_second_factor"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("people:caseload")).status_code == 200


@pytest.mark.django_db
def test_wrong_code_is_refused_with_a_clear_message(client, practitioner):
    device = TOTPDevice.objects.create(user=practitioner, name="app", confirmed=True)
    post_password(client, "pat")
    response = client.post(
        reverse("accounts:verify"),
        {"token": "000000" if current_code(device) != "000000" else "111111"},
    )
    assert response.status_code == 200
    assert "That security code is not right" in response.content.decode()
    assert client.get(reverse("people:caseload")).status_code == 302


@pytest.mark.django_db
def test_session_key_rotates_at_sign_in(client, practitioner):
    client.get(LOGIN)
    session = client.session
    session["marker"] = 1
    session.save()
    before = client.session.session_key
    post_password(client, "pat")
    assert client.session.session_key != before


@pytest.mark.django_db
def test_wrong_password_message_does_not_reveal_account(client, practitioner):
    known = post_password(client, "pat", "wrong-password").content.decode()
    unknown = post_password(client, "nobody-here", "wrong-password").content.decode()
    message = "The username or password is not right"
    assert message in known and message in unknown


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled_for_existing_and_unknown_users(client, practitioner):
    pages = []
    for username in ("pat", "nobody-here"):
        for _ in range(5):
            post_password(client, username, "wrong-password")
        locked = post_password(client, username, DEMO_PASSWORD if username == "pat" else "x")
        assert locked.status_code == 429
        assert "Too many attempts" in locked.content.decode()
        pages.append(locked.content.decode())
    # The right password does not get through while locked; the page does not say whether
    # the account exists.
    assert "_auth_user_id" not in client.session
    # Identical but for the per-session htmx token (ui/htmx.py) and the CSRF token.
    assert _without_tokens(pages[0]) == _without_tokens(pages[1])


def _without_tokens(page: str) -> str:
    import re

    page = re.sub(r"\b[0-9a-f]{32}\b", "HTMX-TOKEN", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)


def post_from(client, address, username, password="wrong-password"):  # noqa: S107
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_nobody_can_lock_someone_elses_account_from_another_address(client, practitioner):
    """#11: lockout was per username only, so 5 requests from anywhere locked anyone out."""
    for _ in range(6):
        post_from(client, "203.0.113.9", "pat")
    assert post_from(client, "203.0.113.9", "pat", DEMO_PASSWORD).status_code == 429
    # Pat, at her own desk, still signs in.
    response = post_from(client, "198.51.100.20", "pat", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(practitioner.pk)


@pytest.mark.django_db
def test_spraying_one_password_across_accounts_from_one_address_is_stopped(client, practitioner):
    """#11: one password tried against many usernames was never throttled."""
    from django.conf import settings

    limit = settings.GOLDENTHREAD_SIGN_IN_FAILURES_PER_ADDRESS
    for n in range(limit - 1):
        response = post_from(client, "203.0.113.9", f"someone{n}", "Summer2026!")
        assert response.status_code == 200  # fewer than 5 tries each: no per-name lock
    assert post_from(client, "203.0.113.9", "someone-else", "Summer2026!").status_code == 429
    locked = post_from(client, "203.0.113.9", "pat", DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other addresses (the rest of the council) are unaffected.
    assert post_from(client, "198.51.100.20", "pat", DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_valid_sign_in_does_not_clear_an_address_count(client, practitioner):
    from django.conf import settings

    limit = settings.GOLDENTHREAD_SIGN_IN_FAILURES_PER_ADDRESS
    for n in range(limit - 1):
        post_from(client, "203.0.113.9", f"someone{n}", "Summer2026!")
    # A valid account signing in from that address does not wipe its count.
    assert post_from(client, "203.0.113.9", "pat", DEMO_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"), REMOTE_ADDR="203.0.113.9")
    assert post_from(client, "203.0.113.9", "another", "Summer2026!").status_code == 429


@pytest.mark.django_db
def test_session_ends_after_inactivity(practitioner_client, settings):
    assert practitioner_client.get(reverse("people:caseload")).status_code == 200
    later = (
        datetime.datetime.now(tz=datetime.UTC)
        + settings.SESSION_IDLE_TIMEOUT
        + datetime.timedelta(minutes=1)
    )
    with time_machine.travel(later):
        response = practitioner_client.get(reverse("people:caseload"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_session_ends_after_absolute_lifetime_even_when_active(practitioner_client, settings):
    start = datetime.datetime.now(tz=datetime.UTC)
    step = settings.SESSION_IDLE_TIMEOUT - datetime.timedelta(minutes=5)
    t = start
    with time_machine.travel(t, tick=False) as traveller:
        assert practitioner_client.get(reverse("people:caseload")).status_code == 200
        while t - start < settings.SESSION_ABSOLUTE_LIFETIME - step:
            t += step
            traveller.move_to(t)
            assert practitioner_client.get(reverse("people:caseload")).status_code == 200
        traveller.move_to(start + settings.SESSION_ABSOLUTE_LIFETIME + datetime.timedelta(1 / 24))
        response = practitioner_client.get(reverse("people:caseload"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_out_is_a_post(practitioner_client):
    """The sign-out address opened as a page (a bookmark, typed in) shows the Sign out
    button; only the button's POST signs out."""
    page = practitioner_client.get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert "<h1" in page.text and "Do you want to sign out of Golden Thread?" in page.text
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    assert form.group(1) == reverse("accounts:logout")
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert '<button type="submit" class="ds_button">Sign out</button>' in form.group(2)
    assert practitioner_client.get(reverse("people:caseload")).status_code == 200  # still in
    practitioner_client.post(reverse("accounts:logout"))
    assert practitioner_client.get(reverse("people:caseload")).status_code == 302


@pytest.mark.django_db
def test_sign_out_page_when_not_signed_in_offers_sign_in(client):
    page = client.get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert "You are not signed in." in page.text
    assert f'<a href="{LOGIN}">Sign in</a>' in page.text


@pytest.mark.django_db
def test_sign_in_from_a_second_tab_after_the_first_is_the_services_own_page(practitioner, settings):
    """Two tabs open at the sign-in page; signing in from the first changes the form token,
    so the second tab's form is refused (403), on the service's page, not Django's."""
    client = Client(enforce_csrf_checks=True)
    first = client.get(LOGIN)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.text).group(1)
    second_tab = {"username": "pat", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    assert client.post(LOGIN, second_tab).status_code == 302  # the first tab signs in
    response = client.post(LOGIN, second_tab, headers={"Referer": f"http://testserver{LOGIN}"})
    assert response.status_code == 403
    assert "<h1" in response.text and "This form has expired" in response.text
    assert "Nothing was saved." in response.text
    assert "You may already have signed in from another tab or window." in response.text
    for word in ("CSRF verification", "Forbidden", "DEBUG", "Django"):
        assert word not in response.text, word
    # Not signed in (the first tab signed out again): a link back to the sign-in page.
    client.post(
        reverse("accounts:logout"),
        {"csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value},
    )
    response = client.post(LOGIN, second_tab, headers={"Referer": f"http://testserver{LOGIN}"})
    assert response.status_code == 403
    assert f'<a href="http://testserver{LOGIN}">Go to the sign-in page</a>' in response.text


def _run_settings(module, extra_env):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": module,
        "CACHE_URL": "redis://127.0.0.1:6379/15",
        **extra_env,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' process only
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_switch_off_second_factor():
    result = _run_settings(
        "goldenthread.config.settings.production",
        {
            "SECRET_KEY": "x" * 60,
            "GOLDENTHREAD_REQUIRE_2FA": "false",
            "ALLOWED_HOSTS": "goldenthread.example.org",
        },
    )
    assert result.returncode != 0
    assert "second factor" in result.stderr


def test_production_settings_pass_deployment_checks():
    """SEC-8: `check --deploy` finds nothing to warn about."""
    result = _run_settings(
        "goldenthread.config.settings.production",
        {"SECRET_KEY": "k" * 20 + "Q7-x" * 10, "ALLOWED_HOSTS": "goldenthread.example.org"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- A wrong password costs the same work whether or not the username exists (SEC-1) ------


@pytest.fixture
def pbkdf2_counted(settings, monkeypatch):
    """The production hasher (PBKDF2), its rounds counted instead of run."""
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    rounds: list[int] = []

    def counted(password, salt, iterations, dklen=0, digest=None):
        rounds.append(iterations)
        return hashlib.sha256(f"{password}{salt}{iterations}".encode()).digest()

    monkeypatch.setattr(hashers, "pbkdf2", counted)
    return rounds


@pytest.mark.parametrize("stored_rounds", [None, 600_000])
def test_a_wrong_password_runs_the_hasher_as_for_an_unknown_username(
    pbkdf2_counted, practitioner, stored_rounds
):
    """A probe timed a wrong password for a real user (about 1.3 to 1.5 s) against an
    unknown username (about 1.1 s). The work is the same: Django's ModelBackend hashes the
    password once for an unknown username, and a hash made with fewer rounds (by an older
    Django) is made up to the current number on a wrong password. The difference measured
    was not the hasher's."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    practitioner.password = hasher.encode(DEMO_PASSWORD, hasher.salt(), stored_rounds)
    practitioner.save(update_fields=["password"])
    pbkdf2_counted.clear()
    assert post_password(Client(), practitioner.username, "not-the-password").status_code == 200
    known = list(pbkdf2_counted)
    pbkdf2_counted.clear()
    assert post_password(Client(), "nobody-of-that-name", "not-the-password").status_code == 200
    unknown = list(pbkdf2_counted)
    assert sum(known) == sum(unknown) == hasher.iterations, (known, unknown)
