"""Concurrent version-checked writers (lost updates and lock errors) and throughput of
audited record pages served as in production (gunicorn) under load from another process."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import runpy
import selectors
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

from goldenthread.nonprod.bench.stats import Timings


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


class _Conn:
    """One keep-alive connection of the lean load client: its socket, the request in
    flight (path, when it was sent) and the bytes of the answer received so far."""

    __slots__ = ("sock", "n", "path", "sent", "buf", "need", "head", "status")

    def __init__(self, n: int) -> None:
        self.sock: socket.socket | None = None
        self.n = n
        self.path = ""
        self.sent = 0.0
        self.buf = bytearray()
        self.need = -1  # total bytes of the answer (headers and body) once known
        self.head = b""
        self.status = 0


def _request_bytes(path: str, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nAccept: text/html\r\n\r\n"
    ).encode("latin-1")


def _header(head: bytes, name: bytes) -> bytes:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return b""


def _keeps_alive(head: bytes) -> bool:
    """Whether the server keeps the connection open after this answer (RFC 9112, 9.3)."""
    connection = _header(head, b"connection").lower()
    if head.startswith(b"HTTP/1.0"):
        return connection == b"keep-alive"
    return connection != b"close"


def _chunked_end(buf: bytearray, start: int) -> int:
    """The end of a chunked body starting at `start`, or -1 while it is incomplete."""
    at = start
    while True:
        line_end = buf.find(b"\r\n", at)
        if line_end < 0:
            return -1
        size = int(bytes(buf[at:line_end]).split(b";")[0] or b"0", 16)
        if size == 0:
            end = buf.find(b"\r\n\r\n", line_end)
            return -1 if end < 0 else end + 4
        at = line_end + 2 + size + 2
        if at > len(buf):
            return -1


def _load(port: int, cookie: str, paths: list[str], seconds: float, threads: int) -> dict:
    """Keep `threads` requests in flight for `seconds` on as many keep-alive connections,
    from ONE thread (a selector loop, each request's bytes built once): the load client
    shares the server's cores, so what it spends is taken from the pages (#19: the
    http.client client with 16 threads took about a third of the CPU it measured). The
    first failed request is kept with its status and body, or its exception."""
    requests = [_request_bytes(path, cookie) for path in paths]
    selector = selectors.DefaultSelector()
    ok, errors, latencies = 0, 0, []
    first_error: dict = {}
    cpu_started, started = time.process_time(), time.perf_counter()
    stop = started + seconds

    def note_error(conn: _Conn, **what) -> None:
        nonlocal errors
        errors += 1
        if not first_error:
            first_error.update(
                path=conn.path, after_seconds=round(time.perf_counter() - conn.sent, 3), **what
            )

    def close(conn: _Conn) -> None:
        if conn.sock is not None:
            selector.unregister(conn.sock)
            conn.sock.close()
            conn.sock = None

    def send_next(conn: _Conn) -> bool:
        """Send the connection's next request (connecting first if need be)."""
        index = conn.n % len(paths)
        conn.n += threads
        conn.path, conn.sent = paths[index], time.perf_counter()
        conn.buf.clear()
        conn.need, conn.head, conn.status = -1, b"", 0
        try:
            if conn.sock is None:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.setblocking(False)
                conn.sock = sock
                selector.register(sock, selectors.EVENT_READ, conn)
            conn.sock.sendall(requests[index])
        except OSError as error:
            note_error(conn, exception=repr(error))
            close(conn)
            return False
        return True

    def received(conn: _Conn) -> bool:
        """Whether the answer is complete (then counted)."""
        buf = conn.buf
        if conn.need < 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return False
            conn.head = head = bytes(buf[:end])
            conn.status = int(head.split(b" ", 2)[1])
            length = _header(head, b"content-length")
            if length:
                conn.need = end + 4 + int(length)
            elif _header(head, b"transfer-encoding").lower() == b"chunked":
                body_end = _chunked_end(buf, end + 4)
                if body_end < 0:
                    return False
                conn.need = body_end
            else:
                return False  # read until the server closes
        return len(buf) >= conn.need

    def finish(conn: _Conn, *, closed: bool = False) -> None:
        nonlocal ok
        now = time.perf_counter()
        if conn.status == 200:
            ok += 1
            latencies.append(now - conn.sent)
        else:
            end = conn.buf.find(b"\r\n\r\n")
            note_error(
                conn,
                status=conn.status,
                location=_header(conn.head, b"location").decode(errors="replace"),
                body=bytes(conn.buf[end + 4 : end + 304]).decode(errors="replace"),
            )
        if closed or not _keeps_alive(conn.head):
            close(conn)

    conns = [_Conn(i) for i in range(threads)]
    for conn in conns:
        send_next(conn)
    while True:
        now = time.perf_counter()
        if now >= stop:
            break
        for conn in conns:
            if conn.sock is None:
                if send_next(conn) is False and time.perf_counter() < stop:
                    time.sleep(0.01)  # nothing listening: do not spin
            elif now - conn.sent > 30:
                note_error(conn, exception="TimeoutError('no answer in 30 s')")
                close(conn)
        for key, _ in selector.select(timeout=min(1.0, max(0.0, stop - now))):
            conn = key.data
            try:
                data = conn.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError as error:
                note_error(conn, exception=repr(error))
                close(conn)
                continue
            if not data:  # closed by the server
                if conn.head and conn.need <= 0:
                    finish(conn, closed=True)
                else:
                    note_error(conn, exception="ConnectionError('closed before an answer')")
                    close(conn)
                continue
            conn.buf += data
            if received(conn):
                finish(conn)
                if time.perf_counter() < stop:
                    send_next(conn)
    elapsed = time.perf_counter() - started
    for conn in conns:
        close(conn)
    selector.close()
    times = Timings(latencies)
    return {
        "ok": ok,
        "errors": errors,
        "first_error": first_error,
        "seconds": elapsed,
        "pages_per_second": ok / elapsed,
        "p50_ms": times.p50,
        "p95_ms": times.p95,
        "client_cpu_seconds": time.process_time() - cpu_started,
    }


