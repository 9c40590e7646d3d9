"""IO-1: what the API does with a record — every write goes through the page's own service
(same validation, versions and change history), ETag/If-Match, problem+json errors, cursor
pages — and the pages around it (tokens on the account page, the docs page)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from conftest import sign_in
from goldenthread.api.models import ApiToken
from goldenthread.api.services import hash_token
from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.outcomes.models import Outcome
from goldenthread.people.factories import CircleMemberFactory
from goldenthread.people.models import CircleMember, Person


@pytest.fixture
def api(client, full_record, practitioner):
    token = token_for(practitioner)
    base = f"/api/v1/people/{full_record['person_id']}"

    def do(method, path="", body=None, **headers):
        return call(client, method, base + path, token, body, **headers)

    return do


def etag_of(response) -> str:
    return response["ETag"]


# --- Concurrency: ETag and If-Match -------------------------------------------------------


def test_a_write_needs_if_match_and_a_stale_one_is_refused(api, full_record, practitioner):
    read = api("get")
    assert read["ETag"] == '"1"'
    missing = api("patch", body={"preferred_name": "Jeannie"})
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    assert api("patch", body={"preferred_name": "Jeannie"}, if_match="*").status_code == 428
    assert api("patch", body={"preferred_name": "Jeannie"}, if_match="three").status_code == 400
    ok = api("patch", body={"preferred_name": "Jeannie"}, if_match=read["ETag"])
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    assert ok.json()["preferred_name"] == "Jeannie"
    stale = api("patch", body={"preferred_name": "Jay"}, if_match=read["ETag"])
    assert stale.status_code == 412
    problem = stale.json()
    assert problem["current_version"] == 2 and problem["current"]["preferred_name"] == "Jeannie"
    assert Person.objects.get(pk=full_record["person_id"]).preferred_name == "Jeannie"
    # The same service as the page: the change history has the change, by the token's owner.
    change = ChangeRecord.objects.get(object_type="people.Person", action="update")
    assert change.actor == practitioner and change.after["preferred_name"] == "Jeannie"


def test_main_reason_for_support_read_and_changed_as_on_the_details_page(
    api, full_record, practitioner
):
    """#14 (AGG-1, IO-1): the person's main reason for support on the person routes: read,
    changed through the details form's service (If-Match, the change history), a stale
    change refused, a code not on the list refused, and cleared with ""."""
    read = api("get")
    assert read.json()["support_reason"] == ""
    bad = api("patch", body={"support_reason": "sad"}, if_match=read["ETag"])
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"support_reason"}
    ok = api("patch", body={"support_reason": "dementia"}, if_match=read["ETag"])
    assert ok.status_code == 200 and ok.json()["support_reason"] == "dementia"
    assert Person.objects.get(pk=full_record["person_id"]).support_reason == "dementia"
    change = ChangeRecord.objects.get(object_type="people.Person", action="update")
    assert change.actor == practitioner
    assert (change.before["support_reason"], change.after["support_reason"]) == ("", "dementia")
    stale = api("patch", body={"support_reason": "carer"}, if_match=read["ETag"])
    assert stale.status_code == 412
    assert stale.json()["current"]["support_reason"] == "dementia"
    cleared = api("patch", body={"support_reason": ""}, if_match=ok["ETag"])
    assert cleared.status_code == 200 and cleared.json()["support_reason"] == ""


def test_validation_errors_name_the_fields(api):
    read = api("get")
    response = api(
        "patch", body={"date_of_birth": "2999-01-01", "chi_number": "123"}, if_match=read["ETag"]
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"date_of_birth"} <= fields
    response = api("post", "/circle", {"relationship": "Friend", "colour": "blue"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"name", "colour"}


def test_a_body_that_is_not_json(client, full_record, practitioner):
    response = client.post(
        f"/api/v1/people/{full_record['person_id']}/circle",
        data="{",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(practitioner)}",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The body is not valid JSON."


def test_a_body_over_the_upload_limit_is_413_not_500(client, full_record, practitioner, settings):
    """Found by the outside probe: a body over DATA_UPLOAD_MAX_MEMORY_SIZE was a 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    members = CircleMember.objects.count()
    response = client.post(
        f"/api/v1/people/{full_record['person_id']}/circle",
        data=json.dumps({"name": "Ann " + "x" * 2000, "relationship": "Friend"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(practitioner)}",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/too-large")
    assert response.json()["detail"] == (
        "The body is larger than the 1000\xa0bytes one call may send. Nothing was saved."
    )
    assert CircleMember.objects.count() == members


def test_a_server_error_is_a_problem_without_a_stack_trace(api, monkeypatch):
    from goldenthread.people import services

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "circle_member_add", broken)
    response = api("post", "/circle", {"name": "Bob", "relationship": "Friend"})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    assert "secret internals" not in body and "Traceback" not in body
    assert response.json()["instance"] == f"urn:goldenthread:request:{response['X-Request-ID']}"


