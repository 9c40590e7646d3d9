"""Every field's refusals in the service's words (A11Y-1, #17): a field a form did not word
itself never shows one of Django's own messages ("This field is required.", "Select a valid
choice. X is not one of the available choices.", "Ensure this value has at most 200
characters (it has 201).") when it is reached by a changed page or text past `maxlength`.

The base forms (`Form`, `ModelForm`, and `ServiceMessages` for a form built on another
of Django's) word each message from the field's label before the form is checked, unless
the form gave the message itself: "Enter the starting point.", "Choose the area from the
list.", "The starting point must be 200 characters or fewer.", "Enter the number of hours
as a whole number.". A message never repeats what was sent (it could be anyone's text). A
label that is a question ("Is this about what or where?") gives the plain "Choose one of
the answers." / "Enter an answer." / "Keep this to 200 characters or fewer."; a field may
name what it asks for instead, with `asks_for(field, "whether it is about what or where")`.
A hidden field's message is "This form could not be read. Open it again.": it is never typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from goldenthread.core.formatting import lower_first
from goldenthread.core.text import refusal

FieldT = TypeVar("FieldT", bound=forms.Field)

# The attribute a field may carry to name what it asks for (`asks_for`).
WHAT = "asks_for"

HIDDEN_MESSAGE = "This form could not be read. Open it again."

# The first words of a label that names a thing only with words of its own ("their name",
# "the outcome"): no "the" is added before it.
_DETERMINERS = {"the", "their", "your", "a", "an", "this", "these", "his", "her", "its", "our"}
# The first words of a label that is a clause ("what they said", "how it was shared").
_CLAUSE_WORDS = {"what", "who", "whose", "when", "where", "why", "how", "which", "whether"}
# The first words of a label that neither names a thing nor is a clause a message can
# carry ("Find a person by name", "Or the provider's name", "If someone spoke for them").
_NOT_A_NAME = {
    "or",
    "and",
    "if",
    "is",
    "are",
    "do",
    "does",
    "did",
    "can",
    "will",
    "should",
    "has",
    "have",
    "find",
    "choose",
    "explain",
    "type",
    "enter",
    "give",
    "say",
    "tell",
    "write",
    "i",
    "not",
    "no",
    "yes",
}
# A label's aside after a comma: "What they are unhappy about, in their words".
_ASIDE = re.compile(r",\s+(in|as|for|if|with|from)\b.*$")
_BRACKETS = re.compile(r"\s*\([^)]*\)\s*$")


def asks_for(field: FieldT, what: str) -> FieldT:
    """Name what `field` asks for, as its messages say it ("whether it is about what or
    where", "the area"): for a label the messages cannot be worded from."""
    setattr(field, WHAT, what)
    return field


def _upper_first(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}" if text else text


def what_is_asked(field: forms.Field) -> str:
    """What the field asks for, in words that follow "Enter" or "Choose" ("the starting
    point", "their name", "how it was shared"), or "" when the label does not give it."""
    what = getattr(field, WHAT, "")
    if what:
        return str(what)
    label = str(field.label or "").strip()
    if not label or "?" in label or ":" in label or "%" in label or "\n" in label:
        return ""
    label = _BRACKETS.sub("", label)
    label = _ASIDE.sub("", label).strip().rstrip(".")
    if not label or "(" in label:
        return ""
    first = label.split(" ", 1)[0].lower()
    if first in _NOT_A_NAME:
        return ""
    label = lower_first(label)
    if first in _DETERMINERS or first in _CLAUSE_WORDS:
        return label
    return f"the {label}"


def _is_clause(what: str) -> bool:
    return what.split(" ", 1)[0] in _CLAUSE_WORDS


def _limit(field: forms.Field, code: str) -> Any:
    for validator in field.validators:
        if getattr(validator, "code", None) == code:
            limit = getattr(validator, "limit_value", None)
            return limit() if callable(limit) else limit
    return getattr(field, code, None)


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _is_choice(field: forms.Field) -> bool:
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField))


def _from_where(field: forms.Field) -> str:
    if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "from the answers shown"
    return "from the list"


