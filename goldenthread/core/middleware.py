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
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .logging import current_request, current_request_id

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
