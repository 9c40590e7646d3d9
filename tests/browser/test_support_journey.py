"""Issue 5 journey (SS-1..SS-6, P-5): a signed-in practitioner works through the seven
steps of the Support Sequence for an outcome, adds solutions, finds a community group in
the directory and adds it in one action (htmx, no page reload), records a step explored
with nothing suitable, opens the plan, its easy-read version and downloads the PDF.
axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.directory.models import CommunityResource, Organisation
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.support.models import Solution, StepExploration

from .test_foundation_journey import sign_in


@pytest.fixture
def outcome(person):
    conversation = ConversationFactory(person=person)
    return OutcomeFactory(positive_change=PositiveChangeFactory(conversation=conversation))


@pytest.fixture
def bowls_club(transactional_db):
    organisation = Organisation.objects.create(
        source="journey", source_id="org-1", name="Northfield Community Trust"
    )
    return CommunityResource.objects.create(
        source="journey",
        source_id="svc-1",
        name="Northfield Bowls and Blether Club",
        description="A friendly bowling club for older people, with tea and a chat after.",
        organisation=organisation,
        search_keywords="bowling club older people social",
        place_text="Northfield",
        imported_at=timezone.now(),
    )


def add_solution(page, axe, step_label, what, who, *, cost="", period="", check=False):
    # Added in the step's fold on the outcome's page, with no page of its own (#16).
    summary = page.get_by_text(re.compile(rf"^Add a solution to step {step_label}"))
    summary.click()
    fold = page.locator("details", has=summary)
    if check:
        axe.check(page)
    fold.get_by_label("What", exact=True).fill(what)
    fold.get_by_label("Who provides it or does it").fill(who)
    if cost:
        fold.get_by_label("Cost (if any)").fill(cost)
        fold.get_by_label("How often this cost is paid").select_option(label=period)
    fold.get_by_role("button", name=re.compile(r"^Save")).click()
    page.wait_for_url(re.compile(r"/support/#step-"))
    expect(page.locator("main")).to_contain_text(f"'{what}' is added", use_inner_text=True)


def test_practitioner_plans_support_through_the_seven_steps(
    page, axe, practitioner, person, outcome, bowls_club
):
    sign_in(page, axe, practitioner)
    page.goto(f"/people/{person.pk}/outcomes/{outcome.pk}/support/")
    expect(page.get_by_role("heading", level=1, name="Support Sequence")).to_be_visible()
    headings = page.locator("main h2").all_inner_texts()
    steps = [h for h in headings if re.match(r"^\d\. ", h)]
    assert steps == [
        "1. Yourself",
        "2. Technology",
        "3. Equipment and adaptations",
        "4. Family, friends and neighbours",
        "5. Community",
        "6. Services or setting",
        "7. Support",
    ]
    axe.check(page)

    # Before step 1: what they have tried already and their ideas.
    page.locator("#before-you-start").get_by_role("link", name="Change").first.click()
    page.wait_for_url(re.compile(r"/before-you-start/$"))
    axe.check(page)
    page.get_by_label("What has the person tried already?").fill(
        "Tried the community bus once; the step was too high."
    )
    page.get_by_label("What ideas do they have?").fill("My neighbour could drive me.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"#before-you-start$"))
    expect(page.locator("#before-you-start")).to_contain_text(
        "Tried the community bus once", use_inner_text=True
    )

    # Steps 1, 4 and 7: solutions (one with a cost).
    add_solution(page, axe, "1, Yourself", "Practise the walk to the bus stop", "Jean", check=True)
    add_solution(page, axe, "4, Family", "Lift on Thursdays", "Ann (daughter)")
    add_solution(
        page,
        axe,
        "7, Support",
        "Support worker, 3 hours a week",
        "Northfield Home Support",
        cost="45.00",
        period="A week",
    )
    expect(page.locator("#step-support")).to_contain_text("£45.00 a week", use_inner_text=True)

    # Step 2: explored, nothing suitable.
    page.get_by_role("link", name="Explored, nothing suitable in step 2, Technology").click()
    page.wait_for_url(re.compile(r"/nothing-suitable/$"))
    axe.check(page)
    page.get_by_label("Why is nothing suitable? (optional)").fill(
        "Jean does not want a device at home"
    )
    page.get_by_role("button", name="Record nothing suitable").click()
    page.wait_for_url(re.compile(r"#step-technology$"))
    technology = page.locator("#step-technology")
    expect(technology).to_contain_text("Explored, nothing suitable", use_inner_text=True)
    expect(technology).to_contain_text("Jean does not want a device at home", use_inner_text=True)
    assert StepExploration.objects.get(outcome=outcome, step="technology").state == (
        "nothing_suitable"
    )
    axe.check(page)

    # Step 5: search the community directory; the result becomes a solution in one action.
    community = page.locator("#step-community")
    community.get_by_label("What are you looking for?").fill("bowling")
    community.get_by_label("Where (optional)").fill("Northfield")
    url_before = page.url
    community.get_by_role("button", name="Search the community directory").click()
    results = page.locator("#directory-results-community")
    results.get_by_role("heading", name="Northfield Bowls and Blether Club").wait_for()
    assert page.url == url_before  # no page reload: htmx drew the results
    status = page.locator("#directory-results-status")  # the live region screen readers hear
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_have_text(re.compile(r"^1 result for"), use_inner_text=True)
    axe.check(page)
    results.get_by_role("button", name=re.compile(r"^Use this\s*: Northfield Bowls")).click()
    page.wait_for_url(re.compile(r"#step-community$"))
    expect(page.locator("#step-community")).to_contain_text(
        "Northfield Bowls and Blether Club", use_inner_text=True
    )
    solution = Solution.objects.get(outcome=outcome, step="community")
    assert solution.community_resource_id == bowls_club.pk
    axe.check(page)

    # The checklist, pre-filled from the record.
    page.get_by_role("link", name="Answer the checklist").click()
    page.wait_for_url(re.compile(r"/checklist/$"))
    expect(page.locator("main")).to_contain_text(
        "Did we consider personal budgets?", use_inner_text=True
    )
    axe.check(page)

    # The plan: on screen, easy read, and as a PDF.
    page.goto(f"/people/{person.pk}/outcomes/{outcome.pk}/support/")
    page.get_by_role("link", name=re.compile("support plan")).click()
    page.wait_for_url(re.compile(r"/support/plan/$"))
    main = page.locator("main").inner_text()
    assert outcome.statement in main and "Northfield Bowls and Blether Club" in main
    assert "£2,340.00" in main
    axe.check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the plan (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("link", name="Easy read version").click()
    page.wait_for_url(re.compile(r"/easy-read/$"))
    expect(page.get_by_role("heading", name="What do I want to change?")).to_be_visible()
    expect(page.get_by_role("heading", name="How much will it cost?")).to_be_visible()
    axe.check(page)
    assert not page.console_errors, page.console_errors
