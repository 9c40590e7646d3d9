"""Reviews: what was learned, each outcome's rating and decision, the person's own views.

An outcome at a review is one address: GET says what is recorded for it (nothing yet:
version 0), PUT records or changes the practitioner's review of it (If-Match: the version
read, "0" when nothing was recorded yet) through the same service as the review page.
The person's own views of it (REV-1) are added beside the practitioner's, never changed:
a later view is a new one, so adding one needs no If-Match.
"""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from goldenthread.reviews import services
from goldenthread.reviews.models import SolutionDecision

from ..concurrency import expected_version, expected_version_of
from ..schemas import (
    OutcomeAtReviewOut,
    OutcomeReviewIn,
    PersonViewIn,
    ReviewFinishIn,
    ReviewOut,
    ReviewStartIn,
    ReviewSummary,
    SolutionReviewOut,
    Strict,
)
from .common import (
    IF_MATCH,
    actor_of,
    answers,
    change_one,
    one,
    person_of,
    tagged_if_made,
)
from .routes import add_route, detail_route, list_route

router = Router(tags=["Reviews"])

# One outcome, or one solution, at one review: read (GET) and recorded (PUT) at one address.
OUTCOME_AT_REVIEW = "/people/{uuid:person_id}/reviews/{uuid:review_id}/outcomes/{uuid:outcome_id}"
SOLUTION_AT_REVIEW = (
    "/people/{uuid:person_id}/reviews/{uuid:review_id}/solutions/{uuid:solution_id}"
)


def reviews_of(person):
    return person.reviews.select_related("conducted_by")


def _review_change(request: HttpRequest, review_id: uuid.UUID, response: HttpResponse, change):
    """Change a review (If-Match), and answer with it as it is now."""
    return change_one(
        request, response, reviews_of(person_of(request)), review_id, "review", change
    )


list_route(
    router,
    "/people/{uuid:person_id}/reviews",
    name="review_list",
    url_name="reviews",
    summary="The person's reviews, oldest first",
    item=ReviewSummary,
    rows=lambda person: reviews_of(person),
    order=("held_on", "created_at", "id"),
)


add_route(
    router,
    "/people/{uuid:person_id}/reviews",
    name="review_start",
    url_name="reviews",
    summary="Start recording a review (one review is in progress at a time)",
    item=ReviewOut,
    body=ReviewStartIn,
    service=lambda **made: services.review_start(**made),
)


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
    return _review_change(
        request,
        review_id,
        response,
        lambda review, **common: services.review_complete(
            review=review, **common, **payload.dict()
        ),
    )


detail_route(
    router,
    "/people/{uuid:person_id}/reviews/{uuid:review_id}",
    name="review_detail",
    url_name="review",
    summary="A review: what was learned, each outcome's rating, evidence and "
    "decision, the person's own views, and the solutions kept, changed or "
    "stopped",
    item=ReviewOut,
    key="review_id",
    rows=lambda person: reviews_of(person),
    what="review",
)


def _at_review(request: HttpRequest, review_id: uuid.UUID, related: str, pk: uuid.UUID, what: str):
    """The review named in the path and the person's `related` row (an outcome or a
    solution) named beside it, or 404."""
    person = person_of(request)
    return one(reviews_of(person), review_id, "review"), one(getattr(person, related), pk, what)


def _recorded_at_review(review, rows: str, item, response: HttpResponse | None = None):
    """The review's row in `rows` (outcome_reviews, solution_reviews) for `item` (an
    outcome, a solution), or None when nothing is recorded yet; its version (0: nothing
    yet) the ETag on `response`."""
    recorded = getattr(review, rows).filter(**{item._meta.model_name: item}).first()
    if response is not None:
        tagged_if_made(response, recorded)
    return recorded


def _outcome_at_review(review, outcome, response: HttpResponse | None = None) -> dict:
    """What is recorded for the outcome at the review; with its ETag on `response`."""
    return {
        "review_id": review.pk,
        "outcome": outcome,
        "outcome_review": _recorded_at_review(review, "outcome_reviews", outcome, response),
        "person_views": list(review.person_views.filter(outcome=outcome).order_by("at", "id")),
    }


