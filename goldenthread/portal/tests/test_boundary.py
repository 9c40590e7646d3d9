"""P-1, SEC-2: a person's or proxy's sign-in reaches their own record and nothing else.

The URL configuration is walked, so a staff page added tomorrow is covered the day it is
added: every staff URL refuses the person and proxy roles with one DENIED access row, and
every portal URL for another person's record is refused with one DENIED row too."""

from __future__ import annotations

import uuid

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.factories import PersonFactory
from goldenthread.portal.access import OPEN_TO_PORTAL_ACCOUNTS
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory


def all_urls():
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                converters = getattr(entry.pattern, "converters", {})
                groups = list(entry.pattern.regex.groupindex)
                yield (
                    f"{prefix}{entry.name}",
                    {
                        name: type(converters[name]).__name__ if name in converters else "str"
                        for name in groups
                    },
                )

    return sorted(dict(walk(get_resolver().url_patterns)).items())


URLS = all_urls()
STAFF_URLS = [
    (n, k) for n, k in URLS if not n.startswith("portal:") and n not in OPEN_TO_PORTAL_ACCOUNTS
]
PORTAL_RECORD_URLS = [(n, k) for n, k in URLS if n.startswith("portal:") and "person_id" in k]


def _kwargs(kinds: dict, record: dict) -> dict:
    values = {}
    for name, converter in kinds.items():
        if name in record:
            values[name] = record[name]
        elif converter == "UUIDConverter":
            values[name] = uuid.uuid4()
        elif converter == "IntConverter":
            values[name] = 1
        else:
            values[name] = "people"
    return values


def test_the_sweep_finds_staff_and_portal_urls():
    names = [n for n, _ in STAFF_URLS]
    assert "people:caseload" in names and "people:detail" in names and "admin:index" in names
    assert "portal_staff:overview" in names and "api:person" in names
    assert {n for n, _ in PORTAL_RECORD_URLS} >= {
        "portal:record",
        "portal:plan",
        "portal:who_looked",
        "portal:comment",
    }


@pytest.fixture(params=["person", "proxy"])
def portal_user(request, person):
    link = (RecordLinkFactory if request.param == "person" else ProxyLinkFactory)(person=person)
    return link.user


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_staff_url_refuses_people_and_proxies(client, full_record, portal_user, method):
    sign_in(client, portal_user)
    tried = 0
    for name, kinds in STAFF_URLS:
        try:
            url = reverse(name, kwargs=_kwargs(kinds, full_record))
        except NoReverseMatch:
            continue
        tried += 1
        before = AccessLog.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code == 403, (name, response.status_code)
        rows = list(AccessLog.objects.order_by("-seq")[: AccessLog.objects.count() - before])
        assert len(rows) == 1, name
        assert rows[0].action == AccessAction.DENIED and rows[0].actor_id == portal_user.pk
        if "person_id" in kinds:
            assert rows[0].person_id == full_record["person_id"], name
    assert tried >= len(STAFF_URLS) * 0.9, f"only {tried} of {len(STAFF_URLS)} URLs tried"


