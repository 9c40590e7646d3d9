"""What a person does in the browser, written once for every journey."""

from __future__ import annotations

from playwright.sync_api import Locator, expect


def choose(control: Locator) -> None:
    """Pick a radio button or checkbox as a person does: by clicking its label (the design
    system draws the control on the label), then wait until the page shows it chosen.
    Never a forced click: a control a person could not reach must fail the test."""
    control_id = control.get_attribute("id")
    control.page.locator(f"label[for='{control_id}']").click()
    expect(control).to_be_checked()


def follow(control: Locator) -> None:
    """Click a link (or a button that sends a form) that opens another page, and wait until
    that page has loaded: what is checked next (axe, a text, a count) is on the new page,
    never on the one being left. For an address that does not tell the two pages apart (a
    form that answers on its own address), or a link whose address the test does not name."""
    with control.page.expect_navigation():
        control.click()
