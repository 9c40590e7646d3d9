"""What a call sends and asks for, checked by the gate (auth.py, step 5) once the record is
found, before the body is read:

- **Query parameters.** Our own routes refuse a parameter they do not read: 400, naming it
  (a misspelt `page_size` must not silently give the default page). The FHIR routes follow
  FHIR (R4 search.html, "handling"): an unknown parameter is ignored, unless the call sends
  `Prefer: handling=strict`, then 400 as on our own routes.
- **The format asked for** (FHIR routes; R4 http.html#mime): `_format` (json,
  application/json, application/fhir+json) and, without it, `Accept`. A format we cannot
  give (XML, Turtle, HTML, or an Accept that leaves out JSON) is 406; nothing is read.
- **The body's type.** A route that reads a body reads JSON: `Content-Type:
  application/json` (with or without a charset). Any other type, or a body sent with none,
  is 415 and the body is not read; sending nothing at all is left to the body's own checks
  (422 for what it needs). There is no FHIR write through the API (an import is a
  command), so application/fhir+json is never a body's type here.

Every refusal is problem+json (problems.py), like the API's other errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.http.request import MediaType
from ninja.params.models import BodyModel, QueryModel

from .errors import ApiProblem

JSON = "application/json"
FHIR_JSON = "application/fhir+json"
# The values of FHIR's _format that mean JSON (R4 http.html#mime).
FHIR_JSON_FORMATS = frozenset({"json", JSON, FHIR_JSON})
# The FHIR versions an Accept's fhirVersion may name: we give R4 (4.0.1).
FHIR_VERSIONS = frozenset({"4.0", "4.0.1"})
FHIR_PARAMETERS = frozenset({"_format"})
# The operations (url_name) that answer in FHIR.
FHIR_ROUTES = frozenset({"person_fhir"})
# A parameter's name is said back only when it looks like one: short, plain characters.
SAYABLE_NAME = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,40}")
SAYABLE_TYPE = re.compile(r"[A-Za-z0-9.+\-]{1,30}/[A-Za-z0-9.+\-]{1,50}")


@dataclass(frozen=True)
class Expects:
    """What one operation reads: its query parameters, whether it reads a body, whether it
    answers in FHIR."""

    query: frozenset[str] = frozenset()
    body: bool = False
    fhir: bool = False


def expects(operation: Any) -> Expects:
    """What a django-ninja operation reads, from its parameter models (`Query[...]` is one
    QueryModel whose flattened names are the parameters)."""
    query: set[str] = set()
    body = False
    for model in getattr(operation, "models", ()):
        if issubclass(model, QueryModel):
            flat = getattr(model, "__ninja_flatten_map__", None)
            query |= set(flat) if flat else {f.alias or n for n, f in model.model_fields.items()}
        elif issubclass(model, BodyModel):
            body = True
    fhir = getattr(operation, "url_name", None) in FHIR_ROUTES
    return Expects(
        query=frozenset(query | (FHIR_PARAMETERS if fhir else set())), body=body, fhir=fhir
    )


def check_request(request: HttpRequest, expected: Expects | None) -> None:
    """Refuse (ApiProblem) what the operation cannot take: see the module's docstring."""
    if expected is None:
        return
    _check_query(request, expected)
    if expected.fhir:
        _check_fhir_format(request)
    if expected.body and request.method not in ("GET", "HEAD", "OPTIONS"):
        _check_body_type(request)


def _check_query(request: HttpRequest, expected: Expects) -> None:
    unknown = sorted(set(request.GET) - expected.query)
    if not unknown:
        return
    if expected.fhir and not _strict(request):
        return  # FHIR: servers ignore what they do not know unless asked to be strict
    name = unknown[0]
    said = f"'{name}'" if SAYABLE_NAME.fullmatch(name) else "a parameter"
    takes = (
        "It takes " + ", ".join(sorted(expected.query)) + "."
        if expected.query
        else "It takes no query parameters."
    )
    raise ApiProblem(
        400,
        f"This address does not take {said} in its query. {takes} "
        "The OpenAPI document (/api/v1/openapi.json) lists each route's parameters.",
        errors=[{"field": name if said != "a parameter" else "", "message": "Not taken here."}],
    )


def _strict(request: HttpRequest) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(
        part.strip().replace(" ", "").lower() == "handling=strict" for part in prefer.split(",")
    )


def _check_fhir_format(request: HttpRequest) -> None:
    asked = request.GET.get("_format")
    if asked is not None:
        if asked.split(";", 1)[0].strip().lower() in FHIR_JSON_FORMATS:
            return
        raise ApiProblem(
            406,
            "This record is given in FHIR JSON only. Ask with _format=json (or "
            "application/fhir+json), or leave _format out.",
        )
    if "Accept" not in request.headers or any(_gives(a) for a in request.accepted_types):
        return
    raise ApiProblem(
        406,
        "This record is given in FHIR JSON only (application/fhir+json). Send an Accept "
        "header that allows it, or none.",
    )


def _gives(accepted: MediaType) -> bool:
    """Whether an accepted type (quality above 0) lets us answer in FHIR JSON (R4)."""
    version = accepted.range_params.get("fhirversion")
    if version is not None and version not in FHIR_VERSIONS:
        return False
    bare = MediaType(f"{accepted.main_type}/{accepted.sub_type}")
    return bare.match(FHIR_JSON) or bare.match(JSON)


def _check_body_type(request: HttpRequest) -> None:
    sent = request.content_type
    if sent == JSON or not (sent or request.body):
        return
    if not sent:
        how = "It was sent with no Content-Type."
    elif SAYABLE_TYPE.fullmatch(sent):
        how = f"It was sent as {sent}."
    else:
        how = "It was sent as another type."
    raise ApiProblem(
        415,
        f"Send the body as JSON, with 'Content-Type: application/json'. {how} Nothing was saved.",
    )
