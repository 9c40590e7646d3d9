"""Helpers for tests: a SQLite file another process can open, and a Redis to test with."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


def copy_test_database(target: Path) -> bool:
    """Copy the (migrated) SQLite test database into the file `target`, so another process
    can open it without migrating a new one (a quarter of a minute of CPU saved each time).
    False, and nothing copied, on another database: the caller migrates the file itself."""
    if connection.vendor != "sqlite":
        return False
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return True


def redis_or_skip(url: str, needed_for: str) -> None:
    """Skip the test when no Redis answers at `url` on a developer's machine; in CI (the
    CI variable set) fail it instead, saying the Redis is needed for `needed_for`."""
    import pytest
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis at {url} for {needed_for}")
        pytest.skip(f"no Redis at {url}")


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a server a test started: asked to stop (SIGTERM), killed if it has not within
    `timeout` seconds; waited for either way, so nothing is left running."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
