"""The signed-in user and their authenticator app, read from the shared cache instead of
the database on every page (issue #19; docs/adr/0019-shared-cache-and-sessions.md).

Django looks up the session's user, and django-otp the session's device, with a query each
on every request. With GOLDENTHREAD_SIGN_IN_CACHE on (the default when CACHE_URL names
Redis), both come from the cache, and a change to either reaches every worker at once:

- Each user has a *generation*: a random token in the cache. Each entry is stored under the
  user's id with the generation read before the database was read inside it, and is used
  only while that is still the user's generation. Any save or delete of the user or one of
  their devices deletes the generation (at once, and again when the transaction commits),
  so every worker's next request misses and reads the database. An entry written by a
  request that read the database before that commit carries the old generation, which no
  longer matches: no stale entry can win a race. The generation, the user's entry and the
  session's device entry are read in one call to the cache (#19).
- Only rows read outside a transaction are stored, so nothing uncommitted (and perhaps
  rolled back) is ever shared.
- The password hash and the authenticator key are never put in the cache: the user entry
  holds the other fields and Django's session hash (an HMAC under SECRET_KEY); the device
  entry holds its id, owner, name and whether it is confirmed. Anything else is read from
  the database if some code asks for it (deferred fields).
- If the session's hash does not match the cached one, the request goes Django's own way
  (fallback keys, flushing the session), reading the database.

Writes that bypass save() (QuerySet.update) must call `forget(user_id)` themselves, as
accounts.services._end_sessions does.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.backends import ModelBackend
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY

log = logging.getLogger(__name__)

# How long a generation and an entry live. A missing generation is simply a new one, so
# these bound memory, not correctness; the entry's lifetime also bounds how long a change
# made by some path that forgot to call `forget` could go unseen.
GENERATION_SECONDS = 24 * 3600
ENTRY_SECONDS = 120
DEVICE_FIELDS = ("id", "user_id", "name", "confirmed")
NO_DEVICE = "none"
_REQUEST_ATTR = "_gt_sign_in_generation"
_DEVICE_ATTR = "_gt_sign_in_device_entry"
_ABSENT = object()


def enabled() -> bool:
    return bool(getattr(settings, "GOLDENTHREAD_SIGN_IN_CACHE", False))


def _generation_key(user_id: Any) -> str:
    return f"signin:gen:{user_id}"


def _user_fields() -> list[str]:
    """Every stored field of the user but the password hash."""
    return [f.attname for f in get_user_model()._meta.concrete_fields if f.attname != "password"]


def _schema() -> str:
    """A different set of fields (a new release) never reads an older release's entries."""
    return hashlib.sha256(",".join(_user_fields()).encode()).hexdigest()[:10]


def _user_key(user_id: Any) -> str:
    return f"signin:user:{_schema()}:{user_id}"


def _device_key(user_id: Any, persistent_id: str) -> str:
    return f"signin:device:{user_id}:{persistent_id}"


def _current(stored: Any, generation: str) -> Any:
    """What an entry holds if it was written under `generation`, else None."""
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == generation:
        return stored[1]
    return None


def forget(user_id: Any) -> None:
    """A user or one of their devices changed: every worker reads them afresh. Done even
    where this process does not read from the cache (a command run with the cache off must
    still reach the servers that have it on)."""
    if user_id is None:
        return
    key = _generation_key(user_id)
    cache.delete(key)
    # Again once the change is visible to other connections: a worker that read the old
    # row meanwhile stored it under a generation that this removes.
    transaction.on_commit(lambda: _delete_after_commit(key), robust=True)


def _delete_after_commit(key: str) -> None:
    cache.delete(key)


# --- The session read with its user's entries (accounts/sessions.py, #19) -----------------

# Session key -> the cache keys its user's generation, user and device entries were read
# under: a guess of what to fetch with the session, never a value (see accounts/sessions.py).
_REMEMBERED: dict[str, tuple[str, ...]] = {}
REMEMBER_AT_MOST = 20_000  # sessions; then forgotten all at once (a few MB at most)
_PREFETCHED_ATTR = "_gt_sign_in_prefetched"


def remembered_keys(session_key: str | None, session_cache: Any) -> tuple[str, ...]:
    """The keys to read with this session, if its user's were read here before and the
    session lives in the same cache as the entries."""
    if not session_key or not enabled() or session_cache is not caches[DEFAULT_CACHE_ALIAS]:
        return ()
    return _REMEMBERED.get(session_key, ())


def prefetched(store: Any, keys: tuple[str, ...], found: dict[str, Any]) -> None:
    """What the session store read with the session under `keys` (absent keys: no entry)."""
    setattr(store, _PREFETCHED_ATTR, (keys, found))


