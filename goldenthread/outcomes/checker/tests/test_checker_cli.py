"""The command-line entry points (OC-4, OC-6)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from goldenthread.outcomes.checker import cli

GOOD = "I want to get back to my bowling club on Thursdays by the end of May."
POOR = "Mr Brown to receive 10 hours of home care per week."


def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = cli.check_outcome_main(argv, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


# ----------------------------------------------------------------------------- check-outcome


def test_exit_0_when_everything_passes() -> None:
    code, out = run([GOOD])
    assert code == 0
    assert "Passes all checks." in out


def test_exit_1_when_anything_is_flagged() -> None:
    code, out = run([GOOD, POOR])
    assert code == 1
    assert "Outcome 1:" in out and "Outcome 2:" in out
    assert "service_language" in out


def test_exit_2_without_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run([])
    assert code == 2
    assert out == ""
    assert "error" in capsys.readouterr().err


def test_exit_2_on_a_bad_due_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["--due", "31/13/2026", GOOD])
    assert code == 2
    assert "--due" in capsys.readouterr().err


def test_exit_2_on_an_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["--colour", GOOD])
    assert code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_help_exits_0() -> None:
    code, out = run(["--help"])
    assert code == 0
    assert "goldenthread check-outcome" in out


def test_json_shape() -> None:
    code, out = run(["--json", POOR, GOOD])
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["text"] == POOR
    assert second == {"text": GOOD, "flags": []}
    assert first["flags"]
    for flag in first["flags"]:
        assert set(flag) == {"code", "message", "start", "end", "suggestion"}
        assert POOR[flag["start"] : flag["end"]]


def test_stdin_dash_reads_one_statement_per_line_and_skips_blanks() -> None:
    code, out = run(["--json", "-"], stdin=f"{GOOD}\n\n   \n{POOR}\n")
    assert code == 1
    texts = [json.loads(line)["text"] for line in out.strip().splitlines()]
    assert texts == [GOOD, POOR]


def test_stdin_mixed_with_arguments() -> None:
    code, out = run(["--json", GOOD, "-"], stdin="I want to be happy\n")
    texts = [json.loads(line)["text"] for line in out.strip().splitlines()]
    assert texts == [GOOD, "I want to be happy"]
    assert code == 1


def test_baseline_and_due_options() -> None:
    text = "I want to go swimming every week."
    assert run([text])[0] == 1
    code, out = run(["--baseline", "once a month", "--due", "2026-06-30", text])
    assert code == 0, out


@pytest.mark.parametrize("due", ["2026-06-30", "30/06/2026", "30 June 2026", "June 2026"])
def test_due_formats(due: str) -> None:
    assert cli.parse_due(due).year == 2026


def test_underline_points_at_the_span() -> None:
    _, out = run([POOR])
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if "'receive' describes" in line)
    # the statement line, then the caret line, then the code line, then the message
    statement, underline = lines[i - 3], lines[i - 2]
    start = underline.index("^")
    assert statement[start : start + underline.count("^")] == "receive"
    assert set(underline.strip()) == {"^"}


def test_readable_report_has_code_message_and_suggestion() -> None:
    _, out = run(["Staff will ensure Mr X takes his medication."])
    assert "not_person_centred (Not about the person)" in out
    assert "Suggestion:" in out
    assert "The person isn't the subject here" in out


def test_long_statements_are_windowed_but_still_underlined() -> None:
    text = "I want to go to the shops. " * 10 + "Staff will ensure it happens."
    _, out = run([text])
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if "isn't the subject" in line)
    statement, underline = lines[i - 3], lines[i - 2]
    start = underline.index("^")
    assert statement[start : start + underline.count("^")] == "Staff"
    assert len(statement) < len(text)


def test_empty_statement_from_argument() -> None:
    code, out = run([""])
    assert code == 1
    assert "There is no outcome written yet." in out


# ----------------------------------------------------------------------------- check-outcome-eval

TINY = """text,expected_codes
I want to be happy.,vague not_measurable no_baseline not_time_bound
I want to get back to my bowling club on Thursdays by the end of May.,
Respite.,service_language
"Bowling on Thursdays again by June.",jargon
"""


def test_eval_reports_precision_and_recall(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text(TINY, encoding="utf-8")
    out = io.StringIO()
    assert cli.eval_main([str(path), "--json"], stdout=out) == 0
    data = json.loads(out.getvalue())
    assert data["statements"] == 4
    vague = data["codes"]["vague"]
    assert (vague["tp"], vague["fp"], vague["fn"]) == (1, 0, 0)
    assert vague["precision"] == 1.0 and vague["recall"] == 1.0
    # "Respite." also gets solution_embedded, not_measurable, ...: false positives
    service = data["codes"]["service_language"]
    assert (service["tp"], service["fp"], service["fn"]) == (1, 0, 0)
    solution = data["codes"]["solution_embedded"]
    assert (solution["tp"], solution["fp"]) == (0, 1)
    assert solution["precision"] == 0.0 and solution["recall"] is None
    # jargon was expected on the bowling fragment but is not there
    jargon = data["codes"]["jargon"]
    assert (jargon["tp"], jargon["fp"], jargon["fn"]) == (0, 0, 1)
    assert jargon["recall"] == 0.0 and jargon["precision"] is None
    assert data["problem_found"] == {"rate": 2 / 3, "found": 2, "of": 3}
    assert data["clean_kept"] == {"rate": 1.0, "kept": 1, "of": 1}


def test_eval_table(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text(TINY, encoding="utf-8")
    out = io.StringIO()
    assert cli.eval_main([str(path), "--mistakes"], stdout=out) == 0
    text = out.getvalue()
    assert "precision" in text and "recall" in text
    assert "problem found:" in text and "clean kept:" in text
    assert "vague                     1.00    1.00" in text
    assert "Bowling on Thursdays again by June." in text  # listed as a mistake


def test_eval_filters_by_split_and_batch(tmp_path: Path) -> None:
    path = tmp_path / "batches.csv"
    path.write_text(
        "text,expected_codes,source_id,split,batch\n"
        "I want to be happy.,vague not_measurable no_baseline not_time_bound,a,test,1\n"
        "Respite.,service_language,b,test,2\n"
        "I want to get back to my bowling club by May.,,c,tune,2\n",
        encoding="utf-8",
    )
    for args, expected in (
        ([], 3),
        (["--batch", "2"], 2),
        (["--split", "test", "--batch", "2"], 1),
        (["--batch", "3"], 0),
    ):
        out = io.StringIO()
        assert cli.eval_main([str(path), "--json", *args], stdout=out) == 0
        assert json.loads(out.getvalue())["statements"] == expected, args


def test_eval_default_is_the_dev_set() -> None:
    out = io.StringIO()
    assert cli.eval_main([], stdout=out) == 0
    assert "dev_set.csv" in out.getvalue()


def test_eval_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert cli.eval_main([str(bad)], stdout=io.StringIO()) == 2
    assert cli.eval_main([str(tmp_path / "missing.csv")], stdout=io.StringIO()) == 2
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("text,expected_codes\nx,not_a_code\n", encoding="utf-8")
    assert cli.eval_main([str(unknown)], stdout=io.StringIO()) == 2
    assert "not_a_code" in capsys.readouterr().err


# ----------------------------------------------------------------------------- bench


def test_bench_runs_and_reports_targets() -> None:
    out = io.StringIO()
    assert cli.bench_main(["checker", "--repeat", "1"], stdout=out) == 0
    text = out.getvalue()
    assert "throughput" in text and "/s target" in text
    assert "p50" in text and "p95" in text and "p99" in text


def test_bench_json() -> None:
    out = io.StringIO()
    assert cli.bench_main(["--repeat", "1", "--json"], stdout=out) == 0
    data = json.loads(out.getvalue())
    assert data["statements"] > 100
    assert data["target_per_second"] == 2000 and data["target_p99_ms"] == 5.0


def test_bench_bad_repeat(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.bench_main(["--repeat", "0"], stdout=io.StringIO()) == 2
    assert cli.bench_main(["--repeat", "lots"], stdout=io.StringIO()) == 2


# ----------------------------------------------------------------------------- python -m


def test_module_dispatch(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-outcome", "--json", GOOD]) == 0
    assert json.loads(capsys.readouterr().out)["flags"] == []
    assert cli.main(["no-such-command"]) == 2
    assert cli.main([]) == 2
    assert "check-outcome" in capsys.readouterr().err
