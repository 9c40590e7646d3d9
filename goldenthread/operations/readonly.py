"""Read-only mode for maintenance (OPS-6, R28).

On when the setting GOLDENTHREAD_READ_ONLY is true (environment variable of the same name)
or when the flag file exists (GOLDENTHREAD_READ_ONLY_FLAG, by default var/read-only;
`goldenthread read-only on|off|status` writes and removes it, so running servers see the
change at their next request without a restart; on several servers, put the flag on
storage they share or use the environment variable).

While on:
- every request that could change something (any method but GET, HEAD, OPTIONS) is answered
  with a "read-only while we do maintenance" page, 503 and Retry-After; the API answers
  application/problem+json. Signing in and out still work (they change only the session).
- reads keep working and still write their access-log rows. If the database refuses those
  writes, the read is refused too (fail closed): the same maintenance page, never the record
  without its audit row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from goldenthread.core.problems import is_api_request, problem

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_AFTER_SECONDS = 300


def flag_path() -> Path:
    configured = getattr(settings, "GOLDENTHREAD_READ_ONLY_FLAG", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "read-only"


def is_read_only() -> bool:
    return bool(getattr(settings, "GOLDENTHREAD_READ_ONLY", False)) or flag_path().exists()


def switch(on: bool, *, reason: str = "") -> Path:
    path = flag_path()
    if on:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(reason.strip() + "\n" if reason.strip() else "")
    else:
        path.unlink(missing_ok=True)
    return path


def _allowed_paths() -> tuple[str, ...]:
    return tuple(getattr(settings, "GOLDENTHREAD_READ_ONLY_ALLOWED_PATHS", ()))


def maintenance_response(request: HttpRequest, *, refused_read: bool = False) -> HttpResponse:
    if is_api_request(request):
        detail = (
            "Nothing can be shown at the moment: we cannot keep a note of who looked. "
            if refused_read
            else "Nothing can be changed at the moment. "
        )
        response = problem(request, 503, detail + "Try again later.")
    else:
        html = render_to_string(
            "operations/read_only.html",
            {"refused_read": refused_read, "method": request.method},
            request=None if refused_read else request,
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ReadOnlyMiddleware:
    """After sessions and sign-in (so the page can show the header), before the views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_read_only():
            return self.get_response(request)
        request.read_only = True  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS and not request.path.startswith(_allowed_paths()):
            return maintenance_response(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        # Fail closed: a read whose access-log row cannot be written is not shown.
        if getattr(request, "read_only", False) and isinstance(exception, DatabaseError):
            logger.warning("Read refused in read-only mode: the database refused a write")
            return maintenance_response(request, refused_read=True)
        return None
