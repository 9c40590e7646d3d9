"""SEC-7: CHI numbers: 10 digits, a real DDMMYY date, a modulus-11 check digit."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goldenthread.people.chi import (
    InvalidCHI,
    check_digit,
    chi_matches_birth_date,
    is_valid_chi,
    sex_from_chi,
    validate_chi,
)

# Worked by hand: 120345678 → 1*10+2*9+0*8+3*7+4*6+5*5+6*4+7*3+8*2 = 159; 159 % 11 = 5; 11-5 = 6
KNOWN_VALID = ["1203456786", "120345 6786", "0101010001", "2902001231"]
KNOWN_INVALID = [
    ("1203456787", "not a valid CHI"),  # wrong check digit
    ("3202451234", "date of birth"),  # 32 February
    ("2902011234", "date of birth"),  # 29 February in a year that is never a leap year
    ("12034567", "10 digits"),
    ("12034567861", "10 digits"),
    ("12O3456786", "digits only"),  # letter O
    ("", "digits only"),
    ("١٢٠٣٤٥٦٧٨٦", "digits only"),  # Arabic-Indic digits are not CHI digits
]


@pytest.mark.parametrize("value", KNOWN_VALID)
def test_known_valid(value):
    assert is_valid_chi(value)


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("1203456786", "female"),  # ninth digit 8: even
        ("120345 6786", "female"),
        ("0101501218", "male"),  # ninth digit 1: odd
        ("1203456787", ""),  # not a valid number: records nothing
        ("", ""),
    ],
)
def test_the_ninth_digit_records_the_sex(value, sex):
    assert sex_from_chi(value) == sex


def test_spaces_are_removed():
    assert validate_chi(" 120345 6786 ") == "1203456786"


@pytest.mark.parametrize(("value", "words"), KNOWN_INVALID)
def test_known_invalid_says_why(value, words):
    with pytest.raises(InvalidCHI, match=words):
        validate_chi(value)


def test_check_value_of_ten_is_invalid():
    # Find nine digits whose check value is 10: no tenth digit can make them valid.
    first_nine = next(
        f"010101{n:03d}" for n in range(1000) if check_digit(f"010101{n:03d}") is None
    )
    for last in "0123456789":
        assert not is_valid_chi(first_nine + last)


dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 11, 1))


@given(dob=dates, middle=st.integers(min_value=0, max_value=999))
def test_generated_numbers_validate_unless_check_is_ten(dob, middle):
    first_nine = dob.strftime("%d%m%y") + f"{middle:03d}"
    digit = check_digit(first_nine)
    if digit is None:
        assert not any(is_valid_chi(first_nine + str(d)) for d in range(10))
    else:
        chi = first_nine + str(digit)
        assert validate_chi(chi) == chi
        assert chi_matches_birth_date(chi, dob)


@given(dob=dates, middle=st.integers(0, 999), position=st.integers(6, 9), delta=st.integers(1, 9))
def test_any_single_digit_change_is_caught(dob, middle, position, delta):
    first_nine = dob.strftime("%d%m%y") + f"{middle:03d}"
    digit = check_digit(first_nine)
    if digit is None:
        return
    chi = list(first_nine + str(digit))
    chi[position] = str((int(chi[position]) + delta) % 10)
    assert not is_valid_chi("".join(chi))
