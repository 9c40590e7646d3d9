"""ACC-2: complaint deadlines in working days across weekends and Scottish public
holidays, from the table kept as data (data/scottish_public_holidays.json)."""

from __future__ import annotations

import datetime

import pytest

from goldenthread.accountability.working_days import (
    FRONTLINE_WORKING_DAYS,
    INVESTIGATION_WORKING_DAYS,
    OutsideHolidayTable,
    add_working_days,
    holiday_table,
    is_working_day,
    working_days_between,
)

D = datetime.date


def easter_sunday(year: int) -> datetime.date:
    """The Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = ((h + ell - 7 * m + 114) % 31) + 1
    return D(year, month, day)


def first_monday(year: int, month: int) -> datetime.date:
    day = D(year, month, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def last_monday(year: int, month: int) -> datetime.date:
    day = D(year, month + 1, 1) - datetime.timedelta(days=1)
    return day - datetime.timedelta(days=day.weekday())


def scottish_holidays_by_rule(year: int) -> set[datetime.date]:
    """The rules the table should follow: New Year's Day and 2 January, with substitutes
    when either falls at a weekend; Good Friday; the first Monday in May and the last;
    the first Monday in August (Scotland's summer holiday); St Andrew's Day, or the next
    Monday when it falls at a weekend (St Andrew's Day Bank Holiday (Scotland) Act 2007);
    Christmas Day and Boxing Day, with substitutes."""
    days: set[datetime.date] = set()

    def with_substitutes(pair):
        taken = set()
        for day in pair:
            while day.weekday() >= 5 or day in taken:
                day += datetime.timedelta(days=1)
            taken.add(day)
        return taken

    days |= with_substitutes([D(year, 1, 1), D(year, 1, 2)])
    days.add(easter_sunday(year) - datetime.timedelta(days=2))
    days.add(first_monday(year, 5))
    days.add(last_monday(year, 5))
    days.add(first_monday(year, 8))
    st_andrew = D(year, 11, 30)
    while st_andrew.weekday() >= 5:
        st_andrew += datetime.timedelta(days=1)
    days.add(st_andrew)
    days |= with_substitutes([D(year, 12, 25), D(year, 12, 26)])
    return days


def test_the_table_has_its_source():
    table = holiday_table()
    assert "gov.uk/bank-holidays" in table.source
    assert "St Andrew's Day Bank Holiday (Scotland) Act 2007" in table.source


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028, 2029, 2030])
def test_the_table_follows_the_rules(year):
    table = holiday_table()
    in_table = {day for day in table.holidays if day.year == year}
    assert in_table == scottish_holidays_by_rule(year)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 2), False),  # 2 January, a Friday: a Scottish holiday (not in England)
        (D(2026, 4, 6), True),  # Easter Monday is not a holiday in Scotland
        (D(2026, 8, 3), False),  # summer holiday: first Monday in August in Scotland
        (D(2026, 8, 31), True),  # England's late August holiday is a working day here
        (D(2026, 11, 30), False),  # St Andrew's Day on a Monday
        (D(2025, 12, 1), False),  # St Andrew's Day 2025 was a Sunday: the Monday after
        (D(2026, 12, 28), False),  # Boxing Day 2026 is a Saturday: Monday 28th instead
        (D(2027, 1, 4), False),  # 2 January 2027 is a Saturday: Monday 4th instead
        (D(2027, 12, 27), False),  # Christmas Day 2027 is a Saturday
        (D(2027, 12, 28), False),  # Boxing Day 2027 is a Sunday
        (D(2026, 6, 6), False),  # a Saturday
        (D(2026, 6, 3), True),
    ],
)
def test_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # An ordinary week: received on a Wednesday, due the next Wednesday.
        (D(2026, 6, 3), FRONTLINE_WORKING_DAYS, D(2026, 6, 10)),
        # Received on a Friday: the weekend does not count.
        (D(2026, 6, 5), FRONTLINE_WORKING_DAYS, D(2026, 6, 12)),
        # Received on a Saturday: day 1 is the Monday.
        (D(2026, 6, 6), FRONTLINE_WORKING_DAYS, D(2026, 6, 12)),
        # Before St Andrew's Day 2026 (Monday 30 November).
        (D(2026, 11, 27), FRONTLINE_WORKING_DAYS, D(2026, 12, 7)),
        # Before the substitute St Andrew's Day 2025 (Monday 1 December).
        (D(2025, 11, 28), FRONTLINE_WORKING_DAYS, D(2025, 12, 8)),
        # Christmas and New Year 2026-27: 25 and 28 December, 1 and 4 January are holidays.
        (D(2026, 12, 24), FRONTLINE_WORKING_DAYS, D(2027, 1, 6)),
        # Good Friday 2026 (3 April); Easter Monday is worked in Scotland.
        (D(2026, 4, 2), FRONTLINE_WORKING_DAYS, D(2026, 4, 10)),
        # An investigation across Christmas and New Year: 20 working days.
        (D(2026, 12, 14), INVESTIGATION_WORKING_DAYS, D(2027, 1, 15)),
        # Christmas 2027 (Sat) and Boxing Day (Sun) move to 27-28 Dec; 1-2 Jan 2028 to 3-4 Jan.
        (D(2027, 12, 23), FRONTLINE_WORKING_DAYS, D(2028, 1, 5)),
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due
    assert working_days_between(start, due) == days


def test_days_left_and_days_over():
    assert working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1
    assert working_days_between(D(2026, 12, 29), D(2026, 12, 24)) == -1
    assert working_days_between(D(2026, 6, 3), D(2026, 6, 3)) == 0


def test_a_date_outside_the_table_is_refused_not_guessed():
    with pytest.raises(OutsideHolidayTable, match="2025 to 2030"):
        add_working_days(D(2030, 12, 28), 5)


def test_the_years_worked_out_from_the_rules_say_so():
    table = holiday_table()
    assert table.last_year == 2030
    assert "2029 and 2030 are worked out from the rules" in table.source
    # St Andrew's Day 2030 is a Saturday: Monday 2 December instead.
    assert table.holidays[D(2030, 12, 2)] == "St Andrew's Day (substitute day)"
    # Across Christmas 2029: 25 and 26 December, 1 and 2 January 2030.
    assert add_working_days(D(2029, 12, 21), FRONTLINE_WORKING_DAYS) == D(2030, 1, 3)


@pytest.mark.parametrize(
    ("today", "ids"),
    [
        (D(2026, 12, 3), []),
        (D(2030, 1, 15), ["accountability.W001"]),  # less than a year of table left
        (D(2031, 1, 1), ["accountability.E001"]),  # the table has ended
    ],
)
def test_the_system_check_fails_loudly_as_the_table_runs_out(today, ids):
    from goldenthread.accountability.checks import holiday_table_messages

    messages = holiday_table_messages(today)
    assert [m.id for m in messages] == ids
    for message in messages:
        assert "scottish_public_holidays.json" in message.hint


def test_a_due_date_past_the_table_is_said_not_guessed():
    from goldenthread.accountability.presenters import due_text
    from goldenthread.accountability.selectors import days_left

    left = days_left(D(2031, 1, 10), D(2030, 12, 20))
    assert left is None
    assert due_text(D(2031, 1, 10), left) == (
        "10 January 2031 (working days left not known: the holiday table does not cover it)"
    )
