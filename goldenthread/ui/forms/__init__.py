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
from .move import MoveToOutcomeForm
from .password import NewPasswordForm
from .widgets import DateInput, MoneyInput

__all__ = [
    "YES_NO",
    "DateInput",
    "MoneyField",
    "MoneyInput",
    "MoveToOutcomeForm",
    "NumberField",
    "NewPasswordForm",
    "OneTimeTokenForm",
    "VersionField",
    "WordedModelChoiceField",
    "WordedModelMultipleChoiceField",
    "apply_service_errors",
    "choice_field",
    "date_field",
    "described_also_by",
    "needed_sometimes",
    "radio_field",
    "text_field",
]
