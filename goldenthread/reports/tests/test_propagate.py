"""The audit's propagation in sweeps over arrays (`linked.Audit.propagate`, #14, AGG-2)
ends with the bounds the row-at-a-time propagation it replaced ends with
(`reference.reference_propagate`): on random systems of equations and inequalities, on
protected cubes with their links, and when the facts contradict each other."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import itertools
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.reports import linked
from goldenthread.reports.disclosure import TOTAL, Counts, Dim, protect_counts
from goldenthread.reports.periods import parse_period

from .budget import examples
from .reference import reference_propagate, reference_read

INF = linked.INF


@st.composite
def systems(draw):
    """An audit of up to 12 unknowns with true values, bounds that hold them (or, when
    `broken`, a constant that the true values break and finite bounds, so that both ways
    end), and up to 14 rows of coefficients ±1 or ±2."""
    n = draw(st.integers(1, 12))
    truth = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    broken = draw(st.booleans())
    audit = linked.Audit(5)
    for i, value in enumerate(truth):
        low = draw(st.integers(0, value))
        high = draw(st.integers(value, 20)) if broken else draw(st.sampled_from([value, 9, INF]))
        audit._unknown(("u", (str(i),)), low, high, value)
    for _ in range(draw(st.integers(1, 14))):
        chosen = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=min(n, 5), unique=True))
        terms = [(i, draw(st.sampled_from([-2, -1, 1, 2]))) for i in chosen]
        value = sum(c * truth[i] for i, c in terms)
        slack = draw(st.integers(-3, 3)) if broken else 0
        if draw(st.booleans()):
            audit.equations.append((terms, value + slack))
            audit.tags.append(None)
        else:
            audit.inequalities.append((terms, value + abs(slack) if not broken else value + slack))
    return audit


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems())
def test_sweeps_end_with_the_bounds_a_row_at_a_time_ends_with(audit):
    reference = copy.deepcopy(audit)
    reference_propagate(reference)
    audit.propagate()
    assert bool(audit.inconsistent) == bool(reference.inconsistent)
    if not reference.inconsistent:
        assert (audit.low, audit.high) == (reference.low, reference.high)
        assert all(isinstance(v, int) or v == INF for v in [*audit.low, *audit.high])
    rows = [*audit.equations, *audit.inequalities]
    for i, (low_row, high_row) in enumerate(zip(audit.why_low, audit.why_high, strict=True)):
        # The row each bound was last moved by has the unknown in it (`support` follows it).
        for n in (low_row, high_row):
            assert n == -1 or i in {j for j, _ in rows[n][0]}


def test_propagating_again_after_more_facts_narrows_from_where_it_stopped():
    audit = linked.Audit(5)
    x = audit._unknown(("t", ("x",)), 1, 4, 2, "small")
    y = audit._unknown(("t", ("y",)), 5, INF, 7, "hidden")
    audit.shown[("t", (TOTAL,))] = 9
    audit.link([(("t", (TOTAL,)), 1), (("t", ("x",)), -1), (("t", ("y",)), -1)])
    audit.propagate()
    assert (audit.low[x], audit.high[x], audit.low[y], audit.high[y]) == (1, 4, 5, 8)
    audit.at_most([(("t", ("y",)), 1)], 7)
    audit.propagate()
    assert (audit.low[x], audit.high[x], audit.low[y], audit.high[y]) == (2, 4, 5, 7)
    assert audit.leaks() == []
    # The equation (row 0) moved x's low; the inequality (row 1) y's high.
    assert audit.why_low[x] == 0 and audit.why_high[y] == 1
    audit.at_most([(("t", ("x",)), 1)], 2)
    audit.propagate()
    assert (audit.low[x], audit.high[x]) == (2, 2)
    assert audit.leaks() == [("t", ("x",))]
    assert linked.Audit.support(audit, ("t", ("x",))) == set()  # no tagged link: its own


def test_a_contradiction_found_by_propagating_is_named():
    audit = linked.Audit(5)
    audit._unknown(("t", ("x",)), 1, 4, 2, "small")
    audit._unknown(("t", ("y",)), 1, 4, 2, "small")
    audit.link([(("t", ("x",)), 1), (("t", ("y",)), 1)], 12)  # at most 8 from the bounds
    audit.propagate()
    assert len(audit.inconsistent) == 1 and audit.inconsistent[0].startswith("('t', ('x',)): ")


def _quarter_and_months():
    """Three months and their quarter (a quarter is its months at every filter), each
    protected on its own, and the links between them."""
    today = datetime.date(2026, 12, 3)
    periods = [parse_period(code, today) for code in ("2026-07", "2026-08", "2026-09", "2026Q3")]
    dims = [
        Dim("team", ("a", "b", "c")),
        Dim("age", ("young", "old")),
        Dim("reason", ("r1", "r2")),
        Dim("row", ("x", "y", "z")),
    ]
    cells = list(
        itertools.product(("a", "b", "c"), ("young", "old"), ("r1", "r2"), ("x", "y", "z"))
    )
    months = [
        {key: (n * 7 + i * 3 + len("".join(key))) % 6 for i, key in enumerate(cells)}
        for n in range(3)
    ]
    quarter = {k: sum(m[k] for m in months) for k in months[0]}
    cubes = {
        ("t", p.code): protect_counts(dims, counts, 5, selectable=3)
        for p, counts in zip(periods, [*months, quarter], strict=True)
    }
    return cubes, linked.links(cubes, periods, today, ["t"])


def test_protected_cubes_linked_over_periods_give_the_same_bounds_both_ways():
    cubes, found_links = _quarter_and_months()
    assert found_links.equations  # the quarter is linked to its months
    audit = linked.audit(cubes, found_links, 5)
    again = linked.Audit(5)
    for name, cube in cubes.items():
        again.add_cube(name, cube)
    for ref, truth in found_links.derived.items():
        again._unknown(ref, 0, linked.INF, truth)
    for ref, truth in found_links.slack.items():  # what a month leaves under the quarter
        again._unknown(ref, 0, linked.INF, truth, "slack")
    for n, terms in enumerate(found_links.equations):
        again.link(terms, tag=n)
    reference_propagate(again)
    assert not audit.inconsistent and not again.inconsistent
    assert (audit.low, audit.high) == (again.low, again.high)
    assert audit.leaks() == again.leaks()


def test_an_audit_from_kept_facts_is_the_audit_read_again():
    """`protect_linked` keeps each cube's facts between rounds (`audit(..., kept=)`): a
    cube a round replaced is read again, the others are not, and the audit is the same
    as one read from scratch."""
    cubes, found_links = _quarter_and_months()
    kept: dict = {}
    linked.audit(cubes, found_links, 5, kept=kept)
    assert {name: cube for name, (cube, _) in kept.items()} == cubes
    before = dict(kept)
    name = ("t", "2026-08")
    shown = next(
        k
        for k in cubes[name].values
        if cubes[name].is_published(k)
        and cubes[name].cell(k).status.name == "SHOWN"
        and cubes[name].values[k] >= 5
    )
    cubes[name] = linked.reprotect(cubes[name], {shown})
    assert cubes[name].cell(shown).status.name == "HIDDEN"
    kept_audit = linked.audit(cubes, found_links, 5, kept=kept)
    fresh = linked.audit(cubes, found_links, 5)
    assert kept[name][0] is cubes[name] and kept[name][1] is not before[name][1]
    assert all(kept[n][1] is before[n][1] for n in cubes if n != name)
    for field in ("refs", "labels", "truth", "low", "high", "equations", "tags", "shown"):
        assert getattr(kept_audit, field) == getattr(fresh, field), field
    rows = kept_audit.equations  # the kept cubes' rows, offset as each is read
    assert [rows[n] for n in range(len(rows))] == list(fresh.equations) == rows[:]
    assert rows[-1] == fresh.equations[len(rows) - 1]


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems(), st.integers(1, 6))
def test_sweeps_in_pieces_end_as_one_piece_does(audit, terms):
    """A sweep works on a piece of at most `SWEEP_TERMS` terms at a time (#14: a council's
    audit is 55 million terms): the same bounds, the same rows recorded as moving them,
    and the same contradiction, as with every row in one piece."""
    whole = copy.deepcopy(audit)
    whole.propagate()
    with mock.patch.object(linked, "SWEEP_TERMS", terms):
        audit.propagate()
    assert audit.inconsistent == whole.inconsistent
    assert (audit.low, audit.high) == (whole.low, whole.high)
    assert (audit.why_low, audit.why_high) == (whole.why_low, whole.why_high)


@st.composite
def protected_cubes(draw):
    """A protected cube of up to four dimensions (some not adding up, some with groups),
    kept apart or not, with filters and withheld selections, sometimes withheld whole or
    with a count changed after protecting (so that its totals do not add up), and the
    coordinates an audit may fix (`only`)."""
    dims = []
    for d in range(draw(st.integers(1, 4))):
        size = draw(st.integers(1, 3))
        categories = tuple(f"c{d}{i}" for i in range(size))
        additive = draw(st.booleans()) or d == 0
        groups = ()
        if additive and size >= 2 and draw(st.booleans()):
            groups = ((f"g{d}a", categories[:1]), (f"g{d}b", categories[1:]))
        dims.append(Dim(f"d{d}", categories, additive=additive, groups=groups))
    leaves = list(itertools.product(*(d.categories for d in dims)))
    counts = {k: draw(st.integers(0, 9)) for k in leaves}
    apart = ()
    if len(dims) >= 2 and draw(st.booleans()):
        apart = ((dims[0].name, dims[-1].name),)
    selectable = draw(st.integers(0, len(dims)))
    cube = protect_counts(dims, counts, 5, apart=apart, selectable=selectable)
    if draw(st.booleans()):
        selections = list(itertools.product(*(d.coords for d in dims[:selectable])))
        chosen = draw(st.lists(st.sampled_from(selections), max_size=3)) if selections else []
        cube = dataclasses.replace(cube, withheld_selections=frozenset(chosen))
    if draw(st.integers(0, 5)) == 0:
        cube = linked.withhold(cube)
    if cube.values.nonzero and draw(st.integers(0, 4)) == 0:
        key = draw(st.sampled_from(sorted(cube.values.nonzero)))
        changed = cube.values.nonzero | {key: cube.values.nonzero[key] + 1}
        cube = dataclasses.replace(cube, values=Counts(cube.dims, changed))
    only = None
    if draw(st.booleans()):
        last = len(dims) - 1
        only = {last: draw(st.sampled_from([*dims[last].coords, "not a coordinate"]))}
    return cube, only


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protected_cubes())
def test_a_cube_read_over_arrays_gives_the_facts_read_a_cell_at_a_time(case):
    """`CubeFacts.read` works over arrays of the cube's cells (#14): the same unknowns,
    bounds, labels, shown numbers, equations and contradictions, in the same order, as
    reading each cell and equation in turn (`reference.reference_read`)."""
    cube, only = case
    facts = linked.CubeFacts.read("t", cube, 5, only)
    expected = reference_read("t", cube, 5, only)
    for field in ("refs", "low", "high", "truth", "labels", "shown", "equations", "inconsistent"):
        assert getattr(facts, field) == getattr(expected, field), field
    assert [facts.row(k) for k in range(facts.rows)] == expected.equations
    assert all(type(v) is int or v == INF for v in facts.low + facts.high)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_link_added_at_once_is_each_link_added_in_turn(data):
    """`Audit.link_all` adds the links between cubes over arrays of all their terms (#14):
    the same rows, tags and contradictions as `link` one equation at a time, with shown
    numbers, unknowns named twice or cancelling out, counts that are no cell, and
    equations whose numbers do not add up."""
    cubes, found_links = _quarter_and_months()
    cells = [(name, key) for name, cube in cubes.items() for key in cube.values]
    derived = ("derived", ("people added",))
    equations = [list(terms) for terms in found_links.equations[:40]]
    # A few cells, so that an equation names one twice (or cancels it out) now and then.
    pool = [*data.draw(st.lists(st.sampled_from(cells), min_size=1, max_size=6)), derived]
    for _ in range(data.draw(st.integers(0, 12))):
        refs = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5))
        equations.append([(ref, data.draw(st.sampled_from([-2, -1, 1, 2]))) for ref in refs])
    equations = data.draw(st.permutations(equations))
    linked_now = linked.Links(equations=equations, derived={derived: 3}, cubes=cubes)
    one, every, again = linked.Audit(5), linked.Audit(5), linked.Audit(5)
    for audit in (one, every, again):
        for name, cube in cubes.items():
            audit.add_cube(name, cube)
        audit._unknown(derived, 0, INF, 3)
    for n, terms in enumerate(equations):
        one.link(terms, tag=n)
    every.link_all(linked_now)
    assert list(every.equations) == list(one.equations)
    assert every.tags == one.tags
    assert every.inconsistent == one.inconsistent
    again.link_all(linked_now)  # the terms read once, each cube's cells kept: the same
    assert (list(again.equations), again.tags) == (list(one.equations), one.tags)
