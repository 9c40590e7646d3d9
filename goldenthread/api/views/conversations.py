"""Good conversations and the Outcome Sequence steps 1 to 3: read, start a conversation,
change its details or story, and add the items of steps 1 to 3, through the same services
as the pages (conversations.services: the same checks, versions and audit rows)."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Status
from pydantic import Field

from goldenthread.conversations import selectors, services
from goldenthread.conversations.models import ReflectionAnswer

from ..concurrency import expected_version
from ..schemas import (
    AspirationIn,
    ConversationIn,
    ConversationOut,
    ConversationPatch,
    ConversationSummary,
    ItemOut,
    MattersIn,
    ParticipantOut,
    PositiveChangeIn,
    PositiveChangeOut,
    StepItemPatch,
    StrengthIn,
    Strict,
    WhoMattersIn,
    WorkingIn,
)
from .common import (
    IF_MATCH,
    actor_of,
    answers,
    chosen,
    created,
    fields_renamed,
    one,
    person_of,
    tagged,
    with_etag,
)
from .routes import add_route, change_route, list_route, patched, questionnaire_routes

router = Router(tags=["Conversations"])


list_route(
    router,
    "/people/{uuid:person_id}/conversations",
    name="conversation_list",
    url_name="conversations",
    summary="The person's good conversations, oldest first",
    item=ConversationSummary,
    rows=lambda person: person.conversations.select_related("recorded_by"),
    order=("held_on", "created_at", "id"),
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
    return tagged(
        response,
        one(
            person_of(request).conversations.select_related("recorded_by"),
            conversation_id,
            "conversation",
        ),
    )


add_route(
    router,
    "/people/{uuid:person_id}/conversations",
    name="conversation_add",
    url_name="conversations",
    summary="Record a good conversation (its date, place and the person's story)",
    item=ConversationOut,
    body=ConversationIn,
    service=lambda **made: services.conversation_create(**made),
)


change_route(
    router,
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}",
    name="conversation_change",
    url_name="conversation",
    summary="Change a conversation's details or story (If-Match)",
    item=ConversationOut,
    key="conversation_id",
    body=ConversationPatch,
    rows=lambda person: person.conversations,
    what="conversation",
    change=lambda conversation, payload, person, **common: services.conversation_update(
        conversation=conversation, **common, **patched(payload)
    ),
)


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
        actor=actor_of(request), conversation=conversation, item_type=item_type, **data
    )
    return created(response, item)


SeveralItemIn = Annotated[
    MattersIn | AspirationIn | WorkingIn | StrengthIn,
    Field(discriminator="item_type"),
]


class SeveralItemsIn(Strict):
    """Several items of one kind, as typed one per line on the page (#16)."""

    items: list[SeveralItemIn] = Field(
        ...,
        min_length=1,
        max_length=50,
        description="One kind (matters, aspiration, working or strength), the same kind, "
        "is_working and perspective for each; only the words differ.",
    )


@router.post(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/items/several",
    response=answers({201: list[ItemOut]}, write=True),
    url_name="conversation_items_several",
    summary="Add several items of one kind to steps 1 to 3 at once, as the page does with "
    "one per line: all are added, or none",
)
def conversation_items_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    conversation_id: uuid.UUID,
    payload: SeveralItemsIn,
):
    person = person_of(request)
    conversation = one(person.conversations, conversation_id, "conversation")
    rows = [item.dict() for item in payload.items]
    shared = {k: v for k, v in rows[0].items() if k != "text"}
    if any({k: v for k, v in row.items() if k != "text"} != shared for row in rows):
        raise ValidationError(
            {
                "items": "Send items of one kind, with the same details, and only the words differing."
            }
        )
    item_type = shared.pop("item_type")
    added = services.step_items_add(
        actor=actor_of(request),
        conversation=conversation,
        item_type=item_type,
        texts=[row["text"] for row in rows],
        **shared,
    )
    return Status(201, added)


# --- One item of steps 1 to 3: read, change, remove ------------------------------------

