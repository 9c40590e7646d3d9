"""Patterns that generalise beyond word lists (issue 18).

Every word here is matched by its lemmas (``_lemmas``), so "attend",
"attends", "attending" and "attended" are one word, and so are "child" and
"children". The patterns are:

* **Activity as outcome**: going to, joining, taking part in or using a
  service, group, session or programme, with no change in the person's life
  stated ("attend a drop-in", "join a lunch club", "participate in a daily
  group session"). With a purpose ("join a club *to make friends*") the
  activity is only the how.
* **Organisational voice**: a group of people as the subject ("Youth shall...",
  "Children engage..."), and a service's aim ("increase community
  participation", "Support independence").
* **Clinical goals**: a body-function measure (range of motion, flexion,
  balance, "stand for two minutes") with nothing in the person's life that it
  is for.
* **Vague verbs outside the list**: "improve my writing", "develop skills"
  (something will get better, nothing you could see) and "get out more",
  "enjoy things more" (a comparison with nothing to count).
* **Who the statement is about**, so that suggestions can use the person's
  name and pronoun.

Every flag keeps a span (the words that triggered it) and a suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _lexicon as lx
from ._lemmas import is_a, is_plural_noun, lemmas
from ._rules import (
    BASELINE_RE,
    CONCRETE_NOUNS,
    CONCRETE_VERB_FORMS,
    CONSTRUCTION_RE,
    DIGITS_RE,
    FIRST_PERSON,
    NEGATORS,
    PHRASAL_VERB_RE,
    QUANTITY_RE,
    TITLES,
    Hit,
    Reading,
    Token,
)

CLINICAL = lx.load("clinical")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --------------------------------------------------------------------------- word classes (lemmas)

ACTIVITY_VERBS = _set("attend join participate engage access enrol enroll use obtain")
GO_VERBS = _set("go come")
# Named provisions: going to one is a solution as well as service wording.
SERVICE_ACTIVITY_NOUNS = _set(
    """group session programme program centre center drop-in club playgroup scheme project hub
    clinic therapy intervention"""
)
# Generic service words: service wording, but they name no particular provision.
GENERIC_SERVICE_NOUNS = _set("service provision activity support appointment opportunity")
WEAK_NOUNS = _set("group club activity")
ANY_SERVICE_NOUN = SERVICE_ACTIVITY_NOUNS | GENERIC_SERVICE_NOUNS
LEISURE_BEFORE_NOUN = _set(
    """book bowling football golf walking hiking running cycling swimming chess drama art music
    singing choir gardening knitting fishing yoga dance dancing pilates gymnastics"""
)
# Places and classes someone is sent to (issue 18, round 6): "use the gym", "attend an
# exercise class". A class needs a name in front ("a falls prevention class"); a bare
# "class" is the school class. The gym names no particular provision, so going there
# is service wording but not a solution.
CLASS_NOUN = "class"
GYM_NOUN = "gym"
# Education places: enrolling in a college programme or a degree course is a goal in
# a transition plan, not a service offered as the outcome (issue 18, round 3).
EDUCATION_WORDS = _set(
    """college university uni degree diploma certificate apprenticeship academy sixth-form
    vocational"""
)
# A class activity measured as the person's own skill ("participate in whole group
# discussions for 5 minutes"), not a service offered as the outcome (issue 18, round 3).
SCHOOL_ACTIVITY_WORDS = _set(
    """class classroom lesson lessons whole partner peer peers circle calming discussion
    discussions"""
)
# "group" before one of these names how the person's own activity is done, not a
# group run by a service (issue 18, round 4): "join in group play".
GROUP_ACTIVITY_WORDS = frozenset("play game games work discussion discussions task tasks".split())
# "a group activity" is the person's own skill only when what follows measures it
# ("participate in a group activity ... at a level of 80% independence");
# "take part in group activities" alone is still activity as outcome.
SKILL_MEASURE_RE = re.compile(r"\d+\s*%|\d+\s*(?:/|out\s+of)\s*\d+|\bconsecutive\b", re.IGNORECASE)
RETURN_CUES = _set(
    """again back old usual still continue keep stay remain return rejoin re-join re-joining
    rejoining regular"""
)
PURPOSE_WORDS = _set("to so because in for which where")
POPULATION_NOUNS = _set(
    """youth child student resident people participant individual family client patient pupil
    learner adult user customer tenant member citizen carer parent person"""
)
SUBJECT_DETERMINERS = _set("all the our local these many more most some young older disabled")
# A school year in front of the group ("Grade 4 students", "Year 9 pupils", "P7 pupils")
# names which group, not one person (issue 18, round 7).
SCHOOL_YEAR_WORDS = frozenset({"grade", "year", "stage", "primary", "secondary", "form", "p", "s"})
# "70 percent of ...", "80% of ...": a share of a group does not count against the
# subject's four words.
SHARE_WORDS = frozenset({"percent", "per", "cent"})
ORG_AIM_VERBS = _set(
    """increase improve promote maximise maximize enhance foster boost strengthen support
    encourage enable facilitate develop build widen"""
)
ORG_AIM_NOUNS = _set(
    """participation engagement inclusion integration outcome access capacity cohesion opportunity
    involvement uptake"""
)
# Also a service's aim when the statement is an instruction: "Support independence."
IMPERATIVE_AIM_NOUNS = _set("independence wellbeing well-being resilience confidence health")
IMPERATIVE_ORG_VERBS = _set("support promote encourage enable facilitate maximise maximize foster")
POSSESSIVES = _set("my his her their your its our")
IMPROVE_VERBS = _set("improve develop enhance increase build boost strengthen")
IMPROVE_STOP = _set(
    """to by so in with through from within before until when while because and or at on for
    during after without which who"""
)
# After "improve <something>": "when speaking", "in talking", "while reading".
IMPROVE_SETTING = frozenset({"when", "while", "in"})
COMPARATIVES = _set("more better less worse")
VAGUE_HEADS = _set(
    "do enjoy socialise socialize cope mix communicate feel engage participate manage"
)
# "manage her money better", "enjoy my time more": the head's own object does not say what
# you would see either (issue 18, batch 15 tune sources); "do my shopping more often" names it.
OBJECT_HEADS = _set("manage enjoy communicate cope")
GET_GO = _set("get gets getting got go goes going went")
GET_OUT = re.compile(r"(?i)\b(?:get|gets|getting|got|go|goes|going|went)\s+(?:out|about|around)\b")
VAGUE_FILLERS = _set("things stuff it life out about around myself himself herself themselves")
LIFE_PURPOSE_RE = re.compile(
    r"(?i)\b(?:in\s+order\s+to|so\s+(?:that|as\s+to)|so(?=\s+(?:i|he|she|they|we)\b)|to\s+be\s+able\s+to"
    r"|to\s+(?:aid|help|enable|allow|improve\s+(?:the\s+)?(?:patient's|his|her|their|my)\s+ability))\b"
)


#: Message kinds whose wording uses the person's name or pronoun.
PERSON_KINDS = frozenset({"activity", "clinical", "improve", "org_aim"})


@dataclass(frozen=True, slots=True)
class Person:
    """Who the statement is about, for suggestions."""

    who: str  # "Ellie", "you", "the person"
    they: str  # "she", "you", "they"
    their: str  # "her", "your", "their"
    first: bool  # written in the first person

    def values(self) -> dict[str, str]:
        return {
            "who": self.who,
            "Who": self.who[:1].upper() + self.who[1:],
            "they": self.they,
            "their": self.their,
            "goes": "go" if self.they in {"you", "they"} else "goes",
        }


_NOT_A_NAME = _set(
    """i to the a an by in on at for with from outcome goal aim and or when once after before
    this next every each during over within until given following using if support help ensure
    provide staff carers patient client student youth children pupils residents we our"""
)


def person(reading: Reading) -> Person:
    """The person the statement is about: "I", a name, or "the person"."""
    toks = reading.tokens
    if reading.first_person:
        return Person("you", "you", "your", True)
    pron = "they"
    for t in toks:
        if t.lower in {"she", "her", "herself"}:
            pron = "she"
            break
        if t.lower in {"he", "him", "his", "himself"}:
            pron = "he"
            break
    their = {"she": "her", "he": "his"}.get(pron, "their")
    for i, t in enumerate(toks[:12]):
        word = t.text
        if (
            len(word) > 1
            and word[0].isupper()
            and word[1:].replace("'s", "").islower()
            and t.lower not in _NOT_A_NAME
            and t.lower.replace("'s", "") not in _NOT_A_NAME
            and not (i > 0 and toks[i - 1].lower in TITLES)
            and word.isalpha()
        ):
            nxt = toks[i + 1].lower if i + 1 < len(toks) else ""
            if nxt in {"will", "wants", "would", "to", "is", "can", "has", "needs", "likes", "and"}:
                return Person(word, pron, their, False)
        if i > 0 and toks[i - 1].lower in TITLES and word[:1].isupper():
            return Person(f"{toks[i - 1].text} {word}", pron, their, False)
    return Person("the person", pron, their, False)


# --------------------------------------------------------------------------- helpers


def _clause_of(reading: Reading, pos: int) -> tuple[int, int]:
    for c in reading.clauses:
        if c.start <= pos < c.end:
            return c.start, c.end
    return 0, len(reading.text)


def _index_of(reading: Reading, pos: int) -> int:
    for i, t in enumerate(reading.tokens):
        if t.start == pos:
            return i
    return -1


def _is_context(reading: Reading, pos: int) -> bool:
    return not reading.core.contains(pos)


# --------------------------------------------------------------------------- activity as outcome


def token_lemmas(reading: Reading) -> list[frozenset[str]]:
    """The lemmas of every token, looked up once per statement."""
    return [lemmas(t.lower) for t in reading.tokens]


ALL_TRIGGERS = ACTIVITY_VERBS | GO_VERBS | {"take"}


def _group_names_the_activity(
    reading: Reading, toks: list[Token], lems: list[frozenset[str]], at: int
) -> bool:
    if at + 1 >= len(toks) or "group" not in lems[at]:
        return False
    following = toks[at + 1].lower
    if following in GROUP_ACTIVITY_WORDS:
        return True
    if following in {"activity", "activities"}:
        return bool(SKILL_MEASURE_RE.search(reading.text, toks[at].start))
    return False


def find_activity(reading: Reading, lems: list[frozenset[str]]) -> list[Hit]:
    """Going to / joining / taking part in / using a service, with no change stated."""
    hits: list[Hit] = []
    toks = reading.tokens
    n = len(toks)
    for i, tok in enumerate(toks):
        lem = lems[i]
        if lem.isdisjoint(ALL_TRIGGERS):
            continue
        verb_end = i
        if lem & ACTIVITY_VERBS:
            pass
        elif lem & {"take"} and i + 1 < n and toks[i + 1].lower == "part":
            verb_end = i + 1
        elif lem & GO_VERBS and i + 1 < n and toks[i + 1].lower in {"to", "along"}:
            verb_end = i + 1 if toks[i + 1].lower == "to" else i + 2
        else:
            continue
        if _is_context(reading, tok.start):
            continue
        if tok.lower.endswith("ing") and reading.text[: tok.start].rstrip().endswith(","):
            continue  # ", going to two groups a month": how you would see it, not the outcome
        if _purpose_infinitive(toks, i):
            continue  # "more energy to take part in activities": the change is the energy
        # the service noun, within a few words ("attend a weekly social group")
        noun_at = -1
        for j in range(verb_end + 1, min(n, verb_end + 8)):
            low = toks[j].lower
            if low in {"to", "so", "because", "and", "but", "with", "by"} and j > verb_end + 1:
                break
            if low in {"before", "after", "during"}:  # "use the toilet before therapy"
                break
            if CLASS_NOUN in lems[j] or GYM_NOUN in lems[j]:
                noun_at = j
                break
            if not lems[j].isdisjoint(ANY_SERVICE_NOUN):
                noun_at = j
                if (
                    j + 1 < n
                    and lems[j] & GENERIC_SERVICE_NOUNS
                    and lems[j + 1] & SERVICE_ACTIVITY_NOUNS
                ):
                    noun_at = j + 1  # "a support group": the group is the provision
                break
        if noun_at < 0:
            continue
        noun_lemmas = lems[noun_at]
        between = {t.lower for t in toks[verb_end + 1 : noun_at]}
        place = CLASS_NOUN in noun_lemmas or GYM_NOUN in noun_lemmas
        if place and not _place_is_the_outcome(reading, tok.start, between, noun_lemmas):
            continue
        generic = not noun_lemmas & SERVICE_ACTIVITY_NOUNS and CLASS_NOUN not in noun_lemmas
        if generic and lem & {"engage", "access", "attend"} and not place:
            continue  # "engage with services", "attend appointments": worded elsewhere
        # A class is named by the words before it; only what follows can make it school work.
        after_noun = noun_at + 1 if CLASS_NOUN in noun_lemmas else noun_at
        around = between | {t.lower for t in toks[after_noun : min(n, noun_at + 2)]}
        if _group_names_the_activity(reading, toks, lems, noun_at):
            continue  # "joining group play", "a group activity ... 80% of the time"
        if around & SCHOOL_ACTIVITY_WORDS:
            continue  # "take part in class activities": a skill in the classroom
        if between & EDUCATION_WORDS or _class_at_a_place_to_learn(toks, lems, noun_at):
            continue  # "enroll in a community college program": a place to learn, not a service
        if between & LEISURE_BEFORE_NOUN or (noun_lemmas & WEAK_NOUNS and between & POSSESSIVES):
            continue  # "join a walking group", "go to my book group": the activity itself
        c_start, c_end = _clause_of(reading, tok.start)
        clause_toks = [t for t in toks if c_start <= t.start < c_end]
        clause_lemmas: set[str] = set()
        for k, t in enumerate(toks):
            if c_start <= t.start < c_end:
                clause_lemmas |= lems[k]
        if clause_lemmas & RETURN_CUES or re.search(r"(?i)\bre-?join", reading.text[c_start:c_end]):
            continue  # getting back to something that is already part of their life
        if (
            reading.context_clauses
            or CONSTRUCTION_RE.search(reading.text, c_start, c_end)
            or _states_a_change(reading.text, c_start, c_end)
        ):
            continue  # the change is stated: "on my own, not with my mum like now"
        before = [t.lower for t in clause_toks if t.end <= tok.start][-4:]
        if any(w in NEGATORS for w in before):
            continue
        after = [t for t in clause_toks if t.start > toks[noun_at].end]
        purpose = any(
            t.lower in PURPOSE_WORDS
            and (t.lower != "to" or (k + 1 < len(after) and after[k + 1].lower not in {"the", "a"}))
            for k, t in enumerate(after[:8])
        )
        start, end = tok.start, toks[noun_at].end
        words = reading.text[start:end]
        values = {"m": words, "noun": toks[noun_at].text}
        if not generic:
            hits.append(Hit("solution_embedded", "activity", start, end, values))
        if not purpose or generic:
            hits.append(Hit("service_language", "activity", start, end, values))
    return hits


# Starting-point cues that only say the person cannot do it yet ("be able to",
# "learn to", "start"): they state no change in the person's life, so "being able
# to join a lunch club" is still a service offered as the outcome (issue 18, round 3).
_WEAK_BASELINE_RE = re.compile(r"(?i)^(?:able\s+to|learn\w*\s+(?:to|how)|start\w*|begin\w*)$")


_NOT_A_CLASS_NAME = frozenset({"a", "an", "the", "my", "his", "her", "their", "in", "to", "at"})


def _place_is_the_outcome(
    reading: Reading, start: int, between: set[str], noun_lemmas: frozenset[str]
) -> bool:
    """A named class or the gym, not inside a "by going to..." stretch (that is the how)."""
    if any(s <= start < e for s, e in reading.means):
        return False
    if CLASS_NOUN in noun_lemmas:
        return bool(between - _NOT_A_CLASS_NAME - POSSESSIVES)
    return True


def _class_at_a_place_to_learn(toks: list[Token], lems: list[frozenset[str]], noun_at: int) -> bool:
    """ "classes ... at Bronx Community College": a course where the person studies (round 8)."""
    if CLASS_NOUN not in lems[noun_at] and "course" not in lems[noun_at]:
        return False
    for j in range(noun_at + 1, min(len(toks), noun_at + 12)):
        if toks[j].lower in {"to", "so", "because", "but", "with", "by"}:
            return False
        if lems[j] & EDUCATION_WORDS:
            return True
    return False


def _states_a_change(text: str, start: int, end: int) -> bool:
    return any(
        not _WEAK_BASELINE_RE.match(m.group().strip())
        for m in BASELINE_RE.finditer(text, start, end)
    )


# Words after which "to <verb>" is the outcome itself ("want to join a club"),
# not the purpose of another change ("increase energy level to participate").
WANTING = _set(
    """want wants wanted wanting like likes love loves hope hopes hoping wish wishes aim aims
    able going need needs plan plans try tries trying continue continues start starts begin
    begins learn learns 'd would agree agrees choose chooses decide decides prefer prefers
    goal is are will be"""
)


def _purpose_infinitive(toks: list[Token], i: int) -> bool:
    """``toks[i]`` is "to <verb>" after something that is not a wish: a purpose clause."""
    if i < 2 or toks[i - 1].lower != "to":
        return False
    before = toks[i - 2]
    return before.lower not in WANTING and before.text[:1].islower()


# --------------------------------------------------------------------------- organisational voice


def _subject_start(reading: Reading, c_start: int, c_end: int) -> list[Token]:
    toks = [t for t in reading.tokens if c_start <= t.start and t.end <= c_end]
    if toks and toks[0].lower in {
        "by",
        "within",
        "in",
        "if",
        "when",
        "over",
        "after",
        "during",
        "upon",
        "given",
        "following",
        "using",
    }:
        comma = reading.text.find(",", toks[0].end, c_end)
        # "By April 10, 2011, ...": the year is still part of the date
        year = re.match(r",\s*\d{4}\s*,", reading.text[comma:c_end]) if comma != -1 else None
        if year:
            comma += year.end() - 1
        if comma != -1:
            toks = [t for t in toks if t.start > comma]
    return toks


def find_population_subject(reading: Reading, lems: list[frozenset[str]]) -> list[Hit]:
    """A group of people as the subject: "Youth shall...", "Children engage...", "Residents will"."""
    hits: list[Hit] = []
    if all(lem.isdisjoint(POPULATION_NOUNS) for lem in lems):
        return hits
    for clause in reading.clauses:
        if clause in reading.context_clauses:
            continue
        toks = _subject_start(reading, clause.start, clause.end)
        if len(toks) < 2:
            continue
        # up to four words of subject, ending in a plural population noun
        limit = 4
        if toks[0].lower.isdigit():
            j = 1
            while j < len(toks) and toks[j].lower in SHARE_WORDS:
                j += 1
            if j < len(toks) and toks[j].lower == "of":
                limit += j + 1
        head = -1
        for k in range(min(limit, len(toks) - 1)):
            low = toks[k].lower
            if low in POSSESSIVES - {"our"} or low in FIRST_PERSON:
                break
            if low.isdigit() and k > 0 and toks[k - 1].lower in SCHOOL_YEAR_WORDS:
                continue
            if is_a(low, POPULATION_NOUNS) and is_plural_noun(low):
                head = k
                # "Children and families ..."
                if k + 2 < len(toks) and toks[k + 1].lower == "and":
                    if is_a(toks[k + 2].lower, POPULATION_NOUNS):
                        head = k + 2
                break
            if not (
                low in SUBJECT_DETERMINERS or low.isalpha() and toks[k].text.islower() or k == 0
            ):
                break
        if head < 0 or head + 1 >= len(toks):
            continue
        nxt = toks[head + 1]
        verbish = nxt.lower in {
            "will",
            "shall",
            "should",
            "must",
            "can",
            "are",
            "have",
            "to",
            "would",
            "may",
            "with",
            "who",
            "actively",
            "feel",
            "say",
        } or (
            nxt.lower.isalpha()
            and "VERB" in _pos(nxt.lower)
            and nxt.lower == _verb_lemma(nxt.lower)
        )
        if not verbish:
            continue
        s, e = toks[0].start, toks[head].end
        hits.append(Hit("not_person_centred", "population", s, e, {"m": reading.text[s:e]}))
    return hits


def _pos(word: str) -> set[str]:
    from lemminflect import getAllLemmas

    return set(getAllLemmas(word))


def _verb_lemma(word: str) -> str:
    from lemminflect import getAllLemmas

    options = getAllLemmas(word).get("VERB", ())
    return options[0] if options else ""


def find_org_aim(reading: Reading, lems: list[frozenset[str]]) -> list[Hit]:
    """A service's aim: "increase community participation", "Support independence"."""
    hits: list[Hit] = []
    toks = reading.tokens
    n = len(toks)
    for i, tok in enumerate(toks):
        if lems[i].isdisjoint(ORG_AIM_VERBS) or _is_context(reading, tok.start):
            continue
        noun_at = -1
        for j in range(i + 1, min(n, i + 4)):
            low = toks[j].lower
            if low in POSSESSIVES or low in FIRST_PERSON or low in {"him", "her", "them", "me"}:
                break
            if not lems[j].isdisjoint(ORG_AIM_NOUNS | IMPERATIVE_AIM_NOUNS):
                noun_at = j
                break
        if noun_at < 0:
            continue
        c_start, _c_end = _clause_of(reading, tok.start)
        clause_first = next((t for t in toks if t.start >= c_start), tok)
        imperative = (
            clause_first is tok and tok.text[:1].isupper() and is_a(tok.lower, IMPERATIVE_ORG_VERBS)
        )
        if not imperative and not is_a(toks[noun_at].lower, ORG_AIM_NOUNS):
            continue
        s, e = tok.start, toks[noun_at].end
        values = {"m": reading.text[s:e], "noun": toks[noun_at].text}
        hits.append(Hit("service_language", "org_aim", s, e, values))
        if imperative:
            hits.append(Hit("not_person_centred", "instruction", s, e, {"m": reading.text[s:e]}))
    return hits


