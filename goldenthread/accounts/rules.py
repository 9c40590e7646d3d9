"""Who may do what: `rules` predicates over the role enum, one rule per `Permission`
(SPEC section 0).

Record-level access to a named person is decided by `Person.objects.visible_to(user)`;
these predicates answer role questions and are used by views (ui.views.
PermissionRequiredMixin), templates ({% can %}), services and the API through `goldenthread.core.permissions.can`.

The rules are registered when the accounts app is ready (apps.py). `can` and
`UnknownPermission` are re-exported here for code written before they moved to core
(branches in flight, #17); new code imports them from `goldenthread.core.permissions`.
"""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils import timezone

from goldenthread.core.permissions import Permission, UnknownPermission, can

from .models import Role

__all__ = ["RULES", "Permission", "UnknownPermission", "can"]


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user.is_authenticated)


@rules.predicate
def is_practitioner(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.PRACTITIONER)


@rules.predicate
def is_team_leader(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.TEAM_LEADER and user.team_id)


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.ADMINISTRATOR)


@rules.predicate
def is_commissioner(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.COMMISSIONER)


@rules.predicate
def is_panel_member(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.PANEL_MEMBER)


@rules.predicate
def is_person_or_proxy(user) -> bool:
    """A supported person's or a proxy's own sign-in (the portal, /my-record/)."""
    return bool(user.is_authenticated and user.role in (Role.PERSON, Role.PROXY))


@rules.predicate
def works_with_people(user) -> bool:
    """Practitioners and team leaders hold caseloads."""
    return bool(is_practitioner(user) or is_team_leader(user))


@rules.predicate
def leads_persons_team(user, person) -> bool:
    return bool(is_team_leader(user) and person is not None and person.team_id == user.team_id)


@rules.predicate
def allocated_to_person(user, person) -> bool:
    """Allocated to work with the person today (through the person's reverse relation:
    accounts sits below people)."""
    if person is None or not works_with_people(user):
        return False
    today = timezone.localdate()
    return bool(
        person.allocations.filter(worker_id=user.pk, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exists()
    )


# Rules, not Django permissions: a superuser gets every Django permission, but being a
# superuser must never open a named record or a caseload (SPEC section 0).
RULES = {
    Permission.VIEW_CASELOAD: works_with_people,
    Permission.ADD_PERSON: works_with_people,
    Permission.MANAGE_ALLOCATIONS: leads_persons_team,
    Permission.REVIEW_POSSIBLE_DUPLICATES: is_team_leader,
    Permission.VIEW_TEAM: is_team_leader,
    Permission.VIEW_CASEWORK_ACCESS: is_administrator | is_team_leader,
    Permission.REVIEW_BREAK_GLASS: is_team_leader,
    Permission.VIEW_ACCESS_LOG: leads_persons_team | allocated_to_person,
    Permission.RECORD_SDS: works_with_people,
    Permission.VIEW_BUDGET_APPROVALS: is_team_leader,
    Permission.VIEW_TEAM_UNMET_NEED: is_team_leader,
    Permission.VIEW_DECISION_PANEL: is_panel_member,
    Permission.RECORD_RISK: works_with_people,
    Permission.RECORD_ACCOUNTABILITY: works_with_people,
    # Staff notifications; people and proxies hear about decisions on their own record.
    Permission.VIEW_NOTIFICATIONS: is_signed_in & ~is_person_or_proxy,
    Permission.USE_OWN_RECORD: is_person_or_proxy,
    Permission.ANSWER_CORRECTIONS: works_with_people,
    Permission.VIEW_REPORTS: is_commissioner | is_team_leader,
    Permission.VIEW_RECORDING_QUALITY: is_team_leader,
    Permission.VIEW_OWN_JOBS: is_signed_in & ~is_person_or_proxy,
    Permission.RUN_BACKUP: is_administrator,
    Permission.IMPORT_DIRECTORY: is_administrator,
    Permission.APPLY_RETENTION: is_administrator,
}
for _permission, _predicate in RULES.items():
    rules.set_rule(str(_permission), _predicate)
