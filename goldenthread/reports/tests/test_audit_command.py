"""`goldenthread audit-disclosure` (#14, AGG-2) against a database: every link of a link
group holds on the true counts, and the command prints per table what a reader can work
out; a link that is not a fact stops it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from goldenthread.reports.disclosure import TOTAL

from . import links
from .conftest import record_needs

TODAY = datetime.date(2026, 6, 3)  # the pinned clock's day
UNMET = ["unmet-need", "unmet-need-trend", "unmet-need-time-to-met", "first-choice-not-delivered"]


@pytest.fixture
def needs(team, pinned_clock):
    record_needs(team, spread=20)


def _run(*args) -> list[str]:
    out = io.StringIO()
    # A quarter and its months (the needs are in April and May), not all 19 periods.
    periods = [
        a for code in ("2026-04", "2026-05", "2026-06", "2026Q2") for a in ("--period", code)
    ]
    call_command(
        "audit_disclosure",
        "--today",
        TODAY.isoformat(),
        "--table",
        "unmet-need",
        *periods,
        *args,
        stdout=out,
    )
    return out.getvalue().splitlines()


def _rows(lines: list[str]) -> dict[str, list[str]]:
    """The table the command prints, by its first column (the last row ends in " |")."""
    cells = [[c.strip(" |") for c in line.split(" | ")] for line in lines if " | " in line]
    return {row[0]: row for row in cells}


def test_the_audit_reads_every_period_and_the_links_hold(db, needs):
    rows = _rows(_run("--exact"))
    assert set(UNMET) | {"all"} <= set(rows)
    assert int(rows["unmet-need"][1]) > 0  # unknowns read, in the four periods
    assert len(rows["unmet-need"]) == 8  # with the LP's columns
    assert rows["all"][6] == "0"  # every open cell audited


def test_a_sample_bounds_the_exact_audit(db, needs):
    """`--sample N` audits N of a group's open small counts and says how many it left."""
    rows = _rows(_run("--exact", "--sample", "1"))
    opened, not_audited = int(rows["all"][2]), int(rows["all"][6])
    assert opened >= 2  # the fixture leaves more than one open: the sample is a bound
    assert not_audited == opened - 1
    assert int(rows["all"][4]) + int(rows["all"][5]) <= 1  # decided only among those audited
    with pytest.raises(CommandError, match="--sample needs --exact"):
        _run("--sample", "1")


def test_a_link_that_is_not_a_fact_stops_the_audit(db, needs, monkeypatch):
    wrong = links.Equal(
        (("unmet-need", (TOTAL, TOTAL)), ("unmet-need-time-to-met", ("30",))),
        "not a fact: every need met within 30 days",
    )
    monkeypatch.setattr(links, "SAME", (*links.SAME, wrong))
    with pytest.raises(CommandError, match="do not satisfy"):
        _run()
