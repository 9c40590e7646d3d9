"""#14, AGG-4: the checker suggests a national outcome domain as the practitioner types, in
a polite live region beside the domain select; it chooses nothing, and only the domain the
practitioner picks is saved. axe-core on each page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes.models import Outcome

from .test_foundation_journey import sign_in


def test_the_suggestion_follows_the_words_and_the_practitioner_chooses(
    page, axe, practitioner, person
):
    conversation = ConversationFactory(person=person, recorded_by=practitioner)
    PositiveChangeFactory(conversation=conversation, text="Seeing friends again")
    sign_in(page, axe, practitioner)
    base = f"/people/{person.pk}/conversations/{conversation.pk}"

    page.goto(f"{base}/step-4/")
    region = page.locator("#domain-suggestion")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).not_to_contain_text("This sounds like")
    domain = page.get_by_label("National outcome domain (optional)")
    page.get_by_label("The outcome", exact=True).fill(
        "I'd like to see my friends every Saturday by June, instead of once a month now."
    )
    expect(region).to_contain_text("This sounds like ‘Seeing people’", use_inner_text=True)
    expect(region).to_contain_text("(you wrote “see my”, “friends”)", use_inner_text=True)
    expect(domain).to_have_value("")  # suggested, not chosen
    axe.check(page)

    domain.select_option(label="Seeing people")
    expect(region).not_to_contain_text("This sounds like")  # the choice is the suggestion
    page.get_by_role("button", name="Save outcome").click()
    page.wait_for_url(re.compile(r"/check/$"))
    assert list(Outcome.objects.filter(person=person).values_list("domain", flat=True)) == [
        "adult:seeing_people"
    ]

    page.goto(f"{base}/step-1/")
    page.get_by_text("Add what or where matters").click()
    page.get_by_label("What matters, or where").fill("Not feeling so lonely")
    expect(region).to_contain_text("‘Seeing people’", use_inner_text=True)
    axe.check(page)
    assert page.console_errors == []


def test_a_stale_form_token_is_said_where_the_suggestion_was(page, axe, practitioner, person):
    """SEC-8, A11Y-3: after the page's form token stops matching (here: its cookie gone, as
    when the person signs out and in on another tab), the next live request is refused and
    its region says so, where htmx had shown nothing (a 403 is not swapped by default)."""
    conversation = ConversationFactory(person=person, recorded_by=practitioner)
    PositiveChangeFactory(conversation=conversation, text="Seeing friends again")
    sign_in(page, axe, practitioner)
    page.goto(f"/people/{person.pk}/conversations/{conversation.pk}/step-4/")
    region = page.locator("#domain-suggestion")
    statement = page.get_by_label("The outcome", exact=True)
    statement.fill("I'd like to see my friends every Saturday by June.")
    expect(region).to_contain_text("This sounds like ‘Seeing people’", use_inner_text=True)
    page.context.clear_cookies(name="csrftoken")
    statement.fill("I'd like to walk to the shops on my own by June.")
    expect(region).to_contain_text("Not saved: this page has been open too long")
    axe.check(page)
