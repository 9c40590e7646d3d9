"""Result types and the fixed vocabulary of flag codes (SPEC OC-2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The flag codes, in the order the UI, API, CLI and reports show them.
CODES: tuple[str, ...] = (
    "not_measurable",
    "no_baseline",
    "not_time_bound",
    "service_language",
    "solution_embedded",
    "jargon",
    "not_person_centred",
    "vague",
)

#: Short labels for each code, for headings and lists.
CODE_LABELS: dict[str, str] = {
    "not_measurable": "Hard to measure",
    "no_baseline": "No starting point",
    "not_time_bound": "No 'by when'",
    "service_language": "Written from the service's side",
    "solution_embedded": "Says how, not what will change",
    "jargon": "Professional jargon",
    "not_person_centred": "Not about the person",
    "vague": "Too vague",
}

#: The eight step 5 questions of the Outcome Sequence workbook.
QUESTIONS: dict[str, str] = {
    "measurable": "Can we measure it? Do we know the starting point?",
    "achievable": "Is it achievable?",
    "keeps_what_works": "Does it keep or build on what is working?",
    "changes_what_doesnt": "Does it change what is not working?",
    "moves_toward_change": "Does it move the person closer to their positive change or aspiration?",
    "meets_assessed_need": "Where there is assessed need, does the outcome meet it?",
    "everyday_language": (
        "Is it in everyday language, and not expressed from a service perspective?"
    ),
    "no_solution": "Is there a solution embedded in the outcome?",
}

#: Which step 5 question each code informs (the web form pre-fills from this).
QUESTION_FOR_CODE: dict[str, str] = {
    "not_measurable": "measurable",
    "no_baseline": "measurable",
    "not_time_bound": "measurable",
    "service_language": "everyday_language",
    "solution_embedded": "no_solution",
    "jargon": "everyday_language",
    "not_person_centred": "everyday_language",
    "vague": "measurable",
}


@dataclass(frozen=True, slots=True)
class Flag:
    """One problem found in an outcome statement.

    ``start`` and ``end`` are character offsets into the text exactly as it
    was given to :func:`check` (``text[start:end]`` is the triggering words).
    """

    code: str
    message: str
    start: int
    end: int
    suggestion: str

    @property
    def label(self) -> str:
        return CODE_LABELS[self.code]

    @property
    def question(self) -> str:
        return QUESTION_FOR_CODE[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What the checker found in one outcome statement."""

    text: str
    flags: tuple[Flag, ...]

    @property
    def passed(self) -> bool:
        """True when nothing was flagged (SPEC OC-3)."""
        return not self.flags

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.flags)

    def by_question(self) -> dict[str, tuple[Flag, ...]]:
        """The flags grouped under the workbook question they inform.

        Every question is present; questions the checker cannot judge
        (achievable, keeps what works, ...) always have no flags.
        """
        grouped: dict[str, list[Flag]] = {q: [] for q in QUESTIONS}
        for flag in self.flags:
            grouped[QUESTION_FOR_CODE[flag.code]].append(flag)
        return {q: tuple(fs) for q, fs in grouped.items()}

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "flags": [f.to_dict() for f in self.flags]}
