"""Settings shared by every environment.

Environment variables:
  DATABASE_URL        database (default: SQLite under ./var/); e.g. postgres://postgres@127.0.0.1:5432/goldenthread
  SECRET_KEY          required in production
  GOLDENTHREAD_REQUIRE_2FA   "false" switches the second factor off (demo only; production refuses)
  GOLDENTHREAD_CONTROLLER_NAME, _ADDRESS, _EMAIL, GOLDENTHREAD_DPO_EMAIL,
  GOLDENTHREAD_RECIPIENTS_STATEMENT, GOLDENTHREAD_RETENTION_STATEMENT
                      the organisation named in the privacy notice (the demo's is made up)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .media_storage import person_media_storage

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "goldenthread"
VAR_DIR = Path(os.environ.get("GOLDENTHREAD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    # Django's own form templates, which admin widgets include (the read-only password
    # field, raw-id and related-object widgets): without them those admin pages fail.
    "django.forms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # One-time codes by e-mail: a second factor for people and proxies without a
    # smartphone (issue #12), chosen when they set up their sign-in; staff use an app.
    "django_otp.plugins.otp_email",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "goldenthread.core",
    "goldenthread.ui",
    "goldenthread.accounts",
    "goldenthread.audit",
    "goldenthread.people",
    "goldenthread.conversations",
    "goldenthread.outcomes",
    "goldenthread.directory",
    "goldenthread.support",
    "goldenthread.sds",
    "goldenthread.risk",
    "goldenthread.reviews",
    "goldenthread.history",
    "goldenthread.accountability",
    "goldenthread.record",
    "goldenthread.api",
    "goldenthread.operations",
    "goldenthread.nonprod",
    "goldenthread.portal",
    "goldenthread.reports",
    "goldenthread.jobs",
]

MIDDLEWARE = [
    # /healthz and /readyz for the load balancer: no session, no sign-in, no access log.
    "goldenthread.operations.health.HealthCheckMiddleware",
    # A reference id for every request: X-Request-ID, log lines, the 500 page (OPS-8).
    "goldenthread.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long cache lifetime (SEC-8).
    "goldenthread.core.middleware.PermissionsPolicyMiddleware",
    "goldenthread.core.middleware.PrivateCacheMiddleware",
    # django-csp's, with the settings' header built once per process (#19).
    "goldenthread.core.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Typed text without direction controls; invisible-only text is blank (core/text.py).
    "goldenthread.core.middleware.TypedTextMiddleware",
    # Django's and django-otp's, reading the user and device from the shared cache when
    # there is one (goldenthread/accounts/sign_in_cache.py).
    "goldenthread.accounts.middleware.CachedAuthenticationMiddleware",
    "goldenthread.accounts.middleware.CachedOTPMiddleware",
    # Read-only mode (OPS-6): writes answer a maintenance page; reads fail closed.
    "goldenthread.operations.readonly.ReadOnlyMiddleware",
    # Expensive pages: at most N at once per process, else 429 (OPS-6).
    "goldenthread.operations.budget.ConcurrencyBudgetMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "goldenthread.accounts.middleware.SessionLifetimeMiddleware",
    "goldenthread.accounts.middleware.RequireSecondFactorMiddleware",
    # A person's or proxy's sign-in reaches only their own record (docs/adr/0013).
    "goldenthread.portal.access.PortalBoundaryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "goldenthread.ui.htmx.HtmxTokenMiddleware",
    # A page's empty 405 (a button's address opened as a link) becomes the 405 page.
    "goldenthread.core.middleware.MethodNotAllowedPageMiddleware",
    # Unsaved text kept for its author is forgotten once it is saved (#16).
    "goldenthread.people.middleware.DraftsClearedOnSaveMiddleware",
    # AxesMiddleware should be the last middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "goldenthread.config.urls"
WSGI_APPLICATION = "goldenthread.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "goldenthread.ui.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "goldenthread.ui.forms.renderer.DesignSystemRenderer"

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
# CONN_MAX_AGE: seconds a worker keeps its database connection between requests (0 opens
# and closes one per request). Production and bench keep them for 60 s (docs/deployment.md);
# behind PgBouncer in transaction mode set 0. Health checks test a kept connection before
# its first use in a request, so a restarted database costs one failed check, not an error.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'goldenthread.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer writes; IMMEDIATE makes writers
    # queue for the lock at BEGIN instead of failing later with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL: parameters bound by the server, not written into the SQL by psycopg, so a
    # statement a connection runs again is prepared once and planned once (psycopg
    # prepares after 5 uses; the person page's reads are one large statement, #19).
    # Off where prepared statements cannot be kept (PgBouncer in transaction mode before
    # 1.21): DATABASE_SERVER_SIDE_BINDING=false. Production and bench turn it on.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "DATABASE_SERVER_SIDE_BINDING", False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, shared by every process (docs/deployment.md) ---------------------------------
# CACHE_URL (or REDIS_URL): redis://[:password@]host:port/db, rediss://… (TLS) or
# unix:///path/redis.sock?db=N selects Redis, shared by every worker and host; "locmem://"
# or unset is memory inside each process, right for `make run` (one process, no Redis).
# Several processes need Redis: sessions, sign-in and API rate counts and the report cache
# live here, and production refuses to start without it (production.py).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "gt")
SHARED_CACHE_SCHEMES = ("redis", "rediss", "unix")


def cache_from_url(url: str, key_prefix: str) -> dict:
    """Django's CACHES entry for a CACHE_URL (Django's own Redis backend, redis-py; one
    client per pool, core/redis_cache.py)."""
    scheme = url.partition("://")[0].lower() if url else "locmem"
    if scheme in SHARED_CACHE_SCHEMES:
        return {
            # Django's Redis backend, keeping one redis-py client per pool (#19).
            "BACKEND": "goldenthread.core.redis_cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            # A Redis that stops answering fails a request in seconds, not at the worker
            # timeout; every worker keeps a small pool of connections.
            "OPTIONS": {
                "socket_connect_timeout": 2,
                "socket_timeout": 2,
                "health_check_interval": 30,
            },
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"goldenthread-{key_prefix}",
            "KEY_PREFIX": key_prefix,
        }
    raise ValueError(
        f"CACHE_URL must start with redis://, rediss://, unix:// or locmem://, not {scheme}://"
    )


def bench_cache_prefix(database: Mapping[str, Any]) -> str:
    """The bench's cache key space for one database (settings/bench.py):
    "gt-bench-<vendor>-<file or database name>-<hash of engine, host, port and name>". Two
    benches of different databases on one Redis never read each other's sessions or sign-in
    entries, and a bench and its load test's gunicorn (the same DATABASE_URL) share one
    (#19)."""
    engine = str(database.get("ENGINE", ""))
    name = str(database.get("NAME", ""))
    place = "|".join(str(database.get(k) or "") for k in ("ENGINE", "HOST", "PORT", "NAME"))
    digest = hashlib.sha256(place.encode()).hexdigest()[:10]
    vendor = engine.rsplit(".", 1)[-1]
    short = "".join(c if c.isalnum() or c in "._" else "_" for c in os.path.basename(name))
    return f"gt-bench-{vendor}-{short[:40]}-{digest}"


CACHES = {"default": cache_from_url(CACHE_URL, CACHE_KEY_PREFIX)}
CACHE_IS_SHARED = CACHES["default"]["BACKEND"].endswith("RedisCache")

# --- Accounts and sign-in (SEC-1) -----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Length over complexity (NCSC): at least 12 characters, not a common password, not the
# person's name, not one repeated character or a plain run. A long passphrase of words or
# digits is welcome (docs/adr/0004-sign-in-security.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "goldenthread.accounts.passwords.NotGuessableValidator"},
]

