"""The Auditor: every read and write of a named record reports here.

Rows are written inside the caller's transaction; if they cannot be written the whole
request fails and shows nothing (a record seen without a log entry is worse than an error).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from .models import AccessAction, AccessLog, ChangeAction, ChangeRecord


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "System", "actor_role": ""}
    return {
        "actor": actor,
        "actor_name": f"{actor.get_full_name() or actor.username} ({actor.username})",
        "actor_role": getattr(actor, "role", ""),
    }


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_record(
    *,
    actor: Any,
    person_id: uuid.UUID | None,
    action: AccessAction | str,
    what: str,
    reason: str,
    request: HttpRequest | None = None,
    break_glass: bool = False,
) -> AccessLog:
    """Log one read, change or refused attempt on a named person's record."""
    actor_fields = _actor_fields(actor)
    return AccessLog.objects.create(
        at=timezone.now(),
        action=action,
        person_id=person_id,
        what=what[:200],
        method=(request.method or "") if request is not None else "",
        reason=reason[:500],
        break_glass=break_glass,
        ip_address=_client_ip(request),
        **actor_fields,
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
    return ChangeRecord.objects.create(
        at=timezone.now(),
        person_id=person_id,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        action=action,
        before=before,
        after=after,
        **actor_fields,
    )
