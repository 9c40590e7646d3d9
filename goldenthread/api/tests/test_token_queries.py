"""SEC-1, #19: a token call reads its token, the owner, their team and whether the owner has
a second factor in one query (the second-factor check cost one or two more on every call),
and a revoked token, an expired one or an owner's removed app still stop it at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.api import services
from goldenthread.api.models import ApiToken
from goldenthread.api.tests.helpers import call, token_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

# A person's record through a token: the token with its owner, team and second factor (1),
# the person in scope (1), the access-log row (2: the chain's last row, the insert), the
# plan transfers the answer lists (1).
PERSON_CALL_QUERIES = {"sqlite": 5, "postgresql": 4}  # SQLite's access-log row: one more


def _person(client, person, token):
    return call(client, "get", f"/api/v1/people/{person.pk}", token)


def test_a_token_call_reads_the_token_and_the_second_factor_in_one_query(
    client, practitioner, person
):
    token = token_for(practitioner)
    assert _person(client, person, token).status_code == 200  # notes the token's first use
    with CaptureQueriesContext(connection) as queries:
        answer = _person(client, person, token)
    assert answer.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == PERSON_CALL_QUERIES[connection.vendor], "\n".join(sql)
    assert "api_apitoken" in sql[0] and "otp_totp_totpdevice" in sql[0]
    assert not any("otp_" in q for q in sql[1:])


def test_revoking_a_token_or_removing_the_app_stops_it_at_once(client, practitioner, person):
    token = token_for(practitioner)
    assert _person(client, person, token).status_code == 200
    TOTPDevice.objects.filter(user=practitioner).delete()
    refused = _person(client, person, token)
    assert refused.status_code == 401 and "no second factor" in refused.json()["detail"]

    TOTPDevice.objects.create(user=practitioner, name="new phone", confirmed=True)
    assert _person(client, person, token).status_code == 200
    services.api_token_revoke(actor=practitioner, token=ApiToken.objects.get())
    refused = _person(client, person, token)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_codes_by_e_mail_count_as_a_second_factor_for_the_token_check(practitioner):
    token = token_for(practitioner)
    TOTPDevice.objects.filter(user=practitioner).delete()
    assert not services.owner_has_second_factor(services.token_find(token))
    EmailDevice.objects.create(user=practitioner, name="e-mail", confirmed=True)
    assert services.owner_has_second_factor(services.token_find(token))
    EmailDevice.objects.filter(user=practitioner).update(confirmed=False)
    assert not services.owner_has_second_factor(services.token_find(token))
