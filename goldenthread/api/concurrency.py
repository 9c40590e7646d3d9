"""Optimistic concurrency over HTTP: `ETag` is the record's version, `If-Match` says which
version a write was made from (SEC-5).

- A read of a versioned record answers `ETag: "<version>"`.
- A write to a versioned record must send `If-Match: "<version>"` (the ETag it read);
  without it the answer is 428. `*` is not enough: it would overwrite whatever is there.
- A stale version answers 412 with the current version and representation; nothing is
  written.
- Records not made yet ("no answer recorded") have version 0.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest

from goldenthread.core.concurrency import StaleEditError

from .errors import ApiProblem

_ETAG = re.compile(r'^\s*"(\d{1,9})"\s*$')


def etag(version: int) -> str:
    return f'"{int(version)}"'


def expected_version(request: HttpRequest) -> int:
    """The version the client says it is changing, from If-Match; 428 or 400 if missing or
    not one of our ETags."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        raise ApiProblem(
            428,
            "Send If-Match with the ETag of the version you read (for "
            'example If-Match: "3"), so that nobody\'s change is '
            "overwritten. Read the record first to get its ETag.",
        )
    if raw.strip() == "*":
        raise ApiProblem(
            428,
            "If-Match: * would overwrite whatever is there now. Send the "
            'ETag of the version you read, for example If-Match: "3".',
        )
    match = _ETAG.match(raw)
    if match is None:
        raise ApiProblem(
            400, 'If-Match must be one ETag this API gave, for example "3" (with the quotes).'
        )
    return int(match.group(1))


def expected_version_of(request: HttpRequest, stored: Any | None) -> int:
    """The version the client read (If-Match) of a record that may not be made yet
    (`stored` is the row as it is now, or None): "0", "nothing recorded yet", is stale once
    someone has made it (412 with the row, nothing written), as the page's None is."""
    version = expected_version(request)
    if version == 0 and stored is not None:
        raise StaleEditError(stored)
    return version
