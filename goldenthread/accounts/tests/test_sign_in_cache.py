"""The signed-in user and authenticator app come from the cache, and any change to either is
seen by the next request (issue #19; accounts/sign_in_cache.py). In one process here, on
the test settings' in-memory cache; goldenthread/config/tests/test_shared_state.py proves
the same across separate processes on Redis."""

from __future__ import annotations

import pytest
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in
from goldenthread.accounts import services, sign_in_cache
from goldenthread.accounts.factories import AdministratorFactory, PractitionerFactory
from goldenthread.accounts.sessions import SessionStore

# Cached entries are only written from rows read outside a transaction, so these tests
# commit their rows (as a server's requests do).
pytestmark = pytest.mark.django_db(transaction=True)

HOME = "/account/notifications/"  # a page any signed-in worker may see
SIGN_IN_TABLES = ('"django_session"', '"otp_totp_totpdevice"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


DJANGO_CACHED_DB = "django.contrib.sessions.backends.cached_db"
ONE_TRIP = "goldenthread.accounts.sessions"  # cached_db read with the user's entries


@pytest.fixture(params=[DJANGO_CACHED_DB, ONE_TRIP])
def cached_sessions(settings, request):
    """Every test below on Django's cached_db and on ours (accounts/sessions.py), which
    reads the session with the user's entries: sign-out and every change seen at once."""
    settings.SESSION_ENGINE = request.param
    settings.GOLDENTHREAD_SIGN_IN_CACHE = True
    sign_in_cache._REMEMBERED.clear()
    yield request.param
    sign_in_cache._REMEMBERED.clear()


def _queries(client: Client, path: str = HOME) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, [q["sql"] for q in captured.captured_queries]


def _user_by_id(sql: list[str], user) -> list[str]:
    ids = (str(user.pk), user.pk.hex)  # PostgreSQL's uuid, SQLite's char(32)
    return [q for q in sql if 'FROM "accounts_user"' in q and any(i in q for i in ids)]


def test_a_page_reads_no_session_user_or_device_row_once_cached(cached_sessions):
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    status, first = _queries(client)
    assert status == 200
    # The first page reads the user and device (sign_in() already put the session in
    # the cache) and fills the cache.
    assert any('"otp_totp_totpdevice"' in q for q in first)
    assert _user_by_id(first, user)
    status, second = _queries(client)
    assert status == 200
    assert not [q for q in second if any(t in q for t in SIGN_IN_TABLES)], second
    assert not _user_by_id(second, user), second
    assert len(first) - len(second) == 2  # the user and the device


def test_without_the_cache_every_page_reads_them(settings):
    settings.GOLDENTHREAD_SIGN_IN_CACHE = False
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    _queries(client)
    status, sql = _queries(client)
    assert status == 200
    assert [q for q in sql if '"otp_totp_totpdevice"' in q]
    assert _user_by_id(sql, user)


def test_a_password_changed_elsewhere_ends_the_session_at_once(cached_sessions):
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert _queries(client)[0] == 200
    user.set_password("a whole new passphrase 4 me")
    user.save()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_leaver_is_signed_out_at_once(cached_sessions):
    admin, user = AdministratorFactory(), PractitionerFactory()
    client = sign_in(Client(), user)
    assert client.get(HOME).status_code == 200
    services.user_leave(actor=admin, user=user, last_day=user.date_joined.date(), reason="Left")
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_deactivated_account_is_refused_even_without_ending_sessions(cached_sessions):
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert client.get(HOME).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(HOME).status_code == 302


def test_a_removed_authenticator_app_needs_the_second_factor_again(cached_sessions):
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert client.get(HOME).status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == reverse("accounts:verify")


def test_ending_sessions_by_update_is_seen_at_once(cached_sessions):
    """_end_sessions raises the generation with QuerySet.update, which sends no signal."""
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert client.get(HOME).status_code == 200
    services._end_sessions(user)
    assert client.get(HOME).status_code == 302


def test_nothing_read_inside_a_transaction_is_shared(cached_sessions):
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    with transaction.atomic():
        assert client.get(HOME).status_code == 200
    assert not [k for k in cache._cache if "signin:user" in k]  # type: ignore[attr-defined]
    assert client.get(HOME).status_code == 200
    assert [k for k in cache._cache if "signin:user" in k]  # type: ignore[attr-defined]


def test_an_entry_written_from_a_read_before_a_change_is_never_read_after_it(cached_sessions):
    """The race: a worker reads the old row, the change commits and forgets, then that
    worker stores what it read. Its entry carries the old generation, which no longer
    matches, so it is never used."""
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert client.get(HOME).status_code == 200
    old_generation = cache.get(sign_in_cache._generation_key(user.pk))
    stored = cache.get(sign_in_cache._user_key(user.pk))
    assert stored[0] == old_generation  # the active user, as read before the change
    user.is_active = False
    user.save(update_fields=["is_active"])
    # The slow worker now stores the active user it read before the change.
    cache.set(sign_in_cache._user_key(user.pk), stored, 60)
    assert client.get(HOME).status_code == 302
    assert cache.get(sign_in_cache._generation_key(user.pk)) != old_generation


def test_the_cache_holds_no_password_hash_or_authenticator_key(cached_sessions):
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert client.get(HOME).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    stored = repr([cache.get(k.split(":", 2)[2]) for k in list(cache._cache)])  # type: ignore[attr-defined]
    assert "signin" in repr(list(cache._cache))  # type: ignore[attr-defined]
    assert user.password not in stored
    assert device.key not in stored


class _CacheSpy:
    """The cache, with the keys of every read recorded."""

    def __init__(self, real):
        self.real = real
        self.reads: list[tuple[str, list[str]]] = []

    def get(self, key, *args, **kwargs):
        self.reads.append(("get", [key]))
        return self.real.get(key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        self.reads.append(("get_many", list(keys)))
        return self.real.get_many(keys, *args, **kwargs)

    def get_or_set(self, key, *args, **kwargs):
        self.reads.append(("get_or_set", [key]))
        return self.real.get_or_set(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_the_user_and_device_come_in_one_cache_call(settings, monkeypatch):
    """#19: a signed-in page's generation, user and authenticator entries are read in one
    round trip to the cache, and still nothing from the database (Django's cached_db: the
    session is a round trip of its own)."""
    settings.SESSION_ENGINE = DJANGO_CACHED_DB
    settings.GOLDENTHREAD_SIGN_IN_CACHE = True
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert _queries(client)[0] == 200  # fills the cache
    spy = _CacheSpy(cache)
    monkeypatch.setattr(sign_in_cache, "cache", spy)
    status, sql = _queries(client)
    assert status == 200
    assert not _user_by_id(sql, user)
    assert not [q for q in sql if '"otp_totp_totpdevice"' in q]
    # One read of all three; no get_or_set of the generation on its own.
    assert [kind for kind, _ in spy.reads] == ["get_many"], spy.reads
    assert [key.split(":")[1] for key in spy.reads[0][1]] == ["gen", "user", "device"]


class _Trips:
    """Every read of the cache behind both the session store and the sign-in cache (the
    same backend object in this thread), recorded with its keys."""

    def __init__(self, monkeypatch):
        self.reads: list[tuple[str, list[str]]] = []
        self.depth = 0  # the in-memory cache's get_many calls its get: one read, not many
        backend = caches[DEFAULT_CACHE_ALIAS]
        for name in ("get", "get_many", "get_or_set"):
            real = getattr(backend, name)
            monkeypatch.setattr(backend, name, self._spy(name, real))

    def _spy(self, name, real):
        def read(key_or_keys, *args, **kwargs):
            if self.depth == 0:
                keys = [key_or_keys] if isinstance(key_or_keys, str) else list(key_or_keys)
                self.reads.append((name, keys))
            self.depth += 1
            try:
                return real(key_or_keys, *args, **kwargs)
            finally:
                self.depth -= 1

        return read


def _kinds(keys: list[str]) -> list[str]:
    return ["session" if "sessions" in k else k.split(":")[1] for k in keys]


def _signed_in_on_one_trip(settings):
    """A practitioner signed in, on accounts/sessions.py with the sign-in cache on, and
    nothing remembered by this process yet."""
    settings.SESSION_ENGINE = ONE_TRIP
    settings.GOLDENTHREAD_SIGN_IN_CACHE = True
    sign_in_cache._REMEMBERED.clear()
    user = PractitionerFactory()
    return sign_in(Client(), user), user


def test_the_session_user_and_device_come_in_one_round_trip(settings, monkeypatch):
    """#19: with accounts/sessions.py, a page of a session this process has served before
    reads the session, the user's generation, the user and the device in ONE call to the
    cache, and nothing of them from the database."""
    client, user = _signed_in_on_one_trip(settings)
    assert _queries(client)[0] == 200  # fills the cache, and this process learns the keys
    trips = _Trips(monkeypatch)
    status, sql = _queries(client)
    assert status == 200
    assert not [q for q in sql if any(t in q for t in SIGN_IN_TABLES)], sql
    assert not _user_by_id(sql, user)
    assert [kind for kind, _ in trips.reads] == ["get_many"], trips.reads
    assert _kinds(trips.reads[0][1]) == ["session", "gen", "user", "device"]


def test_with_django_cached_db_the_same_page_takes_two_round_trips(settings, monkeypatch):
    """The baseline the test above improves on (and so a test that can fail)."""
    settings.SESSION_ENGINE = DJANGO_CACHED_DB
    settings.GOLDENTHREAD_SIGN_IN_CACHE = True
    user = PractitionerFactory()
    client = sign_in(Client(), user)
    assert _queries(client)[0] == 200
    trips = _Trips(monkeypatch)
    assert _queries(client)[0] == 200
    assert [kind for kind, _ in trips.reads] == ["get", "get_many"], trips.reads


def test_a_guess_that_no_longer_fits_the_session_is_not_used(settings, monkeypatch):
    """The keys remembered for a session are only a guess: when the session names another
    device (signed in again with another authenticator app) the entries fetched with it
    are left, and the right ones read."""
    client, user = _signed_in_on_one_trip(settings)
    assert client.get(HOME).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    generation, user_key, _ = sign_in_cache._REMEMBERED[session_key]
    # Another session's device (another user's app) guessed for this session.
    sign_in_cache._REMEMBERED[session_key] = (generation, user_key, "signin:device:x:y")
    trips = _Trips(monkeypatch)
    assert client.get(HOME).status_code == 200
    assert [kind for kind, _ in trips.reads] == ["get_many", "get_many"], trips.reads
    assert _kinds(trips.reads[1][1]) == ["gen", "user", "device"]
    assert sign_in_cache._REMEMBERED[session_key][2] != "signin:device:x:y"  # learnt again


def test_a_remembered_session_signed_out_elsewhere_is_refused(settings):
    """Sign-out deletes the session from the cache and the database; the keys this process
    remembers for it fetch nothing that could stand in for it."""
    client, user = _signed_in_on_one_trip(settings)
    assert client.get(HOME).status_code == 200
    assert client.get(HOME).status_code == 200  # read in one round trip
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key in sign_in_cache._REMEMBERED
    # Signed out by another worker: the session's own store deletes it from both.
    SessionStore(session_key=key).delete()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