def test_unknown_addresses_and_methods_answer_problems(client, full_record, practitioner):
    token = token_for(practitioner)
    response = call(client, "get", "/api/v1/nothing/here", token)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    response = call(client, "delete", f"/api/v1/people/{full_record['person_id']}", token)
    assert response.status_code == 405 and response["Allow"] == "GET, PATCH"
    assert response["Content-Type"] == "application/problem+json"


# --- Cursor pages ---------------------------------------------------------------------------


def test_cursor_pages_never_skip_or_repeat(api, full_record):
    person = Person.objects.get(pk=full_record["person_id"])
    for n in range(6):
        CircleMemberFactory(person=person, name=f"Friend {n}")
    seen, cursor = [], None
    while True:
        body = api("get", "/circle?limit=2" + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [m["name"] for m in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        CircleMemberFactory(person=person, name="Aaron (added meanwhile)")  # before the cursor
    assert seen == list(
        person.circle.exclude(name__startswith="Aaron")
        .order_by("name", "id")
        .values_list("name", flat=True)
    )
    assert api("get", "/circle?cursor=forged").status_code == 400
    # A cursor is bound to its list: the circle's next page is no cursor for outcomes.
    circle_cursor = api("get", "/circle?limit=1").json()["next_cursor"]
    assert circle_cursor and api("get", f"/circle?cursor={circle_cursor}").status_code == 200
    assert api("get", f"/outcomes?cursor={circle_cursor}").status_code == 400


# --- Writes, through the pages' services ------------------------------------------------------


def test_circle_member_add_and_update(api, practitioner):
    created = api("post", "/circle", {"name": "Bob", "relationship": "Neighbour"})
    assert created.status_code == 201 and created["ETag"] == '"1"'
    member = created.json()
    path = f"/circle/{member['id']}"
    updated = api("patch", path, {"is_unpaid_carer": True}, if_match=created["ETag"])
    assert updated.status_code == 200 and updated.json()["is_unpaid_carer"] is True
    assert (
        ChangeRecord.objects.filter(object_type="people.CircleMember", actor=practitioner).count()
        == 2
    )


def test_outcome_create_and_update_keep_every_wording(api, full_record):
    outcome = Outcome.objects.get(pk=full_record["outcome_id"])
    created = api(
        "post",
        "/outcomes",
        {
            "positive_change_id": str(outcome.positive_change_id),
            "statement": "I will walk to the shop on my own",
        },
    )
    assert created.status_code == 201
    new = created.json()
    assert new["checker_codes"] and new["checks"]  # the checker ran, as on the page
    changed = api(
        "patch",
        f"/outcomes/{new['id']}",
        {"statement": "I walk to the shop myself"},
        if_match=created["ETag"],
    )
    assert changed.status_code == 200
    assert [w["statement"] for w in changed.json()["wordings"]] == [
        "I will walk to the shop on my own",
        "I walk to the shop myself",
    ]
    other = api("post", "/outcomes", {"positive_change_id": str(outcome.pk), "statement": "x"})
    assert other.status_code == 422  # not one of the person's positive changes


def test_solution_add_and_status(api, full_record):
    added = api(
        "post",
        f"/outcomes/{full_record['outcome_id']}/solutions",
        {"step": "community", "what": "Lunch club", "cost": "3.50", "cost_period": "week"},
    )
    assert added.status_code == 201
    solution = added.json()
    assert solution["status"] == "idea" and solution["cost"] == "3.50"
    changed = api(
        "patch",
        f"/solutions/{solution['id']}",
        {"status": "agreed", "status_note": "Jean wants to try it"},
        if_match=added["ETag"],
    )
    assert changed.status_code == 200
    history = changed.json()["status_history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("", "idea"),
        ("idea", "agreed"),
    ]
    assert history[-1]["note"] == "Jean wants to try it"
    bad = api(
        "post",
        f"/outcomes/{full_record['outcome_id']}/solutions",
        {"step": "community", "what": "Taxi", "cost": "3.50"},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cost_period"


def test_unmet_need_add_and_met(api):
    today = timezone.localdate()
    added = api(
        "post",
        "/unmet-need",
        {
            "need": "A lift on Sundays",
            "category": "getting_out",
            "reason": "no_provider",
            "identified_on": str(today),
        },
    )
    assert added.status_code == 201
    need = added.json()
    met = api(
        "patch",
        f"/unmet-need/{need['id']}",
        {"met_on": str(today), "how_met": "A neighbour drives her"},
        if_match=added["ETag"],
    )
    assert met.status_code == 200 and met.json()["met_on"] == str(today)
    early = api(
        "patch",
        f"/unmet-need/{need['id']}",
        {"met_on": str(today - datetime.timedelta(days=5)), "how_met": "x"},
        if_match=met["ETag"],
    )
    assert early.status_code == 422


def test_review_rating(api, full_record):
    path = f"/reviews/{full_record['review_id']}/outcomes/{full_record['outcome_id']}"
    before = api("get", path)
    assert before.status_code == 200 and before["ETag"] == '"0"'
    assert before.json()["outcome_review"] is None
    body = {"rating": "partly", "evidence": "She went twice in May.", "decision": "keep"}
    assert api("put", path, body).status_code == 428
    recorded = api("put", path, body, if_match='"0"')
    assert recorded.status_code == 200
    assert recorded.json()["outcome_review"]["rating"] == "partly"
    assert api("put", path, body, if_match='"0"').status_code == 412
    again = api("put", path, {**body, "rating": "achieved"}, if_match=recorded["ETag"])
    assert again.json()["outcome_review"]["rating"] == "achieved"


def test_budget_request_and_the_four_eyes(client, full_record, practitioner, team_leader):
    from goldenthread.sds.factories import set_limits

    set_limits()
    base = f"/api/v1/people/{full_record['person_id']}/budget-requests"
    mine = token_for(practitioner)
    body = {
        "start_date": str(timezone.localdate()),
        "case_for_request": "Lunch club twice a week",
        "lines": [
            {
                "description": "Lunch club",
                "amount": "7.00",
                "period": "week",
                "outcome_id": str(full_record["outcome_id"]),
            }
        ],
    }
    created = call(client, "post", base, mine, body)
    assert created.status_code == 201
    request = created.json()
    assert request["total_per_year"] == "364.00" and request["status"] == "awaiting"
    decision = f"{base}/{request['id']}/decision"
    # Whoever sent it never decides it (Std 8.2): refused, one row (a refused change, with
    # why: the sender may open the record, so not DENIED), nothing changed.
    before = AccessLog.objects.count()
    refused = call(
        client,
        "post",
        decision,
        mine,
        {"action": "approve", "reasons_for_person": "Yes"},
        if_match=created["ETag"],
    )
    assert refused.status_code == 403
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("at")
    assert row.action == AccessAction.CHANGE_REFUSED and "You sent this request" in row.reason
    leader = token_for(team_leader)
    allowed = call(client, "get", decision, leader).json()
    assert allowed["may_decide"] is True
    agreed = call(
        client,
        "post",
        decision,
        leader,
        {"action": "approve", "reasons_for_person": "It meets Jean's outcome."},
        if_match=created["ETag"],
    )
    assert agreed.status_code == 200 and agreed.json()["status"] == "approved"
    row = AccessLog.objects.filter(actor=team_leader).latest("at")
    assert row.action == AccessAction.CHANGE and row.what.startswith("api:budget_request_decision")
    # The same form twice (submission_token) makes one request.
    token_body = {**body, "submission_token": "6b0e3c52-8c3e-4a43-9f0f-1c2d3e4f5a6b"}
    first = call(client, "post", base, mine, token_body)
    second = call(client, "post", base, mine, token_body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Decimal(first.json()["total_per_year"]) == Decimal("364.00")


# --- The account page: API tokens -------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(client, practitioner):
    sign_in(client, practitioner)
    page = client.get("/account/api-tokens/")
    assert page.status_code == 200
    expires = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        "/account/api-tokens/",
        {"name": "Finance system", "scope": "write", "expires_on": expires.isoformat()},
    )
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret.startswith("gt_") and secret in response.content.decode()
    stored = ApiToken.objects.get(user=practitioner)
    assert stored.token_hash == hash_token(secret) and secret not in json.dumps(
        list(ApiToken.objects.values()), default=str
    )
    assert secret not in client.get("/account/api-tokens/").content.decode()  # once only
    change = ChangeRecord.objects.get(object_type="api.ApiToken")
    assert stored.token_hash not in json.dumps(change.after)
    # It works, then it is revoked and does not.
    assert call(client.__class__(), "get", "/api/v1/people", secret).status_code == 200
    client.post("/account/api-tokens/revoke/", {"token": str(stored.pk)})
    assert call(client.__class__(), "get", "/api/v1/people", secret).status_code == 401


def test_the_header_shown_is_the_one_that_works(client, practitioner):
    """A11Y-3: the header shown with the new token is the whole token (gt_<prefix>_<secret>),
    never its bare prefix (which the API refuses); the list shows how each token begins."""
    sign_in(client, practitioner)
    expires = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        "/account/api-tokens/",
        {"name": "Finance system", "scope": "read", "expires_on": expires.isoformat()},
    )
    secret = response.context["issued"].secret
    prefix = ApiToken.objects.get(user=practitioner).prefix
    assert secret.startswith(f"gt_{prefix}_")
    page = response.content.decode()
    assert f'<code class="gt_token-header">Authorization: Bearer {secret}</code>' in page
    assert f"Bearer {prefix}" not in page
    assert call(client.__class__(), "get", "/api/v1/people", secret).status_code == 200
    listing = client.get("/account/api-tokens/").content.decode()
    assert f"Starts gt_{prefix}_…" in listing and secret not in listing


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "The date the token stops working must be today or later."),
        (367, "The date the token stops working must be on or before 9 December 2027."),
    ],
)
def test_expiry_is_required_and_at_most_the_latest_date_the_page_names(
    client, practitioner, days, message
):
    with time_machine.travel(datetime.datetime(2026, 12, 8, 12, tzinfo=datetime.UTC), tick=False):
        sign_in(client, practitioner)
        page = client.get("/account/api-tokens/").content.decode()
        # The hint names the same latest date as the refusal (366 days: 9 December 2027).
        assert "Today or any day up to 9 December 2027." in page
        response = client.post(
            "/account/api-tokens/",
            {
                "name": "x",
                "scope": "read",
                "expires_on": (timezone.localdate() + datetime.timedelta(days=days)).isoformat(),
            },
        )
    assert message in response.content.decode()
    assert "<title>Error: Your API tokens – Golden Thread</title>" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, 366])
