"""htmx acts only on what the server rendered for it (#11): markup that somehow reached the
page (here put there by the test, as a bug that let stored text through would) makes no
request, even with htmx's own attributes; the page's own htmx still works."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from goldenthread.directory.models import CommunityResource

from .test_foundation_journey import sign_in

PLANT = """([html, token]) => {
    const holder = document.createElement("div");
    holder.innerHTML = html.replaceAll("TOKEN", token);
    document.querySelector("main").appendChild(holder);
    htmx.process(holder);
}"""


def test_htmx_ignores_elements_it_did_not_render(page, axe, practitioner, transactional_db):
    from django.utils import timezone

    CommunityResource.objects.create(
        source="t",
        source_id="1",
        name="Northfield Lunch Club",
        description="Hot lunch.",
        search_keywords="lunch",
        place_text="Northfield",
        imported_at=timezone.now(),
    )
    sign_in(page, axe, practitioner)
    page.goto("/directory/")
    token = page.locator("meta[name='gt-htmx-token']").get_attribute("content")
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))

    # Planted markup with htmx attributes: no token, a wrong token, an hx-on handler.
    page.evaluate(
        PLANT,
        [
            '<b hx-post="/planted/no-token/" hx-trigger="load">MARK</b>'
            '<b hx-get="/planted/wrong-token/" hx-trigger="load" data-gt-htmx="0123">MARK</b>'
            '<form hx-post="/planted/form/" hx-trigger="load"><input name="a" value="1"></form>'
            "<b hx-on:htmx:load=\"fetch('/planted/hx-on/')\">MARK</b>"
            '<div data-hx-get="/planted/data-prefix/" data-hx-trigger="load">MARK</div>',
            token,
        ],
    )
    # The page's own htmx still works: the search answers without a page reload...
    page.get_by_label("What are you looking for?").fill("lunch")
    with page.expect_response(re.compile(r"/directory/search/\?")):
        page.get_by_role("button", name="Search").click()
    results = page.locator("#directory-results")
    expect(results).to_contain_text("Northfield Lunch Club", use_inner_text=True)
    # ...and an element carrying this page's token is acted on (what the server renders).
    with page.expect_response(re.compile(r"/directory/search/\?q=marked")):
        page.evaluate(
            PLANT,
            [
                '<b hx-get="/directory/search/?q=marked" hx-trigger="load" hx-target="this" '
                'data-gt-htmx="TOKEN">waiting</b>',
                token,
            ],
        )

    planted = [url for url in requested if "/planted/" in url]
    assert not planted, planted
