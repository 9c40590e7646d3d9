"""Production-like settings for benchmarks on this machine: DEBUG off, production storage
and middleware, but plain HTTP on loopback and a fixed key (never deploy these)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-" + "k7Q-x9" * 10)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# As in production, a shared cache: the Redis on this machine, in a key space of its own.
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/0")
# Not put in the environment: the load test's gunicorn works out the same key space from
# the same DATABASE_URL (base.bench_cache_prefix).
_PREFIX_GIVEN = "CACHE_KEY_PREFIX" in os.environ

from .base import bench_cache_prefix, cache_from_url  # noqa: E402
from .production import *  # noqa: E402, F403
from .production import CACHE_URL, DATABASES  # noqa: E402

if not _PREFIX_GIVEN:  # CACHE_KEY_PREFIX set by the caller is kept as it is
    CACHE_KEY_PREFIX = bench_cache_prefix(DATABASES["default"])
    CACHES = {"default": cache_from_url(CACHE_URL, CACHE_KEY_PREFIX)}

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Plain HTTP: browsers refuse "__Host-" cookies without Secure, so use the plain names.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Production's logging (one JSON object a line): a request that fails under the load test
# says why in gunicorn's log, which the bench prints (#19; it said nothing before). Warnings
# too, as production writes them (a report table the database would not store was a
# warning the bench hid, #14), but not the request log's one line per refused request.
LOGGING = {
    **LOGGING,  # noqa: F405
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}},
}
