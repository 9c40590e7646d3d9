"""Settings for the test suite (SQLite in memory unless DATABASE_URL is set)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GOLDENTHREAD_REQUIRE_2FA = True
AXES_ENABLED = True
# The test suite's flush empties the append-only audit tables between tests.
GOLDENTHREAD_AUDIT_FLUSH_ALLOWED = True
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Report counts are computed afresh in tests (each test has its own records).
GOLDENTHREAD_REPORTS_CACHE_SECONDS = 0
