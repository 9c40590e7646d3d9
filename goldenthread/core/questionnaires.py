"""One base for the practitioner's questionnaires: the step-5 check of an outcome (outcomes),
"How well did I use the Outcome Sequence?" (OS-8, conversations) and "How well did I use
the Support Sequence?" (SS-5, support).

Each is a set of questions about one parent record (an outcome, a conversation); each
answer is a row of its own, versioned, with an optional note, who answered, and (for the
check and SS-5) what the record suggested beside it. The practitioner's answer always wins;
the suggestion is kept, never written over their answer.

- `QuestionnaireAnswer`, `SuggestedAnswer`: the abstract models. A concrete answer model
  names its questions and answers by declaring `question` and `answer` (and `suggested`)
  again with its own choices, and says which field holds the parent (`parent_field`).
- `questionnaire_save()`: the one versioned save. If anyone saved an answer to any of the
  questions since the editor opened the page, the whole save is refused with StaleEditError
  (carrying that answer) and nothing changes (SEC-5).
- `Suggestion`: what the record suggests for one question, and why.

The form and the page partial are in goldenthread/ui/questionnaire.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .concurrency import StaleEditError
from .models import VersionedModel
from .services import ChangeAuditor, audited_update

NOTE_MAX_LENGTH = 2000
# Rows are checked whole here; the unique (parent, question) constraint is the database's.
_CLEAN = {"validate_unique": False, "validate_constraints": False}


class YesNoNotSure(models.TextChoices):
    """The one answer scale for a question of fact (#16): step 5's eight questions about an
    outcome, and whether a person's capacity to decide is in question (risk). Always in
    this order and these words, drawn by the same inline radios (ui.forms.radio_field)."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


@dataclass(frozen=True)
class Suggestion:
    """What the record suggests for one question: an answer ("" when only the practitioner
    can say) and the reason, in words."""

    answer: str
    reason: str


class QuestionnaireAnswer(VersionedModel):
    """The practitioner's answer to one question about one parent record."""

    question = models.CharField(max_length=30)
    answer = models.CharField(max_length=10, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    # The field (a foreign key) holding the record the questions are about.
    parent_field: ClassVar[str]

    class Meta:
        abstract = True


class SuggestedAnswer(QuestionnaireAnswer):
    """An answer kept beside what the record suggested."""

    suggested = models.CharField(max_length=10, blank=True)
    suggestion_reason = models.TextField(blank=True)

    class Meta:
        abstract = True


A = TypeVar("A", bound=QuestionnaireAnswer)


def question_values(model: type[QuestionnaireAnswer]) -> list[str]:
    return [str(value) for value, _ in model._meta.get_field("question").choices or ()]


def answer_choices(model: type[QuestionnaireAnswer]) -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in model._meta.get_field("answer").choices or ()]


def choose_words(choices: Sequence[tuple[str, str]]) -> str:
    """ "yes, partly or not yet": the answers, as a refusal names them."""
    words = [label[:1].lower() + label[1:] for _, label in choices]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


def choose_message(model: type[QuestionnaireAnswer]) -> str:
    """ "Choose yes, partly or not yet.": the refusal of an answer that is not one of them."""
    return f"Choose {choose_words(answer_choices(model))}."


def questionnaire_save(
    *,
    auditor: ChangeAuditor,
    model: type[A],
    parent: models.Model,
    person_id: Any,
    answered_by: Any,
    answers: Mapping[str, tuple[str, str]],
    expected_versions: Mapping[str, int],
    suggestions: Mapping[str, Suggestion] | None = None,
    new_row_fields: Mapping[str, Any] | None = None,
) -> list[A]:
    """Save the practitioner's answers (question → (answer, note)) about `parent`, inside
    the service's transaction (the caller has checked who may).

    `expected_versions` gives, per question, the version of the answer the editor saw (0
    when there was none). Answers are checked first (ValidationError naming the question),
    then every stored answer to these questions is locked and compared: one moved on, and
    StaleEditError carries it and nothing is written. Then, per question: a new answer
    with nothing said (no answer, no note) is not kept; an answer and note as stored are
    left alone; anything else is written with `answered_by` and, when given, the record's
    `suggestions` beside it, and goes to the change history (created or updated).
    Returns the answers as stored, in the order asked."""
    known = set(question_values(model))
    unknown = set(answers) - known
    if unknown:
        raise ValueError(f"Unknown questions {sorted(unknown)}")
    allowed = {"", *(value for value, _ in answer_choices(model))}
    errors = {
        q: choose_message(model) for q, (answer, _) in answers.items() if answer not in allowed
    }
    if errors:
        raise ValidationError(errors)
    if suggestions is not None and not issubclass(model, SuggestedAnswer):
        raise TypeError(f"{model.__name__} keeps no suggestions")

    parent_field = model.parent_field
    stored: dict[str, A] = {
        row.question: row
        for row in model._default_manager.select_for_update().filter(**{parent_field: parent})
    }
    for question in answers:
        row = stored.get(question)
        if (row.version if row else 0) != expected_versions.get(question, 0):
            raise StaleEditError(row or model(**{parent_field: parent, "question": question}))

    saved: list[A] = []
    for question, (answer, note) in answers.items():
        note = (note or "").strip()
        values: dict[str, Any] = {"answer": answer, "note": note, "answered_by": answered_by}
        if suggestions is not None and question in suggestions:
            values["suggested"] = suggestions[question].answer
            values["suggestion_reason"] = suggestions[question].reason
        row = stored.get(question)
        if row is None:
            if not answer and not note:
                continue  # nothing said: nothing to keep
            row = model(
                **{parent_field: parent, "question": question}, **(new_row_fields or {}), **values
            )
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save(force_insert=True)
            auditor.created(row, person_id=person_id)
        elif (row.answer, row.note) != (answer, note):
            audited_update(
                row,
                auditor=auditor,
                expected_version=row.version,
                stored=row,
                changes=values,
                person_id=person_id,
                clean=_CLEAN,
            )
        saved.append(row)
    return saved
