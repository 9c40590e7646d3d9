"""Money is typed as people write it and read as Decimal with pence (SDS-3)."""

from decimal import Decimal

import pytest

from goldenthread.core.formatting import money_text
from goldenthread.core.money import MoneyError, parse_money


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("£1234.5", Decimal("1234.50")),
        (" £ 1,234 ", Decimal("1234.00")),
        ("12", Decimal("12.00")),
        ("0.5", Decimal("0.50")),
        (".75", Decimal("0.75")),
        ("1,000,000.01", Decimal("1000000.01")),
        ("12.", Decimal("12.00")),
    ],
)
def test_amounts_typed_as_people_write_them_are_accepted_and_normalised(typed, expected):
    value = parse_money(typed)
    assert value == expected
    assert value.as_tuple().exponent == -2  # always pence


@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("-50", "negative", "cannot be negative"),
        ("£-50", "negative", "cannot be negative"),
        ("-£50", "negative", "cannot be negative"),
        ("12.345", "too_many_decimals", "2 decimal places"),
        ("£1,234.501", "too_many_decimals", "2 decimal places"),
        ("12,34", "invalid", "for example £1,234.50"),
        ("twelve", "invalid", "numbers only"),
        ("1250p", "invalid", "rather than 1250p"),
        ("1e5", "invalid", "numbers only"),
        ("", "blank", "Enter an amount"),
        ("99999999999", "too_large", "too large"),
        ("NaN", "invalid", "numbers only"),
        ("Infinity", "invalid", "numbers only"),
        ("1,2,3", "invalid", "numbers only"),
        # Digits of other scripts (Arabic-Indic, full-width, mathematical bold): Decimal
        # reads them, so "٣٤" was saved as £34 (found by the outside probe).
        ("\u0663\u0664", "invalid", "numbers only"),
        ("\uff11\uff12", "invalid", "numbers only"),
        ("\U0001d7d7", "invalid", "numbers only"),
        ("1,\u0663\u0664\u0665", "invalid", "numbers only"),
    ],
)
def test_each_kind_of_mistake_has_its_own_message(typed, code, words):
    with pytest.raises(MoneyError) as caught:
        parse_money(typed)
    assert caught.value.code == code
    assert words in caught.value.message


def test_money_text():
    assert money_text(Decimal("1234.5")) == "£1,234.50"
    assert money_text(Decimal("0")) == "£0.00"
    assert money_text(None) == ""
