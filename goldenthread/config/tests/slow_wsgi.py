"""A WSGI app for test_gunicorn_worker.py: each request takes two seconds, then answers with
the id of the worker process that served it."""

from __future__ import annotations

import os
import time


def application(environ, start_response):
    time.sleep(2.0)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def post_worker_init(worker) -> None:
    """gunicorn's hook, after a worker is set up and before it listens: tell the test."""
    ready = os.environ["SLOW_WSGI_READY_DIR"]
    with open(os.path.join(ready, str(os.getpid())), "w"):
        pass
