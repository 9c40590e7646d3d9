"""Errors as RFC 9457 problem details (`application/problem+json`), never HTML and never a
stack trace.

The problem itself is made by `core.problems.problem`, which the middleware answering
for /api/ before the API runs uses too (its docstring says what every problem holds).
Validation problems list the fields (`errors`); a stale
write carries the record's current version and representation (`current_version`,
`current`).
"""

from __future__ import annotations

from typing import Any

from goldenthread.core.problems import (
    PROBLEM_CONTENT_TYPE,
    TITLES,
    TYPE_BASE,
    problem,
    request_reference,
)

__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "TITLES",
    "TYPE_BASE",
    "UNICODE_REFUSED",
    "field_errors",
    "ninja_field_errors",
    "problem",
    "request_reference",
]

# Text with a lone surrogate (not Unicode: no database stores it), in our words wherever it
# is refused (schemas.Input, or pydantic itself in text with a length limit).
UNICODE_REFUSED = "Text contains a character that is not valid Unicode (a lone surrogate)."


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
