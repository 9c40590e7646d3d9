"""/healthz and /readyz (OPS-8): no sign-in, no personal data, not in the access log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from goldenthread.audit.models import AccessLog, ChangeRecord
from goldenthread.operations import health


def test_healthz_answers_without_a_database_or_sign_in(client):
    # No django_db mark: any query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"process": "ok"}}
    assert "Set-Cookie" not in response.headers and not response.cookies


@pytest.mark.django_db
def test_readyz_checks_database_migrations_and_audit(client, person):
    before = AccessLog.objects.count()
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")  # a load balancer's probe
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "audit_writable": "ok",
        "cache": "ok",
    }
    assert AccessLog.objects.count() == before
    body = response.content.decode()
    assert person.family_name not in body and str(person.pk) not in body


@pytest.mark.django_db
def test_readyz_fails_when_the_audit_cannot_be_written(client, monkeypatch):
    def refuse():
        raise DatabaseError("attempt to write a readonly database")

    monkeypatch.setitem(health.CHECKS, "audit_writable", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["audit_writable"] == "failed"
    assert "readonly" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_fails_when_a_migration_is_not_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)

    class Executor:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": lambda s: []})()})

        def migration_plan(self, targets):
            return [("people", "9999_new")]

    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failed"
    assert response.json()["checks"]["audit_writable"] == "not checked"


@pytest.mark.django_db
def test_the_audit_check_writes_no_row():
    before = AccessLog.objects.count(), ChangeRecord.objects.count()
    health.check_audit_writable()
    assert (AccessLog.objects.count(), ChangeRecord.objects.count()) == before


@pytest.mark.django_db
def test_readyz_fails_when_the_shared_cache_cannot_be_reached(client, settings):
    """Production keeps sessions in Redis: a worker that cannot reach it is not ready."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    try:
        response = client.get("/readyz")
    finally:
        caches["default"].close()
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed"
    assert "127.0.0.1" not in response.content.decode()