def _required(field: forms.Field, what: str) -> str:
    if _is_choice(field):
        return f"Choose {what}." if what else "Choose one of the answers."
    if isinstance(field, forms.BooleanField):
        return "Tick the box to go on."
    if not what:
        return "Enter an answer."
    if _is_clause(what) and isinstance(field, forms.CharField):
        return f"Say {what}."
    return f"Enter {what}."


def _not_offered(field: forms.Field, what: str) -> str:
    return f"Choose {what} {_from_where(field)}." if what else "Choose one of the answers."


def _invalid(field: forms.Field, what: str) -> str:
    subject = what or "your answer"
    if isinstance(field, forms.DateTimeField):
        return f"Enter {subject} as a real date and time."
    if isinstance(field, forms.DateField):
        return f"Enter {subject} as a real date."
    if isinstance(field, forms.TimeField):
        return f"Enter {subject} as a real time, for example 14:30."
    if isinstance(field, forms.IntegerField):
        return f"Enter {subject} as a whole number, for example 3."
    if isinstance(field, (forms.DecimalField, forms.FloatField)):
        return f"Enter {subject} as a number, for example 2 or 3.5."
    if isinstance(field, forms.EmailField):
        return f"Enter {subject} in the right form, for example name@example.com."
    if isinstance(field, forms.URLField):
        return f"Enter {subject} as a web address, for example https://www.example.com."
    if isinstance(field, forms.FileField):
        return f"Choose {what or 'the file'} again: it could not be read."
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return _not_offered(field, what)
    return f"Enter {subject} in the form asked for."


def _too_long(field: forms.Field, what: str, code: str) -> str:
    limit = _number(_limit(field, code))
    if isinstance(field, forms.FileField):
        return (
            f"The file's name must be {limit} characters or fewer. Rename it and choose it again."
        )
    if not what:
        return f"Keep this to {limit} characters or fewer."
    return f"{_upper_first(what)} must be {limit} characters or fewer."


def _too_short(field: forms.Field, what: str, code: str) -> str:
    limit = _number(_limit(field, code))
    if not what:
        return f"Use {limit} characters or more."
    return f"{_upper_first(what)} must be {limit} characters or more."


def _bound(field: forms.Field, what: str, code: str) -> str:
    limit = _number(_limit(field, code))
    subject = _upper_first(what) if what else "The number"
    return f"{subject} must be {limit} or {'more' if code == 'min_value' else 'less'}."


def _digits(field: forms.Field, what: str, code: str) -> str:
    subject = what or "the number"
    places = getattr(field, "decimal_places", None)
    if code == "max_decimal_places" and places is not None:
        return f"Enter {subject} with {places} decimal places or fewer."
    return f"Enter {subject} as a smaller number."


def _file_missing(field: forms.Field, what: str) -> str:
    return f"Choose {what or 'the file'} again: it did not arrive."


_WORDERS: dict[str, Callable[[forms.Field, str], str]] = {
    "required": _required,
    "invalid_choice": _not_offered,
    "invalid_list": _not_offered,
    "invalid_pk_value": _not_offered,
    "invalid": _invalid,
    "max_length": lambda field, what: _too_long(field, what, "max_length"),
    "min_length": lambda field, what: _too_short(field, what, "min_length"),
    "max_value": lambda field, what: _bound(field, what, "max_value"),
    "min_value": lambda field, what: _bound(field, what, "min_value"),
    "step_size": lambda field, what: f"Enter {what or 'the number'} as a number the page offers.",
    "max_digits": lambda field, what: _digits(field, what, "max_digits"),
    "max_whole_digits": lambda field, what: _digits(field, what, "max_whole_digits"),
    "max_decimal_places": lambda field, what: _digits(field, what, "max_decimal_places"),
    "null_characters_not_allowed": lambda field, what: (
        f"{_upper_first(what) if what else 'Your answer'} has a character that cannot be "
        "saved. Type it again."
    ),
    "missing": _file_missing,
    "empty": lambda field, what: f"The file is empty. Choose {what or 'the file'} again.",
    "contradiction": lambda field, what: "Choose a new file or tick to clear it, not both.",
    "invalid_image": lambda field, what: f"Choose {what or 'a picture'} as a picture file.",
}


