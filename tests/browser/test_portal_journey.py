"""Issue 12 journey (P-1, P-2, P-5): a practitioner invites the person; the person sets up
their sign-in with the code and links an app, reads their plan in easy read, adds a
comment, asks for a correction; the practitioner answers; the person sees the answer.
Also the record at 375 px wide. axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from goldenthread.conversations.factories import ConversationFactory
from goldenthread.outcomes.factories import OutcomeFactory

from .helpers import choose, follow
from .test_foundation_journey import code_for, sign_in

STATEMENT = "Jean walks to the shop on her own twice a week by the summer"
PASSWORD = "four words of my own"


@pytest.fixture
def outcome(person):
    return OutcomeFactory(
        person=person,
        statement=STATEMENT,
        positive_change__conversation=ConversationFactory(person=person),
    )


def test_person_reads_comments_asks_for_a_correction_and_sees_the_answer(
    page, axe, browser, live_server, practitioner, person, outcome
):
    # The practitioner makes an invitation to give in person.
    sign_in(page, axe, practitioner)
    page.goto(f"/people/{person.pk}/own-access/")
    axe.check(page)
    follow(page.get_by_role("link", name="Invite them to see their record"))
    axe.check(page)
    choose(page.get_by_label("The person themselves"))
    page.get_by_label("Their name").fill("Jean Macdonald")
    choose(page.get_by_label("Give the code in person (shown on screen)"))
    page.get_by_role("button", name="Make the code").click()
    code = page.locator("#invitation-code").inner_text()
    axe.check(page)

    # The person, in their own browser.
    context = browser.new_context(base_url=live_server.url)
    mine = context.new_page()
    mine.set_default_timeout(10_000)
    mine.goto("/my-record/set-up/")
    axe.check(mine)
    mine.get_by_label("Your code").fill(code)
    mine.get_by_label("Choose a username").fill("jean")
    mine.get_by_label("Choose a password").fill(PASSWORD)
    mine.get_by_label("Type the password again").fill(PASSWORD)
    mine.get_by_role("button", name="Set up my sign-in").click()
    mine.wait_for_url(re.compile(r"/set-up-app/"))
    axe.check(mine)
    from goldenthread.accounts.models import User

    jean = User.objects.get(username="jean")
    mine.get_by_label("Security code").fill(code_for(jean))
    mine.get_by_role("button", name=re.compile("Confirm")).click()
    mine.wait_for_url(re.compile(rf"/my-record/{person.pk}/$"))
    axe.check(mine)
    expect(mine.locator("main")).to_contain_text(STATEMENT, use_inner_text=True)

    mine.get_by_role("link", name="Support plan in easy read").click()
    mine.wait_for_url(re.compile(r"/plan/easy-read/$"))
    axe.check(mine)
    expect(mine.locator("main")).to_contain_text(STATEMENT, use_inner_text=True)

    mine.goto(f"/my-record/{person.pk}/")
    item = mine.locator(f"#item-{outcome.pk}")
    follow(item.get_by_role("link", name=re.compile("Add a comment")))
    axe.check(mine)
    mine.get_by_label("Your comment").fill("I want to start in April.")
    mine.get_by_role("button", name="Add my comment").click()
    mine.wait_for_url(re.compile(rf"/my-record/{person.pk}/"))
    expect(mine.locator(f"#item-{outcome.pk}")).to_contain_text(
        "I want to start in April.", use_inner_text=True
    )

    follow(
        mine.locator(f"#item-{outcome.pk}").get_by_role(
            "link", name=re.compile("Ask for a correction")
        )
    )
    axe.check(mine)
    mine.get_by_label("What is wrong?").fill("It is the post office, not the shop.")
    mine.get_by_label("What should it say?").fill(STATEMENT.replace("shop", "post office"))
    mine.get_by_role("button", name="Send my request").click()
    mine.wait_for_url(re.compile(rf"/my-record/{person.pk}/"))
    expect(mine.locator(f"#item-{outcome.pk}")).to_contain_text(
        "Waiting for an answer", use_inner_text=True
    )

    # The practitioner sees it on the worklist and answers.
    page.goto("/people/corrections/")
    axe.check(page)
    follow(page.get_by_role("link", name=re.compile("Answer")))
    axe.check(page)
    choose(page.get_by_label("Correct the record"))
    page.get_by_label("Your answer to the person, with reasons").fill(
        "Thank you, I have changed it."
    )
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(re.compile(r"/own-access/$"))
    expect(page.locator("main")).to_contain_text("I want to start in April.", use_inner_text=True)

    # The person sees the answer and the corrected words.
    mine.reload()
    text = mine.locator("main").inner_text()
    assert "Thank you, I have changed it." in text
    expect(mine.locator(f"#item-{outcome.pk}")).to_contain_text("post office", use_inner_text=True)
    axe.check(mine)

    # At 375 px wide, by keyboard: the record still reads, nothing scrolls sideways.
    mine.set_viewport_size({"width": 375, "height": 800})
    # From the top of the page (the address without the #item fragment of the last action).
    mine.goto(mine.url.split("#")[0])
    axe.check(mine)
    assert mine.evaluate("document.documentElement.scrollWidth") <= 375
    mine.keyboard.press("Tab")
    assert mine.evaluate("document.activeElement.textContent").strip().lower().startswith("skip")
    context.close()
