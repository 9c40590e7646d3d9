"""Reads about accounts: casework access and leavers' handovers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessStatus, CaseworkAccess, Handover, Role


def casework_access_for(user) -> QuerySet[CaseworkAccess]:
    """Every grant an administrator may see, or a team leader's team's grants."""
    grants = CaseworkAccess.objects.select_related(
        "user", "team", "granted_by", "decided_by", "ended_by")
    if user.role == Role.ADMINISTRATOR:
        return grants
    if user.role == Role.TEAM_LEADER and user.team_id:
        return grants.filter(team_id=user.team_id)
    return grants.none()


def pending_access_for(user) -> list[CaseworkAccess]:
    return list(casework_access_for(user).filter(status=AccessStatus.PENDING))


@dataclass
class HandoverView:
    handover: Handover
    # (person, names of who else is allocated now) for each person the worker held
    people: list[tuple] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(1 for _, others in self.people if not others)


def handovers_to_reassign(leader) -> list[HandoverView]:
    """For a team leader: workers who left or moved, and the people they held, each with
    who else is allocated now; shown while anyone among them has nobody."""
    from goldenthread.people.models import Allocation, Person, active_on

    if leader.role != Role.TEAM_LEADER or not leader.team_id:
        return []
    today = timezone.localdate()
    result = []
    for handover in Handover.objects.filter(team_id=leader.team_id).select_related("worker"):
        people = list(
            Person.objects.visible_to(leader).filter(pk__in=handover.person_ids)
            .order_by("family_name", "given_name")
        )
        if not people:
            continue
        current: dict = {}
        for allocation in (Allocation.objects.filter(active_on(today), person__in=people)
                           .exclude(worker_id=handover.worker_id).select_related("worker")):
            current.setdefault(allocation.person_id, []).append(str(allocation.worker))
        view = HandoverView(handover, [(p, current.get(p.pk, [])) for p in people])
        if view.waiting:
            result.append(view)
    return result
