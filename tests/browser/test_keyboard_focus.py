"""A11Y-1 in a real browser: on the page that adds a person, every tab stop shows where
the focus is (WCAG 2.4.7), the calendar button of the date box too; and the back link is
inside a landmark (axe's "region" rule, which every axe check asks for: conftest.py)."""

from __future__ import annotations

from playwright.sync_api import expect

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
