"""Caseload search never puts a name or a CHI number in an address (#11).

Addresses end up in browser history, server and proxy logs and Referer headers. The search
is sent by POST (with the CSRF token), kept in the session and shown after a redirect, so
neither the request path nor any address the page generates carries what was searched for.
It works without JavaScript: a plain form, a plain button, plain links.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from goldenthread.people.factories import AllocationFactory, PersonFactory

URL_ATTRIBUTES = re.compile(
    r'\b(?:href|action|src|formaction|hx-get|hx-post|hx-push-url|data-url)="([^"]*)"'
)


def addresses_in(html: str) -> list[str]:
    return [unquote_plus(url) for url in URL_ATTRIBUTES.findall(html)]


@pytest.fixture
def many_macdonalds(team, practitioner):
    people = PersonFactory.create_batch(30, team=team, family_name="Macdonald")
    for person in people:
        AllocationFactory(person=person, worker=practitioner)
    return people


def test_search_terms_never_appear_in_an_address(practitioner_client, many_macdonalds):
    wanted = many_macdonalds[0]
    url = reverse("people:caseload")
    for term in (
        "Macdonald",
        wanted.chi_number,
        f"{wanted.chi_number[:6]} {wanted.chi_number[6:]}",
    ):
        response = practitioner_client.post(url, {"q": term}, follow=True)
        assert response.status_code == 200
        # Every address the browser was sent to, and the page it ends on.
        for address, _ in response.redirect_chain:
            assert term not in unquote_plus(address)
        assert response.request["PATH_INFO"] == url
        assert not response.request.get("QUERY_STRING")
        body = response.content.decode()
        assert wanted.family_name in body  # the search worked
        for address in addresses_in(body):
            assert term.lower() not in address.lower(), address
            assert term.replace(" ", "") not in address.replace(" ", ""), address

    # Paging through results keeps the search and still puts no term in an address.
    practitioner_client.post(url, {"q": "Macdonald"})
    first = practitioner_client.get(url).content.decode()
    assert "30 people match" in first
    pages = [a for a in addresses_in(first) if "page=" in a]
    assert pages, "the results run to two pages"
    assert all(a.startswith(("?", url)) and "Macdonald" not in a for a in pages)
    second = practitioner_client.get(url + pages[-1] if pages[-1].startswith("?") else pages[-1])
    assert second.status_code == 200
    assert "30 people match" in second.content.decode()


def test_the_search_form_is_a_post_with_csrf_and_a_plain_button(
    practitioner_client, many_macdonalds
):
    body = practitioner_client.get(reverse("people:caseload")).content.decode()
    form = re.search(r'<form method="post" role="search"[^>]*>(.*?)</form>', body, re.S)
    assert form, "the search form is sent by POST"
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert '<label class="ds_label" for="caseload-search">' in form.group(1)
    assert '<button type="submit"' in form.group(1)


def test_search_without_the_csrf_token_is_refused(practitioner):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, practitioner)
    response = client.post(reverse("people:caseload"), {"q": "Macdonald"})
    assert response.status_code == 403


def test_clear_search_and_a_query_in_an_old_link_is_ignored(
    practitioner_client, person, team, practitioner
):
    other = PersonFactory(team=team, family_name="Zimmerman")
    AllocationFactory(person=other, worker=practitioner)
    url = reverse("people:caseload")
    practitioner_client.post(url, {"q": "Zimmerman"})
    body = practitioner_client.get(url).content.decode()
    assert "Zimmerman" in body and "Clear search" in body
    assert person.family_name not in body
    cleared = practitioner_client.post(url, {"clear": "1"}, follow=True).content.decode()
    assert "Clear search" not in cleared and "Zimmerman" in cleared
    # A bookmarked address from before still opens the caseload, but searches nothing.
    old = practitioner_client.get(url, {"q": "Zimmerman"}).content.decode()
    assert "Clear search" not in old and 'value="Zimmerman"' not in old


def test_an_over_long_search_gets_a_clear_message(practitioner_client, person):
    response = practitioner_client.post(reverse("people:caseload"), {"q": "x" * 101})
    assert response.status_code == 200
    assert "Search for 100 characters or fewer." in response.content.decode()


def test_the_search_belongs_to_the_signed_in_user(client, practitioner, other_practitioner, person):
    sign_in(client, practitioner)
    client.post(reverse("people:caseload"), {"q": "Macdonald"})
    sign_in(client, other_practitioner)  # a new sign-in starts a new session
    assert "Clear search" not in client.get(reverse("people:caseload")).content.decode()
