"""Text handling that keeps every character where it was.

The checker reports character spans in the text the practitioner typed, so
normalising must never change the length of the text: every replacement
here is one character for one character.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import NamedTuple


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for ch in "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060\u02bc":
        table[ord(ch)] = "'"
    for ch in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb":
        table[ord(ch)] = '"'
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043":
        table[ord(ch)] = "-"
    for ch in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\t\x0b\x0c":
        table[ord(ch)] = " "
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        table[ord(ch)] = " "
    for ch in "\r\u2028\u2029\x85":
        table[ord(ch)] = "\n"
    for cp in list(range(0x20)) + list(range(0x7F, 0xA0)):
        if chr(cp) not in "\n" and cp not in table:
            table[cp] = " "
    return table


_TABLE = _build_table()
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """Straighten quotes and dashes, blank out control characters.

    The result has exactly the same length as ``text``.
    """
    out = text.translate(_TABLE)
    if len(out) != len(text):  # pragma: no cover - the table maps 1:1
        raise AssertionError("normalise changed the length of the text")
    # Lone surrogates (from bad decoding) cannot be matched sensibly; blank them.
    if _SURROGATE_RE.search(out):
        out = "".join(" " if "\ud800" <= ch <= "\udfff" else ch for ch in out)
    return out


WORD_RE = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*|\d+(?:[.,:/]\d+)*")


class Token(NamedTuple):
    text: str
    lower: str
    start: int
    end: int


def tokenise(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    stop = len(text) if end is None else end
    # tuple.__new__ makes the same Token as Token(...) without the Python-level
    # __new__ call (this runs once per word of every statement).
    new = tuple.__new__
    return [
        new(Token, (word, word.lower(), m.start(), m.end()))
        for m in WORD_RE.finditer(text, start, stop)
        for word in (m.group(),)
    ]


# A match of the big alternations built with ``at_word_start`` (QUANTITY_RE,
# BASELINE_RE, ...) can only start where a word starts or at an apostrophe: every
# alternative begins with ``\b`` and a letter ("\bonly\b"), or with "'" ("'ve").
# Saying so first lets the engine reject every other position with one test
# instead of trying each alternative there, which is most of the time these
# regexes take. tests/test_checker_speed.py checks that the guard changes no match.
WORD_START_GUARD = r"(?:(?<!\w)|(?='))"
GUARDED: list[re.Pattern[str]] = []


def at_word_start(pattern: str, flags: int = 0) -> re.Pattern[str]:
    r"""``re.compile(pattern, flags)``, tried only where a word starts or at an apostrophe.

    Only for patterns whose every alternative begins (after any look-behind)
    with ``\b`` and a letter or digit, or with an apostrophe.
    """
    # In a verbose pattern a new line ends a trailing comment before the ")".
    end = "\n)" if flags & re.VERBOSE else ")"
    regex = re.compile(f"{WORD_START_GUARD}(?:{pattern}{end}", flags)
    GUARDED.append(regex)
    return regex


def unguarded(regex: re.Pattern[str]) -> re.Pattern[str]:
    """The regex ``at_word_start`` was given (for the test that the guard changes nothing)."""
    prefix = f"{WORD_START_GUARD}(?:"
    end = "\n)" if regex.flags & re.VERBOSE else ")"
    if not (regex.pattern.startswith(prefix) and regex.pattern.endswith(end)):
        raise ValueError("not made by at_word_start")
    return re.compile(regex.pattern[len(prefix) : -len(end)], regex.flags)


def word_starts(text: str, tokens: list[Token]) -> list[tuple[int, str]]:
    """(position, lower-case word) for every word start, including after hyphens."""
    starts = []
    for tok in tokens:
        starts.append((tok.start, tok.lower))
        if "-" in tok.lower:
            offset = 0
            for part in tok.lower.split("-")[:-1]:
                offset += len(part) + 1
                starts.append((tok.start + offset, tok.lower[offset:]))
    return starts


_ABBREVIATIONS = frozenset(
    (
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "vs",
        "etc",
        "approx",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "prof",
        "rev",
        "cllr",
        "jr",
        "sr",
        "ft",
    )
)
_BOUNDARY_RE = re.compile(
    r"""[.!?]+(?=[\s"')\]]|$)    # end of a sentence
      | ;                        # a semicolon always ends a clause
      | :(?=\s)                  # "Outcome: ..."
      | \n                       # a new line
      | \s-+\s                   # a spaced dash
    """,
    re.VERBOSE,
)
_SPLIT_WORDS_RE = re.compile(r",?\s+(?:but|whereas|although|though|however)\b(?=\s)", re.IGNORECASE)


class Span(NamedTuple):
    start: int
    end: int


def _preceding_word(text: str, pos: int) -> str:
    i = pos
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] == "."):
        i -= 1
    return text[i:pos].lower().rstrip(".")


def sentences(text: str) -> list[Span]:
    """Split into sentences and clauses (".", "!", "?", ";", ":", new lines, " - ")."""
    spans: list[Span] = []
    pos = 0
    for m in _BOUNDARY_RE.finditer(text):
        if m.group().startswith(".") and _preceding_word(text, m.start()) in _ABBREVIATIONS:
            continue
        if m.group().startswith(".") and len(_preceding_word(text, m.start())) == 1:
            # an initial ("J. Smith") or a list letter
            continue
        if m.start() > pos:
            spans.append(Span(pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(pos, len(text)))
    out: list[Span] = []
    for span in spans:
        sub_start = span.start
        for m in _SPLIT_WORDS_RE.finditer(text, span.start, span.end):
            if m.start() > sub_start:
                out.append(Span(sub_start, m.start()))
            sub_start = m.end()
        if sub_start < span.end:
            out.append(Span(sub_start, span.end))
    return [s for s in out if text[s.start : s.end].strip()]


class SpanSet:
    """A sorted set of non-overlapping character ranges."""

    __slots__ = ("ends", "starts")

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(r for r in ranges if r[1] > r[0]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def contains(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, end - 1) - 1
        return i >= 0 and self.ends[i] > start

    def ranges(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends, strict=True))

    def minus(self, other: SpanSet) -> SpanSet:
        out: list[tuple[int, int]] = []
        for start, end in self.ranges():
            cursor = start
            for o_start, o_end in other.ranges():
                if o_end <= cursor or o_start >= end:
                    continue
                if o_start > cursor:
                    out.append((cursor, o_start))
                cursor = max(cursor, o_end)
            if cursor < end:
                out.append((cursor, end))
        return SpanSet(out)


def letters_profile(text: str) -> tuple[int, int]:
    """(number of letters, number of Latin-script letters)."""
    alpha = "".join(filter(str.isalpha, text))
    if alpha.isascii():  # every ASCII letter is Latin
        return len(alpha), len(alpha)
    letters = 0
    latin = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if (
                ch < "\u0250"
                or "\u1e00" <= ch <= "\u1eff"
                or unicodedata.name(ch, "").startswith("LATIN")
            ):
                latin += 1
    return letters, latin
