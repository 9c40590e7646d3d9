"""The audit kept in arrays (#14, AGG-2): an unknown's bounds, true count and label in a
`Column`, the links between cubes as cube and cell numbers (`Links`), boxes carried by
looking only at the equations that can need one. Each reads and behaves as the lists and
loops it replaced."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.reports import linked
from goldenthread.reports.disclosure import TOTAL

from .budget import examples
from .test_linked_protection import CONTAINED, THRESHOLD, TODAY, YEAR_UNIT, _year_cubes
from .test_propagate import _quarter_and_months

INF = linked.INF

# -- Column ----------------------------------------------------------------------------

VALUES = st.one_of(st.integers(0, 30), st.just(INF))


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("append"), VALUES),
            st.tuples(st.just("extend"), st.lists(VALUES, max_size=5)),
            st.tuples(st.just("set"), st.tuples(st.integers(0, 40), VALUES)),
            st.tuples(st.just("read"), st.integers(-40, 40)),
        ),
        max_size=30,
    )
)
def test_a_column_of_bounds_reads_as_the_list_it_replaced(steps):
    """Appended, extended by arrays, written and read in any order: the same values as a
    list, whole numbers as ints and infinity as it is."""
    column, model = linked.Column(float, linked._whole), []
    for step, value in steps:
        if step == "append":
            column.append(value)
            model.append(value)
        elif step == "extend":
            column.extend(value)
            model += value
        elif step == "set" and value[0] < len(model):
            column[value[0]] = value[1]
            model[value[0]] = value[1]
        elif step == "read" and -len(model) <= value < len(model):
            assert column[value] == model[value]
            assert type(column[value]) is type(model[value])
    assert column == model and len(column) == len(model) and list(column) == model
    assert column[1:3] == model[1:3]
    assert all(type(v) is int or v == INF for v in column)


def test_a_column_of_labels_keeps_their_numbers_and_reads_their_names():
    labels = linked.Column(int, linked.LABELS.__getitem__, linked.LABELS.index)
    labels.extend([1, 2])  # a cube's unknowns: small, hidden
    labels.append("derived")
    labels.append("")
    assert labels == ["small", "hidden", "derived", ""]
    assert labels.array.tolist() == [1, 2, 5, 0]
    labels[0] = "withheld"
    assert labels[0] == "withheld" and labels != ["small", "hidden", "derived", ""]


def test_a_coefficient_too_large_for_a_byte_is_propagated_as_it_is():
    """Propagation packs the coefficients into a byte when all fit, and not otherwise."""
    audit = linked.Audit(5)
    x = audit._unknown(("t", ("x",)), 0, INF, 2)
    y = audit._unknown(("t", ("y",)), 0, INF, 3)
    audit.shown[("t", (TOTAL,))] = 1000
    audit.link([(("t", (TOTAL,)), 1), (("t", ("x",)), -200), (("t", ("y",)), -200)])
    audit.link([(("t", ("x",)), 1), (("t", ("y",)), -1)], -1)
    audit.propagate()
    assert not audit.inconsistent
    assert (audit.high[x], audit.high[y]) == (4, 5)
    audit.at_most([(("t", ("y",)), 130)], 390)
    audit.propagate()
    assert (audit.low[x], audit.high[x], audit.low[y], audit.high[y]) == (2, 2, 3, 3)


# -- Links -----------------------------------------------------------------------------


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_links_kept_as_numbers_give_back_their_equations(data):
    """Equations of cells of several cubes and counts that are no cell, a cell named
    twice: read back as they were given (refs, coefficients, order), with the cubes each
    names, the equations each ref is in, and each term's cell in a cube's facts read with
    a coordinate fixed (`only`) or not."""
    cubes, found = _quarter_and_months()
    cells = [(name, key) for name, cube in cubes.items() for key in cube.values]
    derived = [("derived", (f"added {n}",)) for n in range(3)]
    pool = [*data.draw(st.lists(st.sampled_from(cells), min_size=1, max_size=8)), *derived]
    equations = [
        [(ref, data.draw(st.sampled_from([-2, -1, 1, 2]))) for ref in refs]
        for refs in data.draw(
            st.lists(st.lists(st.sampled_from(pool), min_size=1, max_size=5), max_size=12)
        )
    ]
    links = linked.Links(equations, {derived[0]: 1}, cubes=cubes)
    assert list(links.equations) == equations and len(links.equations) == len(equations)
    assert links.equations[-1:] == equations[-1:] and links.derived == {derived[0]: 1}
    for n, terms in enumerate(equations):
        assert links.equations[n] == terms
        assert links.names_in(n) == {r[0] for r, _ in terms if r[0] != "derived"}
    # Refs in no equation too: a cell of a cube named or not, no cell, a count not named.
    asked = [
        *pool,
        *cells[:3],
        (next(iter(cubes)), ("not", "a", "cell", "at all")),
        (("another", "cube"), ("a",)),
        ("derived", ("never named",)),
    ]
    assert links.rows_with(asked) == {
        ref: {n for n, terms in enumerate(equations) if any(r == ref for r, _ in terms)}
        for ref in asked
    }
    assert len(links.refs_at(np.arange(len(links.terms()[0])))) == sum(map(len, equations))
    row, coef, by_name = links.terms()
    assert row.tolist() == [n for n, terms in enumerate(equations) for _ in terms]
    assert coef.tolist() == [c for terms in equations for _, c in terms]
    flat = [ref for terms in equations for ref, _ in terms]
    for name, at in by_name.items():
        assert links.refs_at(at) == [flat[t] for t in at.tolist()]
        if name == "derived":
            continue
        only = data.draw(st.sampled_from([None, {3: "y"}, {0: "b"}, {1: "neither"}]))
        facts = linked.CubeFacts.read(name, cubes[name], 5, only)
        keys = [flat[t][1] for t in at.tolist()]
        assert links.cells(name, facts).tolist() == facts.places_of(keys).tolist()
    # The product's own links read back as they were made.
    again = linked.Links(list(found.equations), found.derived, cubes=cubes)
    assert list(again.equations) == list(found.equations)


def test_slacks_kept_as_an_array_read_as_the_derived_counts_they_replaced():
    """What one count leaves under another (`Links.at_most`) is kept as an array of true
    values, each read back as its ref (#14): in the links' equations, its mapping and the
    audit's unknowns (number, ref, bound, true count, label), the same as a derived count
    added one at a time; a ref shaped like one that no `at_most` made is an ordinary count
    that is no cell."""
    cubes, found = _quarter_and_months()
    assert len(found.slack) >= 2 and not set(found.slack) & set(found.derived)
    for k, (ref, left) in enumerate(found.slack.items()):
        assert ref == linked.slack_ref(k) and found.slack[ref] == found.slack_left[k] == left
        rows = [terms for terms in found.equations if any(r == ref for r, _ in terms)]
        assert len(rows) == 1 and rows[0][-1] == (ref, -1)
    outside = linked.slack_ref(len(found.slack))
    assert outside not in found.slack and ("derived", ("at most",)) not in found.slack
    assert ("derived",) not in found.slack and found.rows_with([outside]) == {outside: set()}
    audit = linked.audit(cubes, found, THRESHOLD)
    by_hand = linked.Audit(THRESHOLD)
    for name, cube in cubes.items():
        by_hand.add_cube(name, cube)
    for ref, truth in [*found.derived.items(), *found.slack.items()]:
        by_hand._unknown(ref, 0, INF, truth, "slack" if ref in found.slack else "")
    for n, terms in enumerate(found.equations):
        by_hand.link(terms, tag=n)
    for ref in found.slack:
        i = audit.index[ref]
        assert i == by_hand.index[ref] and audit.refs[i] == ref
        assert audit.labels[i] == "slack" and audit.truth[i] == found.slack[ref]
    assert outside not in audit.index
    assert list(audit.refs) == list(by_hand.refs) and audit.truth == by_hand.truth
    assert audit.labels == by_hand.labels and audit.tags == by_hand.tags
    assert list(audit.equations) == list(by_hand.equations)
    by_hand.propagate()
    assert (audit.low, audit.high) == (by_hand.low, by_hand.high)
    # Links made again from those equations: each slack an ordinary count that is no cell.
    again = linked.Links(list(found.equations), found.derived, cubes=cubes)
    assert list(again.equations) == list(found.equations) and not again.slack


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(st.integers(0, 11), max_size=6), max_size=12), st.data())
def test_rows_an_unknown_is_in_found_from_every_term_are_those_it_is_in(rows, data):
    """`_rows_of` finds the rows any moved unknown is in by looking at every term, with no
    index by unknown (#14): each row once, in order, that has a term that moved (empty
    rows, an unknown twice in a row, unknowns in no row)."""
    count = max((c for r in rows for c in r), default=0) + 1
    moved = np.array(sorted(data.draw(st.sets(st.integers(0, count - 1)))), dtype=np.int64)
    col = np.array([c for r in rows for c in r], dtype=np.int32)
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=ptr[1:])
    full = None if all(rows) else np.flatnonzero(np.diff(ptr))
    if full is not None and not full.size:
        return  # no row with a term: `propagate` does not look
    starts = ptr[:-1] if full is None else ptr[full]
    found = linked._rows_of(moved, col, starts, full, count)
    assert found.tolist() == [n for n, r in enumerate(rows) if set(r) & set(moved.tolist())]


# -- Carried boxes ---------------------------------------------------------------------


# Heaps of people in one cell of a month (as many as the number): counts at the threshold
# and more beside small ones, so that boxes are carried (single people spread over the
# cells carry none).
HEAPS = st.lists(st.tuples(YEAR_UNIT, st.integers(1, 9)), min_size=1, max_size=24)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HEAPS, st.integers(0, 3))
def test_boxes_carried_looking_at_few_equations_are_those_carried_looking_at_all(heaps, more):
    """Each round of `carry_boxes` looks term by term only at the equations with one term
    not shown and one shown at the threshold or more, each cell's status read once (#14):
    the same cells hidden, in the same cubes, as looking at every equation, round after
    round until none is wanted, with some totals hidden beforehand so that rounds differ."""
    cubes = _year_cubes([unit for unit, n in heaps for _ in range(n)])
    name = "outcome-quality"
    for period in itertools.islice(CONTAINED, more):
        cube = cubes[(name, period.code)]
        shown = sorted(
            k
            for k in cube.values
            if k[1] == TOTAL and cube.cell(k).shown and cube.values[k] >= THRESHOLD
        )
        if shown:
            linked._reprotect_in(cubes, (name, period.code), {shown[0]})
    found = linked.links(cubes, CONTAINED, TODAY, [name])
    every = range(len(found.equations))
    for _ in range(len(cubes) * 4):
        wanted = linked._carry_round(cubes, found)
        assert wanted == linked._carry_round(cubes, found, every)
        if not wanted:
            break
        for cube_name, more_cells in wanted.items():
            linked._reprotect_in(cubes, cube_name, more_cells)
    else:
        raise AssertionError("boxes were still carried after every round")