# --------------------------------------------------------------------------- clinical goals


# Every clinical.tsv entry contains one of these (tests/test_checker_patterns.py checks),
# so a statement without any of them need not be scanned.
CLINICAL_NEEDLES = (
    "motion",
    "rom",
    "flex",
    "abduct",
    "adduct",
    "rotation",
    "extensor",
    "degree",
    "°",
    "strength",
    "tone",
    "pain",
    "/5",
    "mmt",
    "postural",
    "balance",
    "gait",
    "ambulat",
    "stand",
    "sit",
    "weight",
    "motor",
    "grasp",
    "coordination",
    "midline",
    "language",
    "pragmatic",
    "utter",
    "articul",
    "hygiene",
    "doff",
    "compensatory",
    "adaptive",
    "assist",
    "cue",
    "cueing",
    "prompt",
)


_NEEDLE_RE = re.compile("|".join(re.escape(n) for n in CLINICAL_NEEDLES))


def clinical_hits(reading: Reading) -> list[tuple[int, int, lx.Entry]]:
    if _NEEDLE_RE.search(reading.lower) is None:
        return []
    return CLINICAL.scan(reading.text, reading.starts)


def find_clinical(reading: Reading, found: list[tuple[int, int, lx.Entry]]) -> list[Hit]:
    """Body-function measures with nothing in the person's life they are for."""
    if not found:
        return []
    hits: list[Hit] = []
    text = reading.text
    for s, e, entry in found:
        if entry.field(1) == "yes":
            hits.append(
                Hit(
                    "jargon",
                    "term",
                    s,
                    e,
                    {"m": text[s:e], "reason": entry.field(0), "plain": entry.field(2)},
                )
            )
    in_outcome = [(s, e) for s, e, _ in found if reading.outcome.contains(s)]
    if not in_outcome or LIFE_PURPOSE_RE.search(text):
        return hits
    covered = [(s, e) for s, e, _ in found] + [(a, b) for a, b in reading.time_spans.ranges()]

    def outside(pos: int) -> bool:
        return not any(a <= pos < b for a, b in covered)

    for tok in reading.tokens:
        if tok.lower in CONCRETE_VERB_FORMS and outside(tok.start):
            return hits
    for regex in (PHRASAL_VERB_RE, CONSTRUCTION_RE):
        for m in regex.finditer(text):
            if outside(m.start()):
                return hits
    for s, _e, _entry in CONCRETE_NOUNS.scan(text, reading.starts):
        if outside(s):
            return hits
    s, e = in_outcome[0]
    hits.append(Hit("not_person_centred", "clinical", s, e, {"m": text[s:e]}))
    return hits


