"""Good conversations and the Outcome Sequence steps 1 to 3 (read only: the pages write
them, with autosave)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from ..pagination import page_of, paginate
from ..schemas import ConversationOut, ConversationSummary
from .common import answers, one, person_of, with_etag
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
