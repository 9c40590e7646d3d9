"""Keep the reports' figures ready (OPS-3): recompute the stored figures of every period a
reader can choose whose records have changed since they were computed.

`refresh_reports()` is a plain function for a background job or a timer; the command
`goldenthread refresh-reports` calls it and shows progress. Run it every few minutes
(docs/how-to or cron): a reader's first request for a period then reads stored figures."""

from __future__ import annotations

import concurrent.futures
import datetime
import functools
import multiprocessing
import multiprocessing.util
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from . import linked, selectors, snapshots
from .periods import Period, parse_period, period_choices

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
    # Tables recomputed whose figures the database would not store ("table (period)"): the
    # error is logged; pages go on showing what was stored before, or asking for them.
    not_stored: list[str] = field(default_factory=list)


def refresh_reports(
    *,
    today: datetime.date | None = None,
    periods: Iterable[str] | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    jobs: int | None = None,
) -> RefreshSummary:
    """Recompute the figures of `periods` (default: every period the filter offers) whose
    records have changed since they were computed; `force` recomputes them all. `jobs`
    (default GOLDENTHREAD_REPORTS_REFRESH_JOBS): how many tables are computed at once,
    each in a process of its own when more than one (#14, OPS-3)."""
    started, started_at = time.perf_counter(), timezone.now()
    today = today or timezone.localdate()
    jobs = settings.GOLDENTHREAD_REPORTS_REFRESH_JOBS if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
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
    recomputed_as: dict[str, str] = {}  # key: "table (period)", to check they were stored
    tables = [(period, measure) for period in parsed for measure in measures]
    left = {period.code: len(measures) for period in parsed}
    done_in = {period.code: 0 for period in parsed}

    def finished(key: str, period: Period, measure_key: str, recomputed: bool) -> None:
        if recomputed:
            recomputed_as[key] = f"{measure_key} ({period.code})"
            summary.recomputed += 1
            done_in[period.code] += 1
            changed.add(measure_key)
        else:
            summary.unchanged += 1
        left[period.code] -= 1
        if progress and not left[period.code]:
            n = sum(1 for code in left.values() if not code)
            progress(
                f"{n}/{len(parsed)} {period.label}: {done_in[period.code]} of "
                f"{len(measures)} tables recomputed ({time.perf_counter() - started:.1f} s)"
            )

    def key_of(period: Period, measure: selectors.Measure) -> str:
        key = selectors.snapshot_key(measure, period, today, axes, limit)
        keep.add(key)
        return key

    def store(ready) -> None:
        for key, measure, period, computed in ready:
            snapshots.store_computed(key, measure.key, period.code, computed, mark)
            finished(key, period, measure.key, True)

    if jobs == 1:
        for period, measure in tables:
            key = key_of(period, measure)
            done = snapshots.refresh_one(
                key,
                measure.key,
                period.code,
                functools.partial(selectors._build, measure, period, today, axes, limit),
                mark=mark,
                force=force,
                kinds=kinds,
            )
            finished(key, period, measure.key, done)
    else:
        # The largest tables first (by their cells, what their cost grows with): a large
        # table handed over last would leave the other processes idle while it runs.
        tables.sort(key=lambda table: -selectors.cube_cells(table[1], table[0], axes))
        with _Computers(jobs, today, axes, limit) as computers:
            for period, measure in tables:
                key = key_of(period, measure)
                if snapshots.due(key, mark=mark, force=force, kinds=kinds):
                    computers.submit(key, measure, period)
                else:
                    finished(key, period, measure.key, False)
                store(computers.ready(block=False))
            store(computers.ready(block=True))
    # A table's figures the database refused (too large for a JSON value, a disk full) are
    # logged by `snapshots` and the run goes on; said here too, so no one reads "recomputed"
    # for figures that were not kept (#14: the nation's rolling review progress).
    stored = snapshots.stored_since(recomputed_as, started_at)
    summary.not_stored = sorted(label for key, label in recomputed_as.items() if key not in stored)
    across = across_enabled(changed)
    if across:
        summary.linked = protect_across(today, axes, limit, across, progress)
    if periods is None:
        summary.forgotten = snapshots.prune(keep, KEEP_UNUSED)
    summary.seconds = time.perf_counter() - started
    return summary


# What a computing process needs of the run: set before the processes are forked (they
# inherit it), so that only a table's names cross to them and its figures come back.
_RUN: dict[str, Any] = {}


