"""SS-6 hooks: the SDS and risk parts of the support plan as plain data in everyday words,
with a fixed number of queries; and record/plan_sds.py, plan_risk.py that put them in the plan (#17)."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.accounts.factories import TeamLeaderFactory
from goldenthread.record import plan_risk, plan_sds
from goldenthread.risk.factories import RiskEnablementFactory, RiskViewFactory
from goldenthread.risk.models import Whose
from goldenthread.sds import services
from goldenthread.sds.factories import (
    DecisionFactory,
    IndicativeBudgetFactory,
    UnmetNeedFactory,
    make_budget_request,
    record_options,
)
from goldenthread.sds.models import SdsOption
from goldenthread.sds.selectors import plan_sds_section
from goldenthread.support.factories import SolutionFactory

from .conftest import make_outcome


def fill(person, practitioner, n=1):
    outcome = make_outcome(person)
    leader = TeamLeaderFactory(team=person.team)
    for _ in range(n):
        budget_request = make_budget_request(
            person,
            actor=practitioner,
            lines=[
                services.LineInput(
                    description="PA", amount=Decimal("100.00"), period="week", outcome=outcome
                )
            ],
        )
        budget_request.refresh_from_db()
        services.budget_request_decide(  # the team leader: no one decides their own
            actor=leader,
            budget_request=budget_request,
            action="approve",
            reasons_for_person="It pays for what matters to you.",
            expected_version=budget_request.version,
        )
        make_budget_request(
            person, actor=practitioner, lines=[("Overnight", Decimal("900.00"), "week")]
        )
        decision = DecisionFactory(person=person)
        services.decision_sharing_record(
            actor=practitioner, decision=decision, shared_on=decision.decided_on, how="letter"
        )
        UnmetNeedFactory(person=person, outcome=outcome)
        IndicativeBudgetFactory(person=person)
    return outcome


def test_plan_sds_section_in_everyday_words(person, practitioner, limits):
    outcome = make_outcome(person)
    solution = SolutionFactory(outcome=outcome, costed=True)
    choice = record_options(
        person, actor=practitioner, chosen=SdsOption.OPTION_4, reasons="Some of each, please."
    )
    services.sds_mix_record(
        actor=practitioner,
        person=person,
        parts={solution: "option_1"},
        expected_version=choice.version,
    )
    fill(person, practitioner)
    section = plan_sds_section(person)
    assert [o.explained for o in section.options] == [True] * 4
    assert section.options[0].how == "In conversation and with a leaflet"
    assert section.choice.reasons == "Some of each, please."
    assert section.choice.meaning.startswith("A mix")
    assert section.mix[0].part == solution.what
    assert section.mix[0].option_title == "Option 1: direct payment"
    assert section.agreed.total_per_year == "£5,200.00"
    assert section.agreed.lines[0].outcome == outcome.statement
    assert section.open_requests[0].status == "Waiting for the decision panel"
    assert "(the agreed maximum is 28 days)" in section.open_requests[0].wait
    assert section.indicative.amount == "£9,500.00 a year"
    decisions = {d.summary: d for d in section.decisions}
    assert (
        decisions["Budget of £5,200.00 a year agreed"].reasons == "It pays for what matters to you."
    )
    shared = [d for d in section.decisions if d.shared]
    assert shared and shared[0].shared_text.startswith("Shared with you on")
    assert section.unmet_needs[0].reason == "No provider available"


def test_plan_sds_section_query_count_is_constant(
    person, practitioner, limits, django_assert_num_queries
):
    record_options(person, actor=practitioner)
    fill(person, practitioner, 1)
    with django_assert_num_queries(11):
        plan_sds_section(person)
    fill(person, practitioner, 4)
    with django_assert_num_queries(11):
        plan_sds_section(person)


def test_empty_plan_section(person):
    section = plan_sds_section(person)
    assert section.is_empty and section.choice is None and section.agreed is None


def test_the_sds_and_risk_parts_fill_the_plan(person, practitioner, limits):
    from goldenthread.record.plan import build_plan

    record_options(person, actor=practitioner)
    outcome = fill(person, practitioner)
    risk = RiskEnablementFactory(outcome=outcome)
    RiskViewFactory(risk=risk, whose=Whose.GUARDIAN, name="R. Campbell", view="Escort her")
    plan = build_plan(person)
    plan_sds.add_to_plan(person, plan)
    plan_risk.add_to_plan(person, plan)
    assert plan.sds_choices.title == "How your support is arranged"
    assert any("Option 2" in item.text for item in plan.sds_choices.items)
    assert plan.budget.items[0].label == "The likely budget you were told"
    assert any(item.label == "Your agreed budget" for item in plan.budget.items)
    assert plan.decisions.easy_title == "What was decided, and why?"
    assert "R. Campbell" in plan.risks.items[0].text
    assert all(item.easy_text for section in plan.extra_sections for item in section.items)

    with CaptureQueriesContext(connection) as small:
        plan_sds.add_to_plan(person, plan)
        plan_risk.add_to_plan(person, plan)
    fill(person, practitioner, 3)
    with CaptureQueriesContext(connection) as big:
        plan_sds.add_to_plan(person, plan)
        plan_risk.add_to_plan(person, plan)
    assert len(small.captured_queries) == len(big.captured_queries) == 14


def test_nothing_recorded_means_no_sections(person):
    from goldenthread.record.plan import build_plan

    plan = build_plan(person)
    plan_sds.add_to_plan(person, plan)
    plan_risk.add_to_plan(person, plan)
    assert plan.sds_choices is None and plan.budget is None and plan.decisions is None
    assert plan.risks is None
