"""Forms for break-glass (SEC-3) and the change history filter (SEC-4)."""

from __future__ import annotations

from django import forms

from goldenthread.ui.forms import choice_field

BREAK_GLASS_MIN_REASON = 20
BREAK_GLASS_MAX_REASON = 500


class BreakGlassForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        help_text=(
            "For example: the person's allocated worker is off sick and the person "
            "has called in distress. Your team leader and the person will see this."
        ),
        min_length=BREAK_GLASS_MIN_REASON,
        max_length=BREAK_GLASS_MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why you need to see this record.",
            "min_length": f"Say why in at least {BREAK_GLASS_MIN_REASON} characters, so your "
            "team leader can understand.",
            "max_length": f"Keep the reason to {BREAK_GLASS_MAX_REASON} characters or fewer.",
        },
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < BREAK_GLASS_MIN_REASON:
            raise forms.ValidationError(self.fields["reason"].error_messages["min_length"])
        return reason


class BreakGlassReviewForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=1000,
        help_text="For example: checked with the worker; the reason was sound.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note to 1,000 characters or fewer."},
    )


class ChangesFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Show changes to",
        required=False,
        error_messages={"invalid_choice": "Choose a kind of item from the list."},
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        kind = choice_field(self, "kind")
        kind.choices = [("", "Everything"), *kinds]
