"""The Auditor: every read and write of a named record reports here.

Rows are written inside the caller's transaction; if they cannot be written the whole
request fails and shows nothing (a record seen without a log entry is worse than an error).

Every row names who did it: a signed-in person, or a named job with no person behind it
(core.services.SystemActor, e.g. the directory import on the command line). An actor of
None, or an anonymous user, is refused (AnonymousAuditError) and nothing is written: a
change no one answers for is a mistake in the caller, never "System".
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from goldenthread.core.client_address import client_address
from goldenthread.core.models import VersionedModel
from goldenthread.core.services import SystemActor, audited_create, audited_update

from . import chain
from .models import (
    AccessAction,
    AccessLog,
    AccessLogPerson,
    BreakGlassAccess,
    BreakGlassReview,
    ChangeAction,
    ChangeRecord,
)

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)


class AnonymousAuditError(PermissionDenied):
    """A write or read with no one to answer for it: no signed-in person and no named job."""


def _actor_fields(actor: Any) -> dict[str, Any]:
    if isinstance(actor, SystemActor):
        return {"actor": None, "actor_name": actor.name[:300], "actor_role": ""}
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise AnonymousAuditError(
            "Nothing was recorded: say who did this (a signed-in person, or a named "
            "SystemActor for a job with no one signed in)."
        )
    return {
        "actor": actor,
        # actor_name holds 300 characters: a full name (up to 150 + 150) with the
        # username (150) can be longer, and a row must never fail to write for that.
        "actor_name": f"{actor.get_full_name() or actor.username} ({actor.username})"[:300],
        "actor_role": getattr(actor, "role", ""),
    }


def _access_log(*, actor: Any, **values: Any) -> AccessLog:
    """AccessLog(actor=actor, **values), made as Model.__init__ makes a row from its fields'
    values in order (#19: given keywords, it looks every field up among them and sets the
    actor through its descriptor): each field given here by its name, every other one its
    default, and the actor (a user or None) cached on the row as the descriptor caches it.
    Django's own __init__ either way, pre_init and post_init sent as always."""
    values["actor_id"] = None if actor is None else actor.pk
    args = [
        values.pop(name) if name in values else field.get_default()
        for name, field in _ACCESS_LOG_FIELDS
    ]
    if values:  # pragma: no cover - every value is a field's (a typo fails here, not later)
        raise TypeError(f"AccessLog has no field {sorted(values)}")
    model: Any = AccessLog  # positional values: django-stubs checks keywords only
    row = model(*args)
    AccessLog.actor.field.set_cached_value(row, actor)  # None too, as the descriptor does
    return row


# (attname, field) of each of the access log's columns, in order.
_ACCESS_LOG_FIELDS: tuple[tuple[str, models.Field], ...] = tuple(
    (f.attname, f) for f in AccessLog._meta.concrete_fields
)


def _client_ip(request: HttpRequest | None) -> str | None:
    return None if request is None else client_address(request)


def access_record(
    *,
    actor: Any,
    person_id: uuid.UUID | None,
    action: AccessAction | str,
    what: str,
    reason: str,
    request: HttpRequest | None = None,
    break_glass: bool = False,
    people_shown: Iterable[uuid.UUID] | None = None,
) -> AccessLog:
    """Log one read, change or refused attempt on a named person's record; or, with
    `people_shown` (and no person_id), one list view and everyone it showed.

    The row joins the access log's hash chain (chain.py) in the caller's transaction, or
    in its own if there is none (on PostgreSQL a single statement, atomic by itself)."""
    actor_fields = _actor_fields(actor)
    shown = list(dict.fromkeys(people_shown)) if people_shown is not None else None
    row = _access_log(
        at=timezone.now(),
        action=action,
        person_id=person_id,
        what=what[:200],
        method=(request.method or "") if request is not None else "",
        reason=reason[:500],
        break_glass=break_glass,
        ip_address=_client_ip(request),
        people_shown=[str(p) for p in shown] if shown is not None else None,
        api_token_name=_request_text(request, "api_token_name", 60),
        api_token_prefix=_request_text(request, "api_token_prefix", 16),
        **actor_fields,
    )
    if not shown:
        row.save()
        return row
    with chain.in_transaction():  # the row and its index together
        row.save()
        _index_people_shown(row, shown)
    return row


def access_denied(
    *,
    actor: Any,
    person_id: uuid.UUID | None,
    what: str,
    reason: str,
    request: HttpRequest | None = None,
) -> AccessLog:
    """Log a refused attempt on a person's record (AccessAction.DENIED) in an atomic block
    of its own (a savepoint, inside a caller's transaction); the caller raises its refusal
    next."""
    with transaction.atomic():
        return access_record(
            actor=actor,
            person_id=person_id,
            action=AccessAction.DENIED,
            what=what,
            reason=reason,
            request=request,
        )


