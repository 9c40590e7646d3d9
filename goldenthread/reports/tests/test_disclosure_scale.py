"""Disclosure control at scale (#14, AGG-2, OPS-3): the sparse cube and the searches that
never walk every cell publish exactly what the cube of every cell published.

Each case is a seeded cube shaped like the nation preset's tables (the bench's
`goldenthread bench disclosure` counts: mostly zeros and ones, teams in areas, team and
reason kept apart), protected as `selectors._build` protects it; its stored figures
(`snapshots.to_json`) are hashed. The digests were computed by the code before the change
(main at 1cee6fe, where `build_cube` made a dict entry for every cell): the same digest is
the same values shown, and the same small, hidden and withheld cells and selections."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from goldenthread.nonprod.bench.disclosure import digest, leaf_counts, protect_table, table_dims
from goldenthread.reports import disclosure, selectors
from goldenthread.reports.disclosure import (
    FIRST_SEARCH_OPTIONS,
    TOTAL,
    Counts,
    Dim,
    Status,
    _grouped_firsts,
    _ordered_options,
    build_cube,
    protect,
    protect_counts,
)
from goldenthread.reports.snapshots import from_json, slice_cells, to_json

from .attacker import Attacker
from .exact import OPEN, audit

# (table, teams, areas, units per team, threshold, seed): digest of `to_json` before #14's
# sparse cube.
CASES = {
    ("unmet-need-time-to-met", 8, 4, 60, 5, 2): "766a83f06b7d034e",
    ("sds-chosen", 5, 2, 8, 5, 4): "04b43d6b73eca783",
    ("unmet-need-time-to-met", 8, 4, 60, 5, 8): "b68bc8da6e5a8362",
    ("unmet-need-time-to-met", 2, 1, 60, 5, 14): "87aaccc11a98b299",
    ("sds-chosen", 8, 2, 60, 10, 16): "54b4c1999f6e801a",
    ("unmet-need-time-to-met", 2, 1, 60, 3, 20): "29c6e0890cb11487",
    ("first-choice-not-delivered", 12, 4, 3, 10, 21): "4551d3f8a1e33b8c",
    ("sds-chosen", 8, 1, 24, 3, 22): "23518cc5f184b888",
    ("unmet-need-time-to-met", 2, 1, 24, 5, 26): "ee303791ebb6b2b5",
    ("unmet-need-time-to-met", 12, 6, 8, 3, 32): "1a27997f3e5d6648",
    ("sds-chosen", 12, 5, 24, 10, 34): "3e5e92bababc472a",
    ("unmet-need-time-to-met", 20, 3, 8, 3, 38): "5c4d07eb504cf1eb",
    ("sds-chosen", 2, 1, 24, 3, 40): "1cef4c0f94269892",
    ("unmet-need-time-to-met", 20, 4, 24, 5, 44): "2f29f64f121ba7cd",
    ("review-progress", 2, 1, 3, 10, 47): "aeca54c3ea618c93",
    ("unmet-need-trend", 2, 1, 3, 5, 49): "94a4b42f769f5266",
    ("unmet-need-time-to-met", 5, 2, 24, 5, 56): "f6568881e33b001e",
    ("sds-chosen", 3, 1, 3, 5, 58): "ceb475e59a203429",
    ("unmet-need-time-to-met", 12, 1, 8, 5, 62): "d389efeb9545a34a",
    ("unmet-need-time-to-met", 8, 1, 24, 10, 68): "b84fd8f6ca31ce8b",
    ("unmet-need-time-to-met", 8, 3, 24, 3, 74): "93668b793a08a005",
    ("sds-chosen", 3, 1, 8, 5, 76): "29fecdc2b8c5a1c7",
    ("sds-chosen", 12, 6, 8, 10, 82): "d844f2ed2546b7ed",
    ("review-progress", 5, 2, 3, 10, 83): "c1519877395799e5",
    ("unmet-need-time-to-met", 12, 1, 8, 3, 86): "9199e58dd8577e13",
    ("sds-chosen", 20, 2, 8, 5, 88): "9327144117b6311a",
    ("sds-chosen", 2, 1, 8, 5, 94): "3e3a11e825798966",
    ("unmet-need-time-to-met", 3, 1, 8, 10, 98): "4e7c69a8e2b5398c",
    ("sds-chosen", 3, 1, 24, 5, 100): "0574399923fc9b59",
    ("unmet-need", 3, 1, 60, 3, 102): "426c6e8e54f5a4a9",
    ("unmet-need-time-to-met", 20, 5, 8, 3, 110): "da723d5874617bfc",
    ("sds-chosen", 8, 3, 60, 3, 112): "181bd7a2c6980094",
    ("unmet-need-time-to-met", 8, 4, 60, 5, 116): "a1b7cb36f8459123",
    ("sds-chosen", 2, 1, 60, 10, 118): "f864e409fc6f8fcd",
    ("unmet-need", 2, 1, 24, 3, 0): "8c29f6d4146bf4f6",
    ("unmet-need-trend", 5, 1, 60, 3, 1): "100e5a3bb52a0819",
    ("first-choice-not-delivered", 5, 1, 24, 3, 3): "68b6101ba7b2b932",
    ("review-progress", 12, 6, 24, 5, 5): "82422994fb31e4b1",
    ("unmet-need", 2, 1, 3, 3, 6): "1800b3beedf8dcf8",
    ("unmet-need-trend", 2, 1, 24, 5, 7): "9e1ac40ef05b592e",
}


@pytest.mark.parametrize("case", sorted(CASES), ids=lambda c: "-".join(map(str, c)))
def test_the_sparse_cube_publishes_what_the_cube_of_every_cell_published(case):
    """#14 AGG-2: the same values shown and the same small, hidden, withheld cells and
    selections as before the cube was kept sparse (each case's digest from main)."""
    table, teams, areas, per_team, threshold, seed = case
    dims = table_dims(table, teams, areas)
    counts = leaf_counts(dims, seed, per_team)
    cube = protect_counts(
        dims, counts, threshold, apart=selectors.APART, selectable=selectors.FILTERS
    )
    assert digest(cube) == CASES[case]


def _case_cube(table="unmet-need-time-to-met", teams=8, areas=4, per_team=60, seed=2):
    dims = table_dims(table, teams, areas)
    counts = leaf_counts(dims, seed, per_team)
    return dims, counts, build_cube(dims, counts)


def test_a_sparse_cube_reads_as_every_cell():
    """`build_cube` keeps the non-zero cells only, but reads as the cube of every cell: every
    coordinate combination is in it, in order, a missing one reading 0 (#14)."""
    dims, counts, values = _case_cube()
    assert isinstance(values, Counts)
    every = list(values)
    assert len(every) == len(values) == len(set(every))
    assert len(values.nonzero) < len(values) // 2  # most cells are zero: not kept
    zero = next(k for k in every if k not in values.nonzero)
    assert zero in values and values[zero] == 0 and values.get(zero) == 0
    assert ("nonsense",) * len(dims) not in values
    assert values.get(("nonsense",) * len(dims)) is None
    with pytest.raises(KeyError):
        values[("nonsense",) * len(dims)]
    grand = (TOTAL,) * len(dims)
    assert values[grand] == sum(counts.values()) > 0
    assert sum(1 for k in values if values[k]) == len(values.nonzero)


def test_a_plain_dict_of_every_cell_is_protected_as_the_sparse_cube():
    """`protect` given every cell in a dict (as callers may) and given the sparse cube
    publish the same figures, and the stored JSON reads back to the same cube (#14)."""
    dims, _, values = _case_cube(seed=8)
    sparse = protect(dims, values, 5, apart=selectors.APART, selectable=selectors.FILTERS)
    full = protect(dims, dict(values), 5, apart=selectors.APART, selectable=selectors.FILTERS)
    assert not isinstance(full.values, Counts)
    assert to_json(sparse) == to_json(full)
    assert slice_cells(sparse) == slice_cells(full)
    again = from_json(to_json(sparse))
    assert isinstance(again.values, Counts)
    assert again == sparse
    assert to_json(again) == to_json(sparse)
    assert slice_cells(again) == slice_cells(full)
    assert sparse.published() == full.published()


@pytest.mark.parametrize(
    "groups",
    [
        (("g1", ("t3", "t1", "t9", "t2", "t5", "t4")), ("g0", ("t7",)), ("g2", ("t8", "t6"))),
        (("a", ("x",)), ("b", ("y",))),
        (("only", ("p", "q", "r", "s", "t")),),
    ],
)
def test_a_grouped_axis_first_options_are_its_options_in_order(groups):
    """`_grouped_firsts` (#14), written out without making every option, gives for each
    coordinate what `_ordered_options` gives: how many options, and for each target the
    first few in order."""
    dim = Dim("team", tuple(c for _, cs in groups for c in cs), groups=groups)
    for coord in dim.coords:
        ordered = _ordered_options(dim, coord)
        expected: dict = {}
        for target, option in ordered:
            expected.setdefault(target, [])
            if len(expected[target]) < FIRST_SEARCH_OPTIONS:
                expected[target].append(option)
        assert _grouped_firsts(dim, coord) == (len(ordered), expected), coord


def test_the_bench_protects_the_seeded_table_it_names():
    """`goldenthread bench disclosure` (#14, OPS-3) protects the table, teams and seed it is
    given, with no database, and prints the stored figures' digest and what it took."""
    out = io.StringIO()
    call_command("bench", "disclosure", table="sds-chosen", teams=6, areas=2, seed=4, stdout=out)
    text = out.getvalue()
    assert text.startswith("sds-chosen: 6 teams in 2 areas, seed 4:")
    assert f"digest {digest(protect_table('sds-chosen', 6, 2, 4))}" in text
    assert f"digest {digest(protect_table('sds-chosen', 6, 2, 5))}" not in text
    assert "peak memory" in text and "protect_counts: CPU" in text


def test_a_small_count_whose_nearest_transfers_are_all_blocked_withholds_slices_not_the_table(
    monkeypatch,
):
    """#14 AGG-2 (withhold14): at 1,000 teams the unmet-need cube was withheld whole for two
    small counts of one area's 85+ housing need: their one unit was in a team whose
    all-ages housing count was 4, so every transfer to another team's cell pushed that
    "fewer than 5" to 5, and the 300 nearest partners a transfer tries were all other
    teams' cells; the same team's other cells (a move no reader can tell apart) came after
    them. Here the same at 12 teams with the partners cut to 10: five small counts of an
    area at one age group (all reasons), each one team's unit, whose nearest 10 to 16
    partners are each held by a count at the edge of what its label says; the first that
    moves is the same team's. A transfer from any partner is now tried before the whole
    table is withheld: it is published with slices withheld, and neither the interval
    attacker nor linear programming works out any small count."""
    monkeypatch.setattr(disclosure, "TRANSFER_PARTNERS", 10)
    dims = table_dims("unmet-need-time-to-met", 12, 3)
    counts = leaf_counts(dims, 2, 24)
    cube = protect_counts(dims, counts, 5, apart=selectors.APART, selectable=selectors.FILTERS)
    assert not cube.withheld
    # The small count's selection and those above it are withheld (as at the nation); the
    # count is still protected by a move, and the rest of the table is published.
    small = ("area:0001", "16-17", TOTAL, TOTAL)
    assert cube.values[small] == 1 and small in cube.small
    assert {small[:3], (TOTAL, "16-17", TOTAL), ("area:0001", TOTAL, TOTAL)} <= set(
        cube.withheld_selections
    )
    assert cube.cell(small).status is Status.WITHHELD
    assert any(c.shown and c.value for c in cube.published().values())
    attacker = Attacker(5)
    attacker.add_cube("unmet-need-time-to-met", cube)
    attacker.propagate()
    assert not attacker.leaks() and not attacker.pinned()
    # Every small count over the whole of its component (not only the facts near it), in
    # whole numbers where the relaxation is not enough.
    result = audit(attacker, whole_limit=10_000, milp_limit=10_000)
    assert result.decided and set(result.decided.values()) == {OPEN}