# --------------------------------------------------------------------------- vague verbs


def improve_spans(reading: Reading, lems: list[frozenset[str]]) -> list[tuple[int, int]]:
    """ "improve my writing", "develop his skills", "increase her confidence"."""
    spans: list[tuple[int, int]] = []
    toks = reading.tokens
    n = len(toks)
    for i, tok in enumerate(toks):
        if lems[i].isdisjoint(IMPROVE_VERBS) or tok.lower.endswith("ed"):
            continue
        end = tok.end
        j = i + 1
        while j < n and j <= i + 5:
            t = toks[j]
            if _joins_a_gerund(toks, j):
                end = t.end  # "improve reading comprehension and writing skills": one object
                j += 1
                continue
            if t.lower in IMPROVE_STOP or reading.text[end : t.start].strip(" ") not in {"", "'"}:
                break
            end = t.end
            j += 1
        if end == tok.end:
            continue
        # "improve intelligibility when speaking", "improve confidence in talking": the
        # activity says where the improvement is wanted, not something you would see.
        if (
            j + 1 < n
            and toks[j].lower in IMPROVE_SETTING
            and toks[j + 1].lower.endswith("ing")
            and reading.text[end : toks[j].start].strip(" ") == ""
        ):
            end = toks[j + 1].end
        if DIGITS_RE.search(reading.text, tok.start, end) or QUANTITY_RE.search(
            reading.text, tok.start, end
        ):
            continue
        spans.append((tok.start, end))
    return spans


