"""Measure the domain suggestion (``suggest_domains``) on a labelled set (AGG-4).

``evaluation/domain_set.csv`` has the columns ``text``, ``framework`` (adult or child),
``domains`` (the domains a practitioner could rightly code the statement to, separated by
spaces; empty: none fits well enough to suggest one), ``split`` (tune: used to write the
word list; test: labelled and committed before the word list existed, never used to change
it), ``from`` (the checker set and line the statement comes from) and ``batch`` (the
round of labelling: each batch was committed before the suggester ran on it). See
evaluation/README.md, "Domain suggestion".

A suggestion is right when it is one of the statement's domains. Precision is the share of
suggestions that are right; coverage is the share of statements with a domain that get a
right one. Every rate has a 95% Wilson interval.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._domains import FRAMEWORKS, suggest_domains
from .evaluate import EVALUATION_DIR, LabelError, wilson

DOMAIN_SET = EVALUATION_DIR / "domain_set.csv"


@dataclass(frozen=True)
class DomainExample:
    text: str
    framework: str
    domains: frozenset[str]
    split: str = ""
    batch: str = ""


@dataclass(frozen=True)
class DomainOutcome:
    example: DomainExample
    suggested: tuple[str, ...]

    @property
    def right(self) -> tuple[str, ...]:
        return tuple(d for d in self.suggested if d in self.example.domains)

    @property
    def wrong(self) -> tuple[str, ...]:
        return tuple(d for d in self.suggested if d not in self.example.domains)


@dataclass
class DomainReport:
    source: str
    outcomes: list[DomainOutcome] = field(default_factory=list)

    @property
    def statements(self) -> int:
        return len(self.outcomes)

    @property
    def suggestions(self) -> int:
        return sum(len(o.suggested) for o in self.outcomes)

    @property
    def right(self) -> int:
        return sum(len(o.right) for o in self.outcomes)

    @property
    def with_suggestion(self) -> int:
        return sum(1 for o in self.outcomes if o.suggested)

    @property
    def labelled(self) -> int:
        return sum(1 for o in self.outcomes if o.example.domains)

    @property
    def covered(self) -> int:
        return sum(1 for o in self.outcomes if o.right)

    @property
    def unlabelled_quiet(self) -> tuple[int, int]:
        """Statements no domain fits: (how many got no suggestion, how many there are)."""
        none_fit = [o for o in self.outcomes if not o.example.domains]
        return sum(1 for o in none_fit if not o.suggested), len(none_fit)

    @property
    def precision(self) -> float | None:
        return self.right / self.suggestions if self.suggestions else None

    @property
    def coverage(self) -> float | None:
        return self.covered / self.labelled if self.labelled else None

    @property
    def mistakes(self) -> list[DomainOutcome]:
        return [o for o in self.outcomes if o.wrong]

    def to_dict(self) -> dict[str, object]:
        quiet, none_fit = self.unlabelled_quiet
        return {
            "source": self.source,
            "statements": self.statements,
            "suggestions": self.suggestions,
            "right": self.right,
            "precision": self.precision,
            "precision_ci": _ci(self.right, self.suggestions),
            "statements_with_a_suggestion": self.with_suggestion,
            "statements_with_a_domain": self.labelled,
            "given_a_right_domain": self.covered,
            "coverage": self.coverage,
            "coverage_ci": _ci(self.covered, self.labelled),
            "no_domain_fits": none_fit,
            "no_domain_fits_and_quiet": quiet,
        }


def _ci(done: int, total: int) -> list[float] | None:
    interval = wilson(done, total)
    return None if interval is None else [round(interval[0], 3), round(interval[1], 3)]


def load_domain_set(path: str | Path = DOMAIN_SET) -> list[DomainExample]:
    examples = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "framework", "domains"} - set(reader.fieldnames or ())
        if missing:
            raise LabelError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            framework = (row["framework"] or "").strip()
            if framework not in FRAMEWORKS:
                raise LabelError(f"{path}:{line}: framework must be adult or child")
            domains = frozenset((row["domains"] or "").split())
            if any(not d.startswith(framework + ":") for d in domains):
                raise LabelError(f"{path}:{line}: a domain is not of the {framework} framework")
            examples.append(
                DomainExample(
                    row["text"],
                    framework,
                    domains,
                    (row.get("split") or "").strip(),
                    (row.get("batch") or "").strip(),
                )
            )
    return examples


def evaluate_domains(examples: Iterable[DomainExample], *, source: str = "") -> DomainReport:
    report = DomainReport(source)
    for example in examples:
        found = suggest_domains(example.text, framework=example.framework)
        report.outcomes.append(DomainOutcome(example, tuple(s.domain for s in found)))
    return report


def _rate(label: str, done: int, total: int) -> str:
    interval = wilson(done, total)
    if interval is None:
        return f"{label}: none"
    return (
        f"{label}: {done}/{total} = {done / total:.2f} (95% CI {interval[0]:.2f}-{interval[1]:.2f})"
    )


def format_domain_report(report: DomainReport, *, show_mistakes: bool = False) -> str:
    quiet, none_fit = report.unlabelled_quiet
    lines = [
        f"Domain suggestions on {report.source}: {report.statements} statements",
        _rate("  Precision (suggestions that are right)", report.right, report.suggestions),
        _rate(
            "  Coverage (statements with a domain given a right one)",
            report.covered,
            report.labelled,
        ),
        f"  Statements with a suggestion: {report.with_suggestion}/{report.statements}",
        f"  Statements no domain fits, left without a suggestion: {quiet}/{none_fit}",
    ]
    if show_mistakes and report.mistakes:
        lines.append("  Wrong suggestions:")
        for outcome in report.mistakes:
            wanted = " ".join(sorted(outcome.example.domains)) or "(none fits)"
            lines.append(
                f"    {', '.join(outcome.wrong)} for {outcome.example.text!r} (labelled {wanted})"
            )
    return "\n".join(lines)
