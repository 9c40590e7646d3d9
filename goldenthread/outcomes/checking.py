"""How the outcome checker's findings become suggested answers to the eight step-5
questions (OS-7). The practitioner's answer always wins; both are kept."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from goldenthread.core.questionnaires import Suggestion  # answer: an Answer value, or ""
from goldenthread.outcomes.checker import CheckResult, check, suggest_domains

from .models import Answer, CheckQuestion

# The statement box asks the checker as it is typed (htmx; outcomes.LiveCheckView). A form
# adds "hx-post" (and may aim the feedback elsewhere).
LIVE_CHECK_ATTRS = {
    "hx-trigger": "input changed delay:300ms, load",
    "hx-target": "#checker-feedback",
    "hx-swap": "innerHTML",
    "hx-include": "[name='statement'],[name='baseline'],[name='target_date']",
    "aria-describedby": "checker-feedback",
}


# Which findings answer which question "no" (or, for the embedded-solution question, "yes").
_CODES_FOR_QUESTION = {
    CheckQuestion.MEASURABLE: ("not_measurable", "no_baseline", "not_time_bound", "vague"),
    CheckQuestion.EVERYDAY_LANGUAGE: ("service_language", "jargon", "not_person_centred"),
    CheckQuestion.NO_SOLUTION: ("solution_embedded",),
}


def run_checker(
    statement: str, *, baseline: str = "", target_date: datetime.date | None = None
) -> CheckResult:
    return check(statement, baseline=baseline or None, due=target_date)


def suggest_answers(
    result: CheckResult,
    *,
    baseline: str,
    measure: str,
    assessed_need: str,
    not_working: list[str],
    aspirations: list[str],
) -> dict[str, Suggestion]:
    """A suggestion for each question the record can inform, with the reason in words."""
    flags_by_code: dict[str, list[str]] = {}
    for flag in result.flags:
        flags_by_code.setdefault(flag.code, []).append(flag.message)
    suggestions: dict[str, Suggestion] = {}

    measurable_flags = [
        m for c in _CODES_FOR_QUESTION[CheckQuestion.MEASURABLE] for m in flags_by_code.get(c, [])
    ]
    if measurable_flags:
        suggestions[CheckQuestion.MEASURABLE] = Suggestion(Answer.NO, " ".join(measurable_flags))
    elif baseline.strip() and measure.strip():
        suggestions[CheckQuestion.MEASURABLE] = Suggestion(
            Answer.YES, "A starting point and how we will know are both recorded."
        )
    else:
        missing = [
            w
            for w, v in (("a starting point", baseline), ("how we will know", measure))
            if not v.strip()
        ]
        suggestions[CheckQuestion.MEASURABLE] = Suggestion(
            Answer.NOT_SURE, f"Add {' and '.join(missing)} so progress can be seen."
        )

    language_flags = [
        m
        for c in _CODES_FOR_QUESTION[CheckQuestion.EVERYDAY_LANGUAGE]
        for m in flags_by_code.get(c, [])
    ]
    suggestions[CheckQuestion.EVERYDAY_LANGUAGE] = (
        Suggestion(Answer.NO, " ".join(language_flags))
        if language_flags
        else Suggestion(Answer.YES, "No service language or jargon found.")
    )

    solution_flags = flags_by_code.get("solution_embedded", [])
    suggestions[CheckQuestion.NO_SOLUTION] = (
        Suggestion(Answer.YES, " ".join(solution_flags))
        if solution_flags
        else Suggestion(Answer.NO, "No service or way of doing it is named in the outcome.")
    )

    if not_working:
        suggestions[CheckQuestion.CHANGES_WHAT_DOESNT] = Suggestion(
            Answer.YES, "It comes from a positive change about: " + "; ".join(not_working)
        )
    if aspirations:
        suggestions[CheckQuestion.MOVES_TOWARD_CHANGE] = Suggestion(
            Answer.YES, "It comes from a positive change towards: " + "; ".join(aspirations)
        )
    if not assessed_need.strip():
        suggestions[CheckQuestion.MEETS_ASSESSED_NEED] = Suggestion(
            "", "No assessed need is recorded for this outcome."
        )
    return suggestions


MAX_LIVE_CHARS = 5000


def check_typed(data) -> CheckResult | None:
    """The checker's result for the words typed (not saved): statement, starting point and
    date, as the live checker and every "Check wording" button read them (None: nothing
    typed yet)."""
    statement = data.get("statement", "")[:MAX_LIVE_CHARS]
    baseline = data.get("baseline", "")[:MAX_LIVE_CHARS]
    try:  # an unfinished or odd date is simply not counted yet
        due = forms.DateField(required=False).clean(data.get("target_date", ""))
    except ValidationError:
        due = None
    return run_checker(statement, baseline=baseline, target_date=due) if statement.strip() else None


def domain_suggestions(text: str, framework: str | None) -> list[tuple[str, tuple[str, ...]]]:
    """The checker's suggested national domains for `text` (AGG-4), each with the words that
    triggered it, for core.domains.suggest."""
    return [
        (s.domain, s.words) for s in suggest_domains(text[:MAX_LIVE_CHARS], framework=framework)
    ]
