"""Typed text as the service keeps it (SEC-8, A11Y-1; docs/adr/0037).

- The characters that force or embed a direction (U+202A to U+202E, U+2066 to U+2069) are
  removed. Typed or pasted into an item, one of them turned the item's own links around on
  the page ("evomeR egnahC"): text could be disguised and controls mislabelled. Browsers
  lay out Arabic, Urdu, Hebrew and mixed text without them; the marks U+200E and U+200F,
  which cannot spill beyond their own place, are kept.
- Text made only of spaces and characters that show nothing (zero-width spaces, joiners,
  the byte order mark, soft hyphens, Hangul fillers, the blank Braille cell) is blank: a
  required box filled with it is told to be filled in, as one left empty is. Inside words
  the joiners are kept (some scripts and emoji need them).

- Text with U+FFFD, the replacement character, is refused: it is what a browser's or
  Django's reading puts where the bytes sent were not UTF-8 (a name saved as "���"), so the
  words typed were lost on the way. Nobody types it on purpose.
- Text with more than MAX_MARKS_IN_A_ROW combining marks on one letter ("Zalgo" text, used
  to spill over the lines above and below it and break a page's layout) is refused.
  Vietnamese, Hebrew with points and the Indic and Tibetan scripts need a few, never that
  many.
Both are refused with a message (`refusal`), not mended: what was meant cannot be known.

Names are the exception to the first rule: a direction control in a name is refused with a
message (`people.services.refuse_hidden_in_names`, SEC-6), by the form, the API and an
import alike, because a name is how a record is found and told apart. The forms' name
fields are NAME_FIELDS."""

from __future__ import annotations

import unicodedata

DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The forms' fields for a name (people.services.NAME_LABELS): refused there, not mended here.
NAME_FIELDS = frozenset({"given_name", "family_name", "preferred_name", "name"})
_REMOVE = {ord(character): None for character in DIRECTION_CONTROLS}
# Letters by their category that a browser draws as nothing.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


# The replacement character: where bytes that were not UTF-8 were read.
REPLACEMENT = "\ufffd"
# Combining marks (Unicode categories Mn and Me) allowed on one letter.
MAX_MARKS_IN_A_ROW = 8
_MARKS = ("Mn", "Me")


def _marks_in_a_row(text: str) -> int:
    """The longest run of combining marks in `text`."""
    longest = run = 0
    for character in text:
        if unicodedata.category(character) in _MARKS:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest


def refusal(text: str) -> str | None:
    """Why typed `text` is refused, or None: "replacement" (it has U+FFFD: what was sent
    was not UTF-8) or "marks" (more than MAX_MARKS_IN_A_ROW combining marks on a letter)."""
    if REPLACEMENT in text:
        return "replacement"
    if text.isascii():
        return None
    if _marks_in_a_row(text) > MAX_MARKS_IN_A_ROW:
        return "marks"
    return None


def without_direction_controls(text: str) -> str:
    """`text` less the characters that force or embed a direction."""
    if not any(character in DIRECTION_CONTROLS for character in text):
        return text
    return text.translate(_REMOVE)


def shows_nothing(text: str) -> bool:
    """Whether `text` would be seen as empty: only spaces and invisible characters (True
    for "")."""
    return all(
        character.isspace()
        or character in _BLANK_LETTERS
        or unicodedata.category(character) == "Cf"
        for character in text
    )


def as_kept(text: str, *, name: bool = False) -> str:
    """Typed text as the service keeps it: "" when it shows nothing, else without direction
    controls (kept in a name, which is then refused)."""
    if not name:
        text = without_direction_controls(text)
    return "" if shows_nothing(text) else text
