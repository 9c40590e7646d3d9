"""/healthz and /readyz for a load balancer (OPS-8).

Answered by the first middleware, before sessions, sign-in, host checks, the HTTPS redirect
and the access log: no authentication is needed, nothing is logged as an access, and the
answers carry no personal data (a word per check, nothing else).

- /healthz: the process is up and answering (no database).
- /readyz: the database answers, every migration is applied, an audit row could be
  written (an insert into the change history inside a transaction that is rolled back),
  and the shared cache (Redis in production: sessions and sign-in lookups live there)
  stores and returns a value. 503 with the failing check's name otherwise.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

HEALTH_PATHS = ("/healthz", "/readyz")

_migrations_applied = False


def _json(status: int, checks: dict[str, str]) -> HttpResponse:
    body = {"status": "ok" if status == 200 else "unavailable", "checks": checks}
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_migrations() -> None:
    # Once every migration is applied it stays so until new code arrives (a restart).
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied")
    _migrations_applied = True


class _RolledBack(Exception):
    pass


def check_audit_writable() -> None:
    """An INSERT into the change history's table, inside a transaction rolled back: the
    database takes a write lock there and the account may insert (a read-only database, a
    read-only transaction or a revoked INSERT privilege all fail it). No row is written."""
    from goldenthread.audit.models import ChangeRecord

    table = connections[DEFAULT_DB_ALIAS].ops.quote_name(ChangeRecord._meta.db_table)
    try:
        with transaction.atomic():
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE 1 = 0")  # noqa: S608
            raise _RolledBack
    except _RolledBack:
        return


def check_cache() -> None:
    """A value written to the default cache and read back (sessions and the signed-in user
    are kept there in production; a worker that cannot reach it cannot serve pages)."""
    from django.core.cache import cache

    key, value = "readyz:probe", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "audit_writable": check_audit_writable,
    "cache": check_cache,
}


def readiness() -> tuple[int, dict[str, str]]:
    results: dict[str, str] = {}
    status = 200
    for name, check in CHECKS.items():
        if status != 200:
            results[name] = "not checked"
            continue
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            logger.exception("readyz: %s check failed", name)
            results[name] = "failed"
            status = 503
        else:
            results[name] = "ok"
    return status, results


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two probe paths and nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path.rstrip("/")
        if path not in HEALTH_PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if path == "/healthz":
            return _json(200, {"process": "ok"})
        status, checks = readiness()
        return _json(status, checks)
