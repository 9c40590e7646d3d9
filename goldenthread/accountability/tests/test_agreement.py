"""ACC-4: the person (and family or proxy) agreeing each outcome and the plan — who, when,
how, and anything not agreed in their words; explanations record how understanding was
checked and, if not understood, what was done. Shown on the overview and in the plan."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.audit.models import AppendOnlyError, ChangeRecord
from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.outcomes.models import Agreement
from goldenthread.record.plan import build_plan
from goldenthread.record.thread import LinkKind, broken_links, build_thread
from goldenthread.sds import services as sds_services
from goldenthread.sds.factories import DecisionFactory
from goldenthread.sds.models import UnderstandingCheck

D = datetime.date
TODAY = D(2026, 6, 3)

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def outcome(person):
    conversation = ConversationFactory(person=person)
    return OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation),
        statement="I will be back at the bowling club on Thursdays by May",
    )


def agree(actor, person, outcome, **fields):
    data = {
        "whose": "person",
        "name": "Jean Macdonald",
        "agreed": "yes",
        "agreed_on": TODAY,
        "how": "meeting",
    }
    data.update(fields)
    return outcome_services.agreement_record(actor=actor, person=person, outcome=outcome, **data)


def test_agreeing_an_outcome_mends_the_thread(person, practitioner, outcome):
    kinds = [link.kind for link in broken_links(build_thread(person))]
    assert LinkKind.NEVER_AGREED in kinds
    row = agree(practitioner, person, outcome)
    assert ChangeRecord.objects.get(object_type="outcomes.Agreement").after["agreed"] == "yes"
    assert LinkKind.NEVER_AGREED not in [link.kind for link in broken_links(build_thread(person))]
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE outcomes_agreement SET name = 'x'")


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"agreed": "partly"}, "not_agreed"),
        ({"agreed": "no", "not_agreed": "  "}, "not_agreed"),
        ({"how": "telepathy"}, "how"),
        ({"name": ""}, "name"),
        ({"agreed_on": D(2026, 6, 4)}, "agreed_on"),
    ],
)
def test_agreement_refuses_bad_input(person, practitioner, outcome, fields, key):
    with pytest.raises(ValidationError) as info:
        agree(practitioner, person, outcome, **fields)
    assert key in info.value.message_dict
    assert not Agreement.objects.exists()


def test_someone_elses_outcome_and_a_stranger_are_refused(person, practitioner, outcome):
    other = OutcomeFactory()
    with pytest.raises(ValidationError):
        agree(practitioner, person, other)
    with pytest.raises(PermissionDenied):
        agree(PractitionerFactory(), person, outcome)


def test_the_plan_as_a_whole_and_in_their_words(person, practitioner, outcome, practitioner_client):
    agree(
        practitioner,
        person,
        None,
        agreed="partly",
        how="signed",
        not_agreed="I do not want the day centre on Mondays.",
    )
    agree(practitioner, person, outcome, whose="family", name="Ann Macdonald")
    plan = build_plan(person)
    section = next(s for s in plan.sections if s.key == "agreement")
    assert section.items[0].text.startswith("Partly agreed.")
    assert "I do not want the day centre on Mondays." in section.items[0].text
    # Ann's word alone is not Jean's agreement.
    assert section.items[1].text.startswith("Not agreed yet.")
    page = practitioner_client.get(reverse("accountability:overview", args=[person.pk]))
    text = page.content.decode()
    assert "I do not want the day centre on Mondays." in text
    assert "Not agreed yet" in text


def test_agreement_page(practitioner_client, person, outcome):
    url = reverse("accountability:agreement_add", args=[person.pk, outcome.pk])
    assert outcome.statement in practitioner_client.get(url).content.decode()
    response = practitioner_client.post(
        url,
        {
            "whose": "person",
            "name": "Jean Macdonald",
            "agreed": "no",
            "not_agreed": "",
            "agreed_on": "2026-06-03",
            "how": "meeting",
        },
    )
    assert response.status_code == 200
    assert "Write what they did not agree with, in their words." in response.content.decode()
    response = practitioner_client.post(
        url,
        {
            "whose": "person",
            "name": "Jean Macdonald",
            "agreed": "yes",
            "agreed_on": "2026-06-03",
            "how": "meeting",
        },
    )
    assert response.status_code == 302
    assert Agreement.objects.get().outcome == outcome


def test_understanding_checked_and_what_was_done(person, practitioner, practitioner_client):
    decision = DecisionFactory(person=person)
    with pytest.raises(ValidationError) as info:
        sds_services.understanding_check_record(
            actor=practitioner,
            person=person,
            about="sds_options",
            checked_on=TODAY,
            how_checked="Asked Jean to tell me in her words",
            understood="no",
        )
    assert "help_given" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        sds_services.understanding_check_record(
            actor=practitioner,
            person=person,
            about="decision",
            checked_on=TODAY,
            how_checked="Asked",
            understood="yes",
        )
    assert "decision" in info.value.message_dict
    sds_services.understanding_check_record(
        actor=practitioner,
        person=person,
        about="decision",
        decision=decision,
        checked_on=TODAY,
        how_checked="Jean told me back what the decision means",
        understood="partly",
        help_given="easy_read",
        what_done="Sent the easy-read letter",
    )
    assert UnderstandingCheck.objects.get().help_given == "easy_read"
    text = practitioner_client.get(
        reverse("accountability:overview", args=[person.pk])
    ).content.decode()
    assert "Jean told me back what the decision means" in text
    assert "Easy read (Sent the easy-read letter)" in text
