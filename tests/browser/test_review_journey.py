"""Issue 7 journey (REV-1..REV-4): a practitioner reviews a person's three outcomes in the
browser: rates each with evidence, records the person's own (different) view, makes a
mistake and corrects it, rewrites one outcome, finishes with the next review date, and
sees the result on the golden-thread page. axe-core on every page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from goldenthread.conversations.factories import (
    AspirationFactory,
    ConversationFactory,
    MattersItemFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.reviews.models import PersonView, Review, ReviewStatus
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus

from .helpers import choose, follow
from .test_foundation_journey import sign_in

STATEMENTS = (
    "I will be back at my bowling club on Thursday afternoons by the end of May",
    "I will do my own food shopping once a week, on my own, by September",
    "I will have one evening a week to myself, to go to choir practice",
)


@pytest.fixture
def outcomes(person):
    conversation = ConversationFactory(
        person=person, held_on=timezone.localdate() - datetime.timedelta(days=120)
    )
    MattersItemFactory(conversation=conversation, text="Seeing my friends at the club")
    not_working = WorkingItemFactory(
        conversation=conversation, is_working=False, text="I can't get up the bus steps"
    )
    change = PositiveChangeFactory(conversation=conversation, text="Getting out again")
    change.from_not_working.set([not_working])
    change.from_aspirations.set([AspirationFactory(conversation=conversation)])
    made = [OutcomeFactory(positive_change=change, statement=s) for s in STATEMENTS]
    SolutionFactory(
        outcome=made[0], status=SolutionStatus.IN_PLACE, what="Lift to the club on Thursdays"
    )
    return made


def section(page, outcome):
    return page.locator(f"#outcome-{outcome.pk.hex[:8]}")


def review_outcome(page, outcome, *, rating, evidence, decision="Keep it as it is"):
    part = section(page, outcome)
    form = part.locator("form.gt_review-form")
    choose(form.get_by_label(rating, exact=True))
    form.get_by_label("What shows this, in everyday words").fill(evidence)
    choose(form.get_by_label(decision))
    return form


def test_practitioner_reviews_three_outcomes_and_sees_the_golden_thread(
    page, axe, practitioner, person, outcomes
):
    sign_in(page, axe, practitioner)
    page.goto(f"/people/{person.pk}/reviews/")
    axe.check(page)
    page.get_by_role("button", name="Start the review").click()  # on the reviews page (#16)
    # One outcome at a time (#16): starting leads straight to the first outcome's own page.
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[0].pk}/$"))
    review = Review.objects.get(person=person)
    expect(page.locator("main")).to_contain_text("outcome 1 of 3", use_inner_text=True)
    axe.check(page)

    # A mistake first: no rating. The problem is explained and the words typed are kept.
    part = section(page, outcomes[0])
    form = part.locator("form.gt_review-form")
    form.get_by_label("What shows this, in everyday words").fill("Went twice, with Ann.")
    form.get_by_role("button", name="Save the review of this outcome").click()
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[0].pk}/$"))
    summary = page.locator(".ds_error-summary")
    expect(summary).to_contain_text("Choose how far the outcome has come.", use_inner_text=True)
    assert (
        page.get_by_label("What shows this, in everyday words").input_value()
        == "Went twice, with Ann."
    )
    axe.check(page)
    choose(page.get_by_label("Partly achieved", exact=True).first)
    choose(page.get_by_label("Keep it as it is"))
    page.get_by_label("The measure now, as a number").fill("2")
    page.get_by_role("button", name="Save the review of this outcome").click()
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[0].pk}/#outcome-"))
    expect(page.locator("main")).to_contain_text(
        "Review of this outcome saved.", use_inner_text=True
    )

    # Jean's own view of the first outcome differs from the worker's: kept as hers.
    view_form = section(page, outcomes[0]).locator("form.gt_view-form")
    view_form.get_by_label("What Jean said about this outcome").fill(
        "I've only been twice. I want to go on my own."
    )
    choose(view_form.get_by_label("Not yet", exact=True))
    # The address is already the one the form answers with: wait for the new page itself.
    follow(view_form.get_by_role("button", name="Save Jean's view"))
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[0].pk}/#outcome-"))
    first = section(page, outcomes[0]).inner_text()
    assert "In Jean's words: “I've only been twice. I want to go on my own.”" in first
    assert "Jean's own rating: Not yet" in first
    axe.check(page)

    # The second is achieved and closed; the third is rewritten.
    page.get_by_role("link", name="Next outcome").click()
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[1].pk}/$"))
    review_outcome(
        page,
        outcomes[1],
        rating="Achieved",
        evidence="Shops every Saturday.",
        decision="Close it (as achieved, if you rated it achieved)",
    ).get_by_role("button", name="Save the review of this outcome").click()
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[1].pk}/#outcome-"))
    page.get_by_role("link", name="Next outcome").click()
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[2].pk}/$"))
    form = review_outcome(
        page,
        outcomes[2],
        rating="No longer relevant",
        evidence="The choir has stopped meeting.",
        decision="Rewrite it (the old wording is kept in the record)",
    )
    form.get_by_label("The new outcome").fill(
        "I will have one evening a week to myself, to go to the reading group at the "
        "library, by March"
    )
    form.get_by_label("Starting point now").fill("No evening off since the choir stopped")
    form.get_by_role("button", name="Save the review of this outcome").click()
    page.wait_for_url(re.compile(rf"/outcomes/{outcomes[2].pk}/#outcome-"))
    expect(page.locator("main")).to_contain_text(
        "Outcome rewritten. The old wording is kept", use_inner_text=True
    )
    axe.check(page)

    # What was learned, and the next review date: on the last outcome's page (#16), with
    # every outcome reviewed (none listed as still to review).
    next_date = timezone.localdate() + datetime.timedelta(days=120)
    finish = page.locator("#finish")
    expect(finish).not_to_contain_text("Not reviewed yet", use_inner_text=True)
    finish.get_by_label("What we learned at this review").fill(
        "Lifts from Ann work; the bus does not. Jean wants to go on her own."
    )
    finish.get_by_label("Date of the next review").fill(next_date.isoformat())
    finish.get_by_role("button", name="Finish the review").click()
    page.wait_for_url(re.compile(rf"/people/{person.pk}/golden-thread/$"))
    axe.check(page)

    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED and review.next_review_on == next_date
    assert PersonView.objects.get().rating == "not_yet"
    outcomes[2].refresh_from_db()
    assert outcomes[2].status == OutcomeStatus.REPLACED
    new = Outcome.objects.get(replaces=outcomes[2])

    main = page.locator("main").inner_text()
    assert "Review finished. The next review is on" in main
    assert new.statement in main and "Rewritten from:" in main and STATEMENTS[2] in main
    assert "In Jean's words: “I've only been twice. I want to go on my own.”" in main
    assert "Lift to the club on Thursdays" in main
    assert "Seeing my friends at the club" in main
    assert page.locator("svg[role=img][aria-describedby]").count() >= 2
    expect(page.locator("ol.gt_thread > li")).to_have_count(1)  # a nested list, not a picture

    page.goto(f"/people/{person.pk}/outcomes/{outcomes[0].pk}/progress/")
    axe.check(page)
    page.goto("/people/reviews/due/")
    expect(page.locator("main")).to_contain_text(person.display_name, use_inner_text=True)
    axe.check(page)
    page.goto("/people/reviews/due/?show=overdue&sort=name")
    axe.check(page)
    assert not page.console_errors, page.console_errors
