"""The shared test helpers in core/testing.py."""

from __future__ import annotations

import pytest

from goldenthread.core.testing import redis_or_skip

NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # port 1: the connection is refused at once


def test_a_missing_redis_skips_the_test_on_a_developers_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Redis at redis://127.0.0.1:1/0"):
        redis_or_skip(NOBODY_LISTENS, "these tests")


def test_a_missing_redis_fails_the_test_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs Redis at .* for these tests"):
        redis_or_skip(NOBODY_LISTENS, "these tests")
