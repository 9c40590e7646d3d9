from __future__ import annotations

from django import forms
from django.urls import reverse

from goldenthread.conversations.forms import SeenVersionField, answer_rows
from goldenthread.ui.forms import VersionField, date_field

from .checking import LIVE_CHECK_ATTRS
from .models import Answer, CheckQuestion


class OutcomeForm(forms.Form):
    version = VersionField(required=False, min_value=0)  # none when it is a new outcome
    positive_change = forms.ModelChoiceField(
        label="Which positive change is this outcome for?", queryset=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the positive change this outcome is for.",
                        "invalid_choice": "Choose one of this person's positive changes."},
    )
    statement = forms.CharField(
        label="The outcome", max_length=2000,
        help_text="What the person wants to change or achieve, in everyday words. "
                  "Say what will be different, not how it will be done.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the outcome.",
                        "max_length": "Keep the outcome to 2,000 characters or fewer."},
    )
    baseline = forms.CharField(
        label="Starting point", max_length=2000, required=False,
        help_text="Where things are now, so progress can be seen. For example: "
                  "'goes out once a month, with her daughter'.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measure = forms.CharField(
        label="How we will know", max_length=1000, required=False,
        help_text="What will be seen or counted when it is achieved.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_date = date_field("When it should be achieved by", required=False,
                             invalid_message="Enter a real date, for example 31 May 2027.")
    assessed_need = forms.CharField(
        label="Assessed need it meets (if any)", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, changes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if changes is None:
            del self.fields["positive_change"]
        else:
            self.fields["positive_change"].queryset = changes
            self.fields["positive_change"].label_from_instance = lambda change: change.text
        statement = self.fields["statement"].widget
        statement.attrs.update({**LIVE_CHECK_ATTRS, "hx-post": reverse("outcomes:live_check")})


class CheckForm(forms.Form):
    """Step 5: the eight questions, each with the checker's suggestion as its hint."""

    def __init__(self, *args, suggestions=None, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        suggestions = suggestions or {}
        self.stored = stored or {}  # question -> the saved OutcomeCheckAnswer
        for question in CheckQuestion:
            suggestion = suggestions.get(question.value)
            self.fields[f"{question.value}__answer"] = forms.ChoiceField(
                label=question.label, choices=Answer.choices, required=False,
                widget=forms.RadioSelect(attrs={"class": "ds_field-group--inline"}),
                help_text=suggestion or "",
            )
            self.fields[f"{question.value}__note"] = forms.CharField(
                label="Note (optional)", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            saved = self.stored.get(question.value)
            self.fields[f"{question.value}__version"] = SeenVersionField(
                initial=saved.version if saved else 0)

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            q.value: (self.cleaned_data[f"{q.value}__answer"],
                      self.cleaned_data[f"{q.value}__note"])
            for q in CheckQuestion
        }

    def versions(self) -> dict[str, int]:
        return {q.value: self.cleaned_data[f"{q.value}__version"] for q in CheckQuestion}

    def rows(self) -> list[dict]:
        return answer_rows(self, CheckQuestion)
