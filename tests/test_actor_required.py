"""Every write service refuses a missing actor (#11) and an actor who may not record for
the person (#17).

They used to skip their role check when `actor=None`, so any caller that lost track of
who was acting wrote to a person's record as nobody; conversations, outcomes and reviews
had no check at all. Each public service with an `actor` is called here with `actor=None`
and with a worker who may not see the person: it must raise PermissionDenied and write
nothing. A new service that is not listed here fails
`test_every_service_with_an_actor_is_covered`.
"""

from __future__ import annotations

import datetime
import inspect
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from goldenthread.accountability import services as accountability
from goldenthread.accountability.factories import (
    AdvocacyFactory,
    ChallengeFactory,
    TransitionFactory,
)
from goldenthread.accounts.factories import (
    AdministratorFactory,
    CommissionerFactory,
    PractitionerFactory,
)
from goldenthread.accounts.models import HandoverReason
from goldenthread.audit.models import AccessLog, ChangeRecord
from goldenthread.conversations import services as conversations
from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.outcomes import services as outcomes
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people import services as people
from goldenthread.people.factories import CircleMemberFactory
from goldenthread.people.models import Allocation
from goldenthread.reviews import services as reviews
from goldenthread.reviews.factories import ReviewFactory
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

MODULES = (people, conversations, outcomes, support, sds, risk, reviews, accountability)
TODAY = datetime.date(2026, 6, 2)  # the day before the pinned clock (conftest)

# Functions that take the actor only to read on their behalf; they write nothing.
READS = {
    "recent_possible_duplicates",  # people: the CHI duplicate limit (#11)
    # people: person_create's checks, for an import that adds the person in its own
    # transaction; it records no one (test_the_checks_before_an_import_need_an_actor).
    "person_check_not_recorded",
}


def _atomic(call):
    with transaction.atomic():
        return call()


