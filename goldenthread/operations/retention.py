"""Retention (OPS-7): records past their retention period are destroyed, each leaving a
tombstone; never silently. docs/how-to/retention.md, docs/adr/0018.

The schedule is the setting GOLDENTHREAD_RETENTION (one entry per record type, with the
source of its period). Today it has one record type, the person's record: a person whose
last allocation ended more than `years` ago, and who has no open allocation, is past
retention. Destroying it removes every row of their record in every app (found by
following the foreign keys that point at it, so a new app's records go too), in one
transaction, and writes a Tombstone (what, when, under which rule, by whom, how many rows
of each type) whose creation is in the change history: the audit chains are only
appended to, so `goldenthread audit-verify` still passes.

What stays: the audit log's own rows (access log and change history) are append-only and
hash-chained, so their copies of the record are kept until the audit log's own
retention is applied as a whole (see the ADR). User accounts are never destroyed here.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, models, router, transaction
from django.db.models import Max, Q
from django.utils import timezone

from goldenthread.accounts.models import Notification
from goldenthread.audit.services import Auditor
from goldenthread.core.append_only import triggers_off
from goldenthread.core.formatting import count_text
from goldenthread.core.services import SystemActor
from goldenthread.people.models import Allocation, Person

from . import sign_in_retention
from .models import Tombstone

SCHEDULED_RETENTION = SystemActor("Golden Thread (retention schedule)")

PERSON_RECORD = "person-record"


class RetentionError(Exception):
    """A record could not be destroyed safely; nothing of it was."""


@dataclass(frozen=True)
class Due:
    rule: str
    record_type: str
    record_id: str
    counted_from: datetime.date
    team: str


@dataclass
class RetentionResult:
    dry_run: bool
    due: list[Due] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    # The sign-in records past their own period (sign_in_retention.py), after the records.
    sign_in: sign_in_retention.SignInPurge | None = None

    def as_text(self) -> str:
        text = self._records_text()
        return f"{text}\n{self.sign_in.as_text()}" if self.sign_in is not None else text

    def _records_text(self) -> str:
        if not self.due:
            return "No record is past its retention period."
        lines = []
        verb = "Would destroy" if self.dry_run else "Destroyed"
        lines.append(
            f"{verb} {count_text(len(self.due), 'record', 'records')} past their retention period:"
        )
        rows_by_id = {t.record_id: t.rows for t in self.tombstones}
        for item in self.due:
            line = (
                f"- {item.record_type} {item.record_id} (team {item.team}): rule {item.rule}, "
                f"counted from {item.counted_from:%d %B %Y}"
            )
            if item.record_id in rows_by_id:
                line += f", {sum(rows_by_id[item.record_id].values())} rows"
            lines.append(line)
        return "\n".join(lines)


def schedule() -> dict[str, dict[str, Any]]:
    return dict(settings.GOLDENTHREAD_RETENTION)


def due(today: datetime.date | None = None) -> list[Due]:
    """Records past their retention period (the report for review): ids and dates only."""
    today = today or timezone.localdate()
    rule = schedule().get(PERSON_RECORD)
    if not rule:
        return []
    cutoff = _years_before(today, int(rule["years"]))
    open_allocation = Allocation.objects.filter(person=models.OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today)
    )
    people = (
        Person.objects.annotate(last_ended=Max("allocations__end_date"))
        .filter(last_ended__lt=cutoff)
        .exclude(models.Exists(open_allocation))
        .select_related("team")
        .order_by("last_ended", "id")
    )
    return [
        Due(
            rule=PERSON_RECORD,
            record_type="person's record",
            record_id=str(person.pk),
            counted_from=person.last_ended,
            team=person.team.name,
        )
        for person in people
    ]


def apply(
    *,
    actor: Any,
    dry_run: bool,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RetentionResult:
    """Destroy every record past retention (or, dry_run, only list them). Each record is
    destroyed in its own transaction with its tombstone: all of it or none of it. Then the
    sign-in records older than their period go (sign_in_retention.purge), with theirs."""
    Auditor(actor)  # refuse an anonymous actor before anything is written
    sign_in_retention.keep_days()  # a period it cannot use stops the run before anything
    result = RetentionResult(dry_run=dry_run, due=due(today))
    if not dry_run:
        for done, item in enumerate(result.due, start=1):
            result.tombstones.append(_destroy_person(item, actor=actor))
            if progress is not None:
                progress(done, len(result.due))
    # Then the sign-in records past their own period (OPS-7, ADR 0004 and 0018), counted
    # from the same day as the records: --today dates the whole run.
    result.sign_in = sign_in_retention.purge(actor=actor, dry_run=dry_run, now=run_moment(today))
    return result


def run_moment(today: datetime.date | None) -> datetime.datetime:
    """The moment a run dated `today` counts from: the clock's time of day on that date
    (local time, as `today` is), so a run dated today counts exactly as an undated one."""
    now = timezone.now()
    if today is None:
        return now
    return timezone.localtime(now).replace(year=today.year, month=today.month, day=today.day)


def _destroy_person(item: Due, *, actor: Any) -> Tombstone:
    rule = schedule()[PERSON_RECORD]
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=item.record_id).first()
        if person is None:
            raise RetentionError(f"Person {item.record_id} is no longer there.")
        using = router.db_for_write(Person)
        rows = destroy_rows(person, using=using)
        rows["accounts.Notification"] = _raw_delete(
            models.QuerySet(Notification, using=using).filter(url__contains=f"/{person.pk}/")
        )
        rows = {label: n for label, n in rows.items() if n}
        tombstone = Tombstone.objects.create(
            rule=PERSON_RECORD,
            rule_text=(
                f"{rule['years']} years after the last allocation ended "
                f"(source: {rule.get('source', 'not stated')})"
            )[:500],
            record_type="people.Person",
            record_id=item.record_id,
            counted_from=item.counted_from,
            destroyed_at=timezone.now(),
            destroyed_by=actor if isinstance(actor, get_user_model()) else None,
            destroyed_by_name=_actor_name(actor),
            rows=rows,
        )
        Auditor(actor).created(tombstone, person_id=person.pk)
    return tombstone


# Records that belong to no one person: if a foreign-key path from a person's record
# reaches one of these, the destruction stops (and rolls back) rather than remove them.
NEVER_DESTROYED = ("accounts.", "audit.", "auth.", "sessions.", "admin.", "operations.")


def destroy_rows(instance: models.Model, *, using: str) -> dict[str, int]:
    """Delete `instance` and every row that points at it (following PROTECT, CASCADE and
    RESTRICT foreign keys, recursively; SET_NULL ones are set to null), bypassing the
    append-only guard of the record's own history rows. Returns rows deleted per model."""
    order: list[tuple[type[models.Model], list[Any]]] = []
    seen: dict[type[models.Model], set[Any]] = {}
    _collect(type(instance), [instance.pk], using, order, seen)
    counts: Counter[str] = Counter()
    tables = sorted({model._meta.db_table for model, _ in order})
    with _delete_guards_suspended(connections[using], tables):
        for model, pks in order:
            for start in range(0, len(pks), 500):
                counts[model._meta.label] += _raw_delete(
                    models.QuerySet(model, using=using).filter(pk__in=pks[start : start + 500])
                )
    return dict(counts)


