"""Issue #11 findings on budget requests (SDS-4, Std 8.2; SEC-2):

- four eyes: whoever sent a request never agrees or declines it (refused in the service
  with a DENIED row, not offered on the page), and routing still works;
- a refused decision writes exactly one access-log row for the request that tried it;
- the same request form sent twice makes one request;
- once a request is decided, the decision panel's access to it ends.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import form_token, sign_in
from goldenthread.accounts.factories import PanelMemberFactory, TeamLeaderFactory
from goldenthread.accounts.models import Role
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.core import services as core_services
from goldenthread.core.formatting import datetime_text
from goldenthread.people.factories import AllocationFactory
from goldenthread.sds import services
from goldenthread.sds.factories import make_budget_request
from goldenthread.sds.models import BudgetRequest, EventKind, RequestStatus
from goldenthread.sds.services import DecideAction

from .test_pages import request_post

SMALL = [("PA", Decimal("100.00"), "week")]  # £5,200 a year: within the practitioner's
MEDIUM = [("PA", Decimal("300.00"), "week")]  # £15,600: within the team leader's
LARGE = [("PA", Decimal("900.00"), "week")]  # £46,800: the panel's


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


def denied(user):
    return list(AccessLog.objects.filter(actor=user, action=AccessAction.DENIED))


def refused(user):
    """A decision refused to someone who may open the record: a refused change (SEC-3)."""
    return list(AccessLog.objects.filter(actor=user, action=AccessAction.CHANGE_REFUSED))


# --- Four eyes: the sender never decides ---------------------------------------------------


@pytest.mark.parametrize("action", [DecideAction.APPROVE, DecideAction.DECLINE])
def test_a_practitioner_never_decides_a_request_they_sent(
    person, practitioner, team_leader, limits, action
):
    budget_request = make_budget_request(person, lines=SMALL, actor=practitioner)
    # Within the practitioner's own limit, and still it waits for the team leader.
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    with pytest.raises(PermissionDenied, match="You sent this request"):
        decide(practitioner, budget_request, action)
    [row] = refused(practitioner)
    assert row.person_id == person.pk and budget_request.reference in row.what
    assert "four eyes" in row.reason
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    assert list(budget_request.events.values_list("kind", flat=True)) == [EventKind.REQUESTED]
    decide(team_leader, budget_request, action)  # the team leader decides it
    budget_request.refresh_from_db()
    assert budget_request.status in (RequestStatus.APPROVED, RequestStatus.DECLINED)


def test_a_team_leader_never_decides_their_own_request_another_team_leader_does(
    person, team, team_leader, limits
):
    deputy = TeamLeaderFactory(team=team, username="deputy")
    budget_request = make_budget_request(person, lines=MEDIUM, actor=team_leader)
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    for action in (DecideAction.APPROVE, DecideAction.DECLINE):
        with pytest.raises(PermissionDenied, match="You sent this request"):
            decide(team_leader, budget_request, action)
    assert len(refused(team_leader)) == 2
    decide(deputy, budget_request)
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.APPROVED


def test_a_team_leader_may_still_refer_their_own_request_to_the_panel(
    person, team, team_leader, panel_member, limits
):
    TeamLeaderFactory(team=team, username="deputy")
    budget_request = make_budget_request(person, lines=MEDIUM, actor=team_leader)
    decide(
        team_leader,
        budget_request,
        DecideAction.REFER,
        reasons="I sent it; the panel should decide.",
    )
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.AT_PANEL


def test_the_only_team_leaders_own_request_goes_to_the_panel(
    person, team_leader, panel_member, limits
):
    budget_request = make_budget_request(person, lines=SMALL, actor=team_leader)
    assert budget_request.status == RequestStatus.AT_PANEL
    referred = budget_request.events.get(kind=EventKind.REFERRED)
    assert "sent by the team leader" in referred.reasons and "four eyes" in referred.reasons
    decide(panel_member, budget_request)
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.APPROVED


def test_the_senders_own_limit_does_not_route_their_request(person, team, team_leader, limits):
    """A team leader's own higher limit cannot keep their request from the panel."""
    from goldenthread.sds.factories import DelegatedLimitFactory

    TeamLeaderFactory(team=team, username="deputy")  # the role's £35,000
    DelegatedLimitFactory(role=Role.TEAM_LEADER, user=team_leader, amount_per_year=Decimal("50000"))
    budget_request = make_budget_request(person, lines=LARGE, actor=team_leader)
    assert budget_request.status == RequestStatus.AT_PANEL