def _load_threads(port: int, cookie: str, paths: list[str], seconds: float, threads: int) -> dict:
    """The load client as it was before #19's tput19 work: `threads` Python threads, each
    with an http.client connection (kept to compare the two clients' cost)."""
    ok, errors, stop = [0], [0], time.perf_counter() + seconds
    lock = threading.Lock()
    first_error: dict = {}
    latencies: list[float] = []

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
                with lock:
                    if response.status == 200:
                        ok[0] += 1
                        latencies.append(time.perf_counter() - sent)
                    else:
                        errors[0] += 1
                        first_error.setdefault("status", response.status)
                        first_error.setdefault("body", body[:300].decode(errors="replace"))
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors[0] += 1
                    first_error.setdefault("exception", repr(error))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    cpu_started, started = time.process_time(), time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    times = Timings(latencies)
    return {
        "ok": ok[0],
        "errors": errors[0],
        "first_error": first_error,
        "seconds": elapsed,
        "pages_per_second": ok[0] / elapsed,
        "p50_ms": times.p50,
        "p95_ms": times.p95,
        "client_cpu_seconds": time.process_time() - cpu_started,
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


def browser_cookies(port: int, cookie: str, path: str) -> str:
    """`cookie` with the cookies the server sets on a first answer to `path` (the CSRF
    cookie), as a browser would send them on: without it every page under load would make
    and set a new CSRF secret, which no browser's second page does (#19)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        given = [
            value.split(";", 1)[0].strip()
            for name, value in response.getheaders()
            if name.lower() == "set-cookie"
        ]
    finally:
        conn.close()
    kept = {c.split("=", 1)[0]: c for c in cookie.split("; ") if c}
    kept.update({c.split("=", 1)[0]: c for c in given if "=" in c})
    return "; ".join(kept.values())


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


CLIENTS = {"lean": _load, "threads": _load_threads}


def _load_in_child(port, cookie, paths, seconds, threads, queue, client="lean") -> None:
    queue.put(CLIENTS[client](port, cookie, paths, seconds, threads))


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int, *, reaped: bool = False) -> float:
    """CPU seconds (user + system) a process has used, from /proc (0 if it is gone);
    with `reaped`, also that of its children it has waited for (a worker gunicorn replaced)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
    except OSError:
        return 0.0
    # After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICKS


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return found


def server_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of gunicorn's master (with the workers it has reaped) and of each live
    worker, by process id."""
    cpu = {pid: _proc_cpu(pid, reaped=True)}
    for child in _children(pid):
        cpu[child] = _proc_cpu(child)
    return cpu


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after.values()) - sum(v for k, v in before.items() if k in after)


def workers_cpu(before: dict[int, float], after: dict[int, float], master: int) -> list[float]:
    """Each live worker's CPU seconds between `before` and `after` (`server_cpu`), busiest
    first; a worker started in between counts from its start. A worker runs Python on one
    core at a time (the GIL), so one holding most of the kept-alive connections caps the
    pages a second while the other waits for work (#19)."""
    return sorted(
        (cpu - before.get(pid, 0.0) for pid, cpu in after.items() if pid != master),
        reverse=True,
    )


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every process, other sessions' too)."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return float("nan")
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / _TICKS


def _database_pids() -> list[int]:
    """PostgreSQL: the server processes serving this database (on this machine), which
    the pages' CPU does not include. Empty on SQLite (it runs inside the workers)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def signed_in_load(worker) -> tuple[str, list[str]]:
    """For loading the server as `worker`: their session cookie, signed in with their
    confirmed second factor (`pages.signed_in_client`), and the addresses of up to 50
    person pages they may open."""
    from django.conf import settings
    from django.urls import reverse

    from goldenthread.people.models import Person

    from .pages import signed_in_client

    session = signed_in_client(worker).session
    paths = [
        reverse("people:detail", args=[pk])
        for pk in Person.objects.visible_to(worker).values_list("pk", flat=True)[:50]
    ]
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}", paths


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


def throughput(
    *,
    cookie: str,
    paths: list[str],
    seconds: float = 15,
    threads: int = 8,
    client: str = "lean",
    env: dict | None = None,
    conf: Path | None = None,
) -> dict:
    """Serve with gunicorn started as production starts it (`-c gunicorn_conf.py`: its
    workers, worker class, threads and keep-alive, each changeable by the same environment
    variables, `env` added to the bench's) and load it from a second process: `threads`
    requests in flight on keep-alive connections (the lean one-thread client, or
    `client="threads"`, the http.client one). Only the address and the log level are the
    bench's own (GUNICORN_BIND, GUNICORN_LOG_LEVEL: settings the file reads).

    Besides pages/s: the latency of each page under that load (p50, p95), and the CPU per
    page of the server (gunicorn's processes), of the load client, of the database's own
    processes (PostgreSQL on this machine) and of the whole machine (#19: every process
    shares the same cores). `conf`: another gunicorn settings file (e.g. one that
    profiles the workers), instead of gunicorn_conf.py."""
    port = _free_port()
    package_root = str(gunicorn_conf_path().parents[2])  # this checkout's code, not another
    env = {
        **os.environ,
        **(env or {}),
        "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings.bench",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "PYTHONPATH": os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    values = _conf_values(env)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(conf or gunicorn_conf_path()),
    ]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - read and closed below
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, arguments from this file)
        command,
        env=env,
        cwd=package_root,  # a worktree's own code, whatever the caller's directory
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
        cookie = browser_cookies(port, cookie, paths[0])
        warm_up = _load(port, cookie, paths, 2, threads)  # every worker thread's connection
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        loader = ctx.Process(
            target=_load_in_child, args=(port, cookie, paths, seconds, threads, queue, client)
        )
        database = _database_pids()
        database_before = {pid: _proc_cpu(pid) for pid in database}
        server_before, machine_before = server_cpu(server.pid), machine_busy_seconds()
        loader.start()
        result = queue.get(timeout=seconds + 120)
        server_after, machine_after = server_cpu(server.pid), machine_busy_seconds()
        database_after = {pid: _proc_cpu(pid) for pid in {*database, *_database_pids()}}
        loader.join()
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
    pages = max(result["ok"], 1)
    result["server_cpu_ms"] = _cpu_used(server_before, server_after) / pages * 1000
    result["client_cpu_ms"] = result["client_cpu_seconds"] / pages * 1000
    result["database_cpu_ms"] = (
        _cpu_used(database_before, database_after) / pages * 1000 if database else None
    )
    result["machine_cpu_ms"] = (machine_after - machine_before) / pages * 1000
    result["worker_cpu_seconds"] = workers_cpu(server_before, server_after, server.pid)
    result["server"] = (
        f"gunicorn -c gunicorn_conf.py: {values['workers']} "
        f"{str(values['worker_class']).rpartition('.')[2]} workers"
        f" × {values['threads']} threads, keep-alive {values['keepalive']} s,"
        " bench settings (DEBUG off)"
    )
    result["client"] = (
        f"second process, {threads} requests in flight, keep-alive, {seconds:.0f} s, "
        + ("one thread" if client == "lean" else f"{threads} http.client threads")
    )
    result["started_in"] = started_in
    result["warm_up_errors"] = warm_up["errors"]
    return result
