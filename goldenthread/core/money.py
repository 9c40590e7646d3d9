"""Money as people type it: always Decimal with pence, never float.

`parse_money("£1,234.5")` → Decimal("1234.50"). Every way a typed amount can be wrong has
its own plain-English message and code, so a form can say exactly what to fix (the money
field in goldenthread/ui/forms). Writing an amount is `core.formatting.money_text`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .formatting import PENNY
from .numbers import number_message

# max_digits 12, decimal_places 2 on every money column.
LARGEST = Decimal("9999999999.99")

# ASCII digits only (re.ASCII; core/numbers.py says why).
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
_PLAIN = re.compile(r"^\d+(\.\d*)?$|^\.\d+$", re.ASCII)


class MoneyError(ValueError):
    """A typed amount that cannot be used, with a message for the person who typed it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def parse_money(text: str) -> Decimal:
    """Read an amount typed as "1234.50", "1,234.50", "£1234.5" or " £ 1,234 ".

    Raises MoneyError (code: "blank", "negative", "too_many_decimals", "invalid",
    "too_large") with a message written for the person.
    """
    value = (text or "").strip()
    if not value:
        raise MoneyError("Enter an amount in pounds and pence.", "blank")
    value = value.replace(" ", "")
    negative = value.startswith("-") or value.startswith("£-") or value.startswith("(")
    value = value.lstrip("-(").rstrip(")")
    if value.startswith("£"):
        value = value[1:]
    if value.startswith("-"):
        negative = True
        value = value[1:]
    if value.lower().endswith("p") or value.lower().endswith("gbp"):
        raise MoneyError(
            "Enter the amount in pounds, for example £12.50 rather than 1250p.", "invalid"
        )
    if not (_GROUPED.match(value) or _PLAIN.match(value)):
        raise MoneyError(number_message("the amount in pounds and pence", "£1,234.50"), "invalid")
    if negative:
        raise MoneyError("The amount cannot be negative. Enter £0 or more.", "negative")
    digits = value.replace(",", "")
    if "." in digits and len(digits.split(".", 1)[1]) > 2:
        raise MoneyError(
            "Amounts can only go down to pence: use no more than 2 decimal places, "
            "for example £12.50.",
            "too_many_decimals",
        )
    try:
        amount = Decimal(digits if not digits.endswith(".") else digits[:-1] or "0")
    except InvalidOperation as exc:  # pragma: no cover - the patterns above prevent it
        raise MoneyError("Enter the amount in pounds and pence.", "invalid") from exc
    if amount > LARGEST:
        raise MoneyError("That amount is too large. Check the number of digits.", "too_large")
    return amount.quantize(PENNY)
