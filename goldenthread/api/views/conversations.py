"""Good conversations and the Outcome Sequence steps 1 to 3: read, start a conversation,
change its details or story, and add the items of steps 1 to 3, through the same services
as the pages (conversations.services: the same checks, versions and audit rows)."""

from __future__ import annotations

import uuid
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from pydantic import Field

from goldenthread.conversations import services

from ..concurrency import expected_version
from ..pagination import page_of, paginate
from ..schemas import (
    AspirationIn,
    ConversationIn,
    ConversationOut,
    ConversationPatch,
    ConversationSummary,
    ItemOut,
    MattersIn,
    StrengthIn,
    WhoMattersIn,
    WorkingIn,
)
from .common import IF_MATCH, answers, caller_of, chosen, one, person_of, with_etag
from .people import PageParams

router = Router(tags=["Conversations"])


@router.get(
    "/people/{uuid:person_id}/conversations",
    response=answers({200: page_of(ConversationSummary)}),
    url_name="conversations",
    summary="The person's good conversations, oldest first",
)
def conversation_list(request: HttpRequest, person_id: uuid.UUID, params: Query[PageParams]):
    conversations = person_of(request).conversations.select_related("recorded_by")
    return paginate(
        request,
        conversations,
        order=("held_on", "created_at", "id"),
        limit=params.limit,
        cursor=params.cursor,
    )


@router.get(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}",
    response=answers({200: ConversationOut}),
    url_name="conversation",
    summary="A conversation with its steps: what matters, who matters, aspirations, "
    "what is working and not, strengths, positive changes",
)
def conversation_detail(
    request: HttpRequest, person_id: uuid.UUID, conversation_id: uuid.UUID, response: HttpResponse
):
    conversation = one(
        person_of(request).conversations.select_related("recorded_by"),
        conversation_id,
        "conversation",
    )
    with_etag(response, conversation.version)
    return conversation


@router.post(
    "/people/{uuid:person_id}/conversations",
    response=answers({201: ConversationOut}, write=True),
    url_name="conversations",
    summary="Record a good conversation (its date, place and the person's story)",
)
def conversation_add(
    request: HttpRequest, person_id: uuid.UUID, payload: ConversationIn, response: HttpResponse
):
    conversation = services.conversation_create(
        actor=caller_of(request).user, person=person_of(request), **payload.dict()
    )
    with_etag(response, conversation.version)
    return Status(201, conversation)


@router.patch(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}",
    response=answers({200: ConversationOut}, write=True),
    url_name="conversation",
    summary="Change a conversation's details or story (If-Match)",
)
def conversation_change(
    request: HttpRequest,
    person_id: uuid.UUID,
    conversation_id: uuid.UUID,
    payload: ConversationPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    conversation = one(person_of(request).conversations, conversation_id, "conversation")
    version = expected_version(request)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    conversation = services.conversation_update(
        actor=caller_of(request).user,
        conversation=conversation,
        expected_version=version,
        **changes,
    )
    with_etag(response, conversation.version)
    return conversation


StepItemIn = Annotated[
    MattersIn | WhoMattersIn | AspirationIn | WorkingIn | StrengthIn,
    Field(discriminator="item_type"),
]


@router.post(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/items",
    response=answers({201: ItemOut}, write=True),
    url_name="conversation_items",
    summary="Add an item to steps 1 to 3: what or where matters (matters), who matters "
    "(who), an aspiration, what is working or not (working), a strength",
)
def conversation_item_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    conversation_id: uuid.UUID,
    payload: StepItemIn,
    response: HttpResponse,
):
    person = person_of(request)
    conversation = one(person.conversations, conversation_id, "conversation")
    data = payload.dict()
    item_type = data.pop("item_type")
    if item_type == "who":
        data["circle_member"] = chosen(
            person.circle,
            data.pop("circle_member_id"),
            "circle_member_id",
            "Choose someone in this person's circle.",
        )
    item = services.step_item_add(
        actor=caller_of(request).user, conversation=conversation, item_type=item_type, **data
    )
    with_etag(response, item.version)
    return Status(201, item)
