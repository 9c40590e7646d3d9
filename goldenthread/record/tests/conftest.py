"""Fixtures for the whole-record tests: the Support Sequence's (an outcome to plan for)."""

from goldenthread.support.tests.conftest import outcome  # noqa: F401  (a fixture)
