"""P-3, SEC-3: who looked at or changed the record, from the access log; "why did this
person look?" reaches a team leader of the person's team, who answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessLog
from goldenthread.portal import services
from goldenthread.portal.factories import RecordLinkFactory
from goldenthread.portal.models import AccessQuestion


def test_the_person_sees_who_looked_and_asks_why(
    client, person, practitioner, team_leader, practitioner_client
):
    practitioner_client.get(reverse("people:detail", args=[person.pk]))
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    page = client.get(reverse("portal:who_looked", args=[person.pk])).content.decode()
    assert "Pat Kerr" in page and "Worker" in page and "Your worker" in page
    assert "Looked at your details" in page
    row = AccessLog.objects.filter(actor=practitioner).latest("seq")
    url = reverse("portal:ask_why", args=[person.pk, row.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"question": "Why did Pat look on Sunday?"}).status_code == 302
    question = AccessQuestion.objects.get()
    sign_in(client, team_leader)
    worklist = client.get(reverse("portal_staff:worklist")).content.decode()
    assert "Jean Macdonald" in worklist and "Pat Kerr" in worklist
    with pytest.raises(PermissionDenied):
        services.question_answer(
            actor=practitioner, question=question, answer="x", expected_version=question.version
        )
    answer_url = reverse("portal_staff:question_answer", args=[person.pk, question.pk])
    done = client.post(
        answer_url, {"answer": "Pat was preparing your review.", "version": question.version}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("portal_staff:worklist")  # back where it was asked
    sign_in(client, me)
    page = client.get(reverse("portal:who_looked", args=[person.pk])).content.decode()
    assert "Pat was preparing your review." in page


def test_break_glass_is_flagged(client, person, other_team_leader):
    from goldenthread.people.access import break_glass_start

    break_glass_start(
        actor=other_team_leader,
        person_id=person.pk,
        reason="Police asked for a welfare check tonight, urgent",
    )
    sign_in(client, other_team_leader)
    client.get(reverse("people:detail", args=[person.pk]))
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    page = client.get(reverse("portal:who_looked", args=[person.pk])).content.decode()
    assert "Emergency access" in page and "Police asked for a welfare check" in page


def test_a_question_about_another_persons_log_is_refused(person, team, practitioner):
    from goldenthread.people.factories import PersonFactory

    other = PersonFactory(team=team)
    from goldenthread.audit.services import access_record

    row = access_record(actor=practitioner, person_id=other.pk, action="view", what="x", reason="y")
    me = RecordLinkFactory(person=person).user
    with pytest.raises(Exception):  # noqa: B017 - ValidationError
        services.question_ask(actor=me, person=person, log_id=row.pk, question="Why?")
    assert not AccessQuestion.objects.exists()


def test_a_look_through_the_api_names_the_token(client, person, practitioner):
    """IO-1: a call with a personal API token is logged with the token's name in its own
    column, and the person sees which token it was."""
    from goldenthread.api.tests.helpers import call, token_for

    token = token_for(practitioner, name="Finance <system>")
    assert call(client, "get", f"/api/v1/people/{person.pk}", token).status_code == 200
    row = AccessLog.objects.filter(actor=practitioner).latest("seq")
    assert row.api_token_name == "Finance <system>" and row.what == "api:person"
    assert row.api_token_prefix and token.startswith(f"gt_{row.api_token_prefix}_")
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    page = client.get(reverse("portal:who_looked", args=[person.pk])).content.decode()
    assert "with the API token named “Finance &lt;system&gt;”" in page


def test_every_part_of_a_record_is_named_in_the_persons_own_words():
    """P-3: each page of a person's record logs its URL name ("accountability:challenge"),
    and the person reads where someone looked by its part ("your challenges, advocacy and
    moves"), never the catch-all "your record". A new part of the record needs its words."""
    from goldenthread.core.tests.test_site_headers import url_patterns
    from goldenthread.portal.presenters import AREA_WORDS, STAFF_AREA_WORDS

    parts = {
        name.split(":", 1)[0]
        for name, kwargs in url_patterns()
        if "person_id" in kwargs and ":" in name
    }
    assert parts, "no page of a person's record found"
    assert parts <= set(AREA_WORDS), sorted(parts - set(AREA_WORDS))
    assert parts <= set(STAFF_AREA_WORDS), sorted(parts - set(STAFF_AREA_WORDS))
