"""The audit log's own retention (OPS-7, SEC-2; #20): access-log and change-history rows past
the council's period are removed, leaving a checkpoint that accounts for every one, so
`goldenthread audit-verify` still proves nothing else was removed or altered. Never
silently: the checkpoint and a change-history row about it are written in the same
transaction as the removal. docs/adr/0002-audit.md ("Retention of the audit log"),
docs/how-to/retention.md.

What may go (settings.GOLDENTHREAD_AUDIT_RETENTION, with its source):
- rows written more than `years` ago;
- rows about a person whose record was destroyed (a Tombstone) more than
  `destroyed_person_years` ago, whatever their age;
- with their list-view index rows (AccessLogPerson).
- break-glass uses (and their reviews) that ended more than `years` ago and have been
  reviewed, or are about a person destroyed more than `destroyed_person_years` ago.
What always stays: each chain's head row (the next row is chained to it), the change
history's rows recording a destruction (Tombstone) or a purge (AuditCheckpoint), the
checkpoints themselves, break-glass uses not yet reviewed by their team leader.

How the database lets the rows go: the purge's transaction inserts a `PurgePermit` row,
deletes, then deletes the permit. The append-only triggers let DELETE through on the
purgeable tables (access log, change history, list-view index, break-glass uses and their
reviews) only while a permit row is visible (migrations audit/0006, 0007), and none is
ever visible outside this transaction. This module is the only code that writes one.
"""

from __future__ import annotations

import datetime
import io
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from goldenthread.audit import chain, signing
from goldenthread.audit.models import (
    AccessLog,
    AccessLogPerson,
    AuditCheckpoint,
    BreakGlassAccess,
    BreakGlassReview,
    ChangeRecord,
    PurgePermit,
)
from goldenthread.audit.services import Auditor
from goldenthread.core.formatting import count_text
from goldenthread.core.services import SystemActor

from .models import Tombstone
from .retention import _actor_name

SCHEDULED_AUDIT_RETENTION = SystemActor("Golden Thread (audit log retention)")

PURGED = (AccessLog, ChangeRecord)
# Parameters in one statement of the purge: under SQLite's oldest limit (999, which Django
# assumes), and at most 450 ranges OR'd together, under SQLite's expression depth (1,000).
# The rows go in bounded batches: about 130 DELETEs at council scale, not 108,000.
BATCH_PARAMETERS = 900
# The change history's records of destructions and purges outlive the rows they account for.
KEPT_OBJECT_TYPES = ("operations.Tombstone", "audit.AuditCheckpoint")


class AuditRetentionError(Exception):
    """The purge could not be done safely; nothing was removed."""


@dataclass
class AuditRetentionResult:
    dry_run: bool
    older_than: datetime.datetime
    destroyed_before: datetime.datetime
    destroyed_people: int
    rows: dict[str, int] = field(default_factory=dict)
    index_rows: int = 0
    # Break-glass uses (and their reviews) past the period, and those kept only because
    # their team leader has not reviewed them yet.
    break_glass: dict[str, int] = field(default_factory=dict)
    break_glass_unreviewed: int = 0
    checkpoint: AuditCheckpoint | None = None

    def as_text(self) -> str:
        total = sum(self.rows.values()) + sum(self.break_glass.values())
        waiting = (
            count_text(
                self.break_glass_unreviewed,
                "break-glass use past the period is",
                "break-glass uses past the period are",
            )
            + " kept until their team leader reviews them."
            if self.break_glass_unreviewed
            else ""
        )
        if not total:
            return "\n".join(filter(None, ["No audit row is past its retention period.", waiting]))
        verb = "Would remove" if self.dry_run else "Removed"
        lines = [
            f"{verb} {count_text(total, 'audit row', 'audit rows')} written before "
            f"{self.older_than:%d %B %Y}, or about the "
            f"{count_text(self.destroyed_people, 'person', 'people')} whose record was destroyed "
            f"before {self.destroyed_before:%d %B %Y}:"
        ]
        lines += [f"- {table}: {n:,}" for table, n in self.rows.items()]
        if not self.dry_run:
            lines.append(f"- list-view index rows: {self.index_rows:,}")
        lines += [f"- {table}: {n:,}" for table, n in self.break_glass.items()]
        if waiting:
            lines.append(waiting)
        if self.checkpoint is not None:
            lines.append(
                f"Checkpoint {self.checkpoint.seq} ({self.checkpoint.row_hash}) accounts "
                "for them; `goldenthread audit-verify` checks it."
            )
        return "\n".join(lines)


