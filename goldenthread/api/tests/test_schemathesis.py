"""IO-1: property-based tests from the OpenAPI document itself (schemathesis), against the
live application (Django's WSGI app, the real middleware, on this test database).

For every operation the document lists, schemathesis makes requests from its schemas
(bodies, query strings, headers), with the allocated practitioner's token and the real ids
of a full record in the path, and checks each answer: no server error, a status code and
content type the document lists, and a body that matches the document's schema. Writes
are sent with the ETag read just before, so they reach the services. The same request
with an unrelated practitioner's token must be refused (403, problem+json) and must not
carry the person's id: no access across the scope.

The number of examples is kept modest (GOLDENTHREAD_SCHEMATHESIS_EXAMPLES, default 8 per
operation) so this runs in `make test` and CI in reasonable time; derandomised, and with
the same constants whatever ran before it in the process (`same_constants`), so it gives
the same answer on every run, alone or in the suite.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from goldenthread.api.tests.helpers import token_for, with_a_possible_duplicate
from goldenthread.outcomes.models import Outcome

schemathesis = pytest.importorskip("schemathesis")

EXAMPLES = int(os.environ.get("GOLDENTHREAD_SCHEMATHESIS_EXAMPLES", "8"))


@functools.cache
def _constants_of_the_service():
    """The literals of every module of the service, the same in every process: not its
    tests (Hypothesis leaves them out too), migrations, settings or server configuration
    (read once at start, never imported by a test's code)."""
    from hypothesis.internal.constants_ast import Constants, constants_from_module

    import goldenthread

    found = Constants()
    for module in pkgutil.walk_packages(goldenthread.__path__, "goldenthread."):
        left_out = (".tests", ".test_", ".migrations", ".config.settings", ".gunicorn_conf")
        if any(part in module.name for part in left_out):
            continue
        found |= constants_from_module(importlib.import_module(module.name))
    return found


@pytest.fixture
def same_constants(monkeypatch):
    """Hypothesis draws about one value in twenty from the literals of the project's
    modules *loaded in this process* (its "local constants"), and which are loaded depends
    on the tests that ran before in the same process; so `derandomize` alone gave other
    examples in the suite than alone (#17: a NUL character in a circle member's notes, in
    CI's run only, from a literal of a module only the suite had loaded). Here the pool is
    always the literals of every module of the service."""
    from hypothesis.internal.conjecture import providers

    monkeypatch.setattr(providers, "_get_local_constants", _constants_of_the_service)
    providers.CONSTANTS_CACHE.cache.clear()  # the allowed constants, made from the old pool
    yield
    providers.CONSTANTS_CACHE.cache.clear()


@pytest.fixture
def wsgi_app(same_constants):
    """The WSGI app as a server runs it, but on the test's database connection: Django's
    own test client does the same (closing connections between requests would end the
    test's transaction)."""
    from goldenthread.config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _exercise_the_document(
    wsgi_app, full_record, practitioner, other_practitioner, *, part=(0, 1), examples=EXAMPLES
) -> dict[str, int]:
    """Run every operation of the document with generated requests, or with `part` (k, n)
    every n-th of them from the k-th (so the work is shared between test workers); returns
    how many examples ran for each."""
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    mine = {"Authorization": f"Bearer {token_for(practitioner)}"}
    stranger = {"Authorization": f"Bearer {token_for(other_practitioner)}"}
    person_hex = full_record["person_id"].hex
    ran: dict[str, int] = {}

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    start, step = part
    operations = operations[start::step]

    from werkzeug.test import Client

    reader = Client(wsgi_app)
    outcome = Outcome.objects.get(pk=full_record["outcome_id"])
    real = {
        "positive_change_id": str(outcome.positive_change_id),
        "outcome_id": str(outcome.pk),
        "solution_id": str(full_record["solution_id"]),
    }

    def with_real_ids(body):
        """Ids in a body point at the record's own items (generated ones never exist)."""
        if isinstance(body, dict):
            return {
                k: real.get(k, v) if k in real and v is not None else with_real_ids(v)
                for k, v in body.items()
            }
        if isinstance(body, list):
            return [with_real_ids(v) for v in body]
        return body

    def exercise(operation):
        label = f"{operation.method.upper()} {operation.path}"

        @hypothesis_settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            names = set(case.path_parameters or {})
            if names:
                # The record's real ids: schemathesis would only ever guess strangers' ids.
                case.path_parameters = {name: str(full_record[name]) for name in names}
            if isinstance(case.body, dict):
                case.body = with_real_ids(case.body)
            headers = dict(mine)
            if operation.method.upper() in {"PATCH", "PUT", "POST"}:
                path = operation.path.format(**(case.path_parameters or {}))
                read = reader.get(path, headers=mine)
                if read.status_code == 200 and "ETag" in read.headers:
                    case.headers = {**(case.headers or {}), "If-Match": read.headers["ETag"]}
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks, headers=headers)
            ran[label] = ran.get(label, 0) + 1
            if "person_id" in names:
                refused = case.call(headers=stranger)
                assert refused.status_code == 403, (label, refused.status_code, refused.text)
                assert refused.headers["content-type"] == ["application/problem+json"]
                assert person_hex not in refused.text.replace("-", "")
            if operation.path == "/api/v1/people" and response.status_code == 200:
                theirs = case.call(headers=stranger)
                assert person_hex not in theirs.text.replace("-", "")

        run()

    for operation in operations:
        exercise(operation)
    assert len(ran) == len(operations)
    return ran


