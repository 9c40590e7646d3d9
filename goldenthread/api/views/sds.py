"""SDS choices, budgets and their decisions, decisions shared with the person, unmet need.

After a rewrite at a review (#16) a budget line and an unmet need can be linked to the
outcome they serve now; a line that pays for a solution moves with the solution, as on
its page. A budget line has no version column (it is never edited, only relinked): its
ETag is its number of change records (sds.selectors.budget_line_version).

A budget request is decided here as on its page: the service decides who may (delegated
limits, four eyes: whoever sent a request never agrees or declines it) and a refused
decision leaves exactly one access-log row, a refused change (CHANGE_REFUSED) with the
service's reason, written where it is refused (sds.services, ADR 0006), which settles the
call's own row (auth.settle_access writes nothing more).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from goldenthread.outcomes.services import NOT_THEIR_OUTCOME
from goldenthread.sds import services
from goldenthread.sds.authority import authority_for
from goldenthread.sds.models import Accepted
from goldenthread.sds.selectors import budget_line_version
from goldenthread.support.services import solution_move

from ..concurrency import expected_version
from ..errors import ApiProblem
from ..pagination import page_of
from ..schemas import (
    BudgetRequestIn,
    BudgetRequestOut,
    BudgetRequestSummary,
    DecideIn,
    DecisionAuthorityOut,
    DecisionOut,
    FirstChoiceIn,
    FirstChoiceOut,
    IndicativeBudgetIn,
    IndicativeBudgetOut,
    MixIn,
    SdsChoiceIn,
    SdsOut,
    SharingIn,
    Strict,
    UnmetNeedIn,
    UnmetNeedMet,
    UnmetNeedOut,
)
from .common import (
    IF_MATCH,
    PageParams,
    actor_of,
    answers,
    chosen,
    chosen_outcome,
    fields_renamed,
    one,
    paged,
    person_of,
    tagged,
    tagged_if_made,
    with_etag,
)
from .routes import add_route, change_route, detail_route, list_route

router = Router(tags=["SDS, budgets and unmet need"])


@router.get(
    "/people/{uuid:person_id}/sds",
    response=answers({200: SdsOut}),
    url_name="sds",
    summary="SDS options explained, the person's choice, first choices not "
    "delivered and the likely budgets they were told",
)
def sds_detail(request: HttpRequest, person_id: uuid.UUID, response: HttpResponse):
    person = person_of(request)
    return _sds_of(person, getattr(person, "sds_choice", None), response)


def _sds_of(person, choice, response: HttpResponse) -> dict:
    tagged_if_made(response, choice)
    return {
        "choice": choice,
        "first_choices_not_delivered": list(
            person.first_choices_not_delivered.order_by("created_at", "id")
        ),
        "indicative_budgets": list(person.indicative_budgets.order_by("told_on", "at")),
    }


@router.put(
    "/people/{uuid:person_id}/sds",
    response=answers({200: SdsOut}, write=True),
    url_name="sds",
    summary="Record which SDS options were explained, how and when, and the person's "
    'choice and why (If-Match: the ETag read, "0" when nothing is recorded yet)',
)
def sds_record(
    request: HttpRequest,
    person_id: uuid.UUID,
    payload: SdsChoiceIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    version = expected_version(request)
    stored = getattr(person, "sds_choice", None)
    if stored is None and version != 0:
        raise ApiProblem(
            412,
            'Nothing is recorded yet: send If-Match: "0" to record the options.',
            current_version=0,
        )
    options = [item.option for item in payload.explanations]
    if len(set(options)) != len(options):
        raise ValidationError({"explanations": "Give each option once."})
    conversation = chosen(
        person.conversations,
        payload.conversation_id,
        "conversation_id",
        "Choose one of this person's conversations.",
    )
    explanations = [
        services.Explanation(
            option=item.option,
            explained=item.explained,
            ways=frozenset(item.ways),
            other_way=item.other_way,
            explained_on=item.explained_on,
        )
        for item in payload.explanations
    ]
    choice = services.sds_options_record(
        actor=actor_of(request),
        person=person,
        explanations=explanations,
        chosen_option=payload.chosen_option,
        chosen_on=payload.chosen_on,
        reasons=payload.reasons,
        conversation=conversation,
        expected_version=version if stored is not None else None,
    )
    return _sds_of(person, choice, response)


@router.put(
    "/people/{uuid:person_id}/sds/mix",
    response=answers({200: SdsOut}, write=True),
    url_name="sds_mix",
    summary='Option 4 (a mix): which parts of the support go by which option; "" leaves a '
    "part out (If-Match: the ETag of the SDS record)",
)
def sds_mix_record(
    request: HttpRequest,
    person_id: uuid.UUID,
    payload: MixIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    version = expected_version(request)
    wanted = [part.solution_id for part in payload.parts]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"parts": "Give each part of the support once."})
    solutions = {s.pk: s for s in person.support_solutions.filter(pk__in=wanted)}
    unknown = [n for n, pk in enumerate(wanted) if pk not in solutions]
    if unknown:
        raise ValidationError(
            {f"parts.{n}.solution_id": "Choose one of this person's solutions." for n in unknown}
        )
    choice = services.sds_mix_record(
        actor=actor_of(request),
        person=person,
        parts={solutions[part.solution_id]: part.option for part in payload.parts},
        expected_version=version,
    )
    return _sds_of(person, choice, response)


@router.post(
    "/people/{uuid:person_id}/sds/indicative-budgets",
    response=answers({201: IndicativeBudgetOut}, write=True),
    url_name="indicative_budgets",
    summary="Record the likely budget the person was told, whatever option they choose",
)
def indicative_budget_add(request: HttpRequest, person_id: uuid.UUID, payload: IndicativeBudgetIn):
    budget = services.indicative_budget_record(
        actor=actor_of(request), person=person_of(request), **payload.dict()
    )
    return Status(201, budget)


add_route(
    router,
    "/people/{uuid:person_id}/sds/first-choices-not-delivered",
    name="first_choice_not_delivered_add",
    url_name="first_choices_not_delivered",
    summary="Record that the person's first choice cannot be delivered: why, the "
    "alternative, the plan; the unmet need it leaves and a decision for the person are "
    "recorded with it",
    item=FirstChoiceOut,
    body=FirstChoiceIn,
    service=lambda **made: services.first_choice_not_delivered_record(**made),
    outcome=True,
)


# --- Budget requests ---------------------------------------------------------------------


def requests_of(person):
    return person.budget_requests.select_related("requested_by")


@router.get(
    "/people/{uuid:person_id}/budget-requests",
    response=answers({200: page_of(BudgetRequestSummary)}),
    url_name="budget_requests",
    summary="The person's budget requests, oldest first",
)
def budget_request_list(request: HttpRequest, person_id: uuid.UUID, params: Query[PageParams]):
    return paged(request, params, requests_of(person_of(request)), "submitted_at", "id")


@router.post(
    "/people/{uuid:person_id}/budget-requests",
    response=answers({201: BudgetRequestOut, 200: BudgetRequestOut}, write=True),
    url_name="budget_requests",
    summary="Ask for a budget, with its breakdown (the total is worked out from the "
    "lines). 200 when the same submission_token made a request already",
)
def budget_request_create(
    request: HttpRequest, person_id: uuid.UUID, payload: BudgetRequestIn, response: HttpResponse
):
    person = person_of(request)
    lines = []
    problems: dict[str, str] = {}
    for number, line in enumerate(payload.lines, start=1):
        outcome = solution = None
        if line.outcome_id is not None:
            outcome = person.outcomes.filter(pk=line.outcome_id).first()
            if outcome is None:
                problems[f"lines.{number - 1}.outcome_id"] = NOT_THEIR_OUTCOME
        if line.solution_id is not None:
            solution = (
                person.support_solutions.select_related("outcome")
                .filter(pk=line.solution_id)
                .first()
            )
            if solution is None:
                problems[f"lines.{number - 1}.solution_id"] = (
                    "Choose one of this person's solutions."
                )
        lines.append(
            services.LineInput(
                description=line.description,
                amount=line.amount,
                period=line.period,
                outcome=outcome,
                solution=solution,
            )
        )
    if problems:
        raise ValidationError(problems)
    budget_request = services.budget_request_submit(
        actor=actor_of(request),
        person=person,
        lines=lines,
        start_date=payload.start_date,
        end_date=payload.end_date,
        case_for_request=payload.case_for_request,
        contribution=payload.contribution,
        contribution_period=payload.contribution_period,
        contribution_note=payload.contribution_note,
        submission_token=payload.submission_token,
    )
    with_etag(response, budget_request.version)
    status = 200 if budget_request.repeated_submission else 201
    return Status(status, requests_of(person).get(pk=budget_request.pk))


@router.get(
    "/people/{uuid:person_id}/budget-requests/{uuid:request_id}",
    response=answers({200: BudgetRequestOut}),
    url_name="budget_request",
    summary="A budget request, its breakdown and its history",
)
def budget_request_detail(
    request: HttpRequest, person_id: uuid.UUID, request_id: uuid.UUID, response: HttpResponse
):
    return tagged(response, one(requests_of(person_of(request)), request_id, "budget request"))


def _authority(request: HttpRequest, budget_request) -> dict:
    authority = authority_for(actor_of(request), budget_request, sees_person=True)
    return {
        "request_id": budget_request.pk,
        "version": budget_request.version,
        "status": budget_request.status,
        "may_decide": authority.may_decide,
        "may_refer": authority.may_refer,
        "why_not": authority.why_not,
        "events": list(budget_request.events.order_by("at", "id")),
    }


@router.get(
    "/people/{uuid:person_id}/budget-requests/{uuid:request_id}/decision",
    response=answers({200: DecisionAuthorityOut}),
    url_name="budget_request_decision",
    summary="Whether you may agree, decline or refer this request, and why not",
)
def budget_request_decision_get(
    request: HttpRequest, person_id: uuid.UUID, request_id: uuid.UUID, response: HttpResponse
):
    budget_request = one(requests_of(person_of(request)), request_id, "budget request")
    with_etag(response, budget_request.version)
    return _authority(request, budget_request)


@router.post(
    "/people/{uuid:person_id}/budget-requests/{uuid:request_id}/decision",
    response=answers({200: DecisionAuthorityOut}, write=True),
    url_name="budget_request_decision",
    summary="Agree, decline or refer the request to the decision panel (If-Match). "
    "Nobody decides a request they sent; limits apply",
)
def budget_request_decide(
    request: HttpRequest,
    person_id: uuid.UUID,
    request_id: uuid.UUID,
    payload: DecideIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    budget_request = one(requests_of(person), request_id, "budget request")
    actor = actor_of(request)
    # A refused decision writes its one row here, a refused change with why, and settles
    # the call's row (audit.services.change_refused): nothing else is written.
    services.check_decision_allowed(
        actor=actor, budget_request=budget_request, action=payload.action, http_request=request
    )
    version = expected_version(request)
    services.budget_request_decide(
        actor=actor,
        budget_request=budget_request,
        action=payload.action,
        expected_version=version,
        reasons=payload.reasons,
        reasons_for_person=payload.reasons_for_person,
        http_request=request,
    )
    budget_request = requests_of(person).get(pk=budget_request.pk)
    with_etag(response, budget_request.version)
    return _authority(request, budget_request)


# --- Decisions shared with the person ----------------------------------------------------


list_route(
    router,
    "/people/{uuid:person_id}/decisions",
    name="decision_list",
    url_name="decisions",
    summary="Decisions about the person's choices, support or budget, with reasons and "
    "when they were shared",
    item=DecisionOut,
    rows=lambda person: person.sds_decisions.prefetch_related("sharings"),
    order=("at", "id"),
)


@router.post(
    "/people/{uuid:person_id}/decisions/{uuid:decision_id}/sharings",
    response=answers({201: DecisionOut}, write=True),
    url_name="decision_sharings",
    summary="Record that a decision and its reasons were shown or explained to the "
    "person: when and how",
)
def decision_sharing_add(
    request: HttpRequest, person_id: uuid.UUID, decision_id: uuid.UUID, payload: SharingIn
):
    decisions = person_of(request).sds_decisions.prefetch_related("sharings")
    decision = one(decisions, decision_id, "decision")
    services.decision_sharing_record(
        actor=actor_of(request),
        decision=decision,
        shared_on=payload.shared_on,
        how=payload.how,
    )
    return Status(201, one(decisions, decision_id, "decision"))


class DecisionIn(Strict):
    """A decision about the person's choices, support or budget, with the reasons as they
    were explained to them; and, if it has been shared already, when and how."""

    about: str = Field(..., max_length=10, description="choices, support or budget.")
    summary: str = Field(..., max_length=2000, description="What was decided.")
    reasons: str = Field(..., max_length=4000)
    decided_on: datetime.date
    decided_by: str = Field(..., max_length=300)
    shared_on: datetime.date | None = None
    shared_how: str = Field(
        "", max_length=20, description="How it was shared (with shared_on), e.g. letter."
    )


@router.post(
    "/people/{uuid:person_id}/decisions",
    response=answers({201: DecisionOut}, write=True),
    url_name="decisions",
    summary="Record a decision about the person's choices, support or budget, with its "
    "reasons (and, if it was shared with them already, when and how)",
)
def decision_add(request: HttpRequest, person_id: uuid.UUID, payload: DecisionIn):
    person = person_of(request)
    decision = services.decision_record(actor=actor_of(request), person=person, **payload.dict())
    return Status(
        201, one(person.sds_decisions.prefetch_related("sharings"), decision.pk, "decision")
    )


# --- Checks that the person understood (Std 4.1, 4.2) -------------------------------------


class UnderstandingCheckOut(Schema):
    id: uuid.UUID
    about: str
    decision_id: uuid.UUID | None
    checked_on: datetime.date
    how_checked: str
    understood: str
    help_given: str
    what_done: str


class UnderstandingCheckIn(Strict):
    about: str = Field(..., max_length=15, description="sds_options, decision or budget.")
    decision_id: uuid.UUID | None = Field(
        None, description="The decision explained (needed when about is decision)."
    )
    checked_on: datetime.date
    how_checked: str = Field(..., max_length=2000)
    understood: str = Field(..., max_length=10, description="yes, partly or no.")
    help_given: str = Field(
        "",
        max_length=20,
        description="Unless understood: easy_read, interpreter, advocate, another_meeting "
        "or other.",
    )
    what_done: str = Field("", max_length=2000, description="Needed when help_given is other.")


list_route(
    router,
    "/people/{uuid:person_id}/understanding-checks",
    name="understanding_check_list",
    url_name="understanding_checks",
    summary="How the worker checked that the person understood an explanation (the SDS "
    "options, a decision, their budget), and what was done if not",
    item=UnderstandingCheckOut,
    rows=lambda person: person.understanding_checks.all(),
    order=("at", "id"),
)


@router.post(
    "/people/{uuid:person_id}/understanding-checks",
    response=answers({201: UnderstandingCheckOut}, write=True),
    url_name="understanding_checks",
    summary="Record how the worker checked that the person understood an explanation and, "
    "if not, what was done to help",
)
def understanding_check_add(
    request: HttpRequest, person_id: uuid.UUID, payload: UnderstandingCheckIn
):
    person = person_of(request)
    decision = chosen(
        person.sds_decisions,
        payload.decision_id,
        "decision_id",
        "Choose one of this person's decisions.",
    )
    with fields_renamed({"decision": "decision_id"}):
        check = services.understanding_check_record(
            actor=actor_of(request),
            person=person,
            decision=decision,
            **payload.dict(exclude={"decision_id"}),
        )
    return Status(201, check)


# --- Unmet need --------------------------------------------------------------------------


list_route(
    router,
    "/people/{uuid:person_id}/unmet-need",
    name="unmet_need_list",
    url_name="unmet_needs",
    summary="Need that is not met (and when it came to be met)",
    item=UnmetNeedOut,
    rows=lambda person: person.unmet_needs.all(),
    order=("identified_on", "created_at", "id"),
)


add_route(
    router,
    "/people/{uuid:person_id}/unmet-need",
    name="unmet_need_add",
    url_name="unmet_needs",
    summary="Record unmet need",
    item=UnmetNeedOut,
    body=UnmetNeedIn,
    service=lambda **made: services.unmet_need_record(**made),
    outcome=True,
)


detail_route(
    router,
    "/people/{uuid:person_id}/unmet-need/{uuid:unmet_need_id}",
    name="unmet_need_detail",
    url_name="unmet_need",
    summary="One unmet need",
    item=UnmetNeedOut,
    key="unmet_need_id",
    rows=lambda person: person.unmet_needs,
    what="unmet need",
)


change_route(
    router,
    "/people/{uuid:person_id}/unmet-need/{uuid:unmet_need_id}",
    name="unmet_need_met",
    url_name="unmet_need",
    summary="Record when, and how, the need came to be met (If-Match)",
    item=UnmetNeedOut,
    key="unmet_need_id",
    body=UnmetNeedMet,
    rows=lambda person: person.unmet_needs,
    what="unmet need",
    change=lambda need, payload, person, **common: services.unmet_need_mark_met(
        unmet_need=need, met_on=payload.met_on, how_met=payload.how_met, **common
    ),
)


# --- A first choice not delivered: the person's answer, the plan as it stands ------------


class FirstChoiceAnswerIn(Strict):
    """Whether the person accepted the alternative, and the plan to meet the need as it
    now stands."""

    alternative_accepted: Literal[tuple(Accepted.values)]  # type: ignore[valid-type]
    plan_to_meet_need: str = Field(..., max_length=4000)


detail_route(
    router,
    "/people/{uuid:person_id}/sds/first-choices-not-delivered/{uuid:shortfall_id}",
    name="first_choice_not_delivered_detail",
    url_name="first_choice_not_delivered",
    summary="One first choice that cannot be delivered",
    item=FirstChoiceOut,
    key="shortfall_id",
    rows=lambda person: person.first_choices_not_delivered,
    what="first choice",
)


change_route(
    router,
    "/people/{uuid:person_id}/sds/first-choices-not-delivered/{uuid:shortfall_id}",
    name="first_choice_answer",
    url_name="first_choice_not_delivered",
    summary="Record whether the person accepted the alternative, and the plan as it now "
    "stands (If-Match)",
    item=FirstChoiceOut,
    key="shortfall_id",
    body=FirstChoiceAnswerIn,
    rows=lambda person: person.first_choices_not_delivered,
    what="first choice",
    change=lambda record, payload, person, **common: services.first_choice_answer_record(
        record=record, **common, **payload.dict()
    ),
)


# --- Moving a budget line or an unmet need to the outcome it serves now -------------------


class MoveIn(Strict):
    """The open outcome of this person it serves now (after a rewrite, the new wording)."""

    outcome_id: uuid.UUID


class BudgetLineMovedOut(Schema):
    id: uuid.UUID
    version: int
    request_id: uuid.UUID
    position: int
    description: str
    outcome_id: uuid.UUID | None
    solution_id: uuid.UUID | None


def _line_of(person, request_id: uuid.UUID, line_id: uuid.UUID):
    budget_request = one(person.budget_requests, request_id, "budget request")
    return one(budget_request.lines.select_related("request", "solution"), line_id, "budget line")


def _line_out(line, response: HttpResponse) -> dict:
    version = budget_line_version(line)
    with_etag(response, version)
    return {
        "id": line.pk,
        "version": version,
        "request_id": line.request_id,
        "position": line.position,
        "description": line.description,
        "outcome_id": line.outcome_id,
        "solution_id": line.solution_id,
    }


@router.get(
    "/people/{uuid:person_id}/budget-requests/{uuid:request_id}/lines/{uuid:line_id}",
    response=answers({200: BudgetLineMovedOut}),
    url_name="budget_line",
    summary="One line of a budget request, with the outcome it is linked to now",
)
def budget_line_detail(
    request: HttpRequest,
    person_id: uuid.UUID,
    request_id: uuid.UUID,
    line_id: uuid.UUID,
    response: HttpResponse,
):
    return _line_out(_line_of(person_of(request), request_id, line_id), response)


@router.post(
    "/people/{uuid:person_id}/budget-requests/{uuid:request_id}/lines/{uuid:line_id}/move",
    response=answers({200: BudgetLineMovedOut}, write=True),
    url_name="budget_line_move",
    summary="Link a budget line to another open outcome; what was asked for and agreed is "
    "kept. A line that pays for a solution moves with it: the solution is moved too "
    "(If-Match: the line's ETag)",
)
def budget_line_move(
    request: HttpRequest,
    person_id: uuid.UUID,
    request_id: uuid.UUID,
    line_id: uuid.UUID,
    payload: MoveIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    line = _line_of(person, request_id, line_id)
    version = expected_version(request)
    outcome = chosen_outcome(person, payload.outcome_id)
    actor = actor_of(request)
    with transaction.atomic():
        if line.solution_id and line.solution.outcome_id != outcome.pk:
            # The support and the line it pays for move together (as on the line's page).
            solution_move(actor=actor, solution=line.solution, to_outcome=outcome)
        services.budget_line_move(
            actor=actor, line=line, to_outcome=outcome, expected_version=version
        )
    return _line_out(_line_of(person, request_id, line_id), response)


change_route(
    router,
    "/people/{uuid:person_id}/unmet-need/{uuid:unmet_need_id}/move",
    name="unmet_need_move",
    url_name="unmet_need_move",
    summary="Link need not yet met to another open outcome of the person (If-Match)",
    item=UnmetNeedOut,
    key="unmet_need_id",
    body=MoveIn,
    rows=lambda person: person.unmet_needs,
    what="unmet need",
    change=lambda need, payload, person, **common: services.unmet_need_move(
        need=need, to_outcome=chosen_outcome(person, payload.outcome_id), **common
    ),
    method="post",
)


# --- A request the panel returned, sent back to it ------------------------------------------


class ResubmitIn(Strict):
    information: str = Field(..., max_length=6000)


change_route(
    router,
    "/people/{uuid:person_id}/budget-requests/{uuid:request_id}/resubmission",
    name="budget_request_resubmit",
    url_name="budget_request_resubmission",
    summary="Send a request the decision panel returned back to it, with the information "
    "it asked for; it keeps its first referral date (If-Match)",
    item=BudgetRequestOut,
    key="request_id",
    body=ResubmitIn,
    rows=lambda person: requests_of(person),
    what="budget request",
    change=lambda budget_request, payload, person, **common: services.budget_request_resubmit(
        budget_request=budget_request, information=payload.information, **common
    ),
    method="post",
)
