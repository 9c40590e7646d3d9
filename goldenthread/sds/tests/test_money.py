"""Money is stored exactly as Decimal with pence, and totals add up to the penny (SDS-3)."""

from decimal import Decimal

from goldenthread.sds.models import per_year


def test_a_years_cost_is_exact():
    assert per_year(Decimal("80.00"), "week") == Decimal("4160.00")
    assert per_year(Decimal("33.33"), "month") == Decimal("399.96")
    assert per_year(Decimal("1850.00"), "one_off") == Decimal("1850.00")
    # A float would drift here; Decimal never does.
    assert sum(per_year(Decimal("0.10"), "week") for _ in range(10)) == Decimal("52.00")
    assert sum(0.10 * 52 for _ in range(10)) != 52.0
