"""#19, docs/adr/0007: the quick escape of markup written in Python gives exactly what
`conditional_escape` gives, for plain text, ids and everything else."""

import uuid
from datetime import date

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from goldenthread.ui.escaping import escape_text


class Text(str):
    """A str subclass: not plain text, so it takes conditional_escape's way."""

    def __html__(self) -> str:
        return "<i>kept</i>"


def test_escape_text_is_conditional_escape():
    values = [
        "",
        "plain",
        *"&<>\"'",  # each of the five alone (#19: a text with none is returned as it is)
        "a & b",
        "it's",
        "«quotes» ‘and’ \"these\" & 'those' <script>alert(1)</script>",
        uuid.uuid4(),
        3,
        -12,  # a whole number's digits, as conditional_escape writes them (#19)
        True,  # not an int here: conditional_escape's way
        mark_safe("<svg>already html</svg>"),
        SafeString("<b>safe</b>"),
        Text("<b>subclass</b>"),
        gettext_lazy("Open & <agreed>"),
        date(2026, 3, 3),
    ]
    for value in values:
        assert escape_text(value) == str(conditional_escape(value)), value
    assert escape_text("<b>") == "&lt;b&gt;"  # stored text is never markup
    assert escape_text(mark_safe("<b>")) == "<b>"
    assert escape_text(Text("x")) == "<i>kept</i>"
