"""Measure the checker against a labelled set of statements (SPEC OC-6).

A labelled set is a CSV file with the columns ``text`` and ``expected_codes``
(codes separated by spaces; empty means a good statement). Optional columns
``baseline`` and ``due`` are passed to :func:`check` as the structured fields.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import CODES, CheckResult, check

EVALUATION_DIR = Path(__file__).with_name("evaluation")
DEV_SET = EVALUATION_DIR / "dev_set.csv"
HOLDOUT_SET = EVALUATION_DIR / "holdout.csv"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    expected: frozenset[str]
    baseline: str | None = None
    due: str | None = None


@dataclass(slots=True)
class CodeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass(slots=True)
class Mistake:
    text: str
    missed: frozenset[str]
    extra: frozenset[str]


@dataclass(slots=True)
class Report:
    source: str
    total: int = 0
    codes: dict[str, CodeScore] = field(default_factory=lambda: {c: CodeScore() for c in CODES})
    with_problem: int = 0
    problem_found: int = 0
    clean: int = 0
    clean_kept: int = 0
    exact: int = 0
    mistakes: list[Mistake] = field(default_factory=list)

    @property
    def problem_found_rate(self) -> float | None:
        return self.problem_found / self.with_problem if self.with_problem else None

    @property
    def clean_kept_rate(self) -> float | None:
        return self.clean_kept / self.clean if self.clean else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "statements": self.total,
            "exact_match": self.exact,
            "problem_found": {
                "rate": self.problem_found_rate,
                "found": self.problem_found,
                "of": self.with_problem,
            },
            "clean_kept": {"rate": self.clean_kept_rate, "kept": self.clean_kept, "of": self.clean},
            "codes": {
                code: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "support": s.support,
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                }
                for code, s in self.codes.items()
            },
        }


class LabelError(ValueError):
    """The labelled file is not in the expected shape."""


def load(path: str | Path) -> list[Example]:
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "expected_codes"} <= set(reader.fieldnames):
            raise LabelError(f"{path} needs the columns text and expected_codes")
        examples = []
        for line, row in enumerate(reader, start=2):
            text = row.get("text") or ""
            expected = frozenset((row.get("expected_codes") or "").split())
            unknown = expected - set(CODES)
            if unknown:
                raise LabelError(f"{path}:{line}: unknown code(s) {', '.join(sorted(unknown))}")
            examples.append(
                Example(
                    text=text,
                    expected=expected,
                    baseline=(row.get("baseline") or None),
                    due=(row.get("due") or None),
                )
            )
    return examples


def evaluate(
    examples: Iterable[Example],
    source: str = "",
    checker: Callable[..., CheckResult] = check,
) -> Report:
    report = Report(source=source)
    for ex in examples:
        got = checker(ex.text, baseline=ex.baseline, due=ex.due).codes
        report.total += 1
        for code in CODES:
            score = report.codes[code]
            if code in got and code in ex.expected:
                score.tp += 1
            elif code in got:
                score.fp += 1
            elif code in ex.expected:
                score.fn += 1
        if ex.expected:
            report.with_problem += 1
            report.problem_found += bool(got)
        else:
            report.clean += 1
            report.clean_kept += not got
        if got == ex.expected:
            report.exact += 1
        else:
            report.mistakes.append(
                Mistake(ex.text, ex.expected - got, frozenset(got - ex.expected))
            )
    return report


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value:5.2f}"


def format_report(report: Report, *, show_mistakes: bool = False) -> str:
    lines = [
        f"Outcome checker evaluation: {report.source} ({report.total} statements)",
        "",
        f"{'code':<20} {'precision':>9} {'recall':>7} {'support':>8} {'TP':>4} {'FP':>4} {'FN':>4}",
        "-" * 62,
    ]
    for code in CODES:
        s = report.codes[code]
        lines.append(
            f"{code:<20} {_pct(s.precision):>9} {_pct(s.recall):>7} {s.support:>8} "
            f"{s.tp:>4} {s.fp:>4} {s.fn:>4}"
        )
    lines += [
        "-" * 62,
        (
            f"problem found: {_pct(report.problem_found_rate).strip()} "
            f"({report.problem_found} of {report.with_problem} statements with a problem "
            "got a flag)"
        ),
        (
            f"clean kept:    {_pct(report.clean_kept_rate).strip()} "
            f"({report.clean_kept} of {report.clean} good statements got no flag)"
        ),
        f"exact match:   {report.exact} of {report.total} statements got exactly the expected codes",
    ]
    if show_mistakes and report.mistakes:
        lines += ["", "Statements where the checker disagreed with the label:"]
        for m in report.mistakes:
            parts = []
            if m.missed:
                parts.append("missed " + ", ".join(sorted(m.missed)))
            if m.extra:
                parts.append("extra " + ", ".join(sorted(m.extra)))
            lines.append(f"  - {m.text}\n      {'; '.join(parts)}")
    return "\n".join(lines)
