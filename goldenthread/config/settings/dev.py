"""Local demo: `make run`. SQLite under ./var/ unless DATABASE_URL says otherwise.

DEBUG stays off, as in production: Django's debug pages show settings, stack frames and
every URL, which a demo shared with others must never do. The service's own 404 and 500
pages are shown instead, and WhiteNoise serves the static files straight from the apps
(WHITENOISE_USE_FINDERS in base.py), so no collectstatic step and no `--insecure`.
A developer who wants the debug pages on their own machine sets DEBUG=true.
"""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)
# The demo may switch the second factor off; production settings refuse to.
GOLDENTHREAD_REQUIRE_2FA = env_bool("GOLDENTHREAD_REQUIRE_2FA", False)
# A local demo database may be emptied with `goldenthread flush`, audit tables included.
GOLDENTHREAD_AUDIT_FLUSH_ALLOWED = True
# Notification e-mails (ACC-3) are printed, not sent, in the demo.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
