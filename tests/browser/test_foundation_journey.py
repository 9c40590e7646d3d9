"""Issue 2 journey: sign in with a password and a security code, open a person from the
caseload, edit their details (a mistake first), all by a real browser, axe on each page."""

from __future__ import annotations

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from goldenthread.accounts.factories import DEMO_PASSWORD


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def one_time_code_for(user) -> str:
    """What an administrator hands the person before their first sign-in (#11): setting up
    an authenticator app needs it as well as the password."""
    from goldenthread.accounts.factories import AdministratorFactory
    from goldenthread.accounts.services import second_factor_reset

    administrator = AdministratorFactory(username="journey-admin")
    return second_factor_reset(actor=administrator, user=user, reason="First sign-in").issued.code


def set_up_app(page, axe, code: str) -> None:
    """First sign-in, after the password: the one-time code, then link the app."""
    page.wait_for_url(re.compile(r"/app-code/"))
    axe.check(page)
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/set-up-app/"))


def sign_in(page, axe, user):
    code = one_time_code_for(user)  # issued before: issuing ends any session they have
    page.goto("/")
    assert "/account/sign-in/" in page.url
    axe.check(page)
    # Keyboard: the first tab stop is the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip().lower().startswith("skip")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    # First sign-in: the one-time code, then set up the authenticator app.
    set_up_app(page, axe, code)
    axe.check(page)
    page.get_by_label("Security code").fill(code_for(user))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url(re.compile(r"/people/$"))


def test_practitioner_signs_in_opens_a_person_and_edits_details(page, axe, practitioner, person):
    sign_in(page, axe, practitioner)
    axe.check(page)
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    page.get_by_role("link", name=person.display_name).click()
    page.wait_for_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1, name=person.display_name)).to_be_visible()
    axe.check(page)

    page.goto(f"/people/{person.pk}/edit/")
    axe.check(page)
    page.get_by_label("Preferred name").fill("Jeanie")
    page.get_by_label("CHI number").fill("1203456787")
    page.get_by_role("button", name="Save").click()
    # The mistake is explained beside the field and in the summary; what was typed stays.
    summary = page.locator(".ds_error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("not a valid CHI number", use_inner_text=True)
    expect(page.get_by_label("Preferred name")).to_have_value("Jeanie")
    axe.check(page)

    page.get_by_label("CHI number").fill(person.chi_number)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/people/{person.pk}/$"))
    assert "Details saved" in page.content()
    expect(page.locator("main")).to_contain_text("Jeanie", use_inner_text=True)
    axe.check(page)
    assert not page.console_errors, page.console_errors


def test_team_leader_team_view_is_accessible(page, axe, team_leader, person):
    sign_in(page, axe, team_leader)
    page.goto("/people/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text(team_leader.team.name)
    axe.check(page)
    page.goto(f"/people/{person.pk}/allocations/add/")
    axe.check(page)
