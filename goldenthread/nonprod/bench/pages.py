"""Page timings in process: the page, its raw-SQL lower bound, and the admin changelist."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from goldenthread.audit.services import access_record
from goldenthread.people.models import Person

from .stats import Timings


def signed_in_client(user) -> Client:
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


def time_page(client: Client, url: str, repeat: int) -> tuple[Timings, list[int], list[str]]:
    """Server time of GET url (in process), query counts, and the SQL of the last run."""
    seconds, counts, sql = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        counts.append(len(queries))
        sql = [q["sql"] for q in queries.captured_queries]
    return Timings(seconds), counts, sql


def time_raw_sql(statements: list[str], repeat: int) -> Timings:
    """The lower bound: the same SELECTs the page ran, straight through a cursor, with the
    rows fetched and nothing else (no ORM objects, no template, no middleware)."""
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in selects:
                cursor.execute(statement.replace("%", "%%"))
                cursor.fetchall()
        seconds.append(time.perf_counter() - started)
    return Timings(seconds)


class _BenchPersonAdmin(admin.ModelAdmin):
    list_display = ("family_name", "given_name", "date_of_birth", "chi_number", "area")
    list_select_related = ("area",)
    list_per_page = 25
    change_list_template = "bench/change_list.html"
    ordering = ("family_name", "given_name", "id")
    ids: list = []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=self.ids)


def admin_changelist_timer(person_ids: list, superuser) -> Callable[[], float]:
    """The Django admin changelist of the same rows, on a private admin site that no URL
    serves (administrators never see named records in the real admin)."""
    site = admin.AdminSite(name="bench")
    model_admin = _BenchPersonAdmin(Person, site)
    model_admin.ids = person_ids
    factory = RequestFactory()

    def run() -> float:
        request = factory.get("/bench/people/person/")
        superuser.is_verified = lambda: True  # as django_otp's middleware would set
        request.user = superuser
        request.session = {}
        request._messages = FallbackStorage(request)
        started = time.perf_counter()
        response = model_admin.changelist_view(request)
        response.render()
        return time.perf_counter() - started

    return run


def time_access_log(actor, person_id, repeat: int) -> Timings:
    seconds = []
    with transaction.atomic():
        for _ in range(repeat):
            started = time.perf_counter()
            access_record(
                actor=actor, person_id=person_id, action="view", what="bench", reason="Benchmark"
            )
            seconds.append(time.perf_counter() - started)
        transaction.set_rollback(True)
    return Timings(seconds)
