"""Issue 13 journeys (ACC-2, TR-1): a practitioner records a complaint Jean's daughter makes,
answers it at stage 1, moves it to stage 2 (investigation) when Ann is not satisfied and
answers it there, each deadline in working days; then plans Jean's move home from hospital
around her outcome, and sees it on the moves-due list. Keyboard and axe on every page."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from goldenthread.accountability.models import Challenge, ChallengeState, Stage, Transition
from goldenthread.accountability.working_days import add_working_days
from goldenthread.core.formatting import date_text

from .helpers import choose, follow
from .test_foundation_journey import sign_in


@pytest.fixture
def outcome(person):
    from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
    from goldenthread.outcomes.factories import OutcomeFactory

    conversation = ConversationFactory(person=person)
    return OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation),
        statement="I will be home and making my own breakfast by March",
    )


def test_a_complaint_through_two_stages(page, axe, practitioner, person):
    from django.utils import timezone

    today = timezone.localdate()
    sign_in(page, axe, practitioner)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Challenges, advocacy and moves").first.click()
    page.wait_for_url(re.compile(r"/accountability/$"))
    axe.check(page)
    follow(page.get_by_role("link", name="Record a challenge or complaint"))
    axe.check(page)

    # A mistake first: nothing about what is wrong. The problem is explained, the rest kept.
    choose(page.get_by_label("A family member or unpaid carer"))
    page.get_by_label("Their name").fill("Ann Macdonald")
    choose(page.get_by_label("A budget decision"))
    follow(page.get_by_role("button", name="Save"))
    expect(page.locator(".ds_error-summary")).to_contain_text(
        "Write what they are unhappy about, in their words."
    )
    expect(page.get_by_label("Their name")).to_have_value("Ann Macdonald")
    axe.check(page)
    page.get_by_label("What they are unhappy about, in their words").fill(
        "Mum's budget does not cover Thursday afternoons at the club."
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/accountability/#challenge-"))
    due = add_working_days(today, 5)
    main = page.locator("main").inner_text()
    assert f"The answer is due by {date_text(due)}." in main
    assert "Stage 1 open, answer due" in main
    axe.check(page)
    challenge = Challenge.objects.get(person=person)

    # Stage 1: not upheld.
    follow(page.get_by_role("link", name=re.compile("^Record the answer")))
    axe.check(page)
    choose(page.get_by_label("Not upheld"))
    page.get_by_label("The answer, as given to the person").fill(
        "The budget meets the assessed need."
    )
    page.get_by_role("button", name="Save the answer").click()
    page.wait_for_url(re.compile(r"/accountability/#challenge-"))
    expect(page.locator("main")).to_contain_text(
        "Stage 1 answered: not upheld", use_inner_text=True
    )

    # Ann is not satisfied: stage 2, then partly upheld.
    follow(page.get_by_role("link", name=re.compile(r"^Move to stage 2")))
    axe.check(page)
    page.get_by_label("Why it is being investigated").fill(
        "Ann is not satisfied with the frontline answer."
    )
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Start the investigation").click()
    page.wait_for_url(re.compile(r"/accountability/#challenge-"))
    assert (
        f"The answer is due by {date_text(add_working_days(today, 20))}."
        in page.locator("main").inner_text()
    )
    page.get_by_role("link", name=re.compile("^Record the answer")).click()
    choose(page.get_by_label("Partly upheld"))
    page.get_by_label("The answer, as given to the person").fill(
        "Thursday afternoons will be covered from next month."
    )
    page.get_by_label("What changed because of it").fill("Two more hours a week")
    page.get_by_role("button", name="Save the answer").click()
    page.wait_for_url(re.compile(r"/accountability/#challenge-"))
    main = page.locator("main").inner_text()
    assert "Stage 2 answered: partly upheld" in main
    assert "The budget meets the assessed need." in main  # stage 1's answer is kept
    axe.check(page)
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.state) == (Stage.INVESTIGATION, ChallengeState.ANSWERED)
    assert challenge.events.count() == 4
    assert not page.console_errors


def test_a_move_planned_around_an_outcome(page, axe, practitioner, person, outcome):
    from django.utils import timezone

    planned = timezone.localdate() + datetime.timedelta(days=40)
    sign_in(page, axe, practitioner)
    page.goto(f"/people/{person.pk}/accountability/")
    follow(page.get_by_role("link", name="Plan a move"))
    axe.check(page)
    choose(page.get_by_label("Coming home from hospital"))
    page.get_by_label("Planned date").fill(planned.isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/accountability/#transition-"))
    expect(page.locator("main")).to_contain_text("Broken link: no outcome", use_inner_text=True)
    axe.check(page)

    page.get_by_role("link", name="Moves due").click()
    page.wait_for_url(re.compile(r"/people/transitions/due/$"))
    expect(page.locator("main")).to_contain_text(person.display_name, use_inner_text=True)
    axe.check(page)

    page.goto(f"/people/{person.pk}/accountability/")
    page.get_by_role("link", name=re.compile("^Change this move")).click()
    choose(page.get_by_label(outcome.statement))
    page.get_by_label("Other agencies and people involved").fill("Ward 3 discharge team")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/accountability/#transition-"))
    main = page.locator("main").inner_text()
    assert outcome.statement in main and "Broken link: no outcome" not in main
    assert list(Transition.objects.get().outcomes.all()) == [outcome]
    axe.check(page)
    assert not page.console_errors
