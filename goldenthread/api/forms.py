"""The form to make an API token (the service decides; the form only reads what was typed)."""

from __future__ import annotations

from django import forms

from goldenthread.ui.forms import Form, choice_field, date_field, radio_field

from . import services
from .models import TokenScope


class TokenForm(Form):
    name = forms.CharField(
        label="Name",
        max_length=services.NAME_MAX_LENGTH,
        help_text="What the token is for, so you can tell your tokens apart. For example: "
        "'Finance system'.",
        error_messages={"required": services.NAME_NEEDED, "max_length": services.NAME_TOO_LONG},
    )
    scope = radio_field(
        "What may it do?",
        TokenScope.choices,
        message=services.SCOPE_NEEDED,
        invalid_message=services.SCOPE_NEEDED,
    )
    # A date typed as its message shows it ("31 3 2027") is read: every date question takes
    # a date typed day first (TYPED_DATE_FORMATS, ADR 0008).
    expires_on = date_field(
        "Date it stops working",
        help_text="",  # services.expiry_hint(), with today's latest date
        what="the date the token stops working",
        invalid_message="Enter a real date, for example 31 3 2027.",
    )

    def __init__(self, *args, may_write: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].initial = TokenScope.READ
        self.fields["expires_on"].help_text = services.expiry_hint()
        if not may_write:
            scope = choice_field(self, "scope")
            scope.choices = [(TokenScope.READ.value, TokenScope.READ.label)]
            scope.help_text = "Only practitioners and team leaders may have a token that writes."
            scope.error_messages["invalid_choice"] = services.WRITE_NOT_ALLOWED
