"""Page timings in process, all through the same Django test client and middleware stack:
our pages, the page floor (the site layout for a signed-in user), the raw-SQL lower bound
and the Django admin changelist of the same rows.

Fair by construction (#19):
- every page, ours or the admin's, is a GET through the full middleware stack with the
  same signed-in session (session, user and second-factor lookups included);
- the SQL a page runs is captured on an untimed request; timed requests capture nothing;
- each request's wall-clock and CPU time (`time.process_time`) are both kept, so a busy
  machine shows up as wall time without CPU time.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from goldenthread.accounts.models import User
from goldenthread.audit.services import access_record
from goldenthread.core.prepared import BATCH_SQL_START

from .stats import Timings

# A real page whose content is a few static paragraphs: what every signed-in page costs
# before its own work (middleware, session, user, second factor, navigation, layout).
PAGE_FLOOR_URL_NAME = "core:accessibility"


def signed_in_client(user: User) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = time.time()  # as after signing in
    session.save()
    return client


class PageTimes:
    """Wall-clock and CPU seconds of the timed requests, query counts of the untimed ones."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.counts: list[int] = []

    def extend(self, other: PageTimes) -> None:
        self.wall += other.wall
        self.cpu += other.cpu
        self.counts += other.counts

    @property
    def wall_t(self) -> Timings:
        return Timings(self.wall)

    @property
    def cpu_t(self) -> Timings:
        return Timings(self.cpu)


def _get(client: Client, url: str) -> HttpResponseBase:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response


def capture_sql(client: Client, url: str) -> list[str]:
    """One untimed request with the queries captured: the SQL the page runs."""
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return [q["sql"] for q in queries.captured_queries]


def time_page(client: Client, url: str, repeat: int) -> tuple[PageTimes, list[str]]:
    """Time GET url `repeat` times with nothing captured; the SQL and query count come from
    an untimed request before them (which also warms the session)."""
    sql = capture_sql(client, url)
    times = PageTimes()
    times.counts.append(len(sql))
    for _ in range(repeat):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        _get(client, url)
        times.wall.append(time.perf_counter() - wall0)
        times.cpu.append(time.process_time() - cpu0)
    return times, sql


def _timed(client: Client, url: str, into: PageTimes) -> None:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    _get(client, url)
    into.wall.append(time.perf_counter() - wall0)
    into.cpu.append(time.process_time() - cpu0)


def time_with_floor(
    client: Client, floor_url: str, urls: dict[str, str], repeat: int
) -> tuple[PageTimes, dict[str, PageTimes], dict[str, list[str]]]:
    """The page floor and each page of `urls` timed in turn, request by request (floor,
    first page, floor, second page, … `repeat` rounds), so that a machine busy with other
    work slows the floor and the pages alike and their ratio holds (#19: the floor timed in a
    block of its own swung the ratios by ±0.7× under load). Nothing is captured while timed:
    each page's SQL and query count, and the floor's, come from an untimed request first.
    Returns (the floor's times, each page's times, each page's SQL)."""
    floor = PageTimes()
    floor.counts.append(len(capture_sql(client, floor_url)))
    times: dict[str, PageTimes] = {}
    sql: dict[str, list[str]] = {}
    for name, url in urls.items():
        sql[name] = capture_sql(client, url)
        times[name] = PageTimes()
        times[name].counts.append(len(sql[name]))
    for _ in range(repeat):
        for name, url in urls.items():
            _timed(client, floor_url, floor)
            _timed(client, url, times[name])
    return floor, times, sql


def page_floor_url() -> str:
    return reverse(PAGE_FLOOR_URL_NAME)


def time_raw_sql(statements: list[str], repeat: int) -> Timings:
    """The lower bound: the same SELECTs the page ran, straight through a cursor, with the
    rows fetched and nothing else (no ORM objects, no template, no middleware)."""
    # Several reads in one statement (core.prepared.PreparedBatch) start WITH; other WITH
    # statements may write (the access log's chain), so only the batches' are read again.
    selects = [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT") or s.lstrip().startswith(BATCH_SQL_START)
    ]
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in selects:
                cursor.execute(statement.replace("%", "%%"))
                cursor.fetchall()
        seconds.append(time.perf_counter() - started)
    return Timings(seconds)


@contextmanager
def admin_changelist_served() -> Iterator[None]:
    """While inside: the private admin changelist of people (bench/urls.py) is served at
    /bench-admin/people/person/ in this process, behind the same middleware as our pages."""
    with override_settings(ROOT_URLCONF="goldenthread.nonprod.bench.urls"):
        yield


def admin_changelist_url(page: int = 1) -> str:
    from . import urls

    url = f"/{urls.ADMIN_PREFIX}people/person/"
    return url if page == 1 else f"{url}?p={page}"


def set_admin_scope(worker: User) -> None:
    """List the people `worker` may see (the same rows as their caseload)."""
    from . import urls

    urls.person_admin.scope_user = worker


def time_access_log(actor: User, person_id: uuid.UUID, repeat: int) -> PageTimes:
    """The access-log row each named-record read writes, each in its own transaction and
    timed with its commit, as a page writes it (the rows stay: the log is append-only)."""
    times = PageTimes()
    for _ in range(repeat):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        with transaction.atomic():
            access_record(
                actor=actor, person_id=person_id, action="view", what="bench", reason="Benchmark"
            )
        times.wall.append(time.perf_counter() - wall0)
        times.cpu.append(time.process_time() - cpu0)
    return times
