"""Search by words and place (SS-4) on small, known data: ranking, stemming, prefixes,
place filtering, status, and query text that must never reach the database as syntax."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.directory.factories import CommunityResourceFactory, ResourceLocationFactory
from goldenthread.directory.selectors import fts5_match, parse_query, search_resources, tsquery_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources():
    made = {
        "lunch": CommunityResourceFactory(
            name="Westcliff Lunch Club",
            description="A hot two-course lunch for older people.",
            search_keywords="Westcliff Community Works\nOlder people",
        ),
        "carers": CommunityResourceFactory(
            name="Dementia Carers Peer Support",
            description="Carers of people with dementia meet to share what helps.",
            search_keywords="Carers' Support Service\nCarers",
        ),
        "cafe": CommunityResourceFactory(
            name="Memory Café",
            description="A relaxed café for people living with dementia "
            "and the people who care for them.",
            search_keywords="Dementia",
        ),
        "swim": CommunityResourceFactory(
            name="Over 60s Swimming",
            description="Gentle swimming sessions, with a lifeguard.",
            place_text="Riverside Leisure Centre\nScunthorpe\nDN15 7AB\nDN15",
        ),
        "walk": CommunityResourceFactory(
            name="Riverside Walking Group",
            description="Short walks for all abilities, finishing with a cup of tea.",
            place_text="Bristol\nBS5",
        ),
        "closed": CommunityResourceFactory(
            name="Old Lunch Club", description="A lunch club that has closed.", status="defunct"
        ),
        "shed": CommunityResourceFactory(
            name="Yate Men's Shed", description="Woodwork and company."
        ),
    }
    ResourceLocationFactory(
        resource=made["lunch"], town="Scunthorpe", postcode="DN16 1AA", postcode_district="DN16"
    )
    return made


def names(results):
    return [r.name for r in results]


def test_words_find_the_right_resources_best_first(resources):
    assert names(search_resources("lunch club"))[0] == "Westcliff Lunch Club"
    assert names(search_resources("dementia carers"))[0] == "Dementia Carers Peer Support"
    assert names(search_resources("swimming")) == ["Over 60s Swimming"]
    assert names(search_resources("walking group")) == ["Riverside Walking Group"]


def test_stemming_plurals_and_a_prefix(resources):
    assert "Dementia Carers Peer Support" in names(search_resources("carer"))
    assert "Dementia Carers Peer Support" in names(search_resources("carers"))
    assert names(search_resources("swim")) == ["Over 60s Swimming"]
    assert names(search_resources("swims")) == ["Over 60s Swimming"]
    assert names(search_resources("walk")) == ["Riverside Walking Group"]
    assert names(search_resources("mens shed")) == ["Yate Men's Shed"]
    assert names(search_resources("men's shed")) == ["Yate Men's Shed"]
    assert names(search_resources("cafe")) == ["Memory Café"]  # accents folded


def test_all_the_words_rank_before_some_of_them(resources):
    results = names(search_resources("dementia cafe"))
    assert results[0] == "Memory Café"
    assert "Dementia Carers Peer Support" in results  # only "dementia": after


def test_each_result_has_a_rank_organisation_and_locations(resources):
    result = search_resources("lunch")[0]
    assert result.rank > 0
    with CaptureQueriesContext(connection) as queries:
        assert result.organisation.name
        assert [loc.town for loc in result.locations.all()] == ["Scunthorpe"]
    assert len(queries) == 0


def test_place_filters_by_town_postcode_district_or_area(resources):
    assert names(search_resources("lunch", place="Scunthorpe")) == ["Westcliff Lunch Club"]
    assert names(search_resources("lunch", place="Bristol")) == []
    assert names(search_resources("", place="DN15 7AB")) == ["Over 60s Swimming"]
    assert names(search_resources("", place="dn15")) == ["Over 60s Swimming"]
    assert names(search_resources("swimming", place="Bristol, Scunthorpe")) == ["Over 60s Swimming"]
    assert names(search_resources("walks", place="BS5")) == ["Riverside Walking Group"]


def test_closed_resources_are_left_out_unless_asked_for(resources):
    assert "Old Lunch Club" not in names(search_resources("lunch club"))
    assert "Old Lunch Club" in names(search_resources("lunch club", include_inactive=True))


def test_limit_and_empty_searches(resources):
    assert len(search_resources("the people", limit=2)) == 2
    assert search_resources("") == []
    assert search_resources("   ") == []
    assert search_resources("the and of") == []  # only words too common to search


ODD_QUERIES = [
    '"',
    "'",
    '""',
    "AND",
    "OR NOT",
    "NEAR(lunch club)",
    "NEAR/2",
    "*",
    "lunch*",
    "(club",
    "club)",
    '"lunch club',
    "name:lunch",
    "{name body}: lunch",
    "^lunch",
    "-club",
    "+club",
    "lunch AND",
    "OR lunch",
    "lunch & club | !x",
    "club:*",
    "<->",
    "💙 lunch",
    "%",
    "_",
    "'; DROP TABLE directory_communityresource; --",
    "\\",
    "\x00lunch",
    "lunch\nclub",
    "x" * 1000,
    "a " * 300,
    "😀" * 50,
    "lunch:A",
    "ｌｕｎｃｈ",
    "ł ø ß",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_query_text_never_errors(resources, query):
    results = search_resources(query)
    assert isinstance(results, list)
    assert isinstance(search_resources("lunch", place=query), list)


def test_operators_typed_as_words_are_only_words(resources):
    # "NEAR(lunch club)" is the words "lunch" and "club" (near is a stop word).
    assert names(search_resources("NEAR(lunch club)"))[0] == "Westcliff Lunch Club"
    assert names(search_resources('"lunch club*'))[0] == "Westcliff Lunch Club"
    parsed = parse_query('lunch" OR "x* AND NEAR(', 'Scunthorpe"*')
    assert parsed.terms == ("lunch", "x")
    assert fts5_match(parsed) == '("lunch" AND "x") AND ("scunthorpe")'
    assert tsquery_text(parsed) == "('lunch' & 'x') & (('scunthorpe'))"


def test_query_count_does_not_grow_with_results(resources):
    with CaptureQueriesContext(connection) as one:
        assert len(search_resources("swimming")) == 1
    for n in range(15):
        CommunityResourceFactory(name=f"Swimming session {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(search_resources("swimming")) == 16
    assert len(many) == len(one) <= 3


def test_the_index_is_repaired_if_a_migration_drops_it(resources):
    from goldenthread.directory.search_index import drop_search_index, ensure_search_index

    if connection.vendor == "postgresql":  # the test's own inserts hold deferred checks
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    drop_search_index(connection)
    assert ensure_search_index(connection) is True  # put back and rebuilt from the table
    assert ensure_search_index(connection) is False
    assert names(search_resources("swimming")) == ["Over 60s Swimming"]
    CommunityResourceFactory(name="Swimming lessons for adults")
    assert len(search_resources("swimming")) == 2
