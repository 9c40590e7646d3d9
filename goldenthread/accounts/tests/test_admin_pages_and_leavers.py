"""#11 (medium): the admin's "change user" and authenticator pages answered 500 in every
environment, and there was no way to close a leaver's account or change a role. Leavers:
account closed, every session ended, allocations ended, and the team leader gets the list
of people to allocate again."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts import services
from goldenthread.accounts.models import AccessStatus, CaseworkAccess, Role
from goldenthread.audit.models import ChangeAction, ChangeRecord
from goldenthread.people import services as people_services
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person

from .helpers import changes_to, client_for

pytestmark = pytest.mark.django_db


def test_every_accounts_admin_page_opens(administrator, practitioner, team, area):
    device = TOTPDevice.objects.create(user=practitioner, name="phone", confirmed=True)
    admin_client = client_for(administrator)
    grant = CaseworkAccess.objects.get(user=practitioner)
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[practitioner.pk]),
        reverse("admin:accounts_user_password_change", args=[practitioner.pk]),
        reverse("admin:accounts_user_reset_second_factor", args=[practitioner.pk]),
        reverse("admin:accounts_user_leave", args=[practitioner.pk]),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:accounts_team_change", args=[team.pk]),
        reverse("admin:accounts_area_change", args=[area.pk]),
        reverse("admin:accounts_caseworkaccess_changelist"),
        reverse("admin:accounts_caseworkaccess_change", args=[grant.pk]),
        reverse("accounts:access"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    change_page = admin_client.get(
        reverse("admin:accounts_user_change", args=[practitioner.pk])
    ).content.decode()
    assert "Reset authenticator app" in change_page and "Record that this person has left" in (
        change_page
    )
    assert practitioner.password not in change_page  # not even the hash


def test_a_leaver_is_closed_signed_out_and_their_people_listed_for_the_team_leader(
    administrator, practitioner, other_practitioner, team_leader, team, pinned_clock
):
    held = PersonFactory(team=team, given_name="Ada", family_name="Baird")
    shared = PersonFactory(team=team, given_name="Bea", family_name="Cole")
    AllocationFactory(person=held, worker=practitioner)
    AllocationFactory(person=shared, worker=practitioner)
    AllocationFactory(person=shared, worker=other_practitioner)
    leaver_client = client_for(practitioner)
    assert leaver_client.get(reverse("people:caseload")).status_code == 200

    admin_client = client_for(administrator)
    url = reverse("admin:accounts_user_leave", args=[practitioner.pk])
    assert (
        "Enter their last working day"
        in admin_client.post(url, {"reason": "Left"}).content.decode()
    )
    last_day = timezone.localdate()
    response = admin_client.post(
        url, {"reason": "Moved to another council", "last_day": last_day.isoformat()}
    )
    assert response.status_code == 302

    practitioner.refresh_from_db()
    assert not practitioner.is_active
    # Every session ended: the next request is sent to sign in.
    assert leaver_client.get(reverse("people:caseload")).status_code == 302
    assert not Person.objects.visible_to(practitioner).exists()
    assert CaseworkAccess.objects.get(user=practitioner).status == AccessStatus.ENDED
    # Allocations ended on the last day, each written to the person's own history.
    for person in (held, shared):
        allocation = person.allocations.get(worker=practitioner)
        assert allocation.end_date == last_day
        change = changes_to(allocation)[-1]
        assert change.person_id == person.pk and change.actor == administrator
    assert changes_to(practitioner)[-1].after["is_active"] is False

    # The next day the team leader sees who to allocate again (Bea still has Sam; Ada has
    # nobody).
    pinned_clock.shift(datetime.timedelta(days=1))
    leader_client = client_for(team_leader)
    page = leader_client.get(reverse("people:team")).content.decode()
    assert "People to allocate again" in page
    assert "Ada Baird" in page and "allocate a worker" in page
    assert "Sam Reid" in page  # Bea is still allocated to Sam

    # Allocating someone to Ada clears the list.
    people_services.allocation_start(
        actor=team_leader, person=held, worker=other_practitioner, start_date=timezone.localdate()
    )
    page = leader_client.get(reverse("people:team")).content.decode()
    assert "People to allocate again" not in page


def test_a_leaver_cannot_sign_in_and_is_told_nothing_more(client, administrator, practitioner):
    services.user_leave(
        actor=administrator, user=practitioner, last_day=timezone.localdate(), reason="Retired"
    )
    response = client.post(
        reverse("accounts:login"), {"username": "pat", "password": "demo-golden-thread"}
    )
    assert "The username or password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_moving_team_ends_allocations_and_needs_approval_in_the_new_team(
    administrator, practitioner, person, other_team, other_team_leader
):
    services.user_update(
        actor=administrator, user=practitioner, team=other_team, reason="Moved to Riverside"
    )
    allocation = person.allocations.get(worker=practitioner)
    assert allocation.end_date == timezone.localdate()
    grant = CaseworkAccess.objects.get(user=practitioner, status=AccessStatus.PENDING)
    assert grant.team == other_team
    services.casework_access_approve(actor=other_team_leader, grant=grant)
    assert CaseworkAccess.objects.approved_for(practitioner).exists()


def test_the_history_of_a_leaver_is_in_the_append_only_change_record(administrator, practitioner):
    services.user_leave(
        actor=administrator, user=practitioner, last_day=timezone.localdate(), reason="Retired"
    )
    rows = ChangeRecord.objects.filter(object_type="accounts.User", object_id=str(practitioner.pk))
    assert rows.get().action == ChangeAction.UPDATE
    assert rows.get().after["reason"] == "Left: Retired"


def test_role_change_page_works_for_a_practitioner_becoming_a_panel_member(
    administrator, practitioner, person
):
    admin_client = client_for(administrator)
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[practitioner.pk]),
        {
            "username": "pat",
            "first_name": "Pat",
            "last_name": "Kerr",
            "email": "",
            "role": Role.PANEL_MEMBER,
            "team": "",
            "job_title": "Panel member",
            "reason": "Joined the resource panel",
        },
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PANEL_MEMBER and practitioner.team is None
    assert person.allocations.get(worker=practitioner).end_date == timezone.localdate()
    assert not CaseworkAccess.objects.filter(
        user=practitioner, status__in=[AccessStatus.PENDING, AccessStatus.APPROVED]
    ).exists()


def test_the_admins_forms_say_what_is_wrong_in_the_services_words(administrator, area):
    """As every page's forms do (ADR 0008, A11Y-1): not "This field is required." nor
    "Select a valid choice. 999999 is not one of the available choices."."""
    from goldenthread.accounts.models import Team

    admin_client = client_for(administrator)
    team = admin_client.post(reverse("admin:accounts_team_add"), {"name": "", "area": "999999"})
    user = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "", "role": "nonsense", "reason": "x" * 301},
    )
    for response in (team, user):
        assert response.status_code == 200
        body = response.content.decode()
        assert "This field is required" not in body and "valid choice" not in body
        assert "999999" not in body and "nonsense" not in body
    assert "Enter the name." in team.content.decode()
    assert "Choose the area from the list." in team.content.decode()
    user_body = user.content.decode()
    assert "Enter the username." in user_body and "Choose the role from the list." in user_body
    assert "The reason must be 300 characters or fewer." in user_body
    assert not Team.objects.exists()
