"""One date and one money formatter for the whole code base (#17): the day has no leading
zero on any platform, money always shows pence, and nothing uses strftime's "%-d" (glibc
only)."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest

from goldenthread.core.formatting import (
    count_text,
    date_text,
    datetime_text,
    money_per_period_text,
    money_text,
)

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 3, 3), "3 March 2026"),
        (datetime.date(2026, 12, 25), "25 December 2026"),
        (datetime.date(2027, 1, 9), "9 January 2027"),
    ],
)
def test_a_date_is_written_without_a_leading_zero(day, expected):
    assert date_text(day) == expected


def test_the_short_month_form_is_used_under_charts():
    assert date_text(datetime.date(2026, 9, 1), short_month=True) == "1 Sep 2026"


def test_no_date_is_written_as_nothing():
    assert date_text(None) == ""
    assert datetime_text(None) == ""


def test_the_day_does_not_depend_on_the_platforms_strftime(monkeypatch):
    """The day is taken from date.day, so a C library without "%-d" (Windows, musl)
    gives the same answer: a strftime that refuses "%-d" is never asked for it."""

    class StrictDate(datetime.date):
        def __format__(self, spec):
            assert "%-" not in spec, f"platform-specific directive in {spec!r}"
            return super().__format__(spec)

    assert date_text(StrictDate(2026, 5, 7)) == "7 May 2026"


def test_an_aware_moment_is_written_in_the_services_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    utc = datetime.UTC
    late = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=utc)  # 00:30 on 1 July in London
    assert date_text(late) == "1 July 2026"
    assert datetime_text(late) == "1 July 2026 at 00:30"
    assert datetime_text(late, joiner=", ") == "1 July 2026, 00:30"
    naive = datetime.datetime(2026, 2, 4, 9, 5)  # noqa: DTZ001 - naive: written as it is
    assert datetime_text(naive) == "4 February 2026 at 09:05"
    winter = datetime.datetime(2026, 1, 2, 8, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert datetime_text(winter) == "2 January 2026 at 08:00"  # GMT: no hour added


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1234.5"), "£1,234.50"),
        (Decimal("0"), "£0.00"),
        (Decimal("-5"), "-£5.00"),
        (Decimal("0.005"), "£0.01"),  # half a penny rounds up, as money does
        (12, "£12.00"),
        (None, ""),
    ],
)
def test_money_always_shows_pence(amount, expected):
    assert money_text(amount) == expected


def test_money_per_period():
    assert money_per_period_text(Decimal("120"), "week") == "£120.00 a week"
    assert money_per_period_text(Decimal("300"), "one_off") == "£300.00 one-off"
    assert money_per_period_text(None, "week") == ""
    assert money_per_period_text(None, "week", none="No cost") == "No cost"


def test_nothing_in_the_code_base_uses_a_glibc_only_date_directive():
    """ "%-d", "%-m", "%-H"… work only with glibc's strftime."""
    directive = re.compile(r"%-[a-zA-Z]")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("goldenthread", "scripts", "tests")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path != Path(__file__)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if directive.search(line)
    ]
    assert not offenders, offenders


def test_dates_are_written_as_the_templates_date_filter_wrote_them():
    """#19: pages now print date_text's strings where templates used |date:"j F Y" and
    |date:"j M Y"; every month and a one-digit and two-digit day are the same."""
    from django.utils.dateformat import format as django_format

    for month in range(1, 13):
        for day in (datetime.date(2026, month, 3), datetime.date(1999, month, 28)):
            assert date_text(day) == django_format(day, "j F Y")
            assert date_text(day, short_month=True) == django_format(day, "j M Y")


def test_count_text_has_the_words_for_one_or_more_never_s_in_brackets():
    assert count_text(1, "record", "records") == "1 record"
    assert count_text(0, "record", "records") == "0 records"
    assert count_text(2480, "item is", "items are") == "2,480 items are"
