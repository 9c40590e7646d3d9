"""Read-only mode (OPS-6, R28) and the concurrency budget for expensive pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import override_settings
from django.urls import reverse

from conftest import sign_in
from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessLog
from goldenthread.core.problems import NARROWER, TITLES, TYPE_BASE
from goldenthread.operations import budget, readonly

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_only(tmp_path, settings):
    settings.GOLDENTHREAD_READ_ONLY_FLAG = str(tmp_path / "read-only")
    call_command("read_only", "on", "--reason", "upgrade to 2.0", stdout=open("/dev/null", "w"))
    yield
    readonly.switch(False)


def test_writes_get_the_maintenance_page_and_change_nothing(
    client, practitioner, person, read_only
):
    sign_in(client, practitioner)
    url = reverse("people:edit", kwargs={"person_id": person.pk})
    response = client.post(url, {"given_name": "Changed", "family_name": "Macdonald"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Read-only while we do maintenance" in response.content.decode()
    assert "has not been saved" in response.content.decode()
    person.refresh_from_db()
    assert person.given_name == "Jean"


def test_reads_keep_working_and_still_write_the_access_log(client, practitioner, person, read_only):
    sign_in(client, practitioner)
    before = AccessLog.objects.count()
    response = client.get(reverse("people:detail", kwargs={"person_id": person.pk}))
    assert response.status_code == 200
    assert "Macdonald" in response.content.decode()
    assert AccessLog.objects.count() > before


def test_a_read_whose_audit_row_cannot_be_written_is_refused(
    client, practitioner, person, read_only, monkeypatch
):
    sign_in(client, practitioner)

    def refuse(*args, **kwargs):
        raise DatabaseError("attempt to write a readonly database")

    monkeypatch.setattr(AccessLog, "save", refuse)
    monkeypatch.setattr(AccessLog.objects, "create", refuse)
    monkeypatch.setattr(AccessLog.objects, "bulk_create", refuse)
    response = client.get(reverse("people:detail", kwargs={"person_id": person.pk}))
    assert response.status_code == 503
    body = response.content.decode()
    assert "cannot keep a note of who looked" in body
    assert "Macdonald" not in body and person.chi_number not in body


def test_the_api_gets_a_problem_document(client, read_only):
    response = client.post("/api/v1/people", {}, content_type="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    # Made by core.problems like every other problem: a documented type, the request's
    # reference (probe3: it was a hand-built about:blank without one).
    body = response.json()
    assert body["type"] == TYPE_BASE + "read-only" and body["title"] == TITLES[503][1]
    assert body["instance"] == f"urn:goldenthread:request:{response['X-Request-ID']}"
    assert body["detail"].startswith("Nothing can be changed at the moment.")
    assert response["Retry-After"] == str(readonly.RETRY_AFTER_SECONDS)


def test_off_again_accepts_changes(client, practitioner, person, read_only):
    call_command("read_only", "off", stdout=open("/dev/null", "w"))
    assert not readonly.is_read_only()
    sign_in(client, practitioner)
    response = client.post(reverse("people:edit", kwargs={"person_id": person.pk}), {})
    assert response.status_code != 503


@override_settings(GOLDENTHREAD_READ_ONLY=True)
def test_the_setting_alone_turns_it_on(client, practitioner, person):
    sign_in(client, practitioner)
    response = client.post(reverse("people:edit", kwargs={"person_id": person.pk}), {})
    assert response.status_code == 503


def test_over_the_budget_answers_429_at_once(client, practitioner, person, settings):
    settings.GOLDENTHREAD_CONCURRENCY_BUDGETS = {"people:detail": 1}
    budget.reset()
    sign_in(client, practitioner)
    url = reverse("people:detail", kwargs={"person_id": person.pk})
    held = budget._semaphore("people:detail", 1)
    assert held.acquire(blocking=False)  # another request is being prepared
    try:
        busy = client.get(url)
    finally:
        held.release()
    assert busy.status_code == 429
    assert busy["Retry-After"] == str(budget.RETRY_AFTER_SECONDS)
    assert "Macdonald" not in busy.content.decode()
    assert client.get(url).status_code == 200  # the budget is handed back after each
    assert client.get(url).status_code == 200
    budget.reset()


def test_over_the_budget_the_api_answers_a_too_busy_problem(client, practitioner, person, settings):
    settings.GOLDENTHREAD_CONCURRENCY_BUDGETS = {"api:person": 1}
    budget.reset()
    token = token_for(practitioner)
    held = budget._semaphore("api:person", 1)
    assert held.acquire(blocking=False)
    try:
        busy = call(client, "get", f"/api/v1/people/{person.pk}", token)
    finally:
        held.release()
        budget.reset()
    assert busy.status_code == 429
    assert busy["Content-Type"] == "application/problem+json"
    body = busy.json()
    assert body["type"] == TYPE_BASE + "too-busy"
    assert body["title"] == NARROWER["too-busy"][1] and body["status"] == 429
    assert body["instance"] == f"urn:goldenthread:request:{busy['X-Request-ID']}"
    assert busy["Retry-After"] == str(budget.RETRY_AFTER_SECONDS)


def test_the_budget_is_released_when_the_view_fails(rf, settings):
    settings.GOLDENTHREAD_CONCURRENCY_BUDGETS = {"x": 1}
    budget.reset()

    def view(request):
        raise RuntimeError("boom")

    request = rf.get("/")
    request.resolver_match = type("M", (), {"view_name": "x"})()
    middleware = budget.ConcurrencyBudgetMiddleware(
        lambda r: middleware.process_view(r, view, (), {}) or view(r)
    )
    with pytest.raises(RuntimeError):
        middleware(request)
    assert budget._semaphore("x", 1).acquire(blocking=False)
    budget.reset()
