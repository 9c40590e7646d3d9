"""The bench's cache key space is its database's own (#19): two benches of different
databases sharing the Redis on this machine (db 0 by default) never read each other's
sessions or sign-in entries, while the bench and its load test's gunicorn (a second
process with the same DATABASE_URL) share one."""

from __future__ import annotations

import os
import subprocess
import sys

import dj_database_url
from django.conf import settings

from goldenthread.config.settings.base import bench_cache_prefix

SCRIPT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.CACHES['default']['KEY_PREFIX'])"
)


def _prefix(url: str) -> str:
    return bench_cache_prefix(dj_database_url.parse(url))


def test_each_database_has_its_own_key_space_and_the_same_database_the_same():
    found = [
        _prefix("sqlite:////tmp/bench-a/gt.sqlite3"),
        _prefix("sqlite:////tmp/bench-b/gt.sqlite3"),  # the same file name elsewhere
        _prefix("postgres://postgres@127.0.0.1:5432/gt_a"),
        _prefix("postgres://postgres@127.0.0.1:5432/gt_b"),
        _prefix("postgres://postgres@127.0.0.1:5433/gt_a"),
        _prefix("postgres://postgres@10.0.0.9:5432/gt_a"),
    ]
    assert len(set(found)) == len(found), found
    assert found[0].startswith("gt-bench-sqlite3-gt.sqlite3-")
    assert found[2].startswith("gt-bench-postgresql-gt_a-")
    assert _prefix("sqlite:////tmp/bench-a/gt.sqlite3") == found[0]


def _bench_settings_prefix(database_url: str, **env: str) -> str:
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.bench"}
    for name in ("CACHE_KEY_PREFIX", "CACHE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        full.pop(name, None)
    full.update(DATABASE_URL=database_url, **env)
    result = subprocess.run(  # noqa: S603 - our own settings, a fixed script
        [sys.executable, "-c", SCRIPT],
        env=full,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_bench_settings_use_it_unless_a_prefix_is_given():
    """As the load test starts gunicorn: the bench's environment, CACHE_KEY_PREFIX unset."""
    url = "sqlite:////tmp/bench-a/gt.sqlite3"
    assert _bench_settings_prefix(url) == _prefix(url)
    assert _bench_settings_prefix(url, CACHE_KEY_PREFIX="mine") == "mine"
