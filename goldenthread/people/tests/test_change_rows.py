"""SEC-3, P-3: a record page's POST writes its one access-log row once its answer is known
(people.access.logged_change), saying what it did: "Changed" only when a change was made,
written in the change's transaction; a form shown again with its errors, a stale save or a
failure on our side is "not saved"; a refusal (403) is a refused change. The person's
"Who looked" page says each in plain words."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit import services as audit_services
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.outcomes.models import Outcome
from goldenthread.people import services as people_services
from goldenthread.people.factories import CircleMemberFactory
from goldenthread.people.models import CircleMember
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.models import ItemComment
from goldenthread.portal.presenters import page_words, staff_page_words


def rows_of(user, person):
    return list(AccessLog.objects.filter(actor=user, person_id=person.pk).order_by("seq"))


def test_an_invalid_form_post_writes_one_not_saved_row_and_no_changed_row(
    practitioner_client, practitioner, person
):
    response = practitioner_client.post(
        reverse("people:circle_add", args=[person.pk]), {"relationship": "Friend"}
    )
    assert response.status_code == 200 and "Enter their name." in response.content.decode()
    [row] = rows_of(practitioner, person)
    assert row.action == AccessAction.CHANGE_FAILED and row.method == "POST"
    assert row.what == "people:circle_add" and row.reason == "Allocated worker"
    assert not AccessLog.objects.filter(action=AccessAction.CHANGE).exists()


def test_a_stale_save_writes_one_not_saved_row(practitioner_client, practitioner, person):
    member = CircleMemberFactory(person=person, name="Ann", relationship="Daughter")
    edit = reverse("people:circle_edit", args=[person.pk, member.pk])
    data = {"name": "Ann", "relationship": "Daughter", "version": str(member.version)}
    assert practitioner_client.post(edit, data).status_code == 302
    stale = practitioner_client.post(edit, {**data, "name": "Annie"})  # the version read before
    assert "Someone else saved a change" in stale.content.decode()
    actions = [r.action for r in rows_of(practitioner, person)]
    assert actions == [AccessAction.CHANGE, AccessAction.CHANGE_FAILED]


def test_a_saved_change_writes_one_changed_row(practitioner_client, practitioner, person):
    response = practitioner_client.post(
        reverse("people:circle_add", args=[person.pk]), {"name": "Ann", "relationship": "Son"}
    )
    assert response.status_code == 302 and person.circle.get().name == "Ann"
    [row] = rows_of(practitioner, person)
    assert row.action == AccessAction.CHANGE and row.reason == "Allocated worker"


def test_the_changed_row_is_written_in_the_changes_transaction(
    practitioner_client, practitioner, person, monkeypatch
):
    """The row and the change are kept together or not at all: when the row cannot be
    written, the change it would record is not kept either."""

    def cannot_write(request, *, action, reason=None):
        assert ChangeRecord.objects.filter(person_id=person.pk).exists()  # not yet committed
        raise RuntimeError("the access log cannot be written")

    monkeypatch.setattr("goldenthread.people.access.settle_access", cannot_write)
    with pytest.raises(RuntimeError, match="cannot be written"):
        practitioner_client.post(
            reverse("people:circle_add", args=[person.pk]), {"name": "Ann", "relationship": "Son"}
        )
    assert not person.circle.exists()
    assert not ChangeRecord.objects.filter(person_id=person.pk).exists()


def test_a_failure_on_our_side_keeps_nothing_and_writes_one_not_saved_row(
    practitioner_client, practitioner, person, monkeypatch
):
    add = people_services.circle_member_add

    def add_then_fail(**kwargs):
        add(**kwargs)  # saved, with its change history, and then something breaks
        raise RuntimeError("something broke after the save")

    monkeypatch.setattr(people_services, "circle_member_add", add_then_fail)
    with pytest.raises(RuntimeError, match="something broke"):
        practitioner_client.post(
            reverse("people:circle_add", args=[person.pk]), {"name": "Ann", "relationship": "Son"}
        )
    assert not person.circle.exists()
    assert not ChangeRecord.objects.filter(person_id=person.pk).exists()
    assert [r.action for r in rows_of(practitioner, person)] == [AccessAction.CHANGE_FAILED]


def test_a_refused_post_writes_one_refused_row(practitioner_client, practitioner, person):
    """The practitioner may open the record but not allocate workers: a refused change,
    with why, never DENIED (which says the record was not opened) and never "Changed"."""
    response = practitioner_client.post(reverse("people:allocation_add", args=[person.pk]), {})
    assert response.status_code == 403
    [row] = rows_of(practitioner, person)
    assert row.action == AccessAction.CHANGE_REFUSED
    assert row.reason == "Refused: Only the team leader of the person's team allocates workers."


def test_a_removal_refused_on_the_page_writes_not_saved(
    practitioner_client, practitioner, person, monkeypatch
):
    """A post answered with a page, not an error, that changed nothing: "not saved"."""
    member = CircleMemberFactory(person=person, name="Ann", relationship="Daughter")
    monkeypatch.setattr(
        people_services, "circle_member_removal_refused", lambda m: "Ann took part."
    )
    url = reverse("people:circle_remove", args=[person.pk, member.pk])
    assert "Ann took part." in practitioner_client.post(url).content.decode()
    assert person.circle.exists()
    assert [r.action for r in rows_of(practitioner, person)] == [AccessAction.CHANGE_FAILED]


def test_a_change_history_row_rolled_back_with_its_change_is_not_a_change(
    practitioner_client, practitioner, person, monkeypatch
):
    """The removal's history row is written, then the delete fails in the same savepoint
    (a link made since the check): both are gone, so the request changed nothing."""
    member = CircleMemberFactory(person=person, name="Ann", relationship="Daughter")

    def linked_since(self, *args, **kwargs):
        raise ProtectedError("A link was made since the check.", {member})

    monkeypatch.setattr(CircleMember, "delete", linked_since)
    url = reverse("people:circle_remove", args=[person.pk, member.pk])
    assert practitioner_client.post(url).status_code == 200
    assert person.circle.exists()
    assert not ChangeRecord.objects.filter(person_id=person.pk).exists()
    assert [r.action for r in rows_of(practitioner, person)] == [AccessAction.CHANGE_FAILED]


def test_a_removal_made_writes_one_changed_row(practitioner_client, practitioner, person):
    member = CircleMemberFactory(person=person, name="Ann", relationship="Daughter")
    response = practitioner_client.post(
        reverse("people:circle_remove", args=[person.pk, member.pk])
    )
    assert response.status_code == 302 and not person.circle.exists()
    assert [r.action for r in rows_of(practitioner, person)] == [AccessAction.CHANGE]


def test_check_wording_saves_nothing_and_is_a_look(practitioner_client, practitioner, person):
    conversation = ConversationFactory(person=person, recorded_by=practitioner)
    not_working = WorkingItemFactory(conversation=conversation, is_working=False, text="x")
    change = PositiveChangeFactory(conversation=conversation, from_not_working=[not_working])
    before = AccessLog.objects.count()
    response = practitioner_client.post(
        reverse("outcomes:step4", args=[person.pk, conversation.pk]),
        {"positive_change": str(change.pk), "statement": "Jean walks", "check_wording": "1"},
    )
    assert response.status_code == 200 and not Outcome.objects.exists()
    assert AccessLog.objects.count() == before + 1
    assert [r.action for r in rows_of(practitioner, person)] == [AccessAction.VIEW]


def test_the_persons_own_pages_write_their_change_row_once_it_is_known(client, person, monkeypatch):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    url = reverse("portal:comment", args=[person.pk])
    response = client.post(url, {"item": "", "text": ""})
    assert response.status_code in (200, 404) and not ItemComment.objects.exists()
    [row] = rows_of(me, person)
    assert row.action == AccessAction.CHANGE_FAILED


def test_who_looked_says_a_change_tried_and_not_made_in_plain_words(
    client, practitioner_client, practitioner, person
):
    practitioner_client.post(
        reverse("people:circle_add", args=[person.pk]), {"relationship": "Friend"}
    )
    practitioner_client.post(reverse("people:allocation_add", args=[person.pk]), {})
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    page = client.get(reverse("portal:who_looked", args=[person.pk])).content.decode()
    assert "Tried to change your details, but nothing was changed" in page
    assert "Tried to change your details, but was not allowed to" in page
    assert "Changed your details" not in page


def test_the_words_for_each_row():
    assert (
        page_words("people:circle_add", AccessAction.CHANGE_FAILED)
        == "Tried to change your details, but nothing was changed"
    )
    assert (
        page_words("sds:budget_request_decide BR-0001", AccessAction.CHANGE_REFUSED)
        == "Tried to change your choices and budget, but was not allowed to"
    )
    assert (
        staff_page_words("sds:budget_request_decide BR-0001", AccessAction.CHANGE_REFUSED)
        == "Tried to change choices and budget, but was not allowed to"
    )


def test_a_change_refused_where_it_is_refused_settles_the_requests_row(rf, practitioner, person):
    """audit.services.change_refused is the request's one row: nothing more is owed."""
    request = rf.post("/")
    request.user = practitioner
    audit_services.defer_access(
        request, audit_services.PendingAccess(person.pk, AccessAction.CHANGE, "Allocated worker")
    )
    audit_services.change_refused(
        actor=practitioner, person_id=person.pk, what="x", reason="Refused: no", request=request
    )
    assert audit_services.settle_access(request, action=AccessAction.CHANGE) is None
    [row] = rows_of(practitioner, person)
    assert row.action == AccessAction.CHANGE_REFUSED
