"""Site-wide template context: the navigation a signed-in user may use, whether both steps
of signing in are done (`signed_in`: the header's links to the user's tokens and jobs), and
the `Permission` enum for `{% can Permission.X as … %}` (ui template tags)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf

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
    items: tuple[tuple[str, str], ...] = ()
    # Both steps of signing in passed: until then (the pages that ask for or set up the
    # second factor) the header shows no navigation, only the name and Sign out.
    signed_in = bool(user is not None and user.is_authenticated and not _needs_second_factor(user))
    if signed_in:
        items = _items(user)
    path = request.path
    # The current item is the one whose address is the longest start of this page's.
    matches = [url for _, url in items if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    nav = [{"label": label, "url": url, "current": url == current} for label, url in items]
    return {"site_nav": nav, "signed_in": signed_in, "Permission": Permission}


def nav_key(user) -> tuple:
    """What the navigation of a signed-in user depends on: the NAVIGATION permissions are
    role rules (accounts/rules.py) that read only the role and whether the user has a team,
    and the Administration link reads is_staff. Users with the same key see the same
    items (`test_context_processors.py` checks every role against `can` itself)."""
    return (str(user.role), bool(user.team_id), bool(user.is_staff))


# The items for each nav_key, URL configuration and script prefix: worked out once per
# process, not on every page (#19). A handful of entries (roles × team × staff); a changed
# ROOT_URLCONF or prefix is another key, so nothing needs forgetting.
_ITEMS: dict[tuple, tuple[tuple[str, str], ...]] = {}


def _items(user) -> tuple[tuple[str, str], ...]:
    key = (nav_key(user), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    items = _ITEMS.get(key)
    if items is None:
        items = _ITEMS[key] = navigation_items(user)
    return items


def navigation_items(user) -> tuple[tuple[str, str], ...]:
    """(label, address) of each navigation item `user` may use, asked of `can` each time."""
    items = [
        (label, fixed_url(url_name))
        for label, url_name, permission in NAVIGATION
        if can(user, permission)
    ]
    if user.is_staff:
        items.append(("Administration", fixed_url("admin:index")))
    return tuple(items)


def _needs_second_factor(user) -> bool:
    return settings.GOLDENTHREAD_REQUIRE_2FA and not user.is_verified()
