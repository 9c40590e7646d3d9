"""Everything a role may do, by name: the one list of permissions (SPEC section 0).

Views, templates, the context processor and the API ask `can(user, Permission.X)`
(accounts/rules.py), never a string spelled out again: a name that is not here is a
mistake, and `can` raises for it rather than answering False. Each permission is a
`rules` predicate over the role enum (accounts/rules.py). Record-level access to a named
person is `Person.objects.visible_to(user)`, not a permission.

In templates the enum is `Permission` (ui context processor): `{% can Permission.RECORD_SDS
as can_record %}` (ui template tags).
"""

from __future__ import annotations

import enum
from enum import StrEnum


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
    # Self-directed Support
    RECORD_SDS = "sds.record"
    VIEW_BUDGET_APPROVALS = "sds.view_approvals"
    VIEW_TEAM_UNMET_NEED = "sds.view_team_unmet_need"
    VIEW_DECISION_PANEL = "sds.view_panel"
    # Risk enablement
    RECORD_RISK = "risk.record"
    # Reports: aggregates with disclosure control (AGG-1..3)
    VIEW_REPORTS = "reports.view"
    VIEW_RECORDING_QUALITY = "reports.view_recording_quality"

    # Templates read `Permission.RECORD_SDS`; the class must not be called there.
    do_not_call_in_templates = enum.nonmember(True)


class UnknownPermission(LookupError):
    """A permission name that is not in `Permission`, or that has no rule."""
