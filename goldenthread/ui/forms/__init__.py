"""Form rendering in Scottish Government Design System markup (renderer.py), and the
fields, widgets and error mapping every app's forms share."""

from .errors import apply_service_errors
from .fields import (
    YES_NO,
    MoneyField,
    NumberField,
    OneTimeTokenForm,
    VersionField,
    WordedModelChoiceField,
    WordedModelMultipleChoiceField,
    choice_field,
    date_field,
    described_also_by,
    needed_sometimes,
    radio_field,
    text_field,
)
from .messages import HIDDEN_MESSAGE, Form, ModelForm, ServiceMessages, asks_for
from .move import MoveToOutcomeForm
from .password import NewPasswordForm
from .widgets import DateInput, MoneyInput

__all__ = [
    "HIDDEN_MESSAGE",
    "YES_NO",
    "DateInput",
    "Form",
    "ModelForm",
    "MoneyField",
    "MoneyInput",
    "MoveToOutcomeForm",
    "NumberField",
    "NewPasswordForm",
    "OneTimeTokenForm",
    "ServiceMessages",
    "VersionField",
    "WordedModelChoiceField",
    "WordedModelMultipleChoiceField",
    "apply_service_errors",
    "asks_for",
    "choice_field",
    "date_field",
    "described_also_by",
    "needed_sometimes",
    "radio_field",
    "text_field",
]
