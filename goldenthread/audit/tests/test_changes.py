"""SEC-4 (#11): the change history page — what each item said before, who changed it and
when — permission-checked, access-logged, in plain words, values shown as text."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.conversations import services as conversation_services
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people import services as people_services
from goldenthread.people.factories import CircleMemberFactory

MARKUP = '<b hx-post="/x/">bold</b>'


def changes_url(person, **query):
    url = reverse("audit:changes", args=[person.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def edit_person(person, actor, **changes):
    person.refresh_from_db()
    return people_services.person_update(
        actor=actor, person=person, expected_version=person.version, **changes
    )


@pytest.mark.django_db
def test_changes_page_shows_before_after_who_and_when(pinned_clock, client, practitioner, person):
    edit_person(
        person,
        practitioner,
        given_name="Jeanie",
        date_of_birth=datetime.date(1950, 4, 2),
        chi_number="",
    )
    sign_in(client, practitioner)
    response = client.get(changes_url(person))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Changes to this record" in body
    assert "Changed: person" in body
    assert "First name" in body and "Jean" in body and "Jeanie" in body  # verbose names
    assert "Date of birth" in body and "2 April 1950" in body  # dates written out
    assert "Pat Kerr (pat)" in body
    assert "3 June 2026 at 10:30" in body
    row = AccessLog.objects.filter(actor=practitioner).latest("seq")
    assert (row.what, row.action, row.person_id) == ("audit:changes", AccessAction.VIEW, person.pk)


@pytest.mark.django_db
def test_values_are_text_never_markup(client, practitioner, person):
    edit_person(person, practitioner, communication_needs=MARKUP)
    sign_in(client, practitioner)
    body = client.get(changes_url(person)).content.decode()
    assert MARKUP not in body
    assert "&lt;b hx-post=&quot;/x/&quot;&gt;bold&lt;/b&gt;" in body


@pytest.mark.django_db
def test_filter_by_kind_of_item_and_one_item(client, practitioner, person):
    outcome = OutcomeFactory(
        positive_change__conversation__person=person,
        statement="I will go to the lunch club on Fridays",
    )
    outcome_services.outcome_update(
        actor=practitioner,
        outcome=outcome,
        expected_version=outcome.version,
        statement="I will go to the lunch club every Friday",
        baseline="",
        measure="",
        target_date=None,
        assessed_need="",
    )
    other = OutcomeFactory(
        positive_change__conversation__person=person, statement="I will walk to the shop"
    )
    outcome_services.outcome_update(
        actor=practitioner,
        outcome=other,
        expected_version=other.version,
        statement="I will walk to the corner shop",
        baseline="",
        measure="",
        target_date=None,
        assessed_need="",
    )
    edit_person(person, practitioner, communication_needs="Needs time to answer")
    sign_in(client, practitioner)
    body = client.get(changes_url(person, kind="outcomes.Outcome")).content.decode()
    assert "every Friday" in body and "corner shop" in body
    assert "Needs time to answer" not in body
    # One item: its own history, linked from the outcome's page.
    detail = client.get(reverse("outcomes:detail", args=[person.pk, outcome.pk]))
    link = f"?kind=outcomes.Outcome&amp;item={outcome.pk}"
    assert link in detail.content.decode()
    body = client.get(
        changes_url(person, kind="outcomes.Outcome", item=outcome.pk)
    ).content.decode()
    assert "Changes to this outcome" in body
    assert "every Friday" in body and "corner shop" not in body
    assert "The outcome" in body  # the field's verbose name


@pytest.mark.django_db
def test_an_unknown_kind_is_a_clear_message_not_an_error(client, practitioner, person):
    edit_person(person, practitioner, given_name="Jeanie")
    sign_in(client, practitioner)
    response = client.get(changes_url(person, kind="accounts.User"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose a kind of item from the list." in body
    assert "Jeanie" in body  # everything is shown instead


@pytest.mark.django_db
def test_removed_items_show_what_they_said(client, practitioner, person):
    member = CircleMemberFactory(
        person=person, name="Ann Macdonald", relationship="Daughter", is_unpaid_carer=True
    )
    people_services.circle_member_remove(actor=practitioner, member=member)
    sign_in(client, practitioner)
    body = client.get(changes_url(person)).content.decode()
    assert "Removed: someone who matters" in body or "Removed: circle member" in body
    assert "Ann Macdonald" in body and "Daughter" in body
    assert "Unpaid carer" in body and "Yes" in body


@pytest.mark.django_db
def test_conversation_and_person_pages_link_to_their_history(client, practitioner, full_record):
    person_id = full_record["person_id"]
    conversation_id = full_record["conversation_id"]
    sign_in(client, practitioner)
    page = client.get(reverse("conversations:detail", args=[person_id, conversation_id]))
    assert f"?kind=conversations.Conversation&amp;item={conversation_id}" in page.content.decode()
    page = client.get(reverse("people:detail", args=[person_id]))
    assert f"?kind=people.Person&amp;item={person_id}" in page.content.decode()
    assert reverse("audit:changes", args=[person_id]) in page.content.decode()


@pytest.mark.django_db
def test_linked_items_are_named_and_choices_use_their_labels(client, practitioner, person):
    outcome = OutcomeFactory(positive_change__conversation__person=person)
    outcome_services.outcome_close(actor=practitioner, outcome=outcome, status="achieved")
    conversation = outcome.conversation
    conversation_services.conversation_update(
        actor=practitioner,
        conversation=conversation,
        expected_version=conversation.version,
        place="The day centre",
    )
    sign_in(client, practitioner)
    body = client.get(changes_url(person)).content.decode()
    assert "Achieved" in body  # the choice's label, not "achieved"
    assert "The day centre" in body


@pytest.mark.django_db
def test_no_relationship_no_history(client, other_practitioner, person, practitioner):
    edit_person(person, practitioner, given_name="Jeanie")
    sign_in(client, other_practitioner)
    response = client.get(changes_url(person))
    assert response.status_code == 403
    assert "Jeanie" not in response.content.decode()
    assert AccessLog.objects.get(actor=other_practitioner).action == AccessAction.DENIED


@pytest.mark.django_db
def test_a_change_linked_to_several_items_names_each(client, practitioner, person):
    """A positive change records the items it changes as a list of ids; the page names
    each (it failed with "is not a valid UUID" on the whole list, #17)."""
    conversation = OutcomeFactory(positive_change__conversation__person=person).conversation
    lonely = conversation_services.step_item_add(
        actor=practitioner,
        conversation=conversation,
        item_type="working",
        text="Feels lonely at weekends",
        is_working=False,
    )
    stairs = conversation_services.step_item_add(
        actor=practitioner,
        conversation=conversation,
        item_type="working",
        text="Cannot manage the stairs",
        is_working=False,
    )
    conversation_services.positive_change_add(
        actor=practitioner,
        conversation=conversation,
        text="See friends every week",
        from_not_working=[lonely, stairs],
    )
    sign_in(client, practitioner)
    response = client.get(changes_url(person))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Feels lonely at weekends" in body and "Cannot manage the stairs" in body
