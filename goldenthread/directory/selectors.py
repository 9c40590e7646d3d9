"""Reading the community directory: ranked search by words and place (SS-4).

`search_resources(query, place=..., limit=...)` is the one function pages, the Support
Sequence steps and the API use. It runs SQLite FTS5 (bm25) on SQLite and PostgreSQL
full-text search (SearchRank over a stored, GIN-indexed tsvector) on PostgreSQL; both
stem English words ("carers" finds "carer", "swimming" finds "swim"), treat the last
word as a prefix ("swim" finds "swimmers"), and never pass the typed text to the
database as query syntax: only plain words, each quoted, are.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet

from .models import SEARCHABLE_STATUSES, CommunityResource, ResourceLocation
from .search_index import FTS_TABLE, PG_COLUMN, RESOURCE_TABLE

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_PLACES = 4
# bm25 weights for the FTS5 columns: name, keywords, body (description), place.
_BM25_WEIGHTS = (10.0, 4.0, 1.0, 2.0)

# PostgreSQL's English stop words (snowball), so both databases ignore the same words,
# plus the FTS5 operator words, which are never passed on as operators anyway.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now near
    """.split()
)
_WORD_RE = re.compile(r"[^\W_]+")
_POSTCODE_RE = re.compile(r"^\s*([A-Za-z]{1,2}[0-9][0-9A-Za-z]?)(\s*[0-9][A-Za-z]{2})?\s*$")


@dataclass(frozen=True)
class ParsedQuery:
    """What a search asks for, as plain lower-case words."""

    terms: tuple[str, ...]  # words to find (stop words dropped)
    places: tuple[tuple[str, ...], ...]  # each place as the words of a phrase

    def __bool__(self) -> bool:
        return bool(self.terms or self.places)


