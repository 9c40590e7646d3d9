"""The Support Sequence's solutions for each outcome, and their status history; moving
support to another outcome, and removing a solution recorded by mistake."""

from __future__ import annotations

import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from goldenthread.support import services
from goldenthread.support.models import (
    DIRECTORY_STEPS,
    ExplorationState,
    SupportChecklistAnswer,
    SupportStep,
)

from ..concurrency import expected_version
from ..pagination import page_of
from ..schemas import SolutionIn, SolutionOut, SolutionPatch, Strict
from .common import (
    IF_MATCH,
    PageParams,
    actor_of,
    answers,
    change_one,
    chosen_outcome,
    created,
    fields_renamed,
    one,
    paged,
    person_of,
    with_etag,
)
from .routes import detail_route, list_route, questionnaire_routes

router = Router(tags=["Support Sequence"])


def solutions_of(person):
    return person.support_solutions.prefetch_related("status_changes__changed_by")


def _solutions_to_change(person):
    return person.support_solutions.select_related("outcome", "person")


def _solution_change(request: HttpRequest, solution_id: uuid.UUID, response: HttpResponse, change):
    """Change one solution (If-Match), and answer with it and its status history."""
    person = person_of(request)
    return change_one(
        request,
        response,
        _solutions_to_change(person),
        solution_id,
        "solution",
        change,
        read_back=solutions_of(person),
    )


list_route(
    router,
    "/people/{uuid:person_id}/solutions",
    name="solution_list",
    url_name="solutions",
    summary="Every solution of the person's Support Sequence",
    item=SolutionOut,
    rows=lambda person: solutions_of(person),
    order=("created_at", "id"),
)


@router.post(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/solutions",
    response=answers({201: SolutionOut}, write=True),
    url_name="outcome_solutions",
    summary="Add a solution to one step of an outcome's Support Sequence",
)
def solution_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: SolutionIn,
    response: HttpResponse,
):
    person = person_of(request)
    outcome = one(person.outcomes, outcome_id, "outcome")
    solution = services.solution_add(
        actor=actor_of(request), person=person, outcome=outcome, **payload.dict()
    )
    return created(response, solutions_of(person).get(pk=solution.pk))


class SolutionFromResourceIn(Strict):
    """A community resource found in the directory, added to step 5 or 6 as an idea."""

    step: str = Field(..., max_length=20, description="community or services (steps 5 and 6).")
    resource_id: uuid.UUID = Field(..., description="The directory's id of the resource.")


@router.post(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/solutions/from-directory",
    response=answers({201: SolutionOut}, write=True),
    url_name="outcome_solution_from_directory",
    summary="Add a community resource from the directory to step 5 or 6 as an idea, its "
    "name, provider, and cost when the directory states it filled in (SS-3, SS-4)",
)
def solution_add_from_directory(
    request: HttpRequest,
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: SolutionFromResourceIn,
    response: HttpResponse,
):
    person = person_of(request)
    outcome = one(person.outcomes, outcome_id, "outcome")
    if payload.step not in {step.value for step in DIRECTORY_STEPS}:
        raise ValidationError(
            {"step": "The directory is searched in steps 5 and 6: community or services."}
        )
    # The service names the solution's field; the body names the resource by id.
    with fields_renamed({"community_resource": "resource_id"}):
        solution = services.solution_add_from_resource(
            actor=actor_of(request),
            person=person,
            outcome=outcome,
            step=payload.step,
            resource_id=payload.resource_id,
        )
    return created(response, solutions_of(person).get(pk=solution.pk))


@router.get(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/solutions",
    response=answers({200: page_of(SolutionOut)}),
    url_name="outcome_solutions",
    summary="The solutions of one outcome",
)
def outcome_solution_list(
    request: HttpRequest, person_id: uuid.UUID, outcome_id: uuid.UUID, params: Query[PageParams]
):
    person = person_of(request)
    outcome = one(person.outcomes, outcome_id, "outcome")
    return paged(request, params, solutions_of(person).filter(outcome=outcome), "created_at", "id")


detail_route(
    router,
    "/people/{uuid:person_id}/solutions/{uuid:solution_id}",
    name="solution_detail",
    url_name="solution",
    summary="One solution",
    item=SolutionOut,
    key="solution_id",
    rows=lambda person: solutions_of(person),
    what="solution",
)


