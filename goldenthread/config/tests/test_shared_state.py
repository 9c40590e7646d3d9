"""Several app processes behind one database and one Redis (issue #19, parts 1 and 4).

Two gunicorn servers, each its own process, started with the production-like bench
settings and goldenthread/config/gunicorn_conf.py, share the test database and a Redis at
127.0.0.1:6379 (database 15, a key prefix of this run's own). A person signs in through
one; whatever ends their session -- signing out through the other, the session running
out, a password change, leaving, removing their authenticator app, each made by a third
process -- is refused by both servers on the very next request, although both had the
session, the user and the device cached.

Needs Redis: skipped without it on a developer's machine, a failure in CI.
"""

from __future__ import annotations

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.factories import DEMO_PASSWORD, AdministratorFactory, PractitionerFactory
from goldenthread.core.testing import redis_or_skip

REDIS_URL = os.environ.get("GT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
HOME = "/account/notifications/"  # a page any signed-in worker may see
SIGN_IN = "/account/sign-in/"
VERIFY = "/account/sign-in/security-code/"
SIGN_OUT = "/account/sign-out/"

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """The test database, as a URL another process can open (committed rows only)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    # SQLite: the test database may be in this process's memory; copy it to a file.
    connection.ensure_connection()
    path = tmp_path / "shared.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


class Browser:
    """Cookies and the CSRF token, as a browser keeps them, over plain http.client."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data: dict | None = None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers.get("Location", "")
        finally:
            conn.close()

    def get(self, port: int, path: str = HOME):
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict | None = None):
        return self.request(port, "POST", path, data or {})


