"""The worker who asked hears the team leader's answer (#11, ACC-3, SEC-2).

A worker who typed the name and date of birth (or CHI number) of someone they may not see
is sent to a "may already be known" page and their team leader is asked. The team leader's
answer ("it is a different person", or not) used to reach only the team leader's own page:
the worker was never told, and had to type everything again on the off chance. Now the
worker gets a notification (and an e-mail where they have an address) whose words name no
one; the request's page says whether they may go ahead and, if so, links to the form filled
in again with what they typed. Nothing about the other record reaches them: not its team,
not the team leader's own words (which may name it), and no read of it is logged for them.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from conftest import sign_in
from goldenthread.accounts.models import Notification
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person, PossibleDuplicate
from goldenthread.people.tests.test_same_name_and_birth import BORN, changed, typed


@pytest.fixture
def outsider(other_team):
    """Emily Gill of another team: nobody in the practitioner's team may see her."""
    return PersonFactory(
        team=other_team,
        given_name="Emily",
        family_name="Gill",
        date_of_birth=BORN,
        communication_needs="Uses British Sign Language",
    )


@pytest.fixture
def emma(team, practitioner):
    """Emma Gill, born the same day, on the practitioner's caseload."""
    person = PersonFactory(
        team=team, given_name="Emma", family_name="Gill", date_of_birth=BORN, chi_number=""
    )
    AllocationFactory(person=person, worker=practitioner)
    return person


WORDS = "Asked the Riverside team leader: their Emily Gill is someone else."


def secrets_of(outsider) -> list[str]:
    return [
        outsider.team.name,
        "Riverside",
        outsider.area.name,
        str(outsider.pk),
        outsider.communication_needs,
        WORDS,
    ]


def ask(client, practitioner, url, data) -> PossibleDuplicate:
    sign_in(client, practitioner)
    response = client.post(url, data)
    assert response.status_code == 302
    return PossibleDuplicate.objects.get()


def answer(client, team_leader, request, capture, *, different: bool) -> None:
    sign_in(client, team_leader)
    data = {"resolution": WORDS, **({"different_person": "on"} if different else {})}
    with capture(execute=True):
        response = client.post(reverse("people:possible_duplicate", args=[request.pk]), data)
    assert response.status_code == 302


def test_the_worker_is_told_it_is_a_different_person_and_can_add_them_from_the_page(
    client, practitioner, team_leader, area, outsider, django_capture_on_commit_callbacks
):
    practitioner.email = "pat@example.org"
    practitioner.save()
    request = ask(client, practitioner, reverse("people:create"), typed(area, chi_number=""))
    page = reverse("people:possible_duplicate", args=[request.pk])
    answer(client, team_leader, request, django_capture_on_commit_callbacks, different=True)

    # In the worker's notifications, and by e-mail: naming no one.
    note = Notification.objects.get(user=practitioner)
    assert note.url == page
    assert note.text == (
        "Your team leader has checked the person you asked about. It is a different person, "
        "so you can add them now."
    )
    [email] = mail.outbox
    assert not Notification.objects.filter(user=team_leader).exists()
    sign_in(client, practitioner)
    listed = client.get(reverse("accounts:notifications")).content.decode()
    assert f'href="{page}"' in listed
    for secret in ["Emily", "Gill", *secrets_of(outsider)]:
        assert secret not in note.text + email.subject + email.body, secret

    # On the request's page: the answer and a way on, nothing about the other record.
    body = client.get(page).content.decode()
    assert "It is a different person, so you can add them now." in body
    go_ahead = reverse("people:create") + f"?possible_duplicate={request.pk}"
    assert f'href="{go_ahead}"' in body
    for secret in secrets_of(outsider):
        assert secret not in body, secret

    # The form comes back filled in with what they typed; saving adds the person.
    form = client.get(go_ahead).content.decode()
    assert 'value="Emily"' in form and 'value="Gill"' in form
    assert BORN.isoformat() in form or BORN.strftime("%d/%m/%Y") in form
    response = client.post(go_ahead, typed(area))
    assert response.status_code == 302, response.content.decode()
    assert Person.objects.filter(family_name="Gill").count() == 2
    # Nothing of the other record was read for the worker: only the attempt is logged.
    rows = AccessLog.objects.filter(person_id=outsider.pk, actor=practitioner)
    assert [row.action for row in rows] == [AccessAction.DENIED]


