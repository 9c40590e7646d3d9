"""How many examples a property test draws (#14: CI time). Each property test names its
number for the suite's profile ("goldenthread", conftest.py); the thorough profile
(`pytest --hypothesis-profile goldenthread-thorough goldenthread/reports`, before a
release or after a change to disclosure.py) draws ten times as many, fresh each run."""

from __future__ import annotations

from hypothesis import settings

# Hypothesis' own default number of examples, which the suite's profile keeps.
_SUITE_DEFAULT = 100


def examples(in_the_suite: int) -> int:
    """`in_the_suite` examples under the suite's profile, scaled by the loaded profile's
    max_examples otherwise."""
    return max(1, in_the_suite * settings.default.max_examples // _SUITE_DEFAULT)