def _calls(r, actor=None):
    """name -> a call by `actor` with otherwise sensible arguments."""
    person, outcome, solution = r["person"], r["outcome"], r["solution"]
    return {
        # people
        "hand_over_allocations": lambda: people.hand_over_allocations(
            actor=actor,
            worker=person.allocations.first().worker,
            team=person.team,
            last_day=TODAY,
            kind=HandoverReason.LEFT,
            reason="Left the service",
        ),
        "person_create": lambda: people.person_create(
            actor=actor,
            team=person.team,
            area=person.area,
            given_name="Ann",
            family_name="Bell",
            date_of_birth=datetime.date(1950, 1, 1),
        ),
        "person_update": lambda: people.person_update(
            actor=actor, person=person, expected_version=person.version, given_name="Nobody"
        ),
        "circle_member_add": lambda: people.circle_member_add(
            actor=actor, person=person, name="Ann", relationship="Daughter"
        ),
        "circle_member_update": lambda: people.circle_member_update(
            actor=actor, member=r["member"], expected_version=r["member"].version, name="X"
        ),
        "circle_member_remove": lambda: people.circle_member_remove(
            actor=actor, member=r["member"]
        ),
        "allocation_start": lambda: people.allocation_start(
            actor=actor, person=person, worker=r["other_practitioner"], start_date=TODAY
        ),
        "allocation_end": lambda: people.allocation_end(
            actor=actor, allocation=r["allocation"], end_date=TODAY
        ),
        # The CHI work (#11) adds this one; listed here so the check covers it once merged.
        "draft_save": lambda: people.draft_save(
            actor=actor,
            person=person,
            page=f"/people/{person.pk}/edit/",
            boxes=[(f"/people/{person.pk}/edit/|0|0|notes", "Typed")],
        ),
        "draft_list": lambda: people.draft_list(
            actor=actor, person=person, page=f"/people/{person.pk}/edit/"
        ),
        "possible_duplicate_resolve": lambda: people.possible_duplicate_resolve(
            actor=actor, possible_duplicate=None, resolution="Asked the other team"
        ),
        # support
        "support_planning_save": lambda: support.support_planning_save(
            actor=actor, person=person, outcome=outcome, expected_version=0, tried_already="Nothing"
        ),
        "step_mark_nothing_suitable": lambda: support.step_mark_nothing_suitable(
            actor=actor, person=person, outcome=outcome, step="technology", expected_version=0
        ),
        "step_reopen": lambda: support.step_reopen(
            actor=actor, person=person, outcome=outcome, step="technology", expected_version=0
        ),
        "solution_add": lambda: support.solution_add(
            actor=actor, person=person, outcome=outcome, step="yourself", what="Walk daily"
        ),
        "solution_add_from_resource": lambda: support.solution_add_from_resource(
            actor=actor, person=person, outcome=outcome, step="community", resource_id=uuid.uuid4()
        ),
        "solution_update": lambda: support.solution_update(
            actor=actor, solution=solution, expected_version=solution.version, what="Changed"
        ),
        "solution_remove": lambda: support.solution_remove(actor=actor, solution=solution),
        "solution_move": lambda: support.solution_move(
            actor=actor, solution=solution, to_outcome=r["other_outcome"]
        ),
        "solutions_agree_with_budget": lambda: _atomic(
            lambda: support.solutions_agree_with_budget(
                actor=actor, person_id=person.pk, solution_ids=[r["idea"].pk], reference="BR-TEST"
            )
        ),
        "checklist_save": lambda: support.checklist_save(
            actor=actor,
            person=person,
            outcome=outcome,
            answers={"yourself": ("yes", "")},
            expected_versions={"yourself": 0},
        ),
        # sds
        "sds_options_record": lambda: sds.sds_options_record(
            actor=actor, person=person, explanations=[]
        ),
        "sds_mix_record": lambda: sds.sds_mix_record(
            actor=actor, person=person, parts={solution: "option_1"}, expected_version=1
        ),
        "unmet_need_record": lambda: sds.unmet_need_record(
            actor=actor,
            person=person,
            need="A break",
            category="getting_out",
            reason="no_provider",
            identified_on=TODAY,
        ),
        "unmet_need_mark_met": lambda: sds.unmet_need_mark_met(
            actor=actor,
            unmet_need=r["unmet"],
            met_on=TODAY,
            how_met="A new club",
            expected_version=r["unmet"].version,
        ),
        "first_choice_not_delivered_record": lambda: sds.first_choice_not_delivered_record(
            actor=actor,
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
            actor=actor,
            record=r["shortfall"],
            alternative_accepted="yes",
            plan_to_meet_need="Look again",
            expected_version=r["shortfall"].version,
        ),
        "indicative_budget_record": lambda: sds.indicative_budget_record(
            actor=actor,
            person=person,
            amount=Decimal("5000.00"),
            period="year",
            told_on=TODAY,
            how_told="letter",
        ),
        "budget_request_submit": lambda: sds.budget_request_submit(
            actor=actor,
            person=person,
            start_date=TODAY,
            case_for_request="For the club",
            lines=[sds.LineInput(description="PA", amount=Decimal("10.00"), period="week")],
        ),
        "check_decision_allowed": lambda: sds.check_decision_allowed(
            actor=actor, budget_request=r["request"], action="approve"
        ),
        "budget_request_decide": lambda: sds.budget_request_decide(
            actor=actor,
            budget_request=r["request"],
            action="approve",
            reasons_for_person="Agreed",
            expected_version=r["request"].version,
        ),
        "budget_request_resubmit": lambda: sds.budget_request_resubmit(
            actor=actor,
            budget_request=r["request"],
            expected_version=r["request"].version,
            information="Three nights a week",
        ),
        "budget_line_move": lambda: sds.budget_line_move(
            actor=actor, line=r["line"], to_outcome=r["other_outcome"]
        ),
        "unmet_need_move": lambda: sds.unmet_need_move(
            actor=actor, need=r["unmet"], to_outcome=r["other_outcome"]
        ),
        "decision_record": lambda: sds.decision_record(
            actor=actor,
            person=person,
            about="budget",
            summary="Agreed",
            reasons="Because",
            decided_on=TODAY,
            decided_by="Someone",
        ),
        "decision_sharing_record": lambda: sds.decision_sharing_record(
            actor=actor, decision=r["decision"], shared_on=TODAY, how="letter"
        ),
        "delegated_limit_save": lambda: sds.delegated_limit_save(
            actor=actor,
            limit=sds.DelegatedLimit(role="practitioner", amount_per_year=Decimal("1.00")),
            before=None,
        ),
        "delegated_limit_delete": lambda: sds.delegated_limit_delete(
            actor=actor, limit=sds.DelegatedLimit.objects.first()
        ),
        # risk
        "risk_record": lambda: risk.risk_record(
            actor=actor, person=person, outcome=outcome, **r["risk_fields"]
        ),
        "risk_update": lambda: risk.risk_update(
            actor=actor,
            risk=r["risk"],
            expected_version=r["risk"].version,
            outcome=outcome,
            **r["risk_fields"],
        ),
        "risk_agreement_add": lambda: risk.risk_agreement_add(
            actor=actor,
            risk=r["risk"],
            name="Ann",
            role="Daughter",
            agreed_to="Visit",
            agreed_on=TODAY,
        ),
        "risk_view_add": lambda: risk.risk_view_add(
            actor=actor,
            risk=r["risk"],
            whose="person",
            name="Jean",
            view="I want to go",
            given_on=TODAY,
        ),
        # conversations
        "conversation_create": lambda: conversations.conversation_create(
            actor=actor, person=person, held_on=TODAY
        ),
        "conversation_update": lambda: conversations.conversation_update(
            actor=actor,
            conversation=r["conversation"],
            expected_version=r["conversation"].version,
            place="Home",
        ),
        "participant_add": lambda: conversations.participant_add(
            actor=actor, conversation=r["conversation"], kind="other", name="Ann", role="Friend"
        ),
        "step_item_add": lambda: conversations.step_item_add(
            actor=actor, conversation=r["conversation"], item_type="aspiration", text="Travel"
        ),
        "step_items_add": lambda: conversations.step_items_add(
            actor=actor,
            conversation=r["conversation"],
            item_type="aspiration",
            texts=["Travel", "Swim"],
        ),
        "step_item_update": lambda: conversations.step_item_update(
            actor=actor, item=r["item"], expected_version=r["item"].version, text="Changed"
        ),
        "step_item_remove": lambda: conversations.step_item_remove(actor=actor, item=r["item"]),
        "positive_change_add": lambda: conversations.positive_change_add(
            actor=actor,
            conversation=r["conversation"],
            text="Out more",
            from_not_working=[r["item"]],
        ),
        "positive_change_relink": lambda: conversations.positive_change_relink(
            actor=actor,
            change=r["change"],
            expected_version=r["change"].version,
            text="Changed",
            from_not_working=[r["item"]],
            from_aspirations=[],
        ),
        "reflection_record": lambda: conversations.reflection_record(
            actor=actor,
            conversation=r["conversation"],
            answers={"involved": ("yes", "")},
            expected_versions={},
        ),
        # outcomes
        "outcome_create": lambda: outcomes.outcome_create(
            actor=actor, positive_change=r["change"], statement="I will walk to the shop"
        ),
        "outcome_update": lambda: outcomes.outcome_update(
            actor=actor,
            outcome=outcome,
            expected_version=outcome.version,
            statement="Changed",
            baseline="",
            measure="",
            target_date=None,
            assessed_need="",
        ),
        "outcome_check_record": lambda: outcomes.outcome_check_record(
            actor=actor,
            outcome=outcome,
            answers={"achievable": ("yes", "")},
            expected_versions={},
        ),
        "outcome_rewrite": lambda: outcomes.outcome_rewrite(
            actor=actor,
            outcome=outcome,
            statement="New words",
            baseline="",
            measure="",
            target_date=None,
        ),
        "outcome_close": lambda: outcomes.outcome_close(
            actor=actor, outcome=outcome, status="achieved"
        ),
        # reviews
        "review_schedule_set": lambda: reviews.review_schedule_set(
            actor=actor, person=person, next_review_on=TODAY + datetime.timedelta(days=90)
        ),
        "review_start": lambda: reviews.review_start(actor=actor, person=person, held_on=TODAY),
        "review_update": lambda: reviews.review_update(
            actor=actor,
            review=r["review"],
            expected_version=r["review"].version,
            held_on=TODAY,
            what_learned="Changed",
        ),
        "outcome_review_record": lambda: reviews.outcome_review_record(
            actor=actor,
            review=r["review"],
            outcome=outcome,
            rating="partly",
            evidence="She goes out",
            decision="keep",
        ),
        "person_view_add": lambda: reviews.person_view_add(
            actor=actor, review=r["review"], outcome=outcome, in_their_words="Better"
        ),
        "solution_review_record": lambda: reviews.solution_review_record(
            actor=actor, review=r["review"], solution=solution, decision="keep", why=""
        ),
        "review_complete": lambda: reviews.review_complete(
            actor=actor,
            review=r["review"],
            expected_version=r["review"].version,
            next_review_on=TODAY + datetime.timedelta(days=90),
            what_learned="Learned",
        ),
        # agreement and understanding (ACC-4, #13)
        "agreement_record": lambda: outcomes.agreement_record(
            actor=actor,
            person=person,
            outcome=outcome,
            whose="person",
            name="Jean",
            agreed="yes",
            agreed_on=TODAY,
            how="meeting",
        ),
        "understanding_check_record": lambda: sds.understanding_check_record(
            actor=actor,
            person=person,
            about="sds_options",
            checked_on=TODAY,
            how_checked="Told me back",
            understood="yes",
        ),
        # accountability (ACC-1, ACC-2, TR-1, #13)
        "challenge_raise": lambda: accountability.challenge_raise(
            actor=actor,
            person=person,
            raised_by="person",
            raised_by_name="Jean",
            raised_on=TODAY,
            about="budget",
            details="Not enough",
        ),
        "challenge_to_investigation": lambda: accountability.challenge_to_investigation(
            actor=actor,
            challenge=r["challenge"],
            expected_version=r["challenge"].version,
            started_on=TODAY,
            reason="Complex",
        ),
        "challenge_answer": lambda: accountability.challenge_answer(
            actor=actor,
            challenge=r["challenge"],
            expected_version=r["challenge"].version,
            outcome="not_upheld",
            answer="No",
            answered_on=TODAY,
        ),
        "challenge_mediation": lambda: accountability.challenge_mediation(
            actor=actor,
            challenge=r["challenge"],
            expected_version=r["challenge"].version,
            mediation="offered",
            on=TODAY,
        ),
        "challenge_extend": lambda: accountability.challenge_extend(
            actor=actor,
            challenge=r["challenge"],
            expected_version=r["challenge"].version,
            due_on=TODAY + datetime.timedelta(days=3),
            reason="The person's advocate is away this week",
            agreed_by="Service manager",
        ),
        "challenge_escalate": lambda: accountability.challenge_escalate(
            actor=actor,
            challenge=r["challenge"],
            body="spso",
            escalated_on=TODAY,
        ),
        "advocacy_record": lambda: accountability.advocacy_record(
            actor=actor,
            person=person,
            identified_on=TODAY,
            identified_by="Worker",
            why="Meetings are hard",
        ),
        "advocacy_update": lambda: accountability.advocacy_update(
            actor=actor,
            advocacy=r["advocacy"],
            expected_version=r["advocacy"].version,
            why="Changed",
        ),
        "transition_record": lambda: accountability.transition_record(
            actor=actor,
            person=person,
            kind="hospital_discharge",
            planned_on=TODAY,
        ),
        "transition_update": lambda: accountability.transition_update(
            actor=actor,
            transition=r["transition"],
            expected_version=r["transition"].version,
            outcomes=[],
            circle_members=[],
            notes="Changed",
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
def record(pinned_clock, person, practitioner, other_practitioner):
    """Made at the pinned time, so the allocations are running on the day the services see."""
    set_limits()
    conversation = ConversationFactory(person=person)
    item = WorkingItemFactory(conversation=conversation, is_working=False)
    change = PositiveChangeFactory(conversation=conversation, from_not_working=[item])
    outcome = OutcomeFactory(positive_change=change)
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
    request = make_budget_request(person, actor=practitioner)
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
        "request": request,
        "line": request.lines.get(position=2),
        "other_outcome": OutcomeFactory(positive_change=change, statement="Cook on Sundays"),
        "idea": SolutionFactory(outcome=outcome, status="idea", what="Taxi card"),
        "decision": DecisionFactory(person=person),
        "risk": RiskEnablementFactory(person=person, outcome=outcome),
        "risk_fields": risk_fields,
        "conversation": conversation,
        "item": WorkingItemFactory(conversation=conversation, is_working=False),
        "change": change,
        "review": ReviewFactory(person=person, held_on=TODAY),
        "challenge": ChallengeFactory(person=person, raised_on=TODAY, stage_started_on=TODAY),
        "advocacy": AdvocacyFactory(person=person),
        "transition": TransitionFactory(person=person),
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


@pytest.mark.parametrize("name", sorted(_public_services_with_an_actor()))
def test_a_service_refuses_a_worker_who_may_not_see_the_person(record, other_team, name):
    """The one guard (people.guards.require_casework) applies the pages' rule in every
    service: a practitioner of another team, not allocated, records nothing (#17)."""
    outsider = PractitionerFactory(username="olive", team=other_team)
    call = _calls(record, actor=outsider)[name]
    changes = ChangeRecord.objects.count()
    with pytest.raises(PermissionDenied):
        call()
    assert ChangeRecord.objects.count() == changes


@pytest.mark.parametrize(
    "name",
    [
        "person_update",
        "solution_add",
        "outcome_update",
        "reflection_record",
        "review_start",
        "risk_record",
    ],
)
def test_inactive_and_non_casework_actors_are_refused(record, practitioner, name):
    """A worker who has left (inactive) and roles without casework are refused before
    anything is read or written."""
    changes = ChangeRecord.objects.count()
    practitioner.is_active = False
    for actor in (
        practitioner,
        CommissionerFactory(username="cora"),
        AdministratorFactory(username="ada"),
    ):
        with pytest.raises(PermissionDenied):
            _calls(record, actor=actor)[name]()
    assert ChangeRecord.objects.count() == changes


def test_a_refusal_for_a_person_not_seen_is_in_their_access_log(record, other_team):
    outsider = PractitionerFactory(username="olive", team=other_team)
    with pytest.raises(PermissionDenied):
        _calls(record, actor=outsider)["solution_add"]()
    refusal = AccessLog.objects.filter(person_id=record["person"].pk, actor=outsider).get()
    assert refusal.action == "denied" and refusal.what == "services: plan support"


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


def test_the_checks_before_an_import_need_an_actor(db):
    """person_check_not_recorded (the FHIR import's checks, SEC-2) refuses a missing actor
    before it reads anything."""
    with pytest.raises(PermissionDenied):
        people.person_check_not_recorded(
            actor=None,  # type: ignore[arg-type]
            given_name="Ann",
            family_name="Bell",
            date_of_birth=datetime.date(1950, 1, 1),
        )
