"""Suggest the national outcome domain an outcome or a "what matters" item is about (AGG-4).

The practitioner chooses the domain; this only suggests one, and says which words made it
think so. No suggestion is better than a wrong one, so it stays quiet unless the words are
clear:

* The word lists are ``lexicons/domains_adult.tsv`` and ``domains_child.tsv``: each term names one or more domains
  (``framework:code``, the codes of ``core/data/outcome_domains.csv``) and a weight, 2 for a
  word that is a clear sign on its own ("friends", "lonely", "walk", "safe") and 1 for one
  that only counts with another sign ("sister", "breakfast", "independent"): family is
  often company for something else, and a meal can be a skill or daily life.
* A domain is suggested when its words weigh 2 or more (each term counted once). The
  domains kept are those within 1 of the heaviest; when more than ``limit`` are left, the
  words point too many ways and nothing is suggested.
* Only the person's framework is read: adults (Talking Points) or children and young
  people (SHANARRI). ``framework=None`` reads both.

>>> [s.domain for s in suggest_domains("I'd like to see my friends every week.")]
['adult:seeing_people']
>>> suggest_domains("To ensure that all of Mrs Brown's care needs are met.")
()
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ._lexicon import Entry, Lexicon, rows, term_to_regex
from ._text import normalise, tokenise, word_starts

FRAMEWORKS = ("adult", "child")
LEXICON = "domains"
CLEAR = 2  # the weight a domain's words need before it is suggested
MAX_TEXT = 5000  # longer text is read up to here (a "what matters" item or an outcome is short)


@dataclass(frozen=True, slots=True)
class Trigger:
    """Words in the text that point to a domain: ``text[start:end]``."""

    start: int
    end: int
    words: str


@dataclass(frozen=True, slots=True)
class DomainSuggestion:
    """One suggested domain, with the words that triggered it (in the order they appear)."""

    domain: str  # "adult:seeing_people", "child:included"
    weight: int
    triggers: tuple[Trigger, ...]

    @property
    def framework(self) -> str:
        return self.domain.split(":", 1)[0]

    @property
    def code(self) -> str:
        return self.domain.split(":", 1)[1]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t.words for t in self.triggers)

    def to_dict(self) -> dict[str, object]:
        return {
            "domain": self.domain,
            "words": [{"start": t.start, "end": t.end, "text": t.words} for t in self.triggers],
        }


@dataclass(frozen=True, slots=True)
class _Term:
    domains: tuple[str, ...]
    weight: int


@cache
def _lexicons() -> dict[str, tuple[Lexicon, dict[str, _Term]]]:
    """One compiled list per framework (``lexicons/domains_adult.tsv``, ``domains_child.tsv``)."""
    found = {}
    for framework in FRAMEWORKS:
        name = f"{LEXICON}_{framework}"
        entries: list[Entry] = []
        terms: dict[str, _Term] = {}
        for term, fields in rows(name):
            if len(fields) < 3 or not fields[2].strip():
                raise ValueError(f"{name}.tsv: {term!r} needs domains, a weight and a reason")
            domains, weight = tuple(fields[0].split()), int(fields[1])
            if weight not in (1, CLEAR) or not domains:
                raise ValueError(f"{name}.tsv: {term!r} needs domains and a weight of 1 or 2")
            if any(d.split(":", 1)[0] != framework for d in domains):
                raise ValueError(f"{name}.tsv: {term!r} names a domain of another framework")
            if term in terms:
                raise ValueError(f"{name}.tsv: {term!r} is listed twice")
            source = term_to_regex(term)
            entries.append(Entry(term, fields, source, re.compile(source)))
            terms[term] = _Term(domains, weight)
        found[framework] = (Lexicon(name, entries), terms)
    return found


def domain_words() -> dict[str, tuple[str, ...]]:
    """Every domain the list can suggest, with its terms (for tests and the README)."""
    found: dict[str, list[str]] = {}
    for _lexicon, terms in _lexicons().values():
        for term, info in terms.items():
            for domain in info.domains:
                found.setdefault(domain, []).append(term)
    return {d: tuple(ts) for d, ts in sorted(found.items())}


def suggest_domains(
    text: str, *, framework: str | None = None, limit: int = 2
) -> tuple[DomainSuggestion, ...]:
    """At most ``limit`` domains the words of ``text`` clearly point to, heaviest first, or
    none. ``framework``: "adult", "child" or None (both)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    if framework is not None and framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS} or None, not {framework!r}")
    clean = normalise(text[:MAX_TEXT])
    starts = word_starts(clean, tokenise(clean))
    weights: dict[str, int] = {}
    triggers: dict[str, list[Trigger]] = {}
    seen: set[tuple[str, str]] = set()
    for name in FRAMEWORKS if framework is None else (framework,):
        lexicon, terms = _lexicons()[name]
        for start, end, entry in lexicon.scan(clean, starts):
            info = terms[entry.term]
            for domain in info.domains:
                triggers.setdefault(domain, []).append(Trigger(start, end, text[start:end]))
                if (domain, entry.term) not in seen:  # a term counts once
                    seen.add((domain, entry.term))
                    weights[domain] = weights.get(domain, 0) + info.weight
    clear = sorted((d for d, w in weights.items() if w >= CLEAR), key=lambda d: (-weights[d], d))
    if not clear:
        return ()
    top = weights[clear[0]]
    kept = [d for d in clear if weights[d] >= top - 1]
    if len(kept) > limit:
        return ()  # the words point too many ways: better to say nothing
    return tuple(DomainSuggestion(d, weights[d], tuple(triggers[d])) for d in kept)
