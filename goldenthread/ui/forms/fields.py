"""Form fields and field builders shared by every app (#17): the version a save started
from, money, other numbers, and the date, text and radio questions with plain-English messages.

Builders return ordinary Django fields with the project's wording, so a form reads as a
list of questions: `when = date_field("Date decided")`, `why = text_field("Why", rows=4)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from goldenthread.core.money import MoneyError, parse_money
from goldenthread.core.numbers import number_message, typed_in_plain_digits

from .messages import Form
from .widgets import DateInput, MoneyInput

YES_NO = [("yes", "Yes"), ("no", "No")]


class OneTimeTokenForm(Form):
    """A form that makes one row (a comment, a request, a challenge, a view): each copy of
    the form opened carries its own one-time token, hidden, so the same copy sent twice (a
    double click, back and send again, a retried request) makes the row once
    (core.services.create_once, core.models.SubmittedOnce)."""

    submission_token = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": "This form could not be read. Open it again."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("submission_token"):
            self.initial["submission_token"] = uuid.uuid4()


class VersionField(forms.IntegerField):
    """The version of the record the editor started from, sent back with the save so a
    save made from a stale copy is refused (SEC-5; core/concurrency.py).

    `min_value=0` where 0 means "nothing was saved yet"; `required=False` where the form
    is blank until the first save."""

    widget = forms.HiddenInput

    def __init__(self, *, required: bool = True, min_value: int = 1, **kwargs):
        super().__init__(required=required, min_value=min_value, **kwargs)

    def to_python(self, value):
        # The digits 0 to 9 only, as the page wrote it: int() would read "١" as 1.
        if isinstance(value, str) and not typed_in_plain_digits(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class NumberField(forms.DecimalField):
    """A number that is not money (a measure, a count), typed in the digits 0 to 9 only:
    Django's DecimalField reads other scripts' digits ("٣٤" as 34), this one refuses them
    with its "invalid" message, whose words say so (core/numbers.py)."""

    def __init__(self, *, what: str = "a number", example: str = "2 or 3.5", **kwargs):
        messages = {"invalid": number_message(what, example), **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=messages, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and not typed_in_plain_digits(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class MoneyField(forms.Field):
    """Pounds and pence as Decimal (core/money.py). Accepts "1,234.50", "£1234.5", " 12 ";
    explains negative amounts, more than 2 decimal places and anything else it cannot
    read. A form may word any of those messages itself, by its code: "invalid",
    "negative", "too_many_decimals", "too_large", "zero"."""

    widget = MoneyInput
    default_error_messages = {"zero": "Enter an amount more than £0."}

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_money(str(value))
        except MoneyError as exc:
            message = self.error_messages.get(exc.code, exc.message)
            raise ValidationError(message, code=exc.code) from exc

    def validate(self, value):
        super().validate(value)
        if value is not None and value == 0 and not self.allow_zero:
            raise ValidationError(self.error_messages["zero"], code="zero")


def _lower_first(label: str) -> str:
    return f"{label[0].lower()}{label[1:]}" if label else label


# A date as a browser's date box sends it (2027-03-31), and day first as people type it where
# there is no date box (an older browser, a script posting the form): "31 3 2027",
# "31/03/2027", "31-3-2027", "31.3.2027", "31 March 2027", "31 Mar 2027". Never month first.
TYPED_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d %m %Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
)


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    what: str = "",
    example: str = "",
    invalid_message: str = "",
) -> forms.DateField:
    """A date question. Messages: "Enter the date decided." / "Enter the date decided as a
    real date." (`what` replaces "the date decided"; `example` adds ", for example …"). It
    reads the date formats every form reads (TYPED_DATE_FORMATS, the en-GB input formats:
    goldenthread/config/formats), so an example typed day first is taken."""
    what = what or f"the {_lower_first(label)}"
    invalid = invalid_message or (
        f"Enter {what} as a real date" + (f", for example {example}" if example else "") + "."
    )
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": f"Enter {what}.", "invalid": invalid},
    )


def text_field(
    label: str,
    *,
    required: bool = True,
    max_length: int = 2000,
    rows: int = 3,
    help_text: str = "",
    required_message: str = "",
) -> forms.CharField:
    """A text area. Messages: "Enter <label>." (or `required_message`) and "Keep this to
    2,000 characters or fewer."."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message or f"Enter {_lower_first(label)}.",
            "max_length": f"Keep this to {max_length:,} characters or fewer.",
        },
    )


def radio_field(
    label: str,
    choices,
    *,
    required: bool = True,
    message: str = "",
    inline: bool = False,
    help_text: str = "",
    invalid_message: str = "",
) -> forms.ChoiceField:
    """One answer from a few, as radios (side by side with `inline`). Messages: `message`
    when none is chosen, `invalid_message` for an answer not offered (each "Choose one of
    the answers." unless given)."""
    attrs = {"class": "ds_field-group--inline"} if inline else {}
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect(attrs=attrs),
        error_messages={
            "required": message or "Choose one of the answers.",
            "invalid_choice": invalid_message or "Choose one of the answers.",
        },
    )


# The ids of elements beside a field that describe it too (a live suggestion): read by
# renderer.DesignSystemBoundField after the field's hint and error.
ALSO_DESCRIBED_BY = "also_described_by"


def described_also_by(form: forms.BaseForm, name: str, element_id: str) -> None:
    """Point a field's aria-describedby at its hint, its error when it has one, and at
    `element_id` too: feedback shown beside the field, such as a suggestion."""
    field = form.fields[name]
    setattr(field, ALSO_DESCRIBED_BY, [*getattr(field, ALSO_DESCRIBED_BY, []), element_id])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field by name, as a ChoiceField (`form.fields` are typed as Field):
    for setting its choices in `__init__`. Any other kind of field is a mistake."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a choice field")
    return field


class WordedModelChoiceField(forms.ModelChoiceField):
    """A choice of records, each option worded by `label_from(record)` (a statement cut
    short, a date and place) instead of the record's `str()`."""

    def __init__(self, *args: Any, label_from: Callable[[Any], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_from = label_from

    def label_from_instance(self, obj: Any) -> str:
        return self.label_from(obj)


class WordedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records, as ticks, each worded by `label_from(record)` (as
    WordedModelChoiceField for one)."""

    def __init__(self, *args: Any, label_from: Callable[[Any], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_from = label_from

    def label_from_instance(self, obj: Any) -> str:
        return self.label_from(obj)


# The attribute the renderer reads (renderer.BoundField.is_optional).
OPTIONAL_LABEL = "optional_label"


def needed_sometimes(*fields: forms.Field) -> None:
    """Fields that are needed in some cases only, as their hints say: their labels never
    say "(optional)"."""
    for field in fields:
        setattr(field, OPTIONAL_LABEL, False)
