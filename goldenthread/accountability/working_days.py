"""Working days for complaint deadlines (ACC-2): Monday to Friday, not a Scottish public
holiday. The holidays are data (data/scottish_public_holidays.json, with its source), not
code; a date outside the years the table covers raises rather than guessing.

The Scottish model complaints handling procedure (SPSO, 2020): frontline resolution within
5 working days, investigation within 20 working days. Day 1 is the first working day
after the day the complaint is received (or the stage starts)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "scottish_public_holidays.json"

FRONTLINE_WORKING_DAYS = 5
INVESTIGATION_WORKING_DAYS = 20
# The model CHP: in exceptional circumstances, a manager may extend stage 1 by up to 5 more
# working days (10 in all). Stage 2 may be extended where there is a clear reason; there
# is no fixed limit, but the person is told why and the new date.
FRONTLINE_LONGEST_WORKING_DAYS = 10


class OutsideHolidayTable(LookupError):
    """The date is in a year the holiday table does not cover: extend the table."""


@dataclass(frozen=True)
class HolidayTable:
    source: str
    holidays: dict[datetime.date, str]
    first_year: int
    last_year: int

    def is_holiday(self, day: datetime.date) -> bool:
        if not self.first_year <= day.year <= self.last_year:
            raise OutsideHolidayTable(
                f"The Scottish public holiday table covers {self.first_year} to "
                f"{self.last_year}, not {day.year}."
            )
        return day in self.holidays


@cache
def holiday_table() -> HolidayTable:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    holidays = {datetime.date.fromisoformat(day): name for day, name in raw["holidays"]}
    years = sorted({day.year for day in holidays})
    return HolidayTable(
        source=raw["source"], holidays=holidays, first_year=years[0], last_year=years[-1]
    )


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not holiday_table().is_holiday(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier):
    how many working days are left until a due date, or how far past it."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
