"""P-1, SEC-2: ending someone's access to the person's record. The person ends a proxy's;
a proxy may end only their own: the form to end another's is refused them as its POST is
(403, one DENIED row in the access log, nothing changed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.models import RecordLink

pytestmark = pytest.mark.django_db


def _rows_after(last):
    return [(r.action, r.actor_id, r.person_id) for r in AccessLog.objects.filter(seq__gt=last)]


def _last():
    return AccessLog.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("whose", ["another proxy", "the person"])
def test_a_proxy_is_refused_the_form_to_end_anothers_access(client, person, method, whose):
    own = RecordLinkFactory(person=person)
    one, two = ProxyLinkFactory(person=person), ProxyLinkFactory(person=person)
    target = two if whose == "another proxy" else own
    sign_in(client, one.user)
    last = _last()
    url = reverse("portal:end_access", args=[person.pk, target.pk])
    response = getattr(client, method)(url, {"reason": "No"} if method == "post" else None)
    assert response.status_code == 403
    assert "End their access" not in response.content.decode()
    assert _rows_after(last) == [(AccessAction.DENIED, one.user.pk, person.pk)]
    assert RecordLink.objects.get(pk=target.pk).ended_at is None


def test_a_proxy_may_end_their_own_access(client, person):
    RecordLinkFactory(person=person)
    one = ProxyLinkFactory(person=person)
    sign_in(client, one.user)
    access = client.get(reverse("portal:access", args=[person.pk])).content.decode()
    url = reverse("portal:end_access", args=[person.pk, one.pk])
    assert url in access
    page = client.get(url)
    assert page.status_code == 200
    assert "You will no longer be able to see Jean Macdonald&#x27;s record." in (
        page.content.decode()
    )
    response = client.post(url, {"reason": "I am moving away"})
    assert response.status_code == 302
    assert RecordLink.objects.get(pk=one.pk).ended_by == one.user


def test_the_person_opens_the_form_to_end_a_proxys_access(client, person):
    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person)
    sign_in(client, me)
    page = client.get(reverse("portal:end_access", args=[person.pk, proxy.pk]))
    assert page.status_code == 200
    assert "will no longer be able to see your record" in page.content.decode()
