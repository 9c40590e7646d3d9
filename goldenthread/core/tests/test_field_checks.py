"""The two field checks the recording services share (core.services, #17)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from goldenthread.core.services import (
    EARLIEST_DATE,
    not_far_off,
    not_future,
    refuse_unknown_fields,
    require_text,
)

TODAY = datetime.date(2026, 3, 3)


@time_machine.travel("2026-03-03 12:00:00+00:00", tick=False)
def test_not_future_refuses_tomorrow_only():
    errors: dict[str, str] = {}
    not_future(TODAY, "told_on", "The date they were told", errors)
    not_future(None, "met_on", "The date the need was met", errors)
    not_future(TODAY - datetime.timedelta(days=400), "decided_on", "The date decided", errors)
    assert errors == {}
    not_future(TODAY + datetime.timedelta(days=1), "told_on", "The date they were told", errors)
    assert errors == {"told_on": "The date they were told must be today or in the past."}


@time_machine.travel("2026-03-03 12:00:00+00:00", tick=False)
def test_a_mistyped_year_is_refused_far_back_and_far_ahead():
    """SEC: a year typed wrong ("0026", "1026", "9999") is named, not stored; the bounds
    themselves pass (EARLIEST_DATE; ten years from today)."""
    errors: dict[str, str] = {}
    not_future(EARLIEST_DATE, "told_on", "The date they were told", errors)
    not_far_off(EARLIEST_DATE, "start_date", "The start date", errors)
    not_far_off(datetime.date(2036, 3, 3), "end_date", "The end date", errors)
    not_far_off(None, "review_on", "The date to look at it again", errors)
    assert errors == {}
    not_future(datetime.date(1999, 12, 31), "told_on", "The date they were told", errors)
    not_far_off(datetime.date(26, 3, 3), "start_date", "The start date", errors)
    not_far_off(datetime.date(2036, 3, 4), "end_date", "The end date", errors)
    assert errors == {
        "told_on": "The date they were told is too long ago (31 December 1999). Check the year.",
        "start_date": "The start date is too long ago (3 March 26). Check the year.",
        "end_date": "The end date is more than 10 years ahead (4 March 2036). Check the year.",
    }


@time_machine.travel("2028-02-29 12:00:00+00:00", tick=False)
def test_ten_years_ahead_of_the_29th_of_february():
    errors: dict[str, str] = {}
    not_far_off(datetime.date(2038, 2, 28), "end_date", "The end date", errors)
    assert errors == {}
    not_far_off(datetime.date(2038, 3, 1), "end_date", "The end date", errors)
    assert "more than 10 years ahead" in errors["end_date"]


def test_require_text_names_each_blank_field_and_keeps_other_errors():
    errors = {"about": "Choose what the decision is about."}
    require_text(
        errors,
        ("summary", "  ", "Say what was decided."),
        ("reasons", "They asked for it", "Give the reasons."),
        ("decided_by", "", "Say who made the decision."),
    )
    assert errors == {
        "about": "Choose what the decision is about.",
        "summary": "Say what was decided.",
        "decided_by": "Say who made the decision.",
    }


def test_refuse_unknown_fields_names_the_service_and_the_fields():
    refuse_unknown_fields("advocacy_update", ["notes"], ["notes", "started_on"])
    with pytest.raises(TypeError, match=r"^advocacy_update cannot change \['person'\]$"):
        refuse_unknown_fields("advocacy_update", ["person", "notes"], ["notes"])
    with pytest.raises(TypeError, match=r"^advocacy_record cannot set \['a', 'b'\]$"):
        refuse_unknown_fields("advocacy_record", ["b", "a"], [], verb="set")
