"""gunicorn settings for Golden Thread (docs/deployment.md; issue #19).

    gunicorn -c goldenthread/config/gunicorn_conf.py goldenthread.config.wsgi:application

Every value can be changed by an environment variable, and gunicorn's own command-line
flags win over this file. The work is CPU-bound Python (templates, the ORM) with short
waits on the database (each audited read commits its access-log row), so:

- one worker process per CPU core (WEB_CONCURRENCY), not 2n+1: more processes than cores
  only share the same CPU and keep more database connections;
- a few threads per worker (gthread) to fill the waits on the database and the network and
  to hold keep-alive connections: the sync worker closes every connection after one
  request, so each page would pay a new TCP (and, behind TLS to the app, a handshake);
- gthread as `gunicorn_worker.BalancedThreadWorker`, which takes a new connection only
  while it has a thread free: gunicorn's own lets the first worker to wake take most of
  the connections arriving together, and keep them, so one core did most of the work;
- keep-alive a little longer than the load balancer's idle timeout, so the balancer, not
  gunicorn, closes idle connections (no request lost on a connection closed under it);
- a worker that takes longer than `timeout` seconds on one request is restarted; workers
  are also replaced after about `max_requests` requests, staggered, to bound any growth.

Database connections: each thread keeps one (CONN_MAX_AGE), so one host holds up to
workers × threads; hosts × workers × threads must fit PostgreSQL's max_connections, or go
through PgBouncer (then CONN_MAX_AGE=0).
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


wsgi_app = "goldenthread.config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", _cores())
worker_class = os.environ.get(
    "GUNICORN_WORKER_CLASS", "goldenthread.config.gunicorn_worker.BalancedThreadWorker"
)
threads = _int("GUNICORN_THREADS", 4)
keepalive = _int("GUNICORN_KEEPALIVE", 75)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Connections waiting for a worker; beyond this the kernel refuses them.
backlog = _int("GUNICORN_BACKLOG", 2048)
# Temporary files in memory, not on a possibly slow disk (the heartbeat of each worker).
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented choice for its heartbeat files
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    _SHM if os.path.isdir(_SHM) else None
)
# The app's own logs (JSON, with the request id) say what happened; gunicorn's access log
# is off unless asked for ("-" for stdout): it would repeat every address, person ids included.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a reverse proxy on another address, list it in FORWARDED_ALLOW_IPS (gunicorn reads
# it) so X-Forwarded-Proto is believed from it alone; also set GOLDENTHREAD_PROXY_COUNT.
# gunicorn's control socket (gunicornc) defaults to one path per user, which a second
# instance on the host would take over: off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "gunicorn.ctl"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")


def post_worker_init(worker) -> None:
    """Once a worker has loaded the app: its modules, settings, models and URL patterns live
    as long as the worker, so the garbage collector is told to leave them out of its full
    collections (`gc.freeze`). Each full collection walked them all: at the nation's size
    about one report page in six took 100 ms more than the rest for it, and 50 ms more with
    them frozen (docs/benchmarks.md, 2026-12-05). Nothing made by a request is frozen."""
    import gc

    gc.freeze()


# After which of a worker's requests what is left is frozen too (`post_request`).
FREEZE_AFTER = frozenset({1, 10, 100, 1000})
_served = {"count": 0}


def post_request(worker, req, environ, resp) -> None:
    """After a worker's 1st, 10th, 100th and 1000th request (its response sent): what the
    first pages loaded and keep (compiled templates, URL resolvers, prepared statements,
    translations) is left out of the full collections too, as `post_worker_init` leaves the
    app. A full collection (`gc.collect`) goes first, so what is frozen is what is still in
    use: at worst a request in flight in another thread at that moment, which is then freed
    as usual by its reference counts, only its reference cycles kept. Measured at the
    nation's size: with the app alone frozen, report pages' worst was 124 ms; frozen after
    the first page as well, 46 ms (docs/benchmarks.md, 2026-12-05)."""
    import gc

    _served["count"] += 1  # one thread at a time holds the GIL; a miscount costs nothing
    if _served["count"] in FREEZE_AFTER:
        gc.collect()
        gc.freeze()
