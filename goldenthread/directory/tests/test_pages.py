"""Directory pages (SS-4): casework staff only, feed text always escaped, the htmx
partial, the "Use this" button, and query counts that do not grow with results."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.directory.factories import CommunityResourceFactory, ResourceLocationFactory
from goldenthread.directory.presenters import results_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def lunch_club():
    resource = CommunityResourceFactory(
        name="Westcliff Lunch Club",
        description="A hot lunch every Tuesday.\n\nBring a friend: https://example.org/lunch",
        url="https://example.org/lunch",
        fees="£3.50 a meal",
        is_free=False,
        categories=[{"name": "Older people", "taxonomy": "Target audience"}],
        eligibility="People over 60",
        service_area="North Lincolnshire",
    )
    ResourceLocationFactory(
        resource=resource,
        name="Westcliff Hall",
        address="Church Lane",
        town="Scunthorpe",
        postcode="DN16 1AA",
        postcode_district="DN16",
        latitude=53.58,
        longitude=-0.65,
    )
    return resource


def test_pages_need_sign_in(client, lunch_club):
    for url in (
        reverse("directory:index"),
        reverse("directory:search") + "?q=lunch",
        reverse("directory:detail", args=[lunch_club.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_pages_are_for_casework_staff_only(client, commissioner, lunch_club):
    from conftest import sign_in

    sign_in(client, commissioner)
    for url in (
        reverse("directory:index"),
        reverse("directory:search") + "?q=lunch",
        reverse("directory:detail", args=[lunch_club.pk]),
    ):
        assert client.get(url).status_code == 403


def test_team_leaders_may_use_it(team_leader_client, lunch_club):
    response = team_leader_client.get(reverse("directory:index"), {"q": "lunch"})
    assert response.status_code == 200
    assert "Westcliff Lunch Club" in response.content.decode()


def test_search_page_lists_results_with_the_essentials(practitioner_client, lunch_club):
    response = practitioner_client.get(reverse("directory:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Community directory" in page and 'name="q"' in page and 'name="place"' in page
    assert "ds_search-results__title" not in page and "No results" not in page

    response = practitioner_client.get(
        reverse("directory:index"), {"q": "lunch club", "place": "Scunthorpe"}
    )
    page = response.content.decode()
    assert "1 result for “lunch club” in or near Scunthorpe" in page
    assert "Westcliff Lunch Club" in page
    assert "A hot lunch every Tuesday." in page
    assert "Scunthorpe, DN16" in page and "£3.50 a meal" in page
    assert lunch_club.organisation.name in page
    assert 'href="https://example.org/lunch"' in page
    assert reverse("directory:detail", args=[lunch_club.pk]) in page
    assert "<script>" not in page.split("</head>")[1].split('<script type="module"')[0]
    assert " style=" not in page


def test_no_results_says_what_to_try(practitioner_client, lunch_club):
    page = practitioner_client.get(reverse("directory:index"), {"q": "abseiling"}).content
    assert "No results for “abseiling”" in page.decode()
    assert "Try fewer or different words" in page.decode()


def test_feed_text_is_always_escaped(practitioner_client):
    resource = CommunityResourceFactory(
        name='<script>alert("name")</script> Lunch',
        description='Lunch <b>bold</b> <img src=x onerror=alert(1)> & "quotes"',
        url="javascript:alert(1)",
        fees="<i>£2</i>",
        categories=[{"name": "<em>Carers</em>", "taxonomy": "x"}],
    )
    for url, params in (
        (reverse("directory:index"), {"q": "lunch"}),
        (reverse("directory:detail", args=[resource.pk]), {}),
    ):
        page = practitioner_client.get(url, params).content.decode()
        assert '<script>alert("name")' not in page
        assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; Lunch" in page
        assert "<img src=x" not in page and "<b>bold</b>" not in page and "<i>£2" not in page
        assert "javascript:alert" not in page
    assert "&lt;em&gt;Carers&lt;/em&gt;" in page


def test_detail_page(practitioner_client, lunch_club):
    url = reverse("directory:detail", args=[lunch_club.pk])
    page = practitioner_client.get(url, {"back": "/directory/?q=lunch"}).content.decode()
    assert "<h1>Westcliff Lunch Club</h1>" in page
    assert "<p>A hot lunch every Tuesday.</p>" in page
    assert '<a href="https://example.org/lunch" rel="nofollow">' in page  # urlize
    for text in (
        "Run by",
        "Cost",
        "£3.50 a meal",
        "Who it is for",
        "People over 60",
        "Older people",
        "Area covered",
        "North Lincolnshire",
        "Westcliff Hall",
        "Church Lane",
        "DN16 1AA",
        "Show on a map",
        "From the test-feed directory feed",
    ):
        assert text in page, text
    assert 'href="/directory/?q=lunch"' in page and "Back to search results" in page
    evil = practitioner_client.get(url, {"back": "https://evil.example/"}).content.decode()
    assert "evil.example" not in evil


def test_unknown_resource_is_not_found(practitioner_client):
    url = reverse("directory:detail", args=["00000000-0000-0000-0000-000000000000"])
    assert practitioner_client.get(url).status_code == 404


def test_htmx_gets_just_the_results(practitioner_client, lunch_club):
    response = practitioner_client.get(
        reverse("directory:search"), {"q": "lunch"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<h1>" not in page
    assert "Westcliff Lunch Club" in page
    assert 'id="directory-results-status" hx-swap-oob="innerHTML">1 result for' in page
    assert "HX-Request" in response["Vary"]
    full = practitioner_client.get(reverse("directory:search"), {"q": "lunch"})
    assert "<html" in full.content.decode()


def test_use_this_button_posts_only_to_adding_a_solution_for_a_person_i_may_see(
    practitioner_client, lunch_club, full_record, other_team
):
    """#11: `select` once pointed every button at any path (a crafted link deleted a
    solution). Only the Support Sequence's "add from the directory" of a person the user
    may see gives a button; anything else gives none."""
    from goldenthread.people.factories import PersonFactory

    person_id, outcome_id = full_record["person_id"], full_record["outcome_id"]
    select = reverse("support:step_directory", args=[person_id, outcome_id, "community"])
    page = practitioner_client.get(
        reverse("directory:search"), {"q": "lunch", "select": select + "?x=1#y"}
    ).content.decode()
    assert f'<form method="post" action="{select}">' in page
    assert f'name="resource_id" value="{lunch_club.pk}"' in page
    assert 'Use this<span class="visually-hidden">: Westcliff Lunch Club</span>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    stranger = PersonFactory(team=other_team)
    for bad in (
        "https://evil.example/",
        "//evil.example/x",
        "/no/such/page/",
        reverse("people:caseload"),
        reverse("support:solution_remove", args=[person_id, full_record["solution_id"]]),
        reverse("people:allocation_end", args=[person_id, full_record["allocation_id"]]),
        reverse("support:step_directory", args=[stranger.pk, outcome_id, "community"]),
        "/\\evil.example/",
        "javascript:alert(1)",
    ):
        page = practitioner_client.get(
            reverse("directory:search"), {"q": "lunch", "select": bad}
        ).content.decode()
        assert "Use this" not in page, bad
        assert 'method="post" action=' not in page.split('id="directory-results-list"')[1], bad


def test_partial_can_be_included_with_a_url_name(rf, lunch_club, person):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    context = results_context(
        "lunch", select_url_name="people:detail", select_kwargs={"person_id": person.pk}
    )
    html = render_to_string("directory/_results.html", context, request=request)
    assert f'action="{reverse("people:detail", args=[person.pk])}"' in html
    assert "Westcliff Lunch Club" in html and 'name="csrfmiddlewaretoken"' in html
    plain = render_to_string("directory/_results.html", results_context("lunch"), request=request)
    assert "Use this" not in plain


def test_search_page_query_count_does_not_grow(practitioner_client, lunch_club):
    url = reverse("directory:search")
    practitioner_client.get(url, {"q": "lunch"})  # warm the session and user
    with CaptureQueriesContext(connection) as one:
        assert practitioner_client.get(url, {"q": "lunch"}).status_code == 200
    for n in range(12):
        resource = CommunityResourceFactory(name=f"Lunch group {n}")
        ResourceLocationFactory(resource=resource)
    with CaptureQueriesContext(connection) as many:
        page = practitioner_client.get(url, {"q": "lunch"}).content.decode()
    assert "13 results" in page
    assert len(many) == len(one)
    assert len(many) <= 12, [q["sql"] for q in many.captured_queries]


def test_bad_form_input_gets_a_message(practitioner_client, lunch_club):
    page = practitioner_client.get(reverse("directory:index"), {"q": "x" * 300}).content.decode()
    assert "Use 200 characters or fewer." in page


def test_results_with_only_some_of_the_words_come_after_a_heading(practitioner_client, lunch_club):
    CommunityResourceFactory(name="Chess Club", description="Chess for all ages.")
    page = practitioner_client.get(reverse("directory:index"), {"q": "lunch club"}).content.decode()
    assert "2 results for “lunch club”" in page
    assert page.index("Westcliff Lunch Club") < page.index("These match some of your words")
    assert page.index("These match some of your words") < page.index("Chess Club")
    page = practitioner_client.get(
        reverse("directory:index"), {"q": "chess tournament"}
    ).content.decode()
    assert "Nothing matches all your words. These match some of them." in page
    assert "Chess Club" in page and "These match some of your words" not in page


@pytest.mark.parametrize("typed", ["🙂", "((("])
def test_a_search_of_no_words_says_no_results(practitioner_client, lunch_club, typed):
    """A probe searched for only an emoji, or only brackets: the page came back blank, as
    if nothing had been asked."""
    page = practitioner_client.get(reverse("directory:index"), {"q": typed}).content.decode()
    assert f"No results for “{typed}”" in page
    assert "Try fewer or different words" in page
