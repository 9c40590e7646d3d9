"""Reads about accounts: casework access. (Leavers' handovers name people: people.selectors.)"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AccessStatus, CaseworkAccess, Role


def casework_access_for(user) -> QuerySet[CaseworkAccess]:
    """Every grant an administrator may see, or a team leader's team's grants."""
    grants = CaseworkAccess.objects.select_related(
        "user", "team", "granted_by", "decided_by", "ended_by"
    )
    if user.role == Role.ADMINISTRATOR:
        return grants
    if user.role == Role.TEAM_LEADER and user.team_id:
        return grants.filter(team_id=user.team_id)
    return grants.none()


def pending_access_for(user) -> list[CaseworkAccess]:
    return list(casework_access_for(user).filter(status=AccessStatus.PENDING))