PARTS = 4  # every operation is in exactly one part: operations[k::PARTS]


@pytest.mark.parametrize("part", range(PARTS))
def test_the_api_keeps_to_its_openapi_document_and_its_scope(
    wsgi_app, full_record, practitioner, other_practitioner, settings, part
):
    settings.GOLDENTHREAD_API_RATE_PER_MINUTE = 100_000
    record = with_a_possible_duplicate(full_record, practitioner)
    ran = _exercise_the_document(
        wsgi_app, record, practitioner, other_practitioner, part=(part, PARTS)
    )
    assert len(ran) >= 30 // PARTS


# The routes added for #15's remaining writes and "who looked" (test_api_writes_later.py,
# portal/tests/test_staff_who_looked.py): each is in the document and keeps to it, and to
# the scope, on its own (small: a few examples each, the same on every run).
NEW_ROUTES = {
    "GET /api/v1/people/{person_id}/challenges",
    "GET /api/v1/people/{person_id}/challenges/{challenge_id}",
    "POST /api/v1/people/{person_id}/challenges/{challenge_id}/investigation",
    "POST /api/v1/people/{person_id}/challenges/{challenge_id}/answer",
    "POST /api/v1/people/{person_id}/challenges/{challenge_id}/extension",
    "POST /api/v1/people/{person_id}/challenges/{challenge_id}/mediation",
    "POST /api/v1/people/{person_id}/challenges/{challenge_id}/escalations",
    "GET /api/v1/people/{person_id}/transitions",
    "POST /api/v1/people/{person_id}/transitions",
    "GET /api/v1/people/{person_id}/transitions/{transition_id}",
    "PATCH /api/v1/people/{person_id}/transitions/{transition_id}",
    "GET /api/v1/people/{person_id}/sds/first-choices-not-delivered/{shortfall_id}",
    "PATCH /api/v1/people/{person_id}/sds/first-choices-not-delivered/{shortfall_id}",
    "POST /api/v1/people/{person_id}/solutions/{solution_id}/move",
    "DELETE /api/v1/people/{person_id}/solutions/{solution_id}",
    "GET /api/v1/people/{person_id}/budget-requests/{request_id}/lines/{line_id}",
    "POST /api/v1/people/{person_id}/budget-requests/{request_id}/lines/{line_id}/move",
    "POST /api/v1/people/{person_id}/unmet-need/{unmet_need_id}/move",
    "POST /api/v1/people/{person_id}/budget-requests/{request_id}/resubmission",
    "POST /api/v1/people/{person_id}/reviews/{review_id}/outcomes/{outcome_id}/views",
    "GET /api/v1/people/{person_id}/access-log",
}


