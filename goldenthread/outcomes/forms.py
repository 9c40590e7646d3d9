from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.urls import reverse

from goldenthread.core.domains import SUGGESTION_REGION_ID, domain_choices
from goldenthread.core.questionnaires import Suggestion
from goldenthread.ui.forms import (
    Form,
    VersionField,
    WordedModelChoiceField,
    date_field,
    described_also_by,
)
from goldenthread.ui.questionnaire import Question, QuestionnaireForm

from .checking import LIVE_CHECK_ATTRS
from .models import Answer, CheckQuestion, OutcomeCheckAnswer


class OutcomeForm(Form):
    version = VersionField(required=False, min_value=0)  # none when it is a new outcome
    positive_change: forms.ModelChoiceField[Any] = WordedModelChoiceField(
        label="Which positive change is this outcome for?",
        queryset=None,
        widget=forms.RadioSelect,
        label_from=lambda change: change.text,  # in full: its str() is cut at 80
        error_messages={
            "required": "Choose the positive change this outcome is for.",
            "invalid_choice": "Choose one of this person's positive changes.",
        },
    )
    statement = forms.CharField(
        label="The outcome",
        max_length=2000,
        help_text="What the person wants to change or achieve, in everyday words. "
        "Say what will be different, not how it will be done.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write the outcome.",
            "max_length": "Keep the outcome to 2,000 characters or fewer.",
        },
    )
    baseline = forms.CharField(
        label="Starting point",
        max_length=2000,
        required=False,
        help_text="Where things are now, so progress can be seen. For example: "
        "'goes out once a month, with her daughter'.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measure = forms.CharField(
        label="How we will know",
        max_length=1000,
        required=False,
        help_text="What will be seen or counted when it is achieved.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_date = date_field(
        "When it should be achieved by",
        required=False,
        what="the date it should be achieved by",
        invalid_message="Enter a real date, for example 31 May 2027.",
    )
    assessed_need = forms.CharField(
        label="Assessed need it meets (if any)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    domain = forms.ChoiceField(
        label="National outcome domain (optional)",
        required=False,
        help_text="What the outcome is about, in the national framework: Talking Points for "
        "adults, the wellbeing indicators (SHANARRI) for children and young people. It lets "
        "outcomes be counted in the reports.",
        error_messages={"invalid_choice": "Choose a domain from the list, or leave it blank."},
    )

    def __init__(self, *args, changes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if changes is None:
            del self.fields["positive_change"]
        else:
            self.fields["positive_change"].queryset = changes
        domain = self.fields["domain"]
        assert isinstance(domain, forms.ChoiceField)
        domain.choices = [("", "Not coded to a domain"), *domain_choices()]
        # Read with the suggestion beside it (ui/components/domain_suggestion.html).
        described_also_by(self, "domain", SUGGESTION_REGION_ID)
        url = reverse("outcomes:live_check")
        statement = self.fields["statement"].widget
        statement.attrs.update({**LIVE_CHECK_ATTRS, "hx-post": url})
        # The checker reads the starting point and the date too: check again when they
        # change (#16), so "No starting point" goes once one is written.
        for name in ("baseline", "target_date"):
            self.fields[name].widget.attrs.update(
                {
                    **LIVE_CHECK_ATTRS,
                    "hx-post": url,
                    "hx-trigger": "input changed delay:300ms, change",
                }
            )


def check_form(stored: Mapping[str, OutcomeCheckAnswer], data=None) -> QuestionnaireForm:
    """Step 5: the eight questions, each with the checker's suggestion as its hint and, until
    the practitioner answers, as its answer (core/questionnaires.py, ui/questionnaire.py)."""
    questions = [
        Question(q.value, q.label, suggestion=stored_suggestion(stored.get(q.value)))
        for q in CheckQuestion
    ]
    return QuestionnaireForm(
        data=data,
        questions=questions,
        choices=Answer.choices,
        stored=stored,
        prefill_suggestions=True,
    )


def stored_suggestion(row: OutcomeCheckAnswer | None) -> Suggestion | None:
    return Suggestion(row.suggested, row.suggestion_reason) if row is not None else None
