"""Every write to a conversation and the Outcome Sequence steps 1 to 3.

Each function: keyword-only, a required actor who may record for the person
(people.guards.require_casework), one transaction, audited. Items must belong to the same
person as their conversation; links across people are refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.audit.services import Auditor, create_audited, update_audited
from goldenthread.core.formatting import date_text
from goldenthread.core.questionnaires import questionnaire_save
from goldenthread.core.services import audited_update, refuse_unknown_fields
from goldenthread.people.guards import require_casework
from goldenthread.people.models import CircleMember, Person

from .models import (
    Aspiration,
    Conversation,
    MattersItem,
    Participant,
    PositiveChange,
    ReflectionAnswer,
    Strength,
    WhoMatters,
    WorkingItem,
)
from .signals import conversation_redated

CONVERSATION_FIELDS = ("held_on", "place", "person_took_part", "narrative")


def _check_casework(actor: User | None, person: Any) -> None:
    require_casework(actor, person, doing="record conversations")


def _check_held_on(held_on: datetime.date, born: datetime.date | None) -> None:
    """A conversation is held by today, and not before the person was born."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date of the conversation cannot be in the future."})
    if born is not None and held_on < born:
        raise ValidationError(
            {
                "held_on": "The date of the conversation cannot be before the person was "
                f"born ({date_text(born)})."
            }
        )


def conversation_create(
    *,
    actor: User,
    person: Person,
    held_on: datetime.date,
    place: str = "",
    person_took_part: bool = True,
    narrative: str = "",
) -> Conversation:
    _check_casework(actor, person)
    _check_held_on(held_on, person.date_of_birth)
    conversation = Conversation(
        person=person,
        held_on=held_on,
        place=place,
        person_took_part=person_took_part,
        narrative=narrative,
        recorded_by=actor,
    )
    return create_audited(actor, conversation, person_id=person.pk)


def conversation_update(
    *, actor: User, conversation: Conversation, expected_version: int, **changes: Any
) -> Conversation:
    """Change the conversation's details or story; refused if someone saved first."""
    _check_casework(actor, conversation.person_id)
    refuse_unknown_fields("conversation_update", changes, CONVERSATION_FIELDS)
    if "held_on" in changes:
        _check_held_on(changes["held_on"], conversation.person.date_of_birth)
    redated = "held_on" in changes and changes["held_on"] != conversation.held_on
    with transaction.atomic():
        audited_update(
            conversation,
            auditor=Auditor(actor),
            expected_version=expected_version,
            changes=changes,
            person_id=conversation.person_id,
        )
        if redated:
            conversation_redated.send(sender=Conversation, person_id=conversation.person_id)
    return conversation


def participant_add(
    *,
    actor: User,
    conversation: Conversation,
    kind: str,
    circle_member: CircleMember | None = None,
    name: str = "",
    role: str = "",
) -> Participant:
    _check_casework(actor, conversation.person_id)
    participant = Participant(
        conversation=conversation,
        person_id=conversation.person_id,
        kind=kind,
        circle_member=circle_member,
        name=name.strip(),
        role=role.strip(),
    )
    return create_audited(actor, participant, person_id=conversation.person_id)


# Any: each of these models has person_id, conversation and text (StepItem), which the
# generic Model type cannot say.
STEP_MODELS: dict[str, Any] = {
    "matters": MattersItem,
    "who": WhoMatters,
    "aspiration": Aspiration,
    "working": WorkingItem,
    "strength": Strength,
    "change": PositiveChange,
    "participant": Participant,
}


def step_item_add(
    *, actor: User, conversation: Conversation, item_type: str, text: str = "", **fields: Any
) -> Any:
    """Add an item to step 1, 2 or 3 (what/where matters, who matters, aspiration,
    working/not working, strength). Positive changes use positive_change_add."""
    _check_casework(actor, conversation.person_id)
    model = STEP_MODELS[item_type]
    if model in (PositiveChange, Participant):
        raise ValueError("use positive_change_add or participant_add")
    item = model(
        person_id=conversation.person_id, conversation=conversation, text=text.strip(), **fields
    )
    return create_audited(actor, item, person_id=conversation.person_id)


def step_items_add(
    *, actor: User, conversation: Conversation, item_type: str, texts: list[str], **fields: Any
) -> list[Any]:
    """Add several items of one kind at once (typed one per line, #16): all or none."""
    _check_casework(actor, conversation.person_id)
    with transaction.atomic():
        return [
            step_item_add(
                actor=actor, conversation=conversation, item_type=item_type, text=text, **fields
            )
            for text in texts
            if text.strip()
        ]


