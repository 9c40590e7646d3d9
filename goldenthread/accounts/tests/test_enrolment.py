"""#11 (medium): an authenticator app was linked on first use with only a password, so a
new account was open to whoever knew the password first. Now setting up an app needs a
one-time code issued to that person: single use, expiring, stored hashed, throttled."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in
from goldenthread.accounts import services
from goldenthread.accounts.factories import DEMO_PASSWORD, PractitionerFactory
from goldenthread.accounts.models import CodePurpose, Role, SignInCode, User
from goldenthread.people.models import Person

from .helpers import current_code, refused_mid_enrolment

pytestmark = pytest.mark.django_db


def signed_in_with_password(username="pat", password=DEMO_PASSWORD) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client


def test_a_password_alone_never_links_an_app(practitioner):
    client = signed_in_with_password()
    assert client.get(reverse("accounts:setup_second_factor"))["Location"] == reverse(
        "accounts:enrolment_code"
    )
    # Posting a code for a device made some other way is refused too.
    device = TOTPDevice.objects.create(user=practitioner, name="sneaky", confirmed=False)
    response = client.post(reverse("accounts:setup_second_factor"), {"token": current_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=practitioner, confirmed=True).exists()
    assert client.get(reverse("people:caseload"))["Location"] == reverse("accounts:verify")


def issue(administrator, user) -> str:
    return services.second_factor_reset(
        actor=administrator, user=user, reason="New phone"
    ).issued.code


def enrol(client, user, code):
    client.post(reverse("accounts:enrolment_code"), {"code": code})
    client.get(reverse("accounts:setup_second_factor"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        return None
    return client.post(reverse("accounts:setup_second_factor"), {"token": current_code(device)})


def test_the_code_is_stored_hashed_and_works_once(administrator, practitioner):
    code = issue(administrator, practitioner)
    row = SignInCode.objects.get(user=practitioner)
    assert services.normalise_code(code) not in row.code_hash and code not in row.code_hash
    client = signed_in_with_password()
    enrol(client, practitioner, code)
    assert TOTPDevice.objects.filter(user=practitioner, confirmed=True).count() == 1
    row.refresh_from_db()
    assert row.used_at is not None
    # Used: a second use (say by someone who saw it) is refused.
    assert (
        services.sign_in_code_check(user=practitioner, purpose=CodePurpose.SECOND_FACTOR, code=code)
        is None
    )


def test_a_code_expires(administrator, practitioner):
    code = issue(administrator, practitioner)
    later = (
        datetime.datetime.now(tz=datetime.UTC)
        + settings.GOLDENTHREAD_SIGN_IN_CODE_LIFETIME
        + datetime.timedelta(minutes=1)
    )
    with time_machine.travel(later):
        client = signed_in_with_password()
        response = client.post(reverse("accounts:enrolment_code"), {"code": code})
        assert "has expired or been used" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=practitioner, confirmed=True).exists()


def test_wrong_tries_are_limited_then_the_code_stops_working(administrator, practitioner):
    code = issue(administrator, practitioner)
    client = signed_in_with_password()
    for _ in range(SignInCode.MAX_FAILED_TRIES):
        response = client.post(reverse("accounts:enrolment_code"), {"code": "AAAA-BBBB-CCCC"})
        assert "That code is not right" in response.content.decode()
    response = client.post(reverse("accounts:enrolment_code"), {"code": code})
    assert "That code is not right" in response.content.decode()


def test_a_code_issued_to_someone_else_does_not_work(
    administrator, practitioner, other_practitioner
):
    code = issue(administrator, other_practitioner)
    client = signed_in_with_password("pat")
    enrol(client, practitioner, code)
    assert not TOTPDevice.objects.filter(user=practitioner, confirmed=True).exists()


def test_a_new_account_sets_its_own_password_then_its_app_with_one_code(
    administrator, team, team_leader, person
):
    issued = services.user_create(
        actor=administrator,
        username="newpat",
        first_name="Pat",
        last_name="New",
        role=Role.PRACTITIONER,
        team=team,
        reason="New starter",
    )
    client = Client()
    # Nothing can be done with the username alone.
    client.post(reverse("accounts:login"), {"username": "newpat", "password": ""})
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("accounts:set_up"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:set_up"),
        {
            "username": "newpat",
            "code": issued.code,
            "new_password1": "four words of mine",
            "new_password2": "four words of mine",
        },
    )
    assert response["Location"] == reverse("accounts:verify")
    assert client.get(reverse("accounts:verify"))["Location"] == reverse(
        "accounts:setup_second_factor"
    )
    client.get(reverse("accounts:setup_second_factor"))
    device = TOTPDevice.objects.get(user=issued.user)
    client.post(reverse("accounts:setup_second_factor"), {"token": current_code(device)})
    assert client.get(reverse("people:caseload")).status_code == 200
    user = User.objects.get(username="newpat")
    assert user.check_password("four words of mine")
    assert user.password_set_by == administrator == user.second_factor_set_by
    # Still nothing to see until a second person approves their access.
    assert not Person.objects.visible_to(user).exists()
    # The code cannot be used again to set another password.
    again = Client().post(
        reverse("accounts:set_up"),
        {
            "username": "newpat",
            "code": issued.code,
            "new_password1": "another set of words",
            "new_password2": "another set of words",
        },
    )
    assert "The username or code is not right" in again.content.decode()


def test_set_up_says_the_same_for_an_unknown_username_and_a_wrong_code(administrator, team):
    services.user_create(
        actor=administrator,
        username="newpat",
        first_name="Pat",
        last_name="New",
        role=Role.PRACTITIONER,
        team=team,
        reason="New",
    )
    for username in ("newpat", "nobody-at-all"):
        response = Client().post(
            reverse("accounts:set_up"),
            {
                "username": username,
                "code": "ABCD-EFGH-JKMN",
                "new_password1": "four words of mine",
                "new_password2": "four words of mine",
            },
        )
        assert response.status_code == 200
        assert "The username or code is not right" in response.content.decode()


def test_an_app_set_up_code_cannot_be_used_to_set_a_password(administrator, practitioner):
    code = issue(administrator, practitioner)
    response = Client().post(
        reverse("accounts:set_up"),
        {
            "username": "pat",
            "code": code,
            "new_password1": "four words of mine",
            "new_password2": "four words of mine",
        },
    )
    assert "The username or code is not right" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password(DEMO_PASSWORD)


def test_a_password_reset_code_does_not_replace_an_existing_app(administrator, practitioner):
    TOTPDevice.objects.create(user=practitioner, name="phone", confirmed=True)
    code = services.password_reset(
        actor=administrator, user=practitioner, reason="Forgot it"
    ).issued.code
    client = Client()
    client.post(
        reverse("accounts:set_up"),
        {
            "username": "pat",
            "code": code,
            "new_password1": "four words of mine",
            "new_password2": "four words of mine",
        },
    )
    # The existing app is still needed: straight to the security code, no new app.
    assert client.get(reverse("accounts:setup_second_factor"))["Location"] == reverse(
        "accounts:verify"
    )
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_factory_accounts_without_a_code_cannot_link_an_app(team):
    PractitionerFactory(username="fresh", team=team)
    client = signed_in_with_password("fresh")
    assert client.get(reverse("accounts:setup_second_factor"))["Location"] == reverse(
        "accounts:enrolment_code"
    )


def test_a_code_used_up_while_the_app_is_linked_sends_them_back_for_a_new_one(
    administrator, practitioner, monkeypatch
):
    """The code is checked again as the app is linked: used meanwhile (say in another
    tab), nothing is linked, the session forgets it, and the page says whom to ask."""
    code = issue(administrator, practitioner)
    client = signed_in_with_password()
    client.post(reverse("accounts:enrolment_code"), {"code": code})
    client.get(reverse("accounts:setup_second_factor"))
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    page = refused_mid_enrolment(
        client,
        monkeypatch,
        reverse("accounts:setup_second_factor"),
        current_code(device),
        spoil=lambda: SignInCode.objects.filter(user=practitioner).update(used_at=timezone.now()),
    )
    assert "has been used or has expired. Ask an administrator for a new one." in page
    assert not TOTPDevice.objects.filter(user=practitioner, confirmed=True).exists()


@pytest.mark.parametrize(
    "name", ["accounts:enrolment_code", "accounts:verify", "accounts:setup_second_factor"]
)
def test_a_user_not_yet_past_the_second_step_sees_no_signed_in_links(practitioner, name):
    """A probe found "Your API tokens" and "Your jobs" in the header of the page that asks
    for the set-up code, after the password alone: nothing there is theirs to use yet. The
    name and Sign out stay (they may leave)."""
    client = signed_in_with_password()
    page = client.get(reverse(name), follow=True).content.decode()
    assert "Sign out" in page
    for link in ("Your API tokens", "Your jobs", reverse("api_tokens:list"), "My caseload"):
        assert link not in page, (name, link)


def test_a_user_past_both_steps_sees_the_links(practitioner):
    client = Client()
    sign_in(client, practitioner)
    page = client.get(reverse("people:caseload")).content.decode()
    assert "Your API tokens" in page and "Your jobs" in page
