"""Session lifetime and the second factor (SEC-1)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

SIGNED_IN_AT = "gt_signed_in_at"
LAST_SEEN_AT = "gt_last_seen_at"
LAST_SEEN_RESOLUTION = 60  # seconds


class SessionLifetimeMiddleware:
    """Ends a session after a spell of inactivity and after an absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in = request.session.get(SIGNED_IN_AT)
            last_seen = request.session.get(LAST_SEEN_AT)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            lifetime = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            if signed_in is None:
                request.session[SIGNED_IN_AT] = now
            elif (last_seen is not None and now - last_seen > idle) or now - signed_in > lifetime:
                logout(request)
                messages.info(request, "You were signed out to keep records safe. Sign in again.")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if last_seen is None or now - last_seen > LAST_SEEN_RESOLUTION:
                # Saving the session costs a write; a minute's resolution is plenty for an
                # idle timeout measured in tens of minutes.
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Signed-in staff who have not passed the second factor may only reach the sign-in steps."""

    allowed_url_names = frozenset(
        {"accounts:login", "accounts:logout", "accounts:verify", "accounts:setup_second_factor"}
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.GOLDENTHREAD_REQUIRE_2FA
            and request.user.is_authenticated
            and not request.user.is_verified()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            match = getattr(request, "resolver_match", None)
            from django.urls import Resolver404, resolve

            try:
                match = match or resolve(request.path_info)
            except Resolver404:
                match = None
            if match is None or match.view_name not in self.allowed_url_names:
                return redirect("accounts:verify")
        return self.get_response(request)
