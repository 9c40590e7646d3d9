"""Delegated authority (SDS-4, Std 8.2, 8.9): who may agree a budget request, enforced on
the server. Views ask `authority_for` to decide what to show; services call it again before
writing, so a forged form can never agree more than the approver's limit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from goldenthread.accounts.models import Role, User
from goldenthread.people.models import Person

from .models import BudgetRequest, DelegatedLimit, RequestStatus

DEFAULT_PANEL_MAX_WAIT_DAYS = 28


def panel_max_wait_days() -> int:
    """The longest a person should wait for a panel decision (Std 8.10)."""
    return int(getattr(settings, "GOLDENTHREAD_PANEL_MAX_WAIT_DAYS", DEFAULT_PANEL_MAX_WAIT_DAYS))


def limit_for(user: User) -> Decimal | None:
    """The year's budget `user` may agree: their own limit if set, else their role's.

    None means no authority at all (other roles, or no limit configured: nothing is agreed
    by default until an administrator sets a limit)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.role not in (Role.PRACTITIONER, Role.TEAM_LEADER):
        return None
    rows = {
        (row.user_id is not None): row.amount_per_year
        for row in DelegatedLimit.objects.filter(role=user.role).filter(
            Q(user=user) | Q(user__isnull=True)
        )
    }
    if True in rows:
        return rows[True]
    return rows.get(False)


def routing_limit(person: Person, *, requester: User | None = None) -> Decimal | None:
    """The most the team leaders of the person's team may agree (their own limits where
    set, else the team leader role's). A request above it goes straight to the panel.

    `requester` never decides their own request (four eyes, Std 8.2), so their own limit
    does not count: the other team leaders' limits do."""
    leaders = User.objects.filter(team_id=person.team_id, role=Role.TEAM_LEADER, is_active=True)
    if requester is not None:
        leaders = leaders.exclude(pk=requester.pk)
    limits = [limit for limit in (limit_for(leader) for leader in leaders) if limit is not None]
    if limits:
        return max(limits)
    row = DelegatedLimit.objects.filter(role=Role.TEAM_LEADER, user__isnull=True).first()
    return row.amount_per_year if row else None


def is_sole_team_leader(user: User | None, person: Person) -> bool:
    """Whether `user` is the only active team leader of the person's team: a request they
    send has no one else in the team to decide it, so it goes to the decision panel."""
    if user is None or getattr(user, "role", None) != Role.TEAM_LEADER:
        return False
    if user.team_id != person.team_id:
        return False
    return (
        not User.objects.filter(team_id=person.team_id, role=Role.TEAM_LEADER, is_active=True)
        .exclude(pk=user.pk)
        .exists()
    )


def requester_why_not(budget_request: BudgetRequest, user: User) -> str:
    """Why the person who sent a request may not decide it, and who does (four eyes)."""
    if budget_request.status == RequestStatus.AT_PANEL:
        who = "the decision panel"
    elif getattr(user, "role", None) == Role.TEAM_LEADER:
        who = "another team leader of the person's team, or you may refer it to the panel"
    else:
        who = "the team leader of the person's team"
    return (
        "You sent this request, so you cannot decide it, even within your own delegated "
        f"limit: someone else must (four eyes, SDS Standard 8). It waits for {who}."
    )


@dataclass(frozen=True)
class Authority:
    """What `user` may do with one budget request, and why not when they may not."""

    may_decide: bool = False
    may_refer: bool = False
    limit: Decimal | None = None
    why_not: str = ""
    as_panel: bool = False


def authority_for(user: User, budget_request: BudgetRequest, *, sees_person: bool) -> Authority:
    """Whether `user` may agree, decline or refer `budget_request`.

    Four eyes (Std 8.2): whoever sent the request never agrees or declines it, as a worker
    or as a panel member, whatever their limit; a team leader may still refer it on.

    `sees_person`: whether Person.objects.visible_to(user) includes the request's person
    (the caller has already checked it, so this makes no query of its own for it).
    """
    status = budget_request.status
    if status == RequestStatus.RETURNED:
        return Authority(
            why_not="The decision panel returned this request for more information. "
            "Once the worker sends it back, the panel decides it."
        )
    if status not in (RequestStatus.AWAITING_DECISION, RequestStatus.AT_PANEL):
        return Authority(why_not="This request has been decided.")
    role = getattr(user, "role", None)
    own = user is not None and budget_request.requested_by_id == getattr(user, "pk", None)
    if own and role == Role.PANEL_MEMBER:
        return Authority(why_not=requester_why_not(budget_request, user))
    if role == Role.PANEL_MEMBER:
        if status == RequestStatus.AT_PANEL:
            return Authority(may_decide=True, as_panel=True)
        return Authority(why_not="This request has not been referred to the decision panel.")
    if status == RequestStatus.AT_PANEL:
        return Authority(why_not="This request is with the decision panel.")
    if role not in (Role.PRACTITIONER, Role.TEAM_LEADER) or not sees_person:
        return Authority(why_not="Only a worker of this person may decide this request.")
    limit = limit_for(user)
    may_refer = role == Role.TEAM_LEADER and budget_request.person.team_id == user.team_id
    if role == Role.TEAM_LEADER and not may_refer:
        return Authority(
            limit=limit,
            why_not="Only the team leader of the person's team may decide this request.",
        )
    if own:
        # Referring it on to the panel is not deciding it: a team leader may still do that.
        return Authority(
            may_refer=may_refer, limit=limit, why_not=requester_why_not(budget_request, user)
        )
    if limit is None:
        return Authority(
            may_refer=may_refer,
            why_not="No delegated limit is set for you. An administrator sets limits.",
        )
    if budget_request.total_per_year > limit:
        return Authority(
            may_refer=may_refer,
            limit=limit,
            why_not=f"This request is more than your delegated limit of £{limit:,.2f} a year.",
        )
    return Authority(may_decide=True, may_refer=may_refer, limit=limit)
