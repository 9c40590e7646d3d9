"""The monthly unmet-need table across periods (#14, AGG-2; reports/linked.py).

Its rows are the months a need was recorded in, its columns whether the need was met by
the end of the period. A part of a period that ends on the same day (December, the
fourth quarter and the year, all to today) has the same rows for its months, cell for
cell; one that ends before counts, at all ages, at most as many of a month's needs met
and at least as many not met. The test attacker reads both (tests/attacker.py); the
product's audit read neither, so a cell hidden in one period could be read off another.
Its links now write both, and after `protect_linked` the test attacker, its links written
here apart from the product's, pins no small count."""

from __future__ import annotations

import datetime
from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from goldenthread.reports import linked
from goldenthread.reports.disclosure import TOTAL, Dim, protect_counts
from goldenthread.reports.periods import parse_period

from .attacker import Attacker
from .budget import examples
from .test_linked_protection import THRESHOLD

TREND = "unmet-need-trend"
TODAY = datetime.date(2026, 12, 10)  # December, its quarter and its year end today
PERIODS = [parse_period(c, TODAY) for c in ("2026-10", "2026-11", "2026-12", "2026Q4", "2026")]
DAYS = [datetime.date(2026, 10, 15), datetime.date(2026, 11, 20), datetime.date(2026, 12, 5)]
MET_LATE = datetime.date(2026, 12, 8)  # met after the last need was recorded

NEED = st.tuples(
    st.sampled_from(DAYS),  # the day the need was recorded
    st.sampled_from((None, *DAYS, MET_LATE)),  # met (before recorded: left out)
    st.sampled_from(("t1", "t2", "t3")),
    st.sampled_from(("young", "old")),
    st.sampled_from(("r1", "r2")),
)


def _end(period) -> datetime.date:
    return min(period.end, TODAY)