def change_refused(
    *,
    actor: Any,
    person_id: uuid.UUID | None,
    what: str,
    reason: str,
    request: HttpRequest | None = None,
) -> AccessLog:
    """Log a change refused to someone who may open the record (AccessAction.CHANGE_REFUSED:
    a rule of the service, such as a budget decision beyond their limit) in an atomic block
    of its own, so it survives the refusal the caller raises next. It is the request's one
    row: the row a page or an API call owes for its change is settled (`access_settled`)."""
    with transaction.atomic():
        row = access_record(
            actor=actor,
            person_id=person_id,
            action=AccessAction.CHANGE_REFUSED,
            what=what,
            reason=reason,
            request=request,
        )
    access_settled(request)
    return row


# --- A change's row, written once the answer is known (SEC-3, ADR 0002) -----------------------


@dataclass
class PendingAccess:
    """The access-log row a request that may change a person's record owes, written once
    its answer is known (`settle_access`): the record pages (people.access.logged_change)
    and the API (api.auth.logged_outcome) alike."""

    person_id: uuid.UUID | None
    action: AccessAction  # what the request did if it made its change: CHANGE
    reason: str  # why the user may: the relationship, a break-glass reason
    break_glass: bool = False
    refusal: str = ""  # a refusal known before the answer (a read-only token), in words


def defer_access(request: HttpRequest, pending: PendingAccess) -> None:
    """The request owes `pending`, written by `settle_access` when its answer is known."""
    request.gt_pending = pending  # type: ignore[attr-defined]


def pending_access(request: HttpRequest | None) -> PendingAccess | None:
    return getattr(request, "gt_pending", None) if request is not None else None


def access_settled(request: HttpRequest | None) -> None:
    """The request's one row is written already (a refused change logged where it was
    refused: `change_refused`): `settle_access` writes nothing more."""
    if pending_access(request) is not None:
        request.gt_pending = None  # type: ignore[union-attr]


def settle_access(
    request: HttpRequest, *, action: AccessAction | str, reason: str | None = None
) -> AccessLog | None:
    """Write the row the request owes (`defer_access`), once, as `action` (with `reason`
    instead of the relationship: a refusal's words); nothing if it is settled already."""
    pending = pending_access(request)
    if pending is None:
        return None
    access_settled(request)
    match = getattr(request, "resolver_match", None)
    return access_record(
        actor=request.user,
        person_id=pending.person_id,
        action=action,
        what=match.view_name if match is not None else request.path,
        reason=reason or pending.reason,
        request=request,
        break_glass=pending.break_glass,
    )


# The change history's rows written while a request that may change a record runs
# (`changes_watched`): what tells a change made from one tried and not made.
_changes_written: ContextVar[list[Any] | None] = ContextVar("gt_changes_written", default=None)


@contextmanager
def changes_watched() -> Iterator[list[Any]]:
    """The ids of the ChangeRecord rows written in the block (every change of a record
    writes one in its transaction: `change_record`)."""
    written: list[Any] = []
    token = _changes_written.set(written)
    try:
        yield written
    finally:
        _changes_written.reset(token)


def changes_kept(written: list[Any]) -> bool:
    """Whether any of these change-history rows stands (a savepoint rolled back takes its
    row with it): one query, and none when nothing was written."""
    return bool(written) and ChangeRecord.objects.filter(pk__in=written).exists()


def _request_text(request: HttpRequest | None, name: str, length: int) -> str | None:
    """The API token's name or prefix, set on the request by the API's gate
    (goldenthread.api.auth); None for a page or a session call."""
    value = getattr(request, name, None) if request is not None else None
    return str(value)[:length] if value else None


def _index_people_shown(row: AccessLog, people: list[uuid.UUID]) -> None:
    """One AccessLogPerson per person, in one statement whatever the number of people."""
    meta = AccessLogPerson._meta
    quote = connection.ops.quote_name
    person_field = meta.get_field("person_id")
    log_field = meta.get_field("log")
    values = json.dumps([str(person_field.get_db_prep_value(p, connection)) for p in people])
    log_id = log_field.get_db_prep_value(row.pk, connection)
    columns = f"{quote(log_field.column)}, {quote(person_field.column)}"
    if connection.vendor == "postgresql":
        select = "SELECT %s, value::uuid FROM jsonb_array_elements_text(%s::jsonb)"
    else:
        select = "SELECT %s, value FROM json_each(%s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) {select}",  # noqa: S608
            [log_id, values],
        )


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored values of a record's own fields, as JSON-safe data."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        data[field.name] = _json_safe(value)
    return data


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return str(value)


def change_record(
    *,
    actor: Any,
    instance: models.Model,
    action: ChangeAction | str,
    before: dict[str, Any] | None,
    person_id: uuid.UUID | None,
    extra: dict[str, Any] | None = None,
) -> ChangeRecord:
    """Log a create, update or delete with the record's content before and after.
    `extra` adds what the row's own fields do not hold (links to other items)."""
    actor_fields = _actor_fields(actor)
    actor_fields.pop("actor_role")
    after = None if action == ChangeAction.DELETE else snapshot(instance)
    if after is not None and extra:
        after.update(_json_safe(extra))
    row = ChangeRecord.objects.create(
        at=timezone.now(),
        person_id=person_id,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        action=action,
        before=before,
        after=after,
        **actor_fields,
    )
    written = _changes_written.get()
    if written is not None:
        written.append(row.pk)
    return row


