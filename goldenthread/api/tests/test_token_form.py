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
