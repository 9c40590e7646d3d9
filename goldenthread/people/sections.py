"""Summary sections that apps above people add to the person's page.

People is the lowest domain app and imports none above it, so an app that wants a short
summary on the person's page registers a function here from its AppConfig.ready():
`register_record_section(fn)`, where `fn(person, user)` returns a `RecordSection` (a
template and its context) or None for nothing to show. Each function should cost a fixed
number of queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordSection:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionBuilder = Callable[[Any, Any], "RecordSection | None"]
_BUILDERS: list[SectionBuilder] = []


def register_record_section(builder: SectionBuilder) -> SectionBuilder:
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)
    return builder


def record_sections(person, user) -> list[RecordSection]:
    sections = (builder(person, user) for builder in _BUILDERS)
    return [s for s in sections if s is not None]
