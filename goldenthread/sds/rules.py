"""Who may use the SDS pages (role questions only; records are scoped by
Person.objects.visible_to and, for the decision panel, selectors.requests_for_panel)."""

from __future__ import annotations

import rules

from goldenthread.accounts.rules import is_panel_member, is_team_leader, works_with_people

rules.add_rule("sds.record", works_with_people)
rules.add_rule("sds.view_approvals", is_team_leader)
rules.add_rule("sds.view_team_unmet_need", is_team_leader)
rules.add_rule("sds.view_panel", is_panel_member)
