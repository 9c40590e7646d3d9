"""People with a record across periods ending on the same day (#14, AGG-2;
reports/linked.py).

People with a record are counted to the end of each period, so the month, the quarter
and the year to today are the same counts. Each is protected on its own with the same
pattern, but the linked pass protects one of them again (its cells are linked to the
period ending before it), and the others kept the first pattern: a reader who opened two
of them read a cell hidden in one off the other. The test attacker (its links written
apart from the product's, as tests/attacker.py writes them) links periods ending on the
same day cell by cell, and the people added between two ends; after `protect_linked` it
pins no small count."""

from __future__ import annotations

import datetime
from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from goldenthread.reports import linked
from goldenthread.reports.disclosure import TOTAL, protect_counts
from goldenthread.reports.periods import parse_period

from .attacker import Attacker
from .budget import examples
from .test_linked_protection import THRESHOLD, _dims

TODAY = datetime.date(2026, 12, 10)  # December, its quarter and its year end today
PERIODS = [parse_period(c, TODAY) for c in ("2026-10", "2026-11", "2026-12", "2026Q4", "2026")]
DAYS = [datetime.date(2026, 9, 20), datetime.date(2026, 10, 15), datetime.date(2026, 11, 20)]
DAYS.append(datetime.date(2026, 12, 5))

PERSON = st.tuples(
    st.sampled_from(DAYS),  # the day the record was made
    st.sampled_from(("t1", "t2", "t3")),
    st.sampled_from(("young", "old")),
    st.sampled_from(("r1", "r2")),
    st.sampled_from(("in", "out")),
)


def _end(period) -> datetime.date:
    return min(period.end, TODAY)


def _people_cubes(units):
    """People with a record by the end of each period (a person keeps their age group
    here), each period protected on its own, as the reports do."""
    dims = _dims(("in", "out"))
    return {
        ("people", period.code): protect_counts(
            dims,
            Counter(u[1:] for u in units if u[0] <= _end(period)),
            THRESHOLD,
            apart=(("team", "reason"),),
            selectable=3,
        )
        for period in PERIODS
    }


def _attack_people(cubes):
    """The test attacker's links for a table counted to the end of each period: periods
    ending on the same day agree in every cell; a later end is an earlier one and the
    people added between (a count of its own), at all ages."""
    attacker = Attacker(THRESHOLD)
    for name, cube in cubes.items():
        attacker.add_cube(name, cube)
    ends: dict = {}
    for period in PERIODS:
        ends.setdefault(_end(period), []).append(period)
    for same in ends.values():
        for other in same[1:]:
            for k in cubes[("people", same[0].code)].values:
                attacker.link(
                    [((("people", same[0].code), k), 1), ((("people", other.code), k), -1)]
                )
    ordered = [ends[e][0] for e in sorted(ends)]
    for before, after in zip(ordered, ordered[1:], strict=False):
        cube, earlier = cubes[("people", after.code)], cubes[("people", before.code)]
        for k in cube.values:
            if k[1] != TOTAL:
                continue
            new = attacker.derived(
                f"added {before.code}..{after.code} {k}", cube.values[k] - earlier.values[k]
            )
            attacker.link(
                [((("people", after.code), k), 1), ((("people", before.code), k), -1), (new, -1)]
            )
    attacker.propagate()
    assert not attacker.inconsistent and not attacker.untrue()
    return attacker


def test_periods_ending_on_the_same_day_are_linked_cell_by_cell():
    """The product's links join the month, the quarter and the year that end today in
    every cell, and no two periods ending on different days so."""
    cubes = _people_cubes([(DAYS[0], "t1", "old", "r1", "in")] * 6)
    found = linked.links(cubes, PERIODS, TODAY, ["people"])
    pairs = {
        frozenset(ref[0][1] for ref, _ in terms)
        for terms in found.equations
        if len(terms) == 2 and terms[0][0][1] == terms[1][0][1]
    }
    assert pairs == {frozenset({"2026-12", "2026Q4"}), frozenset({"2026-12", "2026"})}
    cells = len(cubes[("people", "2026-12")].values)
    same = [t for t in found.equations if len(t) == 2 and t[0][0][1] == t[1][0][1]]
    assert len(same) == 2 * cells


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PERSON, min_size=1, max_size=60))
# Found by a seeded search with the same-day links left out of the product's: pinned then.
@example(
    [
        (DAYS[0], "t1", "young", "r2", "out"),
        (DAYS[0], "t3", "old", "r1", "out"),
        (DAYS[0], "t3", "young", "r2", "in"),
        (DAYS[2], "t1", "old", "r1", "in"),
        (DAYS[2], "t1", "young", "r1", "out"),
        (DAYS[3], "t2", "old", "r1", "out"),
        (DAYS[3], "t2", "young", "r1", "out"),
    ]
)
def test_after_linked_protection_no_small_count_is_read_off_a_period_ending_the_same_day(units):
    """Random people over four record days: after `protect_linked` the test attacker,
    linking periods ending on the same day cell by cell and the people added between
    ends, pins no small count."""
    cubes = _people_cubes(units)
    summary = linked.protect_linked(cubes, PERIODS, TODAY, THRESHOLD, carry=True)
    assert summary.pinned_after == 0
    assert _attack_people(cubes).leaks() == []


def test_review_timeliness_at_a_later_end_counts_at_least_as_many_at_all_ages_and_states():
    """The product's links, as the test attacker's: for a table as it stood at each
    period's end (review timeliness), each end's count at all ages and states is at most
    the next end's (people with an outcome by then), and the month, quarter and year to
    today agree; every fact true."""
    people = _people_cubes(
        [(DAYS[0], "t1", "old", "r1", "in")] * 6 + [(DAYS[2], "t2", "young", "r2", "out")]
    )
    cubes = {("review-timeliness", code): cube for (_, code), cube in people.items()}
    found = linked.links(cubes, PERIODS, TODAY, ["review-timeliness"])
    at_most = {
        (small[0][1], large[0][1], small[1])
        for (large, _), (small, _), (rest, _) in (t for t in found.equations if len(t) == 3)
        if rest in found.slack
    }
    ends = ("2026-10", "2026-11", "2026")  # the last period offered for each end
    keys = [k for k in cubes[("review-timeliness", "2026")].values if k[1] == TOTAL == k[3]]
    assert keys and at_most == {
        (a, b, k) for a, b in zip(ends, ends[1:], strict=False) for k in keys
    }
    audit = linked.audit(cubes, found, THRESHOLD)
    assert audit.untrue() == [] and not audit.inconsistent
