"""Word forms don't matter: every word is looked up by its lemmas.

``lemmas("attending")`` is ``{"attending", "attend"}``; ``lemmas("children")``
is ``{"children", "child"}``. The lemmas come from ``lemminflect``, which ships
its own word lists (nothing is downloaded). Each word is looked up once and
remembered, so after the first few statements a lookup is a dictionary hit.
"""

from __future__ import annotations

from lemminflect import getAllLemmas

_CACHE: dict[str, frozenset[str]] = {}
_CACHE_LIMIT = 50_000


def lemmas(word: str) -> frozenset[str]:
    """The word itself (lower case) and every lemma lemminflect knows for it."""
    found = _CACHE.get(word)
    if found is not None:
        return found
    lower = word.lower()
    forms = {lower}
    if lower.isalpha() or "-" in lower or "'" in lower:
        for options in getAllLemmas(lower).values():
            forms.update(options)
    result = frozenset(forms)
    if len(_CACHE) < _CACHE_LIMIT:
        _CACHE[word] = result
    return result


def is_english_word(word: str) -> bool:
    """True when lemminflect's English word lists know ``word`` (any part of speech)."""
    return bool(getAllLemmas(word.lower()))


def is_a(word: str, wanted: frozenset[str]) -> bool:
    """True when any lemma of ``word`` is in ``wanted``."""
    return not lemmas(word).isdisjoint(wanted)


def is_plural_noun(word: str) -> bool:
    """A plural noun: its noun lemma differs from it ("children", "residents")."""
    lower = word.lower()
    if lower in {"people", "youth", "staff", "folk"}:
        return True
    nouns = getAllLemmas(lower).get("NOUN", ())
    return any(n != lower for n in nouns)
