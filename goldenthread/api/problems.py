"""Errors as RFC 9457 problem details (`application/problem+json`), never HTML and never a
stack trace.

Every problem has `type`, `title`, `status`, `detail` and `instance`. `instance` names
this occurrence by the request's reference id (`urn:goldenthread:request:<id>`, the same
id as the `X-Request-ID` header and the log lines), never by the address asked for: an
address may carry a record's id. Validation problems list the fields (`errors`); a stale
write carries the record's current version and representation (`current_version`,
`current`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("goldenthread.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://goldenthread.example.org/problems/"

# Text with a lone surrogate (not Unicode: no database stores it), in our words wherever it
# is refused (schemas.Input, or pydantic itself in text with a length limit).
UNICODE_REFUSED = "Text contains a character that is not valid Unicode (a lone surrogate)."

# status → (type slug, title)
TITLES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "The request could not be understood"),
    401: ("not-signed-in", "Sign in or send a valid API token"),
    403: ("forbidden", "You may not do this"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "This address does not accept that method"),
    409: ("conflict", "This conflicts with the record as it is"),
    412: ("stale", "Someone else changed this record after you read it"),
    413: ("too-large", "The request is too large"),
    415: ("unsupported-media-type", "Send JSON"),
    422: ("invalid", "Some of what was sent is not valid"),
    428: ("if-match-required", "Say which version you are changing (If-Match)"),
    429: ("too-many-requests", "Too many requests"),
    500: ("server-error", "Something went wrong on our side"),
}


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


def field_errors(errors: Any) -> list[dict[str, str]]:
    """Django's ValidationError (dict, list or message) as [{field, message}]."""
    items: list[dict[str, str]] = []
    if hasattr(errors, "error_dict"):
        for name, messages in errors.message_dict.items():
            field = "" if name == "__all__" else name
            items.extend({"field": field, "message": str(m)} for m in messages)
    elif hasattr(errors, "messages"):
        items.extend({"field": "", "message": str(m)} for m in errors.messages)
    else:
        items.append({"field": "", "message": str(errors)})
    return items


def ninja_field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """django-ninja's (pydantic's) validation errors as [{field, message}], the location
    without the parameter group ("body", "query", "path")."""
    items = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in {"body", "query", "path", "header"}:
            loc = loc[1:]
        if loc and loc[0] in {"payload", "data"}:
            loc = loc[1:]
        message = str(error.get("msg", "Not valid."))
        if error.get("type") == "string_unicode":
            message = UNICODE_REFUSED  # pydantic's own words are about parsing raw data
        items.append({"field": ".".join(loc), "message": message})
    return items