@router.get(
    OUTCOME_AT_REVIEW,
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
    review, outcome = _at_review(request, review_id, "outcomes", outcome_id, "outcome")
    return _outcome_at_review(review, outcome, response)


@router.put(
    OUTCOME_AT_REVIEW,
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
    review, outcome = _at_review(request, review_id, "outcomes", outcome_id, "outcome")
    version = expected_version(request)
    rewrite = services.Rewrite(**payload.rewrite.dict()) if payload.rewrite else None
    services.outcome_review_record(
        actor=actor_of(request),
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
    return _outcome_at_review(review, outcome, response)


@router.post(
    f"{OUTCOME_AT_REVIEW}/views",
    response=answers({201: OutcomeAtReviewOut, 200: OutcomeAtReviewOut}, write=True),
    url_name="review_outcome_views",
    summary="Add the person's own view of an outcome at a review, in their words (or of "
    "someone speaking for them); kept beside the practitioner's and never changed. May be "
    "added after the review is finished. 200 when the same submission_token added it already",
)
def person_view_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: PersonViewIn,
):
    review, outcome = _at_review(request, review_id, "outcomes", outcome_id, "outcome")
    view = services.person_view_add(
        actor=actor_of(request), review=review, outcome=outcome, **payload.dict()
    )
    return Status(200 if view.repeated_submission else 201, _outcome_at_review(review, outcome))


# --- When the next review is due --------------------------------------------------------


class ReviewScheduleOut(Schema):
    version: int = Field(..., description="0 when no date has been set yet.")
    next_review_on: datetime.date | None = Field(..., description="The date set, if any.")
    due_on: datetime.date | None = Field(
        ..., description="When the next review is due: the date set, or worked out."
    )
    last_review_on: datetime.date | None


class ReviewScheduleIn(Strict):
    next_review_on: datetime.date


def _stored_schedule(person):
    """The person's schedule row as stored now (not the copy cached on `person`)."""
    relation = type(person).review_schedule.related
    if relation.is_cached(person):
        relation.delete_cached_value(person)
    return getattr(person, "review_schedule", None)


def _schedule_of(person, response: HttpResponse) -> dict:
    schedule = _stored_schedule(person)
    return {
        "version": tagged_if_made(response, schedule),
        "next_review_on": schedule.next_review_on if schedule else None,
        "due_on": schedule.due_on if schedule else None,
        "last_review_on": schedule.last_review_on if schedule else None,
    }


@router.get(
    "/people/{uuid:person_id}/review-schedule",
    response=answers({200: ReviewScheduleOut}),
    url_name="review_schedule",
    summary="When the person's next review is due (version and ETag 0 when nothing is "
    "recorded yet)",
)
def review_schedule_detail(request: HttpRequest, person_id: uuid.UUID, response: HttpResponse):
    return _schedule_of(person_of(request), response)


@router.put(
    "/people/{uuid:person_id}/review-schedule",
    response=answers({200: ReviewScheduleOut}, write=True),
    url_name="review_schedule",
    summary='Set the date of the person\'s next review, today or later (If-Match; "0" when '
    "nothing was recorded yet)",
)
def review_schedule_put(
    request: HttpRequest,
    person_id: uuid.UUID,
    payload: ReviewScheduleIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    version = expected_version_of(request, _stored_schedule(person))
    services.review_schedule_set(
        actor=actor_of(request),
        person=person,
        next_review_on=payload.next_review_on,
        expected_version=version or None,
    )
    return _schedule_of(person, response)


# --- A review in progress: its date and what was learned -----------------------------------


class ReviewPatch(Strict):
    """Left out (or null): left as it is."""

    held_on: datetime.date | None = None
    what_learned: str | None = Field(None, max_length=20000)


@router.patch(
    "/people/{uuid:person_id}/reviews/{uuid:review_id}",
    response=answers({200: ReviewOut}, write=True),
    url_name="review",
    summary="Change the date of a review in progress, or what was learned (If-Match)",
)
def review_update(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    payload: ReviewPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _review_change(
        request,
        review_id,
        response,
        lambda review, **common: services.review_update(
            review=review,
            held_on=payload.held_on if payload.held_on is not None else review.held_on,
            what_learned=(
                payload.what_learned if payload.what_learned is not None else review.what_learned
            ),
            **common,
        ),
    )


# --- A solution at a review: keep, change or stop it (REV-2) --------------------------------


class SolutionAtReviewOut(Schema):
    review_id: uuid.UUID
    solution_id: uuid.UUID
    solution_review: SolutionReviewOut | None


class SolutionReviewIn(Strict):
    decision: str = Field(..., max_length=10, description="keep, change or stop.")
    why: str = Field("", max_length=4000, description="Needed to change or stop it.")


def _solution_at_review(review, solution, response: HttpResponse) -> dict:
    return {
        "review_id": review.pk,
        "solution_id": solution.pk,
        "solution_review": _recorded_at_review(review, "solution_reviews", solution, response),
    }


@router.get(
    SOLUTION_AT_REVIEW,
    response=answers({200: SolutionAtReviewOut}),
    url_name="review_solution",
    summary="Whether a solution was kept, changed or stopped at a review, and why "
    "(version 0: nothing yet)",
)
def review_solution_detail(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    solution_id: uuid.UUID,
    response: HttpResponse,
):
    review, solution = _at_review(request, review_id, "support_solutions", solution_id, "solution")
    return _solution_at_review(review, solution, response)


@router.put(
    SOLUTION_AT_REVIEW,
    response=answers({200: SolutionAtReviewOut}, write=True),
    url_name="review_solution",
    summary="Keep, change or stop a solution at a review in progress, and why (If-Match: "
    f'the version read, "0" for none yet). Stop marks it {SolutionDecision.STOP.label!r} '
    "in the Support Sequence: tried and stopped, with the reason in its history",
)
def review_solution_record(
    request: HttpRequest,
    person_id: uuid.UUID,
    review_id: uuid.UUID,
    solution_id: uuid.UUID,
    payload: SolutionReviewIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    review, solution = _at_review(request, review_id, "support_solutions", solution_id, "solution")
    version = expected_version_of(
        request, _recorded_at_review(review, "solution_reviews", solution)
    )
    services.solution_review_record(
        actor=actor_of(request),
        review=review,
        solution=solution,
        decision=payload.decision,
        why=payload.why,
        expected_version=version or None,
    )
    return _solution_at_review(review, solution, response)
