"""The word lists: every entry has a reason and compiles."""

from __future__ import annotations

import re

import pytest

from goldenthread.outcomes.checker._lexicon import (
    LEXICON_DIR,
    load,
    rows,
    term_to_regex,
)

NAMES = sorted(path.stem for path in LEXICON_DIR.glob("*.tsv"))


def test_the_lists_are_there() -> None:
    assert {"jargon", "provision", "service_phrases", "vague", "depersonalising"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_has_a_reason_and_compiles(name: str) -> None:
    entries = rows(name)
    assert entries, name
    seen: set[str] = set()
    for term, fields in entries:
        assert fields and fields[0].strip(), f"{name}: {term!r} has no reason"
        re.compile(term_to_regex(term))
        assert term not in seen, f"{name}: {term!r} is listed twice"
        seen.add(term)
    assert len(load(name)) == len(entries)


def test_jargon_entries_say_what_to_use_instead() -> None:
    for term, fields in rows("jargon"):
        assert len(fields) >= 2 and fields[1].strip(), term


def test_term_syntax() -> None:
    assert re.fullmatch(term_to_regex("step-down"), "step down")
    assert re.fullmatch(term_to_regex("step-down"), "stepdown")
    assert re.fullmatch(term_to_regex("mobilis*"), "mobilising")
    assert re.fullmatch(term_to_regex("OT"), "OT")
    assert not re.fullmatch(term_to_regex("OT"), "ot")
    assert re.fullmatch(term_to_regex("day centre"), "Day  Centre")