def rule() -> dict[str, Any]:
    return dict(settings.GOLDENTHREAD_AUDIT_RETENTION)


def cutoffs(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """(rows written before this go, rows about people destroyed before this go)."""
    current = rule()
    return (
        _years_before(now, int(current["years"])),
        _years_before(now, int(current["destroyed_person_years"])),
    )


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def apply(
    *,
    actor: Any,
    dry_run: bool,
    now: datetime.datetime | None = None,
    as_of: datetime.datetime | None = None,
) -> AuditRetentionResult:
    """Remove the audit rows past retention (or, dry_run, only count them), all in one
    transaction with the checkpoint that accounts for them and its change-history row.

    `as_of` (default: now) fixes the moment the periods are counted back from: a job run
    again counts from when it was started, so it removes exactly what the first attempt
    would have and nothing more (jobs/kinds.py, #20)."""
    auditor = Auditor(actor)  # refuse an anonymous actor before anything is read
    now = now or timezone.now()
    older_than, destroyed_before = cutoffs(as_of or now)
    people = _destroyed_people(destroyed_before)
    result = AuditRetentionResult(
        dry_run=dry_run,
        older_than=older_than,
        destroyed_before=destroyed_before,
        destroyed_people=len(people),
    )
    if dry_run:
        for model in PURGED:
            result.rows[model._meta.db_table] = len(_rows_to_remove(model, older_than, people))
        uses, result.break_glass_unreviewed = _break_glass_to_remove(older_than, people)
        result.break_glass = _break_glass_counts(uses)
        return result
    try:
        signing.signing_key()  # no key, no purge: the checkpoint could not be signed
    except signing.AuditKeyError as exc:
        raise AuditRetentionError(str(exc)) from exc
    _verify_first()
    with transaction.atomic():
        # One purge at a time (PostgreSQL: the checkpoint chain's lock, held to commit;
        # SQLite: the write lock BEGIN IMMEDIATE took).
        chain.head(AuditCheckpoint)
        uses, result.break_glass_unreviewed = _break_glass_to_remove(older_than, people)
        removed: dict[str, dict[str, Any]] = {}
        plans = {}
        for model in PURGED:
            table = model._meta.db_table
            rows = _rows_to_remove(model, older_than, people)
            plans[model] = runs = _runs(table, rows)
            result.rows[table] = len(rows)
            if rows:
                removed[table] = _account(model, rows, runs)
        removed.update(_break_glass_account(uses))
        result.break_glass = _break_glass_counts(uses)
        if not removed:
            return result
        permit = PurgePermit.objects.create()
        for batch in _batches(plans[AccessLog]):
            result.index_rows += _raw_delete(
                AccessLogPerson.objects.filter(
                    log_id__in=AccessLog.objects.filter(_seqs(batch)).values("pk")
                )
            )
        for model, runs in plans.items():
            for batch in _batches(runs):
                deleted = _raw_delete(model.objects.filter(_seqs(batch)))
                if deleted != sum(last - first + 1 for first, last, *_ in batch):
                    raise AuditRetentionError(
                        f"{model._meta.db_table}: rows {batch[0][0]} to {batch[-1][1]} changed "
                        "while they were being removed; nothing was removed."
                    )
        for start in range(0, len(uses), 500):
            chunk = uses[start : start + 500]
            _raw_delete(BreakGlassReview.objects.filter(access_id__in=chunk))
            _raw_delete(BreakGlassAccess.objects.filter(pk__in=chunk))
        _raw_delete(PurgePermit.objects.filter(pk=permit.pk))
        current = rule()
        result.checkpoint = checkpoint = AuditCheckpoint.objects.create(
            at=now,
            actor=actor if isinstance(actor, get_user_model()) else None,
            actor_name=_actor_name(actor),
            rule_text=(
                f"{current['years']} years; "
                f"{count_text(current['destroyed_person_years'], 'year', 'years')} after "
                f"a person's record was destroyed (source: {current.get('source', 'not stated')})"
            )[:500],
            older_than=older_than,
            destroyed_before=destroyed_before,
            removed=removed,
            index_rows=result.index_rows,
        )
        auditor.created(checkpoint, person_id=None)
    return result


def _verify_first() -> None:
    """Refuse to purge a log that does not verify: a purge must not launder a removal."""
    try:
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        raise AuditRetentionError(f"{exc} Nothing was removed.") from exc


def _destroyed_people(before: datetime.datetime) -> list[str]:
    return list(
        Tombstone.objects.filter(record_type="people.Person", destroyed_at__lt=before)
        .order_by("record_id")
        .values_list("record_id", flat=True)
    )


def _rows_to_remove(
    model: type[AccessLog] | type[ChangeRecord], older_than: datetime.datetime, people: list[str]
) -> list[tuple[int, str, str]]:
    """(seq, prev_hash, row_hash) of each row to remove, in chain order; never the head."""
    kept: models.QuerySet = model.objects.all()
    if model is ChangeRecord:
        kept = kept.exclude(object_type__in=KEPT_OBJECT_TYPES)
    found: dict[int, tuple[str, str]] = {}
    columns = ("seq", "prev_hash", "row_hash")
    queries = [kept.filter(at__lt=older_than)]
    queries += [
        kept.filter(person_id__in=people[start : start + 500])
        for start in range(0, len(people), 500)
    ]
    for query in queries:
        for seq, prev_hash, row_hash in query.values_list(*columns).iterator(chunk_size=5000):
            found[seq] = (prev_hash, row_hash)
    head = model.objects.aggregate(head=Max("seq"))["head"]
    found.pop(head, None)
    return [(seq, *found[seq]) for seq in sorted(found)]


def _runs(table: str, rows: Iterable[tuple[int, str, str]]) -> list[list[Any]]:
    """Consecutive rows as [first, last, hash before first, hash of last]."""
    runs: list[list[Any]] = []
    for seq, prev_hash, row_hash in rows:
        if runs and seq == runs[-1][1] + 1:
            if prev_hash != runs[-1][3]:
                raise AuditRetentionError(
                    f"{table}: row {seq} does not name the hash of the row before it; "
                    "nothing was removed."
                )
            runs[-1][1], runs[-1][3] = seq, row_hash
        else:
            runs.append([seq, seq, prev_hash, row_hash])
    return runs


def _batches(runs: list[list[Any]]) -> Iterable[list[list[Any]]]:
    """The runs in groups removed by one DELETE each: a run of one row costs the statement
    one parameter, a longer run two (its range), up to BATCH_PARAMETERS. A council's log
    removed by age is mostly runs of one row (synthetic data and imports are not written in
    time order), so one statement per run made about 108,000 statements (#20)."""
    batch: list[list[Any]] = []
    size = 0
    for run in runs:
        cost = 1 if run[0] == run[1] else 2
        if size + cost > BATCH_PARAMETERS:
            yield batch
            batch, size = [], 0
        batch.append(run)
        size += cost
    if batch:
        yield batch


def _seqs(batch: list[list[Any]]) -> Q:
    """The rows of these runs: single rows by an IN list, longer runs each by its range."""
    singles = [first for first, last, *_ in batch if first == last]
    ranges = [Q(seq__range=(first, last)) for first, last, *_ in batch if first != last]
    return reduce(operator.or_, ranges + ([Q(seq__in=singles)] if singles else []))


def _account(
    model: type[AccessLog] | type[ChangeRecord],
    rows: list[tuple[int, str, str]],
    runs: list[list[Any]],
) -> dict[str, Any]:
    """One table's part of the checkpoint, compact (format 2; docs/adr/0002-audit.md):
    the runs as ranges ("1-3,5,9-12"); the hashes joining each run to the chain written
    out only where the neighbouring row is already gone (`edges`, by the sequence number
    of the row whose hash it is), the others in one `joins` digest that audit-verify
    recomputes from the kept rows either side; and a digest of every removed row's hash."""
    neighbours = {first - 1 for first, *_ in runs if first > 1} | {last + 1 for _, last, *_ in runs}
    present: set[int] = set()
    wanted = sorted(neighbours)
    for start in range(0, len(wanted), BATCH_PARAMETERS):
        chunk = wanted[start : start + BATCH_PARAMETERS]
        present.update(model.objects.filter(seq__in=chunk).values_list("seq", flat=True))
    edges: dict[str, str] = {}
    joins: list[str] = []
    for first, last, before, last_hash in runs:
        if first > 1 and first - 1 not in present:
            edges[str(first - 1)] = before
        else:
            joins.append(before)
        if last + 1 not in present:
            edges[str(last)] = last_hash
        else:
            joins.append(last_hash)
    return {
        "count": len(rows),
        "head": _head(model),
        "ranges": chain.format_ranges((first, last) for first, last, *_ in runs),
        "edges": edges,
        "joins": chain.runs_digest(joins),
        "rows": chain.runs_digest(row_hash for _, _, row_hash in rows),
    }


def _break_glass_to_remove(
    older_than: datetime.datetime, people: list[str]
) -> tuple[list[Any], int]:
    """(ids of break-glass uses past retention, how many past it are kept unreviewed).

    A use goes with the audit log's period counted from its end (`until`), once its team
    leader has reviewed it: an unreviewed use stays until it is reviewed. Uses about a
    person destroyed before the cut-off go whatever their age or review."""
    past = BreakGlassAccess.objects.filter(until__lt=older_than)
    ids = set(past.filter(review__isnull=False).values_list("pk", flat=True))
    for start in range(0, len(people), 500):
        ids.update(
            BreakGlassAccess.objects.filter(person_id__in=people[start : start + 500]).values_list(
                "pk", flat=True
            )
        )
    unreviewed = past.filter(review__isnull=True).exclude(pk__in=list(ids)).count()
    return sorted(ids, key=str), unreviewed


def _break_glass_counts(uses: list[Any]) -> dict[str, int]:
    if not uses:
        return {}
    reviews = sum(
        BreakGlassReview.objects.filter(access_id__in=uses[i : i + 500]).count()
        for i in range(0, len(uses), 500)
    )
    return {
        BreakGlassAccess._meta.db_table: len(uses),
        BreakGlassReview._meta.db_table: reviews,
    }


def _break_glass_account(uses: list[Any]) -> dict[str, dict[str, Any]]:
    """The break-glass rows' part of the checkpoint: how many, and a digest of their content
    (chain.py's canonical form, in id order), so anyone holding an older backup can prove
    exactly which went. These tables are not chained: the count and digest are the record."""
    account: dict[str, dict[str, Any]] = {}
    for model, key in ((BreakGlassAccess, "pk__in"), (BreakGlassReview, "access_id__in")):
        fields = chain.content_fields(model)
        digests = []
        for start in range(0, len(uses), 500):
            query = model.objects.filter(**{key: uses[start : start + 500]}).order_by("pk")
            for values in query.values_list(*(f.attname for f in fields)):
                digests.append(chain.content_digest(chain.canonical_content(fields, values)))
        if digests:
            account[model._meta.db_table] = {
                "count": len(digests),
                "rows": chain.runs_digest(sorted(digests)),
            }
    return account


def _head(model: type[models.Model]) -> list[Any]:
    seq, row_hash = model._default_manager.order_by("-seq").values_list("seq", "row_hash")[0]
    return [seq, row_hash]


def _raw_delete(queryset: models.QuerySet) -> int:
    # A plain DELETE, as retention.py does: no model guard and no cascade. The database
    # lets it through only while the permit exists.
    return queryset._raw_delete(queryset.db) or 0
