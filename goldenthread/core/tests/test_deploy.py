"""Deployment settings and the demo server (#11, SEC-8, OPS-1, OPS-8).

- `check --deploy` fails on ALLOWED_HOSTS "*" or empty, and on "__Host-" cookies that
  browsers would drop; production names its cookies "__Host-...".
- `make run` serves the demo with DEBUG off: the service's own 404 and 500 pages (never
  Django's debug pages, which list every URL or dump settings and password hashes), with
  the static files still served.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from goldenthread.core.checks import check_allowed_hosts, check_host_prefixed_cookies
from goldenthread.core.testing import stop_process

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "Q7-x" * 10,
    "ALLOWED_HOSTS": "goldenthread.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/15",  # production refuses a per-process cache
}


def ids(errors) -> list[str]:
    return [e.id for e in errors]


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        (["*"], ["goldenthread.E002"]),
        (["goldenthread.example.org", "*"], ["goldenthread.E002"]),
        ([], ["goldenthread.E001"]),
        (["goldenthread.example.org"], []),
        ([".example.org"], []),  # a domain and its subdomains: deliberate, allowed
    ],
)
def test_allowed_hosts_check(hosts, expected):
    with override_settings(ALLOWED_HOSTS=hosts):
        assert ids(check_allowed_hosts(None)) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, []),
        ({"SESSION_COOKIE_NAME": "sessionid"}, ["goldenthread.E003"]),
        ({"SESSION_COOKIE_SECURE": False}, ["goldenthread.E004"]),
        ({"CSRF_COOKIE_PATH": "/people/"}, ["goldenthread.E004"]),
        ({"CSRF_COOKIE_DOMAIN": "example.org"}, ["goldenthread.E004"]),
    ],
)
def test_host_prefixed_cookie_check(overrides, expected):
    good = {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
    }
    with override_settings(**{**good, **overrides}):
        assert ids(check_host_prefixed_cookies(None)) == expected


def _run(args, env_extra, settings_module="goldenthread.config.settings.production"):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, **env_extra}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_production_refuses_allowed_hosts_star():
    result = _run(["-m", "django", "check", "--deploy"], {**PRODUCTION_ENV, "ALLOWED_HOSTS": "*"})
    assert result.returncode != 0
    assert "goldenthread.E002" in result.stderr


def test_production_cookies_are_host_prefixed_secure_and_site_wide():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN)"
    )
    result = _run(["-c", script], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "/",
        "/",
        "None",
        "None",
    ]


def test_production_sets_a_host_prefixed_cookie_the_browser_accepts(client):
    """A browser takes a "__Host-" cookie only with Secure and Path=/ and no Domain."""
    with override_settings(
        CSRF_COOKIE_NAME="__Host-csrftoken",
        CSRF_COOKIE_SECURE=True,
        SESSION_COOKIE_NAME="__Host-sessionid",
        SESSION_COOKIE_SECURE=True,
    ):
        response = client.get("/account/sign-in/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


# --- the demo server, as `make run` starts it ------------------------------------------------


def make_run_command(port: int) -> tuple[list[str], dict[str, str]]:
    """The command and environment of the Makefile's `run` target that serves the demo,
    with this checkout's code (not an installed copy) and the given port."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    serve = [line.strip() for line in recipe.splitlines() if "runserver" in line]
    assert len(serve) == 1, "the run target starts the server once"
    settings_module = re.search(r"DJANGO_SETTINGS_MODULE \?= (\S+)", makefile).group(1)
    env = {"DJANGO_SETTINGS_MODULE": settings_module}
    args = []
    for token in shlex.split(serve[0]):
        if not args and re.fullmatch(r"[A-Z_]+=.*", token):
            key, value = token.split("=", 1)
            env[key] = value
        elif token == "$(BIN)/goldenthread":
            args += [sys.executable, "-m", "goldenthread.cli"]
        else:
            args.append(token.replace("$(PORT)", str(port)))
    return args, env


def test_make_run_serves_with_debug_off():
    args, env = make_run_command(8000)
    assert "--insecure" not in args
    assert env.get("DEBUG", "false").lower() in {"false", "0", "no", "off"}
    assert env["DJANGO_SETTINGS_MODULE"] == "goldenthread.config.settings.dev"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_server(tmp_path):
    """The demo server exactly as `make run` starts it, on an empty database of its own
    (no tables: a request that needs the database fails, which shows the 500 page)."""
    port = _free_port()
    args, env = make_run_command(port)
    full_env = {
        **os.environ,
        **env,
        "GOLDENTHREAD_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE",):
        full_env.pop(name, None)
    log = (tmp_path / "server.log").open("w+")
    process = subprocess.Popen(  # noqa: S603
        [*args, "--noreload"],
        env=full_env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"the demo server did not start:\n{log.read()}")
                time.sleep(0.2)
        yield base, log
    finally:
        stop_process(process)
        log.close()


def _fetch(opener, url, data=None):
    try:
        response = opener.open(url, data=data, timeout=20)
    except urllib.error.HTTPError as error:
        response = error
    return response.status, dict(response.headers), response.read().decode()


def test_demo_server_shows_our_404_and_500_pages_and_serves_static_files(demo_server):
    base, log = demo_server
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    status, headers, body = _fetch(opener, f"{base}/static/ui/css/app.css")
    assert status == 200 and "text/css" in headers["Content-Type"]

    status, headers, body = _fetch(opener, f"{base}/no-such-page/")
    assert status == 404
    assert "Page not found" in body and "ds_page-header" in body
    for leak in ("URLconf", "urlpatterns", "people/<uuid", "admin/", "DEBUG = True"):
        assert leak not in body, leak

    # Signing in needs the database, which has no tables: the service fails.
    status, _, form = _fetch(opener, f"{base}/account/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "pat", "password": "demo-golden-thread"}
    ).encode()
    status, headers, body = _fetch(opener, f"{base}/account/sign-in/", data=data)
    reference = headers["X-Request-ID"]
    assert status == 500
    assert "Sorry, there is a problem with the service" in body
    assert f'<strong id="error-reference">{reference}</strong>' in body
    for leak in (
        "Traceback",
        "OperationalError",
        "no such table",
        "SECRET_KEY",
        "PASSWORD_HASHERS",
        "demo-golden-thread",
        "settings.dev",
    ):
        assert leak not in body, leak
    # The error and its reference are in the server's log for whoever investigates.
    time.sleep(0.2)
    log.seek(0)
    logged = log.read()
    assert re.search(rf"ERROR django.request request_id={reference} Internal Server Error", logged)
    assert "no such table" in logged