def _month(day: datetime.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _trend_cubes(needs):
    """Each period's table of needs recorded in its months, met by its end or not, each
    protected on its own, as the reports do (a need keeps its age group here)."""
    out = {}
    for period in PERIODS:
        months = tuple(f"{y}-{m:02d}" for y, m in period.months())
        dims = [
            Dim("team", ("t1", "t2", "t3"), groups=(("area:a", ("t1", "t2")), ("area:b", ("t3",)))),
            Dim("age", ("young", "old")),
            Dim("reason", ("r1", "r2")),
            Dim("month", months),
            Dim("met", ("met", "not_met")),
        ]
        counts = Counter(
            (team, age, reason, _month(day), "met" if met and met <= _end(period) else "not_met")
            for day, met, team, age, reason in needs
            if _month(day) in months and day <= _end(period) and (met is None or met >= day)
        )
        out[(TREND, period.code)] = protect_counts(
            dims, counts, THRESHOLD, apart=(("team", "reason"),), selectable=3
        )
    return out


def _inside(period):
    return [
        p for p in PERIODS if p is not period and p.start >= period.start and p.end <= period.end
    ]


def _attack_trend(cubes):
    """The test attacker's links for the monthly table (as tests/attacker.py writes them):
    a part ending on its whole's day equal in each month's cells; one ending before, at
    all ages, at most as many met and at least as many not met, and a month's row met or
    not equal; each period the sum of its months at all ages (the months not offered a
    count of their own)."""
    attacker = Attacker(THRESHOLD)
    for name, cube in cubes.items():
        attacker.add_cube(name, cube)
    for period in PERIODS:
        whole_cube = cubes[(TREND, period.code)]
        for part in _inside(period):
            same = _end(part) == _end(period)
            for k in cubes[(TREND, part.code)].values:
                mine, whole = ((TREND, part.code), k), ((TREND, period.code), k)
                if k[3] == TOTAL or not (attacker.has(mine) and attacker.has(whole)):
                    continue
                if same:
                    attacker.link([(whole, 1), (mine, -1)])
                elif k[1] == TOTAL and k[-1] == "met":
                    attacker.at_most([(mine, 1), (whole, -1)])
                elif k[1] == TOTAL and k[-1] == "not_met":
                    attacker.at_most([(whole, 1), (mine, -1)])
                elif k[1] == TOTAL and k[-1] == TOTAL:
                    attacker.link([(whole, 1), (mine, -1)])
        months = [p for p in _inside(period) if len(p.months()) == 1]
        if not months:
            continue
        for k in whole_cube.values:
            if k[1] != TOTAL or k[3] != TOTAL or k[-1] != TOTAL:
                continue
            parts = [(((TREND, p.code), k), -1) for p in months]
            rest = whole_cube.values[k] - sum(cubes[r[0]].values[r[1]] for r, _ in parts)
            missing = attacker.derived(f"{period.code} {k} months not offered", rest)
            attacker.link([(((TREND, period.code), k), 1), *parts, (missing, -1)])
    attacker.propagate()
    assert not attacker.inconsistent and not attacker.untrue()
    return attacker


def test_a_part_of_the_monthly_table_is_linked_as_the_reader_reads_it():
    """The product's links: December's month cells equal the quarter's and the year's
    (all end today), at every age; October's and November's (ending before) at most the
    quarter's met and at least its not met, at all ages only; the quarter's row of a
    month, met or not, is that month's own (its tiling by months) at all ages and at an
    age group where nobody in it moved age group (here nobody does); every fact true."""
    needs = [(DAYS[0], DAYS[1], "t1", "old", "r1"), (DAYS[2], None, "t2", "young", "r2")] * 3
    cubes = _trend_cubes(needs)
    found = linked.links(cubes, PERIODS, TODAY, [TREND])
    same = {  # at an age
        frozenset(ref[0][1] for ref, _ in terms)
        for terms in found.equations
        if len(terms) == 2 and terms[0][0][1] == terms[1][0][1] and terms[0][0][1][1] != TOTAL
    }
    assert same == {
        frozenset({"2026-12", "2026Q4"}),
        frozenset({"2026-12", "2026"}),
        frozenset({"2026Q4", "2026"}),
        frozenset({"2026-10", "2026Q4"}),  # the quarter's October row, met or not
        frozenset({"2026-11", "2026Q4"}),
    }
    for terms in found.equations:
        if len(terms) == 2 and {r[0][1] for r, _ in terms} == {"2026-10", "2026Q4"}:
            assert all(r[1][-1] == TOTAL and r[1][3] == "2026-10" for r, _ in terms)
    at_most = [t for t in found.equations if any(r in found.slack for r, _ in t)]
    assert at_most
    for terms in at_most:
        (large, _), (small, _), _ = terms
        assert large[1] == small[1] and large[1][1] == TOTAL and large[1][3] != TOTAL
        later = {large[0][1], small[0][1]}
        assert later & {"2026-10", "2026-11"}  # ends before its whole
        met = large[1][-1] == "met"
        assert (large if met else small)[0][1] in {"2026Q4", "2026"}
    audit = linked.audit(cubes, found, THRESHOLD)
    assert audit.untrue() == [] and not audit.inconsistent


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NEED, min_size=1, max_size=50))
# Found by a seeded search with the new links left out of the product's: pinned then (2
# of 150 seeded cases; none with them).
@example(
    [
        (DAYS[0], DAYS[2], "t1", "young", "r2"),
        (DAYS[0], DAYS[2], "t2", "young", "r2"),
        (DAYS[1], None, "t1", "old", "r1"),
        (DAYS[0], DAYS[2], "t2", "young", "r1"),
        (DAYS[2], DAYS[2], "t2", "young", "r2"),
        (DAYS[0], DAYS[2], "t2", "young", "r2"),
        (DAYS[1], DAYS[1], "t3", "old", "r1"),
        (DAYS[1], MET_LATE, "t2", "young", "r1"),
        (DAYS[2], DAYS[2], "t2", "young", "r1"),
        (DAYS[2], DAYS[2], "t1", "young", "r1"),
        (DAYS[2], MET_LATE, "t3", "old", "r2"),
        (DAYS[2], None, "t3", "young", "r2"),
        (DAYS[1], DAYS[2], "t1", "old", "r1"),
        (DAYS[0], MET_LATE, "t3", "old", "r1"),
        (DAYS[0], DAYS[1], "t2", "old", "r1"),
        (DAYS[0], DAYS[1], "t3", "old", "r2"),
        (DAYS[1], DAYS[1], "t1", "young", "r1"),
        (DAYS[0], DAYS[0], "t1", "old", "r1"),
        (DAYS[0], DAYS[1], "t1", "young", "r2"),
        (DAYS[1], DAYS[2], "t1", "young", "r2"),
        (DAYS[0], DAYS[2], "t2", "young", "r1"),
        (DAYS[0], MET_LATE, "t2", "old", "r2"),
        (DAYS[1], DAYS[2], "t1", "young", "r1"),
    ]
)
def test_after_linked_protection_no_small_count_is_read_off_another_period(needs):
    """Random needs over three months: after `protect_linked` the test attacker, linking
    the monthly table's periods as a reader can, pins no small count."""
    cubes = _trend_cubes(needs)
    summary = linked.protect_linked(cubes, PERIODS, TODAY, THRESHOLD, carry=True)
    assert summary.pinned_after == 0
    assert _attack_trend(cubes).leaks() == []
