"""Errors as RFC 9457 problem details (`application/problem+json`), never HTML and never a
stack trace: the API's answers (api/problems.py), and the answers made before the API's
own code runs, by a middleware that refuses an address under /api/ (the portal boundary,
an unfinished sign-in).

Every problem has `type`, `title`, `status`, `detail` and `instance`. `instance` names
this occurrence by the request's reference id (`urn:goldenthread:request:<id>`, the same
id as the `X-Request-ID` header and the log lines), never by the address asked for: an
address may carry a record's id.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://goldenthread.example.org/problems/"
API_PREFIX = "/api/"

# status → (type slug, title)
TITLES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "The request could not be understood"),
    401: ("not-signed-in", "Sign in or send a valid API token"),
    403: ("forbidden", "You may not do this"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "This address does not accept that method"),
    406: ("not-acceptable", "We cannot answer in the format asked for"),
    409: ("conflict", "This conflicts with the record as it is"),
    412: ("stale", "Someone else changed this record after you read it"),
    413: ("too-large", "The request is too large"),
    415: ("unsupported-media-type", "Send JSON"),
    422: ("invalid", "Some of what was sent is not valid"),
    428: ("if-match-required", "Say which version you are changing (If-Match)"),
    429: ("too-many-requests", "Too many requests"),
    500: ("server-error", "Something went wrong on our side"),
    503: ("read-only", "Read-only while we do maintenance"),
}
# Types narrower than their status's own (type slug → status, title), each named where it
# is answered: the unfinished sign-in (accounts.middleware) and a spent concurrency budget
# (operations.budget; the rate limit's 429 is "too-many-requests").
NARROWER: dict[str, tuple[int, str]] = {
    "second-factor-needed": (401, "Second factor needed"),
    "too-busy": (429, "Too busy: try again shortly"),
}


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is for the JSON API, whose every answer is problem+json."""
    return request.path_info.startswith(API_PREFIX)


def request_reference(request: HttpRequest | None) -> str:
    request_id = getattr(request, "request_id", "") if request is not None else ""
    return f"urn:goldenthread:request:{request_id or 'unknown'}"


def problem(
    request: HttpRequest | None,
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    slug, default_title = TITLES.get(status, ("error", "Error"))
    if type_slug in NARROWER:
        default_title = NARROWER[type_slug][1]
    body: dict[str, Any] = {
        "type": TYPE_BASE + (type_slug or slug),
        "title": title or default_title,
        "status": status,
        "detail": detail,
        "instance": request_reference(request),
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
