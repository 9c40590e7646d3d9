"""Site-wide template context: the navigation a signed-in user may use."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from goldenthread.accounts.rules import can


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated and (
        not _needs_second_factor(user)
    ):
        if can(user, "people.view_caseload"):
            items.append(("My caseload", reverse("people:caseload")))
        if can(user, "people.view_caseload"):
            items.append(("Reviews due", reverse("reviews:due")))
            items.append(("Community directory", reverse("directory:index")))
        if can(user, "accounts.view_team"):
            items.append(("My team", reverse("accounts:team")))
            items.append(("Budget requests", reverse("sds:approvals")))
            items.append(("Unmet need", reverse("sds:unmet_need_team")))
            items.append(("Break-glass access", reverse("audit:break_glass_review")))
        if user.role == "panel_member":
            items.append(("Decision panel", reverse("sds:panel")))
        if user.is_staff:
            items.append(("Administration", reverse("admin:index")))
    path = request.path
    # The current item is the one whose address is the longest start of this page's.
    matches = [url for _, url in items if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    nav = [{"label": label, "url": url, "current": url == current} for label, url in items]
    return {"site_nav": nav}


def _needs_second_factor(user) -> bool:
    from django.conf import settings

    return settings.GOLDENTHREAD_REQUIRE_2FA and not user.is_verified()