def _django_defaults() -> set[str]:
    """Every message Django's form fields and validators give when a form gives none."""
    found: set[str] = set()
    for module in (forms.fields, forms.models):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.Field):
                for cls in value.__mro__:
                    found |= {str(m) for m in vars(cls).get("default_error_messages", {}).values()}
    for value in vars(django_validators).values():
        for cls in value.__mro__ if isinstance(value, type) else ():
            if isinstance(vars(cls).get("message"), (str, Promise)):
                found.add(str(vars(cls)["message"]))
            if isinstance(vars(cls).get("messages"), dict):
                found |= {str(m) for m in vars(cls)["messages"].values()}
        if not isinstance(value, type) and hasattr(value, "message"):
            found.add(str(value.message))
    return found


_DJANGO_DEFAULTS: set[str] = set()


def is_djangos(message: Any) -> bool:
    """Whether `message` is one of Django's own (worked out once, in the language in use)."""
    if not _DJANGO_DEFAULTS:
        _DJANGO_DEFAULTS.update(_django_defaults())
    return str(message) in _DJANGO_DEFAULTS


def message_codes(field: forms.Field) -> dict[str, Any]:
    """The messages `field` can give, by code: its own, and its validators' (a validator's
    message is replaced by the field's of the same code)."""
    found: dict[str, Any] = {}
    for validator in field.validators:
        if isinstance(validator, django_validators.DecimalValidator):
            found.update(validator.messages)
        else:
            code = getattr(validator, "code", None)
            if code:
                found[code] = getattr(validator, "message", "")
    found.update(field.error_messages)
    return found


def word_messages(field: forms.Field) -> None:
    """Give `field` the service's words for every message it would otherwise give in
    Django's; messages the form wrote itself are kept."""
    hidden = field.widget.is_hidden
    what = "" if hidden else what_is_asked(field)
    for code, message in message_codes(field).items():
        if not is_djangos(message):
            continue
        worder = _WORDERS.get(code)
        if hidden:
            field.error_messages[code] = HIDDEN_MESSAGE
        elif worder is not None:
            field.error_messages[code] = worder(field, what)


class TypedText:
    """A text field's check that its text can be kept as typed (core.text.refusal, docs/adr/
    0037): no U+FFFD (what was sent was not UTF-8: "���" would be saved in place of the
    words), no more than a few combining marks on one letter. Worded as the NUL character's
    refusal is."""

    def __init__(self, field: forms.Field) -> None:
        hidden = field.widget.is_hidden
        what = "" if hidden else what_is_asked(field)
        subject = _upper_first(what) if what else "Your answer"
        self.messages = {
            "replacement": HIDDEN_MESSAGE
            if hidden
            else f"{subject} has a character that cannot be saved. Type it again.",
            "marks": HIDDEN_MESSAGE
            if hidden
            else f"{subject} has too many accents or marks on one letter. Take some out.",
        }

    def __call__(self, value: Any) -> None:
        why = refusal(value) if isinstance(value, str) else None
        if why is not None:
            raise ValidationError(self.messages[why], code=f"typed_text_{why}")


def check_typed_text(field: forms.Field) -> None:
    """Give a text field (not a password's) the TypedText check, once."""
    if (
        isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.PasswordInput)
        and not any(isinstance(validator, TypedText) for validator in field.validators)
    ):
        field.validators.append(TypedText(field))


class ServiceMessages(forms.BaseForm):
    """Put before a Django form class (`class SignInForm(ServiceMessages,
    AuthenticationForm)`): every field's messages are the service's when the form is
    checked, fields added in `__init__` or by a view included; every text field refuses
    text that cannot be kept as typed (`TypedText`)."""

    def full_clean(self) -> None:
        for field in self.fields.values():
            word_messages(field)
            check_typed_text(field)
        super().full_clean()


class Form(ServiceMessages, forms.Form):
    """The service's form: Django's Form, every field's messages in the service's words."""


class ModelForm(ServiceMessages, forms.ModelForm):
    """The service's model form: Django's ModelForm, every field's messages in the
    service's words."""
