"""Personal outcomes with their step-5 checks and every wording they have had."""

from __future__ import annotations

import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router

from goldenthread.outcomes import services
from goldenthread.outcomes.models import OutcomeCheckAnswer

from ..schemas import OutcomeIn, OutcomeOut, OutcomePatch, OutcomeSummary
from ..selectors import positive_change_of
from .common import (
    IF_MATCH,
    actor_of,
    answers,
    change_one,
    created,
    one,
    person_of,
)
from .routes import detail_route, list_route, questionnaire_routes

router = Router(tags=["Outcomes"])


def outcomes_of(person):
    return person.outcomes.prefetch_related("check_answers", "wordings")


list_route(
    router,
    "/people/{uuid:person_id}/outcomes",
    name="outcome_list",
    url_name="outcomes",
    summary="The person's outcomes (every status), oldest first",
    item=OutcomeSummary,
    rows=lambda person: person.outcomes.all(),
    order=("created_at", "id"),
)


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


detail_route(
    router,
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}",
    name="outcome_detail",
    url_name="outcome",
    summary="An outcome, its checks (the practitioner's answers beside the checker's "
    "suggestions) and its wordings",
    item=OutcomeOut,
    key="outcome_id",
    rows=lambda person: outcomes_of(person),
    what="outcome",
)


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


questionnaire_routes(
    router,
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/check",
    names=("outcome_check_detail", "outcome_check_save"),
    url_name="outcome_check",
    summaries=(
        "Step 5: the eight questions about an outcome, the practitioner's answers "
        "beside what the checker suggests (ETag: the check's version)",
        "Answer step 5's questions about an open outcome (If-Match: the check's ETag); "
        "the practitioner's answer wins, the checker's suggestion stays beside it",
    ),
    key="outcome_id",
    model=OutcomeCheckAnswer,
    parent=lambda person, pk: one(person.outcomes, pk, "outcome"),
    rows=lambda person, outcome: outcome.check_answers.all(),
    save=lambda request, person, outcome: partial(
        services.outcome_check_record, actor=actor_of(request), outcome=outcome
    ),
)