@pytest.fixture
def shared(tmp_path):
    """Two servers, and a way to run code in a third process, on one database and Redis."""
    redis_or_skip(REDIS_URL, "the several-process tests")
    admin = AdministratorFactory(username="shared-admin")
    users = {
        name: PractitionerFactory(username=f"shared-{name}")
        for name in ("signout", "expiry", "password", "leaver", "device")
    }
    # The servers run the production password hashers, not the test settings' fast MD5:
    # store the password as they would (fewer rounds: this is a test).
    for user in users.values():
        user.password = PBKDF2PasswordHasher().encode(DEMO_PASSWORD, "sharedstate", 1000)
        user.save(update_fields=["password"])
    devices = {
        name: TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        for name, user in users.items()
    }
    prefix = f"gt-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.bench",
        "DATABASE_URL": _database_url(tmp_path),
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "GOLDENTHREAD_VAR_DIR": str(tmp_path / "var"),
        "CONN_MAX_AGE": "60",
        "GUNICORN_LOG_LEVEL": "warning",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ports, servers = [], []
    try:
        for _ in range(2):
            port = _free_port()
            servers.append(
                subprocess.Popen(  # noqa: S603 - our own gunicorn and config
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        str(Path(settings.BASE_DIR) / "goldenthread/config/gunicorn_conf.py"),
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],
                    env=env,
                    cwd=settings.BASE_DIR,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            ports.append(port)
        for port, server in zip(ports, servers, strict=True):
            _wait_until_ready(port, server)

        def elsewhere(code: str) -> None:
            """Run `code` in a third process (Django set up; `User` and `services` there)."""
            script = (
                "import django; django.setup()\n"
                "from goldenthread.accounts.models import User\n"
                "from goldenthread.accounts import services\n"
                "from django_otp.plugins.otp_totp.models import TOTPDevice\n" + code
            )
            result = subprocess.run(  # noqa: S603
                [sys.executable, "-c", script],
                env=env,
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
            assert result.returncode == 0, result.stderr

        yield {
            "a": ports[0],
            "b": ports[1],
            "admin": admin,
            "users": users,
            "devices": devices,
            "elsewhere": elsewhere,
            "prefix": prefix,
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        _forget_keys(prefix)


def _forget_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def _keys(prefix: str, part: str) -> list[bytes]:
    import redis

    return list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}:*{part}*"))


def _wait_until_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode() if server.stderr else "")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the server on port {port} did not start")


def _sign_in(shared, name: str, port: int) -> Browser:
    """The real two steps through one server: password, then the app's code."""
    user, device = shared["users"][name], shared["devices"][name]
    browser = Browser()
    assert browser.get(port, SIGN_IN)[0] == 200
    status, location = browser.post(
        port, SIGN_IN, {"username": user.username, "password": DEMO_PASSWORD}
    )
    assert (status, location) == (302, VERIFY), (status, location)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    status, location = browser.post(port, VERIFY, {"token": code})
    assert status == 302 and not location.startswith(SIGN_IN), (status, location)
    return browser


def _both_serve(shared, browser: Browser) -> None:
    for server in ("a", "b"):
        for _ in range(2):  # the second request is served from the cache
            assert browser.get(shared[server]) == (200, ""), server


def _both_refuse(shared, browser: Browser, to: str = SIGN_IN) -> None:
    for server in ("a", "b"):
        status, location = browser.get(shared[server])
        assert status == 302 and location.startswith(to), (server, status, location)


def test_every_way_a_session_ends_reaches_every_server_at_once(shared):
    """One pair of servers for every case (starting them is the slow part)."""
    # 1. Signing out through one server, with the session cached by both.
    browser = _sign_in(shared, "signout", shared["a"])
    _both_serve(shared, browser)
    assert _keys(shared["prefix"], "sessions.cache")
    assert _keys(shared["prefix"], "signin:user")
    assert _keys(shared["prefix"], "signin:device")
    kept = dict(browser.cookies)
    assert browser.post(shared["b"], SIGN_OUT)[0] == 302
    browser.cookies = kept  # someone kept a copy of the cookie: it must not work anywhere
    _both_refuse(shared, browser)

    # 2. The session runs out: last used 11 hours ago (the absolute lifetime is 10 hours),
    # found by one server; the other refuses it too.
    browser = _sign_in(shared, "expiry", shared["b"])
    _both_serve(shared, browser)
    key = browser.cookies["sessionid"]
    shared["elsewhere"](
        "from django.contrib.sessions.backends.cached_db import SessionStore\n"
        f"s = SessionStore(session_key={key!r}); s.load()\n"
        "s['gt_signed_in_at'] = s['gt_signed_in_at'] - 11 * 3600\n"
        "s['gt_last_seen_at'] = s['gt_signed_in_at']\n"
        "s.save()\n"
    )
    status, location = browser.get(shared["b"], HOME)
    assert status == 302 and location.startswith(SIGN_IN)
    browser.cookies = dict(browser.cookies, sessionid=key)
    _both_refuse(shared, browser)

    # 3. A password changed in another process (Django's own way: set_password, save).
    browser = _sign_in(shared, "password", shared["a"])
    _both_serve(shared, browser)
    user = shared["users"]["password"]
    shared["elsewhere"](
        f"u = User.objects.get(pk={str(user.pk)!r})\n"
        "u.set_password('a quite different passphrase 42')\n"
        "u.save()\n"
    )
    _both_refuse(shared, browser)

    # 4. A leaver, recorded by an administrator.
    browser = _sign_in(shared, "leaver", shared["b"])
    _both_serve(shared, browser)
    user, admin = shared["users"]["leaver"], shared["admin"]
    shared["elsewhere"](
        "import datetime\n"
        f"admin = User.objects.get(pk={str(admin.pk)!r})\n"
        f"u = User.objects.get(pk={str(user.pk)!r})\n"
        "services.user_leave(actor=admin, user=u, last_day=datetime.date.today(),"
        " reason='Moved to another council')\n"
    )
    _both_refuse(shared, browser)

    # 5. The authenticator app removed: signed in, but the second factor is needed again.
    browser = _sign_in(shared, "device", shared["a"])
    _both_serve(shared, browser)
    user = shared["users"]["device"]
    shared["elsewhere"](f"TOTPDevice.objects.filter(user_id={str(user.pk)!r}).delete()\n")
    _both_refuse(shared, browser, to=VERIFY)