def step_item_update(*, actor: User, item: Any, expected_version: int, **changes: Any) -> Any:
    """Change an item of step 1, 2 or 3; refused if someone saved first. A positive change
    is changed by positive_change_relink."""
    _check_casework(actor, item.person_id)
    if isinstance(item, PositiveChange | Participant):
        raise ValueError("use positive_change_relink or a participant service")
    changes = {
        name: value.strip() if isinstance(value, str) else value for name, value in changes.items()
    }
    if (
        isinstance(item, WorkingItem)
        and changes.get("is_working") is True
        and not item.is_working
        and item.changes.exists()
    ):
        raise ValidationError(
            {
                "is_working": "A positive change comes from this as something not working. "
                "Change what the positive change comes from first."
            }
        )
    if "circle_member" in changes and changes["circle_member"].person_id != item.person_id:
        raise ValidationError({"circle_member": "Choose someone from the person's circle."})
    return update_audited(
        actor,
        item,
        expected_version=expected_version,
        changes=changes,
        person_id=item.person_id,
    )


def step_item_remove(*, actor: User, item: Any) -> None:
    """Remove an item. A positive change that an outcome comes from cannot be removed."""
    _check_casework(actor, item.person_id)
    if isinstance(item, PositiveChange) and item.outcomes.exists():
        raise ValidationError(
            "An outcome comes from this positive change. Close or rewrite the outcome first."
        )
    if isinstance(item, WorkingItem | Aspiration) and item.changes.exists():
        raise ValidationError(
            "A positive change comes from this item. Unlink it from the positive change first."
        )
    with transaction.atomic():
        Auditor(actor).deleted(item, person_id=item.person_id)
        item.delete()


def _check_same_person(person_id, items: Iterable[Any], what: str) -> None:
    for item in items:
        if item.person_id != person_id:
            raise ValidationError(f"{what} must be this person's own.")


def positive_change_add(
    *,
    actor: User,
    conversation: Conversation,
    text: str,
    from_not_working: Iterable[WorkingItem] = (),
    from_aspirations: Iterable[Aspiration] = (),
) -> PositiveChange:
    """Step 3: a positive change, linked to what is not working and/or aspirations."""
    _check_casework(actor, conversation.person_id)
    from_not_working, from_aspirations = list(from_not_working), list(from_aspirations)
    _check_same_person(conversation.person_id, from_not_working, "What is not working")
    _check_same_person(conversation.person_id, from_aspirations, "Aspirations")
    if any(item.is_working for item in from_not_working):
        raise ValidationError("A positive change comes from something that is not working.")
    change = PositiveChange(
        person_id=conversation.person_id, conversation=conversation, text=text.strip()
    )
    change.full_clean()
    with transaction.atomic():
        change.save(force_insert=True)
        change.from_not_working.set(from_not_working)
        change.from_aspirations.set(from_aspirations)
        Auditor(actor).created(change, person_id=conversation.person_id, extra=_links(change))
    return change


def positive_change_relink(
    *,
    actor: User,
    change: PositiveChange,
    expected_version: int,
    text: str,
    from_not_working: Iterable[WorkingItem],
    from_aspirations: Iterable[Aspiration],
) -> PositiveChange:
    """Change a positive change's words and what it comes from; refused if someone saved
    first. The change history keeps the links before and after."""
    _check_casework(actor, change.person_id)
    from_not_working, from_aspirations = list(from_not_working), list(from_aspirations)
    _check_same_person(change.person_id, from_not_working, "What is not working")
    _check_same_person(change.person_id, from_aspirations, "Aspirations")
    links_after = {
        "from_not_working": sorted(str(item.pk) for item in from_not_working),
        "from_aspirations": sorted(str(item.pk) for item in from_aspirations),
    }
    with transaction.atomic():
        audited_update(
            change,
            auditor=Auditor(actor),
            expected_version=expected_version,
            changes={"text": text.strip()},
            person_id=change.person_id,
            before_extra=_links(change),
            extra=links_after,
        )
        change.from_not_working.set(from_not_working)
        change.from_aspirations.set(from_aspirations)
    return change


def _links(change: PositiveChange) -> dict[str, list[str]]:
    return {
        "from_not_working": sorted(
            str(pk) for pk in change.from_not_working.values_list("pk", flat=True)
        ),
        "from_aspirations": sorted(
            str(pk) for pk in change.from_aspirations.values_list("pk", flat=True)
        ),
    }


def reflection_record(
    *,
    actor: User,
    conversation: Conversation,
    answers: Mapping[str, tuple[str, str]],
    expected_versions: Mapping[str, int],
) -> list[ReflectionAnswer]:
    """OS-8: save the practitioner's answers (question → (answer, note)).

    `expected_versions` gives, per question, the version of the answer the editor saw (0
    when there was none). If anyone saved an answer to any of these questions since, the
    whole save is refused with StaleEditError and nothing changes (SEC-5). The one
    questionnaire save: core.questionnaires.questionnaire_save."""
    _check_casework(actor, conversation.person_id)
    with transaction.atomic():
        return questionnaire_save(
            auditor=Auditor(actor),
            model=ReflectionAnswer,
            parent=conversation,
            person_id=conversation.person_id,
            answered_by=actor,
            answers=answers,
            expected_versions=expected_versions,
        )
