"""The two field checks the recording services share (core.services, #17)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from goldenthread.core.services import not_future, refuse_unknown_fields, require_text

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
