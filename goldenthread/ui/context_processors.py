"""Site-wide template context: the navigation a signed-in user may use, and the
`Permission` enum for `{% can Permission.X as … %}` (ui template tags)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from goldenthread.core.permissions import Permission, can
from goldenthread.ui.links import fixed_url

# (label, url name, the permission that shows it), in the order they are shown.
NAVIGATION = (
    ("My caseload", "people:caseload", Permission.VIEW_CASELOAD),
    ("Reviews due", "reviews:due", Permission.VIEW_CASELOAD),
    ("Complaints open", "accountability:open_challenges", Permission.VIEW_CASELOAD),
    ("Moves due", "accountability:transitions_due", Permission.VIEW_CASELOAD),
    ("Community directory", "directory:index", Permission.VIEW_CASELOAD),
    ("My team", "people:team", Permission.VIEW_TEAM),
    ("Budget requests", "sds:approvals", Permission.VIEW_BUDGET_APPROVALS),
    ("Unmet need", "sds:unmet_need_team", Permission.VIEW_TEAM_UNMET_NEED),
    ("Break-glass access", "audit:break_glass_review", Permission.REVIEW_BREAK_GLASS),
    ("Decision panel", "sds:panel", Permission.VIEW_DECISION_PANEL),
    ("Notifications", "accounts:notifications", Permission.VIEW_NOTIFICATIONS),
    ("Corrections asked for", "portal_staff:worklist", Permission.ANSWER_CORRECTIONS),
    ("My record", "portal:home", Permission.USE_OWN_RECORD),
    ("Reports", "reports:index", Permission.VIEW_REPORTS),
)


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated and not _needs_second_factor(user):
        items = [
            (label, fixed_url(url_name))
            for label, url_name, permission in NAVIGATION
            if can(user, permission)
        ]
        if user.is_staff:
            items.append(("Administration", fixed_url("admin:index")))
    path = request.path
    # The current item is the one whose address is the longest start of this page's.
    matches = [url for _, url in items if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    nav = [{"label": label, "url": url, "current": url == current} for label, url in items]
    return {"site_nav": nav, "Permission": Permission}


def _needs_second_factor(user) -> bool:
    return settings.GOLDENTHREAD_REQUIRE_2FA and not user.is_verified()
