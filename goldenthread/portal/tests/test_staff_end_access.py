"""P-1, SEC-2, SEC-3, ACC-3: a worker for the person ends a proxy's access from the staff
pages ("Their own access"), with a confirmation page and a reason, through the same
service as the API's `record-links/{id}/end`: the change history, the access log, and a
message to the person. A worker with no relationship to the person is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.accounts.models import Notification
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.people.models import Person
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.models import RecordLink

pytestmark = pytest.mark.django_db


def _end_url(person, link):
    return reverse("portal_staff:end_access", args=[person.pk, link.pk])


def test_a_worker_ends_a_proxys_access_from_the_persons_pages(
    client, person, practitioner, django_capture_on_commit_callbacks
):
    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person, user__first_name="Ann", user__last_name="Gill")
    sign_in(client, practitioner)
    overview = client.get(reverse("portal_staff:overview", args=[person.pk])).content.decode()
    assert _end_url(person, proxy) in overview
    page = client.get(_end_url(person, proxy))
    body = page.content.decode()
    assert page.status_code == 200
    assert "End Ann Gill&#x27;s access to the record" in body
    assert "Daughter" in body and "Since" in body
    # A missing reason is refused with a clear message, nothing changed.
    refused = client.post(_end_url(person, proxy), {"reason": " ", "version": proxy.version})
    assert refused.status_code == 200
    assert "Say why their access is ending." in refused.content.decode()
    assert RecordLink.objects.get(pk=proxy.pk).ended_at is None
    last = AccessLog.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _end_url(person, proxy),
            {"reason": "The arrangement has stopped", "version": proxy.version},
        )
    assert response.status_code == 302
    ended = RecordLink.objects.get(pk=proxy.pk)
    assert ended.ended_at is not None and ended.ended_by == practitioner
    assert ended.end_reason == "The arrangement has stopped"
    assert not Person.objects.visible_to(proxy.user).exists()
    assert ChangeRecord.objects.filter(object_id=str(proxy.pk), actor=practitioner).exists()
    rows = {(r.action, r.actor_id, r.person_id) for r in AccessLog.objects.filter(seq__gt=last)}
    assert rows == {(AccessAction.CHANGE, practitioner.pk, person.pk)}
    note = Notification.objects.get(user=me, kind="access_ended")
    assert note.url == reverse("portal:access", args=[person.pk])
    assert "Ann" not in note.text
    # The person reads whose access ended and why; the notification leads there.
    sign_in(client, me)
    access = client.get(note.url).content.decode()
    assert "Ann Gill</strong>: ended" in access and "The arrangement has stopped" in access
    sign_in(client, practitioner)
    # Ended once: no link to end it again, and a second POST is refused with the reason.
    overview = client.get(reverse("portal_staff:overview", args=[person.pk])).content.decode()
    assert _end_url(person, proxy) not in overview
    again = client.post(_end_url(person, proxy), {"reason": "Again", "version": ended.version})
    assert "Their access has already ended." in again.content.decode()


def test_a_worker_with_no_relationship_is_refused(client, person, other_practitioner):
    proxy = ProxyLinkFactory(person=person)
    sign_in(client, other_practitioner)
    for method in ("get", "post"):
        response = getattr(client, method)(_end_url(person, proxy))
        assert response.status_code in (403, 404)
    assert RecordLink.objects.get(pk=proxy.pk).ended_at is None


def test_the_persons_own_sign_in_is_not_ended_here(client, person, practitioner):
    own = RecordLinkFactory(person=person)
    sign_in(client, practitioner)
    assert client.get(_end_url(person, own)).status_code == 404


def test_the_person_is_not_told_when_they_end_it_themselves(
    client, person, django_capture_on_commit_callbacks
):
    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person)
    sign_in(client, me)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:end_access", args=[person.pk, proxy.pk]), {"reason": "No"})
    assert RecordLink.objects.get(pk=proxy.pk).ended_at is not None
    assert not Notification.objects.filter(kind="access_ended").exists()
