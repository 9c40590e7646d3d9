"""P-1, SEC-2: the URL-discovered sweep of the person's own pages, for a proxy (#12).

A proxy for one person tries every portal URL of another person's record; a proxy tries
every portal URL of the part of a record the person has not shared with them. Each is
refused with exactly one DENIED access row naming the record, and a refusal never shows
the other person's name. The URLs come from the URL configuration (test_boundary), so a
page added tomorrow is swept the day it is added."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.factories import PersonFactory
from goldenthread.people.models import Person
from goldenthread.portal.factories import ProxyLinkFactory
from goldenthread.portal.models import Section
from goldenthread.portal.tests.test_boundary import PORTAL_RECORD_URLS, _kwargs
from goldenthread.portal.views import ItemMixin


def _try(client, url: str, method: str, actor, person_id):
    """One request: its response and the access rows it wrote."""
    last = AccessLog.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = getattr(client, method)(url)
    rows = list(AccessLog.objects.filter(seq__gt=last))
    assert len(rows) == 1, (url, [(r.action, r.what) for r in rows])
    row = rows[0]
    assert (row.action, row.actor_id, row.person_id) == (AccessAction.DENIED, actor.pk, person_id)
    return response


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_proxy_is_refused_every_portal_url_of_someone_else(client, full_record, team, method):
    other = Person.objects.get(pk=full_record["person_id"])
    proxy = ProxyLinkFactory(person=PersonFactory(team=team, given_name="Morag")).user
    sign_in(client, proxy)
    for name, kinds in PORTAL_RECORD_URLS:
        url = reverse(name, kwargs=_kwargs(kinds, full_record))
        response = _try(client, f"{url}?item=people.Person:{other.pk}", method, proxy, other.pk)
        assert response.status_code in (403, 404), name
        body = response.content.decode()
        for leak in (str(other.pk), other.given_name, other.family_name):
            assert leak not in body, (name, leak)


def _sectioned(name: str, url: str) -> bool:
    """A page of one part of the record: its own section, or an item's (ItemMixin)."""
    view = resolve(url).func.view_class  # type: ignore[attr-defined]
    return bool(view.section) or issubclass(view, ItemMixin)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_proxy_is_refused_every_part_the_person_has_not_shared(client, full_record, method):
    person = Person.objects.get(pk=full_record["person_id"])
    proxy = ProxyLinkFactory(person=person, hidden_sections=[s.value for s in Section]).user
    sign_in(client, proxy)
    # An item of a part not shared, for the comment, correction and challenge pages.
    item = f"?item=outcomes.Outcome:{full_record['outcome_id']}"
    tried = []
    for name, kinds in PORTAL_RECORD_URLS:
        url = reverse(name, kwargs=_kwargs(kinds, full_record))
        if not _sectioned(name, url):
            continue
        response = _try(client, url + item, method, proxy, person.pk)
        assert response.status_code in (403, 404), name
        assert "My garden" not in response.content.decode(), name
        tried.append(name)
    assert {"portal:plan", "portal:who_looked", "portal:about_me", "portal:comment"} <= set(tried)
    assert {"portal:correction", "portal:challenge", "portal:about_me_media"} <= set(tried)
