"""A11Y-1 in a real browser: on the page that adds a person, every tab stop shows where
the focus is (WCAG 2.4.7), the calendar button of the date box too; and the back link is
inside a landmark (axe's "region" rule, which every axe check asks for: conftest.py)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from goldenthread.sds.factories import make_budget_request, set_limits
from tests.browser.test_privacy_pages_journey import signed_in_context

FOCUS = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  return {
    id: element.id,
    outline: style.outlineStyle === "none" ? "none" : style.outlineWidth,
    shadow: style.boxShadow,
  };
}"""


def test_every_tab_stop_of_the_date_box_shows_the_focus(
    browser, live_server, transactional_db, axe, practitioner
):
    context, page = signed_in_context(browser, live_server, practitioner)
    try:
        page.goto("/people/new/")
        expect(page.get_by_role("navigation", name="Back")).to_contain_text("Back")
        axe.check(page)  # the "region" rule among the rest

        page.get_by_label("Preferred name").focus()
        stops = []
        for _ in range(6):
            page.keyboard.press("Tab")
            stops.append(page.evaluate(FOCUS))
        in_the_date_box = [stop for stop in stops if stop["id"] == "id_date_of_birth"]
        # Day, month, year and the calendar button: Chromium's four stops in one box.
        assert len(in_the_date_box) == 4, stops
        unseen = [s for s in stops if s["outline"] == "none" and s["shadow"] == "none"]
        assert unseen == [], stops
    finally:
        context.close()


RADIO_FOCUS = """() => {
  const input = document.activeElement;
  const label = document.querySelector(`label[for="${input.id}"]`);
  const mark = getComputedStyle(label, "::before");
  return {id: input.id, type: input.type, opacity: getComputedStyle(input).opacity,
          shadow: mark.boxShadow, fill: mark.backgroundColor};
}"""
YELLOW = "rgb(253, 213, 34)"  # the design system's focus colour, #fdd522


def test_a_budget_decision_radio_shows_the_design_systems_focus(
    browser, live_server, transactional_db, team_leader, person
):
    """A probe read the focused radio's own outline (the browser's 1px ring): the radio
    itself is drawn by its label's ::before (the input is transparent), and that takes the
    design system's yellow focus style (WCAG 2.4.7, 2.4.13)."""
    set_limits(practitioner=Decimal("8000.00"), team_leader=Decimal("35000.00"))
    budget_request = make_budget_request(person, lines=[("PA", Decimal("300.00"), "week")])
    context, page = signed_in_context(browser, live_server, team_leader)
    try:
        page.goto(reverse("sds:request_detail", args=[person.pk, budget_request.pk]))
        # From the element before the group, one Tab reaches the first radio.
        page.locator("#id_action").evaluate(
            "group => { const before = document.createElement('a'); before.href = '#';"
            " before.id = 'before-radios'; group.before(before); }"
        )
        page.locator("#before-radios").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate(RADIO_FOCUS)
        assert focused["id"] == "id_action_0" and focused["type"] == "radio", focused
        assert YELLOW in focused["shadow"] and focused["fill"] == YELLOW, focused
        assert focused["opacity"] == "0", focused  # its own ring is never drawn
    finally:
        context.close()