def test_a_panel_member_never_decides_a_request_they_sent(person, team_leader, limits):
    budget_request = make_budget_request(person, lines=LARGE, actor=team_leader)
    assert budget_request.status == RequestStatus.AT_PANEL
    team_leader.role, team_leader.team = Role.PANEL_MEMBER, None  # joined the panel since
    team_leader.save()
    with pytest.raises(PermissionDenied, match="You sent this request"):
        decide(team_leader, budget_request)
    assert len(refused(team_leader)) == 1  # the panel's page opens the request


def test_the_sender_is_not_offered_the_decision_and_is_told_why(
    practitioner_client, practitioner, person, team_leader, limits
):
    budget_request = make_budget_request(person, lines=SMALL, actor=practitioner)
    url = reverse("sds:request_detail", args=[person.pk, budget_request.pk])
    body = practitioner_client.get(url).content.decode()
    assert "Agree the budget" not in body and "Do not agree the budget" not in body
    assert "You sent this request, so you cannot decide it" in body
    assert "the team leader of the person&#x27;s team" in body


def test_a_forged_self_approval_post_is_refused_with_one_refused_change_row(
    practitioner_client, practitioner, person, limits
):
    budget_request = make_budget_request(person, lines=SMALL, actor=practitioner)
    before = AccessLog.objects.count()
    response = practitioner_client.post(
        reverse("sds:request_detail", args=[person.pk, budget_request.pk]),
        {"action": "approve", "reasons_for_person": "Agreed", "version": budget_request.version},
    )
    assert response.status_code == 403
    assert AccessLog.objects.count() == before + 1
    [row] = AccessLog.objects.filter(actor=practitioner)
    assert row.action == AccessAction.CHANGE_REFUSED and "You sent this request" in row.reason
    budget_request.refresh_from_db()
    assert budget_request.status == RequestStatus.AWAITING_DECISION


def test_the_request_form_and_the_team_leaders_queue_explain_four_eyes(
    practitioner_client, person, team_leader, limits, client
):
    body = practitioner_client.get(reverse("sds:request_create", args=[person.pk])).content.decode()
    assert (
        "You cannot decide a request you send yourself, even one within your own "
        "delegated limit of £8,000.00 a year" in body
    )
    own = make_budget_request(person, lines=MEDIUM, actor=team_leader)  # the only leader
    assert own.status == RequestStatus.AT_PANEL
    TeamLeaderFactory(team=person.team, username="deputy")
    mine = make_budget_request(person, lines=MEDIUM, actor=team_leader)
    sign_in(client, team_leader)
    queue = client.get(reverse("sds:approvals")).content.decode()
    row = queue[queue.index(mine.reference) :]
    row = row[: row.index("</tr>")]
    assert "You sent it, so another team leader or the panel decides" in row


def test_a_request_sent_by_the_practitioner_reaches_the_team_leader_and_the_message_says_so(
    practitioner_client, person, team_leader, limits
):
    response = practitioner_client.post(
        reverse("sds:request_create", args=[person.pk]), request_post(), follow=True
    )
    budget_request = BudgetRequest.objects.get()
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    assert (
        "waiting for a team leader of the person&#x27;s team to decide" in response.content.decode()
    )


# --- One access-log row for a refused decision ----------------------------------------------


def test_a_refused_decision_above_the_limit_writes_one_row(
    person, practitioner, other_practitioner, client, limits
):
    AllocationFactory(person=person, worker=other_practitioner)
    budget_request = make_budget_request(person, lines=MEDIUM, actor=other_practitioner)
    sign_in(client, practitioner)
    before = AccessLog.objects.count()
    response = client.post(
        reverse("sds:request_detail", args=[person.pk, budget_request.pk]),
        {"action": "approve", "reasons_for_person": "x", "version": budget_request.version},
    )
    assert response.status_code == 403
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.get(actor=practitioner).action == AccessAction.CHANGE_REFUSED


