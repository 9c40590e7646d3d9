"""Never lose a word (#16, OS-9, SEC-5), proven by crawling, not by a list: every page of a
demo person's record is found by following links from their record; on every page with a
box to type in (a textarea in a form that saves), the practitioner types into every box and
then

1. leaves through a link (the browser asks first) and comes back: every word is back;
2. saves one of the forms: the words in the other boxes are back after the page reloads;
3. is signed out (the session ran out) while typing: after signing in again and sending
   what was kept, every word is back in its box.

The same crawl finds one page of each kind for axe at 1280 px and 375 px (#16): one test
loads the demo data, signs in and crawls once for both checks (CI time: the two used to be
two tests doing all three each).
"""

from __future__ import annotations

import re
import uuid
from collections import deque
from html.parser import HTMLParser

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from goldenthread.accounts.factories import DEMO_PASSWORD
from goldenthread.accounts.middleware import LAST_SEEN_AT
from goldenthread.accounts.models import User
from goldenthread.nonprod.demo import load_demo_data
from goldenthread.people.models import Person

from .test_foundation_journey import code_for, sign_in

MAX_PAGES = 150
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOT_PAGES = re.compile(r"(\.pdf$|/pdf/|/easy-read\.pdf|/export|/fhir|/drafts/|/download)")


