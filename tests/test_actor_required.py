"""Every write service in people, support, sds and risk refuses a missing actor (#11).

They used to skip their role check when `actor=None`, so any caller that lost track of
who was acting wrote to a person's record as nobody. Each public service with an `actor`
is called here with `actor=None`: it must raise PermissionDenied and write nothing. A new
service that is not listed here fails `test_every_service_with_an_actor_is_covered`.
"""

from __future__ import annotations

import datetime
import inspect
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from goldenthread.audit.models import ChangeRecord
from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people import services as people
from goldenthread.people.factories import CircleMemberFactory
from goldenthread.people.models import Allocation
from goldenthread.risk import services as risk
from goldenthread.risk.factories import RiskEnablementFactory
from goldenthread.sds import services as sds
from goldenthread.sds.factories import (
    DecisionFactory,
    UnmetNeedFactory,
    make_budget_request,
    set_limits,
)
from goldenthread.sds.models import FirstChoiceNotDelivered, SdsOption
from goldenthread.support import services as support
from goldenthread.support.factories import SolutionFactory

MODULES = (people, support, sds, risk)
TODAY = datetime.date(2026, 6, 2)  # the day before the pinned clock (conftest)

# Functions that take the actor only to read on their behalf; they write nothing.
READS = {"recent_possible_duplicates"}  # people: the CHI duplicate limit (#11)


def _calls(r):
    """name -> a call with actor=None and otherwise sensible arguments."""
    person, outcome, solution = r["person"], r["outcome"], r["solution"]
    return {
        # people
        "person_create": lambda: people.person_create(
            actor=None,
            team=person.team,
            area=person.area,
            given_name="Ann",
            family_name="Bell",
            date_of_birth=datetime.date(1950, 1, 1),
        ),
        "person_update": lambda: people.person_update(
            actor=None, person=person, expected_version=person.version, given_name="Nobody"
        ),
        "circle_member_add": lambda: people.circle_member_add(
            actor=None, person=person, name="Ann", relationship="Daughter"
        ),
        "circle_member_update": lambda: people.circle_member_update(
            actor=None, member=r["member"], expected_version=r["member"].version, name="X"
        ),
        "circle_member_remove": lambda: people.circle_member_remove(actor=None, member=r["member"]),
        "allocation_start": lambda: people.allocation_start(
            actor=None, person=person, worker=r["other_practitioner"], start_date=TODAY
        ),
        "allocation_end": lambda: people.allocation_end(
            actor=None, allocation=r["allocation"], end_date=TODAY
        ),
        # The CHI work (#11) adds this one; listed here so the check covers it once merged.
        "possible_duplicate_resolve": lambda: people.possible_duplicate_resolve(
            actor=None, possible_duplicate=None, resolution="Asked the other team"
        ),
        # support
        "support_planning_save": lambda: support.support_planning_save(
            actor=None, person=person, outcome=outcome, expected_version=0, tried_already="Nothing"
        ),
        "step_mark_nothing_suitable": lambda: support.step_mark_nothing_suitable(
            actor=None, person=person, outcome=outcome, step="technology", expected_version=0
        ),
        "step_reopen": lambda: support.step_reopen(
            actor=None, person=person, outcome=outcome, step="technology", expected_version=0
        ),
        "solution_add": lambda: support.solution_add(
            actor=None, person=person, outcome=outcome, step="yourself", what="Walk daily"
        ),
        "solution_add_from_resource": lambda: support.solution_add_from_resource(
            actor=None, person=person, outcome=outcome, step="community", resource_id=uuid.uuid4()
        ),
        "solution_update": lambda: support.solution_update(
            actor=None, solution=solution, expected_version=solution.version, what="Changed"
        ),
        "solution_remove": lambda: support.solution_remove(actor=None, solution=solution),
        "checklist_save": lambda: support.checklist_save(
            actor=None,
            person=person,
            outcome=outcome,
            answers={"yourself": ("yes", "")},
            expected_versions={"yourself": 0},
        ),
        # sds
        "sds_options_record": lambda: sds.sds_options_record(
            actor=None, person=person, explanations=[]
        ),
        "sds_mix_record": lambda: sds.sds_mix_record(
            actor=None, person=person, parts={solution: "option_1"}, expected_version=1
        ),
        "unmet_need_record": lambda: sds.unmet_need_record(
            actor=None,
            person=person,
            need="A break",
            category="getting_out",
            reason="no_provider",
            identified_on=TODAY,
        ),
        "unmet_need_mark_met": lambda: sds.unmet_need_mark_met(
            actor=None,
            unmet_need=r["unmet"],
            met_on=TODAY,
            how_met="A new club",
            expected_version=r["unmet"].version,
        ),
        "first_choice_not_delivered_record": lambda: sds.first_choice_not_delivered_record(
            actor=None,
            person=person,
            first_choice=SdsOption.OPTION_1,
            why="None free",
            alternative_offered="An agency",
            plan_to_meet_need="Look again",
            need="Help",
            category="getting_out",
            identified_on=TODAY,
        ),
        "first_choice_answer_record": lambda: sds.first_choice_answer_record(
            actor=None,
            record=r["shortfall"],
            alternative_accepted="yes",
            plan_to_meet_need="Look again",
            expected_version=r["shortfall"].version,
        ),
        "indicative_budget_record": lambda: sds.indicative_budget_record(
            actor=None,
            person=person,
            amount=Decimal("5000.00"),
            period="year",
            told_on=TODAY,
            how_told="letter",
        ),
        "budget_request_submit": lambda: sds.budget_request_submit(
            actor=None,
            person=person,
            start_date=TODAY,
            case_for_request="For the club",
            lines=[sds.LineInput(description="PA", amount=Decimal("10.00"), period="week")],
        ),
        "check_decision_allowed": lambda: sds.check_decision_allowed(
            actor=None, budget_request=r["request"], action="approve"
        ),
        "budget_request_decide": lambda: sds.budget_request_decide(
            actor=None,
            budget_request=r["request"],
            action="approve",
            reasons_for_person="Agreed",
            expected_version=r["request"].version,
        ),
        "decision_record": lambda: sds.decision_record(
            actor=None,
            person=person,
            about="budget",
            summary="Agreed",
            reasons="Because",
            decided_on=TODAY,
            decided_by="Someone",
        ),
        "decision_sharing_record": lambda: sds.decision_sharing_record(
            actor=None, decision=r["decision"], shared_on=TODAY, how="letter"
        ),
        "delegated_limit_save": lambda: sds.delegated_limit_save(
            actor=None,
            limit=sds.DelegatedLimit(role="practitioner", amount_per_year=Decimal("1.00")),
            before=None,
        ),
        "delegated_limit_delete": lambda: sds.delegated_limit_delete(
            actor=None, limit=sds.DelegatedLimit.objects.first()
        ),
        # risk
        "risk_record": lambda: risk.risk_record(
            actor=None, person=person, outcome=outcome, **r["risk_fields"]
        ),
        "risk_update": lambda: risk.risk_update(
            actor=None,
            risk=r["risk"],
            expected_version=r["risk"].version,
            outcome=outcome,
            **r["risk_fields"],
        ),
        "risk_agreement_add": lambda: risk.risk_agreement_add(
            actor=None,
            risk=r["risk"],
            name="Ann",
            role="Daughter",
            agreed_to="Visit",
            agreed_on=TODAY,
        ),
        "risk_view_add": lambda: risk.risk_view_add(
            actor=None,
            risk=r["risk"],
            whose="person",
            name="Jean",
            view="I want to go",
            given_on=TODAY,
        ),
    }


