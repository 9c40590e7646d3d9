"""HTML escaping for markup written in Python (#19): what `conditional_escape` gives, as
text, with plain text and ids taken the short way (docs/adr/0007: stored text is never
markup).

Django's `escape` is wrapped by `keep_lazy` to accept lazy translations; for plain text
that wrapper was a third of the time of the golden-thread page's blocks written in Python.
Plain `str` (exactly `str`: never a SafeString, a subclass, nor a lazy translation) goes
straight to `html.escape`, which is what Django's `escape` calls; a UUID's text has nothing
to escape, nor has a whole number's; anything else (marked-safe text, lazy translations, numbers, dates) still goes
through `conditional_escape`. ui/tests/test_escaping.py checks both paths agree.
"""

from __future__ import annotations

import uuid
from html import escape as _html_escape
from typing import Any

from django.utils.html import conditional_escape


def escape_text(value: Any) -> str:
    """`str(conditional_escape(value))`, quicker for plain text and UUIDs."""
    kind = type(value)
    if kind is str:
        # Most texts have none of the five characters: five `in` tests cost a third of
        # html.escape's five replace() calls, which return the same text then (#19).
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return _html_escape(value)
        return value
    if kind is uuid.UUID or kind is int:
        # Hexadecimal digits and hyphens, or a whole number's digits (a count, a step's
        # number; exactly int, never True or False): nothing to escape.
        return str(value)
    return str(conditional_escape(value))