def test_a_token_may_stop_working_today_or_on_the_latest_date(client, practitioner, days):
    """A probe's token for today was refused as "must be in the future", though a token
    works to the end of its last day."""
    with time_machine.travel(datetime.datetime(2026, 12, 8, 12, tzinfo=datetime.UTC), tick=False):
        sign_in(client, practitioner)
        expires = timezone.localdate() + datetime.timedelta(days=days)
        response = client.post(
            "/account/api-tokens/",
            {"name": "x", "scope": "read", "expires_on": expires.isoformat()},
        )
    assert response.status_code == 200 and response.context["issued"], response.content
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == expires


def test_someone_elses_token_cannot_be_revoked(client, practitioner, other_practitioner):
    token_for(other_practitioner)
    theirs = ApiToken.objects.get()
    sign_in(client, practitioner)
    assert client.post("/account/api-tokens/revoke/", {"token": str(theirs.pk)}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_an_administrator_revokes_a_leavers_token_and_a_team_leader_does_not(
    practitioner, team_leader, administrator
):
    """#17 (SEC-1): besides its owner, only an administrator (the Role, through the rules
    predicate) revokes a token."""
    from django.core.exceptions import PermissionDenied

    from goldenthread.api.services import api_token_revoke

    token_for(practitioner)
    stored = ApiToken.objects.get()
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=team_leader, token=stored)
    stored.refresh_from_db()
    assert stored.revoked_at is None
    assert api_token_revoke(actor=administrator, token=stored).revoked_at is not None
    assert ChangeRecord.objects.filter(object_type="api.ApiToken", actor=administrator).exists()


