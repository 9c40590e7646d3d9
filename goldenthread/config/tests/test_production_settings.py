"""Production keeps nothing in one process's memory that every worker must share (issue #19,
part 4; docs/deployment.md lists what is shared and where): sessions, sign-in throttling,
rate counts and caches are in Redis or the database, and the settings refuse to start
without a shared cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from goldenthread.config.settings.base import cache_from_url, tasks_from_url

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    # A file cache is one host's disk: not shared by a second host.
    "django.core.cache.backends.filebased.FileBasedCache",
)
PER_PROCESS_SESSIONS = (
    "django.contrib.sessions.backends.cache",  # checked against its cache below
    "django.contrib.sessions.backends.file",
)

SCRIPT = """
import json
from django.conf import settings
import django
django.setup()
# Every module a request or a worker loads (a task declared with an option the production
# queue's backend refuses fails at import, #14).
from django.urls import get_resolver
get_resolver().url_patterns
import goldenthread.jobs.tasks, goldenthread.reports.tasks
from axes.handlers.database import AxesDatabaseHandler
from django.utils.module_loading import import_string
handler = import_string(settings.AXES_HANDLER)
print(json.dumps({
    "caches": {k: v["BACKEND"] for k, v in settings.CACHES.items()},
    "session_engine": settings.SESSION_ENGINE,
    "session_cache": getattr(settings, "SESSION_CACHE_ALIAS", "default"),
    "axes_database": issubclass(handler, AxesDatabaseHandler),
    "axes_cache": getattr(settings, "AXES_CACHE", "default"),
    "api_rate_cache": settings.GOLDENTHREAD_API_RATE_CACHE,
    "sign_in_cache": settings.GOLDENTHREAD_SIGN_IN_CACHE,
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "server_side_binding": settings.DATABASES["default"].get("OPTIONS", {}).get(
        "server_side_binding"
    ),
    "prepare_threshold": settings.DATABASES["default"].get("OPTIONS", {}).get(
        "prepare_threshold", "absent"
    ),
    "message_storage": settings.MESSAGE_STORAGE,
    "tasks": settings.TASKS["default"]["BACKEND"],
    "tasks_queues": settings.TASKS["default"]["QUEUES"],
    "rq_urls": {name: queue["URL"] for name, queue in settings.RQ_QUEUES.items()},
}))
"""

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.production",
    "SECRET_KEY": "k" * 20 + "Q7-x" * 10,
    "ALLOWED_HOSTS": "goldenthread.example.org",
}


# Variables the settings read that a developer's shell may have set.
ENVIRONMENT = (
    "CACHE_URL",
    "REDIS_URL",
    "CONN_MAX_AGE",
    "TASKS_URL",
    "TASKS_QUEUE",
    "REPORTS_QUEUE",
    "DATABASE_URL",
    "DATABASE_SERVER_SIDE_BINDING",
)


def _production(**env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **PRODUCTION_ENV, **env}
    for name in (*ENVIRONMENT, "DJANGO_ALLOW_ASYNC_UNSAFE"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(  # noqa: S603 - our own settings, a fixed script
        [sys.executable, "-c", SCRIPT],
        env=full,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_shared_cache():
    for env in ({}, {"CACHE_URL": "locmem://"}):
        result = _production(**env)
        assert result.returncode != 0
        assert "Set CACHE_URL (or REDIS_URL) to a shared Redis" in result.stderr


def test_production_keeps_sessions_throttles_and_counts_where_every_worker_sees_them():
    result = _production(REDIS_URL="redis://10.0.0.5:6379/2")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    for alias, backend in found["caches"].items():
        assert backend not in PROCESS_LOCAL_CACHES, alias
    assert found["caches"]["default"] == "goldenthread.core.redis_cache.RedisCache"
    # Sessions: in the database, read through the shared cache.
    # Django's cached_db, reading the session with the user's entries (#19).
    assert found["session_engine"] == "goldenthread.accounts.sessions"
    assert found["session_engine"] not in PER_PROCESS_SESSIONS
    assert found["caches"][found["session_cache"]] not in PROCESS_LOCAL_CACHES
    # Failed sign-ins: django-axes' database handler (ours adds the per-address limit).
    assert found["axes_database"]
    # API rate counts and the sign-in cache: the shared cache.
    assert found["caches"][found["api_rate_cache"]] not in PROCESS_LOCAL_CACHES
    assert found["sign_in_cache"] is True
    # Flash messages ride in the session, never in one process.
    assert found["message_storage"].endswith("SessionStorage")
    # Persistent, health-checked database connections (0 behind PgBouncer).
    assert found["conn_max_age"] == 60
    assert found["health_checks"] is True


def test_conn_max_age_comes_from_the_environment():
    result = _production(CACHE_URL="redis://127.0.0.1:6379/0", CONN_MAX_AGE="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["conn_max_age"] == 0


def test_the_cache_url_chooses_the_backend():
    redis = cache_from_url("rediss://:secret@cache.internal:6380/3", "gt")
    assert redis["BACKEND"] == "goldenthread.core.redis_cache.RedisCache"
    assert redis["LOCATION"] == "rediss://:secret@cache.internal:6380/3"
    assert redis["KEY_PREFIX"] == "gt"
    assert cache_from_url("unix:///run/redis.sock?db=1", "gt")["BACKEND"].endswith("RedisCache")
    assert cache_from_url("", "gt")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("locmem://", "gt")["BACKEND"].endswith("LocMemCache")
    with pytest.raises(ValueError, match="memcached://"):
        cache_from_url("memcached://127.0.0.1:11211", "gt")


def test_make_run_needs_no_redis():
    """The demo's settings: memory cache, sessions in the database, no sign-in cache."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.dev",
    }
    for name in (*ENVIRONMENT, "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.GOLDENTHREAD_SIGN_IN_CACHE, "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.TASKS['default']['BACKEND'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "False",
        "0",
        "django_tasks_db.DatabaseBackend",  # the queue in the database: no broker (ADR 0021)
    ]


def test_production_queues_jobs_on_its_redis_unless_told_otherwise():
    """ADR 0021 (#20): RQ on the Redis production already has; TASKS_URL names another
    Redis, or "database" keeps the queue in the database."""
    rq = "goldenthread.jobs.rq_backend.RQBackend"
    found = json.loads(_production(REDIS_URL="redis://10.0.0.5:6379/2").stdout)
    assert found["tasks"] == rq
    assert found["tasks_queues"] == ["default", "default-reports"]
    assert found["rq_urls"] == {
        "default": "redis://10.0.0.5:6379/2",
        "default-reports": "redis://10.0.0.5:6379/2",
    }
    found = json.loads(
        _production(
            CACHE_URL="redis://10.0.0.5:6379/2",
            TASKS_URL="redis://10.0.0.6:6379/1",
            TASKS_QUEUE="council-a",
        ).stdout
    )
    assert (found["tasks"], found["tasks_queues"]) == (rq, ["council-a", "council-a-reports"])
    assert found["rq_urls"] == {
        "council-a": "redis://10.0.0.6:6379/1",
        "council-a-reports": "redis://10.0.0.6:6379/1",
        "default": "redis://10.0.0.6:6379/1",
    }
    found = json.loads(
        _production(CACHE_URL="redis://10.0.0.5:6379/2", TASKS_URL="database").stdout
    )
    assert (found["tasks"], found["rq_urls"]) == ("django_tasks_db.DatabaseBackend", {})


def test_the_tasks_url_chooses_the_queue():
    tasks, rq_queues = tasks_from_url("unix:///run/redis.sock?db=3", "gt", 600)
    assert tasks["default"]["BACKEND"].endswith("RQBackend")
    assert rq_queues["gt"] == {"URL": "unix:///run/redis.sock?db=3", "DEFAULT_TIMEOUT": 600}
    for url in ("", "database", "database://"):
        assert tasks_from_url(url, "default", 600) == (
            {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
            {},
        )
    with pytest.raises(ValueError, match="amqp://"):
        tasks_from_url("amqp://127.0.0.1", "default", 600)


def test_production_on_postgresql_prepares_what_a_kept_connection_runs_again():
    """#19: server-side binding (psycopg prepares a statement a connection runs again), on
    unless DATABASE_SERVER_SIDE_BINDING=false (PgBouncer in transaction mode); never on
    SQLite."""
    pg = {"REDIS_URL": "redis://10.0.0.5:6379/2", "DATABASE_URL": "postgres://u@db:5432/gt"}
    on = _production(**pg)
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout)["server_side_binding"] is True
    # Django leaves psycopg's preparing off unless prepare_threshold is given.
    assert json.loads(on.stdout)["prepare_threshold"] == 5
    fewer = _production(**pg, DATABASE_PREPARE_THRESHOLD="2")
    assert json.loads(fewer.stdout)["prepare_threshold"] == 2
    off = _production(**pg, DATABASE_SERVER_SIDE_BINDING="false")
    assert json.loads(off.stdout)["server_side_binding"] is False
    assert json.loads(off.stdout)["prepare_threshold"] is None
    sqlite = _production(REDIS_URL="redis://10.0.0.5:6379/2", DATABASE_URL="sqlite:///x.db")
    assert json.loads(sqlite.stdout)["server_side_binding"] is None
    assert json.loads(sqlite.stdout)["prepare_threshold"] == "absent"
