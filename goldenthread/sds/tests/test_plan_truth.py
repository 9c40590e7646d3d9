"""The plan tells the truth about money (#16; SS-6, SDS-3, SDS-4).

A budget line is linked to the solution it funds; agreeing the budget moves the funded
solutions from Idea to Agreed in the decision's transaction (audited, with a status-history
row); and every sentence about money on the plan, the easy read and the PDF agrees with the
numbers, in every state a plan can be in.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from goldenthread.audit.models import ChangeRecord
from goldenthread.record.plan import build_plan
from goldenthread.sds import services
from goldenthread.sds.factories import make_budget_request
from goldenthread.sds.models import RequestStatus
from goldenthread.sds.services import DecideAction, LineInput
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus, SolutionStatusChange

from .conftest import make_outcome

NEGATIVE = ("None of the agreed support costs money", "does not cost money")
MONEY = re.compile(r"£[\d,]+\.\d\d")


def decide(actor, budget_request, action=DecideAction.APPROVE):
    budget_request.refresh_from_db()
    return services.budget_request_decide(
        actor=actor,
        budget_request=budget_request,
        action=action,
        expected_version=budget_request.version,
        reasons="Considered the plan",
        reasons_for_person="It meets your outcomes.",
    )


def _idea(outcome, *, cost=Decimal("45.00"), period="week", what="Support worker, 3 hours"):
    return SolutionFactory(
        outcome=outcome,
        status=SolutionStatus.IDEA,
        cost=cost,
        cost_period=period if cost is not None else "",
        what=what,
    )


def _request_for(person, solution, amount=Decimal("45.00"), period="week"):
    return make_budget_request(
        person,
        lines=[
            LineInput(description=solution.what, amount=amount, period=period, solution=solution)
        ],
    )


def _texts(person):
    """The plan as the person reads it: standard, easy read, and the PDF's text."""
    plan = build_plan(person)
    standard = render_to_string("support/_plan_body.html", {"plan": plan, "person": person})
    easy = render_to_string("support/_plan_easy_body.html", {"plan": plan, "person": person})
    return plan, _plain(standard), _plain(easy)


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def _sentences_about_money(text: str) -> list[str]:
    return [
        s
        for s in re.split(r"(?<=[.?!])\s+", text)
        if "cost" in s.lower() or "£" in s or "budget" in s.lower()
    ]


def assert_money_words_agree(plan, standard: str, easy: str) -> None:
    """Every sentence about money agrees with the numbers the plan holds."""
    year = plan.costs.year_total
    budget = plan.funding.agreed_per_year if plan.funding else Decimal("0")
    pays = year > 0 or budget > 0
    assert (NEGATIVE[0] in standard) is (not pays), standard
    assert (NEGATIVE[1] in easy) is (not pays), easy
    if pays:
        assert not any(n in t for n in NEGATIVE for t in (standard, easy))
    words = plan.money
    assert words.costs_money is pays
    known = {plan.costs.year_total_text, plan.costs.ideas_year_total_text}
    if plan.funding:
        known.add(f"£{budget:,.2f}")
    for sentence in words.standard + words.easy:
        for amount in MONEY.findall(sentence):
            assert amount in known, (amount, sentence, known)
        assert sentence in standard or sentence in easy
    if year > 0:
        assert f"costs about {plan.costs.year_total_text}" in standard
        assert f"For a year it costs about {plan.costs.year_total_text}." in easy
    if budget > 0:
        assert f"£{budget:,.2f} a year" in standard and f"My budget pays £{budget:,.2f}" in easy
    if plan.costs.ideas_year_total:
        assert f"about {plan.costs.ideas_year_total_text} more in a year" in standard
    else:
        assert "Ideas not yet agreed" not in standard


@pytest.fixture
def outcome(person):
    return make_outcome(person, statement="I get to my bowling club on Thursdays.")


def test_nothing_costed_says_so(person, outcome):
    SolutionFactory(outcome=outcome)  # agreed, no cost
    plan, standard, easy = _texts(person)
    assert_money_words_agree(plan, standard, easy)
    assert "None of the agreed support costs money." in standard


def test_a_costed_idea_is_not_yet_the_plans_cost(person, outcome):
    _idea(outcome)
    plan, standard, easy = _texts(person)
    assert_money_words_agree(plan, standard, easy)
    assert "Ideas not yet agreed would cost about £2,340.00 more in a year." in standard


def test_agreeing_the_budget_agrees_the_solution_it_funds(person, outcome, team_leader, limits):
    solution = _idea(outcome)
    other = _idea(outcome, what="A taxi on Thursdays", cost=Decimal("12.00"))
    budget_request = _request_for(person, solution)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IDEA  # asking is not agreeing
    plan, standard, easy = _texts(person)
    assert_money_words_agree(plan, standard, easy)

    decide(team_leader, budget_request)

    solution.refresh_from_db()
    other.refresh_from_db()
    assert solution.status == SolutionStatus.AGREED
    assert other.status == SolutionStatus.IDEA  # not in the budget: still an idea
    change = SolutionStatusChange.objects.filter(solution=solution).latest("created_at")
    assert (change.from_status, change.to_status) == ("idea", "agreed")
    assert budget_request.reference in change.note and change.changed_by == team_leader
    audit = ChangeRecord.objects.filter(object_id=str(solution.pk)).latest("at")
    assert audit.after["status"] == "agreed" and audit.before["status"] == "idea"

    plan, standard, easy = _texts(person)
    assert_money_words_agree(plan, standard, easy)
    assert plan.costs.year_total == Decimal("2340.00")
    assert "Support that is agreed or in place costs about £2,340.00 a year." in standard
    assert "Your agreed budget of £2,340.00 a year pays for support" in standard
    assert "Some of my help costs money." in easy