def _fold(text: str) -> str:
    """Accents off ("café" -> "cafe"), as the indexes store words on both databases."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    text = _fold((text or "")[:MAX_QUERY_LENGTH]).lower()
    text = re.sub(r"['’‘`]", "", text)  # "men's" -> "mens"
    return [w[:40] for w in _WORD_RE.findall(text)]


def parse_query(query: str, place: str = "") -> ParsedQuery:
    """Plain words from whatever was typed: quotes, brackets, *, -, AND/OR/NEAR and any
    other punctuation are dropped, so nothing typed can act as query syntax."""
    words = _words(query)
    terms: list[str] = []
    for word in words:
        if word not in STOP_WORDS and word not in terms:
            terms.append(word)
    places: list[tuple[str, ...]] = []
    for part in re.split(r",|;|/|\bor\b", (place or "")[:MAX_QUERY_LENGTH], flags=re.I):
        match = _POSTCODE_RE.match(part)
        if match:  # a postcode or postcode district: match the district ("DN15")
            phrase: tuple[str, ...] = (match.group(1).lower(),)
        else:
            phrase = tuple(_words(part))
        if phrase and phrase not in places:
            places.append(phrase)
    return ParsedQuery(terms=tuple(terms[:MAX_TERMS]), places=tuple(places[:MAX_PLACES]))


def search_resources(
    query: str, *, place: str = "", limit: int = 20, include_inactive: bool = False
) -> list[CommunityResource]:
    """Community resources that match the words, best first.

    `place` (a town, area or postcode; several separated by commas) must also match,
    anywhere in the record: locations, service area or the description. Resources with
    all the words come first, then (to fill `limit`) those with only some of them. Each
    result has `.rank` (higher is better), `.matches_all_words`, and its organisation and
    locations loaded.
    Closed and inactive resources are left out unless `include_inactive`.
    """
    parsed = parse_query(query, place)
    limit = max(1, min(int(limit), 200))
    if not parsed:
        return []
    statuses = None if include_inactive else [str(s) for s in SEARCHABLE_STATUSES]
    if connection.vendor == "postgresql":
        search = _search_postgresql
    elif connection.vendor == "sqlite":
        search = _search_sqlite
    else:
        search = _search_fallback
    ranked = search(parsed, match_all=True, statuses=statuses, limit=limit, exclude=())
    all_words = len(ranked)
    if len(ranked) < limit and len(parsed.terms) > 1:
        ranked += search(
            parsed,
            match_all=False,
            statuses=statuses,
            limit=limit - len(ranked),
            exclude=tuple(pk for pk, _ in ranked),
        )
    return _load(ranked, all_words=all_words)


def _load(ranked: list[tuple[uuid.UUID, float]], *, all_words: int) -> list[CommunityResource]:
    if not ranked:
        return []
    objects = with_display_relations(
        CommunityResource.objects.filter(pk__in=[pk for pk, _ in ranked])
    ).in_bulk()
    results = []
    for position, (pk, rank) in enumerate(ranked):
        resource = objects.get(pk)
        if resource is not None:
            resource.rank = rank
            resource.matches_all_words = position < all_words
            results.append(resource)
    return results


def with_display_relations(queryset: QuerySet) -> QuerySet:
    """What every list or page of resources shows: organisation and locations."""
    return queryset.select_related("organisation").prefetch_related(
        Prefetch("locations", queryset=ResourceLocation.objects.order_by("position"))
    )


# --- SQLite: FTS5 --------------------------------------------------------------------


def _fts_term(term: str, prefix: bool) -> str:
    return f'"{term}"*' if prefix else f'"{term}"'


def fts5_match(parsed: ParsedQuery, *, match_all: bool = True) -> str:
    """The FTS5 MATCH expression: every word quoted (so it is only ever a word), the
    last one as a prefix when it has three letters or more."""
    parts = []
    if parsed.terms:
        last = len(parsed.terms) - 1
        words = [_fts_term(t, i == last and len(t) >= 3) for i, t in enumerate(parsed.terms)]
        parts.append("(" + (" AND " if match_all else " OR ").join(words) + ")")
    if parsed.places:
        phrases = ['"' + " ".join(p) + '"' for p in parsed.places]
        parts.append("(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts)


def _search_sqlite(parsed, *, match_all, statuses, limit, exclude):
    weights = ", ".join(str(w) for w in _BM25_WEIGHTS)
    sql = (
        # Constant names and weights only; the search text is the %s parameter.
        f"SELECT r.id, -bm25({FTS_TABLE}, {weights}) AS score "  # noqa: S608
        f"FROM {FTS_TABLE} JOIN {RESOURCE_TABLE} r ON r.search_key = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s"
    )
    params: list = [fts5_match(parsed, match_all=match_all)]
    if statuses:
        sql += f" AND r.status IN ({', '.join(['%s'] * len(statuses))})"
        params += statuses
    if exclude:
        sql += f" AND r.id NOT IN ({', '.join(['%s'] * len(exclude))})"
        params += [pk.hex for pk in exclude]
    sql += " ORDER BY score DESC, r.name LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(_as_uuid(pk), float(score)) for pk, score in cursor.fetchall()]


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# --- PostgreSQL: tsvector + GIN ------------------------------------------------------


def tsquery_text(parsed: ParsedQuery, *, match_all: bool = True) -> str:
    """A to_tsquery() expression built only from quoted plain words."""
    parts = []
    if parsed.terms:
        last = len(parsed.terms) - 1
        words = [
            f"'{t}'" + (":*" if i == last and len(t) >= 3 else "")
            for i, t in enumerate(parsed.terms)
        ]
        parts.append("(" + (" & " if match_all else " | ").join(words) + ")")
    if parsed.places:
        phrases = ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in parsed.places]
        parts.append("(" + " | ".join(phrases) + ")")
    return " & ".join(parts)


def _search_postgresql(parsed, *, match_all, statuses, limit, exclude):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
    from django.db.models.expressions import RawSQL

    # The stored column Django does not model (constant names, no user input).
    vector = RawSQL(  # noqa: S611
        f'"{RESOURCE_TABLE}"."{PG_COLUMN}"', [], output_field=SearchVectorField()
    )
    search_query = SearchQuery(
        tsquery_text(parsed, match_all=match_all), search_type="raw", config="english"
    )
    queryset = CommunityResource.objects.annotate(
        document=vector,
        score=SearchRank(vector, search_query, normalization=1),
    ).filter(document=search_query)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if exclude:
        queryset = queryset.exclude(pk__in=exclude)
    rows = queryset.order_by("-score", "name").values_list("pk", "score")[:limit]
    return [(pk, float(score)) for pk, score in rows]


# --- Any other database: plain substring matching, unranked --------------------------


def _search_fallback(parsed, *, match_all, statuses, limit, exclude):
    from django.db.models import Q

    queryset = CommunityResource.objects.all()
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if exclude:
        queryset = queryset.exclude(pk__in=exclude)
    words = Q() if match_all else Q(pk__in=[])
    for term in parsed.terms:
        q = (
            Q(name__icontains=term)
            | Q(search_keywords__icontains=term)
            | Q(description__icontains=term)
        )
        words = (words & q) if match_all else (words | q)
    places = Q(pk__in=[]) if parsed.places else Q()
    for phrase in parsed.places:
        text = " ".join(phrase)
        places |= Q(place_text__icontains=text) | Q(description__icontains=text)
    rows = queryset.filter(words, places).order_by("name").values_list("pk", flat=True)[:limit]
    return [(pk, 0.0) for pk in rows]


# --- Single records and the export ---------------------------------------------------


def resource_detail(resource_id) -> CommunityResource | None:
    return with_display_relations(CommunityResource.objects.filter(pk=resource_id)).first()


def resources_for_export(*, source: str | None = None) -> QuerySet:
    queryset = with_display_relations(CommunityResource.objects.all()).order_by(
        "source", "name", "source_id"
    )
    if source:
        queryset = queryset.filter(source=source)
    return queryset
