"""Issue 14 journeys in a real browser, axe on each page: a commissioner lands on the
reports' index, filters them by keyboard, opens a topic and sees tables beside their
charts and CSV links; a
team leader sees their team's reports and the recording-quality review."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.sds.factories import UnmetNeedFactory
from goldenthread.sds.models import NeedCategory, UnmetReason

from .test_privacy_pages_journey import signed_in_context


def _needs(team, other_team):
    today = timezone.localdate()
    born = datetime.date(1970, 5, 1)
    people = []
    for i, t in enumerate([team] * 12 + [other_team] * 8):
        person = PersonFactory(team=t, date_of_birth=born + datetime.timedelta(days=3 * i))
        UnmetNeedFactory(
            person=person,
            category=NeedCategory.CARER_BREAK,
            reason=UnmetReason.BUDGET,
            identified_on=today.replace(day=1),
        )
        people.append(person)
    return people


def test_commissioner_reports_by_keyboard(
    browser, live_server, transactional_db, axe, commissioner, team, other_team
):
    _needs(team, other_team)
    context, page = signed_in_context(browser, live_server, commissioner)
    try:
        page.goto("/")
        expect(page).to_have_url(f"{live_server.url}/reports/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Reports")
        axe.check(page)
        page.get_by_label("Period").select_option(
            label=page.get_by_label("Period").locator("option").nth(1).inner_text()
        )
        page.get_by_role("button", name="Show").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("All teams")
        # Each topic on its own page (#14), reached with the filters chosen.
        page.get_by_role("link", name="Unmet need", exact=True).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Unmet need")
        expect(page.get_by_role("status")).to_contain_text("All teams")
        section = page.locator("section#unmet-need, section[aria-labelledby='unmet-need']")
        expect(section.get_by_role("table")).to_be_visible()
        expect(section.get_by_role("img")).to_have_count(1)  # the rows' totals, as bars
        chart = page.locator("section[aria-labelledby='unmet-need-time-to-met'] svg[role='img']")
        expect(chart).to_have_count(1)
        expect(page.get_by_role("link", name="Download this table as CSV").first).to_be_visible()
        axe.check(page)
    finally:
        context.close()


def test_team_leader_reports_and_recording_quality(
    browser, live_server, transactional_db, axe, team_leader, practitioner, team, other_team
):
    people = _needs(team, other_team)
    AllocationFactory(person=people[0], worker=practitioner)
    context, page = signed_in_context(browser, live_server, team_leader)
    try:
        page.goto("/reports/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Reports for your team")
        expect(page.get_by_label("Team")).to_have_count(0)
        axe.check(page)
        page.get_by_role("link", name="Recording quality in your team, worker by worker").click()
        expect(page.get_by_role("table", name="Recording quality by worker")).to_be_visible()
        expect(page.get_by_role("heading", name="Pat Kerr")).to_be_visible()
        axe.check(page)
    finally:
        context.close()
