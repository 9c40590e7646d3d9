"""Command-line entry points for the outcome checker (SPEC OC-4, OC-6).

No Django here: these run anywhere the checker does. ``goldenthread/cli.py``
calls them; ``python -m goldenthread.outcomes.checker`` works too.

* ``goldenthread check-outcome [--json] [--baseline B] [--due D] TEXT...``
* ``goldenthread check-outcome-eval [FILE|dev|holdout|external] [--json] [--mistakes]
  [--by-source] [--split test|tune] [--batch N]``
* ``goldenthread bench checker [--repeat N]``
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from . import CODE_LABELS, CheckResult, DomainSuggestion, check, suggest_domains
from .evaluate import (
    DEV_SET,
    EXTERNAL_SET,
    HOLDOUT_SET,
    LabelError,
    evaluate,
    evaluate_by_source,
    format_report,
    format_source_report,
    load,
)
from .evaluate_domains import (
    DOMAIN_SET,
    evaluate_domains,
    format_domain_report,
    load_domain_set,
)

TARGET_PER_SECOND = 2000
TARGET_P99_MS = 5.0
BENCH_STATEMENTS = 20_000
SHOW_WIDTH = 100


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports errors instead of exiting the process."""

    def __init__(self, *args: Any, out: IO[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._out = out

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_help(file if file is not None else self._out)


def _run_parser(parser: _Parser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    try:
        return parser.parse_args(None if argv is None else list(argv))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0


# --------------------------------------------------------------------------- check-outcome

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %Y",
    "%b %Y",
    "%Y-%m",
)


def parse_due(value: str) -> datetime.date:
    """Read a --due date: 2026-06-30, 30/06/2026, 30 June 2026, June 2026 or 2026-06."""
    cleaned = " ".join(value.replace(",", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            parsed = time.strptime(cleaned, fmt)
        except ValueError:
            continue
        return datetime.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    raise UsageError(
        f"--due {value!r} is not a date I can read; use a date like 2026-06-30 or 30/06/2026"
    )


def _one_line(text: str) -> str:
    return "".join(" " if ch in "\n\r\t" or ord(ch) < 32 else ch for ch in text)


def _underlined(text: str, start: int, end: int) -> tuple[str, str]:
    """The statement (or the part around the span) with a caret line under the span."""
    line = _one_line(text)
    left, right = 0, len(line)
    prefix = suffix = ""
    if len(line) > SHOW_WIDTH:
        left = max(0, start - 30)
        right = min(len(line), max(end, start + 1) + 30, left + SHOW_WIDTH)
        right = max(right, min(len(line), start + 1))
        prefix = "..." if left > 0 else ""
        suffix = "..." if right < len(line) else ""
    shown = prefix + line[left:right] + suffix
    caret_start = len(prefix) + max(0, start - left)
    caret_len = max(1, min(end, right) - max(start, left))
    return shown, " " * caret_start + "^" * caret_len


def format_result(result: CheckResult, number: int | None = None) -> str:
    """A readable report for one statement."""
    heading = f"Outcome {number}: " if number is not None else "Outcome: "
    lines = [heading + _one_line(result.text)]
    if result.passed:
        lines.append("  Passes all checks.")
        return "\n".join(lines)
    count = len(result.flags)
    lines.append(f"  {count} thing{'s' if count != 1 else ''} to look at:")
    for flag in result.flags:
        shown, carets = _underlined(result.text, flag.start, flag.end)
        lines += [
            "",
            "    " + shown,
            "    " + carets,
            f"  {flag.code} ({CODE_LABELS[flag.code]})",
            f"    {flag.message}",
            f"    Suggestion: {flag.suggestion}",
        ]
    return "\n".join(lines)


def _statements(texts: list[str], stdin: IO[str]) -> list[str]:
    statements: list[str] = []
    read_stdin = False
    for text in texts:
        if text == "-":
            if read_stdin:
                continue
            read_stdin = True
            statements.extend(line.rstrip("\r\n") for line in stdin if line.strip())
        else:
            statements.append(text)
    return statements


def check_outcome_main(
    argv: Sequence[str] | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
) -> int:
    """``goldenthread check-outcome``: exit 0 if every statement passes, 1 if any
    has flags, 2 on a usage error."""
    out = stdout if stdout is not None else sys.stdout
    parser = _Parser(
        prog="goldenthread check-outcome",
        description=(
            "Check personal outcome statements against the Outcome Sequence step 5 "
            "questions. Give each statement as an argument, or '-' to read one "
            "statement per line from standard input."
        ),
        out=out,
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")
    parser.add_argument("--baseline", metavar="B", help="the outcome's starting point, if known")
    parser.add_argument("--due", metavar="D", help="when it should be achieved (a date)")
    parser.add_argument(
        "--domain",
        choices=["adult", "child", "any"],
        help="also suggest a national outcome domain (AGG-4): adult (Talking Points), child "
        '(SHANARRI) or any; with --json each object gains "domains"',
    )
    parser.add_argument("texts", nargs="*", metavar="TEXT", help="outcome statement, or -")
    args = _run_parser(parser, argv)
    if isinstance(args, int):
        return args
    framework = None if args.domain in (None, "any") else args.domain
    try:
        due = parse_due(args.due) if args.due is not None else None
        statements = _statements(args.texts, stdin if stdin is not None else sys.stdin)
        if not statements:
            raise UsageError("give at least one outcome statement (or '-' to read them)")
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    any_flags = False
    for number, statement in enumerate(statements, start=1):
        result = check(statement, baseline=args.baseline, due=due)
        any_flags = any_flags or not result.passed
        found = suggest_domains(statement, framework=framework) if args.domain else None
        if args.json:
            data: dict[str, Any] = result.to_dict()
            if found is not None:
                data["domains"] = [s.to_dict() for s in found]
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            if number > 1:
                out.write("\n")
            out.write(format_result(result, number if len(statements) > 1 else None) + "\n")
            if found is not None:
                out.write(format_domains(found) + "\n")
    return 1 if any_flags else 0


def format_domains(found: Sequence[DomainSuggestion]) -> str:
    """The suggested domains, each with the words that triggered it (or that none is)."""
    if not found:
        return "  Domain: none suggested (the words are not clear enough)."
    return "\n".join(
        f"  Domain suggested: {s.domain} ({', '.join(repr(w) for w in dict.fromkeys(s.words))})"
        for s in found
    )


# --------------------------------------------------------------------------- check-outcome-eval


def _resolve_set(name: str) -> Path:
    if name == "dev":
        return DEV_SET
    if name == "holdout":
        return HOLDOUT_SET
    if name == "external":
        return EXTERNAL_SET
    return Path(name)


def eval_main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None) -> int:
    """``goldenthread check-outcome-eval [FILE]``: precision and recall per code."""
    out = stdout if stdout is not None else sys.stdout
    parser = _Parser(
        prog="goldenthread check-outcome-eval",
        description=(
            "Measure the outcome checker on a labelled CSV (columns text, expected_codes). "
            "FILE may also be 'dev', 'holdout' or 'external' for the sets kept in the "
            "repository, or 'domains' for the domain suggestion's labelled set (--split "
            "tune|test). Every rate has a 95% Wilson interval."
        ),
        out=out,
    )
    parser.add_argument(
        "file",
        nargs="?",
        default="dev",
        metavar="FILE",
        help="labelled CSV (default: the development set)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--mistakes",
        action="store_true",
        help="also list the statements where checker and label disagree",
    )
    parser.add_argument(
        "--by-source",
        action="store_true",
        help=(
            "leave-source-out: score each source (column source_id) as its own fold and "
            "pool the folds by split (column split: test sources were never used to tune)"
        ),
    )
    parser.add_argument(
        "--split",
        choices=["test", "tune"],
        default=None,
        help="only the statements from this split's sources",
    )
    parser.add_argument(
        "--batch",
        default=None,
        help="only the statements added in this round of collection (column batch)",
    )
    args = _run_parser(parser, argv)
    if isinstance(args, int):
        return args
    if args.file == "domains":
        return _eval_domains(args, out)
    path = _resolve_set(args.file)
    try:
        examples = load(path)
    except (OSError, LabelError, UnicodeDecodeError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    if args.split is not None:
        examples = [ex for ex in examples if ex.split == args.split]
    if args.batch is not None:
        examples = [ex for ex in examples if ex.batch == args.batch]
    if args.by_source:
        result = evaluate_by_source(examples, source=str(path))
        if args.json:
            out.write(json.dumps(result.to_dict(), indent=2) + "\n")
        else:
            out.write(format_source_report(result, show_mistakes=args.mistakes) + "\n")
        return 0
    report = evaluate(examples, source=str(path))
    if args.json:
        data = report.to_dict()
        if args.mistakes:
            data["mistakes"] = [
                {"text": m.text, "missed": sorted(m.missed), "extra": sorted(m.extra)}
                for m in report.mistakes
            ]
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(format_report(report, show_mistakes=args.mistakes) + "\n")
    return 0


def _eval_domains(args: argparse.Namespace, out: IO[str]) -> int:
    """``check-outcome-eval domains [--split test|tune] [--batch N] [--json] [--mistakes]``: the domain
    suggestion's precision and coverage on evaluation/domain_set.csv (AGG-4)."""
    examples = load_domain_set(DOMAIN_SET)
    source = "evaluation/domain_set.csv"
    if args.split is not None:
        examples = [ex for ex in examples if ex.split == args.split]
        source += f" ({args.split})"
    if args.batch is not None:
        examples = [ex for ex in examples if ex.batch == args.batch]
        source += f" (batch {args.batch})"
    report = evaluate_domains(examples, source=source)
    if args.json:
        data = report.to_dict()
        if args.mistakes:
            data["mistakes"] = [
                {"text": m.example.text, "wrong": list(m.wrong)} for m in report.mistakes
            ]
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(format_domain_report(report, show_mistakes=args.mistakes) + "\n")
    return 0


# --------------------------------------------------------------------------- bench


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def bench_main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None) -> int:
    """``goldenthread bench checker [--repeat N]``: speed against the targets."""
    out = stdout if stdout is not None else sys.stdout
    parser = _Parser(
        prog="goldenthread bench",
        description="Time the outcome checker over the development set, in this process.",
        out=out,
    )
    parser.add_argument(
        "target",
        nargs="?",
        default="checker",
        choices=["checker"],
        help="what to benchmark (only 'checker')",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        metavar="N",
        help=f"passes over the set (default: about {BENCH_STATEMENTS:,} checks)",
    )
    parser.add_argument("--file", default="dev", help="statements to use (default: dev set)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = _run_parser(parser, argv)
    if isinstance(args, int):
        return args
    try:
        texts = [ex.text for ex in load(_resolve_set(args.file))]
    except (OSError, LabelError, UnicodeDecodeError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    if not texts:
        print(f"{parser.prog}: error: no statements to time", file=sys.stderr)
        return 2
    repeat = args.repeat if args.repeat is not None else math.ceil(BENCH_STATEMENTS / len(texts))
    if repeat < 1:
        print(f"{parser.prog}: error: --repeat must be at least 1", file=sys.stderr)
        return 2
    for text in texts:  # warm up: load the word lists, fill regex caches
        check(text)
    latencies: list[float] = []
    clock = time.perf_counter
    cpu_started = time.process_time()
    started = clock()
    for _ in range(repeat):
        for text in texts:
            t0 = clock()
            check(text)
            latencies.append(clock() - t0)
    elapsed = clock() - started
    cpu_elapsed = time.process_time() - cpu_started
    latencies.sort()
    count = len(latencies)
    per_second = count / elapsed if elapsed > 0 else float("inf")
    p50, p95, p99 = (_percentile(latencies, f) * 1000 for f in (0.50, 0.95, 0.99))
    result = {
        "statements": count,
        "repeat": repeat,
        "seconds": elapsed,
        "per_second": per_second,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "max_ms": latencies[-1] * 1000,
        "target_per_second": TARGET_PER_SECOND,
        "target_p99_ms": TARGET_P99_MS,
        "throughput_ratio": per_second / TARGET_PER_SECOND,
        "p99_ratio": TARGET_P99_MS / p99 if p99 > 0 else float("inf"),
        "cpu_seconds": cpu_elapsed,
        "cpu_per_second": count / cpu_elapsed if cpu_elapsed > 0 else float("inf"),
        "cpu_share": cpu_elapsed / elapsed if elapsed > 0 else 1.0,
    }
    if args.json:
        out.write(json.dumps(result, indent=2) + "\n")
        return 0
    meets = per_second >= TARGET_PER_SECOND and p99 <= TARGET_P99_MS
    out.write(
        "\n".join(
            [
                "Outcome checker benchmark (one process, one core)",
                f"statements checked: {count:,} ({len(texts)} statements x {repeat})",
                (
                    f"throughput: {per_second:,.0f}/s "
                    f"({result['throughput_ratio']:.1f}x the {TARGET_PER_SECOND:,}/s target)"
                ),
                (
                    f"latency per statement: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
                    f"p99 {p99:.2f} ms (max {result['max_ms']:.2f} ms)"
                ),
                f"p99 against the {TARGET_P99_MS:g} ms target: "
                + (
                    f"{result['p99_ratio']:.1f}x faster than needed"
                    if p99 <= TARGET_P99_MS
                    else f"{p99 / TARGET_P99_MS:.1f}x too slow"
                ),
                (
                    f"CPU time: {result['cpu_per_second']:,.0f} statements per CPU-second; "
                    f"this process had {result['cpu_share']:.0%} of a core while timing"
                    + (
                        " (the machine was busy, so wall-clock figures are pessimistic)"
                        if result["cpu_share"] < 0.85
                        else ""
                    )
                ),
                "meets both targets" if meets else "DOES NOT meet the targets",
            ]
        )
        + "\n"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m goldenthread.outcomes.checker <command> ...``."""
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "check-outcome": lambda rest: check_outcome_main(rest),
        "check-outcome-eval": lambda rest: eval_main(rest),
        "bench": lambda rest: bench_main(rest),
    }
    if not args or args[0] not in commands:
        if args and args[0] in ("-h", "--help"):
            print(_MAIN_USAGE)
            return 0
        print(_MAIN_USAGE, file=sys.stderr)
        return 2
    return commands[args[0]](args[1:])


_MAIN_USAGE = """usage: python -m goldenthread.outcomes.checker COMMAND ...

commands:
  check-outcome [--json] [--baseline B] [--due D] TEXT...   check outcome statements
  check-outcome-eval [FILE] [--json] [--mistakes] [--by-source] [--split S] [--batch N]
                                                           precision and recall per code
  bench [checker] [--repeat N]                             speed against the targets"""
