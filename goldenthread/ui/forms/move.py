"""A form to choose which of the person's open outcomes something is for now (#16): used
to move support, a budget line or an unmet need after a rewrite or close."""

from __future__ import annotations

from django import forms

from .fields import VersionField
from .messages import Form


class MoveToOutcomeForm(Form):
    """Move support (or a budget line, or an unmet need) to another open outcome (#16)."""

    outcome = forms.ChoiceField(
        label="Which outcome is it for now?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the outcome it is for now.",
            "invalid_choice": "Choose one of the person's open outcomes.",
        },
    )
    version = VersionField(required=False)

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {str(o.pk): o for o in outcomes}
        self.fields["outcome"].choices = [(key, o.statement) for key, o in self.outcomes.items()]

    def clean_outcome(self):
        return self.outcomes[self.cleaned_data["outcome"]]
