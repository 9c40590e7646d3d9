"""Display wording for conversations and the Outcome Sequence steps."""

from __future__ import annotations

from django.urls import reverse

from goldenthread.core.formatting import date_text

from .selectors import ConversationRecord

STEPS = (
    ("about", "About the conversation", "conversations:about"),
    ("step1", "Step 1: What matters, who matters, where matters", "conversations:step1"),
    ("step2", "Step 2: What is working and not working", "conversations:step2"),
    ("step3", "Step 3: The positive change", "conversations:step3"),
    ("step4", "Step 4: Outcomes", "outcomes:step4"),
    ("step5", "Step 5: Check the outcomes", "outcomes:step5"),
    ("checklist", "How well did I use the Outcome Sequence?", "conversations:checklist"),
)

STEP_HINTS = {
    "about": "When and where, who took part, and the person's story in their own words.",
    "step1": "What matters, who matters and where matters to the person; aspirations "
    "where appropriate.",
    "step2": "What is working and not working now, from each person's view; strengths.",
    "step3": "The change the person wants to see, linked to what is not working or an aspiration.",
    "step4": "Make each positive change into a specific outcome.",
    "step5": "Check each outcome against the eight questions.",
    "checklist": "Look back at how the conversation went.",
}

ADDED_MESSAGES = {
    "matters": "Added to what matters.",
    "who": "Added to who matters.",
    "aspiration": "Aspiration added.",
    "working": "Added.",
    "strength": "Strength added.",
    "change": "Positive change added.",
}

KIND_STEP = {
    "matters": "step1",
    "who": "step1",
    "aspiration": "step1",
    "working": "step2",
    "strength": "step2",
    "change": "step3",
    "participant": "about",
}


def step_navigation(record: ConversationRecord, *, current: str | None) -> list[dict]:
    statuses = record.statuses()
    args = [record.conversation.person_id, record.conversation.pk]
    return [
        {
            "key": key,
            "label": label,
            "title": label,
            "url": reverse(url_name, args=args),
            "status": statuses[key],
            "current": key == current,
            "hint": STEP_HINTS[key],
        }
        for key, label, url_name in STEPS
    ]


def next_step(steps: list[dict]) -> dict | None:
    """The step after the current one, for "Continue to …" (the steps in order; any order
    is still allowed through the side navigation, OS-9)."""
    for index, step in enumerate(steps):
        if step["current"]:
            return steps[index + 1] if index + 1 < len(steps) else None
    return None


def added_message(kind: str, count: int) -> str:
    """After adding items to a step: one, or several typed one per line."""
    if count > 1:
        return f"{count} items added."
    return ADDED_MESSAGES[kind]


def step_url_for_kind(kind: str, person, conversation) -> str:
    step = KIND_STEP[kind]
    url_name = next(url for key, _, url in STEPS if key == step)
    return reverse(url_name, args=[person.pk, conversation.pk])


ITEM_EDIT_HEADINGS = {
    "matters": "Change what matters",
    "who": "Change who matters",
    "aspiration": "Change an aspiration",
    "working": "Change what is working or not working",
    "strength": "Change a strength, asset or support",
    "change": "Change the positive change and what it comes from",
}


def item_edit_heading(kind: str) -> str:
    return ITEM_EDIT_HEADINGS[kind]


def participant_link_words(participant) -> str:
    """Why a circle member cannot be removed: "took part in the conversation on 3 May 2026"."""
    return f"took part in the conversation on {date_text(participant.conversation.held_on)}"


def who_matters_link_words(item) -> str:
    return (
        'are named under "who matters" in the conversation on '
        f"{date_text(item.conversation.held_on)}"
    )
