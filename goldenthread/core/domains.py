"""National outcome domains (AGG-4): code lists kept as data with their sources
(core/data/outcome_domains.csv). For adults, the personal-outcomes domains of Scotland's
Talking Points approach; for children and young people, the GIRFEC wellbeing indicators
(SHANARRI). A practitioner codes a "what matters" item or an outcome to one domain, so they
can be counted (reports)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "outcome_domains.csv"
FRAMEWORK_LABELS = {
    "adult": "Talking Points personal outcomes (adults)",
    "child": "GIRFEC wellbeing indicators, SHANARRI (children and young people)",
}


@dataclass(frozen=True)
class Domain:
    framework: str
    code: str
    label: str
    group: str
    source: str

    @property
    def key(self) -> str:
        """The stored value: framework and code ("adult:feeling_safe", "child:safe")."""
        return f"{self.framework}:{self.code}"


@cache
def domains() -> tuple[Domain, ...]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        rows = tuple(Domain(**row) for row in csv.DictReader(handle))
    keys = [d.key for d in rows]
    if len(keys) != len(set(keys)):
        raise ValueError("A domain code is listed twice")
    return rows


def domain_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: one group per framework and group."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for d in domains():
        name = (
            f"{FRAMEWORK_LABELS[d.framework]}: {d.group}"
            if d.framework == "adult"
            else (FRAMEWORK_LABELS[d.framework])
        )
        groups.setdefault(name, []).append((d.key, d.label))
    return list(groups.items())


def domain_labels() -> dict[str, str]:
    return {d.key: d.label for d in domains()}


def validate_domain(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value and value not in domain_labels():
        raise ValidationError("Choose a domain from the list.")


# Children and young people are coded to the SHANARRI indicators until they are 18, as the
# Support Sequence's young-person wording and the reports' age groups (0-15, 16-17) are.
ADULT_AGE = 18


def framework_for(date_of_birth: datetime.date, day: datetime.date) -> str:
    """ "child" (SHANARRI) under 18 on `day`, "adult" (Talking Points) from 18."""
    age = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        age -= 1
    return "child" if age < ADULT_AGE else "adult"


@dataclass(frozen=True)
class SuggestedDomain:
    """A domain the words seem to be about, with the words that made it seem so. A
    suggestion only: the practitioner chooses (AGG-4)."""

    key: str
    label: str
    words: tuple[str, ...]


# What suggests a domain for some words: (text, framework or None) -> (key, words) pairs.
# The outcome checker's word lists do (outcomes/checker, `suggest_domains`); core and the
# apps below outcomes cannot import it, so the outcomes app puts it here when it starts
# (outcomes/apps.py), as conversations tells people how to word a circle link.
SUGGESTERS: list[Callable[[str, str | None], Iterable[tuple[str, tuple[str, ...]]]]] = []


def suggest(text: str, framework: str | None) -> list[SuggestedDomain]:
    """The domains suggested for `text`, with their labels (none when nothing suggests)."""
    if not text.strip():
        return []
    labels = domain_labels()
    return [
        SuggestedDomain(key, labels[key], _once(words))
        for suggester in SUGGESTERS
        for key, words in suggester(text, framework)
        if key in labels
    ]


def _once(words: Iterable[str]) -> tuple[str, ...]:
    """Each word once, as first written ("Friends ... friends" quotes "Friends")."""
    seen: dict[str, str] = {}
    for word in words:
        seen.setdefault(" ".join(word.lower().split()), word)
    return tuple(seen.values())


SUGGESTION_REGION_ID = "domain-suggestion"


def suggestion_region(
    *, url: str, framework: str, text_id: str, domain_id: str, text: str, chosen: str
) -> dict[str, object]:
    """What `ui/components/domain_suggestion.html` needs: where to ask as the words are
    typed (htmx), which inputs to read, and the suggestion for the words as they stand, for
    the page as served (no JavaScript needed to see it). Nothing is suggested when the
    domain chosen is one of those suggested."""
    return {
        "id": SUGGESTION_REGION_ID,
        "url": url,
        "framework": framework,
        "text_id": text_id,
        "domain_id": domain_id,
        "suggestions": suggestions_unless_chosen(text, framework, chosen),
    }


def suggestions_unless_chosen(
    text: str, framework: str | None, chosen: str
) -> list[SuggestedDomain]:
    found = suggest(text, framework)
    if chosen and any(s.key == chosen for s in found):
        return []
    return found
