"""Reading ease of generated text (SPEC A11Y-3, P-5): the Flesch Reading Ease score.

    206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)

Higher is easier: 90-100 very easy, 80-89 easy, 70-79 fairly easy, 60-69 plain English,
50-59 fairly difficult, 30-49 difficult, below 30 very difficult.

Pure Python, no dependencies. Syllables are counted with a heuristic (groups of vowels,
less a silent final "e", plus a few English endings); it is right for most everyday words
and close enough for a score. Text taken from HTML (`text_from_html`) treats every heading,
paragraph, list item and table cell as its own sentence, so headings without a full stop are
not run together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")

# Words the heuristic gets wrong and that occur in plans.
_EXCEPTIONS = {
    "the": 1,
    "every": 3,
    "everyone": 3,
    "everything": 3,
    "everyday": 3,
    "people": 2,
    "business": 2,
    "area": 3,
    "idea": 3,
    "ideas": 3,
    "create": 2,
    "created": 3,
    "being": 2,
    "doing": 2,
    "going": 2,
    "seeing": 2,
    "queue": 1,
    "poem": 2,
    "quiet": 2,
    "science": 2,
    "via": 2,
    "media": 3,
    "social": 2,
    "special": 2,
    "specialist": 3,
    "initial": 3,
    "real": 1,
    "really": 2,
    "toward": 2,
    "towards": 2,
    "wednesday": 2,
    "colleague": 2,
    "recipe": 3,
    "naive": 2,
    "maybe": 2,
    "someone": 2,
    "somewhere": 2,
    "something": 2,
    "sometimes": 2,
    "anyone": 3,
    "lifestyle": 2,
    "neighbour": 2,
    "neighbours": 2,
    "neighbourhood": 3,
    "family": 3,
    "whole": 1,
    "where": 1,
    "there": 1,
    "here": 1,
    "were": 1,
    "are": 1,
    "one": 1,
    "once": 1,
    "done": 1,
    "gone": 1,
    "none": 1,
    "some": 1,
    "come": 1,
    "became": 2,
    "because": 2,
    "before": 2,
    "therefore": 2,
    "more": 1,
    "make": 1,
    "made": 1,
    "home": 1,
}


def syllables(word: str) -> int:
    """Syllables in one word, by heuristic (at least 1)."""
    word = word.lower().replace("’", "'").strip("'")
    if not word:
        return 0
    if word.isdigit():
        return max(1, len(word))  # "2026" is read as several syllables; roughly one a digit
    word = word.split("'")[0] if word.endswith(("'s", "'ll", "'ve", "'re", "'d", "'t")) else word
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if len(word) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(word))
    # Silent endings: "make", "hoped", "homes" (but not "table", "wanted", "buses").
    if word.endswith("e") and not word.endswith(("le", "ee", "ie", "ye")):
        count -= 1
    elif word.endswith("ed") and not word.endswith(("ted", "ded")):
        count -= 1
    elif word.endswith("es") and not word.endswith(
        ("ses", "zes", "ces", "ges", "shes", "ches", "xes", "ies")
    ):
        count -= 1
    # Vowel pairs said as two: "radio", "video", "fluent".
    count += len(re.findall(r"(?:io|eo|ua|uo|iu)", word)) - len(
        re.findall(r"(?:tion|sion|cian|tial|cial|ious|eous)", word)
    )
    if word.endswith("le") and len(word) > 2 and word[-3] not in "aeiouy":
        count = max(count, 2)
    return max(1, count)


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int
    score: float

    @property
    def band(self) -> str:
        return band(self.score)


def band(score: float) -> str:
    if score >= 90:
        return "very easy"
    if score >= 80:
        return "easy"
    if score >= 70:
        return "fairly easy"
    if score >= 60:
        return "plain English"
    if score >= 50:
        return "fairly difficult"
    if score >= 30:
        return "difficult"
    return "very difficult"


def measure(text: str) -> Readability:
    """Sentences, words, syllables and the Flesch Reading Ease score of `text`."""
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words:
        return Readability(sentences=0, words=0, syllables=0, score=0.0)
    syllable_count = sum(syllables(w) for w in words)
    score = (
        206.835
        - 1.015 * (len(words) / max(1, len(sentences)))
        - 84.6 * (syllable_count / len(words))
    )
    return Readability(len(sentences), len(words), syllable_count, round(score, 1))


def flesch_reading_ease(text: str) -> float:
    return measure(text).score


_BLOCKS = {
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "td",
    "th",
    "div",
    "blockquote",
    "caption",
    "title",
    "br",
    "tr",
    "section",
    "header",
    "footer",
}
_SKIP = {"script", "style", "head", "template"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_from_html(html: str) -> str:
    """The words a reader sees, each block on its own line."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
