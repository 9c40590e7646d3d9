"""Permissions are named by one enum and answered by the rules predicates (#17): an unknown
name is an error, never a quiet "no"; templates use the same names."""

from __future__ import annotations

import datetime

import pytest
import rules
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.template import engines

from goldenthread.accounts.rules import RULES
from goldenthread.core.permissions import Permission, UnknownPermission, can

P = Permission


def test_every_permission_has_a_rule_and_every_rule_a_permission():
    assert set(RULES) == set(Permission)
    for permission in Permission:
        assert rules.rule_exists(permission.value), permission


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["people.view_casload", "sds.recrod", "", "people.change_person"])
def test_an_unknown_name_is_an_error_not_a_refusal(practitioner, name):
    with pytest.raises(UnknownPermission):
        can(practitioner, name)


@pytest.mark.django_db
def test_a_name_may_be_given_as_the_enum_or_its_value(practitioner):
    assert can(practitioner, P.VIEW_CASELOAD) is True
    assert can(practitioner, "people.view_caseload") is True


WHO_MAY = {
    P.VIEW_CASELOAD: {"practitioner", "team_leader"},
    P.ADD_PERSON: {"practitioner", "team_leader"},
    P.REVIEW_POSSIBLE_DUPLICATES: {"team_leader"},
    P.VIEW_TEAM: {"team_leader"},
    P.VIEW_CASEWORK_ACCESS: {"team_leader", "administrator"},
    P.REVIEW_BREAK_GLASS: {"team_leader"},
    P.RECORD_SDS: {"practitioner", "team_leader"},
    P.VIEW_BUDGET_APPROVALS: {"team_leader"},
    P.VIEW_TEAM_UNMET_NEED: {"team_leader"},
    P.VIEW_DECISION_PANEL: {"panel_member"},
    P.RECORD_RISK: {"practitioner", "team_leader"},
    P.RECORD_ACCOUNTABILITY: {"practitioner", "team_leader"},
    # Everyone signed in has their own notifications (#13); not an anonymous visitor.
    P.VIEW_NOTIFICATIONS: {
        "practitioner",
        "team_leader",
        "panel_member",
        "commissioner",
        "administrator",
        "superuser",
    },
    # The person's own record: only a person's or proxy's sign-in (portal tests).
    P.USE_OWN_RECORD: set(),
    P.ANSWER_CORRECTIONS: {"practitioner", "team_leader"},
    P.VIEW_REPORTS: {"commissioner", "team_leader"},
    P.VIEW_RECORDING_QUALITY: {"team_leader"},
    # Background jobs (#20): staff see their own; administrators back up, import the
    # directory and apply retention.
    P.VIEW_OWN_JOBS: {
        "practitioner",
        "team_leader",
        "panel_member",
        "commissioner",
        "administrator",
        "superuser",
    },
    P.RUN_BACKUP: {"administrator"},
    P.IMPORT_DIRECTORY: {"administrator"},
    P.APPLY_RETENTION: {"administrator"},
}


@pytest.mark.django_db
def test_who_may_do_what(
    practitioner, team_leader, panel_member, commissioner, administrator, django_user_model
):
    users = {
        "practitioner": practitioner,
        "team_leader": team_leader,
        "panel_member": panel_member,
        "commissioner": commissioner,
        "administrator": administrator,
        # Being a superuser adds nothing: an administrator who is one may what an
        # administrator may.
        "superuser": django_user_model.objects.create_superuser(
            "root", password="x" * 20, role="administrator"
        ),
        "anonymous": AnonymousUser(),
    }
    # The two that are about one person are tested with a person below.
    assert set(WHO_MAY) | {P.MANAGE_ALLOCATIONS, P.VIEW_ACCESS_LOG} == set(Permission)
    for permission, allowed in WHO_MAY.items():
        got = {role for role, user in users.items() if can(user, permission)}
        expected = allowed | ({"superuser"} if "administrator" in allowed else set())
        assert got == expected, permission


@pytest.mark.django_db
def test_allocating_is_for_the_team_leader_of_the_persons_team(
    person, team_leader, other_team_leader, practitioner
):
    assert can(team_leader, P.MANAGE_ALLOCATIONS, person)
    assert not can(other_team_leader, P.MANAGE_ALLOCATIONS, person)
    assert not can(practitioner, P.MANAGE_ALLOCATIONS, person)
    assert not can(team_leader, P.MANAGE_ALLOCATIONS, None)


@pytest.mark.django_db
def test_who_looked_is_for_the_persons_team_leader_and_allocated_worker(
    person, team_leader, other_team_leader, practitioner, other_practitioner, commissioner
):
    """#15: the access log of a record, for the team leader of the person's team and the
    worker allocated to them now; nobody else, whatever else they may see."""
    assert can(team_leader, P.VIEW_ACCESS_LOG, person)
    assert can(practitioner, P.VIEW_ACCESS_LOG, person)
    for user in (other_team_leader, other_practitioner, commissioner):
        assert not can(user, P.VIEW_ACCESS_LOG, person), user.role
    assert not can(team_leader, P.VIEW_ACCESS_LOG, None)
    allocation = person.allocations.get(worker=practitioner)
    allocation.end_date = allocation.start_date
    allocation.save()
    with time_machine.travel(allocation.start_date + datetime.timedelta(days=1)):
        assert not can(practitioner, P.VIEW_ACCESS_LOG, person)


def render(source: str, user) -> str:
    return engines["django"].from_string(source).render({"Permission": Permission, "user": user})


@pytest.mark.django_db
def test_templates_ask_by_the_same_names(practitioner, panel_member):
    source = (
        "{% load ui %}{% can Permission.RECORD_SDS as may %}"
        "{{ Permission.RECORD_SDS }}:{{ may|yesno:'yes,no' }}"
    )
    assert render(source, practitioner) == "sds.record:yes"
    assert render(source, panel_member) == "sds.record:no"
    assert render(source, AnonymousUser()) == "sds.record:no"


@pytest.mark.django_db
def test_a_template_with_a_misspelt_permission_fails_loudly(practitioner):
    with pytest.raises(UnknownPermission):
        render("{% load ui %}{% can Permission.RECORD_SD as may %}{{ may }}", practitioner)
    with pytest.raises(UnknownPermission):
        render("{% load ui %}{% can 'sds.recrod' as may %}{{ may }}", practitioner)


@pytest.mark.django_db
def test_every_page_has_the_enum(practitioner_client):
    response = practitioner_client.get("/people/")
    assert response.context["Permission"] is Permission
