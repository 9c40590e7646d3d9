"""Local demo: `make run`. SQLite under ./var/ unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# The demo may switch the second factor off; production settings refuse to.
GOLDENTHREAD_REQUIRE_2FA = env_bool("GOLDENTHREAD_REQUIRE_2FA", False)
# A local demo database may be emptied with `goldenthread flush`, audit tables included.
GOLDENTHREAD_AUDIT_FLUSH_ALLOWED = True
