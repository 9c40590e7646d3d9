"""Measure the checker against a labelled set of statements (SPEC OC-6).

A labelled set is a CSV file with the columns ``text`` and ``expected_codes``
(codes separated by spaces; empty means a good statement). Optional columns
``baseline`` and ``due`` are passed to :func:`check` as the structured fields;
optional ``source_id``, ``source_url``, ``source_verdict`` and ``split`` say
where a statement was published, so results can be reported source by source
(leave-source-out) and for the sources kept back for testing; ``batch`` says
in which round of collection a statement was added (see evaluation/README.md).

Every rate comes with a 95% Wilson score interval, so a figure measured on a
handful of statements is not mistaken for a precise one.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import CODES, CheckResult, check

EVALUATION_DIR = Path(__file__).with_name("evaluation")
DEV_SET = EVALUATION_DIR / "dev_set.csv"
HOLDOUT_SET = EVALUATION_DIR / "holdout.csv"
EXTERNAL_SET = EVALUATION_DIR / "external_corpus.csv"

#: The codes that depend on the wording itself. ``no_baseline`` and
#: ``not_time_bound`` are about information that can also be given in the
#: outcome's own fields, so most published examples lack them; the "content"
#: rates below leave them out.
CONTENT_CODES: frozenset[str] = frozenset(CODES) - {"no_baseline", "not_time_bound"}


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval for ``successes`` out of ``total``."""
    if total <= 0:
        return None
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    expected: frozenset[str]
    baseline: str | None = None
    due: str | None = None
    source: str = ""
    split: str = ""
    batch: str = ""


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

    @property
    def precision_ci(self) -> tuple[float, float] | None:
        return wilson(self.tp, self.tp + self.fp)

    @property
    def recall_ci(self) -> tuple[float, float] | None:
        return wilson(self.tp, self.tp + self.fn)

    def add(self, other: CodeScore) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


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
    # The same two rates on the wording codes only (CONTENT_CODES).
    content_with_problem: int = 0
    content_found: int = 0
    content_clean: int = 0
    content_kept: int = 0

    @property
    def problem_found_rate(self) -> float | None:
        return self.problem_found / self.with_problem if self.with_problem else None

    @property
    def clean_kept_rate(self) -> float | None:
        return self.clean_kept / self.clean if self.clean else None

    @property
    def content_found_rate(self) -> float | None:
        return self.content_found / self.content_with_problem if self.content_with_problem else None

    @property
    def content_kept_rate(self) -> float | None:
        return self.content_kept / self.content_clean if self.content_clean else None

    def add(self, other: Report) -> None:
        """Pool another report into this one (for leave-source-out folds)."""
        self.total += other.total
        for code in CODES:
            self.codes[code].add(other.codes[code])
        for name in (
            "with_problem",
            "problem_found",
            "clean",
            "clean_kept",
            "exact",
            "content_with_problem",
            "content_found",
            "content_clean",
            "content_kept",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.mistakes.extend(other.mistakes)

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
            "problem_found_ci": _ci(self.problem_found, self.with_problem),
            "clean_kept_ci": _ci(self.clean_kept, self.clean),
            "content": {
                "codes": sorted(CONTENT_CODES),
                "problem_found": {
                    "rate": self.content_found_rate,
                    "found": self.content_found,
                    "of": self.content_with_problem,
                    "ci": _ci(self.content_found, self.content_with_problem),
                },
                "clean_kept": {
                    "rate": self.content_kept_rate,
                    "kept": self.content_kept,
                    "of": self.content_clean,
                    "ci": _ci(self.content_kept, self.content_clean),
                },
            },
            "codes": {
                code: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "support": s.support,
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                    "precision_ci": _ci(s.tp, s.tp + s.fp),
                    "recall_ci": _ci(s.tp, s.tp + s.fn),
                }
                for code, s in self.codes.items()
            },
        }


def _ci(successes: int, total: int) -> list[float] | None:
    interval = wilson(successes, total)
    return None if interval is None else [round(interval[0], 4), round(interval[1], 4)]


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
                    source=(row.get("source_id") or "").strip(),
                    split=(row.get("split") or "").strip(),
                    batch=(row.get("batch") or "").strip(),
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
        if ex.expected & CONTENT_CODES:
            report.content_with_problem += 1
            report.content_found += bool(got & CONTENT_CODES)
        else:
            report.content_clean += 1
            report.content_kept += not (got & CONTENT_CODES)
        if got == ex.expected:
            report.exact += 1
        else:
            report.mistakes.append(
                Mistake(ex.text, ex.expected - got, frozenset(got - ex.expected))
            )
    return report


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value:5.2f}"


def _interval(interval: tuple[float, float] | None) -> str:
    return "" if interval is None else f"{interval[0]:.2f}-{interval[1]:.2f}"


