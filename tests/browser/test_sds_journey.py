"""Issue 6 journey (SDS-1, SDS-3, SDS-4, SDS-5): a practitioner records the options explained
and the person's choice with their reasons, asks for a budget above their own delegated
limit; it reaches the team leader, who refers it to the decision panel; a panel member
decides it with reasons; the decision and the reasons show on the person's "Choices and
budget" page. Each user signs in in their own browser context; axe on every page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.sds.factories import UnmetNeedFactory, set_limits
from goldenthread.sds.models import BudgetRequest, RequestStatus
from tests.browser.conftest import BROWSER_WAIT_MS
from tests.browser.test_foundation_journey import code_for, one_time_code_for, set_up_app

from .helpers import choose

DEMO_PASSWORD = "demo-golden-thread"  # noqa: S105 - the factories' demo password


def sign_in(page, axe, user, landing: str):
    code = one_time_code_for(user)
    page.goto("/")
    assert "/account/sign-in/" in page.url
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    set_up_app(page, axe, code)
    page.get_by_label("Security code").fill(code_for(user))
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url(re.compile(landing))
    axe.check(page)


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(BROWSER_WAIT_MS)
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def outcome(person):
    from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
    from goldenthread.outcomes.factories import OutcomeFactory

    conversation = ConversationFactory(person=person)
    return OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation),
        statement="I will be back at my bowling club on Thursday afternoons",
    )


def test_options_budget_team_leader_panel_and_the_decision_on_the_persons_page(
    page, new_page, axe, practitioner, team_leader, panel_member, person, outcome
):
    set_limits(practitioner="8000.00", team_leader="35000.00")
    explained_on = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    choices_url = f"/people/{person.pk}/choices/"

    # --- The practitioner: options explained, the choice and why ----------------------------
    sign_in(page, axe, practitioner, r"/people/$")
    page.goto(choices_url)
    expect(page.get_by_role("heading", level=1, name="Choices and budget")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Record the options explained and the choice").click()
    page.wait_for_url(re.compile(r"/choices/options/$"))
    expect(page.locator("h1")).to_have_text("SDS options explained and the person's choice")
    axe.check(page)
    for number in (1, 2, 3, 4):
        group = page.get_by_role("group", name=f"Was Option {number} explained to the person?")
        choose(group.get_by_label("Yes"))
        choose(
            page.get_by_role("group", name=f"How was Option {number} explained?").get_by_label(
                "In conversation"
            )
        )
        page.get_by_label(f"Date Option {number} was explained").fill(explained_on)
    choose(
        page.get_by_role("group", name="How was Option 2 explained?").get_by_label("In easy read")
    )
    choose(
        page.get_by_role("group", name="Which option did the person choose?").get_by_label(
            re.compile(r"^Option 2:")
        )
    )
    page.get_by_label("Date they chose").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save", exact=True).click()
    # A mistake first: no reasons. The message is clear and what was typed is kept.
    summary = page.locator(".ds_error-summary")
    expect(summary).to_contain_text(
        "Write why they chose it, in their own words.", use_inner_text=True
    )
    expect(page.get_by_label("Date they chose")).to_have_value(timezone.localdate().isoformat())
    axe.check(page)
    page.get_by_label("Why they chose it, in their own words").fill(
        "I want to choose who helps me, but I don't want to be an employer."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/choices/#options$"))
    main = page.locator("main").inner_text()
    assert "I want to choose who helps me, but I don't want to be an employer." in main
    assert "In conversation and in easy read" in main
    axe.check(page)

    # --- A budget above the practitioner's own limit ------------------------------------------
    page.get_by_role("link", name="Ask for a budget").click()
    page.wait_for_url(re.compile(r"/budget/requests/new/$"))
    axe.check(page)
    page.locator("#id_line-0-description").fill("Personal assistant, 12 hours a week")
    page.locator("#id_line-0-purpose").select_option(value=f"o:{outcome.pk}")
    page.locator("#id_line-0-amount").fill("-300")
    page.get_by_label("What the budget is for").fill(
        "A personal assistant to get Jean to her club; her daughter does the shopping."
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".ds_error-summary")).to_contain_text(
        "Line 1: The amount cannot be negative", use_inner_text=True
    )
    expect(page.locator("#id_line-0-amount")).to_have_value("-300")
    axe.check(page)
    page.locator("#id_line-0-amount").fill("£300")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/budget/requests/[0-9a-f-]+/$"))
    budget_request = BudgetRequest.objects.get()
    assert budget_request.total_per_year == Decimal("15600.00")
    body = page.locator("main").inner_text()
    assert "Waiting for a decision" in body
    assert "You sent this request, so you cannot decide it" in body  # four eyes (Std 8.2)
    axe.check(page)

    # --- The team leader: it is in their queue; they refer it to the panel -------------------
    leader = new_page()
    sign_in(leader, axe, team_leader, r"/people/$")
    leader.goto("/people/sds/approvals/")
    axe.check(leader)
    leader.get_by_role("link", name=re.compile(budget_request.reference)).click()
    leader.wait_for_url(re.compile(r"/budget/requests/"))
    axe.check(leader)
    choose(leader.get_by_label("Refer it to the decision panel"))
    leader.get_by_label("Reasons for the decision").fill(
        "A new kind of support for the team; I want the panel's view."
    )
    leader.get_by_role("button", name="Record the decision").click()
    leader.wait_for_url(re.compile(r"/choices/#requests$"))
    expect(leader.locator("main")).to_contain_text("With the decision panel", use_inner_text=True)
    axe.check(leader)

    # --- The panel member: the referred request only; a decision with reasons ---------------
    panel = new_page()
    sign_in(panel, axe, panel_member, r"/$")
    panel.goto("/people/sds/panel/")
    axe.check(panel)
    expect(panel.locator("main")).not_to_contain_text(person.family_name, use_inner_text=True)
    panel.get_by_role("link", name=f"Open request {budget_request.reference}").click()
    panel.wait_for_url(re.compile(r"/sds/panel/[0-9a-f-]+/$"))
    expect(panel.locator("h1")).to_contain_text(person.display_name, use_inner_text=True)
    expect(panel.locator("main")).to_contain_text(
        "I will be back at my bowling club", use_inner_text=True
    )
    axe.check(panel)
    choose(panel.get_by_label("Agree the budget", exact=True))
    panel.get_by_role("button", name="Record the panel's decision").click()
    assert (
        "Write the reasons as they will be explained to the person."
        in panel.locator(".ds_error-summary").inner_text()
    )
    axe.check(panel)
    panel.get_by_label("Reasons for the decision").fill(
        "The assistant replaces two day-centre days the person does not want."
    )
    panel.get_by_label("The reasons as they will be explained to the person").fill(
        "We agreed your budget because getting to your club matters most to you, and it "
        "costs less than the day centre."
    )
    panel.get_by_role("button", name="Record the panel's decision").click()
    panel.wait_for_url(re.compile(r"/sds/panel/$"))
    decided = panel.locator("main").inner_text()
    assert "Your decisions" in decided and budget_request.reference in decided
    # Once decided, the panel's access to the request ends: nothing left to open.
    expect(panel.get_by_role("link", name=re.compile(budget_request.reference))).to_have_count(0)
    axe.check(panel)
    assert not panel.console_errors, panel.console_errors
    # The person's record stays closed to the panel.
    response = panel.goto(f"/people/{person.pk}/")
    assert response.status == 403

    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.APPROVED

    # --- Back to the practitioner: the decision and its reasons on the person's page ---------
    page.goto(choices_url)
    main = page.locator("main").inner_text()
    assert "Budget of £15,600.00 a year agreed" in main
    assert "getting to your club matters most to you" in main
    assert "Decision panel" in main
    axe.check(page)
    for browser_page in (page, leader):
        assert not browser_page.console_errors, browser_page.console_errors


def test_risk_and_unmet_need_pages_are_accessible(
    page, new_page, axe, practitioner, team_leader, person, outcome
):
    UnmetNeedFactory(person=person, need="A short break for Ann")
    sign_in(page, axe, practitioner, r"/people/$")
    page.goto(f"/people/{person.pk}/risks/")
    axe.check(page)
    page.get_by_text("Record a risk", exact=True).click()  # the fold on the risks page (#16)
    axe.check(page)
    page.get_by_label("Which outcome or solution is this about?").select_option(
        value=f"o:{outcome.pk}"
    )
    page.get_by_label("What the person wants to do").fill("Walk to the club on her own")
    page.get_by_label("What could go wrong").fill("A fall on the uneven pavement")
    page.get_by_label("What good it brings").fill("Friends and feeling like herself")
    choose(page.get_by_role("group", name=re.compile("Does a guardian")).get_by_label("Yes"))
    page.get_by_role("button", name="Save the risk").click()
    # Refused: the risk's own page, with the message and everything typed kept.
    page.wait_for_url(re.compile(r"/risks/new/$"))
    assert (
        "Say how the conflict is being dealt with."
        in page.locator(".ds_error-summary").inner_text()
    )
    assert page.get_by_label("What the person wants to do").input_value() == (
        "Walk to the club on her own"
    )
    axe.check(page)
    page.get_by_label("How the conflict is being dealt with").fill("A meeting with her advocate")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/risks/#risk-"))
    axe.check(page)
    page.get_by_role("link", name=re.compile("Add someone's view")).click()
    choose(page.get_by_label("Welfare guardian"))
    page.get_by_label("Their name").fill("R. Campbell")
    page.get_by_label("Their view, in their words").fill("She should be escorted.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/risks/#risk-"))
    page.get_by_role("link", name=re.compile("Add someone's view")).click()
    choose(page.get_by_label("The person", exact=True))
    page.get_by_label("Their name").fill(person.display_name)
    page.get_by_label("Their view, in their words").fill("I want to go on my own.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/risks/#risk-"))
    table = page.get_by_role("table", name=re.compile("What the person wants, beside"))
    expect(table).to_contain_text("I want to go on my own.", use_inner_text=True)
    expect(table).to_contain_text("She should be escorted.", use_inner_text=True)
    axe.check(page)

    leader = new_page()
    sign_in(leader, axe, team_leader, r"/people/$")
    leader.goto("/people/sds/unmet-need/")
    expect(leader.locator("main")).to_contain_text("A short break for Ann", use_inner_text=True)
    axe.check(leader)


def test_the_unmet_need_move_page_is_accessible_at_both_widths(
    page, axe, practitioner, person, outcome
):
    """Moving an open unmet need to another outcome (#16, REV-2): axe at 1280 px and at
    375 px, then the move made by keyboard-reachable controls."""
    other = OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=ConversationFactory(person=person)),
        statement="I will go to the lunch club on Tuesdays with my neighbour",
    )
    need = UnmetNeedFactory(person=person, outcome=outcome, need="A short break for Ann")
    sign_in(page, axe, practitioner, r"/people/$")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/people/{person.pk}/choices/")
    page.get_by_role("link", name=re.compile(r"^Move to another outcome\s*: A short break")).click()
    page.wait_for_url(re.compile(rf"/unmet-need/{need.pk}/outcome/$"))
    expect(page.locator("h1")).to_have_text("Move this unmet need to another outcome")
    axe.check(page)
    page.set_viewport_size({"width": 375, "height": 800})
    axe.check(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    choose(page.get_by_label(other.statement))
    page.get_by_role("button", name="Move it").click()
    page.wait_for_url(re.compile(r"/choices/#unmet-need$"))
    expect(page.locator("main")).to_contain_text(
        f"The unmet need is moved to “{other.statement}”.", use_inner_text=True
    )
    need.refresh_from_db()
    assert need.outcome_id == other.pk
    axe.check(page)
    assert not page.console_errors, page.console_errors
