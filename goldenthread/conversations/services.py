"""Every write to a conversation and the Outcome Sequence steps 1 to 3.

Each function: keyword-only, a required actor, one transaction, audited. Items must belong
to the same person as their conversation; links across people are refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.audit.models import ChangeAction
from goldenthread.audit.services import change_record, snapshot
from goldenthread.core.concurrency import StaleEditError, save_versioned
from goldenthread.people.models import CircleMember, Person

from .models import (
    Aspiration,
    Conversation,
    MattersItem,
    Participant,
    PositiveChange,
    ReflectionAnswer,
    ReflectionQuestion,
    Strength,
    WhoMatters,
    WorkingItem,
)

CONVERSATION_FIELDS = ("held_on", "place", "person_took_part", "narrative")


def _created(actor: User | None, instance: models.Model, person_id) -> None:
    change_record(actor=actor, instance=instance, action=ChangeAction.CREATE, before=None,
                  person_id=person_id)


def conversation_create(
    *,
    actor: User,
    person: Person,
    held_on: datetime.date,
    place: str = "",
    person_took_part: bool = True,
    narrative: str = "",
) -> Conversation:
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date of the conversation cannot be in the future."})
    conversation = Conversation(
        person=person, held_on=held_on, place=place, person_took_part=person_took_part,
        narrative=narrative, recorded_by=actor,
    )
    conversation.full_clean()
    with transaction.atomic():
        conversation.save(force_insert=True)
        _created(actor, conversation, person.pk)
    return conversation


def conversation_update(
    *, actor: User, conversation: Conversation, expected_version: int, **changes: Any
) -> Conversation:
    """Change the conversation's details or story; refused if someone saved first."""
    unknown = set(changes) - set(CONVERSATION_FIELDS)
    if unknown:
        raise TypeError(f"conversation_update cannot change {sorted(unknown)}")
    if "held_on" in changes and changes["held_on"] > timezone.localdate():
        raise ValidationError({"held_on": "The date of the conversation cannot be in the future."})
    with transaction.atomic():
        before = snapshot(Conversation.objects.select_for_update().get(pk=conversation.pk))
        for name, value in changes.items():
            setattr(conversation, name, value)
        conversation.full_clean()
        save_versioned(conversation, expected_version=expected_version, fields=list(changes))
        change_record(actor=actor, instance=conversation, action=ChangeAction.UPDATE,
                      before=before, person_id=conversation.person_id)
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
    participant = Participant(
        conversation=conversation, person_id=conversation.person_id, kind=kind,
        circle_member=circle_member, name=name.strip(), role=role.strip(),
    )
    participant.full_clean()
    with transaction.atomic():
        participant.save(force_insert=True)
        _created(actor, participant, conversation.person_id)
    return participant


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
    model = STEP_MODELS[item_type]
    if model in (PositiveChange, Participant):
        raise ValueError("use positive_change_add or participant_add")
    item = model(person_id=conversation.person_id, conversation=conversation, text=text.strip(),
                 **fields)
    item.full_clean()
    with transaction.atomic():
        item.save(force_insert=True)
        _created(actor, item, conversation.person_id)
    return item


def step_item_update(
    *, actor: User, item: Any, expected_version: int, **changes: Any
) -> Any:
    with transaction.atomic():
        before = snapshot(type(item).objects.select_for_update().get(pk=item.pk))
        for name, value in changes.items():
            setattr(item, name, value.strip() if isinstance(value, str) else value)
        item.full_clean()
        save_versioned(item, expected_version=expected_version, fields=list(changes))
        change_record(actor=actor, instance=item, action=ChangeAction.UPDATE, before=before,
                      person_id=item.person_id)
    return item


def step_item_remove(*, actor: User, item: Any) -> None:
    """Remove an item. A positive change that an outcome comes from cannot be removed."""
    if isinstance(item, PositiveChange) and item.outcomes.exists():
        raise ValidationError(
            "An outcome comes from this positive change. Close or rewrite the outcome first."
        )
    if isinstance(item, WorkingItem | Aspiration) and item.changes.exists():
        raise ValidationError(
            "A positive change comes from this item. Unlink it from the positive change first."
        )
    with transaction.atomic():
        change_record(actor=actor, instance=item, action=ChangeAction.DELETE,
                      before=snapshot(item), person_id=item.person_id)
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
    from_not_working, from_aspirations = list(from_not_working), list(from_aspirations)
    _check_same_person(conversation.person_id, from_not_working, "What is not working")
    _check_same_person(conversation.person_id, from_aspirations, "Aspirations")
    if any(item.is_working for item in from_not_working):
        raise ValidationError("A positive change comes from something that is not working.")
    change = PositiveChange(person_id=conversation.person_id, conversation=conversation,
                            text=text.strip())
    change.full_clean()
    with transaction.atomic():
        change.save(force_insert=True)
        change.from_not_working.set(from_not_working)
        change.from_aspirations.set(from_aspirations)
        change_record(actor=actor, instance=change, action=ChangeAction.CREATE, before=None,
                      person_id=conversation.person_id, extra=_links(change))
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
    from_not_working, from_aspirations = list(from_not_working), list(from_aspirations)
    _check_same_person(change.person_id, from_not_working, "What is not working")
    _check_same_person(change.person_id, from_aspirations, "Aspirations")
    with transaction.atomic():
        before = {**snapshot(change), **_links(change)}
        change.text = text.strip()
        change.full_clean()
        save_versioned(change, expected_version=expected_version, fields=["text"])
        change.from_not_working.set(from_not_working)
        change.from_aspirations.set(from_aspirations)
        change_record(actor=actor, instance=change, action=ChangeAction.UPDATE, before=before,
                      person_id=change.person_id, extra=_links(change))
    return change


def _links(change: PositiveChange) -> dict[str, list[str]]:
    return {
        "from_not_working": sorted(str(pk) for pk in
                                   change.from_not_working.values_list("pk", flat=True)),
        "from_aspirations": sorted(str(pk) for pk in
                                   change.from_aspirations.values_list("pk", flat=True)),
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
    whole save is refused with StaleEditError and nothing changes (SEC-5)."""
    unknown = set(answers) - set(ReflectionQuestion.values)
    if unknown:
        raise ValueError(f"Unknown questions {sorted(unknown)}")
    saved = []
    with transaction.atomic():
        existing = {a.question: a for a in conversation.reflection_answers.select_for_update()}
        for question in answers:
            row = existing.get(question)
            if (row.version if row else 0) != expected_versions.get(question, 0):
                raise StaleEditError(
                    row or ReflectionAnswer(conversation=conversation, question=question))
        for question, (answer, note) in answers.items():
            row = existing.get(question)
            if row is None:
                row = ReflectionAnswer(conversation=conversation, question=question,
                                       answer=answer, note=note, answered_by=actor)
                row.full_clean()
                row.save(force_insert=True)
                _created(actor, row, conversation.person_id)
            elif (row.answer, row.note) != (answer, note):
                before = snapshot(row)
                row.answer, row.note, row.answered_by = answer, note, actor
                row.full_clean()
                save_versioned(row, expected_version=row.version,
                               fields=["answer", "note", "answered_by_id"])
                change_record(actor=actor, instance=row, action=ChangeAction.UPDATE,
                              before=before, person_id=conversation.person_id)
            saved.append(row)
    return saved
