"""Personal outcomes with their step-5 checks and every wording they have had."""

from __future__ import annotations

import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from goldenthread.outcomes import services
from goldenthread.outcomes.models import OutcomeCheckAnswer

from ..pagination import page_of
from ..questionnaires import (
    QuestionnaireIn,
    QuestionnaireOut,
    questionnaire_read,
    questionnaire_write,
)
from ..schemas import OutcomeIn, OutcomeOut, OutcomePatch, OutcomeSummary
from ..selectors import positive_change_of
from .common import (
    IF_MATCH,
    PageParams,
    actor_of,
    answers,
    change_one,
    created,
    one,
    paged,
    person_of,
    tagged,
)

router = Router(tags=["Outcomes"])


def outcomes_of(person):
    return person.outcomes.prefetch_related("check_answers", "wordings")


@router.get(
    "/people/{uuid:person_id}/outcomes",
    response=answers({200: page_of(OutcomeSummary)}),
    url_name="outcomes",
    summary="The person's outcomes (every status), oldest first",
)
def outcome_list(request: HttpRequest, person_id: uuid.UUID, params: Query[PageParams]):
    return paged(request, params, person_of(request).outcomes.all(), "created_at", "id")


@router.post(
    "/people/{uuid:person_id}/outcomes",
    response=answers({201: OutcomeOut}, write=True),
    url_name="outcomes",
    summary="Write an outcome from one of the person's positive changes",
)
def outcome_create(
    request: HttpRequest, person_id: uuid.UUID, payload: OutcomeIn, response: HttpResponse
):
    person = person_of(request)
    change = positive_change_of(person, payload.positive_change_id)
    if change is None:
        raise ValidationError(
            {"positive_change_id": "Choose one of this person's positive changes."}
        )
    data = payload.dict(exclude={"positive_change_id"})
    outcome = services.outcome_create(actor=actor_of(request), positive_change=change, **data)
    return created(response, outcomes_of(person).get(pk=outcome.pk))


@router.get(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}",
    response=answers({200: OutcomeOut}),
    url_name="outcome",
    summary="An outcome, its checks (the practitioner's answers beside the checker's "
    "suggestions) and its wordings",
)
def outcome_detail(
    request: HttpRequest, person_id: uuid.UUID, outcome_id: uuid.UUID, response: HttpResponse
):
    return tagged(response, one(outcomes_of(person_of(request)), outcome_id, "outcome"))


@router.patch(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}",
    response=answers({200: OutcomeOut}, write=True),
    url_name="outcome",
    summary="Change an open outcome (If-Match); a new wording keeps the old ones",
)
def outcome_update(
    request: HttpRequest,
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: OutcomePatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    changes = payload.dict(exclude_unset=True)

    def change(outcome, **common):
        values = {
            name: changes.get(name, getattr(outcome, name))
            for name in ("statement", "baseline", "measure", "target_date", "assessed_need")
        }
        for name in ("statement", "baseline", "measure", "assessed_need"):
            if values[name] is None:
                values[name] = getattr(outcome, name)
        services.outcome_update(outcome=outcome, **common, **values)

    return change_one(
        request,
        response,
        person.outcomes,
        outcome_id,
        "outcome",
        change,
        read_back=outcomes_of(person),
    )


@router.get(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/check",
    response=answers({200: QuestionnaireOut}),
    url_name="outcome_check",
    summary="Step 5: the eight questions about an outcome, the practitioner's answers "
    "beside what the checker suggests (ETag: the check's version)",
)
def outcome_check_detail(
    request: HttpRequest, person_id: uuid.UUID, outcome_id: uuid.UUID, response: HttpResponse
):
    outcome = one(person_of(request).outcomes, outcome_id, "outcome")
    return questionnaire_read(OutcomeCheckAnswer, outcome.check_answers.all(), response)


@router.put(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/check",
    response=answers({200: QuestionnaireOut}, write=True),
    url_name="outcome_check",
    summary="Answer step 5's questions about an open outcome (If-Match: the check's ETag); "
    "the practitioner's answer wins, the checker's suggestion stays beside it",
)
def outcome_check_save(
    request: HttpRequest,
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: QuestionnaireIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    outcome = one(person_of(request).outcomes, outcome_id, "outcome")
    return questionnaire_write(
        request,
        response,
        model=OutcomeCheckAnswer,
        rows=lambda: outcome.check_answers.all(),
        payload=payload,
        save=partial(services.outcome_check_record, actor=actor_of(request), outcome=outcome),
    )