GOLDENTHREAD_REQUIRE_2FA = env_bool("GOLDENTHREAD_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Golden Thread"
OTP_TOTP_THROTTLE_FACTOR = 1

# One-time codes an administrator hands over (account set-up, a new authenticator app).
GOLDENTHREAD_SIGN_IN_CODE_LIFETIME = timedelta(days=3)
# Administrators never see authenticator keys or QR codes in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# E-mail codes (accounts.services "E-mail codes"): a code works for 10 minutes and for
# 5 tries; a new one may be sent a minute after the last, and at most 5 in an hour.
OTP_EMAIL_TOKEN_VALIDITY = 600
OTP_EMAIL_COOLDOWN_DURATION = 60
OTP_EMAIL_THROTTLE_FACTOR = 1
OTP_EMAIL_SUBJECT = "Your Golden Thread sign-in code"
OTP_EMAIL_BODY_TEMPLATE_PATH = "accounts/email/sign_in_code.txt"
GOLDENTHREAD_EMAIL_CODE_TRIES = 5
GOLDENTHREAD_EMAIL_CODES_PER_HOUR = 5

# Failed sign-ins (docs/adr/0004-sign-in-security.md): 5 per username from one address, and
# 30 per address across all usernames, in 15 minutes; the same page whether or not the
# account exists. goldenthread.accounts.throttle applies the two limits.
AXES_HANDLER = "goldenthread.accounts.throttle.SignInThrottle"
AXES_FAILURE_LIMIT = 5
GOLDENTHREAD_SIGN_IN_FAILURES_PER_ADDRESS = 30
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "ui/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
# The sign-in records are seen in our admin (accounts/admin.py), never removed there.
AXES_ENABLE_ADMIN = False
# Behind reverse proxies, the client's address is the proxy's unless this says how many
# proxies of ours add to X-Forwarded-For (else every sign-in shares one address). One rule
# for axes, the access log and the invitation throttle: core/client_address.py.
GOLDENTHREAD_PROXY_COUNT = int(os.environ.get("GOLDENTHREAD_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "goldenthread.core.client_address.client_address"

# Sessions end after 60 minutes without activity and 10 hours after sign-in. A form posted
# after that is kept on the server for its author for a while and offered back after they
# sign in again (goldenthread.accounts.middleware).
#
# Where sessions live: with a shared cache, in it and in the database ("cached_db": a page
# reads the session from Redis, a write goes to both, a sign-out deletes both at once for
# every worker); without one, in the database only, so a second process never reads an
# out-of-date copy. The user and their authenticator app behind a session are cached the
# same way (goldenthread.accounts.sign_in_cache; GOLDENTHREAD_SIGN_IN_CACHE).
SESSION_ENGINE = (
    # Django's cached_db, reading the session with its user's entries (accounts/sessions.py).
    "goldenthread.accounts.sessions" if CACHE_IS_SHARED else "django.contrib.sessions.backends.db"
)
GOLDENTHREAD_SIGN_IN_CACHE = env_bool("GOLDENTHREAD_SIGN_IN_CACHE", CACHE_IS_SHARED)
SESSION_IDLE_TIMEOUT = timedelta(minutes=60)
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=10)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
GOLDENTHREAD_FORM_STASH_LIFETIME = timedelta(hours=8)
# Unsaved text typed into a box on a person's record (people.Draft, #16).
GOLDENTHREAD_DRAFT_DAYS = 30
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form whose token no longer matches gets the service's own page, never Django's (A11Y-1).
CSRF_FAILURE_VIEW = "goldenthread.core.views.csrf_failure"
# Messages ("Jean Macdonald has been added") stay in the session, never in a cookie: no
# name travels in a cookie, and the privacy notice's list of cookies stays true.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security headers (SEC-8) ---------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Dates typed day first ("31 3 2027", "31 March 2027") as well as a date box's value, for
# every date question: goldenthread/config/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["goldenthread.config.formats"]

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Product settings -------------------------------------------------------
# Pictures, sound and video on a person's About me page (#12, Std 4.3): kept outside the
# web root (no address of their own), served only by a permission-checked view: a private
# folder, or a private S3-compatible bucket when GOLDENTHREAD_PERSON_MEDIA_S3_BUCKET is set
# (media_storage.py). Any other Django storage backend may be named here.
GOLDENTHREAD_PERSON_MEDIA_STORAGE = person_media_storage(os.environ, VAR_DIR)
# Where a person sees who looked at or wrote in their record, staff of these roles are
# named by their team instead ("Someone from Northfield Community Care Team"): the
# council's policy, as role names separated by commas (for example "panel_member,
# commissioner"); empty names everyone (#12, P-3).
GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES = [
    role.strip()
    for role in os.environ.get("GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES", "").split(",")
    if role.strip()
]
GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES = int(
    os.environ.get("GOLDENTHREAD_PERSON_MEDIA_MAX_BYTES", str(20 * 1024 * 1024))
)
# About me's pictures in the plan's PDF (#12): each at most this size, at most this many.
GOLDENTHREAD_PLAN_PDF_PICTURE_MAX_BYTES = int(
    os.environ.get("GOLDENTHREAD_PLAN_PDF_PICTURE_MAX_BYTES", str(5 * 1024 * 1024))
)
GOLDENTHREAD_PLAN_PDF_MAX_PICTURES = int(os.environ.get("GOLDENTHREAD_PLAN_PDF_MAX_PICTURES", "12"))
GOLDENTHREAD_PERSON_MEDIA_MAX_VIDEO_SECONDS = int(
    os.environ.get("GOLDENTHREAD_PERSON_MEDIA_MAX_VIDEO_SECONDS", "300")
)
# The longest sound recording About me takes (#12): its length is read from the file (M4A,
# WAV, WebM here; MP3, Ogg, FLAC by mutagen); a WebM, MP3, Ogg or FLAC one that cannot be read
# is refused.
GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS = int(
    os.environ.get("GOLDENTHREAD_PERSON_MEDIA_MAX_AUDIO_SECONDS", "300")
)
GOLDENTHREAD_DISCLOSURE_THRESHOLD = 5
# Standard 8.10: the most days a person should wait for a decision panel.
GOLDENTHREAD_PANEL_MAX_WAIT_DAYS = 28
# Reports (AGG-2, docs/adr/0015): no count from 1 to threshold-1 is shown or exported.
GOLDENTHREAD_REPORTS_THRESHOLD = int(os.environ.get("GOLDENTHREAD_REPORTS_THRESHOLD", "5"))
# The council's Source sending location code, given by Public Health Scotland: the first
# field of the national SDS return (goldenthread extract-source, #14). Empty: not set.
GOLDENTHREAD_SENDING_LOCATION = os.environ.get("GOLDENTHREAD_SENDING_LOCATION", "")


# Protection across tables and periods (reports/linked.py, ADRs 0015 and 0038): the report
# tables (keys, comma-separated, or "all") whose group of linked tables is protected
# together across every table and period offered, so that no count from 1 to threshold-1
# can be worked out by comparing tables, filters or periods (AGG-2). On for every table by
# default (ADR 0038): their figures are then worked out only by `refresh-reports` and the
# background worker, never alone in a request. "none" turns it off, and with it the
# property across tables (each table is still protected on its own): only for a
# deployment that cannot give the refresh its time and memory (a council: about 11 GB and
# an hour; docs/benchmarks.md, lead33).
def _protect_across(value: str) -> frozenset[str]:
    keys = frozenset(key.strip() for key in value.split(",") if key.strip())
    return frozenset() if keys == {"none"} else keys


GOLDENTHREAD_REPORTS_PROTECT_ACROSS = _protect_across(
    os.environ.get("GOLDENTHREAD_REPORTS_PROTECT_ACROSS", "all")
)
# Each report table's protected counts are kept this long (Django's default cache), so
# a page or CSV is one cache read per table; a change shows within this time.
GOLDENTHREAD_REPORTS_CACHE_SECONDS = int(
    os.environ.get("GOLDENTHREAD_REPORTS_CACHE_SECONDS", "600")
)
# A report table whose cube has more cells than this (every team, area, age group, main
# reason for support, row and column) is never computed in a request: the page says its
# figures are being worked out, and the background worker computes them (reports/tasks.py,
# #14). At the nation's 2,500 teams each table has 0.28-18 million cells and took from half
# a minute to a quarter of an hour; at a council's 125 teams the largest have 0.25-0.9
# million (docs/benchmarks.md).
GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS = int(
    os.environ.get("GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS", "250000")
)
# A report table's stored cube whose JSON is larger than this many bytes is kept
# compressed (#14): PostgreSQL stores no jsonb value over 256 MB, and a nation's review
# progress for a rolling year is larger. Pages read their selection's slice either way.
GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES = int(
    os.environ.get("GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES", str(16 * 1024 * 1024))
)
# How many report tables `refresh-reports` (and the background worker's refresh of a
# period) computes at once, each in a process of its own when more than one (#14, OPS-3).
# At the nation's size each of the largest tables takes minutes of CPU and up to 4.5 GB:
# set it to the cores the refresh may use, memory allowing. 1: in the process itself.
GOLDENTHREAD_REPORTS_REFRESH_JOBS = int(os.environ.get("GOLDENTHREAD_REPORTS_REFRESH_JOBS", "1"))
if GOLDENTHREAD_REPORTS_REFRESH_JOBS < 1:
    raise ImproperlyConfigured(
        "GOLDENTHREAD_REPORTS_REFRESH_JOBS must be a whole number, 1 or more "
        f"(it is {GOLDENTHREAD_REPORTS_REFRESH_JOBS})"
    )
# Reviews: the default time from agreeing a plan (or a review) to the next review. The
# worklist reads each person's due date stored with it: after changing this, run
# `goldenthread refresh-review-due` (#19).
GOLDENTHREAD_REVIEW_INTERVAL_DAYS = 182
# A CHI number already recorded for someone the worker may not see goes to their team
# leader as a "possible duplicate" (people/services.py). After this many in the window,
# the worker cannot save any CHI number until the window has passed: no probing (#11).
GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT = 5
GOLDENTHREAD_POSSIBLE_DUPLICATE_WINDOW = timedelta(hours=24)
# The largest file `goldenthread import-oruk` reads (megabytes); --max-size overrides it.
GOLDENTHREAD_DIRECTORY_IMPORT_MAX_MB = 50
# SEC-3 break-glass: how long a worker who stated a reason may see a record they have no
# relationship to.
GOLDENTHREAD_BREAK_GLASS_HOURS = 4
# Whether `flush` may empty the append-only audit tables (the test suite, a local demo);
# never in production (docs/adr/0002-audit.md).
GOLDENTHREAD_AUDIT_FLUSH_ALLOWED = False

# --- The API (IO-1) and FHIR (IO-2) ---------------------------------------------
# Calls a minute for each API token (and each signed-in user's own session calls); more
# answer 429 with Retry-After. Counted in this cache (Django's CACHES: Redis when CACHE_URL
# is set, as production requires; else memory in each process, right for one process).
GOLDENTHREAD_API_RATE_PER_MINUTE = int(os.environ.get("GOLDENTHREAD_API_RATE_PER_MINUTE", "120"))
GOLDENTHREAD_API_RATE_CACHE = os.environ.get("GOLDENTHREAD_API_RATE_CACHE", "default")
# The longest an API token may last.
GOLDENTHREAD_API_TOKEN_MAX_DAYS = 366
# The largest FHIR Bundle `goldenthread import-fhir` reads (megabytes).
GOLDENTHREAD_FHIR_IMPORT_MAX_MB = 10

# --- Operations (OPS-4..8): docs/how-to/read-only-mode.md, backup-and-restore.md ---------
# Read-only while we do maintenance: this, or the flag file `goldenthread read-only on` writes.
GOLDENTHREAD_READ_ONLY = env_bool("GOLDENTHREAD_READ_ONLY", False)
GOLDENTHREAD_READ_ONLY_FLAG = os.environ.get("GOLDENTHREAD_READ_ONLY_FLAG") or str(
    VAR_DIR / "read-only"
)
# Requests that only change the session, allowed in read-only mode.
GOLDENTHREAD_READ_ONLY_ALLOWED_PATHS = ("/account/sign-in/", "/account/sign-out/")
# How many of each expensive page one process prepares at once; more get 429 at once.
GOLDENTHREAD_CONCURRENCY_BUDGETS = {"support:plan_pdf": 2}

# --- Logging (OPS-8) ---------------------------------------------------------
# Every line names the request it belongs to (core/logging.py); the 500 page shows the same id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "goldenthread.core.logging.RequestIdFilter"},
        "encoded": {"()": "goldenthread.core.logging.EncodedTextFilter"},
        "refusal": {"()": "goldenthread.core.logging.RefusalWithoutTraceback"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "refusal", "encoded"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Privacy notice (core/templates/core/privacy.html) --------------------------
# Who is responsible for the records (the data controller under UK GDPR) and how to reach
# them. Each organisation running the service sets its own; the demo names an organisation
# that does not exist so nobody mistakes it for a real one.
GOLDENTHREAD_DATA_CONTROLLER = {
    "name": os.environ.get(
        "GOLDENTHREAD_CONTROLLER_NAME", "Example Council (a made-up organisation for the demo)"
    ),
    "address": os.environ.get(
        "GOLDENTHREAD_CONTROLLER_ADDRESS", "Council Offices, 1 Example Street, Exampletown"
    ),
    "email": os.environ.get("GOLDENTHREAD_CONTROLLER_EMAIL", "socialwork@example.org"),
    "dpo_email": os.environ.get("GOLDENTHREAD_DPO_EMAIL", "dataprotection@example.org"),
    # Who else may receive records, beyond the service's own users (Article 13(1)(e)).
    "recipients": os.environ.get(
        "GOLDENTHREAD_RECIPIENTS_STATEMENT",
        "Where the law allows or requires it, Example Council may share information with "
        "NHS colleagues in your health and social care partnership, with the organisation "
        "that provides your support, and with the Scottish Government for social care "
        "statistics.",
    ),
    # How long records are kept: the organisation's own retention schedule, in its words.
    "retention": os.environ.get(
        "GOLDENTHREAD_RETENTION_STATEMENT",
        "Example Council keeps social work records for the periods set in its records "
        "retention schedule, and then destroys them.",
    ),
}

# Notifications (ACC-3): links in e-mails start with this address. E-mail goes through
# Django's backend (SMTP settings by the usual EMAIL_* variables); the demo prints to the
# console (dev.py) and the tests keep it in memory.
GOLDENTHREAD_SITE_URL = os.environ.get("GOLDENTHREAD_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "golden-thread@example.org")

# Background jobs (OPS-5, docs/adr/0018 and 0021): django-tasks. TASKS_URL says where the
# queue is: unset (or "database") is the service's own database (django-tasks-db), so the
# embedded SQLite service needs no broker; redis://…, rediss://… or unix://… is RQ on that
# Redis (production's default: production.py). `goldenthread worker` runs the worker the
# queue needs. TASKS_QUEUE names the queue (two services can then share one Redis). Files
# a job writes (exports, backups started from the jobs page) go under GOLDENTHREAD_JOB_FILES.
TASKS_URL = os.environ.get("TASKS_URL", "")
GOLDENTHREAD_TASKS_QUEUE = os.environ.get("TASKS_QUEUE", "default")
# Report tables too large for a request are computed from a queue of their own (#14): at a
# nation's size one period takes a worker 8-15 minutes, and exports, backups and imports
# must not wait behind it. `goldenthread worker` takes both queues (jobs first) unless told
# one (`--queue jobs` or `--queue reports`; docs/how-to/run-the-worker.md).
GOLDENTHREAD_REPORTS_QUEUE = (
    os.environ.get("REPORTS_QUEUE") or f"{GOLDENTHREAD_TASKS_QUEUE}-reports"
)
# RQ stops a job that runs longer than this (the database worker has no limit): it fails
# with that reason and can be tried again.
GOLDENTHREAD_JOB_TIMEOUT_SECONDS = int(os.environ.get("GOLDENTHREAD_JOB_TIMEOUT_SECONDS", "21600"))


def tasks_from_url(
    url: str, queue: str, timeout: int, *, also: tuple[str, ...] = ()
) -> tuple[dict, dict]:
    """TASKS and django-rq's RQ_QUEUES for a TASKS_URL (docs/adr/0021): the queue `queue`,
    and the queues `also` (the reports' queue) beside it."""
    scheme = url.partition("://")[0].lower() if url else "database"
    queues = [queue, *(q for q in also if q != queue)]
    if scheme == "database":
        return {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": queues}}, {}
    if scheme in SHARED_CACHE_SCHEMES:
        redis = {"URL": url, "DEFAULT_TIMEOUT": timeout}
        backend = {"BACKEND": "goldenthread.jobs.rq_backend.RQBackend", "QUEUES": queues}
        # django-tasks-rq reads a task's result through django-rq's "default" connection.
        return {"default": backend}, {**{q: redis for q in queues}, "default": redis}
    raise ValueError(
        f"TASKS_URL must be database, or start with redis://, rediss:// or unix://, not {scheme}://"
    )


TASKS, RQ_QUEUES = tasks_from_url(
    TASKS_URL,
    GOLDENTHREAD_TASKS_QUEUE,
    GOLDENTHREAD_JOB_TIMEOUT_SECONDS,
    also=(GOLDENTHREAD_REPORTS_QUEUE,),
)
GOLDENTHREAD_JOB_FILES = Path(os.environ.get("GOLDENTHREAD_JOB_FILES", VAR_DIR / "jobs"))
# A running job's worker says it is alive every HEARTBEAT seconds (and at each step); a
# running job not heard from for STALE_AFTER seconds had its worker killed: it is marked
# failed, with the reason, and can be tried again (docs/how-to/run-the-worker.md).
GOLDENTHREAD_JOB_HEARTBEAT_SECONDS = 30
GOLDENTHREAD_JOB_STALE_AFTER_SECONDS = int(
    os.environ.get("GOLDENTHREAD_JOB_STALE_AFTER_SECONDS", "600")
)
# With a queue outside the database (RQ), a job is published after its row commits; one
# still waiting after this many seconds with no task in the queue (the process died between
# the two, or Redis lost it) is published again (services.requeue_lost).
GOLDENTHREAD_JOB_REQUEUE_AFTER_SECONDS = int(
    os.environ.get("GOLDENTHREAD_JOB_REQUEUE_AFTER_SECONDS", "60")
)
# A file a job wrote for its starter (an export, a PDF pack) is kept this many days after
# the job finished, then deleted; it holds people's records.
GOLDENTHREAD_JOB_FILE_DAYS = int(os.environ.get("GOLDENTHREAD_JOB_FILE_DAYS", "7"))

# Retention (OPS-7, docs/how-to/retention.md): each record type's period and its source.
# The council sets these from its own records retention schedule; the default below is a
# starting point to check, not advice.
GOLDENTHREAD_RETENTION = {
    "person-record": {
        "years": int(os.environ.get("GOLDENTHREAD_RETAIN_PERSON_YEARS", "6")),
        "source": os.environ.get(
            "GOLDENTHREAD_RETAIN_PERSON_SOURCE",
            "default of 6 years after the last allocation ended; set it from the "
            "council's records retention schedule",
        ),
    },
}

# The sign-in records (django-axes: sign-ins and sign-outs, failures, failures counting
# towards a lock, each with an address and a user agent; docs/adr/0004, 0018) are kept this
# many days, then removed by the retention run (operations/sign_in_retention.py). 180 days:
# long enough to look into an attack found late (a password sprayed over weeks, an account
# misused before anyone noticed), short enough to keep addresses no longer than that needs.
# Set it from the council's records retention schedule; a lock in force is never removed.
GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS = int(
    os.environ.get("GOLDENTHREAD_SIGN_IN_RECORDS_KEEP_DAYS", "180")
)
GOLDENTHREAD_SIGN_IN_RECORDS_SOURCE = os.environ.get(
    "GOLDENTHREAD_SIGN_IN_RECORDS_SOURCE",
    "default of 180 days; set it from the council's records retention schedule",
)

# The audit log's own retention (OPS-7, SEC-2; docs/how-to/retention.md, docs/adr/0002):
# access-log and change-history rows written more than `years` ago, and those about a
# person whose record was destroyed more than `destroyed_person_years` ago, may be removed
# by `goldenthread audit-purge --apply`, leaving a checkpoint. The council decides both
# periods from its records retention schedule (its entry for audit trails); the defaults
# are a starting point to check, not advice.
GOLDENTHREAD_AUDIT_RETENTION = {
    "years": int(os.environ.get("GOLDENTHREAD_AUDIT_RETAIN_YEARS", "7")),
    "destroyed_person_years": int(
        os.environ.get("GOLDENTHREAD_AUDIT_RETAIN_DESTROYED_PERSON_YEARS", "1")
    ),
    "source": os.environ.get(
        "GOLDENTHREAD_AUDIT_RETAIN_SOURCE",
        "defaults of 7 years, and 1 year after a person's record was destroyed; set them "
        "from the council's records retention schedule",
    ),
}
# Each purge checkpoint is signed (HMAC-SHA-256) with a key held apart from the database, so
# someone who can write only to the database cannot forge one (audit/signing.py, ADR 0002).
# GOLDENTHREAD_AUDIT_KEY from the secret store (`goldenthread audit-key new` prints one);
# GOLDENTHREAD_AUDIT_OLD_KEYS, comma-separated, oldest first: retired keys, kept to check the
# checkpoints they signed. Without the variable the key file below is read, and the demo
# (`make run`) makes it, mode 0600, the first time a checkpoint is signed; production
# settings never make one.
GOLDENTHREAD_AUDIT_KEY = os.environ.get("GOLDENTHREAD_AUDIT_KEY", "")
GOLDENTHREAD_AUDIT_OLD_KEYS = [
    k.strip() for k in os.environ.get("GOLDENTHREAD_AUDIT_OLD_KEYS", "").split(",") if k.strip()
]
GOLDENTHREAD_AUDIT_KEY_FILE = os.environ.get("GOLDENTHREAD_AUDIT_KEY_FILE") or str(
    VAR_DIR / "audit-key"
)
GOLDENTHREAD_AUDIT_KEY_FILE_CREATE = True
