"""Session lifetime and the second factor (SEC-1); a form posted after the session ended is
kept for its author (on the server, never in a URL or cookie) and offered back after they
sign in again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from goldenthread.core.problems import is_api_request, problem

from . import services, sign_in_cache

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


class _OTPUser(Protocol):
    """The signed-in user as django-otp's OTPMiddleware leaves it: with is_verified()."""

    def is_verified(self) -> bool: ...


SIGNED_IN_AT = "gt_signed_in_at"
# Who was signed in when this browser's session ran out: a form (or words kept as they were
# typed, #16) posted from their page after that is still kept for them, even when another
# request (an htmx one, which is not kept) was the first to find the session ended.
ENDED_FOR = "gt_session_ended_for"
NEVER_KEPT_AFTER = ("/account/", "/admin/", "/api/")  # signing in again is not a form to keep
LAST_SEEN_AT = "gt_last_seen_at"
LAST_SEEN_RESOLUTION = 60  # seconds
# Never kept: secrets, and the token that proves the form came from this site.
SECRET_FIELD_WORDS = ("password", "token", "secret", "csrf")
SECRET_FIELD_NAMES = frozenset({"code", "otp"})
MAX_STASH_CHARACTERS = 200_000


def _kept_fields(request: HttpRequest) -> dict[str, list[str]]:
    fields = {
        name: values
        for name, values in request.POST.lists()
        if name.lower() not in SECRET_FIELD_NAMES
        and not any(word in name.lower() for word in SECRET_FIELD_WORDS)
    }
    if sum(len(v) for values in fields.values() for v in values) > MAX_STASH_CHARACTERS:
        return {}
    return fields


def _csrf_ok(request: HttpRequest) -> bool:
    """Only a form this site gave the person is kept (a forged cross-site post is not)."""

    def view(request):  # pragma: no cover - never called
        return None

    checker = CsrfViewMiddleware(lambda request: HttpResponse())
    return checker.process_view(request, view, (), {}) is None


def _keep_form(request: HttpRequest, user: User) -> bool:
    """Keep what was typed into the form being posted when the session ended."""
    if request.method != "POST" or request.headers.get("HX-Request") or not _csrf_ok(request):
        return False
    fields = _kept_fields(request)
    if not fields:
        return False
    services.form_stash_save(user=user, path=request.path, fields=fields)
    return True


def _keep_form_after_the_end(request: HttpRequest) -> None:
    """A form posted from a page of the session that has just ended: kept for the person
    who was signed in (offered back only after they sign in again)."""
    user_id = request.session.get(ENDED_FOR)
    if request.method != "POST" or not user_id or request.path.startswith(NEVER_KEPT_AFTER):
        return
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        _keep_form(request, user)


class SessionLifetimeMiddleware:
    """Ends a session after a spell of inactivity and after an absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in = request.session.get(SIGNED_IN_AT)
            last_seen = request.session.get(LAST_SEEN_AT)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            lifetime = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            if signed_in is None:
                request.session[SIGNED_IN_AT] = now
            elif (last_seen is not None and now - last_seen > idle) or now - signed_in > lifetime:
                kept = _keep_form(request, user)
                user_id = user.pk
                logout(request)
                request.session[ENDED_FOR] = str(user_id)
                messages.info(
                    request,
                    "You were signed out to keep records safe. Sign in again."
                    + (
                        " What you typed has been kept: after you sign in you can send it again."
                        if kept
                        else ""
                    ),
                )
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
            if ENDED_FOR in request.session:
                del request.session[ENDED_FOR]
            if last_seen is None or now - last_seen > LAST_SEEN_RESOLUTION:
                # Saving the session costs a write; a minute's resolution is plenty for an
                # idle timeout measured in tens of minutes.
                request.session[LAST_SEEN_AT] = now
        elif ENDED_FOR in request.session:
            _keep_form_after_the_end(request)
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Signed-in staff who have not passed the second factor may only reach the sign-in steps."""

    allowed_url_names = frozenset(
        {
            "accounts:login",
            "accounts:logout",
            "accounts:verify",
            "accounts:setup_second_factor",
            "accounts:enrolment_code",
            "accounts:setup_email_codes",
            "accounts:confirm_email_codes",
            "accounts:send_email_code",
            "accounts:set_up",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.GOLDENTHREAD_REQUIRE_2FA
            and request.user.is_authenticated
            and not cast(_OTPUser, request.user).is_verified()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            match = getattr(request, "resolver_match", None)
            try:
                match = match or resolve(request.path_info)
            except Resolver404:
                match = None
            if match is None or match.view_name not in self.allowed_url_names:
                if is_api_request(request):
                    return problem(
                        request,
                        401,
                        "Finish signing in with your authenticator app, or use an API token.",
                        type_slug="second-factor-needed",
                    )
                return redirect("accounts:verify")
        return self.get_response(request)


# --- The signed-in user and device from the shared cache (issue #19) -------------------


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the session's user read from the shared
    cache when GOLDENTHREAD_SIGN_IN_CACHE is on (accounts/sign_in_cache.py)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # its checks, and request.auser for async code
        # The lazy object stands in for the user it reads, as in Django's own middleware.
        request.user = cast("User | AnonymousUser", SimpleLazyObject(lambda: _user(request)))


def _user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = sign_in_cache.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware, with the session's device read from the shared cache.
    The device must still belong to the user and be confirmed (OTPMiddleware's own check)."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = (
                sign_in_cache.get_device(
                    request, user, self._normalize_persistent_id(persistent_id)
                )
                if persistent_id
                else None
            )
            user.otp_device = self._finalize_device(request, user, device)
        return user
