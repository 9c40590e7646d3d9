"""#11 journey: a worker from another team breaks glass on a record (a reason too short
first), the person's team leader reviews it, and the record's change history is read; by
keyboard where it matters, axe on each page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.people import services as people_services

from .test_foundation_journey import sign_in

REASON = "Jean's allocated worker is off sick and Jean has phoned the office in distress."


def test_break_glass_review_and_change_history(
    page, axe, person, team_leader, other_team, practitioner, browser, live_server
):
    people_services.person_update(
        actor=practitioner,
        person=person,
        expected_version=person.version,
        communication_needs="Needs time to answer",
    )
    stranger = PractitionerFactory(
        username="val", first_name="Val", last_name="Reid", team=other_team
    )
    sign_in(page, axe, stranger)
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not work with this person")
    axe.check(page)
    reason = page.get_by_label("Why do you need to see this record now?")
    reason.fill("I need to")
    page.get_by_role("button", name="Open the record").click()
    summary = page.locator(".ds_error-summary")
    expect(summary).to_contain_text("at least 20 characters")
    axe.check(page)

    reason = page.get_by_label("Why do you need to see this record now?")
    reason.fill(REASON)
    reason.press("Tab")
    page.keyboard.press("Enter")  # the button is the next tab stop
    page.wait_for_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(person.display_name)
    expect(page.locator("main")).to_contain_text("You can see this record until")
    axe.check(page)

    page.get_by_role("link", name="Changes to this record").click()
    page.wait_for_url(re.compile(rf"/people/{person.pk}/changes/$"))
    main = page.locator("main")
    expect(main).to_contain_text("Communication needs")
    expect(main).to_contain_text("Needs time to answer")
    axe.check(page)
    page.get_by_label("Show changes to").select_option(label="Person")
    page.get_by_role("button", name="Show").click()
    expect(main).to_contain_text("Needs time to answer")
    axe.check(page)

    context = browser.new_context(base_url=live_server.url)
    leader_page = context.new_page()
    sign_in(leader_page, axe, team_leader)
    leader_page.get_by_role("link", name="Break-glass access").first.click()
    expect(leader_page.get_by_role("status")).to_have_text("1 use to review.")
    expect(leader_page.locator("main")).to_contain_text(REASON)
    axe.check(leader_page)
    leader_page.get_by_label("Note (optional)").fill("Checked with Val: the reason was sound.")
    leader_page.get_by_role("button", name=re.compile("Mark as reviewed")).click()
    expect(leader_page.get_by_role("status")).to_have_text("Nothing to review.")
    expect(leader_page.locator("main")).to_contain_text("Checked with Val")
    axe.check(leader_page)
    context.close()
    # The refusal page is a 403 (twice: before and after the short reason); nothing else.
    others = [e for e in page.console_errors if "status of 403" not in e]
    assert len(page.console_errors) - len(others) == 2 and not others, page.console_errors
