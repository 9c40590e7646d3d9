"""A method a record page does not take (a POST to a download that only reads) answers 405
with Allow, and OPTIONS answers the page's methods: once the user may open the record, with
no access-log row, as nothing of the person is read or changed. A user who may not open the
record is refused and logged ("denied") whatever the method (SEC-2, SEC-3, ADR 0002)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.portal.factories import RecordLinkFactory

DOWNLOADS = ["support:plan_pdf", "people:detail"]


@pytest.mark.parametrize("name", DOWNLOADS)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_method_a_page_does_not_take_is_405_with_no_row(
    practitioner_client, practitioner, person, name, method
):
    before = AccessLog.objects.count()
    response = getattr(practitioner_client, method)(reverse(name, args=[person.pk]))
    assert response.status_code == 405
    assert {m.strip() for m in response["Allow"].split(",")} >= {"GET", "HEAD"}
    assert "POST" not in response["Allow"]
    assert AccessLog.objects.count() == before  # no "not saved", no "refused"


@pytest.mark.parametrize("name", [*DOWNLOADS, "people:circle_add"])
def test_options_answers_the_pages_methods_without_reading_the_record(
    practitioner_client, practitioner, person, name
):
    before = AccessLog.objects.count()
    response = practitioner_client.options(reverse(name, args=[person.pk]))
    assert response.status_code == 200
    assert "GET" in response["Allow"]
    assert ("POST" in response["Allow"]) == (name == "people:circle_add")
    assert person.family_name not in response.content.decode()
    assert AccessLog.objects.count() == before  # nothing of the person read: no "view"


@pytest.mark.parametrize("method", ["post", "options"])
def test_someone_who_may_not_open_the_record_is_refused_and_logged_whatever_the_method(
    client, other_practitioner, person, method
):
    sign_in(client, other_practitioner)
    response = getattr(client, method)(reverse("support:plan_pdf", args=[person.pk]))
    assert response.status_code == 403
    [row] = AccessLog.objects.filter(actor=other_practitioner)
    assert row.action == AccessAction.DENIED and row.person_id == person.pk


@pytest.mark.parametrize("method", ["post", "options"])
def test_the_persons_own_plan_pdf_answers_a_post_or_options_with_no_row(client, person, method):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    before = AccessLog.objects.count()
    response = getattr(client, method)(reverse("portal:plan_pdf", args=[person.pk]))
    assert response.status_code == (405 if method == "post" else 200)
    assert "GET" in response["Allow"] and "POST" not in response["Allow"]
    assert AccessLog.objects.count() == before
