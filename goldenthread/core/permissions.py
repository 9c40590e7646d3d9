"""Everything a role may do, by name: the one list of permissions (SPEC section 0).

Views, templates, the context processor and the API ask `can(user, Permission.X)`
(below), never a string spelled out again: a name that is not here is a
mistake, and `can` raises for it rather than answering False. Each permission is a
`rules` predicate over the role enum (accounts/rules.py, registered when the accounts app
is ready). The enum and `can` live in `core` so that `ui` and `core` (the bottom layers)
ask without importing a domain app (docs/architecture.md). Record-level access to a named
person is `Person.objects.visible_to(user)`, not a permission.

In templates the enum is `Permission` (ui context processor): `{% can Permission.RECORD_SDS
as can_record %}` (ui template tags).
"""

from __future__ import annotations

import enum
from enum import StrEnum

import rules


class Permission(StrEnum):
    # People and caseloads
    VIEW_CASELOAD = "people.view_caseload"
    ADD_PERSON = "people.add_person"
    MANAGE_ALLOCATIONS = "people.manage_allocations"  # object: the person
    REVIEW_POSSIBLE_DUPLICATES = "people.review_possible_duplicates"
    # Teams and access
    VIEW_TEAM = "accounts.view_team"
    VIEW_CASEWORK_ACCESS = "accounts.view_casework_access"
    REVIEW_BREAK_GLASS = "audit.review_break_glass"
    # Who looked at a person's record (the access log): the person's team leader and their
    # allocated worker, never by break-glass (#15). Object: the person.
    VIEW_ACCESS_LOG = "audit.view_access_log"
    # Self-directed Support
    RECORD_SDS = "sds.record"
    VIEW_BUDGET_APPROVALS = "sds.view_approvals"
    VIEW_TEAM_UNMET_NEED = "sds.view_team_unmet_need"
    VIEW_DECISION_PANEL = "sds.view_panel"
    # Risk enablement
    RECORD_RISK = "risk.record"
    # Accountability: challenges, advocacy, transitions (ACC-1, ACC-2, TR-1)
    RECORD_ACCOUNTABILITY = "accountability.record"
    # Everyone signed in has their own notifications list (ACC-3)
    VIEW_NOTIFICATIONS = "accounts.view_notifications"
    # The person's own record (portal): a person's or proxy's sign-in; workers answer
    # their correction requests and invite them.
    USE_OWN_RECORD = "portal.own_record"
    ANSWER_CORRECTIONS = "portal.answer_corrections"
    # Reports: aggregates with disclosure control (AGG-1..3)
    VIEW_REPORTS = "reports.view"
    VIEW_RECORDING_QUALITY = "reports.view_recording_quality"
    # Background jobs (OPS-5): staff see the jobs they started; administrators run backups
    # and destroy records past their retention period (OPS-7).
    VIEW_OWN_JOBS = "jobs.view_own"
    RUN_BACKUP = "operations.run_backup"
    IMPORT_DIRECTORY = "directory.import"
    APPLY_RETENTION = "operations.apply_retention"

    # Templates read `Permission.RECORD_SDS`; the class must not be called there.
    do_not_call_in_templates = enum.nonmember(True)


class UnknownPermission(LookupError):
    """A permission name that is not in `Permission`, or that has no rule."""


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
