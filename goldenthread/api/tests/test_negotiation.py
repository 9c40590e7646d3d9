"""What a call sends and asks for (api/negotiation.py, IO-1, IO-2): a body read as JSON only
when it says it is JSON (415 otherwise), the FHIR Bundle only in a format we give (406
otherwise, R4 http.html#mime), and our own routes' unknown query parameters refused by name
(400), FHIR's ignored unless the call asks for strict handling. Every refusal is
problem+json; a read refused for its form is one VIEW row, never an export."""

from __future__ import annotations

import json

import pytest

from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.models import CircleMember

CIRCLE = {"name": "Bob Shaw", "relationship": "Friend"}


@pytest.fixture
def token(practitioner):
    return token_for(practitioner)


@pytest.fixture
def person_path(full_record):
    return f"/api/v1/people/{full_record['person_id']}"


def problem_of(answer, status: int) -> dict:
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    return answer.json()


# --- The body's type ----------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "", "application/x-www-form-urlencoded"])
def test_a_body_not_sent_as_json_is_415_and_not_read(client, token, person_path, content_type):
    members = CircleMember.objects.count()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    answer = client.generic(
        "POST",
        person_path + "/circle",
        json.dumps(CIRCLE).encode(),
        content_type=content_type,
        **headers,
    )
    body = problem_of(answer, 415)
    assert body["title"] == "Send JSON"
    assert "Content-Type: application/json" in body["detail"]
    assert "Nothing was saved" in body["detail"]
    if content_type:
        assert content_type in body["detail"]
    else:
        assert "no Content-Type" in body["detail"]
    assert CircleMember.objects.count() == members


def test_json_with_a_charset_is_read(client, token, person_path):
    answer = client.post(
        person_path + "/circle",
        json.dumps(CIRCLE),
        content_type="application/json; charset=utf-8",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 201, answer.content


def test_a_long_content_type_is_not_said_back(client, token, person_path):
    odd = "text/" + "x" * 300
    answer = client.generic(
        "POST",
        person_path + "/circle",
        json.dumps(CIRCLE).encode(),
        content_type=odd,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert "x" * 60 not in problem_of(answer, 415)["detail"]


# --- The FHIR Bundle's format --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("?_format=xml", None),
        ("?_format=application/fhir%2Bxml", None),
        ("?_format=ttl", "application/fhir+json"),  # _format wins over Accept
        ("", "application/fhir+xml"),
        ("", "application/xml, text/html"),
        ("", "application/fhir+json; fhirVersion=5.0"),
    ],
)
def test_a_format_we_cannot_give_is_406_and_nothing_is_exported(
    client, token, person_path, practitioner, query, accept
):
    headers = {"Accept": accept} if accept else {}
    before = AccessLog.objects.count()
    answer = call(client, "get", person_path + "/fhir" + query, token, **headers)
    assert "FHIR JSON only" in problem_of(answer, 406)["detail"]
    # The record was opened (one row, as every call on it), and nothing exported.
    [row] = AccessLog.objects.order_by("seq")[before:]
    assert row.action == AccessAction.VIEW and row.actor_id == practitioner.pk


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("", None),
        ("?_format=json", None),
        ("?_format=application/fhir%2Bjson", "application/xml"),  # _format wins
        ("?_format=application/json", None),
        ("", "application/fhir+json"),
        ("", "application/fhir+json; fhirVersion=4.0"),
        ("", "application/json"),
        ("", "application/xml;q=0.9, */*;q=0.1"),
    ],
)
def test_json_formats_are_given(client, token, person_path, practitioner, query, accept):
    headers = {"Accept": accept} if accept else {}
    before = AccessLog.objects.count()
    answer = call(client, "get", person_path + "/fhir" + query, token, **headers)
    assert answer.status_code == 200, answer.content
    assert answer.json()["resourceType"] == "Bundle"
    [row] = AccessLog.objects.order_by("seq")[before:]
    assert row.action == AccessAction.EXPORT


# --- Query parameters ----------------------------------------------------------------------


def test_an_unknown_paging_parameter_is_400_naming_it(client, token, person_path):
    answer = call(client, "get", "/api/v1/people?page_size=5", token)
    body = problem_of(answer, 400)
    assert "'page_size'" in body["detail"] and "limit" in body["detail"]
    assert body["errors"] == [{"field": "page_size", "message": "Not taken here."}]


def test_an_unknown_parameter_on_a_record_is_refused_by_name(
    client, token, person_path, practitioner
):
    before = AccessLog.objects.count()
    answer = call(client, "get", person_path + "/outcomes?limt=1", token)
    assert "'limt'" in problem_of(answer, 400)["detail"]
    [row] = AccessLog.objects.order_by("seq")[before:]
    assert row.action == AccessAction.VIEW  # one row for the call, as every call
    assert call(client, "get", person_path + "/outcomes?limit=1", token).status_code == 200


def test_an_unknown_parameter_is_not_said_back_when_long(client, token):
    name = "z" * 500
    detail = problem_of(call(client, "get", f"/api/v1/people?{name}=1", token), 400)["detail"]
    assert "zzzz" not in detail and "a parameter" in detail


def test_a_route_without_parameters_takes_none(client, token, person_path):
    detail = problem_of(call(client, "get", person_path + "?limit=3", token), 400)["detail"]
    assert "takes no query parameters" in detail


def test_fhir_ignores_unknown_parameters_unless_strict(client, token, person_path):
    assert call(client, "get", person_path + "/fhir?_pretty=true", token).status_code == 200
    strict = call(
        client, "get", person_path + "/fhir?_pretty=true", token, prefer="handling=strict"
    )
    assert "'_pretty'" in problem_of(strict, 400)["detail"]
    lenient = call(client, "get", person_path + "/fhir?_pretty=1", token, prefer="handling=lenient")
    assert lenient.status_code == 200


def test_an_outsider_is_refused_before_the_form_is_judged(client, other_practitioner, person_path):
    """Whether the caller may open the record is answered first, and logged (DENIED)."""
    answer = call(client, "get", person_path + "/fhir?_format=xml", token_for(other_practitioner))
    assert answer.status_code == 403
    row = AccessLog.objects.get(actor=other_practitioner)
    assert row.action == AccessAction.DENIED
