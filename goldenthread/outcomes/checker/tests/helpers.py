"""Small helpers shared by the checker tests."""

from __future__ import annotations

from goldenthread.outcomes.checker import CheckResult, Flag, check


def flags_for(text: str, code: str, **fields: object) -> list[Flag]:
    return [f for f in check(text, **fields).flags if f.code == code]  # type: ignore[arg-type]


def has(text: str, code: str, **fields: object) -> bool:
    return bool(flags_for(text, code, **fields))


def spans(text: str, code: str) -> list[str]:
    """The flagged words, exactly as they appear in ``text``."""
    return [text[f.start : f.end] for f in flags_for(text, code)]


def codes(text: str) -> set[str]:
    result: CheckResult = check(text)
    return set(result.codes)
