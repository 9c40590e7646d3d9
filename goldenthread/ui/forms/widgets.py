"""Widgets shared by every app's forms (SGDS markup comes from ui/forms/renderer.py)."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """A native date input with an ISO value: keyboard- and screen-reader-usable in every
    browser, no JavaScript, never ambiguous between day-month and month-day."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "ds_input--fixed-10", **(attrs or {})}, format="%Y-%m-%d")


class MoneyInput(forms.TextInput):
    """A text input in the SGDS currency wrapper (a £ drawn before it)."""

    template_name = "ui/forms/widgets/money.html"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "class": "ds_input--fixed-10",
                "inputmode": "decimal",
                "autocomplete": "off",
                "spellcheck": "false",
                **(attrs or {}),
            }
        )
