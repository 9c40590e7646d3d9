"""Reads about a conversation: what each step holds, how far each step has got, and what
the record says about the practitioner checklist (OS-8, OS-9). A fixed number of queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from goldenthread.core.formatting import count_text
from goldenthread.people.models import Person

from .models import (
    Aspiration,
    Conversation,
    MattersItem,
    MattersKind,
    Participant,
    Perspective,
    PositiveChange,
    ReflectionAnswer,
    ReflectionQuestion,
    StepItem,
    Strength,
    WhoMatters,
    WorkingItem,
)
from .services import STEP_MODELS

if TYPE_CHECKING:  # outcomes sits above conversations (docs/architecture.md)
    from goldenthread.outcomes.models import Outcome

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not started", "In progress", "Completed"


@dataclass
class ConversationRecord:
    conversation: Conversation
    what_matters: list[MattersItem] = field(default_factory=list)
    where_matters: list[MattersItem] = field(default_factory=list)
    who_matters: list[WhoMatters] = field(default_factory=list)
    aspirations: list[Aspiration] = field(default_factory=list)
    working: list[WorkingItem] = field(default_factory=list)
    not_working: list[WorkingItem] = field(default_factory=list)
    strengths: list[Strength] = field(default_factory=list)
    changes: list[PositiveChange] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def statuses(self) -> dict[str, str]:
        c = self.conversation

        def status(done: bool, started: bool) -> str:
            return COMPLETED if done else IN_PROGRESS if started else NOT_STARTED

        answered = [o for o in self.outcomes if o.all_checked]
        reflection = {a.question for a in c.reflection_answers.all() if a.answer}
        return {
            "about": status(bool(c.narrative.strip()), bool(c.place or c.narrative)),
            "step1": status(
                bool(self.what_matters and self.who_matters),
                bool(
                    self.what_matters or self.who_matters or self.where_matters or self.aspirations
                ),
            ),
            "step2": status(
                bool(self.working and self.not_working),
                bool(self.working or self.not_working or self.strengths),
            ),
            "step3": status(
                bool(self.changes) and all(ch.linked for ch in self.changes), bool(self.changes)
            ),
            "step4": status(
                bool(self.outcomes) and all(ch.outcome_count for ch in self.changes),
                bool(self.outcomes),
            ),
            "step5": status(
                bool(self.outcomes) and len(answered) == len(self.outcomes),
                any(o.answered_count for o in self.outcomes),
            ),
            "checklist": status(len(reflection) == len(ReflectionQuestion), bool(reflection)),
        }


def conversation_record(conversation: Conversation) -> ConversationRecord:
    record = ConversationRecord(conversation=conversation)
    for item in conversation.mattersitem_set.all():
        (record.what_matters if item.kind == MattersKind.WHAT else record.where_matters).append(
            item
        )
    record.who_matters = list(conversation.whomatters_set.select_related("circle_member"))
    record.aspirations = list(conversation.aspiration_set.all())
    for working_item in conversation.workingitem_set.all():
        (record.working if working_item.is_working else record.not_working).append(working_item)
    record.strengths = list(conversation.strength_set.all())
    record.changes = list(conversation.positivechange_set.with_links())
    for change in record.changes:
        change.linked = bool(change.nw or change.asp)
    record.outcomes = list(
        conversation.outcomes.with_check_progress().select_related("positive_change")
    )
    return record


def perspectives_side_by_side(items: list[WorkingItem]) -> list[dict[str, Any]]:
    """Step 2 as a table: one row per perspective, working and not working side by side."""
    rows = []
    for value, label in Perspective.choices:
        working = [i for i in items if i.perspective == value and i.is_working]
        not_working = [i for i in items if i.perspective == value and not i.is_working]
        if working or not_working:
            rows.append({"label": label, "working": working, "not_working": not_working})
    return rows


def reflection_answers(conversation: Conversation) -> dict[str, ReflectionAnswer]:
    """The saved checklist answers of a conversation, by question, read fresh."""
    return {
        a.question: a
        for a in ReflectionAnswer.objects.filter(conversation=conversation).select_related(
            "answered_by"
        )
    }


def reflection_suggestions(record: ConversationRecord) -> dict[str, str]:
    """What the record shows for each checklist question, for the practitioner to weigh."""
    c = record.conversation
    s: dict[str, str] = {}
    gaps = [
        label
        for label, items in (
            ("what matters", record.what_matters),
            ("who matters", record.who_matters),
            ("where matters", record.where_matters),
        )
        if not items
    ]
    s[ReflectionQuestion.WHAT_MATTERS] = (
        f"The record has no '{', '.join(gaps)}' entry yet."
        if gaps
        else "What, who and where matters are all recorded."
    )
    own_view = [
        i for i in record.working + record.not_working if i.perspective == Perspective.PERSON
    ]
    if not (record.working and record.not_working):
        s[ReflectionQuestion.WORKING] = "Step 2 needs both what is working and what is not."
    elif not own_view:
        s[ReflectionQuestion.WORKING] = "No item in step 2 is recorded as the person's own view."
    else:
        s[ReflectionQuestion.WORKING] = (
            f"{count_text(len(own_view), 'item in step 2 is', 'items in step 2 are')} the person's own view."
        )
    unlinked = [ch for ch in record.changes if not ch.linked]
    s[ReflectionQuestion.POSITIVE_CHANGE] = (
        "No positive change is recorded yet."
        if not record.changes
        else f"{count_text(len(unlinked), 'positive change is', 'positive changes are')} not linked "
        "to what is not working or an aspiration."
        if unlinked
        else "Every positive change is linked to what is not working or an aspiration."
    )
    no_outcome = [ch for ch in record.changes if not ch.outcome_count]
    s[ReflectionQuestion.SPECIFIC_OUTCOMES] = (
        "No outcome is recorded yet."
        if not record.outcomes
        else f"{count_text(len(no_outcome), 'positive change has', 'positive changes have')} no outcome yet."
        if no_outcome
        else f"{count_text(len(record.outcomes), 'outcome', 'outcomes')} recorded."
    )
    unchecked = [o for o in record.outcomes if not o.all_checked]
    flagged = [o for o in record.outcomes if o.checker_codes]
    parts = []
    if unchecked:
        parts.append(
            f"{count_text(len(unchecked), 'outcome', 'outcomes')} not fully checked against the eight "
            "questions"
        )
    if flagged:
        parts.append(
            f"the outcome checker has suggestions for {count_text(len(flagged), 'outcome', 'outcomes')}"
        )
    s[ReflectionQuestion.CHECKED] = (
        ("; ".join(parts).capitalize() + ".")
        if parts
        else "Every outcome has been checked."
        if record.outcomes
        else "No outcome to check yet."
    )
    s[ReflectionQuestion.INVOLVED] = (
        "The record says the person did not take part in this conversation."
        if not c.person_took_part
        else ""
    )
    return s


def conversation_of(person: Person, conversation_id: uuid.UUID | str) -> Conversation | None:
    """One of the person's conversations, with what its pages show, or None."""
    return (
        person.conversations.select_related("recorded_by")
        .prefetch_related("reflection_answers", "participants__circle_member")
        .filter(pk=conversation_id)
        .first()
    )


def conversations_for_person(person: Person) -> QuerySet[Conversation]:
    """The person's conversations, newest first, with counts for the list page."""
    return person.conversations.listed()


def person_items(person: Person, kind: str) -> QuerySet[WorkingItem] | QuerySet[Aspiration]:
    """A person's not-working items or aspirations from all their conversations, for linking
    a positive change (step 3)."""
    if kind == "not_working":
        return WorkingItem.objects.filter(person=person, is_working=False).order_by("created_at")
    if kind == "aspiration":
        return Aspiration.objects.filter(person=person).order_by("created_at")
    raise ValueError(kind)


def conversation_item(
    conversation: Conversation, kind: str, item_id: uuid.UUID | str
) -> StepItem | Participant | None:
    model = STEP_MODELS[kind]
    if kind == "participant":
        return conversation.participants.filter(pk=item_id).first()
    return model.objects.filter(conversation=conversation, pk=item_id).first()
