"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), never a
downloaded browser; axe-core on every page visited."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("GT_CHROMIUM", "/usr/bin/chromium")

# How long a check waits for the state a person would see (Playwright's default is 5 s).
# On a loaded two-core CI machine a page can take longer than that to answer; waiting
# longer costs nothing when the page is quick, and a wrong state still fails.
BROWSER_WAIT_MS = 20_000
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules outside those tags that the service meets too, checked on every page as well.
EXTRA_RULES = ["region"]


# The longest browser test (several minutes: a whole record crawled, axe on each kind of
# page, words typed into every kind of box) starts first, so with two workers the other
# worker runs the rest beside it instead of the suite waiting for it at the end.
LONGEST_FIRST = "test_never_lose_a_word.py"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.fspath.basename != LONGEST_FIRST)  # stable: else as found


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("GT_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        pytest.skip("Browser tests need Debian's chromium: apt-get install chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_WAIT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, bypass_csp=False)
    page = context.new_page()
    page.set_default_timeout(BROWSER_WAIT_MS)
    console_errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.console_errors = console_errors
    yield page
    context.close()


class AxeChecker:
    """Runs axe-core (shipped inside the axe-playwright-python package) on a page."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.pages_checked: list[str] = []

    def check(self, page) -> None:
        # Injected through the DevTools protocol, so the page's CSP does not apply to it.
        # Only the violations are reported in full: asking for every result type (axe's
        # default once options are given) serialises every passing node too, which made a
        # check about twice as slow on a long page.
        # axe's "region" rule (all content inside a landmark) is tagged best-practice, not
        # WCAG, so running only the WCAG tags left it out: nothing disabled it on purpose,
        # and a back link outside every landmark went unseen. It is asked for by name.
        results = self.axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
                "resultTypes": ["violations"],
            },
        )
        self.pages_checked.append(page.url)
        assert results.violations_count == 0, (
            f"axe found problems on {page.url}:\n{results.generate_report()}"
        )


@pytest.fixture
def axe():
    return AxeChecker()
