"""Accountability: agreement to the plan or an outcome, independent advocacy, challenges
and complaints through both stages, and transitions (moves the person makes) — through the
same services as the pages (the same checks, versions and change history).

A challenge's steps after it is received (stage 2, the answer, an extension of the time
to answer, mediation) change the challenge, so they need its ETag in If-Match; an
escalation to an outside body only adds a step to its history, as a person's view does.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from goldenthread.accountability import services
from goldenthread.accountability.models import (
    AdvocacyAnswer,
    ChallengeAbout,
    ChallengeOutcome,
    EscalationBody,
    Mediation,
    RaisedBy,
    TransitionKind,
)
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import Agreed, AgreedHow, AgreementWhose

from ..schemas import Strict, in_order, patch_of, submission_token_field
from .common import (
    IF_MATCH,
    actor_of,
    answers,
    change_one,
    chosen,
    chosen_outcome,
    created,
    one,
    person_of,
    tagged,
)
from .routes import add_route, change_route, detail_route, list_route, patched

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
    outcome = chosen_outcome(person, data.pop("outcome_id"))
    row = outcome_services.agreement_record(
        actor=actor_of(request), person=person, outcome=outcome, **data
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


add_route(
    router,
    "/people/{uuid:person_id}/advocacy",
    name="advocacy_add",
    url_name="advocacy_list",
    summary="Record that the person needs independent advocacy, and as much of the offer, "
    "referral and start as is known",
    item=AdvocacyOut,
    body=AdvocacyIn,
    service=lambda **made: services.advocacy_record(**made),
)


detail_route(
    router,
    "/people/{uuid:person_id}/advocacy/{uuid:advocacy_id}",
    name="advocacy_detail",
    url_name="advocacy",
    summary="One record of independent advocacy",
    item=AdvocacyOut,
    key="advocacy_id",
    rows=lambda person: person.advocacy,
    what="advocacy record",
)


change_route(
    router,
    "/people/{uuid:person_id}/advocacy/{uuid:advocacy_id}",
    name="advocacy_change",
    url_name="advocacy",
    summary="Record the offer, the answer, the referral or the start (If-Match)",
    item=AdvocacyOut,
    key="advocacy_id",
    body=AdvocacyPatch,
    rows=lambda person: person.advocacy,
    what="advocacy record",
    # null clears a date that may be empty; for anything else it leaves the field as it is.
    change=lambda advocacy, payload, person, **common: services.advocacy_update(
        advocacy=advocacy, **common, **patched(payload, CLEARABLE_DATES)
    ),
)


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
    submission_token: uuid.UUID | None = submission_token_field("challenge")


class ChallengeEventOut(Schema):
    """One step of a challenge, as it happened (never changed)."""

    id: uuid.UUID
    kind: str
    stage: str
    on: datetime.date
    due_on: datetime.date | None
    previous_due_on: datetime.date | None
    outcome: str
    mediation: str
    body: str
    reference: str
    text: str
    what_changed: str
    agreed_by: str
    at: datetime.datetime


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
    stage_started_on: datetime.date
    due_on: datetime.date
    outcome: str
    answer: str
    what_changed: str
    answered_on: datetime.date | None
    mediation: str
    events: list[ChallengeEventOut]

    resolve_events = in_order("events", "on", "at", "id")


def challenges_of(person):
    return person.challenges.prefetch_related("events")


list_route(
    router,
    "/people/{uuid:person_id}/challenges",
    name="challenge_list",
    url_name="challenges",
    summary="The person's challenges and complaints, oldest first, each with its history",
    item=ChallengeOut,
    rows=lambda person: challenges_of(person),
    order=("raised_on", "created_at", "id"),
)


@router.post(
    "/people/{uuid:person_id}/challenges",
    response=answers({201: ChallengeOut, 200: ChallengeOut}, write=True),
    url_name="challenges",
    summary="Record a challenge or complaint received; its answer is due 5 working days "
    "after the day it was received. 200 when the same submission_token recorded it already",
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
        actor=actor_of(request), person=person, decision=decision, **data
    )
    if challenge.repeated_submission:
        return Status(200, tagged(response, challenge))
    return created(response, challenge)


detail_route(
    router,
    "/people/{uuid:person_id}/challenges/{uuid:challenge_id}",
    name="challenge_detail",
    url_name="challenge",
    summary="A challenge or complaint: its stage, what is due when, the answer and every "
    "step so far",
    item=ChallengeOut,
    key="challenge_id",
    rows=lambda person: challenges_of(person),
    what="challenge",
)


class InvestigationIn(Strict):
    """Stage 2: because it is complex, or because the person is not satisfied with the
    stage 1 answer."""

    started_on: datetime.date
    reason: str = Field(..., max_length=4000)


class ChallengeAnswerIn(Strict):
    outcome: Literal[tuple(ChallengeOutcome.values)]  # type: ignore[valid-type]
    answer: str = Field(..., max_length=6000)
    answered_on: datetime.date
    what_changed: str = Field("", max_length=4000)


class ExtensionIn(Strict):
    """More time to answer the current stage: the new date (a working day), the reason
    the person is given and the manager who agreed it."""

    due_on: datetime.date
    reason: str = Field(..., max_length=6000)
    agreed_by: str = Field(..., max_length=200)
    on: datetime.date | None = None


class MediationIn(Strict):
    mediation: Literal[tuple(m for m in Mediation.values if m != Mediation.NOT_OFFERED)]  # type: ignore[valid-type]
    on: datetime.date
    note: str = Field("", max_length=6000)


class EscalationIn(Strict):
    """Taken to an outside body: the SPSO after stage 2, or the Care Inspectorate or the
    SSSC about a care service or a worker (`other`: say which in `note`)."""

    body: Literal[tuple(EscalationBody.values)]  # type: ignore[valid-type]
    escalated_on: datetime.date
    reference: str = Field("", max_length=100)
    note: str = Field("", max_length=6000)


def _challenge_step(
    request: HttpRequest, challenge_id: uuid.UUID, response: HttpResponse, step, payload: Strict
):
    """Run one step that changes the challenge (If-Match), and answer with it as it is now."""
    return change_one(
        request,
        response,
        challenges_of(person_of(request)),
        challenge_id,
        "challenge",
        lambda challenge, **common: step(challenge=challenge, **common, **payload.dict()),
    )


@router.post(
    "/people/{uuid:person_id}/challenges/{uuid:challenge_id}/investigation",
    response=answers({200: ChallengeOut}, write=True),
    url_name="challenge_investigation",
    summary="Move the challenge to stage 2 (investigation), due 20 working days after it "
    "starts; the stage 1 answer stays in its history (If-Match)",
)
def challenge_to_investigation(
    request: HttpRequest,
    person_id: uuid.UUID,
    challenge_id: uuid.UUID,
    payload: InvestigationIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _challenge_step(
        request, challenge_id, response, services.challenge_to_investigation, payload
    )


@router.post(
    "/people/{uuid:person_id}/challenges/{uuid:challenge_id}/answer",
    response=answers({200: ChallengeOut}, write=True),
    url_name="challenge_answer",
    summary="Answer the challenge at its current stage: upheld, partly or not, the answer "
    "as given and what changed because of it (If-Match)",
)
def challenge_answer(
    request: HttpRequest,
    person_id: uuid.UUID,
    challenge_id: uuid.UUID,
    payload: ChallengeAnswerIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _challenge_step(request, challenge_id, response, services.challenge_answer, payload)


@router.post(
    "/people/{uuid:person_id}/challenges/{uuid:challenge_id}/extension",
    response=answers({200: ChallengeOut}, write=True),
    url_name="challenge_extension",
    summary="Extend the time to answer the current stage, with the reason and who agreed "
    "it; stage 1 to at most 10 working days (If-Match)",
)
def challenge_extend(
    request: HttpRequest,
    person_id: uuid.UUID,
    challenge_id: uuid.UUID,
    payload: ExtensionIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _challenge_step(request, challenge_id, response, services.challenge_extend, payload)


@router.post(
    "/people/{uuid:person_id}/challenges/{uuid:challenge_id}/mediation",
    response=answers({200: ChallengeOut}, write=True),
    url_name="challenge_mediation",
    summary="Record that mediation was offered, and the person's answer (If-Match)",
)
def challenge_mediation(
    request: HttpRequest,
    person_id: uuid.UUID,
    challenge_id: uuid.UUID,
    payload: MediationIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _challenge_step(request, challenge_id, response, services.challenge_mediation, payload)


@router.post(
    "/people/{uuid:person_id}/challenges/{uuid:challenge_id}/escalations",
    response=answers({201: ChallengeOut}, write=True),
    url_name="challenge_escalations",
    summary="Record that the complaint was taken to an outside body (a step added to its "
    "history; no If-Match)",
)
def challenge_escalate(
    request: HttpRequest,
    person_id: uuid.UUID,
    challenge_id: uuid.UUID,
    payload: EscalationIn,
    response: HttpResponse,
):
    challenges = challenges_of(person_of(request))
    challenge = one(challenges, challenge_id, "challenge")
    services.challenge_escalate(actor=actor_of(request), challenge=challenge, **payload.dict())
    challenge = one(challenges, challenge_id, "challenge")
    return created(response, challenge)


# --- Transitions (TR-1) -----------------------------------------------------------------------


class TransitionIn(Strict):
    """A move the person is making or will make, the outcomes it serves and who from
    their circle is part of it."""

    kind: Literal[tuple(TransitionKind.values)]  # type: ignore[valid-type]
    planned_on: datetime.date
    actual_on: datetime.date | None = None
    other_agencies: str = Field("", max_length=2000)
    receiving_details: str = Field("", max_length=2000)
    notes: str = Field("", max_length=4000)
    outcome_ids: list[uuid.UUID] = Field([], max_length=100)
    circle_member_ids: list[uuid.UUID] = Field([], max_length=100)


class TransitionPatch(patch_of(TransitionIn)):  # type: ignore[misc]
    """A change to a move: send only what changes. The lists, when sent, replace the
    outcomes and circle members it names; `actual_on: null` clears the date it happened."""


class TransitionOut(Schema):
    id: uuid.UUID
    version: int
    kind: str
    planned_on: datetime.date
    actual_on: datetime.date | None
    other_agencies: str
    receiving_details: str
    notes: str
    outcome_ids: list[uuid.UUID]
    circle_member_ids: list[uuid.UUID]

    @staticmethod
    def resolve_outcome_ids(obj) -> list:
        return sorted((o.pk for o in obj.outcomes.all()), key=str)

    @staticmethod
    def resolve_circle_member_ids(obj) -> list:
        return sorted((m.pk for m in obj.circle_members.all()), key=str)


def transitions_of(person):
    return person.transitions.prefetch_related("outcomes", "circle_members")


def _linked(person, outcome_ids, member_ids) -> tuple[list, list]:
    """The outcomes and circle members a body names, each one of this person's, or 422
    naming the field and the place in the list."""
    problems: dict[str, str] = {}
    outcomes = {o.pk: o for o in person.outcomes.filter(pk__in=outcome_ids)}
    members = {m.pk: m for m in person.circle.filter(pk__in=member_ids)}
    for n, pk in enumerate(outcome_ids):
        if pk not in outcomes:
            problems[f"outcome_ids.{n}"] = outcome_services.NOT_THEIR_OUTCOME
    for n, pk in enumerate(member_ids):
        if pk not in members:
            problems[f"circle_member_ids.{n}"] = "Choose someone from this person's circle."
    if len(set(outcome_ids)) != len(outcome_ids):
        problems["outcome_ids"] = "Give each outcome once."
    if len(set(member_ids)) != len(member_ids):
        problems["circle_member_ids"] = "Give each member of the circle once."
    if problems:
        raise ValidationError(problems)
    return [outcomes[pk] for pk in outcome_ids], [members[pk] for pk in member_ids]


list_route(
    router,
    "/people/{uuid:person_id}/transitions",
    name="transition_list",
    url_name="transitions",
    summary="The moves the person is making or made, by planned date",
    item=TransitionOut,
    rows=lambda person: transitions_of(person),
    order=("planned_on", "created_at", "id"),
)


@router.post(
    "/people/{uuid:person_id}/transitions",
    response=answers({201: TransitionOut}, write=True),
    url_name="transitions",
    summary="Record a move the person is making or will make, and the outcomes it serves",
)
def transition_add(
    request: HttpRequest, person_id: uuid.UUID, payload: TransitionIn, response: HttpResponse
):
    person = person_of(request)
    data = payload.dict()
    outcomes, members = _linked(person, data.pop("outcome_ids"), data.pop("circle_member_ids"))
    transition = services.transition_record(
        actor=actor_of(request),
        person=person,
        outcomes=outcomes,
        circle_members=members,
        **data,
    )
    transition = one(transitions_of(person), transition.pk, "move")
    return created(response, transition)


detail_route(
    router,
    "/people/{uuid:person_id}/transitions/{uuid:transition_id}",
    name="transition_detail",
    url_name="transition",
    summary="One move",
    item=TransitionOut,
    key="transition_id",
    rows=lambda person: transitions_of(person),
    what="move",
)


@router.patch(
    "/people/{uuid:person_id}/transitions/{uuid:transition_id}",
    response=answers({200: TransitionOut}, write=True),
    url_name="transition",
    summary="Change a move: its dates, who is involved, the outcomes it serves (If-Match)",
)
def transition_change(
    request: HttpRequest,
    person_id: uuid.UUID,
    transition_id: uuid.UUID,
    payload: TransitionPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    sent = payload.dict(exclude_unset=True)
    outcome_ids = sent.pop("outcome_ids", None)
    member_ids = sent.pop("circle_member_ids", None)
    # null clears the date it happened; for anything else it leaves the field as it is.
    changes = {k: v for k, v in sent.items() if v is not None or k == "actual_on"}

    def change(transition, **common):
        outcomes, members = _linked(
            person,
            [o.pk for o in transition.outcomes.all()] if outcome_ids is None else outcome_ids,
            [m.pk for m in transition.circle_members.all()] if member_ids is None else member_ids,
        )
        services.transition_update(
            transition=transition, outcomes=outcomes, circle_members=members, **common, **changes
        )

    return change_one(request, response, transitions_of(person), transition_id, "move", change)