def test_a_refused_panel_decision_writes_one_row(client, panel_member, person, limits):
    budget_request = make_budget_request(person, lines=LARGE)
    sign_in(client, panel_member)
    before = AccessLog.objects.count()
    response = client.post(
        reverse("sds:panel_decide", args=[budget_request.pk]),
        {"action": "refer", "reasons": "x", "version": budget_request.version},
    )
    assert response.status_code == 403
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.get(actor=panel_member)
    assert row.action == AccessAction.CHANGE_REFUSED and row.reason.startswith("Refused: ")


def test_an_allowed_decision_writes_one_change_row(team_leader_client, team_leader, person, limits):
    budget_request = make_budget_request(person, lines=MEDIUM)
    before = AccessLog.objects.count()
    response = team_leader_client.post(
        reverse("sds:request_detail", args=[person.pk, budget_request.pk]),
        {"action": "approve", "reasons_for_person": "Agreed", "version": budget_request.version},
    )
    assert response.status_code == 302
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.get(actor=team_leader).action == AccessAction.CHANGE


# --- The same form sent twice ------------------------------------------------------------------


def test_the_same_request_form_sent_twice_makes_one_request(practitioner_client, person, limits):
    url = reverse("sds:request_create", args=[person.pk])
    token = form_token(practitioner_client.get(url).content.decode())
    first = practitioner_client.post(url, request_post(submission_token=token))
    second = practitioner_client.post(url, request_post(submission_token=token), follow=True)
    budget_request = BudgetRequest.objects.get()
    assert first.status_code == 302
    detail = reverse("sds:request_detail", args=[person.pk, budget_request.pk])
    assert first["Location"] == detail and second.redirect_chain[-1][0] == detail
    assert "was sent already" in second.content.decode()
    assert budget_request.events.count() == 1 and budget_request.lines.count() == 2
    # A new form has a new token, and makes a new request.
    assert form_token(practitioner_client.get(url).content.decode()) != token


def test_adding_a_line_keeps_the_forms_token(practitioner_client, person, limits):
    url = reverse("sds:request_create", args=[person.pk])
    token = str(uuid.uuid4())
    body = practitioner_client.post(
        url, {**request_post(submission_token=token), "add_line": "1"}
    ).content.decode()
    assert form_token(body) == token


def test_a_repeated_token_returns_the_first_request(person, practitioner, limits):
    token = uuid.uuid4()
    first = make_budget_request_with_token(person, practitioner, token)
    again = make_budget_request_with_token(person, practitioner, token)
    assert again.pk == first.pk and again.repeated_submission
    assert not first.repeated_submission
    assert BudgetRequest.objects.count() == 1


def test_two_copies_arriving_together_make_one_request(person, practitioner, limits, monkeypatch):
    """The second copy does not see the first when it looks (they arrived together); the
    unique token stops its insert, and it returns the first."""
    token = uuid.uuid4()
    first = make_budget_request_with_token(person, practitioner, token)
    real = core_services.earlier_submission
    calls = []

    def not_yet_visible(model, token, **kwargs):
        calls.append(token)
        return None if len(calls) == 1 else real(model, token, **kwargs)

    monkeypatch.setattr(core_services, "earlier_submission", not_yet_visible)
    again = make_budget_request_with_token(person, practitioner, token)
    assert len(calls) == 2
    assert again.pk == first.pk and again.repeated_submission
    assert BudgetRequest.objects.count() == 1


def test_a_token_of_someone_elses_request_is_refused(
    person, practitioner, other_practitioner, limits
):
    token = uuid.uuid4()
    make_budget_request_with_token(person, practitioner, token)
    AllocationFactory(person=person, worker=other_practitioner)
    with pytest.raises(ValidationError, match="This form has been used already"):
        make_budget_request_with_token(person, other_practitioner, token)
    assert BudgetRequest.objects.count() == 1


