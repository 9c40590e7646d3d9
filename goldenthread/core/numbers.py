"""Numbers as people type them: the digits 0 to 9 only.

Python's int(), Decimal() and the regular expression ``\\d`` also read other scripts'
digits ("٣٤" and "３４" are 34), which no one here means to type and no one reading the
record would recognise in what was typed. Every typed number is refused with the same
words, wherever it is read: money (core/money.py), the number fields of the forms
(ui/forms/fields.NumberField) and the API's numbers (api/schemas.Number).
"""

from __future__ import annotations

# The words every refusal of a typed number uses ("Enter the amount in pounds and pence,
# using numbers only, for example £1,234.50.").
NUMBERS_ONLY = "using numbers only"


def typed_in_plain_digits(text: str) -> bool:
    """Whether text typed as a number uses no character outside ASCII (so its digits are 0
    to 9): anything else in a number is a mistake, whatever int() or Decimal() make of it."""
    return text.isascii()


def number_message(what: str, example: str) -> str:
    """The refusal of a number that cannot be read: "Enter <what>, using numbers only, for
    example <example>."."""
    return f"Enter {what}, {NUMBERS_ONLY}, for example {example}."
