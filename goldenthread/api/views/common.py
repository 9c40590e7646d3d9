"""What every API view module shares: the person the gate opened, responses with an ETag,
and the documented answers of each operation; the one way a route reads an item of the
person's record (`one`), answers with its version (`tagged`, `created`), changes it
(`change_one`), pages a list (`paged`) and renames a service's fields to the body's
(`fields_renamed`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol, TypeAlias

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Manager, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Header, Schema, Status

from goldenthread.accounts.models import User
from goldenthread.core.permissions import Permission, can
from goldenthread.outcomes.services import NOT_THEIR_OUTCOME
from goldenthread.people.models import Person

from ..auth import Caller, gated
from ..concurrency import etag, expected_version
from ..pagination import DEFAULT_LIMIT, paginate
from ..schemas import Input

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


def actor_of(request: HttpRequest) -> User:
    """Who the services are told is acting: the token's owner, or the signed-in user."""
    return gated(request).gt_caller.user


def person_allowed(request: HttpRequest, permission: Permission, refusal: str) -> Person:
    """The person of the address, for a route that asks what its page asks (`permission`,
    about this person); anyone else is refused with `refusal` (403)."""
    person = person_of(request)
    if not can(actor_of(request), permission, person):
        raise PermissionDenied(refusal)
    return person


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


def chosen_outcome(person: Person, pk: Any) -> Any:
    """The outcome of this person a body names by `outcome_id` (None when it names none),
    or 422."""
    return chosen(person.outcomes, pk, "outcome_id", NOT_THEIR_OUTCOME)


def with_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag(version)


def tagged_if_made(response: HttpResponse, record: Any | None) -> int:
    """The answer's ETag for a record that may not be made yet: its version, or 0 (nothing
    recorded yet). Returns the version."""
    version: int = record.version if record is not None else 0
    with_etag(response, version)
    return version


def tagged(response: HttpResponse, record: Any) -> Any:
    """`record`, its version the answer's ETag."""
    with_etag(response, record.version)
    return record


def created(response: HttpResponse, record: Any) -> Status:
    """201 with the record made, its version the answer's ETag."""
    return Status(201, tagged(response, record))


# What a route reads an item from: a queryset or a related manager starting from the person.
Rows: TypeAlias = "QuerySet[Any] | Manager[Any]"


class Change(Protocol):
    def __call__(self, item: Any, /, *, actor: User, expected_version: int) -> object: ...


def change_one(
    request: HttpRequest,
    response: HttpResponse,
    items: Rows,
    pk: Any,
    what: str,
    change: Change,
    *,
    read_back: Rows | None = None,
) -> Any:
    """The one way a route changes an item of the person's record (If-Match): the item from
    `items` (a queryset that starts from the person) or 404; the version the client read
    (428 or 400 without one); `change(item, actor=…, expected_version=…)`, which calls the
    service (a stale version: 412, nothing written); then the item as it is now, read again
    from `read_back` (`items` unless named), its version the answer's ETag."""
    item = one(items, pk, what)
    version = expected_version(request)
    change(item, actor=actor_of(request), expected_version=version)
    return tagged(response, one(items if read_back is None else read_back, pk, what))


class PageParams(Input):
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


def paged(request: HttpRequest, params: PageParams, items: QuerySet, *order: str) -> dict:
    """A page of `items` in `order` (oldest first), from the cursor the client sent."""
    return paginate(request, items, order=order, limit=params.limit, cursor=params.cursor)


@contextmanager
def fields_renamed(names: Mapping[str, str] | Callable[[str], str]) -> Iterator[None]:
    """A service's refusal, with each field it names renamed to the body's (the service
    names the member of the circle; the body its id, circle_member_id). A refusal that
    names no field goes as it is."""
    rename = names if callable(names) else (lambda name: names.get(name, name))
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {rename(name): messages for name, messages in exc.message_dict.items()}
        ) from None
