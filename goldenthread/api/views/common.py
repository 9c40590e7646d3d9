"""What every API view module shares: the person the gate opened, responses with an ETag,
and the documented answers of each operation."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Header, Schema

from goldenthread.people.models import Person

from ..auth import Caller, gated
from ..concurrency import etag

PROBLEM_STATUSES = (400, 401, 403, 404, 422, 429)
WRITE_PROBLEM_STATUSES = (409, 412, 428)


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None
    current_version: int | None = None
    current: dict[str, Any] | None = None


# Documents the header every change of a versioned record needs (concurrency.py reads it).
IF_MATCH = Header(
    None,
    alias="If-Match",
    description='Required: the ETag of the version you read, for example "3" (428 without it, '
    "412 if the record has changed since).",
)


def answers(ok: dict[int, Any], *, write: bool = False) -> dict[int, Any]:
    """The responses of an operation: its success, and the problems it may answer with."""
    statuses = PROBLEM_STATUSES + (WRITE_PROBLEM_STATUSES if write else ())
    return {**ok, **{status: Problem for status in statuses}}


def person_of(request: HttpRequest) -> Person:
    """The person the gate opened for this call (people.access: visible_to, logged)."""
    return gated(request).gt_person


def caller_of(request: HttpRequest) -> Caller:
    return gated(request).gt_caller


def one(queryset, pk, what: str):
    """One row of a queryset that starts from the person, or 404."""
    item = queryset.filter(pk=pk).first()
    if item is None:
        raise Http404(f"No such {what} for this person.")
    return item


def chosen(queryset, pk, field: str, message: str):
    """The row a body names by id (`field`), from a queryset that starts from the person:
    None when no id was sent, otherwise the row or a field error (422) with `message`."""
    if pk is None:
        return None
    item = queryset.filter(pk=pk).first()
    if item is None:
        raise ValidationError({field: message})
    return item


def with_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag(version)
