"""Issue 16 journey (SS-6, SDS-3, SDS-4, REV-4): a costed idea is asked for as a budget
line without typing it again; the team leader agrees the budget; the solution is now
agreed, and the plan and the easy read say the same, true things about money. The golden
thread leads with the thread at a glance, and passes axe at 375 px. Axe on every page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from goldenthread.reviews.factories import OutcomeReviewFactory, ReviewFactory
from goldenthread.sds.factories import set_limits
from goldenthread.sds.models import BudgetRequest, RequestStatus
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus
from tests.browser.helpers import choose
from tests.browser.test_sds_journey import new_page, outcome, sign_in  # noqa: F401


def test_an_agreed_budget_agrees_the_support_and_the_plan_tells_the_truth(
    page,
    new_page,  # noqa: F811 (the fixture imported above)
    axe,
    practitioner,
    team_leader,
    person,
    outcome,  # noqa: F811
):
    set_limits(practitioner="8000.00", team_leader="35000.00")
    solution = SolutionFactory(
        outcome=outcome,
        step="support",
        status=SolutionStatus.IDEA,
        what="Personal assistant on Thursday afternoons",
        who="Chosen by Jean",
        cost=Decimal("183.31"),
        cost_period="week",
    )

    # --- The practitioner: the request starts from the costed idea ---------------------------
    sign_in(page, axe, practitioner, r"/people/$")
    page.goto(f"/people/{person.pk}/budget/requests/new/")
    axe.check(page)
    expect(page.locator("#id_line-0-description")).to_have_value(solution.what)
    expect(page.locator("#id_line-0-amount")).to_have_value("183.31")
    page.get_by_label("What the budget is for").fill(
        "A personal assistant so Jean gets to her club on Thursdays."
    )
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/budget/requests/[0-9a-f-]+/$"))
    budget_request = BudgetRequest.objects.get()
    assert budget_request.total_per_year == Decimal("9532.12")
    assert budget_request.lines.get().solution_id == solution.pk
    axe.check(page)

    # --- The team leader agrees it ----------------------------------------------------------
    leader = new_page()
    sign_in(leader, axe, team_leader, r"/people/$")
    leader.goto(f"/people/{person.pk}/budget/requests/{budget_request.pk}/")
    axe.check(leader)
    choose(leader.get_by_label("Agree the budget", exact=True))
    leader.get_by_label("The reasons as they will be explained to the person").fill(
        "Getting to your club matters most to you."
    )
    leader.get_by_role("button", name="Record the decision").click()
    leader.wait_for_url(re.compile(r"/choices/"))
    budget_request.refresh_from_db()
    solution.refresh_from_db()
    assert budget_request.status == RequestStatus.APPROVED
    assert solution.status == SolutionStatus.AGREED

    # --- The plan and the easy read say the same, true things --------------------------------
    page.goto(f"/people/{person.pk}/support/plan/")
    main = page.locator("main").inner_text()
    assert "Your agreed budget of £9,532.12 a year pays for support" in main
    assert "Support that is agreed or in place costs about £9,532.12 a year." in main
    assert "None of the agreed support costs money" not in main
    row = page.locator("tr", has_text=solution.what).inner_text()
    assert "Agreed" in row and "No cost" not in row
    axe.check(page)
    page.goto(f"/people/{person.pk}/support/plan/easy-read/")
    easy = page.locator("main").inner_text()
    assert "My budget pays £9,532.12 a year." in easy
    assert "does not cost money" not in easy
    axe.check(page)

    # --- The golden thread at a glance, at a phone's width -------------------------------------
    # A finished review, so the tables that scroll sideways at 375 px are on the pages.
    review = ReviewFactory(
        person=person, completed=True, held_on=timezone.localdate() - datetime.timedelta(days=20)
    )
    OutcomeReviewFactory(review=review, outcome=outcome, new_measure_value=Decimal("2"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/people/{person.pk}/outcomes/{outcome.pk}/progress/")
    axe.check(page)  # scrollable tables can be reached by keyboard
    scrolling = page.locator("table.js-is-scrolling")
    for index in range(scrolling.count()):
        table = scrolling.nth(index)
        if table.evaluate("t => t.scrollWidth > t.clientWidth"):
            assert table.get_attribute("tabindex") == "0"
    page.goto(f"/people/{person.pk}/golden-thread/")
    glance = page.locator(".gt_glance__row").first
    expect(glance).to_contain_text(
        "Personal assistant on Thursday afternoons (agreed)", use_inner_text=True
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    axe.check(page)
    scrolling = page.locator("table.js-is-scrolling")
    for index in range(scrolling.count()):
        table = scrolling.nth(index)
        if table.evaluate("t => t.scrollWidth > t.clientWidth"):
            assert table.get_attribute("tabindex") == "0"
    for browser_page in (page, leader):
        assert not browser_page.console_errors, browser_page.console_errors
