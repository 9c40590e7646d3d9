"""Risk enablement (read only here: the pages record it)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from ..pagination import page_of, paginate
from ..schemas import RiskOut
from .common import answers, one, person_of, with_etag
from .people import PageParams

router = Router(tags=["Risk enablement"])


@router.get(
    "/people/{uuid:person_id}/risks",
    response=answers({200: page_of(RiskOut)}),
    url_name="risks",
    summary="Risks talked about openly, with agreements and views",
)
def risk_list(request: HttpRequest, person_id: uuid.UUID, params: Query[PageParams]):
    risks = person_of(request).risks.prefetch_related("agreements", "views")
    return paginate(
        request, risks, order=("created_at", "id"), limit=params.limit, cursor=params.cursor
    )


@router.get(
    "/people/{uuid:person_id}/risks/{uuid:risk_id}",
    response=answers({200: RiskOut}),
    url_name="risk",
    summary="One risk, with who agreed to what and each view",
)
def risk_detail(
    request: HttpRequest, person_id: uuid.UUID, risk_id: uuid.UUID, response: HttpResponse
):
    risk = one(person_of(request).risks, risk_id, "risk")
    with_etag(response, risk.version)
    return risk
