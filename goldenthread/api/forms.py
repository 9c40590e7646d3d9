"""The form to make an API token (the service decides; the form only reads what was typed)."""

from __future__ import annotations

from django import forms

from goldenthread.ui.forms import choice_field

from .models import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=60,
        help_text="What the token is for, so you can tell your tokens apart. For example: "
        "'Finance system'.",
        error_messages={"required": "Give the token a name, for example 'Finance system'."},
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=TokenScope.choices,
        widget=forms.RadioSelect,
        initial=TokenScope.READ,
        error_messages={"required": "Choose whether the token may read only, or read and write."},
    )
    expires_on = forms.DateField(
        label="Date it stops working",
        help_text="At most a year from today. You can revoke it sooner.",
        error_messages={
            "required": "Enter the date the token stops working.",
            "invalid": "Enter a real date, for example 31 3 2027.",
        },
    )

    def __init__(self, *args, may_write: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_write:
            scope = choice_field(self, "scope")
            scope.choices = [(TokenScope.READ.value, TokenScope.READ.label)]
            scope.help_text = "Only practitioners and team leaders may have a token that writes."
