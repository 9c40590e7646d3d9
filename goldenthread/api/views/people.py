"""People and their circle. Reached only through `Person.objects.visible_to(user)`: the
list starts from it (people.selectors.caseload), and a route with a person's id is opened
by the gate (auth.py → people.access.open_person_record) before the view runs."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from goldenthread.accounts.models import Area
from goldenthread.core.permissions import Permission, can
from goldenthread.people import selectors, services

from ..auth import log_people_listed
from ..concurrency import expected_version
from ..pagination import page_of
from ..schemas import (
    AllocationEnd,
    AllocationIn,
    AllocationOut,
    CircleMemberIn,
    CircleMemberOut,
    CircleMemberPatch,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSummary,
    Strict,
)
from .common import (
    IF_MATCH,
    PageParams,
    actor_of,
    answers,
    created,
    one,
    paged,
    person_of,
    tagged,
)
from .routes import add_route, change_route, detail_route, list_route, patched

router = Router(tags=["People"])


class PeopleParams(PageParams):
    q: str = ""


_NAMESAKES = (
    "A name and date of birth already recorded (case, spaces, accents and punctuation "
    "aside; never someone with another CHI number) are answered as on the page. Someone you "
    "may see: 422, with an error on `confirmed_namesake` and their ids in `namesakes` "
    "(nothing is saved); if they are a different person, send the same body again with "
    '`"confirmed_namesake": true` (kept in the change history). Someone you may not see: '
    "409 'may already be known', nothing about them is shown and your team leader is asked "
    "to check, with or without `confirmed_namesake`. A change is asked about only when it "
    "matches someone the person did not match before. After several such requests in a "
    "day, every new person and every change of a name or date of birth is answered 409, "
    "whether or not it matches anyone."
)


@router.get(
    "/people",
    response=answers({200: page_of(PersonSummary)}),
    url_name="people",
    summary="The people you may see (your caseload; a team leader's team too)",
)
def people_list(request: HttpRequest, params: Query[PeopleParams]):
    people = selectors.caseload(actor_of(request), query=params.q)
    page = paged(request, params, people, "family_name", "given_name", "id")
    log_people_listed(request, [person.pk for person in page["items"]])
    return page


@router.post(
    "/people",
    response=answers({201: PersonOut}, write=True),
    url_name="people",
    summary="Add a person to your team; you are allocated to work with them. A CHI number "
    "already recorded is answered as on the page: 409 with a link if you may see the "
    "person, otherwise 409 'may already be known' and your team leader is asked to check",
    description=_NAMESAKES,
)
def person_add(request: HttpRequest, payload: PersonIn, response: HttpResponse):
    user = actor_of(request)
    if user.team is None:
        raise PermissionDenied("You can add people to your own team only.")
    data = payload.dict()
    area = Area.objects.filter(pk=data.pop("area_id")).first()
    if area is None:
        raise ValidationError({"area_id": "No such area."})
    person = services.person_create(
        actor=user,
        team=user.team,
        area=area,
        allocate_to=user,
        different_person_confirmed=data.pop("confirmed_namesake"),
        http_request=request,
        **data,
    )
    return created(response, person)


@router.get(
    "/people/{uuid:person_id}",
    response=answers({200: PersonOut}),
    url_name="person",
    summary="A person's details",
)
def person_detail(request: HttpRequest, person_id: uuid.UUID, response: HttpResponse):
    person = person_of(request)
    return tagged(response, person)


@router.patch(
    "/people/{uuid:person_id}",
    response=answers({200: PersonOut}, write=True),
    url_name="person",
    summary="Change a person's details (If-Match)",
    description=_NAMESAKES,
)
def person_update(
    request: HttpRequest,
    person_id: uuid.UUID,
    payload: PersonPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    version = expected_version(request)
    changes = payload.dict(exclude_unset=True)
    if "area_id" in changes:
        area = Area.objects.filter(pk=changes.pop("area_id")).first()
        if area is None:
            raise ValidationError({"area_id": "No such area."})
        changes["area"] = area
    changes = {k: v for k, v in changes.items() if v is not None or k == "area"}
    person = services.person_update(
        actor=actor_of(request),
        person=person,
        expected_version=version,
        different_person_confirmed=bool(changes.pop("confirmed_namesake", False)),
        http_request=request,
        **changes,
    )
    return tagged(response, person)


# --- Circle ------------------------------------------------------------------------------


list_route(
    router,
    "/people/{uuid:person_id}/circle",
    name="circle_list",
    url_name="circle",
    summary="Who matters to the person",
    item=CircleMemberOut,
    rows=lambda person: person.circle.all(),
    order=("name", "id"),
)


add_route(
    router,
    "/people/{uuid:person_id}/circle",
    name="circle_add",
    url_name="circle",
    summary="Add someone to the person's circle",
    item=CircleMemberOut,
    body=CircleMemberIn,
    service=lambda **made: services.circle_member_add(**made),
)


detail_route(
    router,
    "/people/{uuid:person_id}/circle/{uuid:member_id}",
    name="circle_member_detail",
    url_name="circle_member",
    summary="One member of the circle",
    item=CircleMemberOut,
    key="member_id",
    rows=lambda person: person.circle,
    what="member of the circle",
)


change_route(
    router,
    "/people/{uuid:person_id}/circle/{uuid:member_id}",
    name="circle_member_update",
    url_name="circle_member",
    summary="Change a member of the circle (If-Match)",
    item=CircleMemberOut,
    key="member_id",
    body=CircleMemberPatch,
    rows=lambda person: person.circle,
    what="member of the circle",
    change=lambda member, payload, person, **common: services.circle_member_update(
        member=member, **common, **patched(payload)
    ),
)


@router.delete(
    "/people/{uuid:person_id}/circle/{uuid:member_id}",
    response=answers({204: None}, write=True),
    url_name="circle_member",
    summary="Remove someone added to the circle by mistake (If-Match); the change history "
    "keeps who they were. Someone the record refers to (for example, who took part in a "
    "conversation) is not removed (422)",
)
def circle_member_remove(
    request: HttpRequest,
    person_id: uuid.UUID,
    member_id: uuid.UUID,
    if_match: str | None = IF_MATCH,
):
    member = one(person_of(request).circle, member_id, "member of the circle")
    version = expected_version(request)
    services.circle_member_remove(actor=actor_of(request), member=member, expected_version=version)
    return Status(204, None)


# --- Allocations -------------------------------------------------------------------------


list_route(
    router,
    "/people/{uuid:person_id}/allocations",
    name="allocation_list",
    url_name="allocations",
    summary="Who is allocated to work with the person, past and present",
    item=AllocationOut,
    rows=lambda person: person.allocations.select_related("worker"),
    order=("start_date", "id"),
)


@router.post(
    "/people/{uuid:person_id}/allocations",
    response=answers({201: AllocationOut}, write=True),
    url_name="allocations",
    summary="Allocate a worker of the person's team (the team leader of the person's team)",
)
def allocation_add(
    request: HttpRequest, person_id: uuid.UUID, payload: AllocationIn, response: HttpResponse
):
    person = person_of(request)
    worker = (
        get_user_model()
        .objects.filter(pk=payload.worker_id, is_active=True, team=person.team)
        .first()
    )
    if worker is None:
        raise ValidationError({"worker_id": "Choose someone from the person's team."})
    allocation = services.allocation_start(
        actor=actor_of(request),
        person=person,
        worker=worker,
        start_date=payload.start_date,
        description=payload.description,
    )
    return created(response, allocation)


change_route(
    router,
    "/people/{uuid:person_id}/allocations/{uuid:allocation_id}",
    name="allocation_finish",
    url_name="allocation",
    summary="End an allocation (the team leader of the person's team; If-Match)",
    item=AllocationOut,
    key="allocation_id",
    body=AllocationEnd,
    rows=lambda person: person.allocations,
    what="allocation",
    change=lambda allocation, payload, person, **common: services.allocation_end(
        allocation=allocation, end_date=payload.end_date, **common
    ),
)


# --- A possible duplicate (#11): the team leader records what was done -----------------------


class PossibleDuplicateResolveIn(Strict):
    resolution: str = Field(
        ..., max_length=2000, description="What was done, for example who you asked."
    )


class PossibleDuplicateOut(Schema):
    id: uuid.UUID
    status: str
    resolution: str
    resolved_at: datetime.datetime | None


@router.post(
    "/possible-duplicates/{uuid:duplicate_id}/resolution",
    response=answers({200: PossibleDuplicateOut}, write=True),
    url_name="possible_duplicate_resolution",
    summary="Record what was done about a possible duplicate raised in your team: a team "
    "leader of the team that raised it, once (422 if it is already dealt with)",
)
def possible_duplicate_resolve(
    request: HttpRequest, duplicate_id: uuid.UUID, payload: PossibleDuplicateResolveIn
):
    user = actor_of(request)
    if not can(user, Permission.REVIEW_POSSIBLE_DUPLICATES):
        raise PermissionDenied("Only team leaders check possible duplicates.")
    duplicate = selectors.possible_duplicate_for(user, duplicate_id)
    if duplicate is None:
        raise Http404("No such possible duplicate for your team.")
    return services.possible_duplicate_resolve(
        actor=user, possible_duplicate=duplicate, resolution=payload.resolution
    )
