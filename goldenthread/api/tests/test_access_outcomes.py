"""SEC-3, P-3: the access-log row of an API call says what the call did, written once its
answer is known (api.auth.settle_access). A change made is "Changed"; a change refused is
CHANGE_REFUSED and one not saved (not valid, not JSON, too large, an address that does not
take it, a failure on our side) is CHANGE_FAILED, never "Changed"; the person's "Who looked"
page says so in plain words."""

from __future__ import annotations

import json

import pytest

from goldenthread.api.tests.helpers import call, token_for
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.models import CircleMember
from goldenthread.portal.selectors import look_row

CIRCLE = {"name": "Bob Shaw", "relationship": "Friend"}


@pytest.fixture
def token(practitioner):
    return token_for(practitioner)


@pytest.fixture
def circle(full_record):
    return f"/api/v1/people/{full_record['person_id']}/circle"


def rows_of(practitioner, before: int) -> list[AccessLog]:
    """The access rows the practitioner's calls wrote since `before` rows, oldest first."""
    new = AccessLog.objects.order_by("seq")[before:]
    return [row for row in new if row.actor_id == practitioner.pk]


def test_a_change_made_is_one_change_row(client, token, circle, practitioner, full_record):
    before = AccessLog.objects.count()
    answer = call(client, "post", circle, token, CIRCLE)
    assert answer.status_code == 201, answer.content
    [row] = rows_of(practitioner, before)
    assert row.action == AccessAction.CHANGE and row.person_id == full_record["person_id"]
    assert row.reason == "Allocated worker" and row.api_token_name == "Test system"
    assert look_row(row).what == "Changed your record (by a computer link)"


def test_a_read_is_one_view_row(client, token, circle, practitioner):
    before = AccessLog.objects.count()
    assert call(client, "get", circle, token).status_code == 200
    [row] = rows_of(practitioner, before)
    assert row.action == AccessAction.VIEW


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ({"name": "Bob"}, "application/json", 422),  # the relationship is missing
        ("{not json", "application/json", 400),
        ('{"name": "Bob Shaw", "relationship": "Friend"}', "text/plain", 415),
    ],
    ids=["not-valid", "not-json", "not-declared-json"],
)
def test_a_change_not_saved_is_never_logged_as_a_change(
    client, token, circle, practitioner, full_record, body, content_type, status
):
    before = AccessLog.objects.count()
    members = CircleMember.objects.count()
    data = body if isinstance(body, str) else json.dumps(body)
    answer = client.post(
        circle, data, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert CircleMember.objects.count() == members
    [row] = rows_of(practitioner, before)
    assert row.action == AccessAction.CHANGE_FAILED
    assert row.person_id == full_record["person_id"] and row.reason == "Allocated worker"
    assert (
        look_row(row).what
        == "Tried to change your record (by a computer link), but nothing was changed"
    )
    assert look_row(row, for_staff=True).what == (
        "Tried to change the record through the API, but nothing was changed"
    )


def test_a_body_too_large_is_a_change_not_saved(client, token, circle, practitioner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    before = AccessLog.objects.count()
    answer = call(client, "post", circle, token, {**CIRCLE, "name": "B" * 200})
    assert answer.status_code == 413, answer.content
    [row] = rows_of(practitioner, before)
    assert row.action == AccessAction.CHANGE_FAILED


def test_a_write_to_the_fhir_export_is_405_with_no_row(client, token, practitioner, full_record):
    """Nothing of the record is read or changed: no export, no change "not saved" (ADR 0002)."""
    before = AccessLog.objects.count()
    answer = call(client, "post", f"/api/v1/people/{full_record['person_id']}/fhir", token, {})
    assert answer.status_code == 405 and answer["Allow"] == "GET"
    assert rows_of(practitioner, before) == []


def test_a_write_to_the_fhir_export_of_someone_not_yours_is_refused_and_logged(
    client, other_practitioner, full_record
):
    stranger = token_for(other_practitioner)
    before = AccessLog.objects.count()
    answer = call(client, "post", f"/api/v1/people/{full_record['person_id']}/fhir", stranger, {})
    assert answer.status_code == 403
    [row] = rows_of(other_practitioner, before)
    assert row.action == AccessAction.DENIED


def test_a_read_only_tokens_write_is_a_refused_change(client, circle, practitioner, full_record):
    reader = token_for(practitioner, scope="read", name="Read only")
    before = AccessLog.objects.count()
    answer = call(client, "post", circle, reader, CIRCLE)
    assert answer.status_code == 403
    [row] = rows_of(practitioner, before)
    assert row.action == AccessAction.CHANGE_REFUSED
    assert row.reason.startswith("Refused: This API token may only read.")
    assert (
        look_row(row).what
        == "Tried to change your record (by a computer link), but was not allowed to"
    )


def test_a_change_that_fails_on_our_side_keeps_nothing(
    client, token, circle, practitioner, monkeypatch
):
    """A 500 after the service wrote: the change goes with the transaction, and the row says
    it was not saved."""
    from goldenthread.people import services

    add = services.circle_member_add

    def add_then_fail(**kwargs):
        add(**kwargs)
        raise RuntimeError("after the write")

    monkeypatch.setattr(services, "circle_member_add", add_then_fail)
    members = CircleMember.objects.count()
    before = AccessLog.objects.count()
    answer = call(client, "post", circle, token, CIRCLE)
    assert answer.status_code == 500
    assert CircleMember.objects.count() == members
    [row] = rows_of(practitioner, before)
    assert row.action == AccessAction.CHANGE_FAILED


def test_a_change_is_kept_only_with_its_row(client, token, circle, practitioner, monkeypatch):
    """The change and its access row are written in one transaction: no row, no change."""
    from goldenthread.audit import services as audit_services

    def no_log(**kwargs):
        raise RuntimeError("the access log could not be written")

    # The call's row is written by the one writer the pages use too (settle_access).
    monkeypatch.setattr(audit_services, "access_record", no_log)
    members = CircleMember.objects.count()
    with pytest.raises(RuntimeError, match="could not be written"):
        call(client, "post", circle, token, CIRCLE)
    assert CircleMember.objects.count() == members
