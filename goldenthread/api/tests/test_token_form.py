"""The page that makes an API token (/account/api-tokens/): its refusals are the service's
own plain words, never Django's defaults (SEC-6, A11Y-3), and a token's name is checked in
the transaction that makes the token."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from conftest import sign_in
from goldenthread.api import services
from goldenthread.api.models import ApiToken, TokenScope


def post(client, **values):
    data = {
        "name": "Finance system",
        "scope": "read",
        "expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        **values,
    }
    return client.post("/account/api-tokens/", data)


def errors_of(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Your API tokens – Golden Thread</title>" in page
    assert not ApiToken.objects.exists()
    return page


def test_a_name_too_long_is_refused_in_plain_words(client, practitioner):
    sign_in(client, practitioner)
    page = errors_of(post(client, name="x" * 61))
    assert "Use a name of 60 characters or fewer." in page
    assert "Ensure this value" not in page


@pytest.mark.parametrize("scope", ["admin", "WRITE", ""])
def test_a_choice_not_offered_is_refused_in_plain_words(client, practitioner, scope):
    sign_in(client, practitioner)
    page = errors_of(post(client, scope=scope))
    assert "Choose whether the token may read only, or read and write." in page
    assert "Select a valid choice" not in page and "is not one of the" not in page


def test_a_role_that_reads_only_is_told_why_write_is_refused(client, commissioner):
    sign_in(client, commissioner)
    page = errors_of(post(client, scope="write"))
    assert "Only practitioners and team leaders may have a token that writes." in page
    assert "Select a valid choice" not in page


def test_the_form_still_makes_a_token(client, practitioner):
    sign_in(client, practitioner)
    assert post(client, scope="write").context["issued"].token.scope == TokenScope.WRITE


@pytest.mark.django_db(transaction=True)
def test_the_name_is_checked_in_the_transaction_that_makes_the_token(practitioner, monkeypatch):
    """Checked outside it, two requests at once could both find the name free and both make
    a working token of that name."""
    seen = []
    check = services._check_token

    def watched(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return check(*args, **kwargs)

    monkeypatch.setattr(services, "_check_token", watched)
    expires = timezone.localdate() + datetime.timedelta(days=5)
    services.api_token_create(actor=practitioner, name="A", scope="read", expires_on=expires)
    assert seen == [True]


@pytest.mark.parametrize(
    "typed", ["31 3 2027", "31/03/2027", "31-3-2027", "31.3.2027", "31 March 2027", "2027-03-31"]
)
def test_a_date_typed_as_the_message_shows_makes_the_token(
    client, practitioner, pinned_clock, typed
):
    """Where there is no date box (an older browser, a script posting the form) the date is
    typed: "Enter a real date, for example 31 3 2027" refused 31 3 2027 itself, so a new
    user following the message got the same message again and no token."""
    sign_in(client, practitioner)
    response = post(client, expires_on=typed)
    issued = response.context["issued"]
    assert timezone.localtime(issued.token.expires_at).date() == datetime.date(2027, 3, 31)


def test_a_date_that_is_not_one_is_still_refused_with_an_example_that_works(client, practitioner):
    sign_in(client, practitioner)
    page = errors_of(post(client, expires_on="31 2 2027"))
    assert "Enter a real date, for example 31 3 2027." in page


def test_the_new_token_is_shown_with_how_to_use_it_and_it_works(client, practitioner):
    """A new user gets a token from the page and uses it with the API as the page says."""
    sign_in(client, practitioner)
    intro = client.get("/account/api-tokens/").content.decode()
    assert 'fill in <a href="#make">Make a token</a> below' in intro
    response = post(client)
    page = response.content.decode()
    secret = response.context["issued"].secret
    assert f'value="{secret}"' in page and f"Authorization: Bearer {secret}" in page
    assert "http://testserver/api/v1/people</code>" in page
    assert "this token may only read" in page
    client.logout()
    answer = client.get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200 and "items" in answer.json()
    written = client.post(
        "/api/v1/people",
        {"given_name": "A", "family_name": "B"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert written.status_code == 403
    assert (
        "make a token that may read and write on your API tokens page" in (written.json()["detail"])
    )
