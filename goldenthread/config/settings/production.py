"""Production: every secret from the environment; refuses unsafe switches."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    CACHE_KEY_PREFIX,
    GOLDENTHREAD_JOB_TIMEOUT_SECONDS,
    GOLDENTHREAD_REPORTS_QUEUE,
    GOLDENTHREAD_TASKS_QUEUE,
    SHARED_CACHE_SCHEMES,
    cache_from_url,
    env_bool,
    tasks_from_url,
)

DEBUG = False
if "SECRET_KEY" not in os.environ or len(os.environ["SECRET_KEY"]) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
SECRET_KEY = os.environ["SECRET_KEY"]
if not env_bool("GOLDENTHREAD_REQUIRE_2FA", True):
    raise ImproperlyConfigured(
        "Production requires a second factor for staff; remove GOLDENTHREAD_REQUIRE_2FA=false."
    )
GOLDENTHREAD_REQUIRE_2FA = True
# The audit key comes from the secret store (GOLDENTHREAD_AUDIT_KEY) or a file the operator
# names; production never makes one of its own beside the database (audit/signing.py).
GOLDENTHREAD_AUDIT_KEY_FILE = os.environ.get("GOLDENTHREAD_AUDIT_KEY_FILE", "")
GOLDENTHREAD_AUDIT_KEY_FILE_CREATE = False
# Several workers, often on several hosts: sessions, failed sign-in and rate counts and
# caches must be where every one of them sees them (docs/deployment.md).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL.partition("://")[0].lower() not in SHARED_CACHE_SCHEMES:
    raise ImproperlyConfigured(
        "Set CACHE_URL (or REDIS_URL) to a shared Redis, e.g. redis://127.0.0.1:6379/0: "
        "every worker must see the same sessions, sign-in state and rate counts."
    )
CACHES = {"default": cache_from_url(CACHE_URL, CACHE_KEY_PREFIX)}
CACHE_IS_SHARED = True
SESSION_ENGINE = "goldenthread.accounts.sessions"  # cached_db, one round trip (#19)
GOLDENTHREAD_SIGN_IN_CACHE = env_bool("GOLDENTHREAD_SIGN_IN_CACHE", True)
# Background jobs' queue: RQ on the Redis above unless TASKS_URL names another Redis, or
# "database" to keep the queue in the database (docs/adr/0021, docs/deployment.md).
TASKS_URL = os.environ.get("TASKS_URL") or CACHE_URL
TASKS, RQ_QUEUES = tasks_from_url(
    TASKS_URL,
    GOLDENTHREAD_TASKS_QUEUE,
    GOLDENTHREAD_JOB_TIMEOUT_SECONDS,
    also=(GOLDENTHREAD_REPORTS_QUEUE,),
)
# Keep each worker's database connection between requests (docs/deployment.md); 0 behind
# PgBouncer in transaction mode.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))  # noqa: F405
if "server_side_binding" in DATABASES["default"].get("OPTIONS", {}):  # noqa: F405 - PostgreSQL
    # Each kept connection prepares the statements it runs again (base.py; #19).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = env_bool(  # noqa: F405
        "DATABASE_SERVER_SIDE_BINDING", True
    )
    # Django turns psycopg's preparing off unless told (prepare_threshold None, for
    # poolers): with server-side binding on, a statement a connection has run this many
    # times is prepared, so it is parsed and planned once, not on every page (psycopg's
    # default, 5). Planning was 0.5 ms of the person page's scoped fetch and 1.1 ms of its
    # batch in PostgreSQL's CPU (docs/benchmarks.md, #19). Off with binding off.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (  # noqa: F405
        int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5"))
        if DATABASES["default"]["OPTIONS"]["server_side_binding"]  # noqa: F405
        else None
    )
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# "__Host-" cookies: the browser accepts them only over HTTPS, for the whole site (Path=/),
# and never from or for another host or subdomain (no Domain). Checked by
# `check --deploy` (goldenthread/core/checks.py).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
# One JSON object a line, with the request id; no exception messages (OPS-8, R27).
LOGGING = {
    **LOGGING,  # noqa: F405
    "formatters": {"json": {"()": "goldenthread.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "refusal"],
            "formatter": "json",
        },
    },
}
