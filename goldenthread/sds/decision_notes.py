"""What apps above sds add to the "Choices and budget" page (#13).

SDS imports no app above it, so an app that records something about a decision (a challenge
to it, for instance) registers a function here from its AppConfig.ready():
`register_decision_notes(fn)`, where `fn(person, decisions)` returns `DecisionNotes`: lines
to show under each decision, by the decision's id, and links for the page. Each function
should cost a fixed number of queries, however many decisions there are."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DecisionNote:
    text: str
    url: str = ""
    link_text: str = ""


@dataclass
class DecisionNotes:
    by_decision: dict[Any, list[DecisionNote]] = field(default_factory=dict)
    # Links for the page's sections, by section ("understanding", "decisions").
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


NotesBuilder = Callable[[Any, list[Any]], DecisionNotes]
_BUILDERS: list[NotesBuilder] = []


def register_decision_notes(builder: NotesBuilder) -> NotesBuilder:
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)
    return builder


def decision_notes(person: Any, decisions: Iterable[Any]) -> DecisionNotes:
    """Every registered app's notes for these decisions, merged."""
    decisions = list(decisions)
    merged = DecisionNotes()
    for builder in _BUILDERS:
        notes = builder(person, decisions)
        for pk, lines in notes.by_decision.items():
            merged.by_decision.setdefault(pk, []).extend(lines)
        for section, links in notes.links.items():
            merged.links.setdefault(section, []).extend(links)
    return merged
