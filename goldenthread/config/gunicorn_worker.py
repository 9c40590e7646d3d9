"""gunicorn's threaded worker, taking new connections only while it has a thread free (#19).

gunicorn's `gthread` worker accepts every connection that reaches it while it holds fewer
than `worker_connections` (1,000) of them. When several arrive at once, the worker that
wakes first takes most of them, and kept alive they stay with it: measured with 8
connections on 2 workers × 4 threads, one worker served 6 or 7 of them while the other
waited for work. A worker runs Python on one core at a time (the GIL), so a worker holding
most of the connections caps the pages a second at one core's worth while the other core
idles (docs/benchmarks.md, 2026-12-05).

This worker stops listening for new connections while every thread it has is serving a
request, and listens again when one is done, so a new connection waits in the kernel's
queue for a worker that can serve it at once, as gunicorn's `sync` worker does. Connections
kept alive between requests do not count: an idle browser never stops a worker taking new
work. Everything else (keep-alive, timeouts, graceful stop) is gunicorn's own.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.serving = 0  # requests handed to the thread pool and not yet finished

    def enqueue_req(self, conn) -> None:
        self.serving += 1
        if self.serving >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        self.serving -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled) -> None:
        # gunicorn's run loop turns accepting back on whenever it holds fewer connections
        # than its limit; not while every thread is serving (all on the main thread).
        super().set_accept_enabled(enabled and self.serving < self.cfg.threads)