def test_an_uncosted_solution_paid_by_the_budget_never_reads_no_cost(
    person, outcome, team_leader, limits
):
    """The reported case: "Your agreed budget £9,532.00 a year" then "None of the agreed
    support costs money"."""
    solution = _idea(outcome, cost=None, what="Personal assistant on Thursdays")
    decide(team_leader, _request_for(person, solution, Decimal("183.31"), "week"))
    plan, standard, easy = _texts(person)
    assert plan.costs.year_total == 0 and plan.funding.agreed_per_year == Decimal("9532.12")
    assert_money_words_agree(plan, standard, easy)
    assert "£183.31 a week from your budget" in standard
    row = re.search(r"Personal assistant on Thursdays.*?(Agreed|Idea)", standard).group(0)
    assert "No cost" not in row and row.endswith("Agreed")


def test_a_declined_budget_leaves_the_ideas_as_ideas(person, outcome, team_leader, limits):
    solution = _idea(outcome)
    decide(team_leader, _request_for(person, solution), DecideAction.DECLINE)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IDEA
    plan, standard, easy = _texts(person)
    assert_money_words_agree(plan, standard, easy)


def test_the_panel_agreeing_moves_the_solution_too(person, outcome, panel_member, limits):
    solution = _idea(outcome, cost=Decimal("900.00"))
    budget_request = _request_for(person, solution, Decimal("900.00"))
    assert budget_request.status == RequestStatus.AT_PANEL
    decide(panel_member, budget_request)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.AGREED
    plan, standard, easy = _texts(person)
    assert_money_words_agree(plan, standard, easy)


def test_a_solution_already_in_place_or_ended_keeps_its_status(
    person, outcome, team_leader, limits
):
    in_place = SolutionFactory(
        outcome=outcome, status=SolutionStatus.IN_PLACE, cost=Decimal("10.00"), cost_period="week"
    )
    decide(team_leader, _request_for(person, in_place, Decimal("10.00")))
    in_place.refresh_from_db()
    assert in_place.status == SolutionStatus.IN_PLACE
    plan, standard, easy = _texts(person)
    assert_money_words_agree(plan, standard, easy)


def test_the_pdf_says_the_same_about_money(person, outcome, team_leader, limits):
    from pypdf import PdfReader

    from goldenthread.record.pdf import render_plan_pdf

    solution = _idea(outcome, cost=None, what="Personal assistant on Thursdays")
    decide(team_leader, _request_for(person, solution, Decimal("183.31"), "week"))
    plan = build_plan(person)
    pdf = render_plan_pdf(plan, context={"plan": plan, "person": person})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "£9,532.12" in text
    for sentence in NEGATIVE:
        assert sentence not in text
    assert "Your agreed budget of £9,532.12 a year pays for support" in text


def test_the_budget_request_starts_from_the_costed_solutions(
    person, outcome, practitioner_client, team_leader, limits
):
    from django.urls import reverse

    from goldenthread.sds.models import BudgetRequest

    weekly = _idea(outcome, what="Support worker, 3 hours")
    session = _idea(outcome, what="Swimming for Health", cost=Decimal("3.50"), period="session")
    _idea(outcome, what="Walking group", cost=None)  # no cost: not a budget line
    url = reverse("sds:request_create", args=[person.pk])
    page = practitioner_client.get(url).content.decode()
    assert 'value="Support worker, 3 hours"' in page and 'value="45.00"' in page
    assert f'value="s:{weekly.pk}" selected' in page
    assert 'value="Swimming for Health"' in page and 'value="3.50"' in page
    assert 'value="Walking group"' not in page
    # A session's price asks how often rather than guessing: sent as it is, it is refused.
    data = {
        "start_date": "2026-04-01",
        "end_date": "",
        "case_for_request": "Support to get to the club and to swim.",
        "contribution_period": "week",
        "line-TOTAL_FORMS": "2",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "1",
        "line-MAX_NUM_FORMS": "50",
        "line-0-description": "Support worker, 3 hours",
        "line-0-purpose": f"s:{weekly.pk}",
        "line-0-amount": "45.00",
        "line-0-period": "week",
        "line-1-description": "Swimming for Health",
        "line-1-purpose": f"s:{session.pk}",
        "line-1-amount": "3.50",
        "line-1-period": "",
    }
    refused = practitioner_client.post(url, data)
    assert refused.status_code == 200 and "Choose how often it is paid." in refused.content.decode()
    data["line-1-period"] = "week"
    sent = practitioner_client.post(url, data)
    assert sent.status_code == 302, re.findall(r"error[^>]*>([^<]{3,200})<", sent.content.decode())
    budget_request = BudgetRequest.objects.get()
    assert sorted(budget_request.lines.values_list("solution_id", flat=True)) == sorted(
        [weekly.pk, session.pk]
    )
    # Asked for already: a second request does not offer them again.
    assert 'value="Support worker, 3 hours"' not in practitioner_client.get(url).content.decode()
    decide(team_leader, budget_request)
    weekly.refresh_from_db()
    session.refresh_from_db()
    assert weekly.status == session.status == SolutionStatus.AGREED