def test_a_commissioner_may_hold_only_read_tokens(client, commissioner):
    sign_in(client, commissioner)
    page = client.get("/account/api-tokens/").content.decode()
    assert 'value="write"' not in page and "read only" in page


# --- The docs page -----------------------------------------------------------------------------


def test_docs_for_signed_in_staff_drawn_from_the_openapi_document(client, practitioner):
    assert client.get("/api/v1/docs/").status_code == 302  # sign in first
    sign_in(client, practitioner)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "PATCH /api/v1/people/{person_id}" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_openapi_document(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    responses = document["paths"]["/api/v1/people/{person_id}"]["patch"]["responses"]
    assert "application/problem+json" in responses["412"]["content"]
    assert document["components"]["securitySchemes"]["ApiAuth"]["scheme"] == "bearer"
    # The main reason for support (#14): its codes listed wherever a person is read or written.
    schemas = document["components"]["schemas"]
    for name in ("PersonOut", "PersonIn", "PersonPatch"):
        field = schemas[name]["properties"]["support_reason"]
        codes = field.get("enum") or next(
            option["enum"] for option in field["anyOf"] if "enum" in option
        )
        assert {"", "dementia", "carer"} <= set(codes), name
        # In plain words: the data item's official name is cited once, as what PHS calls it.
        assert field["description"].startswith("The person's main reason for support"), name
    text = json.dumps(document).replace('(it calls this \\"client group\\")', "")
    assert "client group" not in text
