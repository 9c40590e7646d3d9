"""National outcome domains (AGG-4): code lists kept as data with their sources
(core/data/outcome_domains.csv). For adults, the personal-outcomes domains of Scotland's
Talking Points approach; for children and young people, the GIRFEC wellbeing indicators
(SHANARRI). A practitioner codes a "what matters" item or an outcome to one domain, so they
can be counted (reports)."""

from __future__ import annotations

import csv
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