def make_budget_request_with_token(person, actor, token):
    return services.budget_request_submit(
        actor=actor,
        person=person,
        start_date=person.created_at.date(),
        lines=[services.LineInput(description="PA", amount=Decimal("100.00"), period="week")],
        case_for_request="To get back to the club.",
        submission_token=token,
    )


# --- The panel's access ends once a request is decided ---------------------------------------


def test_the_panels_access_ends_once_the_request_is_decided(client, panel_member, person, limits):
    budget_request = make_budget_request(person, lines=LARGE)
    url = reverse("sds:panel_decide", args=[budget_request.pk])
    sign_in(client, panel_member)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "approve",
            "reasons": "Needed for safety",
            "reasons_for_person": "Agreed in full.",
            "version": budget_request.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("sds:panel")
    before = AccessLog.objects.count()
    assert client.get(url).status_code == 403
    # The same decision sent again (back and send again, a double click): not the 403
    # page but, as on the team leader's page, "already decided", by whom and when; still
    # refused and logged, and nothing more recorded.
    replay = client.post(
        url,
        {
            "action": "approve",
            "reasons": "Needed for safety",
            "reasons_for_person": "Agreed in full.",
            "version": budget_request.version,
        },
        follow=True,
    )
    assert replay.redirect_chain == [(reverse("sds:panel"), 302)]
    decided_at = budget_request.events.get(kind=EventKind.PANEL_DECIDED).at
    assert (
        f"Budget request {budget_request.reference} has already been decided, by you on "
        f"{datetime_text(decided_at)}: agreed. The form was sent again, so nothing more was "
        "recorded." in replay.content.decode()
    )
    assert budget_request.events.filter(kind=EventKind.PANEL_DECIDED).count() == 1
    assert AccessLog.objects.count() == before + 2  # the two refusals
    # Opening it is refused to open; the decision sent again is a refused change, with why,
    # as a refused budget decision is (SEC-3), not "refused to open".
    [opened] = denied(panel_member)
    [sent] = refused(panel_member)
    assert opened.person_id == sent.person_id == person.pk
    assert "access to this request has ended" in opened.reason
    assert sent.reason == (
        "Refused: decided or returned already: the panel's access to this request has "
        "ended, so nothing more was recorded"
    )
    assert sent.what == "sds:panel_decide"
    # The queue keeps an anonymised line for the member's own decision, with nothing to open.
    queue = client.get(reverse("sds:panel")).content.decode()
    assert budget_request.reference in queue and url not in queue
    assert person.family_name not in queue


def test_a_panel_members_list_shows_only_their_own_decisions(client, panel_member, person, limits):
    colleague = PanelMemberFactory(username="panel2")
    theirs = make_budget_request(person, lines=LARGE)
    mine = make_budget_request(person, lines=LARGE)
    decide(colleague, theirs)
    decide(panel_member, mine)
    sign_in(client, panel_member)
    queue = client.get(reverse("sds:panel")).content.decode()
    assert mine.reference in queue and theirs.reference not in queue
    assert client.get(reverse("sds:panel_decide", args=[theirs.pk])).status_code == 403
    # Their decision form sent late says who decided it and when, not what was decided.
    late = client.post(
        reverse("sds:panel_decide", args=[theirs.pk]),
        {"action": "decline", "reasons": "No", "reasons_for_person": "No", "version": "1"},
        follow=True,
    )
    said = late.content.decode()
    assert late.redirect_chain == [(reverse("sds:panel"), 302)]
    assert f"Budget request {theirs.reference} has already been decided, by " in said
    assert colleague.get_full_name() in said and "Your decision was not recorded." in said
    assert "agreed" not in said.split(theirs.reference)[1].split("</")[0]


def test_someone_not_on_the_panel_is_still_refused_a_decided_request(
    client, practitioner, person, limits
):
    budget_request = make_budget_request(person, lines=LARGE)
    decide(PanelMemberFactory(username="panel3"), budget_request)
    sign_in(client, practitioner)
    url = reverse("sds:panel_decide", args=[budget_request.pk])
    response = client.post(url, {"action": "approve", "version": "1"})
    assert response.status_code == 403
    assert "already been decided" not in response.content.decode()