def _joins_a_gerund(toks: list[Token], j: int) -> bool:
    """``toks[j]`` is "and"/"or" followed by a gerund, inside the object of "improve"."""
    return (
        toks[j].lower in {"and", "or"}
        and j + 1 < len(toks)
        and toks[j + 1].lower.endswith("ing")
        and len(toks[j + 1].lower) > 5
    )


def find_vague_verbs(
    reading: Reading,
    evidence_found: bool,
    spans: list[tuple[int, int]],
    listed: list[Hit],
) -> list[Hit]:
    """Vague wording outside the vague list, when nothing else says what you would see.

    ``listed`` are the vague words already found from the list; a pattern that
    overlaps one of them adds nothing.
    """
    hits = _vague_verbs(reading, evidence_found, spans)
    single_verbs = [
        v for v in listed if not lemmas(v.values.get("m", "").lower()).isdisjoint(IMPROVE_VERBS)
    ]
    others = [v for v in listed if v not in single_verbs]
    return [h for h in hits if not any(h.start < v.end and v.start < h.end for v in others)]


def prefer_phrases(listed: list[Hit], patterned: list[Hit]) -> list[Hit]:
    """A listed word like "improve" gives way to the whole phrase ("improve my writing")."""
    kept = [
        v
        for v in listed
        if not any(p.kind == "improve" and p.start <= v.start and v.end <= p.end for p in patterned)
    ]
    return kept + patterned