def _public_services_with_an_actor():
    for module in MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if "actor" in inspect.signature(function).parameters and name not in READS:
                yield name


@pytest.fixture
def record(person, practitioner, other_practitioner, pinned_clock):
    set_limits()
    conversation = ConversationFactory(person=person)
    outcome = OutcomeFactory(positive_change=PositiveChangeFactory(conversation=conversation))
    shortfall = sds.first_choice_not_delivered_record(
        actor=practitioner,
        person=person,
        first_choice=SdsOption.OPTION_1,
        why="None free",
        alternative_offered="An agency",
        plan_to_meet_need="Look again",
        need="Help",
        category="getting_out",
        identified_on=TODAY,
    )
    risk_fields = {
        "activity": "Going to the club on her own",
        "could_go_wrong": "A fall on the way",
        "good_it_brings": "Seeing her friends",
        "least_restrictive": "A phone with her",
    }
    return {
        "person": person,
        "outcome": outcome,
        "solution": SolutionFactory(outcome=outcome, costed=True),
        "member": CircleMemberFactory(person=person),
        "other_practitioner": other_practitioner,
        "allocation": person.allocations.get(worker=practitioner),
        "unmet": UnmetNeedFactory(person=person),
        "shortfall": FirstChoiceNotDelivered.objects.get(pk=shortfall.pk),
        "request": make_budget_request(person, actor=practitioner),
        "decision": DecisionFactory(person=person),
        "risk": RiskEnablementFactory(person=person, outcome=outcome),
        "risk_fields": risk_fields,
    }


def test_every_service_with_an_actor_is_covered():
    names = set(_public_services_with_an_actor())
    fake = dict.fromkeys(["person", "outcome", "solution"])
    listed = {name for name in _calls(fake) if any(hasattr(m, name) for m in MODULES)}
    assert names == listed, "list every service with an actor in _calls"


@pytest.mark.parametrize("name", sorted(_public_services_with_an_actor()))
def test_a_service_refuses_a_missing_actor_and_writes_nothing(record, name):
    call = _calls(record)[name]
    changes = ChangeRecord.objects.count()
    with pytest.raises(PermissionDenied):
        call()
    assert ChangeRecord.objects.count() == changes


def test_allocating_the_creator_is_a_named_path_not_a_missing_actor(practitioner, team, area):
    """person_create allocates the practitioner who adds the person (its own check is the
    casework one); it does not need a team leader and never runs without an actor."""
    person = people.person_create(
        actor=practitioner,
        team=team,
        area=area,
        given_name="Ann",
        family_name="Bell",
        date_of_birth=datetime.date(1950, 1, 1),
        allocate_to=practitioner,
    )
    assert Allocation.objects.filter(person=person, worker=practitioner).exists()
