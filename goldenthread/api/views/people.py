"""People and their circle. Reached only through `Person.objects.visible_to(user)`: the
list starts from it (people.selectors.caseload), and a route with a person's id is opened
by the gate (auth.py → people.access.open_person_record) before the view runs."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from goldenthread.accounts.models import Area
from goldenthread.people import selectors, services

from ..concurrency import expected_version
from ..pagination import DEFAULT_LIMIT, page_of, paginate
from ..schemas import (
    CircleMemberIn,
    CircleMemberOut,
    CircleMemberPatch,
    PersonOut,
    PersonPatch,
    PersonSummary,
)
from .common import IF_MATCH, answers, caller_of, one, person_of, with_etag

router = Router(tags=["People"])


class PageParams(Schema):
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


class PeopleParams(PageParams):
    q: str = ""


@router.get(
    "/people",
    response=answers({200: page_of(PersonSummary)}),
    url_name="people",
    summary="The people you may see (your caseload; a team leader's team too)",
)
def people_list(request: HttpRequest, params: Query[PeopleParams]):
    people = selectors.caseload(caller_of(request).user, query=params.q)
    return paginate(
        request,
        people,
        order=("family_name", "given_name", "id"),
        limit=params.limit,
        cursor=params.cursor,
    )


@router.get(
    "/people/{uuid:person_id}",
    response=answers({200: PersonOut}),
    url_name="person",
    summary="A person's details",
)
def person_detail(request: HttpRequest, person_id: uuid.UUID, response: HttpResponse):
    person = person_of(request)
    with_etag(response, person.version)
    return person


@router.patch(
    "/people/{uuid:person_id}",
    response=answers({200: PersonOut}, write=True),
    url_name="person",
    summary="Change a person's details (If-Match)",
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
        actor=caller_of(request).user,
        person=person,
        expected_version=version,
        http_request=request,
        **changes,
    )
    with_etag(response, person.version)
    return person


# --- Circle ------------------------------------------------------------------------------


@router.get(
    "/people/{uuid:person_id}/circle",
    response=answers({200: page_of(CircleMemberOut)}),
    url_name="circle",
    summary="Who matters to the person",
)
def circle_list(request: HttpRequest, person_id: uuid.UUID, params: Query[PageParams]):
    return paginate(
        request,
        person_of(request).circle.all(),
        order=("name", "id"),
        limit=params.limit,
        cursor=params.cursor,
    )


@router.post(
    "/people/{uuid:person_id}/circle",
    response=answers({201: CircleMemberOut}, write=True),
    url_name="circle",
    summary="Add someone to the person's circle",
)
def circle_add(
    request: HttpRequest, person_id: uuid.UUID, payload: CircleMemberIn, response: HttpResponse
):
    member = services.circle_member_add(
        actor=caller_of(request).user, person=person_of(request), **payload.dict()
    )
    with_etag(response, member.version)
    return Status(201, member)


@router.get(
    "/people/{uuid:person_id}/circle/{uuid:member_id}",
    response=answers({200: CircleMemberOut}),
    url_name="circle_member",
    summary="One member of the circle",
)
def circle_member_detail(
    request: HttpRequest, person_id: uuid.UUID, member_id: uuid.UUID, response: HttpResponse
):
    member = one(person_of(request).circle, member_id, "member of the circle")
    with_etag(response, member.version)
    return member


@router.patch(
    "/people/{uuid:person_id}/circle/{uuid:member_id}",
    response=answers({200: CircleMemberOut}, write=True),
    url_name="circle_member",
    summary="Change a member of the circle (If-Match)",
)
def circle_member_update(
    request: HttpRequest,
    person_id: uuid.UUID,
    member_id: uuid.UUID,
    payload: CircleMemberPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    member = one(person_of(request).circle, member_id, "member of the circle")
    version = expected_version(request)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    member = services.circle_member_update(
        actor=caller_of(request).user, member=member, expected_version=version, **changes
    )
    with_etag(response, member.version)
    return member
