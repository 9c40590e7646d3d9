"""The attacker across tables and periods (#14, AGG-2): tests of the attacker itself
(`attacker.py`: sound, and it finds the named differencing attacks), and of the reports
against it where tables or periods publish the same population."""

from __future__ import annotations

import dataclasses
import datetime
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.reports import selectors
from goldenthread.reports.disclosure import TOTAL, Dim, Status, protect_counts
from goldenthread.reports.periods import parse_period

from .attacker import Attacker
from .budget import examples
from .oracle import possible_values

THRESHOLD = 5


def _attack(*named, links=()):
    attacker = Attacker(THRESHOLD)
    for name, cube in named:
        attacker.add_cube(name, cube)
    for terms in links:
        attacker.link(terms)
    attacker.propagate()
    assert not attacker.inconsistent
    return attacker


# -- The attacker ---------------------------------------------------------------------


def test_total_minus_the_other_cells_with_only_primary_suppression():
    """A cube with its small cell hidden and nothing else: the row total minus the other
    cell gives it back, and the attacker says so (exactly, with the true value)."""
    dims = [Dim("team", ("a", "b")), Dim("row", ("x", "y"))]
    cube = protect_counts(dims, {("a", "x"): 2, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 8}, 5)
    leaky = type(cube)(
        dims=cube.dims,
        threshold=5,
        values=cube.values,
        small=cube.small,
        hidden=frozenset(),
        withheld=False,
    )
    leaks = _attack(("t", leaky)).leaks()
    assert [(f.ref, f.low, f.high) for f in leaks] == [(("t", ("a", "x")), 2, 2)]
    # Protected, the same table gives nothing away.
    assert _attack(("t", cube)).leaks() == []


def test_a_year_minus_its_other_months():
    """Two months and the quarter they make (at all ages): each protected on its own, the
    quarter minus February is January's small cell."""
    dims = [Dim("team", ("a", "b")), Dim("row", ("x", "y"))]
    jan = {("a", "x"): 2, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 8}
    feb = {("a", "x"): 6, ("a", "y"): 9, ("b", "x"): 7, ("b", "y"): 8}
    cubes = {
        "jan": protect_counts(dims, jan, THRESHOLD),
        "feb": protect_counts(dims, feb, THRESHOLD),
        "q": protect_counts(dims, {k: jan[k] + feb[k] for k in jan}, THRESHOLD),
    }
    alone = _attack(*cubes.items())
    assert alone.leaks() == []
    links = [[(("q", k), 1), (("jan", k), -1), (("feb", k), -1)] for k in cubes["q"].values]
    leaks = _attack(*cubes.items(), links=links).leaks()
    assert [(f.ref, f.value, f.exact) for f in leaks] == [(("jan", ("a", "x")), 2, True)]


def test_one_tables_total_in_anothers_hidden_cell():
    """Two tables of the same people by different rows: in one, a team's total is hidden
    (its box runs through it); the other shows it, and the box no longer moves."""
    teams = Dim("team", ("a", "b"))
    # Table one: team a has a single row category with people, so its small cell's box
    # must run through team a's total.
    one_dims = [teams, Dim("row", ("x",))]
    one = protect_counts(one_dims, {("a", "x"): 3, ("b", "x"): 9}, THRESHOLD)
    assert one.cell(("a", TOTAL)).status is Status.SMALL
    two_dims = [teams, Dim("kind", ("p", "q"))]
    two = protect_counts(
        two_dims, {("a", "p"): 3, ("a", "q"): 0, ("b", "p"): 4, ("b", "q"): 5}, THRESHOLD
    )
    links = [[(("one", (t, TOTAL)), 1), (("two", (t, TOTAL)), -1)] for t in ("a", "b", TOTAL)]
    each = _attack(("one", one), ("two", two))
    both = _attack(("one", one), ("two", two), links=links)
    assert each.leaks() == []
    # Each protected alone hides team a's count in both, so linking them adds nothing:
    # the attacker must not invent a leak.
    assert both.leaks() == []