# The kinds an item address may name, and the fields (besides its words) each kind has.
ITEM_KINDS = ("matters", "who", "aspiration", "working", "strength", "change")
ITEM_FIELDS = {"matters": {"kind"}, "strength": {"kind"}, "working": {"perspective"}}


class StepItemOut(ItemOut):
    item_type: str


def _item(conversation, item_id) -> tuple[str, object]:
    """The item of this conversation with this id, whatever its kind, or 404."""
    for kind in ITEM_KINDS:
        item = selectors.conversation_item(conversation, kind, item_id)
        if item is not None:
            return kind, item
    raise Http404("No such item in this conversation.")


def _item_out(kind: str, item, response: HttpResponse) -> dict:
    with_etag(response, item.version)  # type: ignore[attr-defined]
    return {
        "id": item.pk,  # type: ignore[attr-defined]
        "version": item.version,  # type: ignore[attr-defined]
        "text": item.text,  # type: ignore[attr-defined]
        "item_type": kind,
    }


@router.get(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/items/{uuid:item_id}",
    response=answers({200: StepItemOut}),
    url_name="conversation_item",
    summary="One item of steps 1 to 3, with its kind (item_type) and version",
)
def conversation_item_detail(
    request: HttpRequest,
    person_id: uuid.UUID,
    conversation_id: uuid.UUID,
    item_id: uuid.UUID,
    response: HttpResponse,
):
    conversation = one(person_of(request).conversations, conversation_id, "conversation")
    kind, item = _item(conversation, item_id)
    return _item_out(kind, item, response)


