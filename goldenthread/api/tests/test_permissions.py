"""SEC-2, SEC-3 through the API (IO-1): every route is found in the router (a new route is
covered the day it is added); every route naming a person is refused to an unrelated
practitioner, a commissioner, a panel member and an administrator — 403 as problem+json,
the person's id not in the answer, exactly one DENIED row in the access log — with a
token and with a signed-in session; lists never include anyone outside the caller's
scope; a token never does what its owner cannot."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from conftest import sign_in
from goldenthread.api.main import api
from goldenthread.api.models import ApiToken, TokenScope
from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.factories import AllocationFactory, PersonFactory


def api_routes() -> list[tuple[str, str]]:
    """(method, path) of every operation, from the router itself."""
    routes = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    routes.append((method, "/api/v1" + (bound.prefix or "") + path))
    return sorted(set(routes))


ROUTES = api_routes()
PERSON_ROUTES = [(m, p) for m, p in ROUTES if "{uuidstr:person_id}" in p]
PARAM = re.compile(r"\{uuidstr:(\w+)\}")


def url_for(path: str, ids: dict) -> str:
    return PARAM.sub(lambda m: str(ids[m.group(1)]), path)


def test_routes_are_found():
    assert len(ROUTES) >= 30
    assert ("GET", "/api/v1/people") in ROUTES
    assert ("PATCH", "/api/v1/people/{uuidstr:person_id}") in ROUTES
    assert ("GET", "/api/v1/people/{uuidstr:person_id}/fhir") in ROUTES
    assert ("GET", "/api/v1/reports") in ROUTES
    # All but listing and adding people, and the reports (which name no one).
    assert ("POST", "/api/v1/possible-duplicates/{uuidstr:duplicate_id}/resolution") in ROUTES
    assert len(PERSON_ROUTES) == len(ROUTES) - 4


OUTSIDERS = ["other_practitioner", "commissioner", "panel_member", "administrator"]


@pytest.mark.parametrize(
    ("method", "path"), PERSON_ROUTES, ids=[f"{m} {p}" for m, p in PERSON_ROUTES]
)
@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("via", ["token", "session"])
def test_every_person_route_refuses_outsiders(request, client, full_record, method, path, who, via):
    user = request.getfixturevalue(who)
    unknown = set(PARAM.findall(path)) - set(full_record)
    assert not unknown, f"add {unknown} to the full_record fixture"
    url = url_for(path, full_record)
    token = None
    if via == "token":
        token = token_for(user)
    else:
        sign_in(client, user)
    before = AccessLog.objects.count()
    response = call(client, method, url, token, {} if method != "GET" else None, if_match='"1"')
    assert response.status_code == 403, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert full_record["person_id"].hex not in response.content.decode().replace("-", "")
    rows = list(AccessLog.objects.filter(actor=user))
    assert len(rows) == 1 and AccessLog.objects.count() == before + 1
    assert rows[0].action == AccessAction.DENIED
    assert rows[0].person_id == full_record["person_id"]
    if token:
        # The token's name has its own column; the route's name is all `what` says.
        assert rows[0].api_token_name == "Test system" and "Test system" not in rows[0].what
    else:
        assert rows[0].api_token_name is None


def test_every_person_route_logs_exactly_one_row_for_the_allocated_worker(
    client, full_record, practitioner
):
    token = token_for(practitioner)
    for method, path in PERSON_ROUTES:
        if method != "GET":
            continue
        before = AccessLog.objects.count()
        response = call(client, "get", url_for(path, full_record), token)
        assert response.status_code == 200, path
        assert AccessLog.objects.count() == before + 1, path
        row = AccessLog.objects.filter(actor=practitioner).order_by("-at").first()
        assert row.person_id == full_record["person_id"] and row.reason == "Allocated worker"
        assert row.api_token_name == "Test system" and row.what.startswith("api:")
        assert row.action == (AccessAction.EXPORT if path.endswith("/fhir") else AccessAction.VIEW)


@pytest.mark.parametrize(
    "who",
    ["practitioner", "other_practitioner", "team_leader", "other_team_leader", *OUTSIDERS[1:]],
)
def test_lists_never_include_people_outside_the_scope(request, client, full_record, team, who):
    from goldenthread.people.models import Person

    stranger = PersonFactory(team=team, family_name="Zstranger")
    AllocationFactory(person=stranger)
    user = request.getfixturevalue(who)
    ids = set()
    cursor = None
    token = token_for(user)
    while True:
        url = "/api/v1/people?limit=1" + (f"&cursor={cursor}" if cursor else "")
        body = call(client, "get", url, token).json()
        ids |= {item["id"] for item in body["items"]}
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert ids == {str(pk) for pk in Person.objects.visible_to(user).values_list("pk", flat=True)}
    if who == "practitioner":
        assert ids == {str(full_record["person_id"])}


# --- Tokens never do more than their owner ------------------------------------------------


def test_a_read_token_cannot_write(client, full_record, practitioner):
    token = token_for(practitioner, scope=TokenScope.READ)
    url = f"/api/v1/people/{full_record['person_id']}/circle"
    response = call(client, "post", url, token, {"name": "Bob", "relationship": "Friend"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("This API token may only read. To change")
    # The token may read the record: it was refused a change, not refused the record.
    row = AccessLog.objects.get(actor=practitioner)
    assert row.action == AccessAction.CHANGE_REFUSED and "may only read" in row.reason
    assert call(client, "get", url, token).status_code == 200


def test_only_casework_roles_may_hold_write_tokens(commissioner):
    from django.core.exceptions import ValidationError

    from goldenthread.api import services

    with pytest.raises(ValidationError, match="Only practitioners and team leaders"):
        services.api_token_create(
            actor=commissioner,
            name="x",
            scope=TokenScope.WRITE,
            expires_on=timezone.localdate() + datetime.timedelta(days=5),
        )


def test_a_deactivated_owners_tokens_stop_working(client, full_record, practitioner):
    token = token_for(practitioner)
    assert call(client, "get", "/api/v1/people", token).status_code == 200
    practitioner.is_active = False
    practitioner.save()
    response = call(client, "get", "/api/v1/people", token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_works_only_while_its_owner_has_a_second_factor(
    client, full_record, practitioner, settings
):
    """SEC-1: a token made while the second factor was off (or before the owner's app was
    reset) does not stand in for a second factor its owner does not have: 401 until they
    set one up; it works again then."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from goldenthread.api import services

    settings.GOLDENTHREAD_REQUIRE_2FA = False
    issued = services.api_token_create(
        actor=practitioner,
        name="Made with the second factor off",
        scope=TokenScope.READ,
        expires_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert call(client, "get", "/api/v1/people", issued.secret).status_code == 200
    settings.GOLDENTHREAD_REQUIRE_2FA = True
    before = AccessLog.objects.count()
    response = call(client, "get", "/api/v1/people", issued.secret)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "no second factor set up" in response.json()["detail"]
    assert AccessLog.objects.count() == before  # nothing was read
    TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    assert call(client, "get", "/api/v1/people", issued.secret).status_code == 200
    TOTPDevice.objects.filter(user=practitioner).delete()  # the app reset by an administrator
    assert call(client, "get", "/api/v1/people", issued.secret).status_code == 401


def test_a_token_follows_its_owners_role_today(client, full_record, practitioner):
    """A write token issued to a practitioner who becomes a commissioner reads nothing and
    writes nothing."""
    token = token_for(practitioner)
    practitioner.role = "commissioner"
    practitioner.save()
    assert call(client, "get", "/api/v1/people", token).json()["items"] == []
    url = f"/api/v1/people/{full_record['person_id']}/circle"
    assert (
        call(client, "post", url, token, {"name": "Bob", "relationship": "Friend"}).status_code
        == 403
    )


def test_ended_allocation_ends_the_tokens_access(client, full_record, practitioner):
    token = token_for(practitioner)
    url = f"/api/v1/people/{full_record['person_id']}"
    assert call(client, "get", url, token).status_code == 200
    allocation = practitioner.allocations.get()
    allocation.end_date = timezone.localdate() - datetime.timedelta(days=1)
    allocation.save()
    assert call(client, "get", url, token).status_code == 403


@pytest.mark.parametrize("state", ["revoked", "expired", "wrong", "malformed"])
def test_tokens_that_do_not_work(client, practitioner, state):
    token = token_for(practitioner)
    stored = ApiToken.objects.get(user=practitioner)
    if state == "revoked":
        stored.revoked_at = timezone.now()
        stored.save()
    elif state == "expired":
        stored.expires_at = timezone.now() - datetime.timedelta(seconds=1)
        stored.save()
    elif state == "wrong":
        token = token[:-4] + "AAAA"
    else:
        token = "not-a-token"
    response = call(client, "get", "/api/v1/people", token)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_supported_person_has_no_api(client, db):
    from goldenthread.accounts.factories import UserFactory

    person_user = UserFactory(role="person")
    sign_in(client, person_user)
    assert client.get("/api/v1/people").status_code == 403


def test_no_token_and_no_session(client):
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# --- Same-site calls with the session ------------------------------------------------------


def test_session_writes_need_the_csrf_token(full_record, practitioner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, practitioner)
    url = f"/api/v1/people/{full_record['person_id']}/circle"
    body = {"name": "Bob", "relationship": "Friend"}
    response = call(client, "post", url, None, body)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    client.get("/account/api-tokens/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = call(client, "post", url, None, body, x_csrftoken=token)
    assert response.status_code == 201


def test_session_must_have_passed_the_second_factor(client, practitioner):
    client.force_login(practitioner)  # password only
    response = client.get("/api/v1/people")
    assert response.status_code in (302, 401)  # sent to the security-code step


# --- Rate limit ---------------------------------------------------------------------------


def test_rate_limit_per_token(client, practitioner, settings):
    settings.GOLDENTHREAD_API_RATE_PER_MINUTE = 3
    token = token_for(practitioner)
    other = token_for(practitioner, name="Other system")
    for _ in range(3):
        assert call(client, "get", "/api/v1/people", token).status_code == 200
    response = call(client, "get", "/api/v1/people", token)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/problem+json"
    assert call(client, "get", "/api/v1/people", other).status_code == 200  # per token


def test_a_session_without_the_second_factor_gets_a_problem_not_a_redirect(client, practitioner):
    """A signed-in session that has not passed the second factor: 401 problem+json."""
    client.force_login(practitioner)
    response = client.get("/api/v1/people/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["title"] == "Second factor needed"


def test_the_list_of_people_is_in_each_listed_persons_access_log(
    client, full_record, practitioner, team
):
    """SEC-2, IO-1: GET /api/v1/people names people, so it writes one LIST row naming each
    person the page shows (as the caseload page does), with the token's name; someone not
    shown is not named; a page that shows no one is still one row."""
    someone_else = PersonFactory(team=team)
    token = token_for(practitioner, name="Finance system")
    before = AccessLog.objects.count()
    answer = call(client, "get", "/api/v1/people", token)
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()["items"]] == [str(full_record["person_id"])]
    [row] = AccessLog.objects.order_by("-seq")[: AccessLog.objects.count() - before]
    assert row.action == AccessAction.LIST and row.actor_id == practitioner.pk
    assert row.people_shown == [str(full_record["person_id"])]
    assert str(someone_else.pk) not in row.people_shown
    assert row.api_token_name == "Finance system"
    before = AccessLog.objects.count()
    assert call(client, "get", "/api/v1/people?q=Nobody", token).json()["items"] == []
    [row] = AccessLog.objects.order_by("-seq")[: AccessLog.objects.count() - before]
    assert row.action == AccessAction.VIEW and not row.people_shown
