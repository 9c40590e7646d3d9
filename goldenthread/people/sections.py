"""Summary sections that apps above people add to the person's page.

People is the lowest domain app and imports none above it, so an app that wants a short
summary on the person's page registers a function here from its AppConfig.ready():
`register_record_section(fn)`, where `fn(person, user)` returns a `RecordSection` (a
template and its context) or None for nothing to show. Each function should cost a fixed
number of queries.

A section whose reads are fixed queries of the person's id (`core.prepared.PreparedQuery`)
registers them with `reads={name: prepared}` (names unique across the page): the person's
page then runs them in the same single statement as its own lists
(`people.selectors.person_page`, #19) and calls `fn(person, user, rows=...)` with each
read's rows by name, exactly what `prepared(person.pk)` would give."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordSection:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionBuilder = Callable[..., "RecordSection | None"]
_BUILDERS: list[SectionBuilder] = []
_READS: dict[SectionBuilder, dict[str, Any]] = {}  # builder → its reads by name


def register_record_section(
    builder: SectionBuilder, *, reads: dict[str, Any] | None = None
) -> SectionBuilder:
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)
    if reads:
        _READS[builder] = dict(reads)
    return builder


def section_reads() -> dict[str, Any]:
    """Every registered section's reads by name (for the page's one statement)."""
    return {name: read for builder in _BUILDERS for name, read in _READS.get(builder, {}).items()}


def record_sections(person, user, *, rows: dict[str, list] | None = None) -> list[RecordSection]:
    """Each registered section for this person. `rows`: the sections' reads already run
    (by name); a section's reads not in `rows` are run by the section itself."""
    sections = []
    for builder in _BUILDERS:
        reads = _READS.get(builder)
        if reads and rows is not None and all(name in rows for name in reads):
            section = builder(person, user, rows={name: rows[name] for name in reads})
        else:
            section = builder(person, user)
        if section is not None:
            sections.append(section)
    return sections
