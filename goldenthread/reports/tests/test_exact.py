"""The exact audit (`exact.py`, #14, AGG-2) against the exhaustive oracle: on random tiny
cubes, sound (a cell it pins has one possible value; every possible value lies within its
bounds) and complete (its whole-number bounds are the least and greatest values the
oracle finds; a small cell the oracle finds one value for, it pins)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.reports.disclosure import TOTAL, Dim, ProtectedCube, Status, protect_counts

from .attacker import Attacker
from .budget import examples
from .exact import OPEN, PINNED, PINNED_INTEGER, audit, components
from .oracle import possible_values

THRESHOLD = 5


def _attacker(*named, links=(), propagate=True):
    attacker = Attacker(THRESHOLD)
    for name, cube in named:
        attacker.add_cube(name, cube)
    for terms in links:
        attacker.link(terms)
    if propagate:
        attacker.propagate()
    assert not attacker.inconsistent and not attacker.untrue()
    return attacker


def _weakened(cube: ProtectedCube, hidden: frozenset) -> ProtectedCube:
    """The cube with fewer cells hidden: a secondary suppression that may not protect."""
    return ProtectedCube(
        dims=cube.dims,
        threshold=cube.threshold,
        values=cube.values,
        small=cube.small,
        hidden=hidden,
        withheld=False,
        apart=cube.apart,
    )


@st.composite
def tiny_cubes(draw):
    """Cubes of one or two dimensions with small counts, protected — and sometimes with
    some of their complementary cells shown again, so that some small cells leak."""
    n = draw(st.integers(1, 2))
    dims = [Dim(f"d{i}", tuple(f"c{j}" for j in range(draw(st.integers(2, 3))))) for i in range(n)]
    leaves = list(itertools.product(*(d.categories for d in dims)))
    counts = draw(st.lists(st.integers(0, 8), min_size=len(leaves), max_size=len(leaves)))
    cube = protect_counts(dims, dict(zip(leaves, counts, strict=True)), THRESHOLD)
    if cube.withheld:
        return None
    if draw(st.booleans()) and cube.hidden:
        keep = draw(st.sets(st.sampled_from(sorted(cube.hidden))))
        cube = _weakened(cube, frozenset(keep))
    return cube


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_cubes(), st.booleans())
def test_the_exact_audit_agrees_with_the_exhaustive_oracle(cube, propagate_first):
    if cube is None:
        return
    # Without propagation the problem is the labels' bounds and the sums alone: the
    # linear programming does all the work.
    attacker = _attacker(("t", cube), propagate=propagate_first)
    cap = max(cube.values.values(), default=0) + THRESHOLD + 2
    seen = possible_values(cube, cap=cap, stop_when_two=False)
    small = [k for k in seen if cube.cell(k).status is Status.SMALL]
    # Every small cell: decided, and pinned exactly when the oracle finds one value.
    targets = [attacker.index[("t", k)] for k in small]
    result = audit(attacker, targets, milp_limit=10_000)
    _, of = components(attacker)
    for k in small:
        i = attacker.index[("t", k)]
        values = seen[k]
        assert cube.values[k] in values
        if attacker.low[i] == attacker.high[i]:
            assert values == {cube.values[k]}  # propagation pinned it: so does the oracle
            continue
        status = result.decided[i]
        assert status in (PINNED, PINNED_INTEGER, OPEN)
        assert (status != OPEN) == (len(values) == 1), (k, status, values)
        # Bounds: whole numbers exactly the oracle's least and greatest; the relaxation's
        # around them.
        low, high = of[i].bounds(i, integer=True)
        assert (round(low), round(high)) == (min(values), max(values))
        lp_low, lp_high = of[i].bounds(i, integer=False)
        assert lp_low <= min(values) + 1e-6 and max(values) - 1e-6 <= lp_high


def _small(attacker, name, truth):
    ref = ("t", (name,))
    attacker._unknown(ref, "small", 1, THRESHOLD - 1, truth)
    return ref


def test_a_leak_propagation_misses_and_linear_programming_finds():
    """Three "fewer than 5" counts and three shown sums of two of them (x + y = 5,
    y + z = 5, x + z = 4): interval propagation stops at x, z in 1..3 and y in 2..4; the
    sums together give x = z = 2, y = 3, and the audit finds it."""
    attacker = Attacker(THRESHOLD)
    x, y, z = (_small(attacker, n, v) for n, v in (("x", 2), ("y", 3), ("z", 2)))
    attacker.link([(x, 1), (y, 1)], 5)
    attacker.link([(y, 1), (z, 1)], 5)
    attacker.link([(x, 1), (z, 1)], 4)
    attacker.propagate()
    assert not attacker.untrue() and not attacker.leaks()  # propagation finds nothing
    result = audit(attacker)
    assert {attacker.refs[i]: s for i, s in result.decided.items()} == {
        x: PINNED,
        y: PINNED,
        z: PINNED,
    }
    # One sum fewer (no x + z): nothing is pinned.
    attacker = Attacker(THRESHOLD)
    x, y, z = (_small(attacker, n, v) for n, v in (("x", 2), ("y", 3), ("z", 2)))
    attacker.link([(x, 1), (y, 1)], 5)
    attacker.link([(y, 1), (z, 1)], 5)
    attacker.propagate()
    assert set(audit(attacker).decided.values()) == {OPEN}


def test_a_protected_table_leaves_every_small_cell_open():
    dims = [Dim("team", ("a", "b")), Dim("row", ("x", "y"))]
    cube = protect_counts(dims, {("a", "x"): 2, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 8}, 5)
    attacker = _attacker(("t", cube))
    result = audit(attacker)
    assert result.decided and set(result.decided.values()) == {OPEN}
    assert cube.cell(("a", TOTAL)).status is not Status.SMALL


def test_whole_numbers_pin_what_the_relaxation_does_not():
    """x, y "fewer than 5", 2x − 3y = −1 and x + y ≤ 5: the relaxation lets x reach 2.8,
    whole numbers only x = y = 1 (x = 4, y = 3 breaks x + y ≤ 5). The audit calls x
    pinned (by `milp`), and never open on a fractional table."""
    attacker = Attacker(THRESHOLD)
    x, y = _small(attacker, "x", 1), _small(attacker, "y", 1)
    attacker.link([(x, 2), (y, -3)], -1)
    attacker.at_most([(x, 1), (y, 1)], 5)
    attacker.propagate()
    assert not attacker.untrue()
    i = attacker.index[x]
    assert attacker.low[i] < attacker.high[i]  # propagation leaves it open
    _, of = components(attacker)
    assert of[i].bounds(i, integer=False)[1] > 2.7
    assert of[i].bounds(i, integer=True) == (1, 1)
    assert audit(attacker, [i]).decided[i] == PINNED_INTEGER
    assert audit(attacker, [i], milp_limit=0).decided[i] == "lp_open"