class Links(HTMLParser):
    """The links on a page and whether it has a box to type in a form that saves."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.in_post_form = 0
        self.boxes = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self.in_post_form = (attributes.get("method") or "").lower() == "post"
        elif tag == "textarea" and self.in_post_form:
            self.boxes += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


def crawl(page, person) -> tuple[list[str], list[str]]:
    """Every page of the person's record reachable by links, in the order found; one page
    of each kind (the same address but for an item's id is the same page for another item):
    (one of each kind, one of each kind with boxes to type in)."""
    start = f"/people/{person.pk}/"
    seen = {start}
    queue = deque([start])
    every_kind: list[str] = []
    editing: list[str] = []
    kinds: set[str] = set()
    editing_kinds: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        response = page.request.get(path, max_redirects=0)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        parser = Links()
        parser.feed(response.text())
        kind = UUID.sub("{id}", path)
        if kind not in kinds:
            kinds.add(kind)
            every_kind.append(path)
        if parser.boxes and kind not in editing_kinds:
            editing_kinds.add(kind)  # one page of each kind: the same form for another item
            editing.append(path)
        for href in parser.links:
            link = href.split("#")[0].split("?")[0]
            if link.startswith(start) and link not in seen and not NOT_PAGES.search(link):
                seen.add(link)
                queue.append(link)
    return every_kind, editing


def boxes(page):
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return page.locator("form[method='post' i] textarea:visible")


def type_into_every_box(page, words: str) -> list[str]:
    """Type into every box; wait until the page has kept it. Most of the words arrive as
    one input (as when pasting) and the last few key by key, so the page hears both kinds
    of input event without a round trip to the browser for every letter."""
    restored(page)
    typed = []
    found = boxes(page)
    count = found.count()
    assert count, f"no box to type in on {page.url}"
    with page.expect_response(lambda r: "/drafts/" in r.url and r.request.method == "POST"):
        for index in range(count):
            text = f"{words} {index} {uuid.uuid4().hex[:6]}"
            box = found.nth(index)
            box.fill(text[:-3])
            box.press_sequentially(text[-3:], delay=0)
            typed.append(text)
    return typed


def restored(page) -> None:
    """Wait until the page has put back what was kept (ui/static/ui/js/drafts.js)."""
    page.wait_for_selector("html[data-gt-drafts='restored']", state="attached")


def values(page) -> list[str]:
    return boxes(page).evaluate_all("els => els.map(e => e.value)")


def sign_in_again(page, user) -> None:
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # the same code may be used again
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(code_for(user))
    page.get_by_role("button", name="Sign in", exact=True).click()


def end_session(page) -> None:
    """The session runs out: last seen a day ago."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[LAST_SEEN_AT] = session[LAST_SEEN_AT] - 24 * 3600
    session.save()


@pytest.fixture
def demo_person(transactional_db):
    load_demo_data()
    practitioner = User.objects.get(username="practitioner")
    people = Person.objects.visible_to(practitioner)
    # The richest record: the most outcomes, then a review, then the most conversations.
    person = max(
        people,
        key=lambda p: (p.outcomes.count(), p.reviews.count(), p.conversations.count(), str(p.pk)),
    )
    return practitioner, person


def every_word_is_kept(page, practitioner, person, editing: list[str]) -> None:
    """The three ways of leaving a page with words typed, on each page of `editing`."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    checked = []
    told = []  # pages that said "We kept what you typed" (the others saved as you typed)
    for path in editing:
        response = page.goto(path)
        if response.status != 200 or not boxes(page).count():
            continue  # a form saved on an earlier page changed this one
        checked.append(path)
        print("checking", path, flush=True)

        # 1. Type, leave through a link (the browser asks first), come back.
        typed = type_into_every_box(page, "Left behind")
        asked = len(dialogs)
        side = page.locator(".ds_side-navigation a[href]:visible")
        (side.last if side.count() else page.locator("a[href^='/people/']:visible").last).click()
        page.wait_for_load_state()
        assert dialogs[asked:] == ["beforeunload"], f"no warning leaving {path}"
        page.goto(path)
        restored(page)  # kept as a draft, or saved as typed
        assert values(page) == typed, path
        if page.locator(".gt_draft-notice", has_text="We kept what you typed").count():
            told.append(path)

        # 2. Save one form: the other boxes keep their words.
        forms = page.locator("form[method='post' i]").filter(has=page.locator("textarea"))
        if forms.count() > 1:
            saved_form = forms.first
            saved_boxes = saved_form.locator("textarea").evaluate_all(
                "els => els.map(e => e.value)"
            )
            others = [t for t in typed if t not in saved_boxes]
            saved_form.locator("button[type='submit'], button:not([type])").first.click()
            page.wait_for_load_state()
            page.goto(path)
            restored(page)
            now = values(page)
            for text in others:
                assert text in now, f"{text!r} lost on {path} after saving another form"

        # 3. Signed out while typing: the words come back after signing in again.
        page.goto(path)
        typed = type_into_every_box(page, "Through the sign-in")
        end_session(page)
        boxes(page).first.press_sequentially(" and more", delay=0)
        typed[0] += " and more"
        expect(
            page.locator(".gt_draft-notice", has_text="You have been signed out")
        ).to_be_visible()
        page.goto("/")
        sign_in_again(page, practitioner)
        page.wait_for_url(re.compile(r"/account/restore/"))
        # What was typed after the session ended; the rest was kept before it ended.
        expect(page.locator("main")).to_contain_text(typed[0])
        page.get_by_role("button", name="Send it again").click()
        page.wait_for_url(re.compile(re.escape(path) + "$"))
        restored(page)  # kept as a draft, or saved as typed
        assert values(page) == typed, path
    assert len(checked) >= 8, checked
    assert len(told) >= len(checked) - 2, (checked, told)
    print(f"\nnever lose a word: {len(checked)} editing pages of {person} checked: {checked}")


WIDTHS = (1280, 375)


def axe_problems(page, axe, pages: list[str]) -> list[str]:
    """axe at each width on each page (a page is opened wide, then laid out afresh at
    375 px, as a phone opens it); what it found, page by page."""
    problems = []
    for path in pages:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if width == WIDTHS[0]:
                page.goto(path)
            else:
                page.reload()
            try:
                axe.check(page)
            except AssertionError as found:
                problems.append(f"at {width} px: {str(found)[:1500]}")
    print(f"\naxe at {WIDTHS} px: {len(pages)} pages, {len(problems)} with problems")
    return problems


@pytest.mark.browser_side  # CI runs it once, on SQLite (conftest.py, GT_DATABASE_TESTS_ONLY)
def test_every_page_of_a_persons_record_passes_axe_and_keeps_every_word(page, axe, demo_person):
    """#16: one crawl of a demo person's record for two checks.

    - axe at 1280 px and 375 px on one page of each kind (tables that scroll sideways are
      reachable by keyboard); first, since it changes nothing;
    - never lose a word on one page of each kind with boxes (module docstring), which saves
      forms as a practitioner does.

    axe's findings are printed even when a word was lost, and asserted after the words."""
    practitioner, person = demo_person
    page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
    sign_in(page, axe, practitioner)  # the sign-in pages on a phone (other journeys: wide)
    pages, editing = crawl(page, person)
    print("\nediting pages found:", editing)
    assert len(pages) >= 20, pages
    assert len(editing) >= 8, editing
    axe_from = len(page.console_errors)
    problems = axe_problems(page, axe, pages)
    page.set_viewport_size({"width": 1280, "height": 720})  # Playwright's own, as typed before
    axe_to = len(page.console_errors)
    try:
        every_word_is_kept(page, practitioner, person, editing)
    finally:
        if problems:
            print("\n\n".join(problems))
    # No error in the console while signing in, crawling or typing (axe's own runs apart).
    assert page.console_errors[:axe_from] + page.console_errors[axe_to:] == []
    assert not problems, "\n\n".join(problems)
