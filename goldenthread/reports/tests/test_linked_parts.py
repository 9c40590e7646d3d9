"""The audit propagated an area at a time (#14, AGG-2, ADR 0040): `Audit.propagate_in_parts`
ends with the bounds `Audit.propagate` ends with, whatever the parts; on cubes of several
areas linked across tables and periods, `linked.audit` in parts and in one piece give the
same bounds and pin the same small counts; and the parts are those ADR 0040 argues: a
row with a team's cell holds no other area's cell and no total."""

from __future__ import annotations

import copy
import datetime
import itertools
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.reports import linked
from goldenthread.reports.disclosure import TOTAL, Dim, protect_counts
from goldenthread.reports.periods import parse_period

from .budget import examples
from .test_propagate import systems

THRESHOLD = 5
TODAY = datetime.date(2027, 1, 15)
MONTHS = [parse_period(c, TODAY) for c in ("2026-10", "2026-11", "2026-12")]
QUARTER = parse_period("2026Q4", TODAY)
PERIODS = [*MONTHS, QUARTER]
TEAMS = ("t1", "t2", "t3", "t4", "t5", "t6")
AREAS = (("area:a", ("t1", "t2")), ("area:b", ("t3", "t4", "t5")), ("area:c", ("t6",)))
# The same outcomes (SAME_POPULATION), and flags at most the outcomes flagged (AT_MOST).
ROWS = {
    "outcome-quality": ("well", "flagged"),
    "outcome-agreement": ("agreed", "not", "asked"),
    "outcome-flags": ("f1", "f2"),
}
UNIT = st.tuples(
    st.integers(0, 2),
    st.sampled_from(TEAMS),
    st.sampled_from(("young", "old")),
    st.sampled_from(("r1", "r2")),
    st.sampled_from(ROWS["outcome-quality"]),
    st.sampled_from(ROWS["outcome-agreement"]),
    st.sampled_from(ROWS["outcome-flags"]),
)


def _cubes(units) -> dict[linked.Name, linked.ProtectedCube]:
    """Three tables for each month and the quarter, each protected on its own: a unit is
    (month, team, age, reason, quality row, agreement row, flag); a flag is counted only
    for an outcome flagged."""
    cubes = {}
    for n, key in enumerate(ROWS):
        dims = [
            Dim("team", TEAMS, groups=AREAS),
            Dim("age", ("young", "old")),
            Dim("reason", ("r1", "r2")),
            Dim("row", ROWS[key], additive=key != "outcome-flags"),
        ]
        for i, period in enumerate(PERIODS):
            counts: Counter[tuple[str, ...]] = Counter(
                (u[1], u[2], u[3], u[4 + n])
                for u in units
                if (period is QUARTER or u[0] == i) and (n < 2 or u[4] == "flagged")
            )
            cubes[(key, period.code)] = protect_counts(
                dims, counts, THRESHOLD, apart=(("team", "reason"),), selectable=3
            )
    return cubes


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems(), st.data())
def test_propagating_in_any_parts_ends_with_the_bounds_of_one_piece(audit, data):
    n = len(audit.low)
    areas = data.draw(st.integers(1, 4))
    codes = data.draw(st.lists(st.integers(0, 2 * areas + 1), min_size=n, max_size=n))
    whole = copy.deepcopy(audit)
    whole.propagate()
    audit.propagate_in_parts(np.array(codes), areas)
    assert bool(audit.inconsistent) == bool(whole.inconsistent)
    if not whole.inconsistent:
        assert (audit.low, audit.high) == (whole.low, whole.high)
    rows = [*audit.equations, *audit.inequalities]
    for i, (low_row, high_row) in enumerate(zip(audit.why_low, audit.why_high, strict=True)):
        # The row each bound was last moved by has the unknown in it (`support` follows it).
        for row in (low_row, high_row):
            assert row == -1 or i in {j for j, _ in rows[row][0]}


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(UNIT, min_size=1, max_size=80))
def test_the_audit_in_parts_gives_the_same_bounds_and_pins_the_same_counts(units):
    cubes = _cubes(units)
    links = linked.links(cubes, PERIODS, TODAY, ROWS)
    whole = linked.audit(cubes, links, THRESHOLD)
    parts = linked.audit(cubes, links, THRESHOLD, in_parts=True)
    assert not whole.inconsistent and not parts.inconsistent
    assert linked.area_codes(parts, cubes) is not None
    assert np.array_equal(parts.low.array, whole.low.array)
    assert np.array_equal(parts.high.array, whole.high.array)
    assert parts.leaks() == whole.leaks()
    # Every count a pinned one is worked out through is in a link the audit has.
    for ref in parts.leaks():
        assert parts.support(ref) <= set(range(len(links.equations)))


def test_a_row_with_a_team_s_cell_holds_no_other_area_s_cell_and_no_total():
    units = [
        (m, t, a, r, q, g, f)
        for m, t, a, r, q, g, f in itertools.product(
            range(3), TEAMS, ("young", "old"), ("r1", "r2"), *ROWS.values()
        )
        if (m + len(t) + len(a) + len(g)) % 3 == 0
    ]
    cubes = _cubes(units)
    links = linked.links(cubes, PERIODS, TODAY, ROWS)
    audit = linked.audit(cubes, links, THRESHOLD, in_parts=False)
    codes, areas = linked.area_codes(audit, cubes)
    assert areas == 3
    seen = Counter()
    for terms, _ in [*audit.equations, *audit.inequalities]:
        placed = {int(codes[i]) for i, _ in terms} - {2 * areas + 1}  # counts that are no cell
        teams_of = {c for c in placed if c < areas}
        if teams_of:
            (area,) = teams_of  # one area's teams
            assert placed <= {area, areas + area}  # and that area's own cells
            seen["area"] += 1
        else:
            assert placed <= set(range(areas, 2 * areas + 1))  # areas and the total
            seen["top"] += 1
    assert seen["area"] and seen["top"]


def test_with_one_area_the_audit_is_propagated_in_one_piece():
    dims = [Dim("team", ("t1", "t2"), groups=(("area:a", ("t1", "t2")),)), Dim("age", ("y", "o"))]
    cube = protect_counts(dims, {("t1", "y"): 3, ("t2", "o"): 9}, THRESHOLD, selectable=1)
    cubes = {("people", MONTHS[0].code): cube}
    audit = linked.audit(cubes, linked.Links(cubes=cubes), THRESHOLD, in_parts=True)
    assert linked.area_codes(audit, cubes) is None
    assert audit.low[audit.index[(("people", MONTHS[0].code), (TOTAL, "y"))]] == 1