@router.patch(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/items/{uuid:item_id}",
    response=answers({200: StepItemOut}, write=True),
    url_name="conversation_item",
    summary="Change an item's words, or its kind or whose view it is where it has one "
    "(If-Match). A positive change is changed at its own address (positive-changes)",
)
def conversation_item_change(
    request: HttpRequest,
    person_id: uuid.UUID,
    conversation_id: uuid.UUID,
    item_id: uuid.UUID,
    payload: StepItemPatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    conversation = one(person_of(request).conversations, conversation_id, "conversation")
    kind, item = _item(conversation, item_id)
    if kind == "change":
        raise ValidationError(
            "A positive change is changed with PUT .../positive-changes/{id}, "
            "with what it comes from."
        )
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    foreign = sorted(set(changes) - {"text"} - ITEM_FIELDS.get(kind, set()))
    if foreign:
        raise ValidationError({name: "This kind of item has no such field." for name in foreign})
    version = expected_version(request)
    item = services.step_item_update(
        actor=actor_of(request), item=item, expected_version=version, **changes
    )
    return _item_out(kind, item, response)


@router.delete(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/items/{uuid:item_id}",
    response=answers({204: None}, write=True),
    url_name="conversation_item",
    summary="Remove an item of steps 1 to 3 (refused while an outcome or positive change "
    "comes from it)",
)
def conversation_item_remove(
    request: HttpRequest, person_id: uuid.UUID, conversation_id: uuid.UUID, item_id: uuid.UUID
):
    conversation = one(person_of(request).conversations, conversation_id, "conversation")
    _kind, item = _item(conversation, item_id)
    services.step_item_remove(actor=actor_of(request), item=item)
    return Status(204, None)


# --- Positive changes (step 3) -----------------------------------------------------------


def _links(person, payload: PositiveChangeIn) -> dict:
    """The items a positive change comes from: this person's, or field errors."""
    links, errors = {}, {}
    for field, kind, message in (
        ("from_not_working", "not_working", "Choose things that are not working for this person."),
        ("from_aspirations", "aspiration", "Choose this person's own aspirations."),
    ):
        wanted = set(getattr(payload, field))
        found = list(selectors.person_items(person, kind).filter(pk__in=wanted))
        if len(found) != len(wanted):
            errors[field] = message
        links[field] = found
    if errors:
        raise ValidationError(errors)
    return links


def _change_out(conversation, change, response: HttpResponse):
    change = conversation.positivechange_set.prefetch_related(
        "from_not_working", "from_aspirations"
    ).get(pk=change.pk)
    return tagged(response, change)


@router.post(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/positive-changes",
    response=answers({201: PositiveChangeOut}, write=True),
    url_name="conversation_changes",
    summary="Step 3: add a positive change, and what is not working and the aspirations "
    "it comes from",
)
def positive_change_add(
    request: HttpRequest,
    person_id: uuid.UUID,
    conversation_id: uuid.UUID,
    payload: PositiveChangeIn,
    response: HttpResponse,
):
    person = person_of(request)
    conversation = one(person.conversations, conversation_id, "conversation")
    change = services.positive_change_add(
        actor=actor_of(request),
        conversation=conversation,
        text=payload.text,
        **_links(person, payload),
    )
    return Status(201, _change_out(conversation, change, response))


@router.put(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/positive-changes/{uuid:item_id}",
    response=answers({200: PositiveChangeOut}, write=True),
    url_name="conversation_change",
    summary="Change a positive change's words and what it comes from (If-Match); the "
    "change history keeps the links before and after",
)
def positive_change_relink(
    request: HttpRequest,
    person_id: uuid.UUID,
    conversation_id: uuid.UUID,
    item_id: uuid.UUID,
    payload: PositiveChangeIn,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    person = person_of(request)
    conversation = one(person.conversations, conversation_id, "conversation")
    change = one(conversation.positivechange_set, item_id, "positive change")
    links = _links(person, payload)
    version = expected_version(request)
    change = services.positive_change_relink(
        actor=actor_of(request),
        change=change,
        expected_version=version,
        text=payload.text,
        **links,
    )
    return _change_out(conversation, change, response)


# --- Who took part --------------------------------------------------------------------


class ParticipantIn(Strict):
    """Someone from the person's circle (kind circle, circle_member_id), or an advocate,
    interpreter, worker or someone else, by name."""

    kind: str = Field(
        ..., max_length=20, description="circle, advocate, interpreter, worker or other."
    )
    circle_member_id: uuid.UUID | None = None
    name: str = Field("", max_length=200)
    role: str = Field("", max_length=120, description="For example: BSL interpreter.")


@router.post(
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/participants",
    response=answers({201: ParticipantOut}, write=True),
    url_name="conversation_participants",
    summary="Add who took part in a conversation: someone from the person's circle, or an "
    "advocate, interpreter, worker or someone else by name",
)
def participant_add(
    request: HttpRequest, person_id: uuid.UUID, conversation_id: uuid.UUID, payload: ParticipantIn
):
    person = person_of(request)
    conversation = one(person.conversations, conversation_id, "conversation")
    member = chosen(
        person.circle,
        payload.circle_member_id,
        "circle_member_id",
        "Choose someone from this person's circle.",
    )
    # The body names the member of the circle by id.
    with fields_renamed({"circle_member": "circle_member_id"}):
        participant = services.participant_add(
            actor=actor_of(request),
            conversation=conversation,
            kind=payload.kind,
            circle_member=member,
            name=payload.name,
            role=payload.role,
        )
    return Status(201, participant)


# --- "How well did I use the Outcome Sequence?" (OS-8) -----------------------------------


questionnaire_routes(
    router,
    "/people/{uuid:person_id}/conversations/{uuid:conversation_id}/reflection",
    names=("reflection_detail", "reflection_save"),
    url_name="conversation_reflection",
    summaries=(
        "OS-8: the practitioner's answers on how well they used the Outcome Sequence "
        "in a conversation (ETag: the reflection's version)",
        "Answer OS-8's questions about a conversation (If-Match: the reflection's ETag)",
    ),
    key="conversation_id",
    model=ReflectionAnswer,
    parent=lambda person, pk: one(person.conversations, pk, "conversation"),
    rows=lambda person, conversation: conversation.reflection_answers.all(),
    save=lambda request, person, conversation: partial(
        services.reflection_record, actor=actor_of(request), conversation=conversation
    ),
)
