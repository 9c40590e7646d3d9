"""Risk enablement: read, record and change a risk talked about openly, through the same
services as the pages (risk.services: the same checks, versions and audit rows)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Router

from goldenthread.risk import services

from ..schemas import RiskAgreementIn, RiskIn, RiskOut, RiskPatch, RiskViewIn
from .common import (
    actor_of,
    answers,
    chosen,
    chosen_outcome,
    created,
    one,
    person_of,
)
from .routes import change_route, detail_route, list_route, patched

router = Router(tags=["Risk enablement"])


list_route(
    router,
    "/people/{uuid:person_id}/risks",
    name="risk_list",
    url_name="risks",
    summary="Risks talked about openly, with agreements and views",
    item=RiskOut,
    rows=lambda person: person.risks.prefetch_related("agreements", "views"),
    order=("created_at", "id"),
)


detail_route(
    router,
    "/people/{uuid:person_id}/risks/{uuid:risk_id}",
    name="risk_detail",
    url_name="risk",
    summary="One risk, with who agreed to what and each view",
    item=RiskOut,
    key="risk_id",
    rows=lambda person: person.risks,
    what="risk",
)


def _links(person, outcome_id, solution_id) -> dict:
    """The outcome and solution a risk is about: this person's, or a field error."""
    return {
        "outcome": chosen_outcome(person, outcome_id),
        "solution": chosen(
            person.support_solutions,
            solution_id,
            "solution_id",
            "Choose one of this person's solutions.",
        ),
    }


@router.post(
    "/people/{uuid:person_id}/risks",
    response=answers({201: RiskOut}, write=True),
    url_name="risks",
    summary="Record a risk talked about openly, for one outcome or one solution",
)
def risk_add(request: HttpRequest, person_id: uuid.UUID, payload: RiskIn, response: HttpResponse):
    person = person_of(request)
    data = payload.dict()
    links = _links(person, data.pop("outcome_id"), data.pop("solution_id"))
    risk = services.risk_record(actor=actor_of(request), person=person, **links, **data)
    return created(response, risk)


change_route(
    router,
    "/people/{uuid:person_id}/risks/{uuid:risk_id}",
    name="risk_change",
    url_name="risk",
    summary="Change a risk (If-Match); it stays linked to the same outcome or solution",
    item=RiskOut,
    key="risk_id",
    body=RiskPatch,
    rows=lambda person: person.risks,
    what="risk",
    change=lambda risk, payload, person, **common: services.risk_update(
        risk=risk, outcome=risk.outcome, solution=risk.solution, **common, **patched(payload)
    ),
)


def _add_to_risk(request: HttpRequest, risk_id: uuid.UUID, response: HttpResponse, add, payload):
    """Add a row beside the risk's others (nothing is replaced, so no If-Match), and answer
    with the whole risk."""
    person = person_of(request)
    risk = one(person.risks, risk_id, "risk")
    add(actor=actor_of(request), risk=risk, **payload.dict())
    return created(
        response, one(person.risks.prefetch_related("agreements", "views"), risk.pk, "risk")
    )


@router.post(
    "/people/{uuid:person_id}/risks/{uuid:risk_id}/agreements",
    response=answers({201: RiskOut}, write=True),
    url_name="risk_agreements",
    summary="Record who agreed to what (shared responsibility), beside the agreements "
    "already recorded; answers with the whole risk",
)
def risk_agreement_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    risk_id: uuid.UUID,
    payload: RiskAgreementIn,
    response: HttpResponse,
):
    return _add_to_risk(request, risk_id, response, services.risk_agreement_add, payload)


@router.post(
    "/people/{uuid:person_id}/risks/{uuid:risk_id}/views",
    response=answers({201: RiskOut}, write=True),
    url_name="risk_views",
    summary="Add someone's view of the risk in their words, beside the others (never "
    "replacing one); answers with the whole risk",
)
def risk_view_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    risk_id: uuid.UUID,
    payload: RiskViewIn,
    response: HttpResponse,
):
    return _add_to_risk(request, risk_id, response, services.risk_view_add, payload)
