"""Person pages: clear messages on bad input with typed data kept (SEC-6), stale edits
refused (SEC-5), the change history (SEC-4), and query counts that do not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goldenthread.audit.models import ChangeRecord
from goldenthread.people.factories import AllocationFactory, CircleMemberFactory, PersonFactory
from goldenthread.people.models import Person


def person_post_data(person, **overrides):
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "chi_number": person.chi_number,
        "communication_needs": person.communication_needs,
        "area": str(person.area_id),
        "version": str(person.version),
    }
    data.update(overrides)
    return data


def test_edit_saves_and_keeps_history(practitioner_client, person, practitioner):
    url = reverse("people:edit", args=[person.pk])
    response = practitioner_client.post(
        url, person_post_data(person, preferred_name="Jeanie", communication_needs="Deaf; BSL")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.preferred_name == "Jeanie" and person.version == 2
    change = ChangeRecord.objects.get(object_id=str(person.pk), action="update")
    assert change.before["preferred_name"] == "" and change.after["preferred_name"] == "Jeanie"
    assert change.actor == practitioner


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"chi_number": "1203456787"}, "id_chi_number", "not a valid CHI number"),
        ({"chi_number": "3213456787"}, "id_chi_number", "date of birth (DDMMYY)"),
        ({"chi_number": "12345"}, "id_chi_number", "A CHI number has 10 digits"),
        ({"date_of_birth": "2099-01-01"}, "id_date_of_birth", "today or in the past"),
        ({"date_of_birth": "2001-02-30"}, "id_date_of_birth", "real date"),
        ({"given_name": "x" * 101}, "id_given_name", "100 characters or fewer"),
        ({"family_name": ""}, "id_family_name", "Enter the person"),
        # A right-to-left override or isolate makes the name shown differ from the name
        # stored (a list or search could show one person as another): refused by name.
        ({"given_name": "Jean\u202enosretla"}, "id_given_name", "First name has a hidden"),
        ({"family_name": "Smith\u2066x"}, "id_family_name", "Last name has a hidden"),
        ({"preferred_name": "Jean\nie"}, "id_preferred_name", "Preferred name has a hidden"),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_keeps_what_was_typed(
    practitioner_client, person, overrides, field_id, message
):
    url = reverse("people:edit", args=[person.pk])
    typed = person_post_data(person, communication_needs="Typed words <b>kept</b>", **overrides)
    response = practitioner_client.post(url, typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'href="#{field_id}"' in body  # error summary links to the field
    assert "Typed words &lt;b&gt;kept&lt;/b&gt;" in body  # kept, and never markup
    person.refresh_from_db()
    assert person.version == 1


def test_chi_must_match_date_of_birth(practitioner_client, person):
    other = PersonFactory.build(date_of_birth=datetime.date(1950, 5, 17))
    import random

    from goldenthread.people.factories import make_chi

    chi = make_chi(other.date_of_birth, random.Random(1))
    response = practitioner_client.post(
        reverse("people:edit", args=[person.pk]), person_post_data(person, chi_number=chi)
    )
    assert "should be the date of birth" in response.content.decode()


def test_duplicate_chi_is_refused(practitioner_client, person, practitioner, team):
    twin = PersonFactory(team=team)
    AllocationFactory(person=twin, worker=practitioner)  # someone the practitioner sees
    response = practitioner_client.post(
        reverse("people:edit", args=[person.pk]),
        person_post_data(
            person, chi_number=twin.chi_number, date_of_birth=twin.date_of_birth.isoformat()
        ),
    )
    assert "already recorded" in response.content.decode()
    person.refresh_from_db()
    assert person.chi_number != twin.chi_number


def test_stale_save_is_refused_and_shows_the_other_version(practitioner_client, person):
    url = reverse("people:edit", args=[person.pk])
    opened = person_post_data(person)
    # Someone else saves first.
    first = practitioner_client.post(url, {**opened, "preferred_name": "Jeanie"})
    assert first.status_code == 302
    # The stale copy is refused; what was typed stays; the other version is shown.
    response = practitioner_client.post(url, {**opened, "communication_needs": "Mine"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved a change" in body
    assert "Jeanie" in body and "Mine" in body
    person.refresh_from_db()
    assert person.communication_needs == "" and person.preferred_name == "Jeanie"
    # Saving again from the refreshed form is a deliberate decision and succeeds.
    assert f'name="version" value="{person.version}"' in body
    again = practitioner_client.post(
        url, {**opened, "communication_needs": "Mine", "version": str(person.version)}
    )
    assert again.status_code == 302


def test_circle_member_add_and_stale_edit(practitioner_client, person):
    add = reverse("people:circle_add", args=[person.pk])
    response = practitioner_client.post(
        add, {"name": "Ann Macdonald", "relationship": "Daughter", "is_unpaid_carer": "on"}
    )
    assert response.status_code == 302
    member = person.circle.get()
    assert member.is_unpaid_carer
    edit = reverse("people:circle_edit", args=[person.pk, member.pk])
    data = {"name": "Ann", "relationship": "Daughter", "version": "1"}
    assert practitioner_client.post(edit, data).status_code == 302
    stale = practitioner_client.post(edit, {**data, "name": "Annie"})
    assert "Someone else saved a change" in stale.content.decode()


def test_circle_member_needs_a_name(practitioner_client, person):
    response = practitioner_client.post(
        reverse("people:circle_add", args=[person.pk]), {"relationship": "Friend"}
    )
    assert "Enter their name." in response.content.decode()
    assert not person.circle.exists()


def test_circle_member_name_with_a_hidden_direction_mark_is_refused(practitioner_client, person):
    response = practitioner_client.post(
        reverse("people:circle_add", args=[person.pk]),
        {"name": "Ann\u202eeidnA", "relationship": "Friend"},
    )
    assert "Name has a hidden character" in response.content.decode()
    assert not person.circle.exists()


def test_names_in_any_script_are_kept(practitioner_client, person):
    # Right-to-left names need no override; a zero-width non-joiner belongs to some scripts.
    url = reverse("people:edit", args=[person.pk])
    names = {"given_name": "\u0641\u0627\u0637\u0645\u0629", "family_name": "Mi\u200cr\u00f3"}
    response = practitioner_client.post(url, person_post_data(person, **names))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == (names["given_name"], names["family_name"])


def test_practitioner_adds_a_person_and_is_allocated(practitioner_client, practitioner, area):
    response = practitioner_client.post(
        reverse("people:create"),
        {
            "given_name": "Morag",
            "family_name": "Stewart",
            "date_of_birth": "1948-03-12",
            "chi_number": "",
            "area": str(area.pk),
        },
    )
    assert response.status_code == 302
    morag = Person.objects.visible_to(practitioner).get(family_name="Stewart")
    assert morag.allocations.get().worker == practitioner


def test_a_failed_add_says_error_first_in_the_title_and_the_back_link_is_in_a_landmark(
    practitioner_client,
):
    """A11Y-1: the title of a page showing an error summary begins "Error: "; the back link
    is inside a navigation landmark (axe's "region" rule), not loose before <main>."""
    url = reverse("people:create")
    page = practitioner_client.get(url).content.decode()
    assert "<title>Add a person – Golden Thread</title>" in page
    assert '<nav aria-label="Back"><a href="/people/" class="ds_back-link">Back</a></nav>' in page
    failed = practitioner_client.post(url, {"given_name": "", "family_name": ""})
    assert failed.status_code == 200
    body = failed.content.decode()
    assert 'id="error-summary"' in body
    assert "<title>Error: Add a person – Golden Thread</title>" in body


def test_team_leader_allocates_and_ends(team_leader_client, person, other_practitioner):
    url = reverse("people:allocation_add", args=[person.pk])
    response = team_leader_client.post(
        url,
        {
            "worker": str(other_practitioner.pk),
            "description": "OT",
            "start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    allocation = person.allocations.get(worker=other_practitioner)
    end = reverse("people:allocation_end", args=[person.pk, allocation.pk])
    assert (
        team_leader_client.post(end, {"end_date": timezone.localdate().isoformat()}).status_code
        == 302
    )
    allocation.refresh_from_db()
    assert allocation.end_date == timezone.localdate()


def test_practitioner_cannot_allocate(practitioner_client, person, other_practitioner):
    url = reverse("people:allocation_add", args=[person.pk])
    response = practitioner_client.post(
        url,
        {
            "worker": str(other_practitioner.pk),
            "start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 403
    assert not person.allocations.filter(worker=other_practitioner).exists()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_person_page_query_count_does_not_grow(practitioner_client, person, team):
    url = reverse("people:detail", args=[person.pk])
    small = _count_queries(practitioner_client, url)
    for _ in range(15):
        CircleMemberFactory(person=person)
        AllocationFactory(person=person, worker__team=team)
    assert _count_queries(practitioner_client, url) == small
    # Its reads in one statement (#19): test_person_page_one_statement.py counts them.
    assert small <= 7


def test_caseload_query_count_does_not_grow(practitioner_client, practitioner, team):
    url = reverse("people:caseload")
    AllocationFactory(person=PersonFactory(team=team), worker=practitioner)
    small = _count_queries(practitioner_client, url)
    for person in PersonFactory.create_batch(20, team=team):
        AllocationFactory(person=person, worker=practitioner)
    assert _count_queries(practitioner_client, url) == small


def test_caseload_search_by_name_and_chi(practitioner_client, person):
    url = reverse("people:caseload")
    by_name = practitioner_client.post(url, {"q": "macd"}, follow=True)
    assert person.family_name in by_name.content.decode()
    chi = f"{person.chi_number[:6]} {person.chi_number[6:8]}"
    by_chi = practitioner_client.post(url, {"q": chi}, follow=True)
    assert person.family_name in by_chi.content.decode()
    none = practitioner_client.post(url, {"q": "Zzyzx"}, follow=True)
    assert person.family_name not in none.content.decode()


def test_the_worker_records_the_main_reason_for_support(practitioner_client, person, practitioner):
    """#14 (AGG-1): the main reason for support is chosen on the details page, saved through
    the people service with the version check, and audited."""
    url = reverse("people:edit", args=[person.pk])
    page = practitioner_client.get(url).content.decode()
    assert "Main reason for support" in page and ">Not recorded</option>" in page
    response = practitioner_client.post(
        url, person_post_data(person, support_reason="learning_disability")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.support_reason == "learning_disability" and person.version == 2
    change = ChangeRecord.objects.get(object_id=str(person.pk), action="update")
    assert change.before["support_reason"] == ""
    assert change.after["support_reason"] == "learning_disability"
    assert change.actor == practitioner


def test_a_reason_not_in_the_list_is_refused_and_nothing_is_saved(practitioner_client, person):
    """#14: a value that is not one of the national return's groups gets a clear message."""
    url = reverse("people:edit", args=[person.pk])
    response = practitioner_client.post(url, person_post_data(person, support_reason="bananas"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose a main reason for support from the list." in body
    assert 'href="#id_support_reason"' in body
    person.refresh_from_db()
    assert person.support_reason == "" and person.version == 1


def test_a_stale_reason_is_refused(practitioner_client, person):
    """#14 (SEC-5): a reason chosen on a form opened before someone else saved is refused."""
    url = reverse("people:edit", args=[person.pk])
    opened = person_post_data(person)
    assert practitioner_client.post(url, {**opened, "preferred_name": "Jeanie"}).status_code == 302
    response = practitioner_client.post(url, {**opened, "support_reason": "dementia"})
    assert "Someone else saved a change" in response.content.decode()
    person.refresh_from_db()
    assert person.support_reason == ""
