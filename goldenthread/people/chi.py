"""Scottish Community Health Index (CHI) numbers (SEC-7).

Ten digits: DDMMYY (a real date of birth), three more digits (the ninth is even for
women, odd for men), then a modulus-11 check digit. Pure Python, no Django.
"""

from __future__ import annotations

import datetime
import re

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


class InvalidCHI(ValueError):
    """The value is not a valid CHI number; the message says why in plain words."""


def check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None where no valid one exists (10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    digit = 11 - (total % 11)
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def normalise_chi(value: str) -> str:
    """Remove spaces and hyphens people type for readability."""
    return re.sub(r"[\s-]", "", value or "")


def chi_date_part_valid(chi: str) -> bool:
    day, month, year = int(chi[0:2]), int(chi[2:4]), int(chi[4:6])
    # Any century: a two-digit year never makes a real day impossible except 29 February,
    # which is real in 2000 (a leap year), so try a leap century first.
    for century in (2000, 1900):
        try:
            datetime.date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def validate_chi(value: str) -> str:
    """Return the normalised CHI number or raise InvalidCHI saying what is wrong."""
    chi = normalise_chi(value)
    if not chi.isdigit() or not chi.isascii():
        raise InvalidCHI("A CHI number is made of digits only.")
    if len(chi) != 10:
        raise InvalidCHI(f"A CHI number has 10 digits; this has {len(chi)}.")
    if not chi_date_part_valid(chi):
        raise InvalidCHI("The first 6 digits of a CHI number are a date of birth (DDMMYY).")
    expected = check_digit(chi[:9])
    if expected is None or expected != int(chi[9]):
        raise InvalidCHI("This is not a valid CHI number: check the digits and try again.")
    return chi


def is_valid_chi(value: str) -> bool:
    try:
        validate_chi(value)
    except InvalidCHI:
        return False
    return True


def chi_matches_birth_date(chi: str, date_of_birth: datetime.date) -> bool:
    return chi[:6] == date_of_birth.strftime("%d%m%y")


def sex_from_chi(chi: str) -> str:
    """The sex a CHI number records: "female" (ninth digit even), "male" (odd), or "" when
    no valid number is recorded."""
    chi = normalise_chi(chi)
    if not is_valid_chi(chi):
        return ""
    return "female" if int(chi[8]) % 2 == 0 else "male"
