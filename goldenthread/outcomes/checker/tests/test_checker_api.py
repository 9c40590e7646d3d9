"""The public API: codes, labels, questions, result shape and the structured fields."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest

from goldenthread.outcomes import checker
from goldenthread.outcomes.checker import (
    CODE_LABELS,
    CODES,
    QUESTION_FOR_CODE,
    QUESTIONS,
    CheckResult,
    Flag,
    check,
)

from .helpers import has


def test_codes_are_the_fixed_vocabulary_in_order() -> None:
    assert CODES == (
        "not_measurable",
        "no_baseline",
        "not_time_bound",
        "service_language",
        "solution_embedded",
        "jargon",
        "not_person_centred",
        "vague",
    )
    assert set(CODE_LABELS) == set(CODES)
    assert all(label and len(label) < 40 for label in CODE_LABELS.values())


def test_every_code_informs_one_of_the_eight_questions() -> None:
    assert list(QUESTIONS) == [
        "measurable",
        "achievable",
        "keeps_what_works",
        "changes_what_doesnt",
        "moves_toward_change",
        "meets_assessed_need",
        "everyday_language",
        "no_solution",
    ]
    assert set(QUESTION_FOR_CODE) == set(CODES)
    assert set(QUESTION_FOR_CODE.values()) <= set(QUESTIONS)
    assert QUESTION_FOR_CODE["solution_embedded"] == "no_solution"
    assert QUESTION_FOR_CODE["service_language"] == "everyday_language"
    assert QUESTION_FOR_CODE["no_baseline"] == "measurable"


def test_result_shape() -> None:
    text = "Mr Brown to receive 10 hours of home care per week."
    result = check(text)
    assert isinstance(result, CheckResult)
    assert result.text == text
    assert not result.passed
    assert isinstance(result.codes, frozenset)
    assert all(isinstance(f, Flag) for f in result.flags)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["text"] == text
    for flag in data["flags"]:
        assert set(flag) == {"code", "message", "start", "end", "suggestion"}
        assert flag["code"] in CODES
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.flags[0].code = "jargon"  # type: ignore[misc]


def test_passing_result() -> None:
    result = check("I want to get back to my bowling club on Thursdays by the end of May.")
    assert result.passed
    assert result.codes == frozenset()
    assert result.to_dict()["flags"] == []


def test_by_question_groups_flags_for_the_form() -> None:
    grouped = check("Staff to take Jean to the day centre.").by_question()
    assert list(grouped) == list(QUESTIONS)
    assert grouped["achievable"] == ()
    assert {f.code for f in grouped["no_solution"]} == {"solution_embedded"}
    assert {f.code for f in grouped["everyday_language"]} >= {"not_person_centred"}


def test_flag_label_and_question_properties() -> None:
    flag = check("Respite.").flags[0]
    assert flag.label == CODE_LABELS[flag.code]
    assert flag.question == QUESTION_FOR_CODE[flag.code]


# ----------------------------------------------------------------------------- structured fields


def test_baseline_field_satisfies_no_baseline() -> None:
    text = "I want to go swimming every week by June."
    assert has(text, "no_baseline")
    assert not has(text, "no_baseline", baseline="Goes once a month at the moment")


def test_blank_baseline_does_not_count() -> None:
    assert has("I want to go swimming every week by June.", "no_baseline", baseline="   ")


@pytest.mark.parametrize(
    "due",
    [
        datetime.date(2026, 6, 30),
        "2026-06-30",
        "end of June",
        datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC),
    ],
)
def test_due_field_satisfies_not_time_bound(due: object) -> None:
    text = "I want to go swimming every week again."
    assert has(text, "not_time_bound")
    assert not has(text, "not_time_bound", due=due)


def test_blank_due_does_not_count() -> None:
    assert has("I want to go swimming every week again.", "not_time_bound", due="")


def test_fields_do_not_hide_other_problems() -> None:
    result = check("To improve quality of life.", baseline="low", due="2026-06-30")
    assert result.codes == {"vague", "not_measurable"}


@pytest.mark.parametrize("bad", [3, 2.5, ["x"], object()])
def test_wrong_field_types_raise(bad: object) -> None:
    with pytest.raises(TypeError):
        check("I want to swim.", baseline=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check("I want to swim.", due=bad)  # type: ignore[arg-type]


def test_no_web_framework_import() -> None:
    """OC-1: the library imports only the standard library, itself and lemminflect.

    lemminflect (a declared dependency, issue 18) ships its word lists, so the
    checker still needs no network and no web framework.
    """
    import ast
    import sys
    from pathlib import Path

    package = Path(checker.__file__).resolve().parent
    allowed = set(sys.stdlib_module_names) | {"__future__", "_typeshed", "lemminflect"}
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