def _vague_verbs(reading: Reading, evidence_found: bool, spans: list[tuple[int, int]]) -> list[Hit]:
    text = reading.text
    hits: list[Hit] = []
    if not evidence_found:
        for s, e in spans:
            if reading.outcome.contains(s):
                hits.append(Hit("vague", "improve", s, e, {"m": text[s:e]}))
                break
    toks = reading.tokens
    n = len(toks)
    if not any(t.lower in COMPARATIVES for t in toks):
        toks = []
    for i, tok in enumerate(toks):
        head_end = -1
        if tok.lower in GET_GO:
            m = GET_OUT.match(text, tok.start)
            if m is not None:
                head_end = m.end()
        if head_end < 0 and is_a(tok.lower, VAGUE_HEADS):
            head_end = tok.end
        if head_end < 0 or not reading.outcome.contains(tok.start):
            continue
        j = i + 1
        while j < n and toks[j].start < head_end:
            j += 1
        k = j
        while k < n and k <= j + 2 and toks[k].lower in VAGUE_FILLERS:
            k += 1
        if (
            k == j
            and k + 2 < n
            and is_a(tok.lower, OBJECT_HEADS)
            and toks[k].lower in POSSESSIVES
            and toks[k + 1].lower.isalpha()
        ):
            k += 2
        if k < n and toks[k].lower in COMPARATIVES:
            after = toks[k + 1].lower if k + 1 < n else ""
            if after == "than":
                continue
            hits.append(
                Hit(
                    "vague",
                    "comparative",
                    tok.start,
                    toks[k].end,
                    {"m": text[tok.start : toks[k].end]},
                )
            )
    if hits and (DIGITS_RE.search(text) or QUANTITY_RE.search(text)):
        return []  # a count or frequency elsewhere says what you would see
    return hits
