"""`goldenthread bench reports`: the report pages' server time (OPS-3, #14).

For each period: the first request with nothing stored (the figures computed in the
request, as before they were stored: the baseline), `refresh_reports` for the period, the
first request after it in a fresh process (stored figures read from the database), then
requests with random filters on the index and every topic's page (#14). Prints the ratio
of the first requests' CPU time."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable

from django.core.cache import cache
from django.test.utils import override_settings
from django.urls import reverse

from goldenthread.accounts.models import Role, User
from goldenthread.reports import selectors, topics
from goldenthread.reports.models import ReportSnapshot
from goldenthread.reports.refresh import refresh_reports

from .pages import _get, signed_in_client
from .stats import Timings

PERIODS = ("rolling", "QUARTER")
# The page whose first request, computing its figures, is the baseline (its tables' cost
# is typical: a need table, a trend by month and a time band).
BASELINE_TOPIC = "unmet-need"


def _timed_get(client, url: str) -> tuple[float, float]:
    """Wall and CPU seconds for one GET, timed alone: no untimed request first (the first
    request for a period is what is measured, so nothing may warm it)."""
    started, cpu = time.perf_counter(), time.process_time()
    _get(client, url)
    return time.perf_counter() - started, time.process_time() - cpu


def _commissioner() -> User:
    user = User.objects.filter(role=Role.COMMISSIONER, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_user(
            "bench-commissioner",
            role=Role.COMMISSIONER,
            first_name="Bench",
            last_name="Commissioner",
        )
    return user


def _random_query(rng: random.Random, axes: selectors.FilterAxes, code: str) -> str:
    query = {"period": code}
    where = rng.random()
    if where < 0.4 and axes.teams:
        query["team"] = rng.choice(axes.teams)
    elif where < 0.7 and axes.areas:
        query["area"] = rng.choice(axes.areas)
    else:  # main reason for support: all teams and areas only (#14)
        query["reason"] = rng.choice(selectors.SUPPORT_REASONS)
    if rng.random() < 0.5:
        query["age"] = rng.choice(("18-64", "65-74", "75-84", "85+"))
    return "&".join(f"{k}={v}" for k, v in query.items())


def _pages() -> list[tuple[str, str]]:
    return [
        ("index", reverse("reports:index")),
        *((t.slug, reverse("reports:topic", args=[t.slug])) for t in topics.TOPICS),
    ]


# Each table protected on its own here: the baseline computes a table in the request, which
# a table protected across (the default, ADR 0038) never is, and the refresh is timed per
# period. The protection across every table and period is `refresh-reports`' own pass,
# measured on its own (docs/benchmarks.md: a council's took an hour and 11 GB).
@override_settings(GOLDENTHREAD_REPORTS_PROTECT_ACROSS=frozenset())
def run(say: Callable[[str], None], *, repeat: int = 20, seed: int = 7, periods=PERIODS) -> None:
    """Per period: the baseline topic's first request computing its figures, the refresh,
    its first request after it, then `repeat` requests with random filters on the index
    and each topic's page (wall time, and CPU time: the machine may be busy). Each table
    protected on its own (above)."""
    from django.utils import timezone

    today = timezone.localdate()
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    client = signed_in_client(_commissioner())
    base_url = reverse("reports:topic", args=[BASELINE_TOPIC])
    axes = selectors.FilterAxes.load()
    rng = random.Random(seed)
    say(
        f"Reports (as a commissioner: the index and {len(topics.TOPICS)} topic pages, "
        f"{len(selectors.MEASURES)} tables, each protected on its own; load average "
        f"{_load()}):"
    )
    for code in (quarter if p == "QUARTER" else p for p in periods):
        ReportSnapshot.objects.filter(period_code=code).delete()
        cache.clear()
        # The figures computed in the request, however large (today a table that large is
        # left to the background worker, and the page says they are being worked out).
        with override_settings(GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS=10**12):
            baseline = _timed_get(client, f"{base_url}?period={code}")
        started, cpu = time.perf_counter(), time.process_time()
        summary = refresh_reports(periods=[code], force=True, jobs=1)
        refresh_s, refresh_cpu = time.perf_counter() - started, time.process_time() - cpu
        jobs, in_processes = os.cpu_count() or 1, ""
        if jobs > 1:
            # The same with a process a core (`refresh-reports --jobs`, #14): the baseline
            # is the one-process refresh above; CPU counts the computing processes too.
            before, started = os.times(), time.perf_counter()
            refresh_reports(periods=[code], force=True, jobs=jobs)
            jobs_wall, after = time.perf_counter() - started, os.times()
            spent = sum(
                getattr(after, f) - getattr(before, f)
                for f in ("user", "system", "children_user", "children_system")
            )
            in_processes = (
                f"    refresh-reports --jobs {jobs} {jobs_wall:.1f} s (CPU {spent:.1f} s, its "
                f"processes included) against {refresh_s:.1f} s with one: "
                f"{refresh_s / jobs_wall:.2f}× faster"
            )
        withheld = ReportSnapshot.objects.filter(period_code=code, withheld=True).count()
        firsts = []
        for _ in range(3):
            cache.clear()  # as a process that has not read them yet
            firsts.append(_timed_get(client, f"{base_url}?period={code}"))
        first_wall = Timings([w for w, _ in firsts])
        first_cpu = Timings([c for _, c in firsts])
        say(
            f"  {code}: refresh-reports {refresh_s:.1f} s (CPU {refresh_cpu:.1f} s; "
            f"{summary.recomputed} tables, {withheld} withheld); /reports/{BASELINE_TOPIC}/ "
            f"computing its figures (baseline) {baseline[0] * 1000:,.0f} ms (CPU "
            f"{baseline[1] * 1000:,.0f} ms), first request after refresh (p50 of 3) "
            f"{first_wall.p50:,.0f} ms (CPU {first_cpu.p50:,.0f} ms; "
            f"{baseline[1] * 1000 / first_cpu.p50:.0f}× less CPU)"
        )
        if in_processes:
            say(in_processes)
        say(f"    any filter, figures stored ({repeat} requests per page), wall | CPU:")
        for name, url in _pages():
            timed = [
                _timed_get(client, f"{url}?{_random_query(rng, axes, code)}") for _ in range(repeat)
            ]
            wall, cpu_t = Timings([w for w, _ in timed]), Timings([c for _, c in timed])
            say(
                f"    {name:20} p50 {wall.p50:6.1f} p95 {wall.p95:6.1f} ms | "
                f"p50 {cpu_t.p50:6.1f} p95 {cpu_t.p95:6.1f} ms"
            )


def _load() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
