"""Concurrent version-checked writers (lost updates and lock errors) and throughput of
audited record pages served as in production (gunicorn) under load from another process."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import OperationalError, connections


@dataclass
class WriterResult:
    successes: int = 0
    retries: int = 0
    lock_errors: int = 0


def _writer(target_pk, updates: int, queue) -> None:
    # Imported here, not at the top: the load client below runs in a spawned process
    # that imports this module without Django set up (it only makes HTTP requests).
    from goldenthread.core.concurrency import StaleEditError, save_versioned
    from goldenthread.people.models import CircleMember

    connections.close_all()
    result = WriterResult()
    while result.successes < updates:
        try:
            member = CircleMember.objects.get(pk=target_pk)
            member.notes = str(int(member.notes or 0) + 1)
            save_versioned(member, expected_version=member.version, fields=["notes"])
            result.successes += 1
        except StaleEditError:
            result.retries += 1
        except OperationalError:
            result.lock_errors += 1
    connections.close_all()
    queue.put((result.successes, result.retries, result.lock_errors))


def concurrent_writers(target_pk, writers: int = 4, updates: int = 200) -> dict:
    from goldenthread.people.models import CircleMember  # see _writer

    """`writers` processes each make `updates` version-checked increments of one record."""
    CircleMember.objects.filter(pk=target_pk).update(notes="0")
    start_version = CircleMember.objects.get(pk=target_pk).version
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    started = time.perf_counter()
    processes = [
        ctx.Process(target=_writer, args=(target_pk, updates, queue)) for _ in range(writers)
    ]
    for p in processes:
        p.start()
    results = [queue.get(timeout=600) for _ in processes]
    for p in processes:
        p.join()
    elapsed = time.perf_counter() - started
    member = CircleMember.objects.get(pk=target_pk)
    successes = sum(r[0] for r in results)
    return {
        "writers": writers,
        "updates_each": updates,
        "seconds": elapsed,
        "successful_updates": successes,
        "stale_retries": sum(r[1] for r in results),
        "lock_errors": sum(r[2] for r in results),
        "final_value": int(member.notes),
        "lost_updates": successes - int(member.notes),
        "version_increase": member.version - start_version,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(port: int, cookie: str, paths: list[str], seconds: float, threads: int) -> dict:
    ok, errors, stop = [0], [0], time.perf_counter() + seconds
    lock = threading.Lock()
    first_error: dict = {}

    def note_error(path: str, sent: float, **what) -> None:
        """Count one failed request; keep what the first one was (#19: a run of only
        errors must say why)."""
        with lock:
            errors[0] += 1
            if not first_error:
                first_error.update(
                    path=path, after_seconds=round(time.perf_counter() - sent, 3), **what
                )

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = index
        while time.perf_counter() < stop:
            path = paths[n % len(paths)]
            n += threads
            sent = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                body = response.read()
                if response.status == 200:
                    with lock:
                        ok[0] += 1
                else:
                    note_error(
                        path,
                        sent,
                        status=response.status,
                        location=response.getheader("Location") or "",
                        body=body[:300].decode(errors="replace"),
                    )
            except (OSError, http.client.HTTPException) as error:
                note_error(path, sent, exception=repr(error))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "ok": ok[0],
        "errors": errors[0],
        "first_error": first_error,
        "seconds": elapsed,
        "pages_per_second": ok[0] / elapsed,
    }


def _get_once(port: int, cookie: str, path: str, timeout: float) -> dict:
    """One GET: its status and the start of its body, or the exception it raised."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        return {"status": response.status, "body": body[:300].decode(errors="replace")}
    except (OSError, http.client.HTTPException) as error:
        return {"exception": repr(error)}
    finally:
        conn.close()


def wait_until_serving(port: int, cookie: str, path: str, deadline: float = 120) -> float:
    """Seconds until the server answers `path` with 200. gunicorn's master listens before
    its workers have loaded the application, so an open port is not a server that answers:
    on a busy machine the workers' start can outlast a short load test, which then counts
    only errors (#19). Raises, saying what the last answer was, if none is 200 in time."""
    started = time.perf_counter()
    last: dict = {}
    while time.perf_counter() - started < deadline:
        last = _get_once(port, cookie, path, timeout=max(1.0, deadline / 4))
        if last.get("status") == 200:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise RuntimeError(f"The server did not answer {path} with 200 in {deadline:.0f} s: {last}")


def _load_in_child(port, cookie, paths, seconds, threads, queue) -> None:
    queue.put(_load(port, cookie, paths, seconds, threads))


def gunicorn_conf_path() -> Path:
    """The production gunicorn settings (docs/deployment.md)."""
    import goldenthread.config

    return Path(goldenthread.config.__file__).resolve().parent / "gunicorn_conf.py"


def _conf_values(env: dict) -> dict:
    """What gunicorn_conf.py sets under `env`, read the way gunicorn reads it (the file run
    as a script), for the report."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return runpy.run_path(str(gunicorn_conf_path()))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def throughput(*, cookie: str, paths: list[str], seconds: float = 15, threads: int = 16) -> dict:
    """Serve with gunicorn started as production starts it (`-c gunicorn_conf.py`: its
    workers, worker class, threads and keep-alive, each changeable by the same environment
    variables) and load it from a second process. Only the address and the log level are
    the bench's own (GUNICORN_BIND, GUNICORN_LOG_LEVEL: settings the file reads)."""
    port = _free_port()
    package_root = str(gunicorn_conf_path().parents[2])  # this checkout's code, not another
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.bench",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "PYTHONPATH": os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    conf = _conf_values(env)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(gunicorn_conf_path()),
    ]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - read and closed below
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, arguments from this file)
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    not_serving = ""
    try:
        try:
            started_in = wait_until_serving(port, cookie, paths[0])
        except RuntimeError as error:
            not_serving = str(error)
            raise
        warm_up = _load(port, cookie, paths[:5], 2, 4)  # warm up both workers' threads
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        client = ctx.Process(
            target=_load_in_child, args=(port, cookie, paths, seconds, threads, queue)
        )
        client.start()
        result = queue.get(timeout=seconds + 120)
        client.join()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.seek(0)
        server_log = log.read().decode(errors="replace")[-2000:]
        log.close()
        if not_serving:
            # The start failed: say why, with gunicorn's own words, instead of a rate of 0.
            raise RuntimeError(f"{not_serving}\ngunicorn's log (the end):\n{server_log}")
    result["server_log"] = server_log
    result["server"] = (
        f"gunicorn -c gunicorn_conf.py: {conf['workers']} {conf['worker_class']} workers"
        f" × {conf['threads']} threads, keep-alive {conf['keepalive']} s,"
        " bench settings (DEBUG off)"
    )
    result["client"] = f"second process, {threads} threads, keep-alive, {seconds:.0f} s"
    result["started_in"] = started_in
    result["warm_up_errors"] = warm_up["errors"]
    return result
