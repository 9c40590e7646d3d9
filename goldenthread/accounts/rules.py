"""Who may do what: `rules` predicates over the role enum (SPEC section 0).

Record-level access to a named person is decided by `Person.objects.visible_to(user)`;
these predicates answer role questions and are used by views, templates and the API.
"""

from __future__ import annotations

import rules

from .models import Role


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
rules.add_rule("people.view_caseload", works_with_people)
rules.add_rule("people.add_person", works_with_people)
rules.add_rule("people.change_person", works_with_people)
rules.add_rule("people.manage_allocations", leads_persons_team)
rules.add_rule("accounts.view_team", is_team_leader)


def can(user, rule: str, obj=None) -> bool:
    """Whether `user` may do `rule` (to `obj`); superusers get no special treatment."""
    return rules.test_rule(rule, user, obj)
