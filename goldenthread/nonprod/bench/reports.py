"""`goldenthread bench reports`: the report pages' server time (OPS-3, #14).

For each period: the first request with nothing stored (the figures computed in the
request, as before they were stored: the baseline), `refresh_reports` for the period, the
first request after it in a fresh process (stored figures read from the database), then
requests with random filters. Prints the ratio of the first requests."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.core.cache import cache
from django.urls import reverse

from goldenthread.accounts.models import Role, User
from goldenthread.reports import selectors
from goldenthread.reports.models import ReportSnapshot
from goldenthread.reports.refresh import refresh_reports

from .pages import _get, signed_in_client
from .stats import Timings

PERIODS = ("rolling", "QUARTER")


def _timed_get(client, url: str) -> float:
    """Seconds for one GET, timed alone: no untimed request first (the first request for a
    period is what is measured, so nothing may warm it)."""
    started = time.perf_counter()
    _get(client, url)
    return time.perf_counter() - started


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


def run(say: Callable[[str], None], *, repeat: int = 20, seed: int = 7) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    client = signed_in_client(_commissioner())
    url = reverse("reports:index")
    axes = selectors.FilterAxes.load()
    rng = random.Random(seed)
    say(f"Reports (/reports/ as a commissioner, {len(selectors.MEASURES)} tables):")
    for code in (quarter if p == "QUARTER" else p for p in PERIODS):
        ReportSnapshot.objects.filter(period_code=code).delete()
        cache.clear()
        baseline = Timings([_timed_get(client, f"{url}?period={code}")])
        started = time.perf_counter()
        summary = refresh_reports(periods=[code], force=True)
        refresh_s = time.perf_counter() - started
        firsts = []
        for _ in range(3):
            cache.clear()  # as a process that has not read them yet
            firsts.append(_timed_get(client, f"{url}?period={code}"))
        first = Timings(firsts)
        filtered = []
        for _ in range(repeat):
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
            params = "&".join(f"{k}={v}" for k, v in query.items())
            filtered.append(_timed_get(client, f"{url}?{params}"))
        after = Timings(filtered)
        say(
            f"  {code}: first request computing the figures (baseline) "
            f"{baseline.p50:,.0f} ms; refresh-reports {refresh_s:.1f} s "
            f"({summary.recomputed} tables); first request after it (p50 of 3) "
            f"{first.p50:,.0f} ms "
            f"({baseline.p50 / first.p50:.0f}× faster)"
        )
        say(f"    any filter, figures stored ({repeat} requests): {after.line()}")
