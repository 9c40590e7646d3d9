"""The bench's load test says why requests failed, and waits for a server that answers
(#19: a run on SQLite reported "0 pages/s, 16 errors" and nothing else)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from goldenthread.nonprod.bench import concurrency


@contextmanager
def serving(answers: list[int]) -> Iterator[int]:
    """A local server answering each GET with the next status in `answers` (the last one
    for ever after), the status in its body; yields its port."""
    remaining = list(answers)

    class Handler(_Quiet):
        def do_GET(self) -> None:
            status = remaining.pop(0) if len(remaining) > 1 else remaining[0]
            self.send_response(status)
            self.send_sized(f"answered {status} for {self.path}".encode())

    with _running(Handler) as port:
        yield port


class _Quiet(BaseHTTPRequestHandler):
    def send_sized(self, body: bytes) -> None:
        """The headers' end and `body`, with its length."""
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Quiet when the load client goes away as its time is up (a broken pipe or a
        reset, printed with a traceback otherwise); anything else as usual."""
        error = sys.exc_info()[1]
        if not isinstance(error, (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextmanager
def _running(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """A threaded local server with this handler; yields its port."""
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_the_first_failed_request_is_kept_with_its_status_and_body():
    with serving([500]) as port:
        result = concurrency._load(port, "sessionid=x", ["/people/1/"], 0.2, 2)
    assert result["ok"] == 0
    assert result["errors"] >= 2
    first = result["first_error"]
    assert first["status"] == 500
    assert first["body"] == "answered 500 for /people/1/"
    assert first["path"] == "/people/1/"
    assert first["after_seconds"] >= 0


def test_a_request_that_raises_is_kept_with_its_exception():
    port = concurrency._free_port()  # nothing listens there
    result = concurrency._load(port, "sessionid=x", ["/people/1/"], 0.1, 1)
    assert result["ok"] == 0
    assert "ConnectionRefusedError" in result["first_error"]["exception"]


def test_pages_that_answer_count_and_leave_no_error():
    with serving([200]) as port:
        result = concurrency._load(port, "sessionid=x", ["/a/", "/b/"], 0.2, 2)
    assert result["ok"] >= 2
    assert result["errors"] == 0
    assert result["first_error"] == {}


def test_waiting_for_the_server_goes_on_until_a_page_answers_200():
    with serving([503, 503, 200]) as port:
        seconds = concurrency.wait_until_serving(port, "sessionid=x", "/people/1/", deadline=30)
    assert seconds >= 0.4  # two refusals, 0.2 s apart


def test_a_server_that_never_answers_200_is_an_error_not_a_rate():
    with serving([500]) as port, pytest.raises(RuntimeError, match="answered 500"):
        concurrency.wait_until_serving(port, "sessionid=x", "/people/1/", deadline=0.5)


@contextmanager
def serving_kept_alive(*, chunked: bool = False) -> Iterator[dict]:
    """An HTTP/1.1 server that keeps connections open (as gunicorn's gthread worker does),
    counting connections and requests; its answers chunked or with a Content-Length, and
    a CSRF cookie set on each."""
    seen = {"connections": 0, "requests": 0, "cookies": []}

    class Handler(_Quiet):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            seen["connections"] += 1

        def do_GET(self) -> None:
            seen["requests"] += 1
            seen["cookies"].append(self.headers.get("Cookie", ""))
            body = f"page {self.path}".encode() * 50
            self.send_response(200)
            self.send_header("Set-Cookie", "csrftoken=abc123; Path=/; SameSite=Lax")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for part in (body[:100], body[100:]):
                    self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_sized(body)

    with _running(Handler) as port:
        seen["port"] = port
        yield seen


@pytest.mark.parametrize("chunked", [False, True])
def test_the_lean_client_keeps_each_connection_for_many_pages(chunked):
    """#19: one thread, `threads` connections kept alive, every answer read to its end
    (by its length or its chunks), latency and its own CPU reported."""
    with serving_kept_alive(chunked=chunked) as seen:
        result = concurrency._load(seen["port"], "sessionid=x", ["/a/", "/b/"], 0.5, 3)
    assert result["errors"] == 0, result["first_error"]
    assert result["ok"] >= 6
    assert seen["connections"] == 3  # not one a page
    assert seen["requests"] >= result["ok"]
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert result["client_cpu_seconds"] > 0


def test_the_load_is_sent_with_the_cookies_a_browser_would_keep():
    with serving_kept_alive() as seen:
        cookie = concurrency.browser_cookies(seen["port"], "sessionid=x", "/a/")
    assert cookie == "sessionid=x; csrftoken=abc123"


def test_cpu_is_read_for_a_process_and_the_machine():
    import os

    before = concurrency.server_cpu(os.getpid())
    sum(i * i for i in range(1_000_000))  # some CPU in this process (ticks are 10 ms)
    after = concurrency.server_cpu(os.getpid())
    assert concurrency._cpu_used(before, after) > 0
    assert concurrency.machine_busy_seconds() > 0


def test_each_workers_cpu_is_its_own_busiest_first_and_a_new_worker_counts_from_its_start():
    # master 1 (its reaped workers' CPU is not a worker's); 2 and 3 ran throughout; 4 was
    # started in the run (replacing a worker) and 5 ended in it.
    before = {1: 10.0, 2: 5.0, 3: 7.0, 5: 1.0}
    after = {1: 12.5, 2: 9.5, 3: 7.5, 4: 0.75}
    assert concurrency.workers_cpu(before, after, master=1) == [4.5, 0.75, 0.5]


@pytest.mark.django_db
def test_the_loads_session_opens_the_workers_person_pages_and_no_one_elses(client):
    """The cookie the bench and scripts/measure_deployment.py load the server with is the
    worker's, signed in with their second factor; the pages are people they may open."""
    from goldenthread.people.factories import AllocationFactory, PersonFactory
    from goldenthread.people.models import Person

    allocation = AllocationFactory()
    PersonFactory()  # someone in no one's caseload: not among the pages
    cookie, paths = concurrency.signed_in_load(allocation.worker)
    name, _, key = cookie.partition("=")
    client.cookies[name] = key
    assert paths == [f"/people/{allocation.person_id}/"]
    assert client.get(paths[0]).status_code == 200
    assert Person.objects.count() == 2
