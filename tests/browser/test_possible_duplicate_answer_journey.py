"""#11, ACC-3 in a real browser, axe on each page: a worker adds a person whose name and date
of birth belong to someone of another team; their team leader finds it is someone else; the
worker hears it in their notifications, opens the request and adds the person from there,
the form filled in again with what they typed. Nothing of the other record is shown."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from goldenthread.people.factories import PersonFactory
from goldenthread.people.models import Person, PossibleDuplicate
from tests.browser.helpers import choose
from tests.browser.test_privacy_pages_journey import signed_in_context

BORN = datetime.date(1932, 4, 4)


def test_the_worker_hears_it_is_someone_else_and_adds_them_from_the_request(
    browser, live_server, transactional_db, axe, practitioner, team_leader, area, other_team
):
    outsider = PersonFactory(
        team=other_team, given_name="Emily", family_name="Gill", date_of_birth=BORN
    )
    context, page = signed_in_context(browser, live_server, practitioner)
    try:
        page.goto("/people/new/")
        page.get_by_label("First name").fill("Emily")
        page.get_by_label("Last name").fill("Gill")
        page.get_by_label("Date of birth").fill(BORN.isoformat())
        page.get_by_label("Area").select_option(label=area.name)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(r"/people/possibly-known/"))
        expect(page.locator("main")).to_contain_text("you will get a notification")
    finally:
        context.close()

    request = PossibleDuplicate.objects.get()
    context, page = signed_in_context(browser, live_server, team_leader)
    try:
        page.goto(f"/people/possibly-known/{request.pk}/")
        page.get_by_label("What was done").fill(
            "Asked Riverside: their Emily Gill is someone else."
        )
        choose(page.get_by_label("It is a different person"))
        page.get_by_role("button", name="Mark as dealt with").click()
        page.wait_for_url(re.compile(r"/people/possibly-known/$"))
    finally:
        context.close()

    context, page = signed_in_context(browser, live_server, practitioner)
    try:
        page.goto("/people/")
        page.get_by_role("link", name="Notifications").click()
        note = page.get_by_role("link", name=re.compile("Your team leader has checked"))
        expect(note).to_contain_text("It is a different person, so you can add them now.")
        axe.check(page)
        note.click()
        page.wait_for_url(re.compile(rf"/people/possibly-known/{request.pk}/$"))
        main = page.locator("main")
        expect(main).to_contain_text("It is a different person, so you can add them now.")
        text = main.inner_text()
        assert "Riverside" not in text and other_team.name not in text
        assert str(outsider.pk) not in page.content()
        axe.check(page)
        page.get_by_role("link", name="Add the person").click()
        expect(page.get_by_label("First name")).to_have_value("Emily")
        expect(page.get_by_label("Last name")).to_have_value("Gill")
        expect(page.get_by_label("Date of birth")).to_have_value(BORN.isoformat())
        axe.check(page)
        page.get_by_label("Area").select_option(label=area.name)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Emily Gill")
    finally:
        context.close()
    assert Person.objects.filter(family_name="Gill").count() == 2