@contextmanager
def _delete_guards_suspended(connection, tables: list[str]) -> Iterator[None]:
    """Inside the caller's transaction, the triggers that refuse DELETE on a record's own
    history tables (core/append_only.py) are off for these tables only, then back on. A
    rollback puts them back too (PostgreSQL's ALTER TABLE and SQLite's DDL are
    transactional). Never for the audit tables: _collect refuses to reach them."""
    assert connection.in_atomic_block, "only inside the destruction's transaction"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key check: run those now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relname = ANY(%s) "
                "AND (t.tgname LIKE %s OR t.tgname LIKE %s)",
                [tables, "%\\_append\\_only", "%\\_no\\_change"],
            )
            guards = cursor.fetchall()
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s ESCAPE '\\'",
                ["%\\_no\\_delete"],
            )
            guards = [(n, sql) for n, sql in cursor.fetchall() if _on_table(sql, tables)]
        else:
            guards = []
    with triggers_off(connection, guards, constraints_immediate=True):
        yield


def _on_table(sql: str, tables: list[str]) -> bool:
    words = sql.replace('"', " ").split()
    return any(
        words[i].upper() == "ON" and i + 1 < len(words) and words[i + 1] in tables
        for i in range(len(words))
    )


def _collect(model, pks, using, order, seen) -> None:
    if model._meta.label.startswith(NEVER_DESTROYED) or model is get_user_model():
        raise RetentionError(
            f"Destroying the record would remove {model._meta.label} rows, which belong to "
            "no one person; nothing was destroyed."
        )
    for relation in _reverse_relations(model):
        child = relation.related_model
        name = relation.field.name
        rows: models.QuerySet = models.QuerySet(child, using=using).filter(**{f"{name}__in": pks})
        if relation.on_delete is models.SET_NULL:
            rows.update(**{name: None})
            continue
        if relation.on_delete is models.DO_NOTHING:
            continue
        found = set(rows.values_list("pk", flat=True)) - seen.setdefault(child, set())
        if found:
            seen[child] |= found
            _collect(child, sorted(found, key=str), using, order, seen)
    order.append((model, list(pks)))


def _reverse_relations(model) -> Iterable[Any]:
    for relation in model._meta.get_fields(include_hidden=True):
        if (
            relation.auto_created
            and not relation.concrete
            and (relation.one_to_many or relation.one_to_one)
        ):
            yield relation


def _raw_delete(queryset: models.QuerySet) -> int:
    # A plain DELETE: no cascade (the order above already removed what points here), no
    # model guard (a record's own history rows go with the record).
    return queryset._raw_delete(queryset.db) or 0


def _actor_name(actor: Any) -> str:
    if isinstance(actor, SystemActor):
        return actor.name[:300]
    return f"{actor.get_full_name() or actor.username} ({actor.username})"[:300]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
