"""Dates and money as every page, message and document writes them: the one formatter for
each, for the whole code base (pure Python; no templates).

Dates are written "3 March 2026": the day without a leading zero, built from `date.day`
rather than strftime's no-padding flag, which only glibc understands (not Windows or musl).
Money is "£1,234.50": always pence, from a Decimal, never a float.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

PENNY = Decimal("0.01")

# The service writes English (en-gb): month names from these, not from strftime, whose
# names follow the process's locale (and which costs more, #19).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_SHORT = tuple(month[:3] for month in MONTHS)

# How often an amount is paid, as said after it: "£12.50 a week". The keys are the stored
# values of every period enum (sds.BudgetPeriod, support.CostPeriod).
PERIOD_PHRASE = {
    "week": "a week",
    "month": "a month",
    "year": "a year",
    "one_off": "one-off",
    "session": "a session",
}


def _local(moment: datetime.datetime) -> datetime.datetime:
    """An aware date and time in the service's time zone; a naive one as it is."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def date_text(day: datetime.date | datetime.datetime | None, *, short_month: bool = False) -> str:
    """ "3 March 2026" ("3 Mar 2026" with short_month); "" for None. A date and time is
    written as its day in the service's time zone."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = _local(day).date()
    months = MONTHS_SHORT if short_month else MONTHS
    return f"{day.day} {months[day.month - 1]} {day.year}"


def datetime_text(moment: datetime.datetime | None, *, joiner: str = " at ") -> str:
    """ "3 March 2026 at 14:05" in the service's time zone; "" for None. `joiner` goes
    between the day and the time (", " gives "3 March 2026, 14:05")."""
    if moment is None:
        return ""
    moment = _local(moment)
    return f"{date_text(moment)}{joiner}{moment:%H:%M}"


def money_text(amount: Decimal | int | str | None) -> str:
    """ "£1,234.50" ("£0.00" for zero, "-£5.00" below zero); "" for None."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def money_per_period_text(amount: Decimal | None, period: str, *, none: str = "") -> str:
    """ "£120.00 a week", "£300.00 one-off"; `none` when there is no amount."""
    if amount is None:
        return none
    return f"{money_text(amount)} {PERIOD_PHRASE.get(str(period), '')}".strip()


def count_text(count: int, one: str, many: str) -> str:
    """'1 record', '2,480 records': a count with the words for one or for more (either may
    carry its verb: 'item is', 'items are'), never 'record(s)'."""
    return f"{count:,} {one if count == 1 else many}"


def lower_first(value) -> str:
    """ "Date of birth" → "date of birth", inside a sentence; a word in capitals stays
    ("CHI number", "FHIR export")."""
    text = str(value)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
