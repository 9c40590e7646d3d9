"""The practitioner's questionnaires over HTTP (#15): the step-5 check of an outcome, SS-5
"How well did I use the Support Sequence?" and OS-8 "How well did I use the Outcome
Sequence?". Each is read whole and saved through its page's service, which saves through
core.questionnaires.questionnaire_save.

A questionnaire has one ETag: the sum of its answers' versions. Each answer's version only
goes up (a new answer starts at 1, every change adds 1, answers are never removed), so the
sum changes whenever any answer does. A save sends that ETag in If-Match; the versions of
the answers as they were then are what the service is told the practitioner saw, so an
answer saved in between refuses the whole save (412) and nothing is written (SEC-5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field

from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.questionnaires import (
    NOTE_MAX_LENGTH,
    QuestionnaireAnswer,
    answer_choices,
    question_values,
)

from .concurrency import etag, expected_version
from .errors import ApiProblem
from .schemas import Strict


class QuestionnaireAnswerIn(Strict):
    answer: str = Field(
        "", max_length=10, description="One of the questionnaire's `choices`, or empty."
    )
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class QuestionnaireIn(Strict):
    """The answers to change, by question (see `questions` of the read); questions left
    out are left as they are."""

    answers: dict[str, QuestionnaireAnswerIn] = Field(..., min_length=1)


class ChoiceOut(Schema):
    value: str
    label: str


class QuestionAnswerOut(Schema):
    question: str
    question_text: str
    answer: str
    note: str
    suggested: str = Field("", description="What the record suggests (empty when none).")
    suggestion_reason: str = ""
    version: int = Field(..., description="0 when not answered yet.")


class QuestionnaireOut(Schema):
    version: int = Field(..., description="The questionnaire's version (its ETag).")
    choices: list[ChoiceOut]
    questions: list[QuestionAnswerOut]


def questionnaire_version(rows: Iterable[QuestionnaireAnswer]) -> int:
    return sum(row.version for row in rows)


def questionnaire_of(
    model: type[QuestionnaireAnswer], rows: Iterable[QuestionnaireAnswer]
) -> dict[str, Any]:
    """Every question in order, with its stored answer (or none yet)."""
    stored = {row.question: row for row in rows}
    labels = dict(model._meta.get_field("question").choices or ())
    questions = []
    for question in question_values(model):
        row = stored.get(question)
        questions.append(
            {
                "question": question,
                "question_text": str(labels[question]),
                "answer": row.answer if row else "",
                "note": row.note if row else "",
                "suggested": getattr(row, "suggested", "") if row else "",
                "suggestion_reason": getattr(row, "suggestion_reason", "") if row else "",
                "version": row.version if row else 0,
            }
        )
    return {
        "version": questionnaire_version(stored.values()),
        "choices": [{"value": v, "label": label} for v, label in answer_choices(model)],
        "questions": questions,
    }


def questionnaire_read(
    model: type[QuestionnaireAnswer], rows: Iterable[QuestionnaireAnswer], response: HttpResponse
) -> dict[str, Any]:
    body = questionnaire_of(model, rows)
    response["ETag"] = etag(body["version"])
    return body


def _stale(model: type[QuestionnaireAnswer], rows: Iterable[QuestionnaireAnswer]) -> ApiProblem:
    current = questionnaire_of(model, rows)
    return ApiProblem(
        412,
        "Someone else saved answers to these questions after you read them. Nothing was "
        "saved. Read them again, and send the new ETag.",
        headers={"ETag": etag(current["version"])},
        current_version=current["version"],
        current=current,
    )


def questionnaire_write(
    request: HttpRequest,
    response: HttpResponse,
    *,
    model: type[QuestionnaireAnswer],
    rows: Callable[[], Iterable[QuestionnaireAnswer]],
    payload: QuestionnaireIn,
    save: Callable[..., Any],
) -> dict[str, Any]:
    """Save `payload` through `save(answers=…, expected_versions=…)` (the page's service)
    if the questionnaire is still at the If-Match version; answer with it as saved."""
    version = expected_version(request)
    known = question_values(model)
    unknown = [q for q in payload.answers if q not in known]
    if unknown:
        raise ValidationError(
            {
                f"answers.{q}": f"Not one of the questions: {', '.join(known)}."
                for q in sorted(unknown)
            }
        )
    answers = {q: (a.answer, a.note) for q, a in payload.answers.items()}
    try:
        with transaction.atomic():
            stored = {row.question: row for row in rows()}
            if questionnaire_version(stored.values()) != version:
                raise _stale(model, stored.values())
            save(
                answers=answers,
                expected_versions={q: stored[q].version if q in stored else 0 for q in answers},
            )
    except StaleEditError:
        raise _stale(model, rows()) from None
    except ValidationError as exc:
        raise _named(exc, answers) from None
    return questionnaire_read(model, rows(), response)


def _named(exc: ValidationError, answers: Mapping[str, Any]) -> ValidationError:
    """A refusal naming a question names its answer in the body (answers.<question>.answer)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {
            (f"answers.{name}.answer" if name in answers else name): messages
            for name, messages in exc.message_dict.items()
        }
    )
