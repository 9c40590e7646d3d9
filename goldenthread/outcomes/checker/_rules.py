"""The rules of the outcome checker.

How a statement is read
=======================

1. The text is normalised without changing its length (curly quotes,
   dashes, control characters), so every span found points into the text
   the practitioner typed.
2. It is split into clauses (sentences, semicolons, "but", " - ").
   A clause that only describes the present ("At the moment I can't...",
   "He has been...", "Currently receives...") is *context*: it can give
   the starting point, but service words in it are not the outcome.
3. Inside the other clauses, some stretches are also context: "so that...",
   "because...", "without...", "instead of...", "which...", "who...".
   A service named there ("so I don't have to wait for the carers") is the
   reason for the outcome, not a solution embedded in it.
4. "How" phrases ("by attending...", "through...", "via...", "with the help
   of...") are solutions. They are also left out when looking for
   something observable, because "be less lonely by going to a lunch club"
   still says nothing you could see about loneliness.

Then each code has its own test (see the ``_find_*`` functions). The word
lists are in ``lexicons/``; the grammar is here.
"""

from __future__ import annotations

import itertools
import re
import string
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from . import _lexicon as lx
from ._lemmas import is_english_word, lemmas
from ._messages import PROVISION_KIND_WORDS, render
from ._model import CODES, Flag
from ._text import (
    Span,
    SpanSet,
    Token,
    at_word_start,
    letters_profile,
    normalise,
    sentences,
    tokenise,
    word_starts,
)

# --------------------------------------------------------------------------- lexicons

JARGON = lx.load("jargon")
DEPERSONALISING = lx.load("depersonalising")
STAFF = lx.load("staff_subjects")
SERVICE_SUBJECTS = lx.load("service_subjects")
SERVICE_PHRASES = lx.load("service_phrases")
PROVISION = lx.load("provision")
VAGUE = lx.load("vague")
CONCRETE_NOUNS = lx.load("concrete_nouns")
TIME_EVENTS = lx.load("time_events")
PAST_EVENTS = lx.load("past_events")
PLAIN_ACRONYMS = frozenset(term for term, _ in lx.rows("plain_acronyms"))


def _inflect(base: str) -> set[str]:
    """Regular English forms of a verb (a superset is harmless)."""
    if " " in base:
        head, rest = base.split(" ", 1)
        return {f"{form} {rest}" for form in _inflect(head)}
    forms = {base}
    if base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and len(base) > 1 and base[-2] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
        if re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", base):
            forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms


def _verb_forms() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    forms: set[str] = set()
    for term, fields in lx.rows("concrete_verbs"):
        forms |= _inflect(term)
        if len(fields) > 1 and fields[1]:
            forms |= set(fields[1].split(" ")) if " " not in term else _phrasal(fields[1])
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    alternation = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in ordered)
    # A verb does not show anything observable when its object is abstract:
    # "make progress", "take control", "get better", "reach her potential".
    not_after = (
        r"(?!\s+(?:(?:\w+\s+)?progress|(?:an?\s+)?improvements?|changes?\b(?!\s+from)|a\s+difference"
        r"|sure\b|the\s+most|control|charge|responsibility|part\b|it\s+easy|things\s+slowly"
        r"|better|well\b|worse|fit\b|fitter|support\b|help\b|more\s+support|services"
        r"|on\s+with|to\s+terms|forward|(?:my|his|her|their)\s+(?:full\s+)?potential"
        r"|full\s+potential|a\s+(?:good|full|fulfilled|better|normal|happy)\s+life"
        r"|use\s+of|on\s+(?:my|his|her|their)\s+(?:confidence|self|wellbeing)))"
    )
    del alternation
    phrasal = sorted((f for f in forms if " " in f), key=lambda f: (-len(f), f))
    phrasal_alt = _by_first_letter([re.escape(f).replace(r"\ ", r"\s+") for f in phrasal])
    regex = re.compile(rf"(?<![\w'-])(?:{phrasal_alt})(?![\w'-]){not_after}", re.IGNORECASE)
    # "Following the review," is a preposition far more often than an action.
    single = frozenset(f for f in forms if " " not in f) - {"following"}
    return single, regex, re.compile(not_after, re.IGNORECASE)


def _by_first_letter(alternatives: list[str]) -> str:
    """``"|".join(alternatives)``, with the alternatives that start with the same
    letter gathered under it: "s(?:tay\\s+over|it\\s+down)|g(?:et\\s+up)".

    In a regex that ignores case it matches exactly what the plain alternation
    matches (two alternatives that start with different letters never match at
    the same place, and the order within a letter is kept), but at each place
    the engine tries one branch per letter instead of every phrase (issue 18, speed).
    """
    if not all(a[:1] in string.ascii_lowercase for a in alternatives):
        return "|".join(alternatives)
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


def _phrasal(irregular: str) -> set[str]:
    # "stays over stayed over staying over" -> {"stays over", ...}
    words = irregular.split(" ")
    return {" ".join(words[i : i + 2]) for i in range(0, len(words) - 1, 2)}


CONCRETE_VERB_FORMS, PHRASAL_VERB_RE, NOT_CONCRETE_AFTER_RE = _verb_forms()

# --------------------------------------------------------------------------- word classes


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NUMWORD = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty"
    r"|hundred|thousand|dozen|half|a\s+couple\s+of|several)"
)
MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
SEASON = r"(?:spring|summer|autumn|winter)"
DAYNAME = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
TIME_UNIT = (
    r"(?:minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|fortnights?|months?|years?|terms?"
    r"|mornings?|afternoons?|evenings?|weekends?|times?|sessions?|lessons?)"
)
PERIOD = (
    r"(?:week|month|year|term|fortnight|school\s+year|season|summer|spring|autumn|winter"
    r"|holidays?|weekend|financial\s+year|academic\s+year|session)"
)
NUM = rf"(?:\d+|{NUMWORD}|a|an|one|a\s+few|a\s+couple\s+of)"
# "4-6 months", "3 to 6 weeks": a range of periods ends the same way as one number.
RANGE_END = rf"(?:\s*(?:-|\u2013|to)\s*(?:\d+|{NUMWORD}))?"

PRONOUNS = _words("i he she they we you it")
FIRST_PERSON = _words("i me my mine myself")
FAMILY = _words("""mum mother mam dad father husband wife partner son daughter brother sister gran
    granny gran's grandma grandmother grandad grandpa grandfather grandson granddaughter
    grandchildren grandchild grandkids aunt uncle cousin niece nephew friend friends neighbour
    neighbours family parents parent kids children mum's dad's husband's wife's son's
    daughter's brother's sister's friend's""")
NEGATORS = _words("""without no not less fewer instead rather stop stopping stopped reduce reducing cut
    wait waiting leave leaving out than never don't doesn't won't avoid avoiding prevent
    preventing""")
SUBJECT_MARKERS = _words("""will would shall should must can could may might to wants want wanted needs need is
    are was were has have had continues continue likes hopes aims requires require presents
    gets goes does do did wishes plans am supports provides ensures helps prompts monitors
    encourages assists visits arranges gives takes delivers offers reminds administers
    supervises checks""")
SUBJECT_STOP = _words("""until with by for in on at to from through via when while if because so that which
    who be been being not without after before during than as like""")
PROVISION_VERBS = _words("""support help assist ensure provide prompt monitor encourage arrange remind administer
    supervise give take visit check facilitate enable offer refer deliver work liaise review
    assess shower wash dress feed escort accompany transport manage attend""")
ALWAYS_TASK = _words("""ensure provide facilitate administer monitor supervise prompt signpost liaise refer
    deliver arrange coordinate co-ordinate observe assess reassess review""")
OBJECT_TASK = _words("""support assist help encourage enable promote maintain improve increase reduce develop
    maximise maximize enhance manage remind take give offer check keep teach work build
    minimise minimize""")
AUX_SKIP = _words("""be to will continue continues also always then need needs have has been being
    regularly daily still now further""")
LEADING_ADVERBIAL = _words("""by within in from at over after before when once if on during following using through
    with since currently now aged as next this until throughout via upon given""")
TO_VERBS = _words("be make see help feel have get meet reduce improve increase give keep stay")
HAVE_WORDS = _words("have has having get gets getting need needs require requires")
TITLES = _words("mr mrs ms miss dr mx")
SUBORDINATORS = _words("until when while if because so which who unless")
BY_ING_NOT_VERBS = _words(
    "morning evening spring nothing something anything everything thing ceiling king"
)
NOT_NAMES = _words("i outcome goal aim the a an to by in on at")
# After these a support/help word is a noun ("support worker"), not what the subject does.
NOT_VERB_AFTER = _words("""worker workers assistant assistants staff plan plans package team group
    needs services service network""")

# --------------------------------------------------------------------------- patterns

