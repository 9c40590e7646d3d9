"""The outcome checker (SPEC OC-1 to OC-6).

A pure-Python library, with no web framework import, that reads one
personal outcome statement and says what might stop it being a good
outcome, and why. It never blocks saving: it explains (OC-3).

>>> result = check("Mr Brown to receive 10 hours of home care per week.")
>>> sorted(result.codes)
['no_baseline', 'not_time_bound', 'service_language', 'solution_embedded']
>>> check("I want to get back to my bowling club on Thursdays by the end of May.").passed
True

``baseline`` and ``due`` are the outcome's own "starting point" and "by
when" fields. When either is filled in (not blank) it satisfies
``no_baseline`` / ``not_time_bound``; otherwise the checker looks for them
in the text ("at the moment I...", "from once a month to...", "by June",
"within 3 months", "before I leave school").

Empty text, text with no words and text that is not in English each get a
single ``not_measurable`` flag whose message says exactly that. ``None``
(or anything that is not a string) raises ``TypeError``.
"""

from __future__ import annotations

import datetime

from ._domains import DomainSuggestion, Trigger, suggest_domains
from ._model import CODE_LABELS, CODES, QUESTION_FOR_CODE, QUESTIONS, CheckResult, Flag
from ._rules import analyse

__all__ = [
    "CODES",
    "CODE_LABELS",
    "QUESTIONS",
    "QUESTION_FOR_CODE",
    "CheckResult",
    "DomainSuggestion",
    "Flag",
    "Trigger",
    "check",
    "suggest_domains",
]


def _filled(value: object, name: str, *, allow_date: bool) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if allow_date and isinstance(value, datetime.date):
        return True
    expected = "a date, a string or None" if allow_date else "a string or None"
    raise TypeError(f"{name} must be {expected}, not {type(value).__name__}")


def check(
    text: str,
    *,
    baseline: str | None = None,
    due: datetime.date | str | None = None,
) -> CheckResult:
    """Check one outcome statement and return what was found.

    Every flag has a code from :data:`CODES`, a short message for the
    practitioner, the span of the original ``text`` that triggered it and
    a suggestion for rewriting it.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    has_baseline = _filled(baseline, "baseline", allow_date=False)
    has_due = _filled(due, "due", allow_date=True)
    flags = analyse(text, has_baseline_field=has_baseline, has_due_field=has_due)
    return CheckResult(text=text, flags=tuple(flags))
