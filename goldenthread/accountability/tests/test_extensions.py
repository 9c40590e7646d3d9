"""#13, ACC-2: extending the time to answer a challenge stage: with a reason and the
manager who agreed it, recorded in the history, audited, and within the model CHP's limits."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from goldenthread.accountability import services
from goldenthread.accountability.models import ChallengeEvent, EventKind
from goldenthread.audit.models import ChangeRecord
from goldenthread.core.concurrency import StaleEditError

pytestmark = pytest.mark.usefixtures("pinned_clock")

D = datetime.date
TODAY = D(2026, 6, 3)  # the pinned clock's day, a Wednesday


def _raise(actor, person, raised_on=TODAY):
    return services.challenge_raise(
        actor=actor,
        person=person,
        raised_by="person",
        raised_by_name="Jean Macdonald",
        raised_on=raised_on,
        about="budget",
        details="Thursday afternoons are not covered.",
    )


def _extend(actor, challenge, **fields):
    data = {
        "due_on": D(2026, 6, 15),
        "reason": "We need to speak to the care provider, who is away this week.",
        "agreed_by": "Lee Smith, service manager",
    }
    data.update(fields)
    return services.challenge_extend(
        actor=actor, challenge=challenge, expected_version=challenge.version, **data
    )


def test_an_extension_moves_the_due_date_and_keeps_the_old_one(person, practitioner):
    challenge = _raise(practitioner, person)
    assert challenge.due_on == D(2026, 6, 10)
    _extend(practitioner, challenge)
    challenge.refresh_from_db()
    assert challenge.due_on == D(2026, 6, 15)
    event = challenge.events.get(kind=EventKind.EXTENDED)
    assert (event.previous_due_on, event.due_on) == (D(2026, 6, 10), D(2026, 6, 15))
    assert event.agreed_by == "Lee Smith, service manager"
    change = ChangeRecord.objects.get(
        object_type="accountability.Challenge", object_id=str(challenge.pk), action="update"
    )
    assert (change.before["due_on"], change.after["due_on"]) == ("2026-06-10", "2026-06-15")
    # The history row is never changed, by the application or the database.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accountability_challengeevent SET agreed_by = 'someone else'")
    assert ChallengeEvent.objects.get(pk=event.pk).agreed_by == "Lee Smith, service manager"


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"reason": " "}, "reason", "Say why more time is needed"),
        ({"agreed_by": ""}, "agreed_by", "Name the manager"),
        ({"due_on": D(2026, 6, 10)}, "due_on", "must be after the date it is due now"),
        ({"due_on": D(2026, 6, 13)}, "due_on", "weekend or a Scottish public holiday"),
        # Stage 1: 10 working days at most (17 June), then stage 2.
        ({"due_on": D(2026, 6, 18)}, "due_on", "at most 10 working days (17 June 2026)"),
        ({"due_on": D(2031, 1, 6)}, "due_on", "covers 2025 to 2030"),
    ],
)
def test_an_extension_refuses_bad_input(person, practitioner, fields, key, words):
    challenge = _raise(practitioner, person)
    with pytest.raises(ValidationError) as caught:
        _extend(practitioner, challenge, **fields)
    assert words in " ".join(caught.value.message_dict[key])
    challenge.refresh_from_db()
    assert challenge.due_on == D(2026, 6, 10)
    assert not challenge.events.filter(kind=EventKind.EXTENDED).exists()


def test_stage_two_may_go_longer_and_answered_stages_are_not_extended(person, practitioner):
    challenge = _raise(practitioner, person)
    services.challenge_to_investigation(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        started_on=TODAY,
        reason="Complex",
    )
    challenge.refresh_from_db()
    assert challenge.due_on == D(2026, 7, 1)
    _extend(practitioner, challenge, due_on=D(2026, 7, 22))
    challenge.refresh_from_db()
    assert challenge.due_on == D(2026, 7, 22)
    services.challenge_answer(
        actor=practitioner,
        challenge=challenge,
        expected_version=challenge.version,
        outcome="not_upheld",
        answer="The budget covers Thursdays from July.",
        answered_on=TODAY,
    )
    challenge.refresh_from_db()
    with pytest.raises(ValidationError, match="already answered"):
        _extend(practitioner, challenge, due_on=D(2026, 7, 23))


def test_a_stale_extension_is_refused(person, practitioner):
    challenge = _raise(practitioner, person)
    stale_version = challenge.version
    _extend(practitioner, challenge)
    challenge.refresh_from_db()
    with pytest.raises(StaleEditError):
        services.challenge_extend(
            actor=practitioner,
            challenge=challenge,
            expected_version=stale_version,
            due_on=D(2026, 6, 16),
            reason="again",
            agreed_by="Lee",
        )


def test_extend_through_the_page(practitioner_client, practitioner, person):
    challenge = _raise(practitioner, person)
    overview = reverse("accountability:overview", args=[person.pk])
    page = reverse("accountability:challenge_extend", args=[person.pk, challenge.pk])
    assert page in practitioner_client.get(overview).content.decode()
    response = practitioner_client.post(
        page,
        {
            "version": challenge.version,
            "due_on": "2026-06-15",
            "reason": "The provider is away.",
            "agreed_by": "Lee Smith, service manager",
        },
    )
    assert response.status_code == 302
    body = practitioner_client.get(overview).content.decode()
    assert (
        "Stage 1: frontline resolution: the time to answer was extended from 10 June 2026 "
        "to 15 June 2026, agreed by Lee Smith, service manager. Why: The provider is away."
    ) in body
