"""A password the person chooses, typed twice (#17): one set of fields and one check for
every form that sets a password (an account set up with a one-time code, a person joining
their own record)."""

from __future__ import annotations

from django import forms

from .messages import Form

NEW_PASSWORD_FIELDS = ("new_password1", "new_password2")


class NewPasswordForm(Form):
    """A form ending with "Choose a password" and "Type the password again". A subclass
    declares its own fields (they come first) and may word the hint (`hint_for_choosing`).
    The password rules themselves are the service's (Django's validators)."""

    hint_for_choosing = (
        "At least 12 characters. A few words you will remember make a good password."
    )

    new_password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password."},
    )
    new_password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = self.hint_for_choosing
        self.order_fields([n for n in self.fields if n not in NEW_PASSWORD_FIELDS])

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("new_password1"), cleaned.get("new_password2")
        if one and two and one != two:
            self.add_error(
                "new_password2", "The two passwords are different. Type the same password twice."
            )
        return cleaned
