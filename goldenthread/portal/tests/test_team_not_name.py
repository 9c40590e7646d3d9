"""#12, P-3: the council's policy may name staff of some roles by their team where a person
sees who looked at or wrote in their record (GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES).
Staff pages keep the names; with no policy everyone is named."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessLog
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory

TEAM_WORDS = "Someone from Northfield Community Care Team"
ABOUT = {
    "what_matters": "My garden",
    "admired": "",
    "how_to_support": "",
    "communication": "",
    "important_people": "",
}


@pytest.fixture
def looked_and_wrote(person, practitioner, team_leader, practitioner_client):
    """Pat looked at the record, changed About me, and answered a correction request;
    the person asked why Pat looked and the team leader Lee answered."""
    practitioner_client.get(reverse("people:detail", args=[person.pk]))
    me = RecordLinkFactory(person=person).user
    services.about_me_save(actor=practitioner, person=person, expected_version=0, **ABOUT)
    row = AccessLog.objects.filter(actor=practitioner).latest("seq")
    question = services.question_ask(
        actor=me, person=person, log_id=row.pk, question="Why did they look?"
    )
    services.question_answer(
        actor=team_leader, question=question, answer="To plan a visit.", expected_version=1
    )
    correction = services.correction_ask(
        actor=me,
        person=person,
        label="people.Person",
        item_id=str(person.pk),
        what_is_wrong="My name is spelt wrong.",
    )
    services.correction_answer(
        actor=practitioner,
        correction=correction,
        accept=False,
        answer="It matches your passport.",
        new_text="",
        expected_version=correction.version,
    )
    return me, row


def pages(client, person, me) -> str:
    sign_in(client, me)
    return "".join(
        client.get(reverse(name, args=[person.pk])).content.decode()
        for name in ("portal:who_looked", "portal:about_me", "portal:requests")
    )


def test_with_no_policy_the_person_sees_names(client, person, looked_and_wrote, settings):
    settings.GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES = []
    me, _ = looked_and_wrote
    page = pages(client, person, me)
    assert "Pat Kerr" in page and "Lee Smith" in page
    assert TEAM_WORDS not in page


def test_the_policy_shows_the_team_instead_of_the_name(
    client, person, looked_and_wrote, settings, team_leader
):
    settings.GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES = ["practitioner", "team_leader"]
    me, row = looked_and_wrote
    page = pages(client, person, me)
    assert "Pat Kerr" not in page and "Lee Smith" not in page
    assert "(pat)" not in page and "(lee)" not in page
    assert TEAM_WORDS in page
    ask = client.get(reverse("portal:ask_why", args=[person.pk, row.pk])).content.decode()
    assert "Pat Kerr" not in ask and TEAM_WORDS in ask
    # Staff pages keep the names.
    staff_page = (
        sign_in(Client(), team_leader)
        .get(reverse("portal_staff:about_me", args=[person.pk]))
        .content.decode()
    )
    assert "Pat Kerr" in staff_page


def test_the_policy_names_only_the_roles_it_lists(client, person, looked_and_wrote, settings):
    settings.GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES = ["team_leader"]
    me, _ = looked_and_wrote
    page = pages(client, person, me)
    assert "Pat Kerr" in page and "Lee Smith" not in page
    assert TEAM_WORDS in page


def test_a_question_whose_log_row_is_gone_shows_no_name_the_policy_may_hide(
    person, looked_and_wrote, settings
):
    """#17 (P-3, OPS-7): once the audit log's retention has removed the row asked about, its
    role is unknown: the person sees "A member of staff" while the council names any role
    by its team, and the name (never the username) otherwise."""
    import uuid

    from goldenthread.portal.models import AccessQuestion
    from goldenthread.portal.selectors import questions_shown_to_person

    AccessQuestion.objects.filter(person=person).update(log_id=uuid.uuid4())
    settings.GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES = ["practitioner"]
    assert [name for _, name in questions_shown_to_person(person)] == ["A member of staff"]
    settings.GOLDENTHREAD_PORTAL_TEAM_NOT_NAME_ROLES = []
    assert [name for _, name in questions_shown_to_person(person)] == ["Pat Kerr"]
