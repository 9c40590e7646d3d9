"""Site-wide response properties (SEC-8, OPS-8).

- `RequestIdMiddleware`: every request gets a reference id. It is in the `X-Request-ID`
  response header, in every log line written while the request runs (core/logging.py), and
  on the 500 page, so a person who reports a failure can quote it and it can be found in
  the logs. The id is made here; one sent by the client is never trusted.
- `PrivateCacheMiddleware`: no browser, proxy or shared computer keeps a copy of a page
  shown to a signed-in user or of any page under a named record (`Cache-Control: no-store`).
  Static files never reach it (WhiteNoise answers them earlier) and may be cached.
- `PermissionsPolicyMiddleware`: the browser features the service never uses are switched
  off for every page (camera, microphone, location, payment, ...).
- `CSPMiddleware`: django-csp's Content-Security-Policy, its header built once per process
  for pages that use the settings' policy as it is.
- `TypedTextMiddleware`: text posted from a form is kept as `core.text.as_kept` says (no
  direction controls, except in a name, which is refused; invisible-only text is blank),
  before any form reads it. Passwords and the CSRF token are left as sent.
- `MethodNotAllowedPageMiddleware`: a page's empty 405 (require_POST, a View without get)
  becomes the service's own page saying the address works only from its button; the
  status and the Allow header are kept, and the API's 405s (problem+json) are left alone.
  A form page answers every method but GET, POST, HEAD and OPTIONS with it (Django's form
  views took PUT as a POST).
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable

import csp.middleware
from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.generic.edit import ProcessFormView

from .logging import current_request, current_request_id
from .problems import is_api_request
from .text import NAME_FIELDS, as_kept

REQUEST_ID_HEADER = "X-Request-ID"


def new_request_id() -> str:
    """Twelve hex digits in three groups: short enough to read out on the phone."""
    raw = secrets.token_hex(6)
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        request_token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(request_token)
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


# Paths whose pages are about a named person whoever asks (signed in or not).
NAMED_RECORD_PREFIXES = ("/people/",)


class PrivateCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(NAMED_RECORD_PREFIXES):
            # Replaces any weaker header a view set: "no-store" must win.
            if "no-store" not in response.get("Cache-Control", ""):
                if "Cache-Control" in response:
                    del response["Cache-Control"]
                add_never_cache_headers(response)
        elif "Cache-Control" not in response:
            # Sign-in, privacy and error pages: nothing personal, but no reason to keep them.
            add_never_cache_headers(response)
        return response


# Only features Chromium recognises: an unknown name puts a warning in every page's console.
PERMISSIONS_POLICY = (
    ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "gamepad",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "interest-cohort",
            "local-fonts",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    )
    + ", fullscreen=(self), picture-in-picture=(self)"
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# The response attributes through which django-csp's decorators change one page's policy.
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.lru_cache(maxsize=2)
def _settings_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header django-csp builds from the settings alone (no nonce, no decorator), and
    the path prefixes it leaves out: worked out once per process (#19)."""
    name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
    prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
    return build_policy(report_only=report_only), prefixes


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policy.cache_clear()


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, but a page whose policy is the settings' own (no nonce used,
    no csp decorator) gets a header built once per process instead of on every response
    (#19). Any other page is django-csp's own work, unchanged."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, exempt, report_only in (
            (CSP_HEADER, "_csp_exempt", False),
            (CSP_HEADER_REPORT_ONLY, "_csp_exempt_ro", True),
        ):
            policy, excluded = _settings_policy(report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp: the nonce cannot be asked for once the header is written.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


# The methods a form page takes (MethodNotAllowedPageMiddleware), as its Allow header lists
# them.
FORM_PAGE_METHODS = ("GET", "POST", "HEAD", "OPTIONS")


class MethodNotAllowedPageMiddleware:
    """Django answers a method a page does not take (a typed address or a bookmark of a
    button's address: require_POST, require_http_methods, a View without get; or a form
    sent to a page that only opens, a download) with an empty 405. A person would see a blank page, so the body becomes templates' 405.html in
    the service's layout. The response is otherwise left as it was: status 405, its Allow
    header. A 405 that has a body of its own (the API's problem+json) is kept, as is every
    answer under /api/ and a HEAD request's (which has no body).

    A form page (a view built on Django's ProcessFormView: FormView, CreateView, UpdateView,
    the sign-in pages) takes GET and POST only. Django's ProcessFormView answers PUT as a
    POST, so a PUT to an edit page showed the form with errors and listed PUT as allowed:
    every such page answers any other method with this 405 and `Allow: GET, POST, HEAD,
    OPTIONS`, before the view runs (nothing is looked up, checked or logged); OPTIONS lists
    the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        if isinstance(view_class, type) and issubclass(view_class, ProcessFormView):
            if request.method == "OPTIONS":  # Django's would list PUT
                answer = HttpResponse(headers={"Allow": ", ".join(FORM_PAGE_METHODS)})
                answer["Content-Length"] = "0"
                return answer
            if request.method not in FORM_PAGE_METHODS:
                return HttpResponseNotAllowed(FORM_PAGE_METHODS)
        return None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and isinstance(response, HttpResponse)
            and not response.content
            and request.method != "HEAD"
            and not is_api_request(request)
        ):
            # A page that only opens, sent a form (a POST to a download), is not "a
            # button's address": the page says which it is. A form page (it takes POST too)
            # sent another method (PUT) is told to use its button.
            allowed = {m.strip() for m in response.get("Allow", "").split(",")}
            opens = "GET" in allowed and "POST" not in allowed
            response.content = render_to_string("405.html", {"opens": opens}, request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _as_sent(key: str) -> bool:
    """Fields kept exactly as typed: passwords (every character is the secret) and the CSRF
    token."""
    return "password" in key.lower() or key == "csrfmiddlewaretoken"


class TypedTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            posted = request.POST
            if any(
                as_kept(value, name=key in NAME_FIELDS) != value
                for key, values in posted.lists()
                if not _as_sent(key)
                for value in values
            ):
                kept = posted.copy()
                for key, values in posted.lists():
                    if not _as_sent(key):
                        name = key in NAME_FIELDS
                        kept.setlist(key, [as_kept(value, name=name) for value in values])
                kept._mutable = False
                request.POST = kept  # type: ignore[assignment]
        return self.get_response(request)
