"""SDS-4: delegated limits enforced in the service (a forged approval above the approver's
limit is refused and logged), routing to the team leader or the decision panel, the panel's
access to exactly the requests referred to it, and decisions the person sees (SDS-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.core.concurrency import StaleEditError
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person
from goldenthread.sds import selectors, services
from goldenthread.sds.authority import limit_for
from goldenthread.sds.factories import DelegatedLimitFactory, make_budget_request
from goldenthread.sds.models import (
    BudgetRequestEvent,
    Decision,
    DecisionAbout,
    EventKind,
    RequestStatus,
)
from goldenthread.sds.services import DecideAction, LineInput

SMALL = [("PA", Decimal("100.00"), "week")]  # £5,200 a year: within the practitioner's
MEDIUM = [("PA", Decimal("300.00"), "week")]  # £15,600: within the team leader's
LARGE = [("PA", Decimal("900.00"), "week")]  # £46,800: panel


def decide(actor, budget_request, action=DecideAction.APPROVE, **kwargs):
    budget_request.refresh_from_db()
    defaults = {"reasons": "Considered the plan", "reasons_for_person": "It meets your outcomes."}
    return services.budget_request_decide(
        actor=actor,
        budget_request=budget_request,
        action=action,
        expected_version=budget_request.version,
        **{**defaults, **kwargs},
    )


def denied_rows(user):
    """Refusals of someone who may not open the record (no relationship to the person)."""
    return list(AccessLog.objects.filter(actor=user, action=AccessAction.DENIED))


def refused_rows(user):
    """Refused changes: a decision refused to someone who may open the record (SEC-3)."""
    return list(AccessLog.objects.filter(actor=user, action=AccessAction.CHANGE_REFUSED))


def test_within_the_team_leaders_limit_it_waits_for_a_decision(person, limits):
    budget_request = make_budget_request(person, lines=MEDIUM)
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    assert budget_request.referred_at is None


def test_above_the_team_leaders_limit_it_goes_to_the_panel(person, limits):
    budget_request = make_budget_request(person, lines=LARGE)
    assert budget_request.status == RequestStatus.AT_PANEL
    assert budget_request.referred_at is not None
    kinds = list(budget_request.events.values_list("kind", "actor_id"))
    assert kinds == [
        (EventKind.REQUESTED, budget_request.requested_by_id),
        (EventKind.REFERRED, None),
    ]
    referred = budget_request.events.get(kind=EventKind.REFERRED)
    assert (
        "£46,800.00 a year is more than the team leader's delegated limit of £35,000.00"
        in referred.reasons
    )
    assert referred.limit_applied == Decimal("35000.00")


def test_with_no_limits_set_nothing_is_agreed_below_the_panel(person):
    budget_request = make_budget_request(person, lines=SMALL)
    assert budget_request.status == RequestStatus.AT_PANEL


def test_a_team_leaders_own_limit_routes_and_decides(person, team_leader, limits):
    DelegatedLimitFactory(role="team_leader", user=team_leader, amount_per_year=Decimal("50000"))
    assert limit_for(team_leader) == Decimal("50000.00")
    budget_request = make_budget_request(person, lines=LARGE)
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    decide(team_leader, budget_request)
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.APPROVED


@pytest.fixture
def colleague(person, other_practitioner):
    """A second practitioner allocated to the person (for example a duty worker)."""
    AllocationFactory(person=person, worker=other_practitioner, description="Duty worker")
    return other_practitioner


def test_practitioner_agrees_within_their_own_limit(person, practitioner, colleague, limits):
    budget_request = make_budget_request(person, lines=SMALL, actor=colleague)
    event = decide(practitioner, budget_request)
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.APPROVED
    assert budget_request.decided_at is not None
    assert event.kind == EventKind.APPROVED and event.limit_applied == Decimal("8000.00")
    decision = Decision.objects.get(budget_request=budget_request)
    assert decision.about == DecisionAbout.BUDGET
    assert decision.summary == "Budget of £5,200.00 a year agreed"
    assert decision.reasons == "It meets your outcomes."


def test_forged_approval_above_the_practitioners_limit_is_refused_and_logged(
    person, practitioner, colleague, limits
):
    budget_request = make_budget_request(person, lines=MEDIUM, actor=colleague)
    with pytest.raises(PermissionDenied, match="more than your delegated limit of £8,000.00"):
        decide(practitioner, budget_request)
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    assert budget_request.events.count() == 1
    [row] = refused_rows(practitioner)
    assert not denied_rows(practitioner)
    assert row.person_id == person.pk
    assert "Refused" in row.reason and "£8,000.00" in row.reason
    assert budget_request.reference in row.what


def test_forged_approval_by_the_team_leader_of_a_panel_request_is_refused_and_logged(
    person, team_leader, limits
):
    budget_request = make_budget_request(person, lines=LARGE)
    with pytest.raises(PermissionDenied, match="with the decision panel"):
        decide(team_leader, budget_request)
    assert len(refused_rows(team_leader)) == 1
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.AT_PANEL


def test_team_leader_above_limit_after_limit_lowered_is_refused(person, team_leader, limits):
    budget_request = make_budget_request(person, lines=MEDIUM)
    DelegatedLimitFactory(role="team_leader", user=team_leader, amount_per_year=Decimal("1000"))
    with pytest.raises(PermissionDenied, match="£1,000.00"):
        decide(team_leader, budget_request)
    assert len(refused_rows(team_leader)) == 1
    # Referring on is still open to them.
    decide(team_leader, budget_request, DecideAction.REFER, reasons="Above my limit now")
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.AT_PANEL


def test_team_leader_of_another_team_cannot_decide(person, other_team_leader, limits):
    budget_request = make_budget_request(person, lines=SMALL)
    with pytest.raises(PermissionDenied):
        decide(other_team_leader, budget_request)
    assert len(denied_rows(other_team_leader)) == 1  # they may not open the record
    assert not refused_rows(other_team_leader)


def test_unrelated_practitioner_and_superuser_administrator_cannot_decide(
    person, other_practitioner, administrator, limits
):
    budget_request = make_budget_request(person, lines=SMALL)
    for user in (other_practitioner, administrator):
        with pytest.raises(PermissionDenied):
            decide(user, budget_request)
        assert len(denied_rows(user)) == 1


def test_practitioner_cannot_refer_to_the_panel(person, practitioner, limits):
    budget_request = make_budget_request(person, lines=SMALL, actor=practitioner)
    with pytest.raises(PermissionDenied):
        decide(practitioner, budget_request, DecideAction.REFER, reasons="x")


def test_team_leader_refers_then_panel_decides_with_reasons(
    person, team_leader, panel_member, limits
):
    budget_request = make_budget_request(person, lines=MEDIUM)
    decide(
        team_leader,
        budget_request,
        DecideAction.REFER,
        reasons="An unusual request; the panel should see it.",
    )
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.AT_PANEL and budget_request.referred_at
    event = decide(
        panel_member,
        budget_request,
        DecideAction.DECLINE,
        reasons="Community transport covers the taxi.",
        reasons_for_person="The new community bus stops at your club.",
    )
    assert event.kind == EventKind.PANEL_DECIDED and event.decision == "declined"
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.DECLINED
    decision = Decision.objects.get(budget_request=budget_request)
    assert decision.decided_by.startswith("Decision panel")
    assert decision.reasons == "The new community bus stops at your club."
    kinds = list(budget_request.events.values_list("kind", flat=True))
    assert kinds == [EventKind.REQUESTED, EventKind.REFERRED, EventKind.PANEL_DECIDED]


def test_panel_member_cannot_decide_a_request_not_referred(person, panel_member, limits):
    budget_request = make_budget_request(person, lines=SMALL)
    with pytest.raises(PermissionDenied, match="not been referred"):
        decide(panel_member, budget_request)
    assert len(denied_rows(panel_member)) == 1


def test_decline_needs_reasons_and_reasons_for_the_person(person, team_leader, limits):
    budget_request = make_budget_request(person, lines=SMALL)
    with pytest.raises(ValidationError) as caught:
        decide(
            team_leader, budget_request, DecideAction.DECLINE, reasons=" ", reasons_for_person=""
        )
    assert caught.value.message_dict["reasons"] == ["Give the reasons for not agreeing the budget."]
    assert (
        "as they will be explained to the person"
        in caught.value.message_dict["reasons_for_person"][0]
    )
    assert BudgetRequestEvent.objects.filter(request=budget_request).count() == 1


def test_a_decision_from_a_stale_copy_is_refused(
    person, team_leader, practitioner, colleague, limits
):
    budget_request = make_budget_request(person, lines=SMALL, actor=colleague)
    stale_version = budget_request.version
    decide(practitioner, budget_request)
    budget_request.status = RequestStatus.AWAITING_DECISION  # the copy the leader opened
    with pytest.raises(StaleEditError):
        services.budget_request_decide(
            actor=team_leader,
            budget_request=budget_request,
            action=DecideAction.APPROVE,
            reasons_for_person="x",
            expected_version=stale_version,
        )
    assert Decision.objects.filter(budget_request=budget_request).count() == 1


def test_a_decided_request_cannot_be_decided_again(
    person, practitioner, team_leader, colleague, limits
):
    budget_request = make_budget_request(person, lines=SMALL, actor=colleague)
    decide(practitioner, budget_request)
    with pytest.raises(PermissionDenied, match="has been decided"):
        decide(team_leader, budget_request, DecideAction.DECLINE, reasons="No")


# --- Who sees which request -----------------------------------------------------------------


def test_requests_for_panel_is_exactly_the_referred_ones(
    person, team, panel_member, practitioner, limits
):
    referred = make_budget_request(person, lines=LARGE)
    waiting = make_budget_request(person, lines=SMALL)
    other = PersonFactory(team=team)
    AllocationFactory(person=other, worker=practitioner)
    referred_elsewhere = make_budget_request(other, lines=LARGE)
    ids = set(selectors.requests_for_panel(panel_member).values_list("pk", flat=True))
    assert ids == {referred.pk, referred_elsewhere.pk}
    assert waiting.pk not in ids
    for user in (practitioner, None):
        assert not selectors.requests_for_panel(user).exists()
    # The panel's access is to requests, never to the person's record.
    assert not Person.objects.visible_to(panel_member).exists()


def test_team_leader_queue_is_their_teams_waiting_requests(
    person, team_leader, other_team_leader, other_team, limits
):
    waiting = make_budget_request(person, lines=MEDIUM)
    at_panel = make_budget_request(person, lines=LARGE)
    elsewhere = PersonFactory(team=other_team)
    AllocationFactory(person=elsewhere)
    make_budget_request(elsewhere, lines=MEDIUM)
    assert list(selectors.requests_awaiting_team_leader(team_leader)) == [waiting]
    assert list(selectors.team_requests_at_panel(team_leader)) == [at_panel]
    assert waiting not in selectors.requests_awaiting_team_leader(other_team_leader)


def test_factory_line_inputs_are_accepted(person, limits):
    budget_request = make_budget_request(
        person, lines=[LineInput(description="PA", amount=Decimal("1.00"), period="year")]
    )
    assert budget_request.total_per_year == Decimal("1.00")


def test_panel_wait_is_measured_against_the_configured_maximum(person, limits, settings):
    import datetime

    from django.utils import timezone

    from goldenthread.sds.presenters import panel_wait

    twelve_days_ago = timezone.now() - datetime.timedelta(days=12)
    budget_request = make_budget_request(person, lines=LARGE, at=twelve_days_ago)
    wait = panel_wait(budget_request)
    assert (wait.days, wait.max_days, wait.over) == (12, 28, False)  # the default
    settings.GOLDENTHREAD_PANEL_MAX_WAIT_DAYS = 10
    wait = panel_wait(budget_request)
    assert wait.over and wait.text == ("Waiting 12 days: longer than the agreed maximum of 10 days")
