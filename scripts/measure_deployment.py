"""Pages per second of the audited person page under each server set-up (docs/deployment.md).

Uses the bench's own load client (goldenthread.nonprod.bench.concurrency: a second process,
16 threads, keep-alive) against gunicorn started with goldenthread/config/gunicorn_conf.py
and the bench settings, on a database made by `goldenthread synth`. Each set-up is run
--rounds times, interleaved, and the best and median are printed with the ratio to the
first set-up (the bench's own: 3 sync workers, a new database connection per request).

    DATABASE_URL=... .venv/bin/python scripts/measure_deployment.py --seconds 10 --rounds 2
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings.bench")

SETUPS = {
    "sync x3, CONN_MAX_AGE=0": (
        {"CONN_MAX_AGE": "0", "GUNICORN_WORKER_CLASS": "sync", "WEB_CONCURRENCY": "3"}
    ),
    "sync x3, CONN_MAX_AGE=60": (
        {"CONN_MAX_AGE": "60", "GUNICORN_WORKER_CLASS": "sync", "WEB_CONCURRENCY": "3"}
    ),
    "gthread 2x4, CONN_MAX_AGE=0": {"CONN_MAX_AGE": "0"},
    "gthread 2x4, CONN_MAX_AGE=60, no sign-in cache": {
        "CONN_MAX_AGE": "60",
        "GOLDENTHREAD_SIGN_IN_CACHE": "false",
    },
    "gthread 2x4, CONN_MAX_AGE=60 (the config)": {"CONN_MAX_AGE": "60"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_and_load(extra_env: dict, cookie: str, paths: list[str], seconds: float) -> dict:
    from goldenthread.nonprod.bench import concurrency

    port = _free_port()
    env = {**os.environ, **extra_env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    env.setdefault("WEB_CONCURRENCY", "2")
    env["GUNICORN_LOG_LEVEL"] = "warning"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "goldenthread/config/gunicorn_conf.py"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        probe.request("GET", paths[0], headers={"Cookie": cookie, "Host": "127.0.0.1"})
        answer = probe.getresponse()
        answer.read()
        if answer.status != 200:
            raise SystemExit(f"{paths[0]} answered {answer.status} {answer.getheader('Location')}")
        concurrency._load(port, cookie, paths[:5], 2, 4)  # warm up every worker
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        client = ctx.Process(
            target=concurrency._load_in_child, args=(port, cookie, paths, seconds, 16, queue)
        )
        client.start()
        result = queue.get(timeout=seconds + 120)
        client.join()
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from goldenthread.accounts.models import Role
    from goldenthread.people.models import Allocation, Person

    allocation = (
        Allocation.objects.filter(end_date__isnull=True, worker__role=Role.PRACTITIONER)
        .select_related("worker")
        .order_by("id")
        .first()
    )
    worker = allocation.worker
    device = TOTPDevice.objects.filter(user=worker, confirmed=True).first() or (
        TOTPDevice.objects.create(user=worker, name="bench", confirmed=True)
    )
    session = SessionStore()
    session["_auth_user_id"] = str(worker.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = worker.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    paths = [
        reverse("people:detail", args=[pk])
        for pk in Person.objects.visible_to(worker).values_list("pk", flat=True)[:50]
    ]
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    connection.close()

    rates: dict[str, list[float]] = {name: [] for name in SETUPS}
    errors: dict[str, int] = dict.fromkeys(SETUPS, 0)
    for _ in range(args.rounds):
        for name, extra in SETUPS.items():
            result = _serve_and_load(extra, cookie, paths, args.seconds)
            rates[name].append(result["pages_per_second"])
            errors[name] += result["errors"]
            print(f"  {name}: {result['pages_per_second']:.0f} pages/s", flush=True)
    base = statistics.median(rates[next(iter(SETUPS))])
    print(
        f"{connection.vendor}, {os.cpu_count()} cores, {args.rounds} rounds of {args.seconds:.0f} s"
    )
    for name, values in rates.items():
        median = statistics.median(values)
        print(
            f"| {name} | {median:.0f} | {max(values):.0f} | {median / base:.2f}× | {errors[name]} |"
        )


if __name__ == "__main__":
    main()