def test_the_worker_is_told_not_to_add_them_and_the_team_leaders_words_stay_hidden(
    client, practitioner, team_leader, area, outsider, django_capture_on_commit_callbacks
):
    request = ask(client, practitioner, reverse("people:create"), typed(area))
    page = reverse("people:possible_duplicate", args=[request.pk])
    answer(client, team_leader, request, django_capture_on_commit_callbacks, different=False)

    note = Notification.objects.get(user=practitioner)
    assert note.url == page and "Do not add them for now" in note.text
    sign_in(client, practitioner)
    body = client.get(page).content.decode()
    assert "Do not add them for now: ask your team leader what was found" in body
    assert "?possible_duplicate=" not in body
    for secret in secrets_of(outsider):
        assert secret not in body, secret
    # The form is not filled in from a request not found to be someone else.
    form = client.get(reverse("people:create") + f"?possible_duplicate={request.pk}")
    assert 'value="Gill"' not in form.content.decode()
    assert not AccessLog.objects.filter(
        person_id=outsider.pk, actor=practitioner, action=AccessAction.VIEW
    ).exists()


def test_a_change_found_to_be_someone_else_can_be_saved_from_the_page(
    client, practitioner, team_leader, emma, outsider, django_capture_on_commit_callbacks
):
    request = ask(
        client,
        practitioner,
        reverse("people:edit", args=[emma.pk]),
        changed(emma, given_name="Emily"),
    )
    page = reverse("people:possible_duplicate", args=[request.pk])
    answer(client, team_leader, request, django_capture_on_commit_callbacks, different=True)

    note = Notification.objects.get(user=practitioner)
    assert "It is a different person, so you can save the change now." in note.text
    sign_in(client, practitioner)
    body = client.get(page).content.decode()
    go_ahead = reverse("people:edit", args=[emma.pk]) + f"?possible_duplicate={request.pk}"
    assert f'href="{go_ahead}"' in body and "Change their details again" in body
    for secret in secrets_of(outsider):
        assert secret not in body, secret
    form = client.get(go_ahead).content.decode()
    assert 'value="Emily"' in form
    response = client.post(go_ahead, changed(emma, given_name="Emily"))
    assert response.status_code == 302, response.content.decode()
    emma.refresh_from_db()
    assert emma.given_name == "Emily"


def test_another_worker_cannot_have_the_form_filled_in_from_someone_elses_request(
    client,
    practitioner,
    other_practitioner,
    team_leader,
    area,
    outsider,
    django_capture_on_commit_callbacks,
):
    request = ask(client, practitioner, reverse("people:create"), typed(area))
    answer(client, team_leader, request, django_capture_on_commit_callbacks, different=True)
    sign_in(client, other_practitioner)
    assert client.get(reverse("people:possible_duplicate", args=[request.pk])).status_code == 403
    form = client.get(reverse("people:create") + f"?possible_duplicate={request.pk}")
    assert form.status_code == 200 and 'value="Gill"' not in form.content.decode()
    bad = client.get(reverse("people:create") + "?possible_duplicate=not-an-id")
    assert bad.status_code == 200
    assert not Notification.objects.filter(user=other_practitioner).exists()


def test_while_the_request_is_open_the_worker_is_told_where_the_answer_will_come(
    client, practitioner, area, outsider
):
    request = ask(client, practitioner, reverse("people:create"), typed(area))
    body = client.get(reverse("people:possible_duplicate", args=[request.pk])).content.decode()
    assert "you will get a notification and this page will say whether you can go ahead" in body
    assert "?possible_duplicate=" not in body