@st.composite
def cubes(draw):
    n = draw(st.integers(1, 2))
    dims = [Dim(f"d{i}", tuple(f"c{j}" for j in range(draw(st.integers(1, 3))))) for i in range(n)]
    leaves = list(itertools.product(*(d.categories for d in dims)))
    counts = draw(st.lists(st.integers(0, 9), min_size=len(leaves), max_size=len(leaves)))
    return dims, dict(zip(leaves, counts, strict=True))


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cubes())
def test_the_attacker_is_sound_against_the_exhaustive_oracle(case):
    """What the attacker works out holds in every table that agrees with what is published
    (the exhaustive search of oracle.py): a value it pins is the only value the oracle
    finds, and every value the oracle finds is within the attacker's bounds."""
    dims, counts = case
    cube = protect_counts(dims, counts, THRESHOLD)
    if cube.withheld:
        return
    attacker = _attack(("t", cube))
    seen = possible_values(
        cube, cap=max(counts.values(), default=0) + THRESHOLD + 2, stop_when_two=False
    )
    for finding in attacker.findings():
        _, key = finding.ref
        if key in seen:
            assert all(finding.low <= v <= finding.high for v in seen[key])
    assert attacker.leaks() == []


# -- Two tables of the same budget requests -------------------------------------------

TODAY = datetime.date(2026, 12, 3)
Q3 = parse_period("2026Q3", TODAY)
AXES = selectors.FilterAxes(
    teams=("t1", "t2", "t3"),
    areas=("a1", "a2"),
    team_labels={"t1": "One", "t2": "Two", "t3": "Three"},
    area_labels={"a1": "North", "a2": "South"},
    team_area={"t1": "area:a1", "t2": "area:a1", "t3": "area:a2"},
)
REQUEST = st.tuples(
    st.sampled_from(AXES.teams),
    st.sampled_from(("", "dementia")),  # main reason for support
    st.sampled_from((datetime.date(1970, 5, 1), datetime.date(1940, 1, 1))),
    st.sampled_from(selectors.DECISION_BANDS),
    st.sampled_from(("approved", "agreed_different", "declined")),
)


def budget_tables(requests, *, shared=True):
    """Budget decisions (wait by decision) and budgets agreed against requested (decision
    by count and amounts) over the same requests, as the reports build them."""
    decisions = dataclasses.replace(
        selectors.BUDGET_DECISIONS,
        key="test-decisions",
        units=lambda period, today: iter(requests),
    )
    amounts = dataclasses.replace(
        selectors.BUDGET_AMOUNTS,
        key="test-amounts",
        units=lambda period, today: ((*r[:3], r[4], 1000, 900) for r in requests),
        counts_as=decisions if shared else None,
    )
    return (
        selectors._build(decisions, Q3, TODAY, AXES, THRESHOLD),
        selectors._build(amounts, Q3, TODAY, AXES, THRESHOLD),
    )


def _attack_budget_tables(decisions, amounts):
    attacker = Attacker(THRESHOLD)
    attacker.add_cube("decisions", decisions)
    attacker.add_cube("amounts", amounts, only={len(amounts.dims) - 1: "count"})
    for key in decisions.values:
        if key[3] == TOTAL:  # every wait: the column totals
            attacker.link([(("decisions", key), 1), (("amounts", (*key[:3], key[4], "count")), -1)])
    attacker.propagate()
    assert not attacker.inconsistent
    return attacker


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(REQUEST, max_size=20))
def test_two_tables_of_the_same_requests_have_one_pattern(requests):
    """#14, AGG-2 across tables: the number of requests in "budgets agreed against
    requested" is budget decisions' column totals (every wait); each is shown, small or
    hidden in both alike (unless budget decisions is withheld whole: then the counts are
    protected on their own), and the attacker reading both tables pins no small count."""
    decisions, amounts = budget_tables(requests)
    for key, n in decisions.values.items():
        if key[3] != TOTAL or decisions.withheld:  # withheld whole: nothing to compare
            continue
        mine = (*key[:3], key[4], "count")
        assert amounts.values[mine] == n
        assert amounts.cell(mine).status is decisions.cell(key).status
        assert amounts.cell(mine).value == decisions.cell(key).value
    assert _attack_budget_tables(decisions, amounts).leaks() == []
