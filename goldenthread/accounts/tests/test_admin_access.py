"""#11 (high): an administrator cannot reach case content.

(a) Accounts, roles, teams and areas changed in the admin go through audited services, and
casework access needs a second person's approval before any record is visible.
(b) An administrator cannot take over a worker's account: no password is ever set or seen
by an administrator, resetting the app needs a reason, ends every session and issues a
one-time code that is useless without the worker's own password.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts import services
from goldenthread.accounts.factories import (
    AdministratorFactory,
    PractitionerFactory,
    TeamLeaderFactory,
)
from goldenthread.accounts.models import (
    AccessStatus,
    CaseworkAccess,
    Role,
    SignInCode,
    Team,
    User,
)
from goldenthread.audit.models import ChangeAction, ChangeRecord
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person

from .helpers import changes_to, client_for, current_code, issued_code

pytestmark = pytest.mark.django_db


def add_user(admin_client, team, *, role=Role.TEAM_LEADER, username="newlead"):
    return admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": username,
            "first_name": "Nia",
            "last_name": "Ross",
            "email": "",
            "role": role,
            "team": team.pk,
            "job_title": "Team leader",
            "reason": "Started as team leader on Monday",
        },
    )


def test_a_new_team_leader_made_in_the_admin_sees_nothing_until_a_second_person_approves(
    administrator, team, team_leader, person
):
    admin_client = client_for(administrator)
    response = add_user(admin_client, team)
    assert response.status_code == 200, response.content[:500]
    new = User.objects.get(username="newlead")
    # No password: the person sets their own with the code shown once, here.
    assert not new.has_usable_password()
    code = issued_code(response)
    assert code and code not in str(list(SignInCode.objects.values()))
    # The append-only history has the account and the access asked for, by whom and why.
    created = changes_to(new)
    assert [c.action for c in created] == [ChangeAction.CREATE]
    assert created[0].actor == administrator
    assert created[0].after["password"] == "not set"  # never a hash in the history
    grant = CaseworkAccess.objects.get(user=new)
    assert grant.status == AccessStatus.PENDING and grant.granted_by == administrator
    assert changes_to(grant)[0].actor == administrator

    # Nothing is visible: the team's person is out of reach until someone else approves.
    assert not Person.objects.visible_to(new).exists()
    # The administrator who asked cannot approve it, on the page or in the admin.
    admin_client.post(reverse("accounts:access_decide", args=[grant.pk]), {"decision": "approve"})
    admin_client.post(
        reverse("admin:accounts_caseworkaccess_changelist"),
        {"action": "approve", "_selected_action": [grant.pk]},
    )
    grant.refresh_from_db()
    assert grant.status == AccessStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.casework_access_approve(actor=administrator, grant=grant)

    # The team leader of that team sees it waiting, and approves it.
    leader_client = client_for(team_leader)
    team_page = leader_client.get(reverse("people:team")).content.decode()
    assert "Access waiting for approval" in team_page and "Nia Ross" in team_page
    response = leader_client.post(
        reverse("accounts:access_decide", args=[grant.pk]),
        {"decision": "approve", "note": "Checked with Nia"},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == AccessStatus.APPROVED and grant.decided_by == team_leader
    assert list(Person.objects.visible_to(new)) == [person]

    # The "who was given access" report says who asked, who approved, and when.
    report = admin_client.get(reverse("accounts:access")).content.decode()
    assert "Nia Ross (newlead)" in report
    assert "Lee Smith (lee)" in report  # approved by
    assert "Started as team leader on Monday" in report


def test_another_administrator_may_approve_but_never_the_grantee(administrator, team):
    other_admin = AdministratorFactory(username="admin2")
    issued = services.user_create(
        actor=administrator,
        username="newpat",
        first_name="Pat",
        last_name="New",
        role=Role.PRACTITIONER,
        team=team,
        reason="New starter",
    )
    grant = CaseworkAccess.objects.get(user=issued.user)
    assert not services.can_decide(issued.user, grant)
    services.casework_access_approve(actor=other_admin, grant=grant)
    grant.refresh_from_db()
    assert grant.status == AccessStatus.APPROVED and grant.decided_by == other_admin


def test_a_team_leader_of_another_team_or_without_approved_access_cannot_approve(
    administrator, team, other_team_leader
):
    unapproved_leader = TeamLeaderFactory(username="pending-lead", team=team, casework_access=False)
    issued = services.user_create(
        actor=administrator,
        username="newpat",
        first_name="Pat",
        last_name="New",
        role=Role.PRACTITIONER,
        team=team,
        reason="New starter",
    )
    grant = CaseworkAccess.objects.get(user=issued.user)
    assert not services.can_decide(other_team_leader, grant)
    assert not services.can_decide(unapproved_leader, grant)
    response = client_for(other_team_leader).post(
        reverse("accounts:access_decide", args=[grant.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404  # not their team's: not even listed


def test_the_database_refuses_self_approval(administrator, team):
    from django.db import IntegrityError, transaction

    issued = services.user_create(
        actor=administrator,
        username="newpat",
        first_name="Pat",
        last_name="New",
        role=Role.PRACTITIONER,
        team=team,
        reason="New starter",
    )
    grant = CaseworkAccess.objects.get(user=issued.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseworkAccess.objects.filter(pk=grant.pk).update(
            status=AccessStatus.APPROVED, decided_by=administrator
        )


def test_changing_a_role_or_team_in_the_admin_is_audited_and_needs_approval_again(
    administrator, practitioner, person, other_team
):
    assert list(Person.objects.visible_to(practitioner)) == [person]
    admin_client = client_for(administrator)
    url = reverse("admin:accounts_user_change", args=[practitioner.pk])
    form = {
        "username": "pat",
        "first_name": "Pat",
        "last_name": "Kerr",
        "email": "",
        "role": Role.TEAM_LEADER,
        "team": practitioner.team_id,
        "job_title": "Team leader",
        "reason": "",
    }
    # A new role needs a reason.
    response = admin_client.post(url, form)
    assert response.status_code == 200 and "Say why the role or team is changing" in (
        response.content.decode()
    )
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER
    response = admin_client.post(url, {**form, "reason": "Promoted"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.role == Role.TEAM_LEADER
    update = changes_to(practitioner)[-1]
    assert update.action == ChangeAction.UPDATE and update.actor == administrator
    assert update.before["role"] == Role.PRACTITIONER and update.after["role"] == Role.TEAM_LEADER
    assert update.after["reason"] == "Promoted"
    # The old access ended, the new one waits for a second person: nothing visible now.
    assert not Person.objects.visible_to(practitioner).exists()
    assert (
        CaseworkAccess.objects.get(user=practitioner, status=AccessStatus.PENDING).granted_by
        == administrator
    )


def test_teams_and_areas_changed_in_the_admin_reach_the_change_history(administrator, area):
    admin_client = client_for(administrator)
    response = admin_client.post(
        reverse("admin:accounts_team_add"), {"name": "Hillside Team", "area": area.pk}
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Hillside Team")
    assert changes_to(team)[0].actor == administrator
    admin_client.post(
        reverse("admin:accounts_team_change", args=[team.pk]),
        {"name": "Hillside Adult Team", "area": area.pk},
    )
    assert changes_to(team)[-1].before["name"] == "Hillside Team"
    admin_client.post(reverse("admin:accounts_team_delete", args=[team.pk]), {"post": "yes"})
    assert not Team.objects.filter(pk=team.pk).exists()
    assert changes_to(team)[-1].action == ChangeAction.DELETE
    response = admin_client.post(
        reverse("admin:accounts_area_change", args=[area.pk]), {"name": "North Field"}
    )
    assert changes_to(area)[-1].after["name"] == "North Field"


def test_only_administrators_use_the_accounts_admin(team_leader):
    staff_leader = client_for(team_leader)
    team_leader.is_staff = True
    team_leader.save(update_fields=["is_staff"])
    assert staff_leader.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_accounts_are_never_deleted_in_the_admin(administrator, practitioner):
    admin_client = client_for(administrator)
    admin_client.post(
        reverse("admin:accounts_user_delete", args=[practitioner.pk]), {"post": "yes"}
    )
    assert User.objects.filter(pk=practitioner.pk).exists()


# --- (b) taking over a worker's account ---------------------------------------------------


def test_an_administrator_cannot_take_over_a_workers_account(administrator, practitioner, person):
    """The probe's steps: delete the authenticator, set the password, enrol one's own app,
    read records as the worker. Each is closed."""
    worker_client = client_for(practitioner)
    assert worker_client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    device = TOTPDevice.objects.get(user=practitioner)
    admin_client = client_for(administrator)

    # The app cannot be deleted, changed or its key read in the admin.
    device_url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = admin_client.get(device_url)
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    admin_client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (
        302,
        404,
    )

    # The password page sets no password: it resets it, with a reason, and issues a code.
    password_url = reverse("admin:accounts_user_password_change", args=[practitioner.pk])
    response = admin_client.post(
        password_url, {"password1": "admin-knows-this-one", "password2": "admin-knows-this-one"}
    )
    assert response.status_code == 200 and "Say why" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password("demo-golden-thread")

    # Resetting the app needs a reason; it ends the worker's sessions and issues a code.
    reset_url = reverse("admin:accounts_user_reset_second_factor", args=[practitioner.pk])
    response = admin_client.post(reset_url, {"reason": ""})
    assert TOTPDevice.objects.filter(user=practitioner).exists()
    response = admin_client.post(reset_url, {"reason": "Lost phone (rang the helpdesk)"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = issued_code(response)
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert worker_client.get(reverse("people:caseload")).status_code == 302  # signed out
    history = ChangeRecord.objects.filter(object_id=str(device.pk)).get()
    assert history.action == ChangeAction.DELETE and history.actor == administrator
    assert history.after is None and device.key not in str(history.before)

    # The code alone is useless to the administrator: it needs the worker's own password.
    from django.test import Client

    intruder = Client()
    intruder.post(reverse("accounts:login"), {"username": "pat", "password": "guess-guess-1"})
    assert "_auth_user_id" not in intruder.session
    set_up = intruder.post(
        reverse("accounts:set_up"),
        {
            "username": "pat",
            "code": code,
            "new_password1": "intruder passphrase",
            "new_password2": "intruder passphrase",
        },
    )
    assert "The username or code is not right" in set_up.content.decode()

    # The worker, with their own password and the code, sets up their new app.
    worker = Client()
    worker.post(reverse("accounts:login"), {"username": "pat", "password": "demo-golden-thread"})
    worker.post(reverse("accounts:enrolment_code"), {"code": code})
    worker.get(reverse("accounts:setup_second_factor"))
    new_device = TOTPDevice.objects.get(user=practitioner)
    worker.post(reverse("accounts:setup_second_factor"), {"token": current_code(new_device)})
    assert worker.get(reverse("people:detail", args=[person.pk])).status_code == 200
    practitioner.refresh_from_db()
    assert practitioner.second_factor_set_by == administrator


def test_one_administrator_resetting_both_password_and_app_pauses_access(
    administrator, practitioner, person
):
    """If one administrator resets both, they could set a password with one code and an
    app with the other: the worker's access to records then waits for a second person."""
    TOTPDevice.objects.create(user=practitioner, name="phone", confirmed=True)
    services.password_reset(actor=administrator, user=practitioner, reason="Forgot it")
    assert Person.objects.visible_to(practitioner).exists()  # still needs the app: safe
    result = services.second_factor_reset(
        actor=administrator, user=practitioner, reason="And lost phone"
    )
    assert result.access_paused
    practitioner.refresh_from_db()
    assert not Person.objects.visible_to(practitioner).exists()
    pending = CaseworkAccess.objects.get(user=practitioner, status=AccessStatus.PENDING)
    assert pending.granted_by == administrator
    # Even after setting a password and an app with both codes, nothing is visible until
    # someone else approves.
    assert not services.can_decide(administrator, pending)


