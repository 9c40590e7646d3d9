"""Cursor pagination for every list: `?limit=` (1–200, default 50) and `?cursor=` (opaque).

A cursor holds the ordering keys of the last item of the page, signed with the service's
secret and bound to the route it came from: it cannot be forged or used elsewhere (400).
The next page starts strictly after those keys (keyset pagination), so rows added or
removed meanwhile never make a page skip or repeat what is still there.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Sequence
from types import GenericAlias
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from ninja import Schema
from pydantic import create_model

from .errors import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "goldenthread.api.cursor"


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _key(item: Any, field: str) -> Any:
    value = item
    for part in field.split("__"):
        value = getattr(value, part)
    return value


def encode_cursor(route: str, values: Sequence[Any]) -> str:
    return signing.dumps([_plain(v) for v in values], salt=f"{_SALT}:{route}", compress=True)


def decode_cursor(route: str, cursor: str, size: int) -> list[Any]:
    try:
        values = signing.loads(cursor, salt=f"{_SALT}:{route}")
    except signing.BadSignature:
        raise ApiProblem(
            400,
            "This cursor is not one this list gave. Start again without "
            "a cursor, or use the next_cursor of the page before.",
        ) from None
    if not isinstance(values, list) or len(values) != size:
        raise ApiProblem(400, "This cursor is not one this list gave.")
    return values


def _after(order: Sequence[str], values: Sequence[Any], *, descending: bool = False) -> Q:
    """Rows strictly after `values` in the order `order` (ascending, or descending)."""
    condition = Q()
    beyond = "lt" if descending else "gt"
    for index, field in enumerate(order):
        step = Q(**{f"{field}__{beyond}": values[index]})
        for earlier, value in zip(order[:index], values[:index], strict=False):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def paginate(
    request,
    queryset: QuerySet,
    *,
    order: Sequence[str],
    limit: int,
    cursor: str | None,
    serialize: Callable[[Any], Any] = lambda item: item,
    descending: bool = False,
) -> dict[str, Any]:
    """One page of `queryset` in the order of the fields `order` (ascending; `descending`
    for newest first), which together must be unique."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiProblem(400, f"limit must be from 1 to {MAX_LIMIT}.")
    route = request.resolver_match.view_name if request.resolver_match else request.path
    queryset = queryset.order_by(*(f"-{f}" if descending else f for f in order))
    if cursor:
        queryset = queryset.filter(
            _after(order, decode_cursor(route, cursor, len(order)), descending=descending)
        )
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        encode_cursor(route, [_key(rows[-1], f) for f in order]) if more and rows else None
    )
    return {"items": [serialize(row) for row in rows], "next_cursor": next_cursor}


_PAGES: dict[type, type] = {}


def page_of(item_schema: type) -> type:
    """The response schema of a page of `item_schema`."""
    if item_schema not in _PAGES:
        # list[item_schema], made at run time: the type checker cannot read it as a type.
        items: Any = GenericAlias(list, (item_schema,))
        _PAGES[item_schema] = create_model(
            f"{item_schema.__name__}Page",
            __base__=Schema,
            items=(items, ...),
            next_cursor=(str | None, None),
        )
    return _PAGES[item_schema]
