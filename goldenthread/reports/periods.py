"""Report periods: a calendar month, quarter or year, or the rolling twelve months."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from goldenthread.core.formatting import MONTHS


@dataclass(frozen=True)
class Period:
    code: str
    start: datetime.date
    end: datetime.date  # inclusive
    label: str

    def months(self) -> list[tuple[int, int]]:
        out = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def _month_end(year: int, month: int) -> datetime.date:
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


class NotAPeriod(ValueError):
    """A period's code that is none of those `parse_period` reads: its own kind, so that
    `refresh-reports` says "Not a period" for it only, not for every ValueError."""


def parse_period(code: str, today: datetime.date) -> Period:
    """'2026-11' (month), '2026Q3' (quarter), '2026' (year), 'rolling' (12 months to the
    end of last month). Raises NotAPeriod (a ValueError) for anything else."""
    code = (code or "").strip()
    if code == "rolling":
        end = today.replace(day=1) - datetime.timedelta(days=1)
        start_year, start_month = (end.year - 1, end.month + 1) if end.month < 12 else (end.year, 1)
        start = datetime.date(start_year, start_month, 1)
        return Period(code, start, end, f"The 12 months to {MONTHS[end.month - 1]} {end.year}")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", code):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise NotAPeriod(code)
        return Period(
            code,
            datetime.date(year, month, 1),
            _month_end(year, month),
            f"{MONTHS[month - 1]} {year}",
        )
    if m := re.fullmatch(r"(\d{4})Q([1-4])", code):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        return Period(
            code,
            datetime.date(year, first, 1),
            _month_end(year, first + 2),
            f"{MONTHS[first - 1]} to {MONTHS[first + 1]} {year}",
        )
    if re.fullmatch(r"\d{4}", code):
        year = int(code)
        return Period(code, datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}")
    raise NotAPeriod(code)


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The periods offered: rolling, the last 12 months, the last 4 quarters, 2 years."""
    choices = [("rolling", parse_period("rolling", today).label)]
    y, m = today.year, today.month
    for _ in range(12):
        code = f"{y}-{m:02d}"
        choices.append((code, parse_period(code, today).label))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    q = (today.month - 1) // 3 + 1
    y = today.year
    for _ in range(4):
        code = f"{y}Q{q}"
        choices.append((code, parse_period(code, today).label))
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
    for year in (today.year, today.year - 1):
        choices.append((str(year), str(year)))
    return choices


AGE_GROUPS = ("0-15", "16-17", "18-64", "65-74", "75-84", "85+")
AGE_GROUP_LABELS = {
    "0-15": "0 to 15",
    "16-17": "16 and 17",
    "18-64": "18 to 64",
    "65-74": "65 to 74",
    "75-84": "75 to 84",
    "85+": "85 and over",
}
_AGE_BOUNDS = ((16, "0-15"), (18, "16-17"), (65, "18-64"), (75, "65-74"), (85, "75-84"))


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_group(born: datetime.date, day: datetime.date) -> str:
    age = age_on(born, day)
    for below, group in _AGE_BOUNDS:
        if age < below:
            return group
    return "85+"