def test_resets_by_two_different_administrators_do_not_pause_access(
    administrator, practitioner, person
):
    TOTPDevice.objects.create(user=practitioner, name="phone", confirmed=True)
    second = AdministratorFactory(username="admin2")
    services.account_set_up(
        username="pat", code=_reset_code(second, practitioner), password="a passphrase of my own"
    )
    result = services.second_factor_reset(
        actor=administrator, user=practitioner, reason="Lost phone"
    )
    assert not result.access_paused
    practitioner.refresh_from_db()
    assert Person.objects.visible_to(practitioner).exists()


def _reset_code(actor, user) -> str:
    return services.password_reset(actor=actor, user=user, reason="Forgot it").issued.code


def test_administrators_cannot_reset_themselves_or_change_their_own_role(administrator):
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(actor=administrator, user=administrator, reason="x")
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=administrator, user=administrator, role=Role.TEAM_LEADER, reason="x"
        )


def test_only_administrators_call_the_account_services(practitioner, team_leader, team):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=team_leader,
            username="x",
            first_name="X",
            last_name="Y",
            role=Role.PRACTITIONER,
            team=team,
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(actor=team_leader, user=practitioner, reason="x")
    with pytest.raises(PermissionDenied):
        services.user_leave(actor=None, user=practitioner, last_day=None, reason="x")


def test_factories_make_accounts_with_approved_access_and_without_on_request(team):
    allowed = PractitionerFactory(team=team)
    waiting = PractitionerFactory(team=team, casework_access=False)
    person = PersonFactory(team=team)
    AllocationFactory(person=person, worker=allowed)
    AllocationFactory(person=person, worker=waiting)
    assert list(Person.objects.visible_to(allowed)) == [person]
    assert not Person.objects.visible_to(waiting).exists()
