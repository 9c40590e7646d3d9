"""The production gunicorn worker shares new connections between workers (#19).

gunicorn's own threaded worker takes every connection that reaches it; several arriving at
once mostly go to the worker that wakes first and stay with it while kept alive, so one
worker (one core, the GIL) did most of the work while the other idled. Ours takes a new
connection only while it has a thread free (goldenthread/config/gunicorn_worker.py)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from goldenthread.config import gunicorn_worker
from goldenthread.core.testing import stop_process

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path: Path, workers: int, threads: int):
    port = _free_port()
    ready = tmp_path / "ready"
    ready.mkdir()
    env = {
        **os.environ,
        "SLOW_WSGI_READY_DIR": str(ready),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    server = subprocess.Popen(  # noqa: S603 - gunicorn, arguments from this file
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            f"{gunicorn_worker.__name__}.BalancedThreadWorker",
            "--config",
            "python:goldenthread.config.tests.slow_wsgi",
            "--log-level",
            "warning",
            "goldenthread.config.tests.slow_wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(list(ready.iterdir())) < workers:
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise AssertionError(f"gunicorn did not start: {server.stderr.read().decode()}")
        time.sleep(0.05)
    time.sleep(0.3)  # from its set-up hook to listening
    return server, port


def test_connections_arriving_at_once_are_shared_between_the_workers_and_kept_with_them(tmp_path):
    server, port = _serve(tmp_path, workers=2, threads=2)
    try:
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(4)]
        for c in connections:
            c.connect()

        def get(c: http.client.HTTPConnection) -> tuple[str, float]:
            started = time.monotonic()
            c.request("GET", "/")
            answer = c.getresponse()
            return answer.read().decode(), time.monotonic() - started

        with ThreadPoolExecutor(4) as pool:
            first = list(pool.map(get, connections))
            # The same connections again (kept alive): each stays with its worker.
            second = list(pool.map(get, connections))
        for c in connections:
            c.close()
    finally:
        stop_process(server, timeout=20)
    served_by = Counter(pid for pid, _ in first)
    # Two workers of two threads: two connections each, every request served at once (a
    # request queued behind another in its worker would take four seconds).
    assert sorted(served_by.values()) == [2, 2], served_by
    assert max(seconds for _, seconds in first) < 3.5, first
    assert [pid for pid, _ in second] == [pid for pid, _ in first]
    assert max(seconds for _, seconds in second) < 3.5, second


def test_a_worker_that_has_loaded_the_app_keeps_it_out_of_the_garbage_collectors_full_walks():
    import gc
    import runpy

    conf = runpy.run_path(str(ROOT / "goldenthread/config/gunicorn_conf.py"))
    before = gc.get_freeze_count()
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_a_worker_freezes_what_its_first_pages_keep_after_its_1st_10th_and_100th_request():
    import gc
    import runpy

    conf = runpy.run_path(str(ROOT / "goldenthread/config/gunicorn_conf.py"))
    kept = []
    try:
        counts = []
        for served in range(1, 101):
            kept.append([served])  # something made by a request and still in use
            before = gc.get_freeze_count()
            conf["post_request"](None, None, {}, None)
            counts.append((served, gc.get_freeze_count() > before))
        frozen_after = [served for served, froze in counts if froze]
        assert frozen_after == [1, 10, 100]
    finally:
        gc.unfreeze()