QUANTITY_RE = at_word_start(
    rf"""
      \b(?:once|twice|thrice)\b
    | \b{NUMWORD}\b
    | \bone\s+(?:{TIME_UNIT}|mile|other|more|whole|full)\b
    | \b(?:at\s+least|no\s+more\s+than|at\s+most|up\s+to|more\s+than|fewer\s+than|less\s+than)
        \s+(?:a|an|one|half|\d)
    | \b(?:every|each|per)\s+(?:other\s+)?(?:single\s+)?
        (?:{TIME_UNIT}|{DAYNAME}|school\s+day|home\s+game|meal(?:time)?s?|game|match)\b
    | \b(?:daily|nightly|weekly|fortnightly|monthly|yearly|annually|weekdays?|weekends)\b
    | \b(?:a|an|per)\s+(?:day|night|week|fortnight|month|year|term)\b
    | \b{DAYNAME}\b
    | \b(?:most|all|some)\s+(?:days|nights|mornings|afternoons|evenings|weeks|weekends
        |lessons|of\s+the\s+time)\b
    | \b(?:full|part)[\s-]?time\b
    | \b(?:all|the\s+whole|a\s+whole|through\s+the)\s+(?:day|night|week|school\s+day|lesson
        |morning)\b
    | \bo'clock\b
    | \b(?:half|quarter)\s+(?:a|an|of)\b
    | \bthe\s+number\s+of\b
    | \bscores?\b(?!\s+(?:a|an|the|goals?|points?|runs?)\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)
DIGITS_RE = re.compile(
    r"(?<![\w.])(?:£|\$|€)?\d+(?:[.,:]\d+)*(?:%|am|pm|x)?(?![\w])", re.IGNORECASE
)
NOT_COUNT_BEFORE_RE = re.compile(
    r"(?:year|yr|option|stage|level|page|room|bus|number|no|aged|age|p|s|flat|house|"
    r"ward|class|block|route)\s*$",
    re.IGNORECASE,
)
NOT_COUNT_AFTER_RE = re.compile(r"^\s*(?:-?\s*years?[\s-]+old|yo\b|y/o)", re.IGNORECASE)

CONSTRUCTION_RE = at_word_start(
    r"""
      \b(?:liv|stay|remain)(?:e|es|ed|ing|s)?\s+(?:\w+\s+)?
        (?:at|in|with|on\s+(?:my|his|her|their)\s+own|by\s+(?:my|him|her|them)sel(?:f|ves)
        |alone|independently|near|home|together|over)\b
    | \bmanag(?:e|es|ed|ing)\s+(?:(?:my|his|her|their|the|own)\s+){0,2}
        (?:money|bills|budget|finances|medication|tablets|stairs|steps|shopping|rent|meals)\b
    | \b(?:keep|keeps|keeping|kept|maintain\w*|sustain\w*|hold\s+down|holds\s+down)\s+
        (?:(?:my|his|her|their|the|a|current|own)\s+){0,2}
        (?:home|house|flat|garden|job|room|bedroom|tenancy|placement|dog|cat|car|allotment)\b
    | \b(?:back|again)\s+(?:at|to|in|into|on)\s+
        (?!normal\b|my\s+old\s+self|myself|himself|herself|full\s+health|health|how)
    | \b(?:on|by)\s+(?:my|his|her|their)\s+own\b
    | \bby\s+(?:my|him|her|them|our)sel(?:f|ves)\b
    | \b(?:independently|unaided|unassisted|without\s+(?:help|support|assistance|prompting
        |reminders?|being\s+reminded|stopping|a\s+break))\b
    | \bout\s+of\s+bed\b
    | \bhav(?:e|es|ing)\s+(?:(?:a|an|some|more|new|two|three|a\s+few|\d+)\s+)?friends?\b
    | \b(?:have|has|having|get|gets|getting|got)\s+(?:(?:a|an|the|my|his|her|their)\s+)?
        (?:[\w-]+\s+){1,3}(?:fitted|installed|put\s+in|built)\b
    | \b(?:get|gets|getting|got|go|goes|going|went|come|comes|coming|came|move|moving)\s+back\s+home\b
    | \b(?:get|gets|getting|got)\s+from\s+(?:[\w']+\s+){1,3}to\s+(?!be\b|do\b|feel\b)
    | \bdischarged\s+home\b
    | \blet\s+(?:\w+\s+){1,2}know\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

_EVENT_ALT = "|".join(e.source for e in TIME_EVENTS.entries)
TIME_RE = re.compile(
    rf"""
      \b(?:by|before|until|till|from|in|during|this|next|end\s+of|start\s+of|beginning\s+of
        |middle\s+of|mid|early|late|around)\s+(?:the\s+)?(?:early\s+|late\s+|mid[\s-]+)?
        {MONTH}\b
    | \b(?:by|before|until|till|in|during|this|next|over|from|for)\s+(?:the\s+)?
        (?:next\s+|coming\s+)?{SEASON}\b
    | \b(?:by|before|until|till|in\s+time\s+for|ahead\s+of|for|over|after|from|this|next|in)
        \s+(?:the\s+|this\s+|next\s+)?(?:{_EVENT_ALT})
    | \bat\s+(?=(?:my|his|her|their|our)\s)(?:{_EVENT_ALT})
    | \b(?:after|upon|on|following|before)\s+(?:(?:graduating|graduation|completion|completing
        |leaving|exiting|finishing)\s+(?:of\s+|from\s+)?)?(?:the\s+)?(?:(?:high|secondary|primary)
        \s+school|college|university)\b
    | \b(?:after|upon|on|following|before)\s+(?:leaving|exiting|finishing|completing)\s+school\b
    | \b(?:after|upon|on|following)\s+graduation\b
    | \b(?:for|before|by|after|until)\s+(?:my|his|her|their|the)\s+(?:transition|move)\s+(?:to|into|up\s+to)
        \s+(?:(?:the|a)\s+)?(?:(?:high|secondary|middle|junior|senior|primary|upper|big|new)\s+school
        |college|university|nursery|year\s+\d+|[ps]\d)\b
    | \b(?:by|before|on|at|upon|after|until)\s+(?:my\s+|his\s+|her\s+|their\s+|the\s+)?discharge\b
    | \b{NUM}\s+(?:days?|weeks?|wks?|months?|years?|yrs?)\s+(?:after|from|post)\s
    | \b(?:at|by|before|for)\s+(?:my|his|her|their|the)\s+(?:next\s+)?(?:annual\s+)?review\b
    | \bby\s+(?:the\s+)?(?:end|start|beginning|middle|close|time)\b
    | \bby\s+{DAYNAME}\b
    | \b(?:the\s+)?(?:end|start|beginning|middle|close)\s+of\s+
        (?:the\s+|this\s+|next\s+|my\s+|his\s+|her\s+|their\s+)?(?:new\s+|school\s+|summer\s+)?
        (?:{PERIOD}|{MONTH}|[ps]\d|year\s+\d+|key\s+stage\s+\d|ks\s*\d|primary|secondary
        |school|college|course|nursery|university)\b
    | \b(?:within|in|over|during)\s+(?:the\s+)?(?:next|coming|following)\s+(?:{NUM}{RANGE_END}\s+)?
        (?:days?|weeks?|fortnights?|months?|years?|terms?)\b
    | \b(?:within|in|over|during)\s+(?:the\s+)?{NUM}{RANGE_END}\s+(?:(?:academic|school|calendar)\s+)?
        (?:days?|weeks?|wks?|fortnights?|months?|years?|yrs?|terms?)\b
    | \bwithin\s+(?:days|weeks|months)\b
    | \bfor\s+(?:at\s+least\s+)?the\s+(?:next|coming)\s+(?:{NUM}{RANGE_END}\s+)?
        (?:days?|weeks?|months?|years?)\b
    | \bfor\s+(?:at\s+least\s+)?{NUM}{RANGE_END}\s+(?:more\s+)?(?:weeks?|months?|years?|terms?)\b
        (?!\s+(?:now|already|before|ago|since))
    | \b(?:next|this|coming)\s+(?:{PERIOD}|{MONTH}|{DAYNAME})\b
    | \b(?:by|in|before|during|until|from|end\s+of|start\s+of)\s+
        (?:(?:the\s+)?(?:{SEASON}|{MONTH})\s+(?:of\s+)?)?(?:19|20)\d\d\b
    | \b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\b
    | \b(?:january|february|april|june|july|august|september|october|november|december)
        \s+\d{{1,2}}(?:st|nd|rd|th)?\b
    | \b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b
    | \b\d{{4}}-\d{{2}}-\d{{2}}\b
    | \b(?:when|once|before|after|by\s+the\s+time)\s+(?:i|he|she|they|we|you|[A-Z]\w+)\s+
        (?:leave|leaves|start|starts|finish|finishes|move|moves|turn|turns|reach|reaches
        |go(?:es)?\s+(?:up\s+)?to|is\s+\d+|am\s+\d+|gets?\s+back\s+from|come|comes)\b
    | \b(?:when|once|before|by\s+the\s+time)\s+(?:i|he|she|they|we|you|[A-Z]\w+)
        (?:'m|'s|'re|\s+is|\s+am|\s+are|\s+turns?)\s+\d+\b
    | \bby\s+(?:age|the\s+age\s+of)\s+\d+\b
    | \b(?:by|before|end\s+of|start\s+of)\s+(?:(?:the\s+)?end\s+of\s+)?(?:[ps]\d|year\s+\d+
        |yr\s*\d+|key\s+stage\s+\d|ks\s*\d)\b
    | \bprior\s+to\b
    | \b(?:today|tonight|tomorrow)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Words a "when" can start with; TIME_RE is only tried where one of them starts.
TIME_TRIGGERS = _words(
    """by before until till from in during this next end start beginning middle close mid
    early late around over for after the within at when once prior today tonight tomorrow
    coming upon on following one two three four five six seven eight nine ten eleven twelve
    fifteen twenty thirty half several january february march april may june july august september october november
    december jan feb apr jun jul aug sep sept oct nov dec"""
)


def find_times(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Every "when" in the text ("by June", "within 3 months", "before I leave school")."""
    found: list[tuple[int, int]] = []
    last_end = -1
    for tok in tokens:
        if tok.start < last_end:
            continue
        if tok.lower in TIME_TRIGGERS or tok.lower[:1].isdigit():
            m = TIME_RE.match(text, tok.start)
            if m is not None and m.end() > m.start():
                found.append((m.start(), m.end()))
                last_end = m.end()
    return found


_PAST_ALT = "|".join(e.source for e in PAST_EVENTS.entries)
BASELINE_RE = at_word_start(
    rf"""
      \b(?:currently|current|at\s+the\s+moment|at\s+present|presently|just\s+now|right\s+now
        |at\s+the\s+minute|these\s+days|nowadays|so\s+far|yet)\b
    | (?<!from\s)(?<!by\s)\bnow\b(?!\s+on\b)
    | \bonly\b
    | \bsince\b
    | \bused\s+to\b | \bno\s+longer\b | \bnot\s+any\s*more\b | \banymore\b | \bany\s+longer\b
    | \b(?:can't|cannot|can\s+not|couldn't|could\s+not|unable|isn't\s+able|aren't\s+able
        |not\s+able|don't|doesn't|didn't|haven't|hasn't|hadn't|isn't|aren't|wasn't|never
        |hardly|rarely|seldom|struggles?|struggling|finds?\s+it\s+(?:hard|difficult))\b
    | \b(?:again|regain\w*|resum\w+|restart\w*|rebuild\w*|relearn\w*|return\w*|restor\w*)\b
    | \b(?:get|gets|getting|got|go|goes|going|went|gone|come|comes|coming|came|be|being|been
        |move|moving|bring|am|is|are)\s+(?:\w+\s+)?back\b
    | \bback\s+(?:to|at|in|into|on|doing|\w+ing)\b
    | (?<!while\s)(?<!whilst\s)\b(?:keep|keeps|keeping|continu\w+|carry\s+on|carries\s+on
        |still|stay|stays|staying|remain|remains|remaining|maintain\w*|sustain\w*)\b
    | \bable\s+to\b
    | \blearn(?:s|t|ed|ing)?\s+(?:to|how)\b
    | (?<!the\s)\bstart(?:s|ing)?\b(?!\s+of\b)
    | (?<!the\s)\bbegin(?:s|ning)?\b(?!\s+of\b)
    | \bfor\s+the\s+first\s+time\b | \bfirst\s+ever\b
    | (?<!without\s)\bstop(?:s|ped|ping)?\b
    | \bcut(?:s|ting)?\s+(?:[\w']+\s+){{0,3}}?down\b
    | \b(?:up|down)\s+from\b
    | \b(?:instead\s+of|rather\s+than|than\s+now|like\s+now|than\s+before|as\s+before
        |than\s+(?:i|he|she|they|we)\s+(?:do|does|did|can))\b
    | (?:\b(?:have|has)|'ve|'s)\s+(?:been|had|not|never|only|always)\b
    | (?<!to\s)(?<!will\s)(?<!'ll\s)(?<!would\s)(?:\b(?:have|has)|'ve)\s+(?:\w+ed|lost|become
        |got|gone|fallen|given\s+up|stopped|become|forgotten)\b
    | \b(?:recently|lately)\b
    | \b(?:like|as)\s+(?:i|he|she|they|we)\s+(?:did|used\s+to|could|do)\b
    | \bbefore\s+(?:my|his|her|their|the)\s+(?:{_PAST_ALT})
    """,
    re.IGNORECASE | re.VERBOSE,
)
FROM_TO_RE = re.compile(
    r"\bfrom\s+((?:[\w'£%.]+\s+){0,8}?)to\s+((?:[\w'£%.]+\s*){0,4})", re.IGNORECASE
)

# A clause with one of these (and no sign of an outcome) only describes the present.
STATE_RE = at_word_start(
    r"""
      \b(?:currently|at\s+the\s+moment|at\s+present|presently|just\s+now|right\s+now
        |at\s+the\s+minute|these\s+days|nowadays|now|since|used\s+to|no\s+longer|yet)\b
    | \b(?:can't|cannot|unable|not\s+able|don't|doesn't|didn't|haven't|hasn't|isn't|aren't
        |wasn't|never|hardly|couldn't)\b
    | (?:\b(?:have|has)|'ve|'s)\s+(?:been|had|not|never|only)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
OUTCOME_RE = re.compile(
    r"""\b(?:want|wants|wanted|wanting|would\s+like|would\s+love|like\s+to|love\s+to|wish
      |wishes|hope|hopes|hoping|aim|aims|goal|plan|plans|will|shall|going\s+to|be\s+able
      |outcome)\b|'d\s+(?:like|love)|'ll\b""",
    re.IGNORECASE | re.VERBOSE,
)
CONTEXT_ZONE_RE = re.compile(
    r"""\b(?:so\s+that|so\s+as\s+to|so(?=\s+(?:i|he|she|they|we|it|you|my|his|her|their)\b)
      |in\s+order\s+(?:that|to)|because|'cause|cos
      |as(?=\s+(?:i|he|she|they|we)\s+(?:used|did|do|does|had|was|were|have|'ve)\b)
      |like(?=\s+(?:i|he|she|they|we)\s+(?:used|did|do|does)\b)|like\s+before|as\s+before
      |since|now\s+that|which|who|whose|rather\s+than|instead\s+of|without|not\s+like|unlike
      |(?:as\s+)?measured\s+(?:by|using|with|through|via|on|in)
      |as\s+(?:evidenced|documented|recorded|observed)\s+by
      |than\s+(?:now|before|at\s+the\s+moment|currently|(?:i|he|she|they|we)\s+(?:do|does|did
      |can)))\b""",
    re.IGNORECASE | re.VERBOSE,
)
ZONE_END_RE = re.compile(r"[,;:()]")

# "How" phrases.
MEANS_WITH_RE = re.compile(
    r"""\bwith\s+(?:the\s+)?(?:help|support|assistance|aid)\s+(?:of|from)\b
      |\bwith\s+(?:some\s+|a\s+little\s+|a\s+bit\s+of\s+|extra\s+|more\s+|ongoing\s+
        |\d:\d\s+|1-1\s+|one[\s-]to[\s-]one\s+|staff\s+|paid\s+)?
        (?:support|help|assistance)\b
        (?!\s+(?:worker|plan|group|network|staff))
      |\b(?:through|via)\b""",
    re.IGNORECASE | re.VERBOSE,
)
HELPER_RE = re.compile(
    r"""\b(?:(?:supported|assisted|helped|accompanied|escorted|taken|prompted|reminded)\s+by
      |with|by|from|alongside)\s+(?:(?:a|an|the|my|his|her|their|two|both|paid|\d+)\s+){0,2}
      (?:carers?|staff|care\s+staff|workers?|volunteers?)\b""",
    re.IGNORECASE | re.VERBOSE,
)
THROUGH_SERVICE_WORDS = _words("""support help scheme project programme program service services payment payments
    funding budget option referral sds team""")
THROUGH_NOT = re.compile(
    r"\bthrough\s+(?:the\s+|a\s+)?(?:whole\s+|entire\s+)?(?:night|day|school\s+day|week|door"
    r"|winter|summer|year|it|this|that|town|the\s+park)\b",
    re.IGNORECASE,
)

# Service language grammar.
RECEIVE_RE = re.compile(r"\b(?:receiv(?:e|es|ed|ing)|in\s+receipt\s+of)\b", re.IGNORECASE)
PASSIVE_RE = re.compile(
    r"""\b(be|being|been|is|are|was|were|get|gets|getting|got)\s+
      (?:(?:\w+ly|more|well)\s+)?
      (supported|assisted|helped|encouraged|prompted|monitored|assessed|reviewed|referred
      |offered|given|provided|kept|maintained|placed|cared\s+for|escorted|supervised|observed
      |reminded|enabled|facilitated|allocated|signposted|discharged|managed|visited|taken
      |transported|washed|dressed|showered|bathed|fed|toileted|hoisted|settled|looked\s+after
      |seen\s+by|accommodated|admitted|rehoused|transferred|funded)\b""",
    re.IGNORECASE | re.VERBOSE,
)
PASSIVE_AFTER_GET_OK = _words("washed dressed showered bathed fed settled seen by taken")
PARTICIPLE_RE = re.compile(
    r"(?:^|,)\s*((?:supported|assisted|helped|accompanied|escorted|prompted)\s+by)\b",
    re.IGNORECASE,
)
ENGAGE_RE = re.compile(
    r"\bengag(?:e|es|ed|ing)\s+(?:with|in)\b|\baccess(?:es|ed|ing)?\b", re.IGNORECASE
)
ATTEND_RE = re.compile(
    r"""\battend(?:s|ed|ing|ance)?\s+(?:at\s+)?(?:[\w']+\s+){0,3}?
      (?:appointments?|sessions?|groups|clinics?|services|respite|therapy|reviews?|meetings?)\b""",
    re.IGNORECASE | re.VERBOSE,
)
ASK_HELP_RE = re.compile(
    r"""\b(?:need|needs|needing|needed|require|requires|requiring|want|wants|would\s+like
      |'d\s+like|like|have|has|having|get|gets|getting|more|some|extra|continued|ongoing
      |additional)\s+(?:(?:some|more|extra|additional|continued|ongoing|a\s+little|a\s+bit\s+of)
      \s+)?(?:support|help|assistance|input|care)\s+(?:with|to|for|from|in|around)\b""",
    re.IGNORECASE | re.VERBOSE,
)
HAVE_SUPPORT_RE = re.compile(
    r"""\b(?:have|has|having|get|gets|getting|need|needs|require|requires|be\s+given
      |be\s+offered)\s+(?:(?:a|an|the|more|some|extra|additional|regular|daily|weekly|ongoing
      |1:1|one-to-one|1-1|more|specialist|practical|personal|intensive|emotional|short-term
      |long-term|home|social|additional|continued|continuing)\s+){0,2}?(?:support|help|assistance|input|provision|care
      |therapy|intervention|respite)\b(?!\s+(?:worker|plan|group|network|staff|home))""",
    re.IGNORECASE | re.VERBOSE,
)
FRAGMENT_START_RE = re.compile(
    r"""\s*(?:(?:support|help|assistance)\s+(?:with|to|for)\b
    | support\s+(?!me\b|us\b)\w+ing\b
    | supported\s+(?!by\b|with\b|to\b|me\b|us\b)[a-z]\w+)""",
    re.IGNORECASE | re.VERBOSE,
)
LEADING_JUNK_RE = re.compile(r"\s*(?:[-*•·>]+|\(?\d+[.)]|\(?[a-z][.)](?=\s))?\s*[\"']?\s*")

CAREER_BEFORE_RE = re.compile(
    r"""\b(?:become|becomes|becoming|be|work|works|working|train|trains|training|qualify
      |qualifies|job|career|apprenticeship)\s+(?:as\s+)?(?:an?\s+)?(?:\w+\s+)?$""",
    re.IGNORECASE | re.VERBOSE,
)
COUNTED_BEFORE_RE = re.compile(
    r"(?:\d\s*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten))\s+"
    r"(?:of\s+(?:the\s+)?)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# A stimulus given as the condition of a test ("when given a picture card or shown a
# video clip, ... will identify") is what the person responds to, not a how; a
# support given ("given visual supports", "given verbal prompts") still is.
CONDITION_BEFORE_RE = re.compile(
    r"\b(?:given|shown|presented\s+with)\s+(?:(?:a|an|the|\d+|one|two|three)\s+)?(?:[\w/-]+\s+){0,2}$",
    re.IGNORECASE,
)
SUPPORT_WORDS_RE = re.compile(
    r"\b(?:supports?|prompts?|cues?|cueing|aids?|devices?)\b", re.IGNORECASE
)
# "across 3 consecutive therapy sessions", "over 8 therapy sessions": a count of
# sessions is when or how often it is measured, not the how (issue 18, round 4).
SESSION_AFTER_RE = re.compile(r"\s+(?:sessions?|visits?)\b", re.IGNORECASE)
# "before physical therapy sessions": the sessions say when, not how (issue 18, round 8).
SESSION_TIME_BEFORE_RE = re.compile(
    r"\b(?:before|after|during|between)\s+(?:(?:the|each|every|my|his|her|their)\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
SESSION_COUNT_BEFORE_RE = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|each|every|all)\s+(?:consecutive\s+)?$",
    re.IGNORECASE,
)
# A level of help is a measure ("with prompting", "with minimal prompting").
LEVEL_OF_HELP_BEFORE_RE = re.compile(
    r"\bwith(?:out)?\s+(?:(?:no|some|minimal|minimum|less|reduced|decreasing|verbal|one|little)\s+)?"
    r"(?:(?:a\s+)?(?:minimum|maximum|little|bit)\s+of\s+)?$",
    re.IGNORECASE,
)
# The person's own action on their needs ("manage personal health care needs",
# "communicate her care needs") is not the service's wording.
OWN_NEEDS_VERBS = _words("""manage manages managing managed communicate communicates communicating
    express expresses expressing explain explains explaining describe describes describing
    identify identifies identifying recognise recognises recognising recognize recognizes
    recognizing understand understands understanding""")
# "engage in mutual touching", "engaged in basic meal prep": an activity the
# person does; "engage in learning / activities / therapy" still names no change.
ENGAGE_ABSTRACT_ING = _words("learning training counselling counseling befriending mentoring")
# "engage in positive conversations with her friends": talking is something the person
# does, not a service they engage with (issue 18, round 8).
ENGAGE_ACTION_NOUNS = _words(
    "conversation conversations conversational discussion discussions chat"
)
# "receive his High School Equivalency diploma", "receive an award": something the
# person achieves, not a service they are given (issue 18, round 8).
ACHIEVEMENT_AFTER_RE = re.compile(
    r"""\s+(?:(?:a|an|the|his|her|their|my|your)\s+)?(?:(?!to\b|from\b|for\b|with\b|support|help|care)[\w'-]+\s+){0,3}?
      (?:diploma|certificate|qualification|degree|award|medal|prize|trophy|badge|licen[cs]e
      |wages?|salary|pay\s*(?:rise|slip|check|cheque))s?\b""",
    re.IGNORECASE | re.VERBOSE,
)
HELP_BEFORE_FROM = _words("""support help assistance prompt prompts prompting cue cues cueing reminder
    reminders input guidance encouragement supervision""")
NEEDS_MET_RE = re.compile(r"\bneeds\s+(?:[\w']+\s+){0,2}met\b", re.IGNORECASE)
PASSIVE_NEEDLES = ("ed", "given", "kept", "taken", "seen", "fed", "looked after")
HELP_NEEDLES = (
    "support",
    "help",
    "assist",
    "input",
    "care",
    "provision",
    "therapy",
    "intervention",
    "respite",
)
SHOUTING_RATIO = 0.6
GENERIC_ACRONYM_RE = re.compile(r"(?<![\w'])[A-Z]{2,6}(?:s)?(?![\w'])")
# An unknown acronym named as a place or group the person goes to is an organisation's
# name, not a professional term: "volunteers at the SPCA", "joins the YMCA".
ORGANISATION_BEFORE_RE = re.compile(
    r"\b(?:at|join|joins|joined|joining)\s+(?:the|a|an|local)\s+$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- analysis


@dataclass(slots=True)
class Hit:
    code: str
    kind: str
    start: int
    end: int
    values: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Reading:
    """One statement, read once, shared by every rule."""

    text: str  # normalised, same length as the original
    lower: str  # for quick "does it contain..." tests only (may differ in length)
    tokens: list[Token]
    clauses: list[Span]
    context_clauses: list[Span]
    core: SpanSet  # outcome words: not context clauses, not context zones
    outcome: SpanSet  # not context clauses (zones included)
    means_hits: list[Hit]
    time_spans: SpanSet
    first_person: bool
    starts: list[tuple[int, str]]
    provision_hits: list[tuple[int, int, lx.Entry]]
    service_phrase_hits: list[tuple[int, int, lx.Entry]]

    token_starts: list[int] = field(default_factory=list)
    token_ends: list[int] = field(default_factory=list)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens that lie wholly inside [start, end)."""
        lo = bisect_left(self.token_starts, start)
        hi = bisect_right(self.token_ends, end)
        return self.tokens[lo:hi] if hi > lo else []

    @property
    def named_services(self) -> list[tuple[int, int]]:
        """Names of services and service phrases ("bath seat", "care needs").

        Words inside them ("bath", "needs met") are not the person doing anything.
        """
        found = [(s, e) for s, e, _ in self.provision_hits + self.service_phrase_hits]
        found += [
            (m.start(), m.end()) for m in _matches(NEEDS_MET_RE, self.text, self.lower, ("met",))
        ]
        return found

    @property
    def means(self) -> list[tuple[int, int]]:
        return [(h.start, h.end) for h in self.means_hits]


def _matches(
    regex: re.Pattern[str], text: str, lower: str, needles: tuple[str, ...]
) -> list[re.Match[str]]:
    """``regex.finditer(text)``, skipped when none of the words it needs are present."""
    if not any(needle in lower for needle in needles):
        return []
    return list(regex.finditer(text))


def _overlaps(spans: list[tuple[int, int]], span: Span) -> bool:
    return any(start < span.end and span.start < end for start, end in spans)


def _clause_is_context(text: str, span: Span, times: list[tuple[int, int]]) -> bool:
    piece = text[span.start : span.end]
    if not STATE_RE.search(piece):
        return False
    if OUTCOME_RE.search(piece) or _overlaps(times, span):
        return False
    stripped = piece.lstrip(" \"'")
    return not stripped.lower().startswith("to ")


def _zones(text: str, span: Span) -> list[tuple[int, int]]:
    zones = []
    for m in CONTEXT_ZONE_RE.finditer(text, span.start, span.end):
        end_m = ZONE_END_RE.search(text, m.end(), span.end)
        zones.append((m.start(), end_m.start() if end_m else span.end))
    return zones


def _means_end(text: str, tokens: list[Token], start_index: int, limit: int) -> int:
    """Where a "how" phrase that starts at tokens[start_index] ends."""
    end = tokens[start_index].end
    for i in range(start_index + 1, len(tokens)):
        tok = tokens[i]
        if tok.start >= limit:
            break
        between = text[end : tok.start]
        if ZONE_END_RE.search(between) or "." in between:
            break
        if tok.lower in {
            "by",
            "within",
            "before",
            "until",
            "so",
            "and",
            "but",
            "because",
            "which",
            "who",
            "while",
            "then",
            "rather",
            "instead",
            "without",
            "or",
            "when",
        }:
            break
        if (
            tok.lower == "to"
            and i + 1 < len(tokens)
            and (tokens[i + 1].lower in CONCRETE_VERB_FORMS or tokens[i + 1].lower in TO_VERBS)
        ):
            break
        if i - start_index > 10:
            break
        end = tok.end
    return end


# "By + -ing" names a how only when it goes to, uses or receives a service:
# "by attending a lunch club", "by using a walking frame". The person's own
# action is the measure, not a solution: "by increasing the words read per
# minute from 40 to 80", "by picking up a raisin", "by waving" (issue 18).
BY_ING_SERVICE_VERBS = _words(
    "attending receiving accessing engaging joining participating enrolling having getting"
)
GOING_TO_RE = re.compile(r"by\s+going\s+(?:along\s+)?to\b", re.IGNORECASE)
BY_ING_SERVICE_NOUN_RE = re.compile(
    r"""\b(?:groups?|sessions?|programmes?|programs?|centres?|centers?|clubs?|schemes?|projects?
      |clinics?|services?|therapy|therapies|class(?:es)?|courses?|appointments?|treatment
      |counselling|counseling|medication|staff|carers?|workers?|volunteers?|drop-ins?)\b""",
    re.IGNORECASE | re.VERBOSE,
)


def _by_ing_is_a_service(text: str, verb: str, start: int, end: int) -> bool:
    phrase = text[start:end]
    if verb in {"engaging", "participating"}:
        # "by engaging in cooperative play activities": the person's own action
        words = re.findall(r"[a-z]+", phrase.lower())[3:6]
        if any(w in CONCRETE_VERB_FORMS for w in words) and not (
            BY_ING_SERVICE_NOUN_RE.search(phrase) or PROVISION.search(phrase)
        ):
            return False
    if verb in BY_ING_SERVICE_VERBS or GOING_TO_RE.match(text, start):
        return True
    return bool(BY_ING_SERVICE_NOUN_RE.search(phrase) or PROVISION.search(phrase))


def _find_means(
    text: str, lower: str, tokens: list[Token], core: SpanSet, clauses: list[Span]
) -> list[Hit]:
    hits: list[Hit] = []
    index_at = {t.start: i for i, t in enumerate(tokens)}

    clause_starts = [c.start for c in clauses]

    def clause_end(pos: int) -> int:
        i = bisect_right(clause_starts, pos) - 1
        if i >= 0 and pos < clauses[i].end:
            return clauses[i].end
        return len(text)

    for i, tok in enumerate(tokens):
        if not core.contains(tok.start):
            continue
        if tok.lower == "by" and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            if (
                nxt.lower.endswith("ing")
                and len(nxt.lower) > 4
                and nxt.lower not in BY_ING_NOT_VERBS
                and text[tok.end : nxt.start].strip() == ""
            ):
                end = _means_end(text, tokens, i + 1, clause_end(tok.start))
                if _by_ing_is_a_service(text, nxt.lower, tok.start, end):
                    hits.append(Hit("solution_embedded", "means", tok.start, end))
    for m in _matches(MEANS_WITH_RE, text, lower, ("with", "through", "via")):
        if not core.contains(m.start()):
            continue
        word = m.group().lower()
        start_index = index_at.get(m.start())
        if start_index is None:
            continue
        # the last token of the trigger
        last = start_index
        while last + 1 < len(tokens) and tokens[last + 1].end <= m.end():
            last += 1
        end = _means_end(text, tokens, last, clause_end(m.start()))
        if word in ("through", "via"):
            end = max(end, m.end())
            phrase = text[m.start() : end]
            if word == "through":
                if THROUGH_NOT.match(text, m.start()):
                    continue
                words = set(re.findall(r"[a-z]+", phrase.lower()))
                if not (words & THROUGH_SERVICE_WORDS or PROVISION.search(phrase)):
                    continue
        hits.append(Hit("solution_embedded", "means", m.start(), max(end, m.end())))
    for m in _matches(HELPER_RE, text, lower, ("carer", "staff", "worker", "volunteer")):
        if m.group().lower().startswith("from") and not any(
            t.lower in HELP_BEFORE_FROM
            for t in tokens[max(0, index_at.get(m.start(), 0) - 3) : index_at.get(m.start(), 0)]
        ):
            continue  # "a greeting from staff": what staff do is not the how
        if core.contains(m.start()):
            hits.append(Hit("solution_embedded", "helper", m.start(), m.end()))
    return hits


def read(text: str) -> Reading:
    tokens = tokenise(text)
    starts = word_starts(text, tokens)
    clauses = sentences(text)
    times = find_times(text, tokens)
    context = [c for c in clauses if _clause_is_context(text, c, times)]
    context_set = set(context)
    outcome_ranges = [(c.start, c.end) for c in clauses if c not in context_set]
    outcome = SpanSet(outcome_ranges)
    zones: list[tuple[int, int]] = []
    for c in clauses:
        if c not in context_set:
            zones.extend(_zones(text, c))
    core = outcome.minus(SpanSet(zones))
    lower = text.lower()
    means_hits = _find_means(text, lower, tokens, core, clauses)
    time_spans = SpanSet(times)
    first_person = any(t.lower in FIRST_PERSON for t in tokens)
    return Reading(
        text=text,
        lower=lower,
        tokens=tokens,
        clauses=clauses,
        context_clauses=context,
        core=core,
        outcome=outcome,
        means_hits=means_hits,
        time_spans=time_spans,
        first_person=first_person,
        starts=starts,
        provision_hits=PROVISION.scan(text, starts),
        service_phrase_hits=SERVICE_PHRASES.scan(text, starts),
        token_starts=[t.start for t in tokens],
        token_ends=[t.end for t in tokens],
    )


# --------------------------------------------------------------------------- evidence


def _digit_counts(text: str, m: re.Match[str]) -> bool:
    token = m.group()
    if re.fullmatch(r"\d+:\d+", token):  # 1:1, 2:1 staffing ratios
        return False
    if re.fullmatch(r"(?:19|20)\d\d", token):
        return False
    before = text[max(0, m.start() - 12) : m.start()]
    if m.start() > 0 and text[m.start() - 1].isalpha():
        return False  # P7, S3, x2
    if NOT_COUNT_BEFORE_RE.search(before):
        return False
    return not NOT_COUNT_AFTER_RE.match(text, m.end())


USE_FORMS = _words("using")


def _self_verb(word: str) -> bool:
    """ "self-feed", "self-dress": the person doing an everyday action themselves (round 8)."""
    return word.startswith("self-") and word[5:] in CONCRETE_VERB_FORMS


def evidence(
    reading: Reading,
    *,
    first_only: bool = False,
    leave_out: list[tuple[int, int]] | None = None,
) -> list[tuple[int, int]]:
    """Spans that show something you could see or count happening.

    With ``first_only`` it stops at the first one (all most rules need).
    ``leave_out`` are more spans that don't count, such as "improve my
    writing": a better something is not something you could see.
    """
    text = reading.text
    named = reading.named_services
    zone = reading.outcome.minus(SpanSet(reading.means + named + (leave_out or [])))
    found: list[tuple[int, int]] = []

    def ok(start: int) -> bool:
        return zone.contains(start) and not reading.time_spans.contains(start)

    for m in DIGITS_RE.finditer(text):
        if ok(m.start()) and _digit_counts(text, m):
            found.append((m.start(), m.end()))
            if first_only:
                return found
    tokens = reading.tokens
    for i, tok in enumerate(tokens):
        if (
            (tok.lower in CONCRETE_VERB_FORMS or _self_verb(tok.lower))
            and ok(tok.start)
            and NOT_CONCRETE_AFTER_RE.match(text, tok.end)
        ):
            # "using low tech AAC": using a service is the how, not something the person
            # will be seen doing.
            if (
                tok.lower in USE_FORMS
                and named
                and any(s == t.start for s, _e in named for t in tokens[i + 1 : i + 4])
            ):
                continue
            found.append((tok.start, tok.end))
            if first_only:
                return found
    for regex in (QUANTITY_RE, PHRASAL_VERB_RE, CONSTRUCTION_RE):
        for m in regex.finditer(text):
            if ok(m.start()):
                found.append((m.start(), m.end()))
                if first_only:
                    return found
    for start, end, _entry in CONCRETE_NOUNS.scan(text, reading.starts):
        if ok(start):
            found.append((start, end))
            if first_only:
                return found
    return found


# --------------------------------------------------------------------------- rules


def _preceding_tokens(reading: Reading, pos: int, n: int) -> list[Token]:
    hi = bisect_right(reading.token_ends, pos)
    return reading.tokens[max(0, hi - n) : hi]


def _find_service_and_solution(reading: Reading) -> list[Hit]:
    text = reading.text
    lower = reading.lower
    core = reading.core
    hits: list[Hit] = []
    for h in reading.means_hits:
        hits.append(Hit(h.code, h.kind, h.start, h.end, {"m": text[h.start : h.end].strip()}))
    # Named provisions (services, workers, equipment, funding).
    for start, end, entry in reading.provision_hits:
        if not core.contains(start):
            continue
        before = _preceding_tokens(reading, start, 4)
        lowers = [t.lower for t in before]
        if any(w in FAMILY for w in lowers):
            continue  # someone else's service: "visit her husband in the care home"
        clause_before = _clause_tokens_before(reading, start, 8)
        if any(t.lower in NEGATORS for t in clause_before):
            continue  # "I don't want to move into a care home", "without my support worker"

        kind = entry.field(0, "service")
        if SESSION_AFTER_RE.match(text, end) and SESSION_COUNT_BEFORE_RE.search(
            text, max(0, start - 30), start
        ):
            continue  # "across 3 consecutive therapy sessions": a measure, not a how
        if SESSION_AFTER_RE.match(text, end) and SESSION_TIME_BEFORE_RE.search(
            text, max(0, start - 30), start
        ):
            continue  # "before physical therapy sessions": a time of day, not a how
        if not SUPPORT_WORDS_RE.search(text, start, end) and CONDITION_BEFORE_RE.search(
            text, max(0, start - 40), start
        ):
            continue  # "when given a picture card": the condition of a test, not a how
        if kind == "worker" and CAREER_BEFORE_RE.search(text, max(0, start - 30), start):
            continue  # "become a therapist", "work as a support worker": a job, not a how
        hits.append(
            Hit(
                "solution_embedded",
                "provision",
                start,
                end,
                {"m": text[start:end], "what": PROVISION_KIND_WORDS.get(kind, kind)},
            )
        )
        if kind in {"service", "therapy", "worker", "funding"} and any(
            w in HAVE_WORDS for w in lowers[-3:]
        ):
            have = next(t for t in before[-3:] if t.lower in HAVE_WORDS)
            hits.append(
                Hit("service_language", "receive", have.start, end, {"m": text[have.start : end]})
            )
        if any(w.startswith("attend") for w in lowers):
            attend = next(t for t in before if t.lower.startswith("attend"))
            hits.append(
                Hit(
                    "service_language", "attend", attend.start, end, {"m": text[attend.start : end]}
                )
            )
    # Receiving, being done to, engaging, accessing.
    for m in _matches(RECEIVE_RE, text, lower, ("receiv", "receipt")):
        if ACHIEVEMENT_AFTER_RE.match(text, m.end()):
            continue  # "receive his diploma": an achievement the person earns, not a service
        if core.contains(m.start()):
            hits.append(Hit("service_language", "receive", m.start(), m.end(), {"m": m.group()}))
    for m in _matches(PASSIVE_RE, text, lower, PASSIVE_NEEDLES):
        if not core.contains(m.start()):
            continue
        aux = m.group(1).lower()
        participle = re.sub(r"\s+", " ", m.group(2).lower())
        if aux.startswith("g") and participle.split(" ")[0] in PASSIVE_AFTER_GET_OK:
            continue
        hits.append(Hit("service_language", "passive", m.start(), m.end(), {"m": m.group()}))
    for m in _matches(PARTICIPLE_RE, text, lower, ("ed by",)):
        if core.contains(m.start(1)):
            hits.append(Hit("service_language", "passive", m.start(1), m.end(1), {"m": m.group(1)}))
    for m in _matches(ENGAGE_RE, text, lower, ("engag", "access")):
        if m.group().lower().endswith(" in") and _engages_in_an_action(reading, m.end()):
            continue  # "engage in mutual touching", "engaged in basic meal prep"
        if core.contains(m.start()):
            hits.append(Hit("service_language", "engage", m.start(), m.end(), {"m": m.group()}))
    for m in _matches(ATTEND_RE, text, lower, ("attend",)):
        if core.contains(m.start()):
            hits.append(Hit("service_language", "attend", m.start(), m.end(), {"m": m.group()}))
    for regex in (ASK_HELP_RE, HAVE_SUPPORT_RE):
        for m in _matches(regex, text, lower, HELP_NEEDLES):
            if core.contains(m.start()):
                hits.append(
                    Hit("service_language", "ask_help", m.start(), m.end(), {"m": m.group()})
                )
    for start, end, entry in reading.service_phrase_hits:
        if entry.term.startswith("opportunit") and COUNTED_BEFORE_RE.search(
            text, max(0, start - 24), start
        ):
            continue  # "in 80% of opportunities", "4 out of 5 opportunities": a measure
        if entry.term == "prompting" and LEVEL_OF_HELP_BEFORE_RE.search(
            text, max(0, start - 30), start
        ):
            continue  # "shower with prompting": how independently, a measure (policy)
        if "need" in entry.term and any(
            t.lower in OWN_NEEDS_VERBS for t in _preceding_tokens(reading, start, 4)
        ):
            continue  # "manage personal health care needs": the person's own action
        if core.contains(start):
            hits.append(
                Hit(
                    "service_language",
                    "phrase",
                    start,
                    end,
                    {"m": text[start:end], "reason": entry.field(0), "plain": entry.field(1)},
                )
            )
    hits.extend(_find_fragments(reading, hits))
    return hits


def _engages_in_an_action(reading: Reading, pos: int) -> bool:
    """The words after "engage in" name something the person does."""
    after = [t for t in reading.tokens if t.start >= pos][:4]
    for tok in after:
        if tok.lower in {"and", "or", "with", "to", "so", "by", "for", "at", "in", "during"}:
            break
        if tok.lower in ENGAGE_ABSTRACT_ING:
            return False
        if tok.lower in ENGAGE_ACTION_NOUNS:
            return True
        if tok.lower in CONCRETE_VERB_FORMS or (tok.lower.endswith("ing") and len(tok.lower) > 5):
            return True
        if CONCRETE_NOUNS.search(tok.text):
            return True
    return False


def _clause_tokens_before(reading: Reading, pos: int, n: int) -> list[Token]:
    i = bisect_right([c.start for c in reading.clauses], pos) - 1
    if i < 0 or pos >= reading.clauses[i].end:
        return []
    return reading.tokens_in(reading.clauses[i].start, pos)[-n:]


def _main_clause_tokens(reading: Reading, span: Span) -> list[Token]:
    out = []
    for t in reading.tokens_in(span.start, span.end):
        if t.lower in SUBORDINATORS:
            break
        out.append(t)
    return out


def _clause_start(reading: Reading, span: Span) -> int:
    m = LEADING_JUNK_RE.match(reading.text, span.start, span.end)
    return m.end() if m else span.start


def _find_fragments(reading: Reading, existing: list[Hit]) -> list[Hit]:
    """A clause with no verb that just names a service ("Respite.", "Day centre 3 days")."""
    hits: list[Hit] = []
    text = reading.text
    service_starts = sorted(h.start for h in existing if h.code == "service_language")
    context = set(reading.context_clauses)
    for clause in reading.clauses:
        if clause in context:
            continue
        k = bisect_left(service_starts, clause.start)
        if k < len(service_starts) and service_starts[k] < clause.end:
            continue
        start = _clause_start(reading, clause)
        frag = FRAGMENT_START_RE.match(text, start, clause.end)
        if frag is not None:
            lead_ws = len(frag.group()) - len(frag.group().lstrip())
            hits.append(
                Hit(
                    "service_language",
                    "ask_help",
                    frag.start() + lead_ws,
                    frag.end(),
                    {"m": frag.group().strip()},
                )
            )
            continue
        main = _main_clause_tokens(reading, clause)
        if not main or any(
            t.lower in SUBJECT_MARKERS
            or t.lower in CONCRETE_VERB_FORMS
            or t.lower in {"be", "get", "go", "have", "make", "take"}
            for t in main
        ):
            continue
        first = main[0]
        lead = 1 if first.lower in {"a", "an", "the", "more", "some", "weekly", "daily"} else 0
        if lead >= len(main):
            continue
        m2 = PROVISION.regex.match(text, main[lead].start)
        if m2 is None:
            m2 = SERVICE_PHRASES.regex.match(text, main[lead].start)
        if m2 is None and len(main) - lead <= 3:
            # A short verbless phrase whose last word is a service: "phonological therapy".
            for tok in main[lead + 1 :]:
                m3 = PROVISION.regex.match(text, tok.start)
                if m3 is not None and m3.end() >= main[-1].end:
                    m2 = m3
                    break
        if m2 is not None:
            hits.append(Hit("service_language", "fragment", start, main[-1].end, {}))
    return hits


def _is_third_person_object(tokens: list[Token], j: int) -> bool:
    if j >= len(tokens):
        return False
    t = tokens[j]
    if t.lower in {"him", "her", "them"} or t.lower in TITLES:
        return True
    if t.lower in FIRST_PERSON or t.lower in {"us", "our", "ourselves"}:
        return False
    word = t.text
    if len(word) > 1 and word[0].isupper() and word[1:].replace("'s", "").islower():
        return t.lower not in NOT_NAMES
    if t.lower == "the" and j + 1 < len(tokens):
        return tokens[j + 1].lower in {
            "individual",
            "patient",
            "person",
            "young",
            "child",
            "pupil",
            "service",
            "client",
            "resident",
            "family",
        }
    return t.lower in {"client", "clients", "su", "yp", "service"}


def _after_title(tokens: list[Token], pos: int) -> bool:
    for i, tok in enumerate(tokens):
        if tok.start == pos:
            return i > 0 and tokens[i - 1].lower in TITLES
    return False


def _find_subject_problems(reading: Reading) -> list[Hit]:
    """Staff or services as the subject; tasks written as instructions to workers."""
    hits: list[Hit] = []
    text = reading.text
    context = set(reading.context_clauses)
    for clause in reading.clauses:
        if clause in context:
            continue
        start = _clause_start(reading, clause)
        toks = reading.tokens_in(start, clause.end)
        if not toks:
            continue
        # Skip a leading "By June," / "Using a frame," / "Following the review,".
        if toks[0].lower in LEADING_ADVERBIAL:
            comma = text.find(",", toks[0].end, clause.end)
            if comma != -1 and len([t for t in toks if t.end <= comma]) <= 10:
                toks = [t for t in toks if t.start > comma]
                if not toks:
                    continue
        if toks[0].lower == "it" and len(toks) > 3 and toks[1].lower in {"was", "is", "has"}:
            continue
        i0 = 0
        if toks[0].lower == "for":
            i0 = 1
        if i0 >= len(toks):
            continue
        # Instructions to workers: "Ensure...", "To support Jean...", "Promote Ms Reid's...".
        v = i0
        while v + 1 < len(toks) and toks[v].lower in {"to", "continue", "continues"}:
            v += 1
        if v < len(toks):
            verb = toks[v].lower
            nxt_first = v + 1 < len(toks) and toks[v + 1].lower in (
                FIRST_PERSON | {"us", "our", "ourselves"}
            )
            nxt_prep = v + 1 < len(toks) and toks[v + 1].lower in {
                "with",
                "to",
                "for",
                "in",
                "around",
                "and",
                "of",
            }
            task = (verb in ALWAYS_TASK and not nxt_first and not nxt_prep) or (
                verb in OBJECT_TASK and _is_third_person_object(toks, v + 1)
            )
            # A list item in lower case ("assess higher level language functions") starts
            # the statement as surely as a capital does.
            at_start = v == i0 and (
                toks[v].text[:1].isupper() or toks[v].start == reading.tokens[0].start
            )
            if task and (at_start or v > i0):
                obj = v + 1
                if obj < len(toks) and toks[obj].lower in TITLES and obj + 1 < len(toks):
                    obj += 1
                obj_end = toks[min(obj, len(toks) - 1)].end if verb in OBJECT_TASK else toks[v].end
                hits.append(
                    Hit(
                        "not_person_centred",
                        "instruction",
                        toks[v].start,
                        obj_end,
                        {"m": text[toks[v].start : obj_end]},
                    )
                )
                hits.append(
                    Hit(
                        "service_language",
                        "staff_task",
                        toks[v].start,
                        toks[v].end,
                        {"m": toks[v].text},
                    )
                )
                continue
        # Find the subject: the words before the first verb-like marker.
        k = None
        for idx in range(i0, min(len(toks), i0 + 8)):
            low = toks[idx].lower
            if low in SUBJECT_MARKERS or (
                idx > i0
                and toks[idx].text.islower()
                and toks[idx - 1].lower not in {"a", "an", "the", "of", "for", "and", "with", "to"}
                and not (idx + 1 < len(toks) and toks[idx + 1].lower in NOT_VERB_AFTER)
                and not lemmas(low).isdisjoint(PROVISION_VERBS)
            ):
                k = idx
                break
            if "'" in low and low.split("'")[0] in PRONOUNS:
                k = None
                break
        if k is None or k == i0:
            continue
        subject = toks[i0:k]
        if any(t.lower in SUBJECT_STOP for t in subject):
            continue
        if any(t.lower in FIRST_PERSON for t in subject):
            continue
        s_start, s_end = subject[0].start, subject[-1].end
        # The verb after the marker(s).
        j = k
        while j < len(toks) and (
            toks[j].lower in AUX_SKIP
            or toks[j].lower in SUBJECT_MARKERS
            and toks[j].lower not in PROVISION_VERBS
        ):
            j += 1
        main_verb = toks[j].lower if j < len(toks) else ""
        verb_end = toks[j].end if j < len(toks) else toks[k].end
        staff_kind = None
        labels = SpanSet([(a, b) for a, b, _ in DEPERSONALISING.finditer(text, s_start, s_end)])
        for st, en, entry in STAFF.finditer(text, s_start, s_end):
            if labels.contains(st) or labels.contains(en - 1):
                continue
            if _after_title(subject, st):
                continue  # a surname: "Mr Nurse", "Mrs Ward"
            staff_kind = entry.field(1, "staff")
            if staff_kind == "staff":
                break
        if staff_kind == "staff" or (
            staff_kind == "ambiguous" and main_verb in PROVISION_VERBS and not reading.first_person
        ):
            hits.append(
                Hit(
                    "not_person_centred",
                    "staff_subject",
                    s_start,
                    s_end,
                    {"m": text[s_start:s_end]},
                )
            )
            hits.append(
                Hit(
                    "service_language",
                    "staff_task",
                    toks[k].start,
                    verb_end,
                    {"m": text[toks[k].start : verb_end]},
                )
            )
            continue
        for _st, en, _entry in SERVICE_SUBJECTS.finditer(text, s_start, s_end):
            if en == s_end:
                hits.append(
                    Hit(
                        "not_person_centred",
                        "service_subject",
                        s_start,
                        s_end,
                        {"m": text[s_start:s_end]},
                    )
                )
                break
    return hits


def _find_labels(reading: Reading) -> list[Hit]:
    text = reading.text
    return [
        Hit("not_person_centred", "label", s, e, {"m": text[s:e], "reason": entry.field(0)})
        for s, e, entry in DEPERSONALISING.scan(text, reading.starts)
    ]


def _find_jargon(reading: Reading, taken: list[tuple[int, int]]) -> list[Hit]:
    text = reading.text
    hits = [
        Hit(
            "jargon",
            "term",
            s,
            e,
            {"m": text[s:e], "reason": entry.field(0), "plain": entry.field(1)},
        )
        for s, e, entry in JARGON.scan(text, reading.starts)
    ]
    letters = "".join(filter(str.isalpha, text))
    upper = sum(map(str.isupper, letters))
    if letters and upper / len(letters) > SHOUTING_RATIO:
        return hits
    covered = SpanSet([(h.start, h.end) for h in hits] + taken)
    for m in GENERIC_ACRONYM_RE.finditer(text):
        word = m.group()
        if word in PLAIN_ACRONYMS or word.rstrip("s") in PLAIN_ACRONYMS:
            continue
        if covered.contains(m.start()):
            continue
        if ORGANISATION_BEFORE_RE.search(text, max(0, m.start() - 40), m.start()):
            continue
        hits.append(Hit("jargon", "acronym", m.start(), m.end(), {"m": word}))
    return hits


def _has_baseline(reading: Reading) -> bool:
    text = reading.text
    if BASELINE_RE.search(text):
        return True
    for m in _matches(FROM_TO_RE, text, reading.lower, ("from",)):
        span_text = m.group(1) + " " + m.group(2)
        if QUANTITY_RE.search(span_text) or re.search(r"\d|\bone\b", span_text):
            return True
    return any(_describes_the_present(reading, clause) for clause in reading.clauses)


def _describes_the_present(reading: Reading, clause: Span) -> bool:
    """A present-tense habit with a frequency: "I see my friends once a month"."""
    piece = reading.text[clause.start : clause.end]
    if (
        OUTCOME_RE.search(piece)
        or reading.time_spans.overlaps(clause.start, clause.end)
        or not QUANTITY_RE.search(piece)
    ):
        return False
    toks = reading.tokens_in(clause.start, clause.end)
    for prev, tok in itertools.pairwise(toks):
        if tok.lower not in CONCRETE_VERB_FORMS or tok.lower.endswith("ing"):
            continue
        if (
            prev.lower in PRONOUNS
            or prev.lower in FAMILY
            or (prev.text[:1].isupper() and prev.lower not in NOT_NAMES)
        ):
            return True
    return False


def _find_vague(reading: Reading, evidence_found: bool) -> list[Hit]:
    if evidence_found:
        return []
    text = reading.text
    zone = reading.outcome.minus(SpanSet(reading.means + reading.named_services))
    hits = []
    seen: set[str] = set()
    for s, e, entry in VAGUE.scan(text, reading.starts):
        if not zone.contains(s):
            continue
        key = entry.term
        if key in seen:
            continue
        seen.add(key)
        hits.append(Hit("vague", "term", s, e, {"m": text[s:e], "reason": entry.field(0)}))
    return hits


# --------------------------------------------------------------------------- assembly

ENGLISH_WORDS: frozenset[str] = (
    _words("""i to the and my me will want wants be of in on for with he she his her they their at
    by go get like would able again out more from it this that have has not we our you your
    up each every week day time own home school can could should going want wanted would
    like able help to into back about when what which who where there here some any all
    one two three once twice month year morning night""")
)


def _english_vocabulary() -> frozenset[str]:
    words = set(ENGLISH_WORDS)
    for lex in (
        JARGON,
        STAFF,
        SERVICE_PHRASES,
        PROVISION,
        VAGUE,
        CONCRETE_NOUNS,
        TIME_EVENTS,
        DEPERSONALISING,
        lx.load("clinical"),
    ):
        words |= {w for w in lex.words() if len(w) > 2}
    words |= {f for f in CONCRETE_VERB_FORMS if len(f) > 2}
    return frozenset(words)


ENGLISH_VOCABULARY = _english_vocabulary()


def _looks_english(reading: Reading) -> bool:
    letters, latin = letters_profile(reading.text)
    if letters and latin / letters < 0.5:
        return False
    words = [t.lower for t in reading.tokens if t.lower[:1].isalpha()]
    if len(words) < 3:
        return True
    known = sum(1 for w in words if w in ENGLISH_VOCABULARY)
    if known / len(words) >= 0.2:
        return True
    # Everyday words outside the lists ("After graduation, Alex will live
    # independently."): lemminflect's own English word lists know them.
    known = sum(1 for w in words if w in ENGLISH_VOCABULARY or is_english_word(w))
    return known / len(words) >= 0.5


PRIORITY = {code: i for i, code in enumerate(CODES)}
MAX_PER_CODE = {
    "service_language": 3,
    "solution_embedded": 3,
    "vague": 3,
    "jargon": 6,
    "not_person_centred": 3,
}


AMOUNT_OF_RE = re.compile(
    rf"""\b{NUM}\s+(?:hours?|hrs?|minutes?|mins?|sessions?|visits?)\s+
      (?:(?:a|per|each)\s+(?:day|week|fortnight|month)\s+)?of\s+(?:[\w:-]+\s+){{0,3}}$""",
    re.IGNORECASE | re.VERBOSE,
)


def _amounts_of_provision(reading: Reading) -> list[tuple[int, int]]:
    """Amounts of a service ("three hours of speech and language therapy").

    The amount says what is given, not what will be different for the person.
    """
    spans: list[tuple[int, int]] = []
    text = reading.text
    if not reading.provision_hits or " of " not in reading.lower:
        return spans
    for s, e in reading.named_services:
        m = AMOUNT_OF_RE.search(text, max(0, s - 60), s)
        if m is not None:
            spans.append((m.start(), e))
    return spans


def _dedupe(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    by_code: dict[str, list[Hit]] = {}
    for hit in sorted(hits, key=lambda h: (PRIORITY[h.code], h.start, -(h.end - h.start))):
        same = by_code.setdefault(hit.code, [])
        if any(hit.start < k.end and k.start < hit.end for k in same):
            continue
        if len(same) >= MAX_PER_CODE.get(hit.code, 1):
            continue
        same.append(hit)
        kept.append(hit)
    return kept


def analyse(original: str, *, has_baseline_field: bool, has_due_field: bool) -> list[Flag]:
    """Run every rule and return flags with spans into ``original``."""
    text = normalise(original)
    whole_start = len(text) - len(text.lstrip())
    whole_end = len(text.rstrip())
    if whole_end <= whole_start:
        msg, sug = render("not_measurable", "empty")
        return [Flag("not_measurable", msg, 0, 0, sug)]
    if not any(ch.isalpha() for ch in text):
        msg, sug = render("not_measurable", "no_words")
        return [Flag("not_measurable", msg, whole_start, whole_end, sug)]
    reading = read(text)
    if not _looks_english(reading):
        msg, sug = render("not_measurable", "not_english")
        return [Flag("not_measurable", msg, whole_start, whole_end, sug)]

    hits: list[Hit] = []
    lems = _patterns.token_lemmas(reading)
    improving = _patterns.improve_spans(reading, lems)
    found = evidence(reading, first_only=True, leave_out=improving + _amounts_of_provision(reading))
    if not found:
        hits.append(Hit("not_measurable", "none", whole_start, whole_end))
    if not has_baseline_field and not _has_baseline(reading):
        hits.append(Hit("no_baseline", "none", whole_start, whole_end))
    if not has_due_field and not reading.time_spans.ranges():
        hits.append(Hit("not_time_bound", "none", whole_start, whole_end))
    labels = _find_labels(reading)
    hits.extend(labels)
    hits.extend(_find_service_and_solution(reading))
    hits.extend(_find_subject_problems(reading))
    clinical = _patterns.clinical_hits(reading)
    hits.extend(_patterns.find_activity(reading, lems))
    hits.extend(_patterns.find_population_subject(reading, lems))
    hits.extend(_patterns.find_org_aim(reading, lems))
    hits.extend(_patterns.find_clinical(reading, clinical))
    hits.extend(
        _find_jargon(reading, [(h.start, h.end) for h in labels] + [(s, e) for s, e, _ in clinical])
    )
    listed_vague = _find_vague(reading, bool(found))
    patterned = _patterns.find_vague_verbs(reading, bool(found), improving, listed_vague)
    hits.extend(_patterns.prefer_phrases(listed_vague, patterned))

    flags = []
    kept = _dedupe(hits)
    person_values: dict[str, str] = {}
    if any(hit.kind in _patterns.PERSON_KINDS for hit in kept):
        person_values = _patterns.person(reading).values()
    for hit in kept:
        message, suggestion = render(hit.code, hit.kind, **{**person_values, **hit.values})
        flags.append(Flag(hit.code, message, hit.start, hit.end, suggestion))
    return flags


from . import _patterns  # noqa: E402  (needs the names above)
