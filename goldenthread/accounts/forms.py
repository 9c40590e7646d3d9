from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django_otp.plugins.otp_email.models import EmailDevice

from goldenthread.ui.forms import Form, NewPasswordForm, ServiceMessages, asks_for

from . import services


class SignInForm(ServiceMessages, AuthenticationForm):
    """Username and password. One message for every failure, so it never tells
    whether an account exists."""

    error_messages = {
        "invalid_login": "The username or password is not right. Check them and try again.",
        "inactive": "The username or password is not right. Check them and try again.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        asks_for(self.fields["username"], "your username")
        asks_for(self.fields["password"], "your password")


class TokenForm(Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app.",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "ds_input--fixed-10",
            }
        ),
        error_messages={
            "required": "Enter the 6-digit security code.",
            "min_length": "The security code has 6 digits.",
            "max_length": "The security code has 6 digits.",
        },
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        if isinstance(device, EmailDevice):
            self.fields["token"].help_text = "The 6-digit code in the e-mail we sent you."

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The security code is 6 digits, with no letters.")
        if self.device is None:
            raise forms.ValidationError("Set up your authenticator app first.")
        if isinstance(self.device, EmailDevice):
            problem = services.email_code_check(
                user=self.device.user, device=self.device, token=token
            )
            if problem:
                raise forms.ValidationError(problem)
            return token
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Too many wrong codes. Wait a minute, then enter the newest code."
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                "That security code is not right. Enter the newest code from your app."
            )
        return token


CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "characters",
    "spellcheck": "false",
    "class": "ds_input--fixed-20",
}


class AccountSetUpForm(NewPasswordForm):
    """A new account, or a forgotten password: the person chooses their own password with
    the one-time code an administrator gave them."""

    hint_for_choosing = (
        "At least 12 characters. A few words you will remember, with spaces between them, "
        "make a good password."
    )

    username = forms.CharField(
        label="Username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        error_messages={"required": "Enter your username."},
    )
    code = forms.CharField(
        label="One-time code",
        max_length=40,
        help_text="The code the administrator gave you, for example ABCD-EFGH-JKMN.",
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
        error_messages={"required": "Enter the one-time code you were given."},
    )


class EmailCodesForm(Form):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="We send a 6-digit code here each time you sign in. Only you should "
        "be able to read this e-mail.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address like name@example.org.",
        },
    )


class EnrolmentCodeForm(Form):
    code = forms.CharField(
        label="One-time code",
        max_length=40,
        help_text="The code the administrator gave you to set up a new authenticator app, "
        "for example ABCD-EFGH-JKMN.",
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
        error_messages={"required": "Enter the one-time code you were given."},
    )


class AccessDecisionForm(Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("refuse", "Refuse")], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label="Note (needed if you refuse)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Keep the note under 300 characters."},
    )
