"""Forms for break-glass (SEC-3) and the change history filter (SEC-4)."""

from __future__ import annotations

from django import forms

from goldenthread.ui.forms import Form, choice_field

BREAK_GLASS_MIN_REASON = 20
BREAK_GLASS_MAX_REASON = 500
# A reason says something in words: at least this many different words of two or more
# letters each. Dots, one letter repeated or one word typed again do not (SEC-3).
BREAK_GLASS_MIN_WORDS = 3
BREAK_GLASS_SHORT = (
    f"Say why in at least {BREAK_GLASS_MIN_REASON} characters, so your team leader can understand."
)
BREAK_GLASS_NO_WORDS = (
    "Say why you need to see this record, in a few words of your own (at least "
    f"{BREAK_GLASS_MIN_WORDS} different words): for example, 'Her worker is off sick and she "
    "has phoned in distress.'"
)


def break_glass_reason_problem(reason: str) -> str:
    """Why `reason` (spaces already collapsed) cannot open a record, or "" when it can: at
    least BREAK_GLASS_MIN_REASON characters and BREAK_GLASS_MIN_WORDS different words of
    two or more letters (any alphabet). Checked by the form and by the service alike."""
    if len(reason) < BREAK_GLASS_MIN_REASON:
        return BREAK_GLASS_SHORT
    words = {
        word.casefold()
        for word in reason.split()
        if sum(character.isalpha() for character in word) >= 2
    }
    if len(words) < BREAK_GLASS_MIN_WORDS:
        return BREAK_GLASS_NO_WORDS
    return ""


class BreakGlassForm(Form):
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
            "min_length": BREAK_GLASS_SHORT,
            "max_length": f"Keep the reason to {BREAK_GLASS_MAX_REASON} characters or fewer.",
        },
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        problem = break_glass_reason_problem(reason)
        if problem:
            raise forms.ValidationError(problem)
        return reason


class BreakGlassReviewForm(Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=1000,
        help_text="For example: checked with the worker; the reason was sound.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note to 1,000 characters or fewer."},
    )


class ChangesFilterForm(Form):
    kind = forms.ChoiceField(
        label="Show changes to",
        required=False,
        error_messages={"invalid_choice": "Choose a kind of item from the list."},
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        kind = choice_field(self, "kind")
        kind.choices = [("", "Everything"), *kinds]
