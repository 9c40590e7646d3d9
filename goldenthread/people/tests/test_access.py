"""SEC-2, SEC-3, section 0: who may open a named record, and the log of every attempt."""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person


def named_record_urls():
    """Every URL pattern that names a person: found in the URL configuration, so a new
    view is covered the day it is added."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern):
                converters = getattr(entry.pattern, "converters", {})
                if "person_id" in converters:
                    yield f"{prefix}{entry.name}", sorted(converters)

    return sorted(walk(get_resolver().url_patterns))


URLS = named_record_urls()


def test_named_record_urls_are_found():
    names = [name for name, _ in URLS]
    assert "people:detail" in names and "people:circle_edit" in names


@pytest.mark.parametrize(("name", "kwarg_names"), URLS, ids=[n for n, _ in URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_no_relationship_means_no_access_and_is_logged(
    client, full_record, other_practitioner, name, kwarg_names, method
):
    unknown = set(kwarg_names) - set(full_record)
    assert not unknown, f"add {unknown} to the full_record fixture so {name} is tested"
    url = reverse(name, kwargs={k: full_record[k] for k in kwarg_names})
    sign_in(client, other_practitioner)
    before = AccessLog.objects.count()
    response = getattr(client, method)(url)
    assert response.status_code in (403, 404)
    assert full_record["person_id"].hex not in response.content.decode().replace("-", "")
    rows = list(AccessLog.objects.filter(actor=other_practitioner))
    assert len(rows) == 1
    assert rows[0].action == AccessAction.DENIED
    assert rows[0].person_id == full_record["person_id"]
    assert AccessLog.objects.count() == before + 1


@pytest.mark.parametrize("role_user", ["commissioner", "administrator", "panel_member"])
def test_roles_without_casework_never_see_a_named_record(request, client, person, role_user):
    user = request.getfixturevalue(role_user)
    assert not Person.objects.visible_to(user).exists()
    sign_in(client, user)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    assert client.get(reverse("people:caseload")).status_code == 403


def test_superuser_administrator_sees_no_record_even_in_admin(client, person, administrator):
    assert administrator.is_superuser
    sign_in(client, administrator)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    admin_index = client.get(reverse("admin:index"))
    assert admin_index.status_code == 200
    assert b"/admin/people/" not in admin_index.content
    assert client.get("/admin/people/person/").status_code == 404


def test_exactly_one_log_row_per_request(practitioner_client, full_record, practitioner):
    for name, kwarg_names in URLS:
        if name in {"people:allocation_add", "people:allocation_end"}:
            continue  # team leader only; refused requests are covered above
        if name.startswith("portal:"):
            continue  # the person's own pages: goldenthread/portal/tests/test_boundary.py
        url = reverse(name, kwargs={k: full_record[k] for k in kwarg_names})
        before = AccessLog.objects.count()
        # The drafts endpoint answers its script (#16); as a page it goes to the record.
        headers = {"X-GT-Draft": "1"} if name == "people:drafts" else {}
        response = practitioner_client.get(url, headers=headers)
        assert response.status_code in (200, 405), name  # 405: a POST-only action
        if response.status_code == 405:  # nothing of the record read: no row (ADR 0002)
            assert AccessLog.objects.count() == before, name
            continue
        assert AccessLog.objects.count() == before + 1, name
        row = AccessLog.objects.get(actor=practitioner, what=name)
        assert row.action == (
            AccessAction.EXPORT
            if name in {"support:plan_pdf", "api:person_fhir"}
            else AccessAction.VIEW
        )
        assert row.person_id == full_record["person_id"]
        assert row.reason == "Allocated worker"


def test_caseload_shows_only_my_people(practitioner_client, person, team):
    stranger = PersonFactory(team=team, family_name="Zstranger")
    AllocationFactory(person=stranger)
    body = practitioner_client.get(reverse("people:caseload")).content.decode()
    assert person.family_name in body
    assert "Zstranger" not in body


def test_ended_allocation_ends_access(client, person, practitioner):
    allocation = person.allocations.get()
    allocation.end_date = timezone.localdate() - datetime.timedelta(days=1)
    allocation.save()
    sign_in(client, practitioner)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403


def test_future_allocation_gives_no_access_yet(client, team, practitioner):
    later = PersonFactory(team=team)
    AllocationFactory(
        person=later,
        worker=practitioner,
        start_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert not Person.objects.visible_to(practitioner).filter(pk=later.pk).exists()


def test_team_leader_sees_team_people_not_other_teams(team_leader, other_team_leader, person):
    assert Person.objects.visible_to(team_leader).filter(pk=person.pk).exists()
    assert not Person.objects.visible_to(other_team_leader).filter(pk=person.pk).exists()


def test_team_leader_sees_person_of_other_team_allocated_to_their_worker(
    team_leader, practitioner, other_team
):
    elsewhere = PersonFactory(team=other_team)
    AllocationFactory(person=elsewhere, worker=practitioner)
    assert Person.objects.visible_to(team_leader).filter(pk=elsewhere.pk).exists()
    assert Person.objects.visible_to(team_leader).filter(pk=elsewhere.pk).count() == 1


def test_inactive_user_sees_nothing(practitioner, person):
    practitioner.is_active = False
    assert not Person.objects.visible_to(practitioner).exists()


def test_anonymous_is_sent_to_sign_in(client, person):
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_record_page_works_with_the_signed_in_user_itself(practitioner_client, person):
    """#19: a record page takes request.user's lazy wrappers off (django-otp's over the
    authentication middleware's) once its user is known: the same user, its second factor
    still verified, and one access-log row naming them."""
    from django.utils.functional import SimpleLazyObject

    from goldenthread.people.access import signed_in_user_itself

    response = practitioner_client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user).__name__ == "User"
    assert user.is_verified()
    assert AccessLog.objects.filter(actor=user, person_id=person.pk).count() == 1
    twice = SimpleLazyObject(lambda: SimpleLazyObject(lambda: user))
    assert signed_in_user_itself(type("R", (), {"user": twice})()) is user
    assert signed_in_user_itself(type("R", (), {"user": user})()) is user
