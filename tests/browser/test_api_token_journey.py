"""IO-1 in a real browser, axe on each page: a practitioner makes an API token on their
account page (from the link at the top of the page), sees it once, uses it, and revokes it;
it then stops working. Keyboard only where a person would type."""

from __future__ import annotations

import datetime
import re

from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from goldenthread.api.models import ApiToken
from tests.browser.helpers import choose
from tests.browser.test_privacy_pages_journey import signed_in_context


def _call(token: str) -> int:
    return Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_practitioner_makes_sees_once_and_revokes_a_token(
    browser, live_server, transactional_db, axe, practitioner, person
):
    context, page = signed_in_context(browser, live_server, practitioner)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto("/people/")
        page.get_by_role("link", name="Your API tokens").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your API tokens")
        expect(page.get_by_text("You have no API tokens.")).to_be_visible()
        axe.check(page)

        page.get_by_label("Name").fill("Finance system")
        choose(page.get_by_label("Read and write"))
        expires = timezone.localdate() + datetime.timedelta(days=60)
        page.get_by_label("Date it stops working").fill(expires.isoformat())
        page.get_by_role("button", name="Make the token").click()

        shown = page.get_by_label("The token")
        expect(shown).to_have_value(re.compile(r"^gt_[0-9a-f]{12}_"))
        secret = shown.input_value()
        expect(page.get_by_text("this is the only time it is shown")).to_be_visible()
        axe.check(page)
        stored = ApiToken.objects.get(user=practitioner)
        assert secret not in stored.token_hash and stored.name == "Finance system"
        assert _call(secret) == 200

        # Seen once: the page never shows it again.
        page.goto("/account/api-tokens/")
        assert secret not in page.content()
        row = page.get_by_role("row", name="Finance system")
        expect(row).to_contain_text("Working")
        axe.check(page)

        revoke = page.get_by_role("button", name="Revoke the token Finance system")
        revoke.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("is revoked: it no longer works")).to_be_visible()
        expect(page.get_by_role("row", name="Finance system")).to_contain_text("Revoked")
        axe.check(page)
        assert _call(secret) == 401
        assert not errors  # nothing refused by the Content Security Policy
    finally:
        context.close()


def test_the_api_docs_page(browser, live_server, transactional_db, axe, practitioner):
    context, page = signed_in_context(browser, live_server, practitioner)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto("/api/v1/docs/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Golden Thread API")
        expect(
            page.get_by_role("heading", name="PATCH /api/v1/people/{person_id}", exact=True)
        ).to_be_visible()
        axe.check(page)
        assert not errors  # nothing refused by the Content Security Policy
    finally:
        context.close()


def test_the_allocated_worker_sees_who_looked_at_the_record(
    browser, live_server, transactional_db, axe, practitioner, person
):
    """#15: the record's access log for staff, from "Their own access", with the token a
    system used; keyboard only, axe on the page."""
    from goldenthread.api.tests.helpers import token_for

    token = token_for(practitioner, name="Finance system")
    assert (
        Client().get(f"/api/v1/people/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    ).status_code == 200
    context, page = signed_in_context(browser, live_server, practitioner)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(f"/people/{person.pk}/own-access/")
        link = page.get_by_role("link", name="Who has looked at or changed the record")
        link.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Who has looked at or changed the record"
        )
        row = page.get_by_role("row", name=re.compile("Finance system"))
        expect(row).to_contain_text("Looked at the record through the API")
        expect(row).to_contain_text("Allocated worker")
        axe.check(page)
        assert not errors
    finally:
        context.close()