class _Computers:
    """Tables computed in `jobs` processes of their own (#14, OPS-3: at the nation's size
    each of the largest tables takes minutes of CPU and about 1.5 GB, one at a time).
    Each process is forked from this one and computes one table at a time; its figures
    come back as plain data (`snapshots.Computed`) and this process stores them, so only
    this process writes. At most `jobs` tables are in hand at once: a table is claimed
    (`snapshots.due`) just before it is handed over, and a claim given up if its
    computing fails or the run is stopped."""

    def __init__(self, jobs: int, today: datetime.date, axes, limit: int):
        self.jobs = jobs
        self.run = (today, axes, limit)
        self.pending: dict[concurrent.futures.Future, tuple[str, selectors.Measure, Period]] = {}

    def __enter__(self) -> _Computers:
        _RUN["run"] = self.run
        self.pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_own_connections,
        )
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if self.pending:  # stopped, or a table failed: no one is computing these now
                for future in self.pending:
                    future.cancel()
                snapshots.release([key for key, _, _ in self.pending.values()])
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            _RUN.clear()

    def submit(self, key: str, measure: selectors.Measure, period: Period) -> None:
        future = self.pool.submit(_compute_in_process, measure.key, period.code)
        self.pending[future] = (key, measure, period)

    def ready(self, *, block: bool):
        """The tables whose figures have come back, as they come back: those back now, after
        waiting for one while every process is busy; or, when `block`, all of them. A table
        whose computing failed raises its error (and `__exit__` gives up the rest)."""
        while self.pending:
            if not block and len(self.pending) < self.jobs:
                done = {future for future in self.pending if future.done()}
                if not done:
                    return
            else:
                done, _ = concurrent.futures.wait(
                    self.pending, return_when=concurrent.futures.FIRST_COMPLETED
                )
            for future in done:
                computed = future.result()
                key, measure, period = self.pending.pop(future)
                yield key, measure, period, computed


def _own_connections() -> None:
    """A computing process's first step: open database connections of its own. Those it
    inherited are the parent's (the same sockets and files): they are forgotten here,
    never closed (closing would end the parent's session), and kept referenced so that
    nothing finalizes them. An in-memory SQLite database (the tests') is this process's
    own copy of the parent's, so it is kept and read. The process's own connections are
    closed when it ends."""
    inherited = []
    for conn in connections.all(initialized_only=True):
        if conn.vendor == "sqlite" and conn.is_in_memory_db():  # type: ignore[attr-defined]
            continue
        inherited.append(conn)
        del connections[conn.alias]
    _RUN["inherited"] = inherited
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _compute_in_process(measure_key: str, period_code: str) -> snapshots.Computed:
    today, axes, limit = _RUN["run"]
    measure = {m.key: m for m in (selectors.PEOPLE, *selectors.MEASURES)}[measure_key]
    period = parse_period(period_code, today)
    return snapshots.compute_for_storing(
        functools.partial(selectors._build, measure, period, today, axes, limit)
    )


def across_enabled(changed: set[str]) -> set[str]:
    """The recomputed tables whose groups are protected across tables and periods:
    `selectors.protected_across` (GOLDENTHREAD_REPORTS_PROTECT_ACROSS; every table by
    default, ADR 0038)."""
    return changed & selectors.protected_across()


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
    summary = linked.LinkedSummary()
    # One group at a time: its cubes read, protected and stored, then let go (#14: a
    # council's groups all held at once, with each changed cube's figures before, took
    # 19.4 GB at the largest group's audit, where that group alone took 14.6 GB).
    for group in linked.groups(every):
        if not changed & set(group):
            continue
        mine = {key: name for key, name in names.items() if name[0] in group}
        cubes = snapshots.stored_cubes(mine)
        before = dict(cubes)
        summary.add(
            linked.protect_linked(
                cubes,
                periods,
                today,
                limit,
                keys=sorted(group),
                rebuild=selectors.linked_rebuild,
                follow=selectors.linked_follow,
                only=selectors.linked_only(cubes),
                progress=progress,
                # Boxes carried across periods, as every measured run had them
                # (docs/benchmarks.md, agg16): without them more periods are withheld.
                carry=True,
            )
        )
        for key, name in mine.items():
            if name in cubes:
                snapshots.store_linked(key, cubes[name], changed=cubes[name] != before[name])
        del cubes, before
    return summary
