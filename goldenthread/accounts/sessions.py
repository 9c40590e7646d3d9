"""Sessions kept in the shared cache and the database (Django's "cached_db"), read in the
same round trip to the cache as the signed-in user and device (issue #19; the SESSION_ENGINE
when CACHE_URL names Redis, docs/adr/0019-shared-cache-and-sessions.md).

Django's cached_db reads the session with one call to the cache, and the sign-in cache
(accounts/sign_in_cache.py) then reads the user's generation, the user and the device with
a second: two round trips on every page, each a few hundred microseconds of CPU between
the worker, Redis and the kernel. The user and the device are named inside the session,
so they cannot be asked for before it is read, except by remembering, in this process,
which keys a session's user and device are under (`sign_in_cache.remember_keys`): then the
session and those three entries come back from one `get_many`, as they are at one moment.

What is remembered is only a guess of which keys to fetch, never a value: the session's
own data (read in the same call) still says who is signed in, and the sign-in cache uses
the entries fetched with it only if they are the keys that session names now, under the
generation fetched with them. A wrong or stale guess costs the second round trip, as before.
Nothing is kept that must be shared between workers: sign-out, expiry and any change to the
user or device are seen at once in every worker, as with Django's own backend.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches

from . import sign_in_cache


class SessionStore(CachedDBStore):
    # Django's own prefix: a deployment that switches engines keeps its signed-in sessions.
    cache_key_prefix = CachedDBStore.cache_key_prefix

    def load(self) -> dict[str, Any]:
        cache = caches[settings.SESSION_CACHE_ALIAS]  # Django's store keeps it as _cache
        guessed = sign_in_cache.remembered_keys(self.session_key, cache)
        if not guessed:
            return super().load()
        key = self.cache_key
        try:
            found = cache.get_many([key, *guessed])
        except Exception:  # noqa: BLE001 - as Django's load: an unreadable key is no session
            found = {}
        data = found.pop(key, None)
        if data is None:
            return super().load()  # not in the cache: Django's way (the database)
        sign_in_cache.prefetched(self, guessed, found)
        return data
