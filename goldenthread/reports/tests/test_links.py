"""Every report table is classified in `links.py` (#14, AGG-2): how it behaves over
periods, and linked to other tables or listed as independent with the reason. A table
added to the reports without that fails here; a link naming a cell a table does not have
fails here too. The attacker's use of the links is tested on hand-built cubes below."""

from __future__ import annotations

import datetime

from goldenthread.reports import linked, selectors
from goldenthread.reports.disclosure import TOTAL, Dim, Status, protect_counts
from goldenthread.reports.periods import parse_period

from . import links
from .attacker import Attacker, _expand

TODAY = datetime.date(2026, 12, 3)


def test_every_table_is_classified_over_periods_and_across_tables():
    tables = set(selectors.BY_KEY)
    assert set(links.OVER_PERIODS) == tables
    assert set(links.OVER_PERIODS.values()) <= {
        links.EVENTS,
        links.EVENTS_AS_AT_END,
        links.CUMULATIVE,
        links.AS_AT_END,
    }
    linked = links.linked_tables()
    assert linked <= tables and set(links.INDEPENDENT) <= tables
    unclassified = tables - linked - set(links.INDEPENDENT)
    assert not unclassified, f"link these tables or list them as independent: {unclassified}"
    assert all(len(why) > 20 for why in links.INDEPENDENT.values())
    # A table listed as independent is not linked to another table as well.
    assert not (set(links.INDEPENDENT) & linked)


def test_a_new_table_would_fail_the_classification(monkeypatch):
    extra = selectors.Measure(
        key="new-table",
        title="New",
        counted="things",
        rows=selectors.Axis("row", ("a",), {"a": "A"}),
        units=lambda period, today: iter(()),
    )
    monkeypatch.setattr(selectors, "BY_KEY", {**selectors.BY_KEY, "new-table": extra})
    try:
        test_every_table_is_classified_over_periods_and_across_tables()
    except AssertionError:
        return
    raise AssertionError("an unclassified table passed")


def _coords(key: str) -> list[tuple[str, ...]]:
    """Each dimension's coordinates after the filters, for a period."""
    measure = selectors.BY_KEY[key]
    period = parse_period("2026Q3", TODAY)
    dims = [measure.row_axis(period).dim()]
    if measure.columns is not None:
        dims.append(measure.columns.dim())
    return [d.coords for d in dims]


def test_every_linked_cell_exists():
    cells = [c for same in links.SAME for c in same.cells]
    cells += [c for most in links.AT_MOST for c in (most.small, most.large)]
    for key, tail in cells:
        coords = _coords(key)
        for full in _expand(tail):
            assert len(full) == len(coords), (key, tail)
            assert all(c in cs for c, cs in zip(full, coords, strict=True)), (key, full)
    # The budget decisions' answers are every coordinate of the decision axis.
    answers = {same.cells[0][1][1] for same in links.SAME if same.cells[0][0] == "budget-decisions"}
    assert answers == set(selectors.DECISION_AXIS.dim().coords)


def test_groups_cover_every_table_once():
    groups = links.groups()
    every = [k for g in groups for k in g]
    assert sorted(every) == sorted(selectors.BY_KEY)
    assert {"outcome-quality", "outcome-flags", "met-without-paid-support"} <= next(
        g for g in groups if "outcome-domains" in g
    )


def test_an_inequality_narrows_what_an_equation_leaves_open():
    """Outcomes with a flag are at most the outcomes flagged: with the flagged count
    shown as 2, a flag's "fewer than 5" is 1..2; with it shown as 1, exactly 1."""
    for shown in (1, 2):
        attacker = Attacker(5)
        ref = ("flags", ("a", "f1"))
        attacker._unknown(ref, "small", 1, 4, 1)
        attacker.at_most([(ref, 1)], shown)
        attacker.propagate()
        assert not attacker.untrue() and not attacker.inconsistent
        i = attacker.index[ref]
        assert (attacker.low[i], attacker.high[i]) == (1, shown)
        assert [f.ref for f in attacker.leaks()] == ([ref] if shown == 1 else [])


def test_a_link_the_true_counts_break_is_reported():
    dims = [Dim("team", ("a", "b")), Dim("row", ("x", "y"))]
    one = protect_counts(dims, {("a", "x"): 2, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 8}, 5)
    attacker = Attacker(5)
    attacker.add_cube("one", one)
    attacker.at_most([(("one", ("a", "x")), 1)], 1)  # not a fact: the count is 2
    assert attacker.untrue()
    assert not Attacker(5).untrue()


def test_the_products_audit_reads_inequalities_and_checks_every_fact():
    """`linked.Audit` (the publisher's audit, which the attacker propagates with) reads
    "at most" facts and checks every fact against the true counts: a small cell that an
    inequality bounds by a shown 1 is pinned; the labels say what the reader was told."""
    dims = [Dim("team", ("a", "b")), Dim("row", ("x", "y"))]
    cube = protect_counts(dims, {("a", "x"): 1, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 8}, 5)
    small = ("one", ("a", "x"))
    assert cube.cell(small[1]).status.name == "SMALL"
    found = linked.Audit(5)
    found.add_cube("one", cube)
    labels = dict(zip(found.refs, found.labels, strict=True))
    assert labels[small] == "small" and set(labels.values()) <= {"small", "hidden"}
    found.propagate()
    assert small not in found.leaks()  # its box holds: propagation alone cannot tell
    found.at_most([(small, 1)], 1)  # e.g. at most the outcomes flagged, shown as 1
    found.propagate()
    assert not found.untrue() and not found.inconsistent
    assert found.leaks() == [small]
    found.at_most([(small, 1)], 0)  # not a fact: the count is 1
    assert found.untrue() == [f"[({small!r}, 1)] <= 0 (true: 1)"]
    total = ("one", (TOTAL, TOTAL))
    assert found.shown[total] == 25
    found.at_most([(total, 1)], 25)  # true of what is shown: nothing to narrow
    assert found.inconsistent == []
    found.link(iter([(total, 1)]), 24)  # shown 25: a contradiction, named
    assert found.inconsistent == [f"[({total!r}, 1)] = 24"]


def test_how_many_numbers_a_cube_shows_is_counted_without_walking_every_cell():
    """`linked._shown` (#14: what withholding a cube costs, asked of every cube a round
    may withhold) counts from the dimensions' sizes and the cells kept what walking every
    cell of the sparse cube counts: published cells, less withheld selections, less the
    small and hidden ones."""
    from dataclasses import replace

    from goldenthread.nonprod.bench.disclosure import protect_table

    seen_selections = False
    for table, teams, seed, threshold in [
        ("unmet-need", 6, 1, 5),
        ("unmet-need", 9, 2, 3),
        ("unmet-need-trend", 6, 3, 5),
        ("review-progress", 8, 4, 10),
        ("sds-chosen", 5, 5, 5),
    ]:
        cube = protect_table(table, teams, max(1, teams // 3), seed, threshold=threshold)
        seen_selections |= bool(cube.withheld_selections)
        walked = sum(
            1 for k in cube.values if cube.is_published(k) and cube.cell(k).status is Status.SHOWN
        )
        assert linked._shown(cube) == walked, table
        assert linked._shown(replace(cube, values=dict(cube.values))) == walked
        assert linked._shown(replace(cube, withheld=True)) == 0
    assert seen_selections
