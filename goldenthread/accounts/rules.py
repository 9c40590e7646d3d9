"""Who may do what: `rules` predicates over the role enum, one rule per `Permission`
(SPEC section 0).

Record-level access to a named person is decided by `Person.objects.visible_to(user)`;
these predicates answer role questions and are used by views (ui.views.
PermissionRequiredMixin), templates ({% can %}), services and the API through `can`.
"""

from __future__ import annotations

import rules

from .models import Role
from .permissions import Permission, UnknownPermission


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
def works_with_people(user) -> bool:
    """Practitioners and team leaders hold caseloads."""
    return bool(is_practitioner(user) or is_team_leader(user))


@rules.predicate
def leads_persons_team(user, person) -> bool:
    return bool(is_team_leader(user) and person is not None and person.team_id == user.team_id)


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
    Permission.RECORD_SDS: works_with_people,
    Permission.VIEW_BUDGET_APPROVALS: is_team_leader,
    Permission.VIEW_TEAM_UNMET_NEED: is_team_leader,
    Permission.VIEW_DECISION_PANEL: is_panel_member,
    Permission.RECORD_RISK: works_with_people,
    Permission.VIEW_REPORTS: is_commissioner | is_team_leader,
    Permission.VIEW_RECORDING_QUALITY: is_team_leader,
}
for _permission, _predicate in RULES.items():
    rules.set_rule(str(_permission), _predicate)


def can(user, permission: Permission | str, obj=None) -> bool:
    """Whether `user` may do `permission` (to `obj`); superusers get no special treatment.

    Raises UnknownPermission for a name that is not a `Permission` (a typo would otherwise
    quietly refuse everyone, or hide a link)."""
    try:
        permission = Permission(permission)
    except ValueError:
        raise UnknownPermission(f"{permission!r} is not a Permission") from None
    if not rules.rule_exists(str(permission)):  # pragma: no cover - RULES covers the enum
        raise UnknownPermission(f"{permission!r} has no rule")
    return rules.test_rule(str(permission), user, obj)
