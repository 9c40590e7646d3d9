"""Fixtures for the API's write tests: the person's API address, a practitioner's write
and read-only tokens, and someone whose record the practitioner may not open."""

from __future__ import annotations

import pytest

from goldenthread.api.models import TokenScope
from goldenthread.api.tests.helpers import call, token_for
from goldenthread.people.factories import PersonFactory


@pytest.fixture
def base(full_record):
    return f"/api/v1/people/{full_record['person_id']}"


def _caller(client, base, token):
    def do(method, path="", body=None, **headers):
        return call(client, method, base + path, token, body, **headers)

    return do


@pytest.fixture
def api(client, base, practitioner):
    """Calls with a practitioner's write token (test_api_writes has its own)."""
    return _caller(client, base, token_for(practitioner))


@pytest.fixture
def reader(client, base, practitioner):
    return _caller(client, base, token_for(practitioner, scope=TokenScope.READ, name="Read only"))


@pytest.fixture
def stranger(other_team):
    """Someone whose record the practitioner may not open."""
    return PersonFactory(team=other_team, family_name="Zstranger")