def _prefetched(session: Any, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """The entries read with the session, if they were these keys (used once)."""
    stored = getattr(session, _PREFETCHED_ATTR, None)
    if stored is None:
        return None
    delattr(session, _PREFETCHED_ATTR)
    return stored[1] if stored[0] == keys else None


def _remember(session_key: str | None, keys: tuple[str, ...]) -> None:
    if not session_key or _REMEMBERED.get(session_key) == keys:
        return
    if len(_REMEMBERED) >= REMEMBER_AT_MOST:
        _REMEMBERED.clear()
    _REMEMBERED[session_key] = keys


def _generation(request: HttpRequest, user_id: Any, found: Any = None) -> str:
    """The user's generation: remembered for the request, or `found` (read with the
    entries), or read from the cache, or a new one if there is none."""
    memo = getattr(request, _REQUEST_ATTR, None)
    if memo is not None and memo[0] == user_id:
        return memo[1]
    if found is None:
        found = cache.get_or_set(
            _generation_key(user_id), lambda: secrets.token_hex(8), GENERATION_SECONDS
        )
    generation = str(found)
    setattr(request, _REQUEST_ATTR, (user_id, generation))
    return generation


def _outside_transaction() -> bool:
    return not connections[router.db_for_read(get_user_model())].in_atomic_block


def _cacheable_backend(backend_path: str) -> bool:
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return False
    return type(load_backend(backend_path)).get_user is ModelBackend.get_user


def get_user(request: HttpRequest):
    """`django.contrib.auth.get_user`, served from the cache when the session's user and
    hash match an entry; otherwise Django's own lookup, whose result is then stored."""
    if not enabled():
        return django_get_user(request)
    session = request.session
    raw_id, backend_path = session.get(SESSION_KEY), session.get(BACKEND_SESSION_KEY)
    if raw_id is None or backend_path is None or not _cacheable_backend(backend_path):
        return django_get_user(request)
    User = get_user_model()
    try:
        user_id = User._meta.pk.to_python(raw_id)
    except Exception:  # noqa: BLE001 - Django's own lookup gives the same answer: nobody
        return django_get_user(request)
    # The generation, the user's entry and the session's device entry (as get_device would
    # read it a moment later) in one round trip to the cache, not three (#19); or in the
    # same round trip as the session itself (accounts/sessions.py), when this process has
    # seen the session before and guessed these keys.
    generation_key, key = _generation_key(user_id), _user_key(user_id)
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device_key = (
        _device_key(user_id, persistent_id)
        if isinstance(persistent_id, str) and persistent_id
        else None
    )
    keys = (generation_key, key, *([device_key] if device_key else []))
    found = _prefetched(session, keys)
    if found is None:
        found = cache.get_many(keys)
    _remember(session.session_key, keys)
    generation = _generation(request, user_id, found.get(generation_key))
    entry = _current(found.get(key), generation)
    if device_key is not None:
        device_entry = _current(found.get(device_key), generation)
        setattr(
            request,
            _DEVICE_ATTR,
            (user_id, generation, persistent_id, _ABSENT if device_entry is None else device_entry),
        )
    session_hash = session.get(HASH_SESSION_KEY)
    if entry is not None and session_hash and constant_time_compare(session_hash, entry["hash"]):
        return User.from_db(router.db_for_read(User), _user_fields(), entry["values"])
    user = django_get_user(request)
    if (
        user.is_authenticated
        and user.pk == user_id
        and user.is_active
        and _outside_transaction()
        and session.get(HASH_SESSION_KEY)
    ):
        values = tuple(getattr(user, name) for name in _user_fields())
        entry = {"values": values, "hash": user.get_session_auth_hash()}
        cache.set(key, (generation, entry), ENTRY_SECONDS)
    return user


def get_device(request: HttpRequest, user, persistent_id: str):
    """django-otp's `Device.from_persistent_id`, served from the cache. The device comes
    back with only its id, owner, name and confirmation loaded (never its key)."""
    from django_otp.models import Device

    if not enabled():
        return Device.from_persistent_id(persistent_id)
    generation = _generation(request, user.pk)
    key = _device_key(user.pk, persistent_id)
    fetched = getattr(request, _DEVICE_ATTR, None)
    if fetched is not None and fetched[:3] == (user.pk, generation, persistent_id):
        entry = None if fetched[3] is _ABSENT else fetched[3]
    else:
        entry = _current(cache.get(key), generation)
    if entry == NO_DEVICE:
        return None
    if entry is not None:
        label, values = entry
        model = apps.get_model(label)
        return model.from_db(router.db_for_read(model), list(DEVICE_FIELDS), values)
    device = Device.from_persistent_id(persistent_id)
    if _outside_transaction():
        if device is None:
            cache.set(key, (generation, NO_DEVICE), ENTRY_SECONDS)
        elif all(hasattr(device, name) for name in DEVICE_FIELDS):
            values = tuple(getattr(device, name) for name in DEVICE_FIELDS)
            cache.set(key, (generation, (device._meta.label_lower, values)), ENTRY_SECONDS)
    return device


# --- Keeping entries current ------------------------------------------------------------


def _user_changed(sender, instance, **kwargs) -> None:
    forget(instance.pk)


def _device_changed(sender, instance, **kwargs) -> None:
    forget(getattr(instance, "user_id", None))


def connect() -> None:
    """Called from AccountsConfig.ready: every save or delete of a user or of any kind of
    django-otp device forgets that user's entries."""
    from django.db.models.signals import post_delete, post_save
    from django_otp.models import Device

    User = get_user_model()
    post_save.connect(_user_changed, sender=User, dispatch_uid="signin-cache-user-save")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="signin-cache-user-delete")
    for model in apps.get_models():
        if issubclass(model, Device):
            uid = f"signin-cache-{model._meta.label_lower}"
            post_save.connect(_device_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_device_changed, sender=model, dispatch_uid=f"{uid}-delete")