# The routes for the pages' writes the API still lacked (#15, test_api_writes_pages.py).
PAGE_WRITE_ROUTES = {
    "GET /api/v1/people/{person_id}/outcomes/{outcome_id}/check",
    "PUT /api/v1/people/{person_id}/outcomes/{outcome_id}/check",
    "GET /api/v1/people/{person_id}/outcomes/{outcome_id}/support-checklist",
    "PUT /api/v1/people/{person_id}/outcomes/{outcome_id}/support-checklist",
    "GET /api/v1/people/{person_id}/conversations/{conversation_id}/reflection",
    "PUT /api/v1/people/{person_id}/conversations/{conversation_id}/reflection",
    "GET /api/v1/people/{person_id}/outcomes/{outcome_id}/support-planning",
    "PUT /api/v1/people/{person_id}/outcomes/{outcome_id}/support-planning",
    "GET /api/v1/people/{person_id}/outcomes/{outcome_id}/support-steps",
    "POST /api/v1/people/{person_id}/outcomes/{outcome_id}/support-steps/nothing-suitable",
    "POST /api/v1/people/{person_id}/outcomes/{outcome_id}/support-steps/reopen",
    "POST /api/v1/people/{person_id}/decisions",
    "GET /api/v1/people/{person_id}/understanding-checks",
    "POST /api/v1/people/{person_id}/understanding-checks",
    "GET /api/v1/people/{person_id}/review-schedule",
    "PUT /api/v1/people/{person_id}/review-schedule",
    "PATCH /api/v1/people/{person_id}/reviews/{review_id}",
    "GET /api/v1/people/{person_id}/reviews/{review_id}/solutions/{solution_id}",
    "PUT /api/v1/people/{person_id}/reviews/{review_id}/solutions/{solution_id}",
    "DELETE /api/v1/people/{person_id}/circle/{member_id}",
    "POST /api/v1/people/{person_id}/conversations/{conversation_id}/participants",
}


# The routes for the staff pages' writes the API still lacked (#15, test_api_writes_staff.py).
STAFF_WRITE_ROUTES = {
    "POST /api/v1/people/{person_id}/outcomes/{outcome_id}/solutions/from-directory",
    "GET /api/v1/people/{person_id}/correction-requests/{correction_id}",
    "POST /api/v1/people/{person_id}/correction-requests/{correction_id}/answer",
    "GET /api/v1/people/{person_id}/access-questions/{question_id}",
    "POST /api/v1/people/{person_id}/access-questions/{question_id}/answer",
    "POST /api/v1/people/{person_id}/withholdings",
    "GET /api/v1/people/{person_id}/withholdings/{withholding_id}",
    "POST /api/v1/people/{person_id}/withholdings/{withholding_id}/agreement",
    "POST /api/v1/people/{person_id}/withholdings/{withholding_id}/end",
    "POST /api/v1/people/{person_id}/invitations",
    "POST /api/v1/people/{person_id}/conversations/{conversation_id}/items/several",
    "GET /api/v1/people/{person_id}/record-links/{link_id}",
    "POST /api/v1/people/{person_id}/record-links/{link_id}/end",
    "POST /api/v1/possible-duplicates/{duplicate_id}/resolution",
}


def test_the_later_routes_are_in_the_document(wsgi_app):
    """The routes added later (#15's writes, "who looked", the pages' and staff pages'
    writes) are each in the document, so the test above exercises every one of them with
    generated requests and the stranger's token (it runs every operation the document
    lists). Exercising them again on their own only repeated that work."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    listed = {
        f"{result.ok().method.upper()} {result.ok().path}" for result in schema.get_all_operations()
    }
    for routes in (NEW_ROUTES, PAGE_WRITE_ROUTES, STAFF_WRITE_ROUTES):
        assert routes <= listed, sorted(routes - listed)