class Auditor:
    """The change history written for one actor, in the caller's transaction.

    Made once at the top of a service (`auditor = Auditor(actor)`), it refuses an actor of
    None or an anonymous user at once (AnonymousAuditError), before anything is written.
    It is what core.services.audited_update records each update through."""

    def __init__(self, actor: Any) -> None:
        _actor_fields(actor)  # refuse now, not half-way through the writes
        self.actor = actor

    @staticmethod
    def snapshot(instance: models.Model) -> dict[str, Any]:
        return snapshot(instance)

    def created(
        self,
        instance: models.Model,
        *,
        person_id: uuid.UUID | None,
        extra: Mapping[str, Any] | None = None,
    ) -> ChangeRecord:
        return self._record(instance, ChangeAction.CREATE, None, person_id, extra)

    def updated(
        self,
        instance: models.Model,
        *,
        before: dict[str, Any],
        person_id: uuid.UUID | None,
        extra: Mapping[str, Any] | None = None,
    ) -> ChangeRecord:
        return self._record(instance, ChangeAction.UPDATE, before, person_id, extra)

    def deleted(self, instance: models.Model, *, person_id: uuid.UUID | None) -> ChangeRecord:
        """Record a removal; call before deleting (the row's content is the "before")."""
        return self._record(instance, ChangeAction.DELETE, snapshot(instance), person_id)

    def _record(
        self,
        instance: models.Model,
        action: ChangeAction,
        before: dict[str, Any] | None,
        person_id: uuid.UUID | None,
        extra: Mapping[str, Any] | None = None,
    ) -> ChangeRecord:
        return change_record(
            actor=self.actor,
            instance=instance,
            action=action,
            before=before,
            person_id=person_id,
            extra=dict(extra) if extra else None,
        )


def create_audited(
    actor: Any,
    instance: M,
    *,
    person_id: Any,
    clean: bool | Mapping[str, bool] = True,
) -> M:
    """The whole write of a service that adds one record and nothing else (#17, ADR 0010):
    in a transaction of its own, `core.services.audited_create` (validate, INSERT, the
    "created" row) through the actor's Auditor, so None or an anonymous actor writes
    nothing. A service that writes more in the same transaction calls `audited_create`
    inside its own `transaction.atomic()`."""
    with transaction.atomic():
        return audited_create(instance, auditor=Auditor(actor), person_id=person_id, clean=clean)


def update_audited(
    actor: Any,
    instance: V,
    *,
    expected_version: int,
    person_id: Any,
    changes: Mapping[str, Any],
    fields: Iterable[str] | None = None,
    clean: bool | Mapping[str, bool] = True,
) -> V:
    """The whole write of a service that changes one versioned record and nothing else
    (#17, ADR 0010): in a transaction of its own, `core.services.audited_update` (lock,
    refuse a stale copy, apply, validate, one versioned UPDATE, the before/after row)
    through the actor's Auditor. A service that locks or writes more in the same
    transaction calls `audited_update` inside its own `transaction.atomic()`."""
    with transaction.atomic():
        return audited_update(
            instance,
            auditor=Auditor(actor),
            expected_version=expected_version,
            person_id=person_id,
            changes=changes,
            fields=fields,
            clean=clean,
        )


def break_glass_record(
    *, actor: Any, person_id: uuid.UUID, reason: str, hours: float
) -> BreakGlassAccess:
    """Record a break-glass use (the caller has checked who may): from now for `hours`,
    with the reason given; its creation joins the change history's chain too."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValueError("A break-glass use needs the worker who asked for it.")
    now = timezone.now()
    fields = _actor_fields(actor)
    with chain.in_transaction():
        access = BreakGlassAccess.objects.create(
            at=now,
            until=now + datetime.timedelta(hours=hours),
            actor=actor,
            actor_name=fields["actor_name"],
            actor_role=fields["actor_role"],
            person_id=person_id,
            reason=reason,
        )
        change_record(
            actor=actor,
            instance=access,
            action=ChangeAction.CREATE,
            before=None,
            person_id=person_id,
        )
    return access


def break_glass_review(*, actor: Any, access: BreakGlassAccess, note: str) -> BreakGlassReview:
    """The person's team leader has looked at a break-glass use (the caller has checked
    that `actor` leads the person's team). Reviewing twice is refused."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValueError("A review needs the team leader who made it.")
    fields = _actor_fields(actor)
    with chain.in_transaction():
        if BreakGlassReview.objects.filter(access=access).exists():
            raise ValueError("This break-glass use has already been reviewed.")
        review = BreakGlassReview.objects.create(
            access=access,
            at=timezone.now(),
            reviewer=actor,
            reviewer_name=fields["actor_name"],
            note=note,
        )
        change_record(
            actor=actor,
            instance=review,
            action=ChangeAction.CREATE,
            before=None,
            person_id=access.person_id,
        )
    return review
