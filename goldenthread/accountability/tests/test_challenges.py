"""ACC-2: challenges and complaints through the two stages of the Scottish model complaints
handling procedure, with deadlines in working days, mediation, the outcome, what changed,
escalation, the history kept, the pages and the worklist."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from conftest import form_token
from goldenthread.accountability import services
from goldenthread.accountability.factories import ChallengeFactory
from goldenthread.accountability.models import (
    Challenge,
    ChallengeEvent,
    ChallengeState,
    EventKind,
    Mediation,
    Stage,
)
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.audit.models import AccessAction, AccessLog, AppendOnlyError, ChangeRecord
from goldenthread.core.concurrency import StaleEditError
from goldenthread.people.factories import PersonFactory
from goldenthread.sds.factories import DecisionFactory

D = datetime.date
TODAY = D(2026, 6, 3)  # the pinned clock: a Wednesday

pytestmark = pytest.mark.usefixtures("pinned_clock")


def raise_challenge(actor, person, **fields):
    data = {
        "raised_by": "family",
        "raised_by_name": "Ann Macdonald",
        "raised_on": TODAY,
        "about": "budget",
        "details": "Thursday afternoons are not covered.",
        "wanted": "Cover Thursdays",
    }
    data.update(fields)
    return services.challenge_raise(actor=actor, person=person, **data)


def test_raised_at_stage_one_due_in_five_working_days(person, practitioner):
    decision = DecisionFactory(person=person)
    challenge = raise_challenge(practitioner, person, decision=decision)
    assert challenge.stage == Stage.FRONTLINE and challenge.state == ChallengeState.OPEN
    assert challenge.due_on == D(2026, 6, 10)
    assert challenge.decision == decision
    event = challenge.events.get()
    assert (event.kind, event.due_on) == (EventKind.RAISED, D(2026, 6, 10))
    assert (
        ChangeRecord.objects.filter(
            object_type="accountability.Challenge", person_id=person.pk
        ).count()
        == 1
    )


def test_two_stages_keep_the_first_answer(person, practitioner):
    challenge = raise_challenge(practitioner, person)
    services.challenge_answer(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        outcome="not_upheld",
        answer="The budget meets the assessed need.",
        answered_on=TODAY,
    )
    services.challenge_to_investigation(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        started_on=TODAY,
        reason="Ann is not satisfied with the frontline answer.",
    )
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.state, challenge.outcome) == (
        Stage.INVESTIGATION,
        ChallengeState.OPEN,
        "",
    )
    # 20 working days from Wednesday 3 June 2026: no holiday in between.
    assert challenge.due_on == D(2026, 7, 1)
    services.challenge_answer(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        outcome="partly",
        answer="Thursdays will be covered from July.",
        what_changed="Two more hours a week",
        answered_on=TODAY,
    )
    kinds = list(challenge.events.values_list("kind", "stage", "outcome"))
    assert kinds == [
        (EventKind.RAISED, Stage.FRONTLINE, ""),
        (EventKind.ANSWERED, Stage.FRONTLINE, "not_upheld"),
        (EventKind.INVESTIGATION, Stage.INVESTIGATION, ""),
        (EventKind.ANSWERED, Stage.INVESTIGATION, "partly"),
    ]


def test_investigation_across_christmas_counts_scottish_holidays(
    person, practitioner, pinned_clock
):
    pinned_clock.move_to("2027-01-20 10:00:00+00:00")
    challenge = raise_challenge(practitioner, person, raised_on=D(2026, 12, 10))
    assert challenge.due_on == D(2026, 12, 17)
    services.challenge_to_investigation(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        started_on=D(2026, 12, 14),
        reason="Complex",
    )
    assert challenge.due_on == D(2027, 1, 15)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"details": " "}, "details"),
        ({"raised_by": "nobody"}, "raised_by"),
        ({"about": "weather"}, "about"),
        ({"raised_on": D(2026, 6, 4)}, "raised_on"),
    ],
)
def test_raise_refuses_bad_input(person, practitioner, fields, key):
    with pytest.raises(ValidationError) as info:
        raise_challenge(practitioner, person, **fields)
    assert key in info.value.message_dict
    assert not Challenge.objects.exists()


def test_a_decision_of_someone_else_is_refused(person, practitioner):
    with pytest.raises(ValidationError) as info:
        raise_challenge(practitioner, person, decision=DecisionFactory())
    assert "decision" in info.value.message_dict


def test_upheld_needs_what_changed_and_stage_two_only_once(person, practitioner):
    challenge = raise_challenge(practitioner, person)
    with pytest.raises(ValidationError) as info:
        services.challenge_answer(
            actor=practitioner,
            challenge=challenge,
            expected_version=challenge.version,
            outcome="upheld",
            answer="You are right.",
            answered_on=TODAY,
        )
    assert "what_changed" in info.value.message_dict
    services.challenge_to_investigation(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        started_on=TODAY,
        reason="Complex",
    )
    with pytest.raises(ValidationError, match="already at stage 2"):
        services.challenge_to_investigation(
            actor=practitioner,
            challenge=challenge,
            expected_version=challenge.version,
            started_on=TODAY,
            reason="Again",
        )


def test_a_stale_answer_is_refused(person, practitioner):
    challenge = raise_challenge(practitioner, person)
    stale_version = challenge.version
    services.challenge_mediation(
        actor=practitioner,
        challenge=challenge,
        expected_version=stale_version,
        mediation=Mediation.OFFERED,
        on=TODAY,
    )
    with pytest.raises(StaleEditError):
        services.challenge_answer(
            actor=practitioner,
            challenge=challenge,
            expected_version=stale_version,
            outcome="not_upheld",
            answer="No",
            answered_on=TODAY,
        )
    assert Challenge.objects.get().state == ChallengeState.OPEN


def test_escalation_and_mediation_are_history(person, practitioner):
    challenge = raise_challenge(practitioner, person)
    services.challenge_mediation(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        mediation=Mediation.ACCEPTED,
        on=TODAY,
        note="Both agreed",
    )
    event = services.challenge_escalate(
        actor=practitioner,
        challenge=challenge,
        body="spso",
        escalated_on=TODAY,
        reference="SPSO-123",
    )
    assert Challenge.objects.get().mediation == Mediation.ACCEPTED
    assert event.body == "spso" and event.reference == "SPSO-123"
    with pytest.raises(ValidationError):
        services.challenge_escalate(
            actor=practitioner, challenge=challenge, body="other", escalated_on=TODAY
        )
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        ChallengeEvent.objects.filter(pk=event.pk).update(reference="changed")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accountability_challengeevent SET reference = 'changed'")
    assert ChallengeEvent.objects.get(pk=event.pk).reference == "SPSO-123"


def test_a_worker_without_the_person_is_refused(person):
    stranger = PractitionerFactory()
    with pytest.raises(PermissionDenied):
        raise_challenge(stranger, person)
    with pytest.raises(PermissionDenied):
        raise_challenge(None, person)
    assert not Challenge.objects.exists()


def test_a_person_side_check_lets_the_person_raise_but_not_answer(person, practitioner):
    """When the portal (#12) registers who is the person, they may raise a challenge
    themselves; answering stays with workers."""
    from goldenthread.people import person_side as actors

    someone = PractitionerFactory()  # stands for the person's own account here
    check = actors.register_person_side_check(
        lambda actor, p: actor == someone and getattr(p, "pk", p) == person.pk
    )
    try:
        challenge = raise_challenge(someone, person, raised_by="person")
        with pytest.raises(PermissionDenied):
            services.challenge_answer(
                actor=someone,
                challenge=challenge,
                expected_version=challenge.version,
                outcome="upheld",
                answer="x",
                what_changed="y",
                answered_on=TODAY,
            )
    finally:
        actors._PERSON_SIDE.remove(check)


# --- Pages -----------------------------------------------------------------------------------


def test_raise_and_answer_through_the_pages(practitioner_client, person):
    url = reverse("accountability:challenge_raise", args=[person.pk])
    assert practitioner_client.get(url).status_code == 200
    response = practitioner_client.post(
        url,
        {
            "raised_by": "person",
            "raised_by_name": "Jean Macdonald",
            "raised_on_0": "3",
            "raised_on_1": "6",
            "raised_on_2": "2026",
            "raised_on": "2026-06-03",
            "about": "record",
            "details": "My record says I refused help. I did not.",
            "wanted": "Correct it",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    challenge = Challenge.objects.get()
    page = practitioner_client.get(response.url)
    text = page.content.decode()
    assert "My record says I refused help. I did not." in text
    assert "10 June 2026 (5 working days left)" in text
    answer_url = reverse("accountability:challenge_answer", args=[person.pk, challenge.pk])
    response = practitioner_client.post(
        answer_url,
        {
            "version": challenge.version,
            "outcome": "upheld",
            "answer": "We have corrected your record.",
            "what_changed": "The record is corrected",
            "answered_on": "2026-06-03",
        },
    )
    assert response.status_code == 302
    assert Challenge.objects.get().outcome == "upheld"


def test_a_challenge_recorded_twice_is_kept_once(practitioner_client, person):
    """The same form sent twice (a double click, back and send again): one challenge, one
    stage 1 clock; the second lands where the first did, saying so (ACC-2, SEC-6)."""
    url = reverse("accountability:challenge_raise", args=[person.pk])
    data = {
        "raised_by": "person",
        "raised_by_name": "Jean Macdonald",
        "raised_on": "2026-06-03",
        "about": "record",
        "details": "My record says I refused help. I did not.",
        "submission_token": form_token(practitioner_client.get(url)),
    }
    first = practitioner_client.post(url, data)
    second = practitioner_client.post(url, data, follow=True)
    challenge = Challenge.objects.get()
    assert first.status_code == 302 and second.redirect_chain == [(first["Location"], 302)]
    assert "This was sent already. The form was sent twice" in second.content.decode()
    assert challenge.events.count() == 1
    assert ChangeRecord.objects.filter(object_id=str(challenge.pk), action="create").count() == 1


def test_the_open_worklist_shows_days_left_and_logs_the_list(
    practitioner_client, person, practitioner, django_assert_max_num_queries
):
    ChallengeFactory(
        person=person,
        raised_on=D(2026, 5, 26),
        stage_started_on=D(2026, 5, 26),
        due_on=D(2026, 6, 2),
    )
    other = PersonFactory()  # not the practitioner's
    ChallengeFactory(person=other)
    with django_assert_max_num_queries(15):
        response = practitioner_client.get(reverse("accountability:open_challenges"))
    text = response.content.decode()
    assert "Jean Macdonald" in text or person.display_name in text
    assert other.display_name not in text
    assert "2 June 2026 (1 working day overdue)" in text
    row = AccessLog.objects.filter(action=AccessAction.LIST).latest("seq")
    assert row.people_shown == [str(person.pk)]


def test_the_persons_page_summarises(practitioner_client, person):
    ChallengeFactory(person=person)
    text = practitioner_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "1 open challenge or complaint" in text
    assert reverse("accountability:overview", args=[person.pk]) in text


def test_another_persons_challenge_is_a_404(practitioner_client, person):
    challenge = ChallengeFactory(person=PersonFactory(team=person.team))
    url = reverse("accountability:challenge_answer", args=[person.pk, challenge.pk])
    assert practitioner_client.get(url).status_code == 404


def test_challenge_counts_by_stage_outcome_and_escalation(person, practitioner):
    """Std 5.11 / AGG-1: counts the reports can use, for any set of people."""
    from goldenthread.accountability.selectors import challenge_counts
    from goldenthread.people.models import Person

    first = raise_challenge(practitioner, person)
    services.challenge_answer(
        actor=practitioner,
        challenge=first,
        expected_version=first.version,
        outcome="not_upheld",
        answer="No",
        answered_on=TODAY,
    )
    services.challenge_escalate(
        actor=practitioner, challenge=first, body="spso", escalated_on=TODAY
    )
    raise_challenge(practitioner, person)
    ChallengeFactory()  # someone else's: not counted
    counts = challenge_counts(Person.objects.filter(pk=person.pk))
    assert counts == {
        "by_stage": {"frontline": 2},
        "by_outcome": {"not_upheld": 1},
        "open": 1,
        "escalated": 1,
    }
