"""Reads of the access log, the change history and break-glass uses.

These take person ids, never people: the caller (a view behind `open_person_record`, or a
selector starting from `Person.objects.visible_to(user)`) has already decided who may see
what. Nothing here imports a domain app.
"""

from __future__ import annotations

import datetime
import uuid
from itertools import groupby

from django.db.models import F, QuerySet
from django.utils import timezone

from .models import AccessLog, AccessLogPerson, BreakGlassAccess, ChangeRecord


def access_for_person(person_id: uuid.UUID) -> QuerySet[AccessLog]:
    """Every access-log row about a person: their record opened, changed or refused, and
    every list view that showed them (through the AccessLogPerson index), newest first."""
    direct = AccessLog.objects.filter(person_id=person_id).order_by().values("pk")
    listed = AccessLogPerson.objects.filter(person_id=person_id).order_by().values("log_id")
    return AccessLog.objects.filter(pk__in=direct.union(listed, all=True)).order_by("-at", "-seq")


def active_break_glass_person_ids(user, *, now: datetime.datetime | None = None) -> QuerySet:
    """The people whose records `user` opened by break-glass and may still see (a values
    queryset of person_id, for a subquery)."""
    now = now or timezone.now()
    return (
        BreakGlassAccess.objects.filter(actor=user, at__lte=now, until__gt=now)
        .order_by()
        .values("person_id")
    )


def active_break_glass(user, person_id: uuid.UUID) -> BreakGlassAccess | None:
    now = timezone.now()
    return (
        BreakGlassAccess.objects.filter(actor=user, person_id=person_id, at__lte=now, until__gt=now)
        .order_by("-at")
        .first()
    )


def break_glass_uses(
    person_ids: QuerySet, *, since: datetime.datetime
) -> QuerySet[BreakGlassAccess]:
    """Break-glass uses on the given people since `since`, not yet reviewed first."""
    return (
        BreakGlassAccess.objects.filter(person_id__in=person_ids, at__gte=since)
        .select_related("review")
        .order_by(F("review__id").asc(nulls_first=True), "-at")
    )


def break_glass_use(pk: str) -> BreakGlassAccess | None:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        return None
    return BreakGlassAccess.objects.filter(pk=key).first()


def break_glass_page_counts(uses: list[BreakGlassAccess]) -> dict[uuid.UUID, int]:
    """How many pages of the record each use opened while it lasted (one query)."""
    if not uses:
        return {}
    rows = (
        AccessLog.objects.filter(
            break_glass=True,
            person_id__in={u.person_id for u in uses},
            actor_id__in={u.actor_id for u in uses},
            at__gte=min(u.at for u in uses),
        )
        .order_by()
        .values_list("actor_id", "person_id", "at")
    )
    counts: dict[uuid.UUID, int] = {}
    for actor_id, person_id, at in rows:
        for use in uses:
            if (use.actor_id, use.person_id) == (actor_id, person_id) and use.at <= at < use.until:
                counts[use.pk] = counts.get(use.pk, 0) + 1
                break
    return counts


def changes_for_person(
    person_id: uuid.UUID, *, object_type: str = "", object_id: str = ""
) -> QuerySet[ChangeRecord]:
    """Change records of a person's record, newest first; optionally one kind of item or
    one item."""
    changes = ChangeRecord.objects.filter(person_id=person_id)
    if object_type:
        changes = changes.filter(object_type=object_type)
    if object_id:
        changes = changes.filter(object_id=object_id)
    return changes.order_by("-at", "-seq")


def change_kinds_for_person(person_id: uuid.UUID) -> list[str]:
    """The kinds of item (model labels) that have changes in the person's record."""
    return sorted(
        ChangeRecord.objects.filter(person_id=person_id)
        .order_by()
        .values_list("object_type", flat=True)
        .distinct()
    )


def list_index_mismatch() -> str:
    """Whether the index of people shown by list views agrees with the list rows (whose
    hash covers `people_shown`); a sentence about the first disagreement, or ""."""
    lists = (
        AccessLog.objects.filter(people_shown__isnull=False)
        .order_by("pk")
        .values_list("pk", "seq", "people_shown")
        .iterator(chunk_size=5000)
    )
    index = (
        AccessLogPerson.objects.order_by("log_id")
        .values_list("log_id", "person_id")
        .iterator(chunk_size=5000)
    )
    grouped = groupby(index, key=lambda row: row[0])
    pending = next(grouped, None)
    for pk, seq, shown in lists:
        if pending is not None and pending[0] < pk:
            return (
                "audit_accesslogperson: index rows name an access-log row that is not a "
                f"list view ({pending[0]})"
            )
        indexed: set[str] = set()
        if pending is not None and pending[0] == pk:
            indexed = {str(person_id) for _, person_id in pending[1]}
            pending = next(grouped, None)
        if indexed != set(shown or []):
            return (
                f"audit_accesslogperson: the index of people shown by the list view at "
                f"sequence number {seq} does not match the people it showed (index rows "
                "missing or added)"
            )
    if pending is not None:
        return (
            "audit_accesslogperson: index rows name an access-log row that is not a list "
            f"view ({pending[0]})"
        )
    return ""