@router.patch(
    "/people/{uuid:person_id}/solutions/{uuid:solution_id}",
    response=answers({200: SolutionOut}, write=True),
    url_name="solution",
    summary="Change a solution or its status (If-Match); a status change is kept "
    "in its history with status_note",
)
def solution_update(
    request: HttpRequest,
    person_id: uuid.UUID,
    solution_id: uuid.UUID,
    payload: SolutionPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    changes = payload.dict(exclude_unset=True)
    status_note = changes.pop("status_note", "")
    for name in ("what", "who", "cost_period", "status", "notes"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    return _solution_change(
        request,
        solution_id,
        response,
        lambda solution, **common: services.solution_update(
            solution=solution, status_note=status_note, **common, **changes
        ),
    )


class SolutionMoveIn(Strict):
    """The open outcome the support serves now (after a rewrite, the new wording)."""

    outcome_id: uuid.UUID


@router.post(
    "/people/{uuid:person_id}/solutions/{uuid:solution_id}/move",
    response=answers({200: SolutionOut}, write=True),
    url_name="solution_move",
    summary="Move support (an idea, agreed or in place) to another open outcome of the "
    "person, keeping its step, status and cost; the record keeps where it was (If-Match)",
)
def solution_move(
    request: HttpRequest,
    person_id: uuid.UUID,
    solution_id: uuid.UUID,
    payload: SolutionMoveIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    return _solution_change(
        request,
        solution_id,
        response,
        lambda solution, **common: services.solution_move(
            solution=solution, to_outcome=chosen_outcome(person, payload.outcome_id), **common
        ),
    )


@router.delete(
    "/people/{uuid:person_id}/solutions/{uuid:solution_id}",
    response=answers({204: None}, write=True),
    url_name="solution",
    summary="Remove a solution recorded by mistake (If-Match); the change history keeps "
    "what it said. To record that it was tried or turned down, change its status instead. "
    "Support the budget or the SDS choice uses is not removed (422)",
)
def solution_remove(
    request: HttpRequest,
    person_id: uuid.UUID,
    solution_id: uuid.UUID,
    if_match: str | None = IF_MATCH,
):
    solution = one(_solutions_to_change(person_of(request)), solution_id, "solution")
    version = expected_version(request)
    services.solution_remove(actor=actor_of(request), solution=solution, expected_version=version)
    return Status(204, None)


# --- "How well did I use the Support Sequence?" (SS-5) -----------------------------------


questionnaire_routes(
    router,
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/support-checklist",
    names=("support_checklist_detail", "support_checklist_save"),
    url_name="support_checklist",
    summaries=(
        "SS-5: how well the Support Sequence was used for an outcome, the "
        "practitioner's answers beside what the record suggests (ETag: the checklist's version)",
        "Answer SS-5's questions for an open outcome (If-Match: the checklist's ETag); "
        "what the record suggests now is kept beside each answer",
    ),
    key="outcome_id",
    model=SupportChecklistAnswer,
    parent=lambda person, pk: one(person.outcomes, pk, "outcome"),
    rows=lambda person, outcome: person.support_checklist_answers.filter(outcome=outcome),
    save=lambda request, person, outcome: partial(
        services.checklist_save, actor=actor_of(request), person=person, outcome=outcome
    ),
)


# --- Before step 1 (SS-2): what the person has tried, their ideas ------------------------


class SupportPlanningOut(Schema):
    version: int = Field(..., description="0 when nothing is recorded yet.")
    tried_already: str
    own_ideas: str
    plan_type_override: str = Field(
        ..., description="young_person or adult; empty: chosen from the person's age."
    )


class SupportPlanningIn(Strict):
    tried_already: str = Field("", max_length=4000)
    own_ideas: str = Field("", max_length=4000)
    plan_type_override: str = Field(
        "", max_length=20, description="young_person, adult, or empty (by the person's age)."
    )


def _planning_of(person, outcome, response: HttpResponse) -> dict:
    planning = person.support_plannings.filter(outcome=outcome).first()
    version: int = planning.version if planning else 0
    body = {
        "version": version,
        "tried_already": planning.tried_already if planning else "",
        "own_ideas": planning.own_ideas if planning else "",
        "plan_type_override": planning.plan_type_override if planning else "",
    }
    with_etag(response, version)
    return body


@router.get(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/support-planning",
    response=answers({200: SupportPlanningOut}),
    url_name="support_planning",
    summary="Before step 1 (SS-2): what the person has tried already and their own ideas "
    "for an outcome (version and ETag 0 when nothing is recorded yet)",
)
def support_planning_detail(
    request: HttpRequest, person_id: uuid.UUID, outcome_id: uuid.UUID, response: HttpResponse
):
    person = person_of(request)
    outcome = one(person.outcomes, outcome_id, "outcome")
    return _planning_of(person, outcome, response)


@router.put(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/support-planning",
    response=answers({200: SupportPlanningOut}, write=True),
    url_name="support_planning",
    summary="Record what the person has tried already and their ideas for an open outcome, "
    'and which wording of steps 6 and 7 to use (If-Match; "0" the first time)',
)
def support_planning_put(
    request: HttpRequest,
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: SupportPlanningIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    outcome = one(person.outcomes, outcome_id, "outcome")
    version = expected_version(request)
    services.support_planning_save(
        actor=actor_of(request),
        person=person,
        outcome=outcome,
        expected_version=version,
        **payload.dict(),
    )
    return _planning_of(person, outcome, response)


# --- The seven steps: explored, or nothing suitable (SS-3) ---------------------------------


class StepOut(Schema):
    step: str
    label: str
    state: str = Field(..., description="not_yet, explored or nothing_suitable.")
    note: str
    version: int = Field(..., description="0 when the step has no record yet.")


class StepNothingSuitableIn(Strict):
    step: str = Field(..., max_length=20, description="One of the seven steps, e.g. community.")
    note: str = Field("", max_length=2000, description="Why nothing is suitable (optional).")


class StepReopenIn(Strict):
    step: str = Field(..., max_length=20)


def _steps_of(person, outcome) -> list[dict]:
    stored = {e.step: e for e in person.support_explorations.filter(outcome=outcome)}
    steps = []
    for step in SupportStep:
        exploration = stored.get(step.value)
        steps.append(
            {
                "step": step.value,
                "label": str(step.label),
                "state": exploration.state if exploration else ExplorationState.NOT_YET.value,
                "note": exploration.note if exploration else "",
                "version": exploration.version if exploration else 0,
            }
        )
    return steps


def _step_change(
    request: HttpRequest, outcome_id: uuid.UUID, response: HttpResponse, service, **fields
) -> dict:
    """Change one step of an outcome's Support Sequence (If-Match: the step's version), and
    answer with the step as it is now."""
    person = person_of(request)
    outcome = one(person.outcomes, outcome_id, "outcome")
    version = expected_version(request)
    exploration = service(
        actor=actor_of(request),
        person=person,
        outcome=outcome,
        expected_version=version,
        **fields,
    )
    item = next(s for s in _steps_of(person, outcome) if s["step"] == exploration.step)
    with_etag(response, item["version"])
    return item


@router.get(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/support-steps",
    response=answers({200: list[StepOut]}),
    url_name="support_steps",
    summary="The seven steps of an outcome's Support Sequence, how far each is explored, "
    "with each step's version (send it in If-Match to change the step)",
)
def support_step_list(request: HttpRequest, person_id: uuid.UUID, outcome_id: uuid.UUID):
    person = person_of(request)
    outcome = one(person.outcomes, outcome_id, "outcome")
    return _steps_of(person, outcome)


@router.post(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/support-steps/nothing-suitable",
    response=answers({200: StepOut}, write=True),
    url_name="support_step_nothing_suitable",
    summary="Record that a step was explored and nothing fits, with an optional reason "
    '(If-Match: the step\'s version, "0" when it has no record yet); refused while the '
    "step has ideas, agreed or in-place solutions",
)
def support_step_nothing_suitable(
    request: HttpRequest,
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: StepNothingSuitableIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _step_change(
        request, outcome_id, response, services.step_mark_nothing_suitable, **payload.dict()
    )


@router.post(
    "/people/{uuid:person_id}/outcomes/{uuid:outcome_id}/support-steps/reopen",
    response=answers({200: StepOut}, write=True),
    url_name="support_step_reopen",
    summary='Undo "nothing suitable" for a step (If-Match: the step\'s version): explored '
    "again if it holds solutions, otherwise not yet considered",
)
def support_step_reopen(
    request: HttpRequest,
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    payload: StepReopenIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    return _step_change(request, outcome_id, response, services.step_reopen, **payload.dict())
