"""Issue 4 journey: record a full conversation with two outcomes in the browser, leave
mid-way, come back and finish; live checker feedback; axe-core on every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from goldenthread.conversations.models import Conversation
from goldenthread.outcomes.models import Outcome
from goldenthread.people.factories import CircleMemberFactory

from .helpers import choose, follow
from .test_foundation_journey import sign_in


def test_practitioner_records_a_conversation_over_two_sittings(page, axe, practitioner, person):
    CircleMemberFactory(person=person, name="Ann Macdonald", relationship="Daughter")
    sign_in(page, axe, practitioner)

    def add_form(kind):
        return page.locator(f"form:has(input[name=kind][value={kind}])")

    # Sitting one: start the conversation, steps 1 and 2, then leave.
    page.goto(f"/people/{person.pk}/")
    follow(page.get_by_role("link", name="Record a new conversation").first)
    axe.check(page)
    page.get_by_label("Where it took place").fill("At home")
    page.get_by_label("The person's story, in their own words").fill(
        "I miss the bowling club <since> my fall."
    )
    page.get_by_role("button", name="Start recording").click()
    page.wait_for_url(re.compile(r"/conversations/[0-9a-f-]+/step-1/$"))  # on in order
    axe.check(page)
    conversation = Conversation.objects.get(person=person)
    base = f"/people/{person.pk}/conversations/{conversation.pk}"

    page.goto(f"{base}/step-1/")
    axe.check(page)
    page.get_by_text("Add what or where matters").click()
    page.get_by_label("What matters, or where").fill("Seeing my friends at the bowling club")
    follow(add_form("matters").get_by_role("button", name="Add", exact=True))
    page.get_by_text("Add who matters").click()
    page.get_by_label("Who matters").select_option(label="Ann Macdonald (Daughter)")
    follow(add_form("who").get_by_role("button", name="Add", exact=True))
    expect(page.locator("main")).to_contain_text("Ann Macdonald", use_inner_text=True)

    page.goto(f"{base}/step-2/")
    axe.check(page)
    choose(page.get_by_label("Not working"))
    page.get_by_label("What they said").first.fill("I can't get up the bus steps")
    # The same address before and after: wait for the page the form answers with.
    follow(add_form("working").get_by_role("button", name="Add", exact=True))
    page.wait_for_url(re.compile(r"/step-2/"))
    axe.check(page)

    # Leave mid-way; come back later from the person's page.
    page.goto("/people/")
    follow(page.get_by_role("link", name=person.display_name))
    follow(page.get_by_role("link", name=re.compile(r"\d+ \w+ \d{4}")).first)
    task_list = page.locator(".ds_task-list").inner_text()
    assert "Completed" in task_list or "In progress" in task_list
    assert "Not started" in task_list  # incomplete steps shown, not blocked

    # Sitting two: step 3, two outcomes (live checker), step 5, checklist.
    page.goto(f"{base}/step-3/")
    axe.check(page)
    page.get_by_label("The positive change the person wants to see").fill(
        "Getting back to the bowling club"
    )
    choose(page.get_by_label("I can't get up the bus steps"))
    follow(add_form("change").get_by_role("button", name="Add", exact=True))
    follow(page.get_by_role("link", name="Make this into an outcome"))
    axe.check(page)
    statement = page.get_by_label("The outcome", exact=True)
    statement.fill("To attend the day centre with a support worker")
    feedback = page.locator("#checker-feedback")
    feedback.get_by_text("suggestion").first.wait_for()
    expect(feedback).to_contain_text("suggestion", use_inner_text=True)
    axe.check(page)
    statement.fill("I will be back at the bowling club on Thursdays by the end of May")
    page.get_by_label("Starting point").fill("Has not been since her fall in January")
    page.get_by_label("How we will know").fill("Goes most Thursdays")
    page.get_by_role("button", name="Save outcome").click()
    page.wait_for_url(re.compile(r"/check/$"))
    axe.check(page)
    page.get_by_role("button", name="Check and save").click()
    page.wait_for_url(re.compile(r"/checklist/$"))  # the workbook's order: on to the checklist

    page.goto(f"{base}/step-4/")
    page.get_by_label("The outcome", exact=True).fill(
        "I will walk to the post office on my own by July"
    )
    page.get_by_label("Starting point").fill("Walks only inside the house with a frame")
    page.get_by_role("button", name="Save outcome").click()
    page.wait_for_url(re.compile(r"/check/$"))
    page.get_by_role("button", name="Check and save").click()
    page.wait_for_url(re.compile(r"/checklist/$"))
    assert Outcome.objects.filter(person=person).count() == 2

    page.goto(f"{base}/checklist/")
    axe.check(page)
    follow(page.get_by_role("button", name="Save checklist"))  # saved before leaving

    outcome = Outcome.objects.filter(person=person).order_by("created_at").first()
    page.goto(f"/people/{person.pk}/outcomes/{outcome.pk}/")
    axe.check(page)
    main = page.locator("main").inner_text()
    assert "Seeing my friends at the bowling club" in main  # the thread back to what matters
    assert "I can't get up the bus steps" in main
    page.goto(f"{base}/about/")
    assert (
        page.get_by_label("The person's story, in their own words").input_value()
        == "I miss the bowling club <since> my fall."
    )
    assert not page.console_errors, page.console_errors
