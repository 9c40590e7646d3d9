"""Regression guard on the labelled sets kept in the repository (OC-6)."""

from __future__ import annotations

import csv

from goldenthread.outcomes.checker import CODES
from goldenthread.outcomes.checker.evaluate import DEV_SET, HOLDOUT_SET, evaluate, load


def test_dev_set_shape() -> None:
    examples = load(DEV_SET)
    assert len(examples) >= 180
    good = sum(1 for ex in examples if not ex.expected)
    assert 0.3 <= good / len(examples) <= 0.5
    assert len({ex.text for ex in examples}) == len(examples)
    with DEV_SET.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["text", "expected_codes"]


def test_dev_set_targets() -> None:
    report = evaluate(load(DEV_SET), "dev")
    assert report.problem_found_rate is not None and report.problem_found_rate >= 0.85
    assert report.clean_kept_rate is not None and report.clean_kept_rate >= 0.80


def test_dev_set_every_code_is_labelled_and_found() -> None:
    report = evaluate(load(DEV_SET), "dev")
    for code in CODES:
        score = report.codes[code]
        assert score.support >= 20, code
        assert score.recall is not None and score.recall >= 0.7, code
        assert score.precision is not None and score.precision >= 0.7, code


def test_holdout_set_is_separate_and_runs() -> None:
    holdout = load(HOLDOUT_SET)
    assert len(holdout) >= 50
    dev_texts = {ex.text for ex in load(DEV_SET)}
    assert not dev_texts & {ex.text for ex in holdout}
    report = evaluate(holdout, "holdout")
    assert report.total == len(holdout)
