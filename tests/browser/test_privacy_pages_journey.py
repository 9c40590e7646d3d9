"""Issue 11 journeys in a real browser, axe on each page: the caseload search by keyboard and
without JavaScript (no search term in any address), a CHI number already known elsewhere
(the "may already be known" page and the team leader's check), and the error pages."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from conftest import sign_in as sign_in_client
from goldenthread.people.factories import PersonFactory
from goldenthread.people.models import PossibleDuplicate
from tests.browser.conftest import BROWSER_WAIT_MS


def signed_in_context(browser, live_server, user, **options):
    """A browser already signed in as `user` (both steps passed), without going through
    the sign-in pages, which have journeys of their own."""
    client = sign_in_client(Client(), user)
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(BROWSER_WAIT_MS)
    return context, page


def test_caseload_search_by_keyboard_keeps_terms_out_of_addresses(
    browser, live_server, transactional_db, axe, practitioner, person
):
    context, page = signed_in_context(browser, live_server, practitioner)
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    try:
        page.goto("/people/")
        axe.check(page)
        search = page.get_by_label("Find a person by name or CHI number")
        search.focus()
        page.keyboard.type(person.chi_number[:6])
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("1 person matches")
        assert page.url == f"{live_server.url}/people/"
        axe.check(page)
        clear = page.get_by_role("button", name="Clear search")
        clear.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_count(0)
        assert not [url for url in visited if person.chi_number[:6] in url]
    finally:
        context.close()


def test_caseload_search_works_without_javascript(
    browser, live_server, transactional_db, practitioner, person
):
    context, page = signed_in_context(browser, live_server, practitioner, java_script_enabled=False)
    try:
        page.goto("/people/")
        page.get_by_label("Find a person by name or CHI number").fill("macdonald")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("status")).to_contain_text("1 person matches")
        assert "macdonald" not in page.url.lower()
    finally:
        context.close()


def test_a_chi_number_known_elsewhere_goes_to_the_team_leader(
    browser, live_server, transactional_db, axe, practitioner, team_leader, area, other_team
):
    outsider = PersonFactory(team=other_team, given_name="Zelda", family_name="Outwith")
    context, page = signed_in_context(browser, live_server, practitioner)
    try:
        page.goto("/people/new/")
        axe.check(page)
        page.get_by_label("First name").fill("Morag")
        page.get_by_label("Last name").fill("Stewart")
        page.get_by_label("Date of birth").fill(outsider.date_of_birth.isoformat())
        chi = outsider.chi_number
        page.get_by_label("CHI number").fill(f"{chi[:6]} {chi[6:]}")
        page.get_by_label("Area").select_option(label=area.name)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(r"/people/possibly-known/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "This person may already be known"
        )
        main = page.locator("main").inner_text()
        assert "Zelda" not in main and "Outwith" not in main and other_team.name not in main
        axe.check(page)
    finally:
        context.close()

    request = PossibleDuplicate.objects.get()
    context, page = signed_in_context(browser, live_server, team_leader)
    try:
        page.goto("/people/")
        page.get_by_role("link", name="Check possible duplicates").click()
        page.wait_for_url(re.compile(r"/people/possibly-known/$"))
        axe.check(page)
        page.get_by_role("link", name="Morag Stewart").click()
        page.wait_for_url(re.compile(rf"/people/possibly-known/{request.pk}/$"))
        expect(page.locator("main")).to_contain_text(other_team.name)
        axe.check(page)
        page.get_by_label("What was done").fill("Their team already works with her.")
        page.get_by_role("button", name="Mark as dealt with").click()
        page.wait_for_url(re.compile(r"/people/possibly-known/$"))
        expect(page.locator("main")).to_contain_text("Nothing to check.")
        axe.check(page)
    finally:
        context.close()


def test_error_and_privacy_pages_are_accessible(page, axe, settings):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe.check(page)
    settings.ROOT_URLCONF = "goldenthread.core.tests.failing_urls"
    response = page.goto("/fail/")
    assert response.status == 500
    reference = response.headers["x-request-id"]
    expect(page.locator("#error-reference")).to_have_text(reference)
    axe.check(page)
    page.goto("/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    axe.check(page)
    # Every feature named in the Permissions-Policy header is one the browser knows.
    assert not [m for m in console if "Permissions-Policy" in m], console
