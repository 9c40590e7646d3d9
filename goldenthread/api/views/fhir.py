"""The person's plan as a FHIR R4 Bundle (IO-2; docs/fhir-mapping.md). Logged as an export
in the person's access log."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from ..fhir.export import bundle_for
from .common import actor_of, answers, person_of

router = Router(tags=["FHIR R4"])

FHIR_JSON = "application/fhir+json"


@router.get(
    "/people/{uuid:person_id}/fhir",
    response=answers({200: dict}),
    url_name="person_fhir",
    summary="The person's plan as a FHIR R4 Bundle (collection): Patient, "
    "RelatedPerson, CarePlan, Goal, Observation, Provenance",
    openapi_extra={
        "responses": {
            200: {
                "description": "A FHIR R4 Bundle",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            }
        }
    },
)
def person_fhir(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    bundle = bundle_for(person_of(request), exported_by=actor_of(request))
    return JsonResponse(bundle, content_type=FHIR_JSON, json_dumps_params={"ensure_ascii": False})
