"""Logs without personal data, with the reference id (OPS-8, R27)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.core.logging import (
    EncodedTextFilter,
    JsonFormatter,
    RequestIdFilter,
    encoded,
)
from goldenthread.core.middleware import REQUEST_ID_HEADER
from goldenthread.people.factories import AllocationFactory
from goldenthread.people.views import PersonDetailView


@pytest.fixture
def json_log():
    """The production handler (settings/production.py) on django.request, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def _fail_on_the_record_page(monkeypatch):
    def explode(self, **kwargs):
        person = self.person
        raise RuntimeError(
            f"could not show {person.given_name} {person.family_name} "
            f"CHI {person.chi_number}: {person.communication_needs}"
        )

    monkeypatch.setattr(PersonDetailView, "get_context_data", explode)


@pytest.mark.django_db
def test_a_failing_record_page_logs_the_reference_but_nothing_personal(
    client, practitioner, person, json_log, monkeypatch
):
    person.communication_needs = "Uses BSL; daughter Ann interprets at home"
    person.save()
    _fail_on_the_record_page(monkeypatch)
    sign_in(client, practitioner)
    client.raise_request_exception = False
    response = client.get(reverse("people:detail", kwargs={"person_id": person.pk}))

    assert response.status_code == 500
    reference = response[REQUEST_ID_HEADER]
    assert reference in response.content.decode()
    lines = json_log.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    errors = [e for e in entries if e["level"] == "ERROR"]
    assert errors and errors[0]["request_id"] == reference
    assert errors[0]["exception"]["type"] == "builtins.RuntimeError"
    assert any("explode" in frame for frame in errors[0]["exception"]["frames"])
    assert errors[0]["user"] == practitioner.username
    text = json_log.getvalue()
    for personal in (
        person.chi_number,
        person.given_name,
        person.family_name,
        "BSL",
        "daughter Ann",
    ):
        assert personal and personal not in text, personal


@pytest.mark.django_db
def test_a_username_with_a_newline_and_terminal_escapes_is_logged_encoded(
    client, team, json_log, monkeypatch, person
):
    sly = PractitionerFactory(username="eve\n2026-01-01 ERROR forged\x1b[31m", team=team)
    AllocationFactory(person=person, worker=sly)
    _fail_on_the_record_page(monkeypatch)
    sign_in(client, sly)
    client.raise_request_exception = False
    client.get(reverse("people:detail", kwargs={"person_id": person.pk}))

    text = json_log.getvalue()
    assert "\x1b" not in text
    lines = text.splitlines()
    assert all(line.startswith("{") for line in lines)  # no forged line
    assert any(json.loads(line).get("user") == sly.username for line in lines)
    assert "eve\\n2026-01-01 ERROR forged\\u001b[31m" in text


def test_plain_lines_escape_control_characters():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "sign-in failed for %s", ("eve\nINFO ok\x1b[2J",), None
    )
    assert EncodedTextFilter().filter(record)
    assert record.getMessage() == "sign-in failed for eve\\nINFO ok\\x1b[2J"
    assert encoded("tab\there\u2028") == "tab\\there\\u2028"


def test_production_settings_write_json(monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/15")  # never connected to here
    production = importlib.import_module("goldenthread.config.settings.production")
    production = importlib.reload(production)
    console = production.LOGGING["handlers"]["console"]
    assert production.LOGGING["formatters"][console["formatter"]]["()"].endswith("JsonFormatter")
    assert "request_id" in console["filters"]


@pytest.mark.django_db
def test_a_database_error_logs_its_code_and_type_but_not_its_message(json_log):
    """#14: "Could not store report figures" said OperationalError and nothing else; the
    log now says the database's error code and the driver's error type, never the
    database's message (it can quote the value it refused)."""
    from django.db import DatabaseError, connection

    secret = "Ann Example 0101011234"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM 'Ann Example 0101011234'")
    except DatabaseError:
        logging.getLogger("django.request").warning("Could not store", exc_info=True)
    entry = json.loads(json_log.getvalue().splitlines()[-1])
    exception = entry["exception"]
    assert exception["type"].startswith("django.db.")
    if connection.vendor == "postgresql":
        assert exception["cause"] == "psycopg.errors.SyntaxError"
        assert exception["code"] == "42601"
    else:
        assert exception["cause"] == "sqlite3.OperationalError"
        assert exception["code"] == "SQLITE_ERROR"
    assert secret not in json_log.getvalue() and "no_such_column" not in json_log.getvalue()


def test_an_error_not_from_the_database_has_no_code(json_log):
    try:
        raise ValueError("Ann Example")
    except ValueError:
        logging.getLogger("django.request").warning("failed", exc_info=True)
    entry = json.loads(json_log.getvalue().splitlines()[-1])
    assert "code" not in entry["exception"] and "cause" not in entry["exception"]
