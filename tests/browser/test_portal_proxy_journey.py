"""Issue 12 journey for a proxy (P-1, P-2, P-4): a practitioner invites the person's
daughter as a proxy who will not see the risks; she joins with the code, chooses sign-in
codes by e-mail (no smartphone), sees the record without the risks, comments on an outcome
on behalf of the person (recorded as hers, on their behalf), and adds a photo to About me,
which is served as a download. axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from goldenthread.conversations.factories import ConversationFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.risk.factories import RiskEnablementFactory

from .helpers import choose, follow
from .test_foundation_journey import sign_in

STATEMENT = "Jean walks to the shop on her own twice a week by the summer"
RISK = "Crossing the main road to the shop"
PASSWORD = "four words of my own"


@pytest.fixture
def outcome(person):
    return OutcomeFactory(
        person=person,
        statement=STATEMENT,
        positive_change__conversation=ConversationFactory(person=person),
    )


def last_code() -> str:
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found
    return found.group(1)


def photo(tmp_path):
    path = tmp_path / "garden.jpg"
    Image.new("RGB", (60, 40), (30, 140, 60)).save(path, format="JPEG")
    return path


def test_proxy_joins_with_email_codes_sees_what_is_shared_and_comments_on_behalf(
    page, axe, browser, live_server, practitioner, person, outcome, tmp_path
):
    RiskEnablementFactory(outcome=outcome, person=person, activity=RISK)
    sign_in(page, axe, practitioner)
    page.goto(f"/people/{person.pk}/own-access/")
    follow(page.get_by_role("link", name="Invite them to see their record"))
    axe.check(page)
    choose(page.get_by_label("Someone acting for the person (proxy)"))
    page.get_by_label("Their name").fill("Ann Macdonald")
    page.get_by_label("Who they are to the person").fill("Daughter")
    page.get_by_label("What gives them the right to act for the person").select_option("authorised")
    choose(page.get_by_label("Risks"))
    choose(page.get_by_label("Give the code in person (shown on screen)"))
    page.get_by_role("button", name="Make the code").click()
    code = page.locator("#invitation-code").inner_text()
    axe.check(page)

    # The proxy, in her own browser: set up her sign-in, with codes by e-mail.
    context = browser.new_context(base_url=live_server.url)
    ann = context.new_page()
    ann.set_default_timeout(10_000)
    ann.goto("/my-record/set-up/")
    axe.check(ann)
    ann.get_by_label("Your code").fill(code)
    ann.get_by_label("Choose a username").fill("ann")
    ann.get_by_label("Choose a password").fill(PASSWORD)
    ann.get_by_label("Type the password again").fill(PASSWORD)
    ann.get_by_role("button", name="Set up my sign-in").click()
    ann.wait_for_url(re.compile(r"/set-up-app/"))
    axe.check(ann)
    ann.get_by_role("link", name="Get each sign-in code by e-mail instead").click()
    ann.wait_for_url(re.compile(r"/set-up-email/$"))
    axe.check(ann)
    mail.outbox.clear()
    ann.get_by_label("Your e-mail address").fill("ann@example.org")
    ann.get_by_role("button", name="Send me a code").click()
    ann.wait_for_url(re.compile(r"/set-up-email/code/$"))
    axe.check(ann)
    assert mail.outbox[-1].to == ["ann@example.org"]
    ann.get_by_label("Security code").fill(last_code())
    ann.get_by_role("button", name="Confirm and sign in").click()
    ann.wait_for_url(re.compile(rf"/my-record/{person.pk}/$"))
    axe.check(ann)

    # She sees what is shared with her, and not the risks.
    text = ann.locator("main").inner_text()
    assert STATEMENT in text
    assert RISK not in text
    assert "Some parts are not shared with you: Risks." in text
    response = ann.request.get(f"/my-record/{person.pk}/plan/")
    assert RISK not in response.text()

    # A comment on behalf of the person, recorded as hers.
    follow(ann.locator(f"#item-{outcome.pk}").get_by_role("link", name=re.compile("Add a comment")))
    axe.check(ann)
    ann.get_by_label("Your comment").fill("Mum would like to start in April.")
    # The comment page's address starts the same: wait for the page the form answers with.
    follow(ann.get_by_role("button", name="Add my comment"))
    ann.wait_for_url(re.compile(rf"/my-record/{person.pk}/"))
    item_text = ann.locator(f"#item-{outcome.pk}").inner_text()
    assert "Mum would like to start in April." in item_text
    assert "acting for" in item_text
    axe.check(ann)
    from goldenthread.portal.models import ItemComment

    comment = ItemComment.objects.get()
    assert comment.author.username == "ann" and comment.on_behalf

    # A photo on About me, shown in the page and served as a download.
    ann.goto(f"/my-record/{person.pk}/about-me/")
    axe.check(ann)
    follow(ann.get_by_role("link", name="Add a picture, sound recording or video"))
    axe.check(ann)
    ann.get_by_label("Picture, sound recording or video").set_input_files(photo(tmp_path))
    ann.get_by_label("What it shows or is").fill("Mum in her garden")
    ann.get_by_role("button", name="Add it to About me").click()
    ann.wait_for_url(re.compile(r"/about-me/$"))
    axe.check(ann)
    image = ann.get_by_role("img", name="Mum in her garden")
    assert ann.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle()) == 60
    served = ann.request.get(image.get_attribute("src"))
    assert served.headers["content-disposition"].startswith("attachment")
    assert served.headers["x-content-type-options"] == "nosniff"
    # And in the plan in easy read, through the same file view (#12).
    ann.goto(f"/my-record/{person.pk}/plan/easy-read/")
    in_plan = ann.get_by_role("img", name="Mum in her garden")
    expect(in_plan).to_have_attribute("src", image.get_attribute("src"))
    assert ann.evaluate("(img) => img.complete && img.naturalWidth", in_plan.element_handle()) == 60
    axe.check(ann)

    # The worker sees her comment beside the outcome.
    page.goto(f"/people/{person.pk}/outcomes/{outcome.pk}/")
    expect(page.locator("main")).to_contain_text(
        "Mum would like to start in April.", use_inner_text=True
    )
    axe.check(page)
    context.close()
