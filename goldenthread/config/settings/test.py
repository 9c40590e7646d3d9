"""Settings for the test suite (SQLite in memory unless DATABASE_URL is set)."""

import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GOLDENTHREAD_REQUIRE_2FA = True
AXES_ENABLED = True
# The test suite's flush empties the append-only audit tables between tests.
GOLDENTHREAD_AUDIT_FLUSH_ALLOWED = True
# Audit checkpoints are signed with this fixed test key (audit/signing.py); no key file.
GOLDENTHREAD_AUDIT_KEY = "dGVzdC1vbmx5LWF1ZGl0LWtleS1ub3QtZm9yLXVzZSE="
GOLDENTHREAD_AUDIT_OLD_KEYS = []
GOLDENTHREAD_AUDIT_KEY_FILE = ""
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
GOLDENTHREAD_PERSON_MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
# Read-only mode's flag file: one no developer's `goldenthread read-only on` can have made.
GOLDENTHREAD_READ_ONLY = False
GOLDENTHREAD_READ_ONLY_FLAG = str(VAR_DIR / f"test-read-only-{os.getpid()}")  # noqa: F405
# Memory in this process, whatever CACHE_URL the shell has; sessions in the database.
CACHES = {"default": cache_from_url("locmem://", "gt-test")}  # noqa: F405
CACHE_IS_SHARED = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The signed-in user and device are cached in every test, as in production (in this
# process's memory: tests that need Redis and two processes set CACHE_URL themselves).
GOLDENTHREAD_SIGN_IN_CACHE = True
# Report counts are computed afresh in tests (each test has its own records).
GOLDENTHREAD_REPORTS_CACHE_SECONDS = 0
# Each table protected on its own in tests of counts; the tests of the protection across
# tables and periods (reports/tests/test_across_by_default.py, test_linked_protection.py)
# turn it on, as production has it (ADR 0038).
GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset()

# The browser suite on SQLite (make test-browser sets GT_TEST_SQLITE_FILE): a test database
# in a file, not in memory. The live server and the browser's requests then use their own
# connections with the busy timeout (WAL, IMMEDIATE transactions, as in production), so a
# draft saved while the page itself is saving waits its turn instead of failing with
# "database table is locked" (an in-memory database shares one cache between connections).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get(  # noqa: F405
    "GT_TEST_SQLITE_FILE"
):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-browser-{os.getpid()}.sqlite3")  # noqa: F405
    }
