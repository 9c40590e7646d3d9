"""Speed-ups that must not change what the checker finds (issue 18, speed).

``_text.at_word_start`` puts a guard in front of a big alternation so the
regex engine only tries it where a word starts or at an apostrophe. That is
only right while every alternative of the regex begins with ``\\b`` and a
letter or digit (or with an apostrophe); a new alternative that begins some
other way would silently stop matching. These tests compare each guarded
regex with the same regex unguarded, and the phrasal verbs grouped by first
letter (``_rules._by_first_letter``) and each word list's ``re:`` terms grouped
by first character (``_lexicon.by_first_char``) with the plain alternation.
"""

from __future__ import annotations

import re

import pytest

from goldenthread.outcomes.checker import _lexicon, _rules, _text
from goldenthread.outcomes.checker.evaluate import DEV_SET, EXTERNAL_SET, HOLDOUT_SET, load

# Statements that start a match in awkward places: after an apostrophe, a
# hyphen, a digit, an underscore, at the very start and end of the text.
EDGE_CASES = [
    "I've been unable to go out; she's only stayed in since May.",
    "He'd like to go back to work, but hasn't been able to since his fall.",
    "x'd've once-weekly twice_daily 3times only_now now-and-then re-start",
    "'ve's'only",
    "only",
    "ONLY ONCE A WEEK, NOT ANY MORE",
    "currently-at home, keeping—busy (nowadays) [yet] \"since\" 'used to'",
    "Ich möchte wieder arbeiten; één keer per week; 再次 once again",
]


def _statements() -> list[str]:
    texts = list(EDGE_CASES)
    for path in (DEV_SET, HOLDOUT_SET, EXTERNAL_SET):
        texts.extend(ex.text for ex in load(path))
    return texts


def _spans(regex: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(text)]


def test_every_big_alternation_is_guarded() -> None:
    assert set(_text.GUARDED) >= {
        _rules.QUANTITY_RE,
        _rules.CONSTRUCTION_RE,
        _rules.BASELINE_RE,
        _rules.STATE_RE,
    }


@pytest.mark.parametrize("regex", _text.GUARDED, ids=lambda r: r.pattern[40:80].strip())
def test_the_word_start_guard_changes_no_match(regex: re.Pattern[str]) -> None:
    plain = _text.unguarded(regex)
    assert plain.pattern != regex.pattern
    for raw in _statements():
        text = _text.normalise(raw)
        for variant in (text, text.lower(), text.upper()):
            assert _spans(regex, variant) == _spans(plain, variant), variant
        # a search that starts part-way through a word, as the rules do for a clause
        for start in range(1, len(text), 11):
            found = regex.search(text, start)
            expected = plain.search(text, start)
            assert (found and found.span()) == (expected and expected.span()), text


def test_unguarded_refuses_a_regex_that_has_no_guard() -> None:
    with pytest.raises(ValueError):
        _text.unguarded(re.compile(r"\bonly\b"))


def test_tokens_are_the_same_named_tuples() -> None:
    tokens = _text.tokenise("Mrs O'Neill's step-down bed, 1:1 twice.")
    assert tokens[0] == _text.Token("Mrs", "mrs", 0, 3)
    assert all(type(t) is _text.Token for t in tokens)
    assert [t.text for t in tokens] == ["Mrs", "O'Neill's", "step-down", "bed", "1:1", "twice"]


def test_letters_profile_counts_latin_letters_beyond_ascii() -> None:
    assert _text.letters_profile("Zoë will swim 2 lengths") == (18, 18)
    assert _text.letters_profile("abc") == (3, 3)
    assert _text.letters_profile("он хочет abc") == (10, 3)
    assert _text.letters_profile("123 !!") == (0, 0)


def _flat_and_grouped(alternatives: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    def build(body: str) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w'-])(?:{body})(?![\w'-])", re.IGNORECASE)

    return build("|".join(alternatives)), build(_rules._by_first_letter(alternatives))


def test_phrases_grouped_by_first_letter_match_what_the_plain_alternation_matches() -> None:
    words = sorted(_rules.CONCRETE_VERB_FORMS, key=lambda f: (-len(f), f))
    flat, grouped = _flat_and_grouped([re.escape(w) for w in words])
    assert grouped.pattern != flat.pattern
    for raw in _statements():
        text = _text.normalise(raw)
        for variant in (text, text.upper()):
            assert _spans(grouped, variant) == _spans(flat, variant), variant
    # the first phrase that matches still wins, as in the plain alternation
    flat, grouped = _flat_and_grouped(["get", r"get\s+up", "go", r"got\s+up", "got"])
    for text in ("I get up and got up", "GET UP", "get-up", "go got"):
        assert _spans(grouped, text) == _spans(flat, text)
    assert [m.group() for m in grouped.finditer("I get up")] == ["get"]


def test_grouping_is_left_alone_when_an_alternative_does_not_start_with_a_small_letter() -> None:
    assert _rules._by_first_letter(["Stay", "sit"]) == "Stay|sit"
    assert _rules._by_first_letter([r"\bgo", "get"]) == r"\bgo|get"
    assert _rules._by_first_letter(["go", "get", "sit"]) == "g(?:o|et)|s(?:it)"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\bphysio\b", {"p"}),
        (r"\bAAC(?:\s+device)?\b", {"a"}),
        (r"\b(?:a|the)\s+nurse\b", {"a", "t"}),
        (r"\b(?:rolling\s+)?walker\b", {"r", "w"}),
        (r"(?<!tv\s)(?<!radio\s)programmes?", {"p"}),
        (r"\b\d:\d\b", {_lexicon.DIGIT}),
        (r"\b[0-5][+-]?/5\b", {_lexicon.DIGIT}),
        (r"\b(?:\d+|one|two)\s+hours?", {_lexicon.DIGIT, "o", "t"}),
        (r"\bco-?morbid\w*", {"c"}),
        (r"x?\d", None),  # the first letter may be missing
        (r"(?:the\s+)*setting", {"t", "s"}),
        (r"(?:the\s+){0,2}setting", None),
        (r"\w+ing", None),
        (r"(?i:care)", None),
        (r"\bcare|\s+needs", None),
        (r"(?:|care)", None),  # could match nothing
        (r"é\w+", None),  # outside ASCII: case folding is not simple
    ],
)
def test_first_chars(source: str, expected: set[str] | None) -> None:
    found = _lexicon.first_chars(source)
    assert found == (None if expected is None else frozenset(expected))


def test_every_lexicon_scans_the_same_with_its_terms_grouped_by_first_character() -> None:
    texts = [_text.normalise(raw) for raw in _statements()]
    grouped = 0
    for path in sorted(_lexicon.LEXICON_DIR.glob("*.tsv")):
        lexicon = _lexicon.load(path.stem)
        if lexicon._raw_regex is None:
            continue
        raw = [e.term[3:] for e in lexicon.entries if e.term.startswith("re:")]
        plain = re.compile(
            rf"(?<![\w'])(?:{'|'.join(f'(?:{s})' for s in raw)})(?![\w])", re.IGNORECASE
        )
        grouped += lexicon._raw_regex.pattern != plain.pattern
        for text in texts:
            for variant in (text, text.upper()):
                assert _spans(lexicon._raw_regex, variant) == _spans(plain, variant), variant
    assert grouped >= 5  # provision, jargon, service_phrases, ... are grouped