def _rate_line(label: str, done: int, total: int, rest: str) -> str:
    rate = done / total if total else None
    ci = _interval(wilson(done, total))
    return (
        f"{label} {_pct(rate).strip()} [{ci}] ({done} of {total} {rest})"
        if ci
        else (f"{label} {_pct(rate).strip()} ({done} of {total} {rest})")
    )


def format_report(report: Report, *, show_mistakes: bool = False) -> str:
    lines = [
        f"Outcome checker evaluation: {report.source} ({report.total} statements)",
        "",
        f"{'code':<20} {'precision':>9} {'recall':>7} {'support':>8} {'TP':>4} {'FP':>4} {'FN':>4}"
        f"  {'precision 95% CI':>16} {'recall 95% CI':>13}",
        "-" * 95,
    ]
    for code in CODES:
        s = report.codes[code]
        lines.append(
            f"{code:<20} {_pct(s.precision):>9} {_pct(s.recall):>7} {s.support:>8} "
            f"{s.tp:>4} {s.fp:>4} {s.fn:>4}  {_interval(s.precision_ci):>16} "
            f"{_interval(s.recall_ci):>13}"
        )
    lines += [
        "-" * 95,
        _rate_line(
            "problem found:",
            report.problem_found,
            report.with_problem,
            "statements with a problem got a flag",
        ),
        _rate_line(
            "clean kept:   ", report.clean_kept, report.clean, "good statements got no flag"
        ),
        _rate_line(
            "wording found:",
            report.content_found,
            report.content_with_problem,
            "statements with a wording problem got a wording flag",
        ),
        _rate_line(
            "wording kept: ",
            report.content_kept,
            report.content_clean,
            "statements with good wording got no wording flag",
        ),
        f"exact match:   {report.exact} of {report.total} statements got exactly the expected codes",
        "(wording = every code except no_baseline and not_time_bound; [..] = 95% Wilson interval)",
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


# --------------------------------------------------------------------------- by source


@dataclass(slots=True)
class SourceReport:
    """Leave-source-out results: one fold per source, pooled by split."""

    folds: dict[str, Report]
    splits: dict[str, str]
    pooled: dict[str, Report]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pooled": {name: rep.to_dict() for name, rep in self.pooled.items()},
            "folds": {
                source: {"split": self.splits.get(source, ""), **rep.to_dict()}
                for source, rep in self.folds.items()
            },
        }


CheckerFactory = Callable[[list[Example]], Callable[..., CheckResult]]


def _rules_only(_training: list[Example]) -> Callable[..., CheckResult]:
    return check


def evaluate_by_source(
    examples: list[Example],
    source: str = "",
    factory: CheckerFactory = _rules_only,
) -> SourceReport:
    """Score each source with a checker built from every *other* source.

    ``factory`` receives the training examples (all sources but the one being
    scored) and returns a checker; the rules alone ignore it, since they are
    fixed, which is honest only for sources the rules were never tuned on:
    the ``test`` split (see evaluation/README.md). Results are pooled per
    split and over everything.
    """
    by_source: dict[str, list[Example]] = {}
    for ex in examples:
        by_source.setdefault(ex.source or "(no source)", []).append(ex)
    folds: dict[str, Report] = {}
    splits: dict[str, str] = {}
    pooled: dict[str, Report] = {"all": Report(source=f"{source} (all sources)")}
    for name in sorted(by_source):
        held_out = by_source[name]
        training = [ex for ex in examples if (ex.source or "(no source)") != name]
        report = evaluate(held_out, source=name, checker=factory(training))
        folds[name] = report
        split = held_out[0].split or "unsplit"
        splits[name] = split
        pooled.setdefault(split, Report(source=f"{source} ({split} sources)")).add(report)
        pooled["all"].add(report)
    return SourceReport(folds=folds, splits=splits, pooled=pooled)


def format_source_report(result: SourceReport, *, show_mistakes: bool = False) -> str:
    lines = [
        "Leave-source-out: each source is scored as a fold on its own.",
        "Only the 'test' sources were kept away from rule-writing; the 'tune'",
        "sources were read while the rules were changed, so their figures are optimistic.",
        "",
        f"{'source':<20} {'split':<6} {'n':>4} {'problem found':>14} {'clean kept':>11}"
        f" {'wording found':>14} {'wording kept':>13}",
        "-" * 88,
    ]

    def frac(done: int, total: int) -> str:
        return f"{done}/{total}" if total else "-"

    for name, rep in result.folds.items():
        lines.append(
            f"{name[:20]:<20} {result.splits.get(name, ''):<6} {rep.total:>4} "
            f"{frac(rep.problem_found, rep.with_problem):>14} {frac(rep.clean_kept, rep.clean):>11} "
            f"{frac(rep.content_found, rep.content_with_problem):>14} "
            f"{frac(rep.content_kept, rep.content_clean):>13}"
        )
    order = ["test", "tune", "unsplit", "all"]
    for split in sorted(result.pooled, key=lambda k: (order.index(k) if k in order else 9, k)):
        lines += ["", format_report(result.pooled[split], show_mistakes=show_mistakes)]
    return "\n".join(lines)
