"""Keep the reports' figures ready (OPS-3): recompute the stored figures of every period a
reader can choose whose records have changed since they were computed.

`refresh_reports()` is a plain function for a background job or a timer; the command
`goldenthread refresh-reports` calls it and shows progress. Run it every few minutes
(docs/how-to or cron): a reader's first request for a period then reads stored figures."""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from . import linked, selectors, snapshots
from .periods import parse_period, period_choices

# Stored figures not refreshed by a run and older than this are forgotten (a period no
# longer offered, or a current period's figures for a day gone by).
KEEP_UNUSED = datetime.timedelta(days=2)


@dataclass
class RefreshSummary:
    periods: list[str] = field(default_factory=list)
    recomputed: int = 0
    unchanged: int = 0
    linked: linked.LinkedSummary | None = None
    forgotten: int = 0
    seconds: float = 0.0


def refresh_reports(
    *,
    today: datetime.date | None = None,
    periods: Iterable[str] | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RefreshSummary:
    """Recompute the figures of `periods` (default: every period the filter offers) whose
    records have changed since they were computed; `force` recomputes them all."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    codes = list(periods) if periods else [code for code, _ in period_choices(today)]
    parsed = [parse_period(code, today) for code in codes]  # ValueError for a bad code
    axes = selectors.FilterAxes.load()
    limit = selectors.threshold()
    mark = snapshots.data_mark()  # read before any count, so a change during the run shows
    summary = RefreshSummary(periods=codes)
    # What changed since each stored place: asked once per place in a run (most of the
    # stored figures share a place: the last run's).
    kinds = functools.cache(snapshots.changed_kinds)
    keep: set[str] = set()
    measures = (selectors.PEOPLE, *selectors.MEASURES)
    changed: set[str] = set()
    for n, period in enumerate(parsed, start=1):
        before = summary.recomputed
        for measure in measures:
            key = selectors.snapshot_key(measure, period, today, axes, limit)
            keep.add(key)
            done = snapshots.refresh_one(
                key,
                measure.key,
                period.code,
                functools.partial(selectors._build, measure, period, today, axes, limit),
                mark=mark,
                force=force,
                kinds=kinds,
            )
            if done:
                summary.recomputed += 1
                changed.add(measure.key)
            else:
                summary.unchanged += 1
        if progress:
            progress(
                f"{n}/{len(parsed)} {period.label}: {summary.recomputed - before} of "
                f"{len(measures)} tables recomputed ({time.perf_counter() - started:.1f} s)"
            )
    across = across_enabled(changed)
    if across:
        summary.linked = protect_across(today, axes, limit, across, progress)
    if periods is None:
        summary.forgotten = snapshots.prune(keep, KEEP_UNUSED)
    summary.seconds = time.perf_counter() - started
    return summary


def across_enabled(changed: set[str]) -> set[str]:
    """The recomputed tables whose groups are protected across tables and periods:
    those `GOLDENTHREAD_REPORTS_PROTECT_ACROSS` names ("all": every one). Off by default
    (ADR 0015, "Protected across tables and periods")."""
    wanted = settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS
    if "all" in wanted:
        return set(changed)
    every = sorted(m.key for m in (selectors.PEOPLE, *selectors.MEASURES))
    unknown = wanted - set(every)
    if unknown:
        raise ValueError(
            "GOLDENTHREAD_REPORTS_PROTECT_ACROSS names no report table: "
            + ", ".join(sorted(unknown))
            + ' (use table keys, or "all")'
        )
    on = {k for group in linked.groups(every) if wanted & set(group) for k in group}
    return changed & on


def protect_across(
    today: datetime.date,
    axes: selectors.FilterAxes,
    limit: int,
    changed: set[str],
    progress: Callable[[str], None] | None = None,
) -> linked.LinkedSummary:
    """Protect the stored cubes of every offered period together (#14, AGG-2,
    reports/linked.py): each group of linked tables with a table recomputed in this run
    is audited across its tables and every period offered, and hidden more until no
    small count can be worked out; the cubes that change are stored again (with their
    slices), and every cube of the group is marked as protected together, so that no
    request recomputes it on its own (only this does, after `refresh_one`)."""
    periods = [parse_period(code, today) for code, _ in period_choices(today)]
    measures = (selectors.PEOPLE, *selectors.MEASURES)
    names = {
        selectors.snapshot_key(m, p, today, axes, limit): (m.key, p.code)
        for m in measures
        for p in periods
    }
    every = sorted(m.key for m in measures)
    keys = {k for group in linked.groups(every) if changed & set(group) for k in group}
    mine = {key: name for key, name in names.items() if name[0] in keys}
    cubes = snapshots.stored_cubes(mine)
    before = dict(cubes)
    summary = linked.protect_linked(
        cubes,
        periods,
        today,
        limit,
        keys=sorted(keys),
        rebuild=selectors.linked_rebuild,
        follow=selectors.linked_follow,
        only=selectors.linked_only(cubes),
        progress=progress,
        # Boxes carried across periods, as every measured run had them (docs/benchmarks.md,
        # agg16): without them more periods are withheld.
        carry=True,
    )
    for key, name in mine.items():
        if name in cubes:
            snapshots.store_linked(key, cubes[name], changed=cubes[name] != before[name])
    return summary
