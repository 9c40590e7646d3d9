"""Accountability: agreement to the plan or an outcome, independent advocacy, challenges
and complaints received — through the same services as the pages (the same checks,
versions and change history)."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from goldenthread.accountability import services
from goldenthread.accountability.models import AdvocacyAnswer, ChallengeAbout, RaisedBy
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import Agreed, AgreedHow, AgreementWhose

from ..concurrency import expected_version
from ..schemas import Strict, patch_of
from .common import IF_MATCH, answers, caller_of, chosen, one, person_of, with_etag

router = Router(tags=["Accountability"])


# --- Agreement ---------------------------------------------------------------------------


class AgreementIn(Strict):
    """Whether the person (or family, or a proxy) agreed an outcome, or the plan as a whole
    when `outcome_id` is left out; what they did not agree with, in their words."""

    outcome_id: uuid.UUID | None = None
    whose: Literal[tuple(AgreementWhose.values)]  # type: ignore[valid-type]
    name: str = Field(..., max_length=200)
    agreed: Literal[tuple(Agreed.values)]  # type: ignore[valid-type]
    agreed_on: datetime.date
    how: Literal[tuple(AgreedHow.values)]  # type: ignore[valid-type]
    not_agreed: str = Field("", max_length=4000)


class AgreementOut(Schema):
    id: uuid.UUID
    outcome_id: uuid.UUID | None
    whose: str
    name: str
    agreed: str
    agreed_on: datetime.date
    how: str
    not_agreed: str


@router.post(
    "/people/{uuid:person_id}/agreements",
    response=answers({201: AgreementOut}, write=True),
    url_name="agreements",
    summary="Record whether the person, family or a proxy agreed an outcome or the plan",
)
def agreement_add(request: HttpRequest, person_id: uuid.UUID, payload: AgreementIn):
    person = person_of(request)
    data = payload.dict()
    outcome = chosen(
        person.outcomes,
        data.pop("outcome_id"),
        "outcome_id",
        "Choose one of this person's outcomes.",
    )
    row = outcome_services.agreement_record(
        actor=caller_of(request).user, person=person, outcome=outcome, **data
    )
    return Status(201, row)


# --- Independent advocacy ------------------------------------------------------------------


class AdvocacyIn(Strict):
    identified_on: datetime.date
    identified_by: str = Field(..., max_length=200)
    why: str = Field(..., max_length=4000)
    offered_on: datetime.date | None = None
    answer: Literal[tuple(AdvocacyAnswer.values)] = AdvocacyAnswer.NOT_OFFERED.value  # type: ignore[valid-type]
    declined_reason: str = Field("", max_length=2000)
    referred_on: datetime.date | None = None
    provider_name: str = Field("", max_length=200)
    started_on: datetime.date | None = None


class AdvocacyPatch(patch_of(AdvocacyIn)):  # type: ignore[misc]
    """A change to a record of advocacy: send only what changes."""


CLEARABLE_DATES = frozenset({"offered_on", "referred_on", "started_on"})


class AdvocacyOut(Schema):
    id: uuid.UUID
    version: int
    identified_on: datetime.date
    identified_by: str
    why: str
    offered_on: datetime.date | None
    answer: str
    declined_reason: str
    referred_on: datetime.date | None
    provider_name: str
    started_on: datetime.date | None


@router.post(
    "/people/{uuid:person_id}/advocacy",
    response=answers({201: AdvocacyOut}, write=True),
    url_name="advocacy_list",
    summary="Record that the person needs independent advocacy, and as much of the offer, "
    "referral and start as is known",
)
def advocacy_add(
    request: HttpRequest, person_id: uuid.UUID, payload: AdvocacyIn, response: HttpResponse
):
    advocacy = services.advocacy_record(
        actor=caller_of(request).user, person=person_of(request), **payload.dict()
    )
    with_etag(response, advocacy.version)
    return Status(201, advocacy)


@router.get(
    "/people/{uuid:person_id}/advocacy/{uuid:advocacy_id}",
    response=answers({200: AdvocacyOut}),
    url_name="advocacy",
    summary="One record of independent advocacy",
)
def advocacy_detail(
    request: HttpRequest, person_id: uuid.UUID, advocacy_id: uuid.UUID, response: HttpResponse
):
    advocacy = one(person_of(request).advocacy, advocacy_id, "advocacy record")
    with_etag(response, advocacy.version)
    return advocacy


@router.patch(
    "/people/{uuid:person_id}/advocacy/{uuid:advocacy_id}",
    response=answers({200: AdvocacyOut}, write=True),
    url_name="advocacy",
    summary="Record the offer, the answer, the referral or the start (If-Match)",
)
def advocacy_change(
    request: HttpRequest,
    person_id: uuid.UUID,
    advocacy_id: uuid.UUID,
    payload: AdvocacyPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    advocacy = one(person_of(request).advocacy, advocacy_id, "advocacy record")
    version = expected_version(request)
    sent = payload.dict(exclude_unset=True)
    # null clears a date that may be empty; for anything else it leaves the field as it is.
    changes = {k: v for k, v in sent.items() if v is not None or k in CLEARABLE_DATES}
    advocacy = services.advocacy_update(
        actor=caller_of(request).user, advocacy=advocacy, expected_version=version, **changes
    )
    with_etag(response, advocacy.version)
    return advocacy


# --- Challenges and complaints ---------------------------------------------------------------


class ChallengeIn(Strict):
    """A challenge or complaint received, at stage 1 (frontline resolution)."""

    raised_by: Literal[tuple(RaisedBy.values)]  # type: ignore[valid-type]
    raised_by_name: str = Field(..., max_length=200)
    raised_on: datetime.date
    about: Literal[tuple(ChallengeAbout.values)]  # type: ignore[valid-type]
    details: str = Field(..., max_length=4000)
    wanted: str = Field("", max_length=4000)
    decision_id: uuid.UUID | None = None


class ChallengeOut(Schema):
    id: uuid.UUID
    version: int
    raised_by: str
    raised_by_name: str
    raised_on: datetime.date
    about: str
    decision_id: uuid.UUID | None
    details: str
    wanted: str
    stage: str
    state: str
    due_on: datetime.date


@router.post(
    "/people/{uuid:person_id}/challenges",
    response=answers({201: ChallengeOut}, write=True),
    url_name="challenges",
    summary="Record a challenge or complaint received; its answer is due 5 working days "
    "after the day it was received",
)
def challenge_add(
    request: HttpRequest, person_id: uuid.UUID, payload: ChallengeIn, response: HttpResponse
):
    person = person_of(request)
    data = payload.dict()
    decision = chosen(
        person.sds_decisions,
        data.pop("decision_id"),
        "decision_id",
        "Choose one of this person's decisions.",
    )
    challenge = services.challenge_raise(
        actor=caller_of(request).user, person=person, decision=decision, **data
    )
    with_etag(response, challenge.version)
    return Status(201, challenge)