@pytest.mark.parametrize(
    ("name", "kinds"), PORTAL_RECORD_URLS, ids=[n for n, _ in PORTAL_RECORD_URLS]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_portal_url_for_another_person_is_refused(
    client, full_record, team, name, kinds, method
):
    stranger = PersonFactory(team=team)
    someone_else = RecordLinkFactory(person=stranger).user
    sign_in(client, someone_else)
    url = reverse(name, kwargs=_kwargs(kinds, full_record))
    before = AccessLog.objects.count()
    response = getattr(client, method)(url + "?item=people.Person:" + str(full_record["person_id"]))
    assert response.status_code in (403, 404)
    assert str(full_record["person_id"]) not in response.content.decode()
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.get(actor=someone_else)
    assert row.action == AccessAction.DENIED and row.person_id == full_record["person_id"]


@pytest.mark.parametrize(
    ("name", "kinds"), PORTAL_RECORD_URLS, ids=[n for n, _ in PORTAL_RECORD_URLS]
)
def test_staff_use_the_record_pages_not_the_persons(client, full_record, practitioner, name, kinds):
    sign_in(client, practitioner)
    response = client.get(reverse(name, kwargs=_kwargs(kinds, full_record)))
    assert response.status_code == 403
    row = AccessLog.objects.get(actor=practitioner)
    assert row.action == AccessAction.DENIED and row.person_id == full_record["person_id"]


@pytest.mark.parametrize(
    "name",
    [
        "portal:record",
        "portal:plan",
        "portal:plan_easy_read",
        "portal:requests",
        "portal:who_looked",
        "portal:access",
    ],
)
def test_the_person_opens_their_own_pages_with_one_access_row(client, full_record, person, name):
    me = person.portal_links.get(kind="self").user
    sign_in(client, me)
    before = AccessLog.objects.count()
    response = client.get(reverse(name, args=[person.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.get(actor=me)
    assert (row.action, row.person_id, row.reason) == (
        AccessAction.VIEW,
        person.pk,
        "The person themselves",
    )


def test_sign_in_lands_on_the_persons_own_record(client, person):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home.url == reverse("portal:home")
    assert client.get(home.url).url == reverse("portal:record", args=[person.pk])


def test_a_proxy_for_two_people_chooses_whose_record(client, person, team):
    link = ProxyLinkFactory(person=person)
    other = PersonFactory(team=team, given_name="Morag")
    ProxyLinkFactory(person=other, user=link.user)
    sign_in(client, link.user)
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    assert person.display_name in page.content.decode()
    assert "Morag" in page.content.decode()
    listed = AccessLog.objects.get(actor=link.user)
    assert listed.action == AccessAction.LIST
    assert set(listed.people_shown) == {str(person.pk), str(other.pk)}


def test_people_and_proxies_never_pass_casework_checks(person):
    from goldenthread.accounts.rules import can
    from goldenthread.core.permissions import Permission
    from goldenthread.people.guards import require_casework

    for link in (RecordLinkFactory(person=person), ProxyLinkFactory(person=person)):
        for permission in Permission:
            assert can(link.user, permission) == (permission == Permission.USE_OWN_RECORD)
        with pytest.raises(Exception):  # noqa: B017 - PermissionDenied or its subclass
            require_casework(link.user, person)


API_URLS = [(n, k) for n, k in STAFF_URLS if n.startswith("api:")]


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_api_refuses_people_and_proxies_as_problem_json(
    client, full_record, portal_user, method
):
    """SEC-2, IO-1: the API called with a person's or proxy's own session answers as the
    rest of the API does (problem+json, 403), never the site's HTML page; one DENIED row,
    naming the person when the address does; the answer names no record."""
    sign_in(client, portal_user)
    assert len(API_URLS) > 50
    tried = 0
    for name, kinds in API_URLS:
        try:
            url = reverse(name, kwargs=_kwargs(kinds, full_record))
        except NoReverseMatch:  # an id the sweep cannot guess the form of
            continue
        tried += 1
        before = AccessLog.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code == 403, (name, response.status_code)
        assert response["Content-Type"] == "application/problem+json", name
        body = response.json()
        assert body["status"] == 403 and body["title"] == "You may not do this", name
        assert "The API is for staff" in body["detail"], name
        assert str(full_record["person_id"]) not in response.content.decode(), name
        rows = list(AccessLog.objects.order_by("-seq")[: AccessLog.objects.count() - before])
        assert [r.action for r in rows] == [AccessAction.DENIED], name
        if "person_id" in kinds:
            assert rows[0].person_id == full_record["person_id"], name
    assert tried >= len(API_URLS) * 0.9, f"only {tried} of {len(API_URLS)} API URLs tried"


def test_an_address_under_the_api_that_is_no_route_is_problem_json_too(client, portal_user):
    sign_in(client, portal_user)
    response = client.get("/api/v1/no-such-route")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
