"""Money sums (budgets agreed against requested, #14): each sum is shown exactly where the
count of requests behind it is, so no amount for fewer than the threshold is shown, and a
hidden amount cannot be worked out from the others (the counts' hypercube moves)."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.reports import selectors
from goldenthread.reports.disclosure import TOTAL, Status
from goldenthread.reports.periods import parse_period

from .budget import examples

TODAY = datetime.date(2026, 12, 3)
Q3 = parse_period("2026Q3", TODAY)
ADULT = datetime.date(1970, 5, 1)
AXES = selectors.FilterAxes(
    teams=("t1", "t2", "t3"),
    areas=("a1", "a2"),
    team_labels={"t1": "One", "t2": "Two", "t3": "Three"},
    area_labels={"a1": "North", "a2": "South"},
    team_area={"t1": "area:a1", "t2": "area:a1", "t3": "area:a2"},
)


ROWS = selectors.DECISION_AXIS.dim()


def measure_of(units):
    return selectors.Measure(
        key="test-money",
        title="Test",
        counted="requests",
        rows=selectors.BUDGET_AMOUNTS.rows,
        columns=selectors.MONEY_COLUMNS,
        units=lambda period, today: iter(units),
        money=True,
    )


def cube_of(units, limit=5):
    return selectors._build(measure_of(units), Q3, TODAY, AXES, limit)


def test_a_small_cell_hides_its_sum_and_a_large_one_shows_it():
    units = [("t1", None, ADULT, "approved", 1000)] * 7 + [("t1", None, ADULT, "declined", 500)]
    units += [("t2", None, ADULT, "approved", 300)] * 6 + [("t2", None, ADULT, "declined", 200)] * 6
    cube = cube_of(units)
    small = cube.cell(("t1", TOTAL, TOTAL, "declined", "amount"))
    assert small.status is Status.SMALL and small.value is None
    assert cube.cell(("t1", TOTAL, TOTAL, "declined", "count")).status is Status.SMALL
    total = cube.cell(("area:a1", TOTAL, TOTAL, TOTAL, "amount"))
    assert total.status in (Status.SHOWN, Status.HIDDEN)
    if total.shown:
        assert total.value == 7 * 1000 + 500 + 6 * 300 + 6 * 200


def test_with_nothing_hidden_the_sums_are_the_amounts():
    units = [("t1", None, ADULT, "approved", 1000)] * 5 + [("t3", None, ADULT, "declined", 250)] * 5
    cube = cube_of(units, limit=1)
    assert cube.cell(("t1", TOTAL, TOTAL, "approved", "amount")).value == 5000
    assert cube.cell(("area:a2", TOTAL, TOTAL, "declined", "amount")).value == 1250
    assert cube.cell((TOTAL, TOTAL, TOTAL, TOTAL, "amount")).value == 6250
    assert cube.cell((TOTAL, TOTAL, TOTAL, TOTAL, "count")).value == 10


UNIT = st.tuples(
    st.sampled_from(AXES.teams),
    st.sampled_from(("", "dementia", "autism")),  # main reason for support (#14)
    st.sampled_from((ADULT, datetime.date(1950, 1, 1), datetime.date(2010, 1, 1))),
    st.sampled_from(("approved", "agreed_different", "declined")),
    st.integers(min_value=0, max_value=50_000),
)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(UNIT, max_size=40))
def test_a_sum_is_shown_exactly_where_its_count_is(units):
    """#14, AGG-2: each sum has its count's status, and a shown pair is the number and the
    amount of the units under it (counted here unit by unit: each unit adds to its own
    cell and every total above it, along each axis on its own)."""
    cube = cube_of(units)
    expected_count: Counter = Counter()
    expected_amount: Counter = Counter()
    for team, reason, born, answer, amount in units:
        for key in itertools.product(
            (team, AXES.team_area[team], TOTAL),
            (selectors.age_group(born, Q3.end), TOTAL),
            (selectors.reason_code(reason), TOTAL),
            ROWS.chain(answer),  # its line, its subtotal, the total
        ):
            expected_count[key] += 1
            expected_amount[key] += amount
    keys = {key[:-1] for key in cube.values}
    assert set(expected_count) <= keys
    for key in keys:
        count, amount = cube.cell((*key, "count")), cube.cell((*key, "amount"))
        assert count.status is amount.status
        if count.shown:
            assert count.value == 0 or count.value >= 5
            assert count.value == expected_count[key]
            assert amount.value == expected_amount[key]


def test_the_stored_form_keeps_the_money_pattern():
    from goldenthread.reports import snapshots

    units = [("t1", None, ADULT, "approved", 1000)] * 7 + [("t1", None, ADULT, "declined", 500)]
    cube = cube_of(units)
    again = snapshots.from_json(snapshots.to_json(cube))
    assert again.published() == cube.published()
    assert all(
        again.cell(k).status is cube.cell(k).status for k in itertools.islice(cube.values, 0, None)
    )
