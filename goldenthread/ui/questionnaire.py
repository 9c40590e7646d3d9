"""The page side of the practitioner's questionnaires (the step-5 check, the Outcome
Sequence checklist OS-8, the Support Sequence checklist SS-5); the model and the save are
in goldenthread/core/questionnaires.py.

- `Question`: one question as the page asks it (its words, what the record suggests, an
  optional heading before it).
- `QuestionnaireForm`: per question a radio group of answers with the suggestion as its
  hint, an optional note, and the version of the stored answer the editor saw (SEC-5).
- `QuestionnaireViewMixin`: the one save-and-stale path for a FormView showing one. A save
  made after someone else saved answers is refused by the service; the page comes back
  with what was typed still in the form, the answers saved meanwhile shown beside each
  question, and the versions moved on, so saving again is a deliberate choice.
- ui/partials/questionnaire.html: the rows of the form, used by all three pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.questionnaires import NOTE_MAX_LENGTH, Suggestion, choose_words
from goldenthread.ui.forms import Form, VersionField, apply_service_errors
from goldenthread.ui.views import STALE_ANSWERS_MESSAGE


@dataclass(frozen=True)
class Question:
    value: str
    label: str
    suggestion: Suggestion | None = None
    heading: str = ""


def suggestion_hint(suggestion: Suggestion | None, choices: Iterable[tuple[str, str]]) -> str:
    """ "The record suggests: Yes. <reason>", or the reason alone when only the practitioner
    can answer ("" when the record says nothing)."""
    if suggestion is None or not (suggestion.answer or suggestion.reason):
        return ""
    if not suggestion.answer:
        return suggestion.reason
    label = dict(choices).get(suggestion.answer, suggestion.answer)
    return f"The record suggests: {label}. {suggestion.reason}".strip()


class SeenVersionField(VersionField):
    """The version of one stored answer the editor saw; 0 when it had none (SEC-5)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, **kwargs)


class QuestionnaireForm(Form):
    """One radio group, a note and the version seen, per question, in order.

    `stored` (question → the saved answer row) gives the initial answers and notes and the
    versions; with `prefill_suggestions`, a question not answered yet starts at the record's
    suggestion (the practitioner can change it; their answer is the one kept)."""

    def __init__(
        self,
        *args: Any,
        questions: Iterable[Question],
        choices: Sequence[tuple[str, str]],
        stored: Mapping[str, Any],
        prefill_suggestions: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.stored = dict(stored)
        choose = f"Choose {choose_words(choices)}."
        for question in self.questions:
            row = self.stored.get(question.value)
            answer = row.answer if row is not None else ""
            if not answer and prefill_suggestions and question.suggestion is not None:
                answer = question.suggestion.answer
            self.fields[f"{question.value}__answer"] = forms.ChoiceField(
                label=question.label,
                choices=choices,
                required=False,
                initial=answer,
                widget=forms.RadioSelect(attrs={"class": "ds_field-group--inline"}),
                help_text=suggestion_hint(question.suggestion, choices),
                error_messages={"invalid_choice": choose},
            )
            self.fields[f"{question.value}__note"] = forms.CharField(
                label="Note",
                required=False,
                max_length=NOTE_MAX_LENGTH,
                initial=row.note if row is not None else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": "Write 2,000 characters or fewer."},
            )
            self.fields[f"{question.value}__version"] = SeenVersionField(
                initial=row.version if row is not None else 0
            )

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            q.value: (
                self.cleaned_data[f"{q.value}__answer"] or "",
                (self.cleaned_data[f"{q.value}__note"] or "").strip(),
            )
            for q in self.questions
        }

    def versions(self) -> dict[str, int]:
        return {q.value: self.cleaned_data[f"{q.value}__version"] for q in self.questions}

    def rows(self) -> list[dict[str, Any]]:
        """Per question: the question, its bound answer, note and version fields, and the
        stored answer (shown beside it after a stale save)."""
        return [
            {
                "question": q.value,
                "heading": q.heading,
                "answer": self[f"{q.value}__answer"],
                "note": self[f"{q.value}__note"],
                "version": self[f"{q.value}__version"],
                "stored": self.stored.get(q.value),
            }
            for q in self.questions
        ]

    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError beside the question it names, or at the top."""
        apply_service_errors(self, error, field_for=lambda question: f"{question}__answer")


class QuestionnaireViewMixin:
    """For a FormView showing one questionnaire. A view provides:

    - `questionnaire_form(data)`: the form, built against the answers stored now;
    - `save_answers(form)`: the call to the service;
    - `success_url_for()` and `success_message`;
    - `forget_stored()` if it caches what is stored (called before rebuilding after a stale
      save)."""

    template_name: str
    success_message = "Your answers are saved."
    stale = False

    def questionnaire_form(self, data: Any = None) -> QuestionnaireForm:
        raise NotImplementedError

    def save_answers(self, form: QuestionnaireForm) -> None:
        raise NotImplementedError

    def success_url_for(self) -> str:
        raise NotImplementedError

    def forget_stored(self) -> None:
        """Drop anything cached about the stored answers (after a stale save)."""

    def get_form(self, form_class: Any = None) -> QuestionnaireForm:
        request = self.request  # type: ignore[attr-defined]
        return self.questionnaire_form(request.POST if request.method == "POST" else None)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["rows"] = context["form"].rows()
        context["stale"] = self.stale
        return context

    def form_valid(self, form: QuestionnaireForm) -> Any:
        try:
            self.save_answers(form)
        except StaleEditError:
            return self.render_to_response(  # type: ignore[attr-defined]
                self.get_context_data(form=self.stale_form(form))
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, self.success_message)  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.success_url_for())

    def stale_form(self, form: QuestionnaireForm) -> QuestionnaireForm:
        """What was typed, now against the answers saved meanwhile (shown beside each
        question, their versions in the form), so saving again is a deliberate choice."""
        self.stale = True
        self.forget_stored()
        data = form.data.copy()  # type: ignore[attr-defined]  # a bound form's QueryDict
        fresh = self.questionnaire_form(data)
        for question, row in fresh.stored.items():
            data[f"{question}__version"] = str(row.version)
        fresh.is_valid()
        fresh.add_error(None, STALE_ANSWERS_MESSAGE)
        return fresh
