"""Report figures protected across tables and periods by default (#14, AGG-2, ADR 0038).

Each table protected on its own gives small counts away to a reader who opens several
tables, filters and periods (the demo: 5,377 small counts could be worked out). So every
table is protected together with the others by default: its figures are worked out by the
background worker (or `refresh-reports`) for every period offered at once, never alone
in a request, and what a reader can then work out from every table and period is checked
by the test attacker."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from conftest import sign_in
from goldenthread.reports import selectors, snapshots
from goldenthread.reports.models import ReportSnapshot
from goldenthread.reports.periods import period_choices

from .attacker import attack_database
from .conftest import record_needs
from .test_snapshots import TODAY, UNMET_PAGE

# The unmet-need group's tables (linked.groups) with the population, and the periods the
# spread needs (identified 40, 60 and 80 days before TODAY: March and April) with their
# wholes: what the test attacker reads (all 24 tables and 19 periods take minutes).
GROUP = [
    "people",
    "unmet-need",
    "unmet-need-trend",
    "unmet-need-time-to-met",
    "first-choice-not-delivered",
]
CODES = ["2026-03", "2026-04", "2026-05", "2026Q1", "2026Q2", "2026", "rolling"]


@pytest.fixture
def across(settings, stored):
    """As production has it: the store on, every table protected across (the default)."""
    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"all"})


@pytest.fixture
def no_computing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the request computed report figures")

    monkeypatch.setattr(selectors, "_build", refuse)
    return monkeypatch


def _queued() -> list:
    return [r.args_kwargs["args"] for r in DBTaskResult.objects.order_by("enqueued_at")]


def _setting_without_the_variable(module: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "GOLDENTHREAD_REPORTS_PROTECT_ACROSS"}
    return subprocess.run(  # noqa: S603 - our own settings, a fixed script
        [
            sys.executable,
            "-c",
            f"from goldenthread.config.settings import {module} as s; "
            "print(sorted(s.GOLDENTHREAD_REPORTS_PROTECT_ACROSS))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_every_table_is_protected_across_unless_the_setting_says_none():
    from goldenthread.config.settings.base import _protect_across

    assert _setting_without_the_variable("base") == "['all']"
    assert _protect_across("all") == {"all"}
    assert _protect_across("none") == frozenset()
    assert _protect_across(" unmet-need , people ") == {"unmet-need", "people"}


def test_with_the_store_on_no_request_computes_a_table_protected_across(
    client, commissioner, across, needs, pinned_clock, no_computing
):
    """A table worked out alone would drop what hides it from the other tables and
    periods: the page says its figures are being worked out, and asks the worker once for
    every period (one ask, however many periods readers open)."""
    sign_in(client, commissioner)
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert "Figures being worked out" in page
    assert "every table and period is checked together" in page
    assert "<table" not in page
    assert _queued() == [["2026Q2", "2026-06-03"]]
    client.get(UNMET_PAGE, {"period": "2026-05"})
    rolling = client.get(UNMET_PAGE, {"period": "rolling"}).content.decode()
    assert "The figures for the 12 months to May 2026 are being worked out." in rolling
    assert len(_queued()) == 1 and not ReportSnapshot.objects.exists()


def test_with_the_store_off_each_request_computes_each_table_on_its_own(
    client, commissioner, settings, needs, pinned_clock
):
    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"all"})
    settings.GOLDENTHREAD_REPORTS_CACHE_SECONDS = 0  # nothing kept to serve (the tests')
    sign_in(client, commissioner)
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert "<td>fewer than 5</td>" in page and not _queued()


# The worker closes its database connection when it ends (as a worker process does).
@pytest.mark.django_db(transaction=True)
def test_the_worker_protects_every_period_together_and_nothing_small_can_be_worked_out(
    client, commissioner, across, team, pinned_clock, no_computing
):
    record_needs(team, spread=20)
    sign_in(client, commissioner)
    client.get(UNMET_PAGE, {"period": "2026Q2"})
    no_computing.undo()
    call_command("worker", "--once", verbosity=0)

    offered = {code for code, _ in period_choices(TODAY)}
    tables = len(selectors.MEASURES) + 1
    stored = ReportSnapshot.objects.values_list("period_code", "cube")
    assert {code for code, _ in stored} == offered
    assert len(stored) == tables * len(offered)
    assert all(cube.get(snapshots.LINKED) for _, cube in stored)

    no_computing.setattr(selectors, "_build", lambda *a, **k: pytest.fail("computed again"))
    cache.clear()
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert "Figures being worked out" not in page
    assert "Figures computed at 10:30 on 3 June 2026." in page
    assert "fewer than 5" in page  # the 3 housing needs, hidden, not worked out

    # What a reader can open of the group, with its links across tables and periods.
    attacker = attack_database(TODAY, keys=GROUP, codes=CODES, progress=lambda words: None)
    assert attacker.untrue() == [] and not attacker.inconsistent
    assert list(attacker.leaks()) == []


def test_each_table_protected_on_its_own_gives_small_counts_away(db, stored, team, pinned_clock):
    """What the default prevents: the same records and tables, each protected alone (the
    setting "none"), give the test attacker small counts (the test above is not vacuous)."""
    from goldenthread.reports.refresh import refresh_reports

    record_needs(team, spread=20)
    summary = refresh_reports(today=TODAY, periods=CODES)
    assert summary.linked is None
    attacker = attack_database(TODAY, keys=GROUP, codes=CODES, progress=lambda words: None)
    assert attacker.untrue() == [] and len(list(attacker.leaks())) > 100
