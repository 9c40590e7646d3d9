"""Reviews: what was learned, each outcome's rating and decision, the person's own views.

An outcome at a review is one address: GET says what is recorded for it (nothing yet:
version 0), PUT records or changes the practitioner's review of it (If-Match: the version
read, "0" when nothing was recorded yet) through the same service as the review page.
The person's own views of it (REV-1) are added beside the practitioner's, never changed:
a later view is a new one, so adding one needs no If-Match.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from goldenthread.reviews import services

from ..concurrency import expected_version
from ..pagination import page_of, paginate
from ..schemas import (
    OutcomeAtReviewOut,
    OutcomeReviewIn,
    PersonViewIn,
    ReviewFinishIn,
    ReviewOut,
    ReviewStartIn,
    ReviewSummary,
)
from .common import IF_MATCH, answers, caller_of, one, person_of, with_etag
from .people import PageParams

router = Router(tags=["Reviews"])


def reviews_of(person):
    return person.reviews.select_related("conducted_by")


@router.get(
    "/people/{uuid:person_id}/reviews",
    response=answers({200: page_of(ReviewSummary)}),
    url_name="reviews",
    summary="The person's reviews, oldest first",
)
def review_list(request: HttpRequest, person_id: uuid.UUID, params: Query[PageParams]):
    return paginate(
        request,
        reviews_of(person_of(request)),
        order=("held_on", "created_at", "id"),
        limit=params.limit,
        cursor=params.cursor,
    )


@router.post(
    "/people/{uuid:person_id}/reviews",
    response=answers({201: ReviewOut}, write=True),
    url_name="reviews",
    summary="Start recording a review (one review is in progress at a time)",
)
def review_start(
    request: HttpRequest, person_id: uuid.UUID, payload: ReviewStartIn, response: HttpResponse
):
    person = person_of(request)
    review = services.review_start(
        actor=caller_of(request).user, person=person, held_on=payload.held_on
    )
    with_etag(response, review.version)
    return Status(201, one(reviews_of(person), review.pk, "review"))


@router.post(
    "/people/{uuid:person_id}/reviews/{uuid:review_id}/finish",
    response=answers({200: ReviewOut}, write=True),
    url_name="review_finish",
    summary="Finish a review in progress (If-Match: the review's ETag): every open outcome "
    "reviewed, what was learned written, the next review date set. A finished review is "
    "never changed",
)
def review_finish(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    payload: ReviewFinishIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    review = one(reviews_of(person), review_id, "review")
    version = expected_version(request)
    services.review_complete(
        actor=caller_of(request).user,
        review=review,
        expected_version=version,
        next_review_on=payload.next_review_on,
        what_learned=payload.what_learned,
    )
    review = one(reviews_of(person), review.pk, "review")
    with_etag(response, review.version)
    return review


@router.get(
    "/people/{uuid:person_id}/reviews/{uuid:review_id}",
    response=answers({200: ReviewOut}),
    url_name="review",
    summary="A review: what was learned, each outcome's rating, evidence and "
    "decision, the person's own views, and the solutions kept, changed or "
    "stopped",
)
def review_detail(
    request: HttpRequest, person_id: uuid.UUID, review_id: uuid.UUID, response: HttpResponse
):
    review = one(reviews_of(person_of(request)), review_id, "review")
    with_etag(response, review.version)
    return review


def _outcome_at_review(review, outcome) -> dict:
    outcome_review = review.outcome_reviews.filter(outcome=outcome).first()
    return {
        "review_id": review.pk,
        "outcome": outcome,
        "outcome_review": outcome_review,
        "person_views": list(review.person_views.filter(outcome=outcome).order_by("at", "id")),
    }


@router.get(
    "/people/{uuid:person_id}/reviews/{uuid:review_id}/outcomes/{uuid:outcome_id}",
    response=answers({200: OutcomeAtReviewOut}),
    url_name="review_outcome",
    summary="What is recorded for one outcome at one review (version 0: nothing yet)",
)
def review_outcome_detail(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    outcome_id: uuid.UUID,
    response: HttpResponse,
):
    person = person_of(request)
    review = one(reviews_of(person), review_id, "review")
    outcome = one(person.outcomes, outcome_id, "outcome")
    data = _outcome_at_review(review, outcome)
    with_etag(response, data["outcome_review"].version if data["outcome_review"] else 0)
    return data


@router.put(
    "/people/{uuid:person_id}/reviews/{uuid:review_id}/outcomes/{uuid:outcome_id}",
    response=answers({200: OutcomeAtReviewOut}, write=True),
    url_name="review_outcome",
    summary="Record the rating, evidence and decision for an outcome at a review in "
    'progress (If-Match: the version read, "0" for none yet). Rewrite '
    "needs the new wording; close closes the outcome",
)
def review_outcome_record(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: OutcomeReviewIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    review = one(reviews_of(person), review_id, "review")
    outcome = one(person.outcomes, outcome_id, "outcome")
    version = expected_version(request)
    rewrite = services.Rewrite(**payload.rewrite.dict()) if payload.rewrite else None
    services.outcome_review_record(
        actor=caller_of(request).user,
        review=review,
        outcome=outcome,
        rating=payload.rating,
        evidence=payload.evidence,
        decision=payload.decision,
        new_measure_value=payload.new_measure_value,
        rewrite=rewrite,
        expected_version=version or None,
    )
    outcome.refresh_from_db()
    data = _outcome_at_review(review, outcome)
    with_etag(response, data["outcome_review"].version)
    return data


@router.post(
    "/people/{uuid:person_id}/reviews/{uuid:review_id}/outcomes/{uuid:outcome_id}/views",
    response=answers({201: OutcomeAtReviewOut}, write=True),
    url_name="review_outcome_views",
    summary="Add the person's own view of an outcome at a review, in their words (or of "
    "someone speaking for them); kept beside the practitioner's and never changed. May be "
    "added after the review is finished",
)
def person_view_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: PersonViewIn,
):
    person = person_of(request)
    review = one(reviews_of(person), review_id, "review")
    outcome = one(person.outcomes, outcome_id, "outcome")
    services.person_view_add(
        actor=caller_of(request).user, review=review, outcome=outcome, **payload.dict()
    )
    return Status(201, _outcome_at_review(review, outcome))
