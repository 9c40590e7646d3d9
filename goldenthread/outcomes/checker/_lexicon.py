"""Load the word lists in ``lexicons/`` (see lexicons/README.md for the format).

Each list becomes one compiled alternation, so finding every entry in a
statement is a single regex pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON_DIR = Path(__file__).with_name("lexicons")

_STEM = r"[\w']*"
_SPACE = r"[\s\-]+"
_HYPHEN = r"[\s\-]?"


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a lexicon file."""

    term: str
    fields: tuple[str, ...]
    source: str
    pattern: re.Pattern[str]

    @property
    def reason(self) -> str:
        return self.fields[0] if self.fields else ""

    def field(self, index: int, default: str = "") -> str:
        return self.fields[index] if index < len(self.fields) else default


def term_to_regex(term: str) -> str:
    """Turn a lexicon term into a regular expression (no outer boundaries)."""
    if term.startswith("re:"):
        return "(?i:" + term[3:] + ")"
    words = []
    for word in term.split():
        pieces = []
        for piece in word.split("-"):
            stem = piece.endswith("*")
            piece = piece.rstrip("*")
            pieces.append(re.escape(piece) + (_STEM if stem else ""))
        words.append(_HYPHEN.join(pieces))
    body = _SPACE.join(words)
    if any(ch.isupper() for ch in term):
        return body
    return "(?i:" + body + ")"


KEY_LENGTH = 3


def _index_key(term: str) -> str | None:
    """The first letters of a plain term's first word, used to find candidates fast."""
    if term.startswith("re:"):
        return None
    first = term.split()[0].split("-")[0].rstrip("*").lower()
    return first[:KEY_LENGTH] if first else None


# --------------------------------------------------------------------------- first characters
# The ``re:`` terms of a list are one alternation, tried where a word starts.
# Gathered under the character they can start with, the engine tries one
# branch per character there instead of every term (issue 18, speed).
# ``first_chars`` reads that character from the term; it understands the forms
# the lexicons use (look-behinds, ``\\b``, a letter or digit, ``\\d``, a class of
# digits, a group, an optional group) and says ``None`` for anything else, and
# then the list keeps the plain alternation.

DIGIT = "0"  # stands for any digit (``\d`` matches more than ASCII digits)
_QUANTIFIERS = ("?", "*", "{")


def _class_end(source: str, i: int) -> int:
    """Index just after the character class that opens at ``source[i] == "["``."""
    j = i + 1
    if source[j : j + 1] == "^":
        j += 1
    if source[j : j + 1] == "]":
        j += 1
    while source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1


