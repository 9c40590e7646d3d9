"""The staff side of the person's own record (P-2, P-3, #15): answering the person's
requests for a correction and their questions about who looked, and withholding an item
from them, through the same services as the staff pages (portal.services). Each asks
what its page asks (Permission.ANSWER_CORRECTIONS; a team leader of the person's team
answers questions and agrees to withholding). An invitation's one-time code is in the
answer that makes it, once, as on the page: only its keyed hash is kept."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from goldenthread.core.permissions import Permission
from goldenthread.portal import selectors, services

from ..schemas import Strict
from .common import IF_MATCH, actor_of, answers, change_one, created, one, person_allowed, tagged
from .routes import change_route, detail_route

router = Router(tags=["The person's own record"])


def _person_to_answer_for(request: HttpRequest):
    """The person of the address, for staff who answer for their own record (as the pages
    ask: Permission.ANSWER_CORRECTIONS); anyone else is refused."""
    return person_allowed(
        request,
        Permission.ANSWER_CORRECTIONS,
        "Only staff who work with the person answer for their record.",
    )


# --- Requests for a correction (P-2) ------------------------------------------------------


class CorrectionOut(Schema):
    id: uuid.UUID
    version: int
    item_type: str
    item_id: str
    item_text: str
    what_is_wrong: str
    should_say: str
    asked_at: datetime.datetime
    status: str
    answer: str
    answered_at: datetime.datetime | None


class CorrectionAnswerIn(Strict):
    decision: Literal["accept", "decline"] = Field(
        ..., description="accept: the item is changed; decline: the reasons are needed."
    )
    answer: str = Field(
        ..., max_length=4000, description="What you did and why, in the person's words."
    )
    new_text: str = Field(
        "", max_length=4000, description="When accepting: what the item says now."
    )


@router.get(
    "/people/{uuid:person_id}/correction-requests/{uuid:correction_id}",
    response=answers({200: CorrectionOut}),
    url_name="correction_request",
    summary="One of the person's requests for a correction (ETag: its version)",
)
def correction_detail(
    request: HttpRequest, person_id: uuid.UUID, correction_id: uuid.UUID, response: HttpResponse
):
    person = _person_to_answer_for(request)
    return tagged(
        response, one(person.correction_requests, correction_id, "request for a correction")
    )


change_route(
    router,
    "/people/{uuid:person_id}/correction-requests/{uuid:correction_id}/answer",
    name="correction_answer",
    url_name="correction_request_answer",
    summary="Answer the person's request for a correction (If-Match): accepting changes "
    "the item, its history keeping what it said; declining needs the reasons",
    item=CorrectionOut,
    key="correction_id",
    body=CorrectionAnswerIn,
    rows=lambda person: person.correction_requests.select_related("person"),
    what="request for a correction",
    change=lambda correction, payload, person, **common: services.correction_answer(
        correction=correction,
        accept=payload.decision == "accept",
        answer=payload.answer,
        new_text=payload.new_text,
        **common,
    ),
    method="post",
    person=_person_to_answer_for,
)


# --- "Why did this person look?" (P-3) ------------------------------------------------------


class QuestionOut(Schema):
    id: uuid.UUID
    version: int
    about: str = Field(..., description="Who looked.")
    looked_at: datetime.datetime
    question: str
    asked_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None


class QuestionAnswerIn(Strict):
    answer: str = Field(..., max_length=4000)


detail_route(
    router,
    "/people/{uuid:person_id}/access-questions/{uuid:question_id}",
    name="question_detail",
    url_name="access_question",
    summary="One of the person's questions about who looked at their record (ETag)",
    item=QuestionOut,
    key="question_id",
    rows=lambda person: person.access_questions,
    what="question",
    person=_person_to_answer_for,
)


change_route(
    router,
    "/people/{uuid:person_id}/access-questions/{uuid:question_id}/answer",
    name="question_answer",
    url_name="access_question_answer",
    summary="Answer the person's question about why someone looked (If-Match); a team "
    "leader of the person's team answers",
    item=QuestionOut,
    key="question_id",
    body=QuestionAnswerIn,
    rows=lambda person: person.access_questions.select_related("person"),
    what="question",
    change=lambda question, payload, person, **common: services.question_answer(
        question=question, answer=payload.answer, **common
    ),
    method="post",
    person=_person_to_answer_for,
)


# --- Withholding an item from the person (P-2) ------------------------------------------------


class WithholdingOut(Schema):
    id: uuid.UUID
    version: int
    item_type: str
    item_id: str
    grounds: str
    reason: str
    review_on: datetime.date
    agreed_at: datetime.datetime | None
    ended_at: datetime.datetime | None


class WithholdingIn(Strict):
    item_type: str = Field(..., max_length=100, description="The item's kind, e.g. risk.Risk.")
    item_id: str = Field(..., max_length=64)
    grounds: str = Field(..., max_length=15, description="serious_harm or third_party.")
    reason: str = Field(..., max_length=2000)
    review_on: datetime.date = Field(..., description="A date in the future to look again.")


@router.post(
    "/people/{uuid:person_id}/withholdings",
    response=answers({201: WithholdingOut}, write=True),
    url_name="withholdings",
    summary="Propose to keep one item of the record from the person; nothing is hidden "
    "until a team leader other than you agrees",
)
def withholding_propose(
    request: HttpRequest, person_id: uuid.UUID, payload: WithholdingIn, response: HttpResponse
):
    person = _person_to_answer_for(request)
    if selectors.staff_item(person, f"{payload.item_type}:{payload.item_id}") is None:
        raise ValidationError({"item_id": "There is no such item on this person's record."})
    row = services.withholding_propose(
        actor=actor_of(request),
        person=person,
        label=payload.item_type,
        item_id=payload.item_id,
        grounds=payload.grounds,
        reason=payload.reason,
        review_on=payload.review_on,
    )
    return created(response, person.withholdings.get(pk=row.pk))


detail_route(
    router,
    "/people/{uuid:person_id}/withholdings/{uuid:withholding_id}",
    name="withholding_detail",
    url_name="withholding",
    summary="One item withheld, or proposed to be withheld, from the person (ETag)",
    item=WithholdingOut,
    key="withholding_id",
    rows=lambda person: person.withholdings,
    what="withholding",
    person=_person_to_answer_for,
)


def _decide(request: HttpRequest, withholding_id: uuid.UUID, response: HttpResponse, service):
    def decide(row, *, actor, expected_version):
        # The service refuses a stale version, an ended withholding and a second agreement.
        service(actor=actor, withholding=row, expected_version=expected_version)

    return change_one(
        request,
        response,
        _person_to_answer_for(request).withholdings.select_related("person"),
        withholding_id,
        "withholding",
        decide,
    )


@router.post(
    "/people/{uuid:person_id}/withholdings/{uuid:withholding_id}/agreement",
    response=answers({200: WithholdingOut}, write=True),
    url_name="withholding_agreement",
    summary="Agree to withhold the item (If-Match): a team leader of the person's team, "
    "other than the worker who proposed it",
)
def withholding_agree(
    request: HttpRequest,
    person_id: uuid.UUID,
    withholding_id: uuid.UUID,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _decide(request, withholding_id, response, services.withholding_agree)


@router.post(
    "/people/{uuid:person_id}/withholdings/{uuid:withholding_id}/end",
    response=answers({200: WithholdingOut}, write=True),
    url_name="withholding_end",
    summary="End a withholding, reconsidered (If-Match): the person sees the item again",
)
def withholding_end(
    request: HttpRequest,
    person_id: uuid.UUID,
    withholding_id: uuid.UUID,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _decide(request, withholding_id, response, services.withholding_end)


# --- Inviting the person, or someone acting for them (P-1) -----------------------------------


class InvitationIn(Strict):
    kind: Literal["self", "proxy"] = Field(
        ..., description="self: the person; proxy: someone acting for them."
    )
    name: str = Field(..., max_length=200)
    channel: Literal["in_person", "email"] = Field(
        ..., description="in_person: you give the code; email: it is sent to `email`."
    )
    email: str = Field("", max_length=254, description="For channel email.")
    relationship: str = Field("", max_length=100, description="A proxy's: who they are.")
    basis: Literal["", "authorised", "parent", "guardian", "attorney"] = Field(
        "", description="A proxy's right to act for the person."
    )
    legal_reference: str = Field("", max_length=200)
    valid_until: datetime.date | None = None
    hidden_sections: list[str] = Field(
        default_factory=list, max_length=20, description="Sections a proxy does not see."
    )
    young_person_agreed_on: datetime.date | None = None
    young_person_agreement: str = Field("", max_length=300)


class InvitationIssuedOut(Schema):
    id: uuid.UUID
    kind: str
    name: str
    channel: str
    expires_at: datetime.datetime
    code: str = Field(
        ...,
        description="The one-time code, in this answer only: it is never readable again. "
        "Give it to them, or it has been e-mailed.",
    )


@router.post(
    "/people/{uuid:person_id}/invitations",
    response=answers({201: InvitationIssuedOut}, write=True),
    url_name="invitations",
    summary="Invite the person, or someone acting for them, to see the record: a one-time "
    "code, valid 14 days, in this answer only (a newer invitation for the same name "
    "replaces an older one)",
)
def invitation_issue(
    request: HttpRequest, person_id: uuid.UUID, payload: InvitationIn, response: HttpResponse
):
    person = _person_to_answer_for(request)
    if payload.email:
        try:
            validate_email(payload.email)
        except ValidationError:
            raise ValidationError({"email": "Enter a valid e-mail address."}) from None
    issued = services.invitation_issue(actor=actor_of(request), person=person, **payload.dict())
    response["Cache-Control"] = "no-store"
    invitation = issued.invitation
    return Status(
        201,
        {
            "id": invitation.pk,
            "kind": invitation.kind,
            "name": invitation.name,
            "channel": invitation.channel,
            "expires_at": invitation.expires_at,
            "code": issued.code,
        },
    )


# --- Ending someone's access to the record (P-1) ---------------------------------------------


class RecordLinkOut(Schema):
    id: uuid.UUID
    version: int
    kind: str
    relationship: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    ended_at: datetime.datetime | None
    end_reason: str


class LinkEndIn(Strict):
    reason: str = Field(..., max_length=300, description="Why their access is ending.")


detail_route(
    router,
    "/people/{uuid:person_id}/record-links/{uuid:link_id}",
    name="link_detail",
    url_name="record_link",
    summary="One sign-in to the person's record: the person's own or a proxy's (ETag)",
    item=RecordLinkOut,
    key="link_id",
    rows=lambda person: person.portal_links,
    what="sign-in to this record",
    person=_person_to_answer_for,
)


@router.post(
    "/people/{uuid:person_id}/record-links/{uuid:link_id}/end",
    response=answers({200: RecordLinkOut}, write=True),
    url_name="record_link_end",
    summary="End someone's access to the person's record, with the reason (If-Match)",
)
def link_end(
    request: HttpRequest,
    person_id: uuid.UUID,
    link_id: uuid.UUID,
    payload: LinkEndIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    def end(link, *, actor, expected_version):
        # The service refuses a stale version and access that has ended already.
        services.link_end(
            actor=actor, link=link, reason=payload.reason, expected_version=expected_version
        )

    return change_one(
        request,
        response,
        _person_to_answer_for(request).portal_links.select_related("person"),
        link_id,
        "sign-in to this record",
        end,
    )