def _structure(source: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """The characters of a regular expression from ``source[i]`` that shape it: each
    ``(``, ``)`` and ``|`` outside a character class and not escaped, with its index and
    the group depth after it (escapes and classes are stepped over whole)."""
    depth = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(source, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch in "()|":
            yield i, ch, depth
        i += 1


def _group_end(source: str, i: int) -> int:
    """Index just after the group that opens at ``source[i] == "("``."""
    for j, ch, depth in _structure(source, i):
        if ch == ")" and depth == 0:
            return j + 1
    raise ValueError(f"unbalanced group in {source!r}")


def _alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regular expression."""
    parts: list[str] = []
    start = 0
    for i, ch, depth in _structure(source):
        if ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def first_chars(source: str) -> frozenset[str] | None:
    """The lower-case letters (and ``DIGIT``) a match of ``source`` can start with.

    Matched ignoring case. ``None`` when not sure, or when it could match nothing.
    """
    found: set[str] = set()
    for alternative in _alternatives(source):
        chars = _first_of(alternative)
        if chars is None:
            return None
        found |= chars
    return frozenset(found)


def _first_of(source: str) -> frozenset[str] | None:
    i = 0
    while source.startswith(("(?<!", "(?<=", "\\b"), i):
        i = i + 2 if source.startswith("\\b", i) else _group_end(source, i)
    if i >= len(source):
        return None
    ch = source[i]
    if ch.isascii() and ch.isalnum():
        end, chars = i + 1, frozenset({DIGIT if ch.isdigit() else ch.lower()})
    elif source.startswith("\\d", i):
        end, chars = i + 2, frozenset({DIGIT})
    elif ch == "[":
        end = _class_end(source, i)
        if not re.fullmatch(r"\[(?:\d|\d-\d)+\]", source[i:end]):
            return None
        chars = frozenset({DIGIT})
    elif source.startswith("(?:", i):
        end = _group_end(source, i)
        inner = first_chars(source[i + 3 : end - 1])
        if inner is None:
            return None
        if source[end : end + 1] in ("?", "*"):  # an optional group: or what follows it
            rest = source[end + 1 :].removeprefix("?")
            after = _first_of(rest)
            return None if after is None else inner | after
        chars = inner
    else:
        return None
    return None if source[end : end + 1] in _QUANTIFIERS else chars


def by_first_char(sources: list[str]) -> str:
    """``"|".join(sources)`` (each in a group), with the terms that can start with the
    same character gathered behind a look-ahead for it:
    ``(?=a)(?:(?:a|the)\\s+nurse|(?:aids...))|(?=t)(?:(?:a|the)\\s+nurse|...)``.

    In a regex that ignores case it matches what the plain alternation matches:
    at any place only one look-ahead can hold, and behind it are, in their order,
    all the terms that can start there. A term that can start with two characters
    is behind both.
    """
    plain = "|".join(f"(?:{source})" for source in sources)
    firsts = [first_chars(source) for source in sources]
    if any(chars is None for chars in firsts):
        return plain
    groups: dict[str, list[str]] = {}
    for source, chars in zip(sources, firsts, strict=True):
        for ch in sorted(chars or ()):
            groups.setdefault(ch, []).append(f"(?:{source})")
    branches = []
    for ch, terms in groups.items():
        ahead = r"\d" if ch == DIGIT else ch
        branches.append(f"(?={ahead})(?:{'|'.join(terms)})")
    return "|".join(branches)


class Lexicon:
    """A word list compiled for fast matching.

    Plain terms are indexed by the first letters of their first word, so a
    statement is matched by looking up each word start; ``re:`` terms are
    combined into one regular expression.
    """

    def __init__(self, name: str, entries: list[Entry]) -> None:
        self.name = name
        self._cache: dict[str, Entry] = {}
        # Longest terms first, so "home care" wins over "home" at the same place.
        self.entries: tuple[Entry, ...] = tuple(
            sorted(entries, key=lambda e: (-len(e.term), e.term))
        )
        if self.entries:
            alternation = "|".join(e.source for e in self.entries)
            self.regex: re.Pattern[str] = re.compile(rf"(?<![\w'])(?:{alternation})(?![\w])")
        else:  # pragma: no cover - every shipped lexicon has entries
            self.regex = re.compile(r"(?!x)x")
        self._index: dict[str, list[tuple[Entry, re.Pattern[str]]]] = {}
        self._key_lengths: set[int] = set()
        self._candidates: dict[str, tuple[list[tuple[Entry, re.Pattern[str]]], ...]] = {}
        raw = []
        for entry in self.entries:
            key = _index_key(entry.term)
            if key is None:
                # "re:" terms always ignore case; one flag for the whole alternation
                # (rather than one (?i:...) group each) lets the engine skip faster.
                raw.append(entry.term[3:])
                continue
            bounded = re.compile(entry.source + r"(?![\w])")
            self._index.setdefault(key, []).append((entry, bounded))
            self._key_lengths.add(len(key))
        self._raw_regex: re.Pattern[str] | None = (
            re.compile(rf"(?<![\w'])(?:{by_first_char(raw)})(?![\w])", re.IGNORECASE)
            if raw
            else None
        )

    def scan(self, text: str, word_starts: list[tuple[int, str]]) -> list[tuple[int, int, Entry]]:
        """Every match, left to right, without overlaps.

        ``word_starts`` is (position, lower-case word) for each word start in
        ``text`` (see ``_text.word_starts``).
        """
        found: list[tuple[int, int, Entry]] = []
        candidates = self._candidates
        for pos, lower in word_starts:
            groups = candidates.get(lower)
            if groups is None:
                groups = self._groups_for(lower)
            if not groups:
                continue
            best: tuple[int, int, Entry] | None = None
            for group in groups:
                for entry, bounded in group:
                    m = bounded.match(text, pos)
                    if m is not None and m.end() > pos:
                        if best is None or m.end() > best[1]:
                            best = (pos, m.end(), entry)
                        break
            if best is not None:
                found.append(best)
        if self._raw_regex is not None:
            for m in self._raw_regex.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), self.entry_for(m.group())))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        kept: list[tuple[int, int, Entry]] = []
        last_end = -1
        for item in found:
            if item[0] >= last_end:
                kept.append(item)
                last_end = item[1]
        return kept

    def _groups_for(self, lower: str) -> tuple[list[tuple[Entry, re.Pattern[str]]], ...]:
        """The index entries a word could start, one group per key length (remembered)."""
        groups = tuple(
            group
            for length in self._key_lengths
            if (group := self._index.get(lower[:length])) is not None
        )
        if len(self._candidates) < 20_000:
            self._candidates[lower] = groups
        return groups

    def __len__(self) -> int:
        return len(self.entries)

    def entry_for(self, matched: str) -> Entry:
        cached = self._cache.get(matched)
        if cached is not None:
            return cached
        found = self.entries[0]
        for entry in self.entries:
            if entry.pattern.fullmatch(matched):
                found = entry
                break
        if len(self._cache) < 4096:
            self._cache[matched] = found
        return found

    def finditer(
        self, text: str, start: int = 0, end: int | None = None
    ) -> Iterator[tuple[int, int, Entry]]:
        stop = len(text) if end is None else end
        for m in self.regex.finditer(text, start, stop):
            if m.end() > m.start():
                yield m.start(), m.end(), self.entry_for(m.group())

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        return self.regex.search(text, start, len(text) if end is None else end)

    def words(self) -> set[str]:
        """Every plain word used in the list (for the 'is this English?' test)."""
        found: set[str] = set()
        for entry in self.entries:
            if entry.term.startswith("re:"):
                continue
            for word in re.findall(r"[a-z']+", entry.term.lower()):
                found.add(word)
        return found


def parse_lines(lines: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    rows = []
    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        term = parts[0].strip()
        if not term:
            continue
        rows.append((term, tuple(p.strip() for p in parts[1:])))
    return rows


@cache
def load(name: str) -> Lexicon:
    """Load ``lexicons/<name>.tsv`` once."""
    path = LEXICON_DIR / f"{name}.tsv"
    rows = parse_lines(path.read_text(encoding="utf-8").splitlines())
    entries = []
    for term, fields in rows:
        source = term_to_regex(term)
        entries.append(Entry(term, fields, source, re.compile(source)))
    return Lexicon(name, entries)


def rows(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """The raw rows of a lexicon file (for lists that are not matched as phrases)."""
    path = LEXICON_DIR / f"{name}.tsv"
    return parse_lines(path.read_text(encoding="utf-8").splitlines())
