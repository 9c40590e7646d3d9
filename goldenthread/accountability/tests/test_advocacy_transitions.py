"""ACC-1: independent advocacy identified, offered, referred and started, and the counts
for the reports. TR-1: moves planned around outcomes, the worklist of moves due in six
months, and a move with no outcome shown as a broken link."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from goldenthread.accountability import selectors, services
from goldenthread.accountability.factories import AdvocacyFactory, TransitionFactory
from goldenthread.accountability.models import Advocacy, AdvocacyAnswer, Transition
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.core.concurrency import StaleEditError
from goldenthread.directory.factories import CommunityResourceFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.factories import CircleMemberFactory, PersonFactory
from goldenthread.people.models import Person
from goldenthread.record.plan import build_plan

D = datetime.date
TODAY = D(2026, 6, 3)

pytestmark = pytest.mark.usefixtures("pinned_clock")


def make_outcome(person, **fields):
    conversation = ConversationFactory(person=person)
    return OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation), **fields
    )


# --- Advocacy --------------------------------------------------------------------------------


def test_advocacy_from_identified_to_started(person, practitioner):
    provider = CommunityResourceFactory(name="Northfield Independent Advocacy")
    advocacy = services.advocacy_record(
        actor=practitioner,
        person=person,
        identified_on=D(2026, 5, 1),
        identified_by="Jean herself",
        why="She wants someone on her side at the review.",
    )
    services.advocacy_update(
        actor=practitioner,
        advocacy=advocacy,
        expected_version=advocacy.version,
        offered_on=D(2026, 5, 2),
        answer=AdvocacyAnswer.ACCEPTED,
        referred_on=D(2026, 5, 4),
        provider=provider,
    )
    assert advocacy.provider_name == "Northfield Independent Advocacy"
    services.advocacy_update(
        actor=practitioner,
        advocacy=advocacy,
        expected_version=advocacy.version,
        started_on=D(2026, 5, 15),
    )
    assert Advocacy.objects.get().started_on == D(2026, 5, 15)
    assert ChangeRecord.objects.filter(object_type="accountability.Advocacy").count() == 3
    with pytest.raises(StaleEditError):
        services.advocacy_update(
            actor=practitioner, advocacy=advocacy, expected_version=1, why="Changed"
        )


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"answer": AdvocacyAnswer.ACCEPTED}, "offered_on"),
        (
            {
                "offered_on": D(2026, 5, 2),
                "answer": AdvocacyAnswer.DECLINED,
                "referred_on": D(2026, 5, 3),
                "provider_name": "X",
            },
            "referred_on",
        ),
        (
            {
                "offered_on": D(2026, 5, 2),
                "answer": AdvocacyAnswer.ACCEPTED,
                "referred_on": D(2026, 5, 3),
            },
            "provider_name",
        ),
        ({"offered_on": D(2026, 4, 2)}, "offered_on"),
        ({"started_on": D(2026, 5, 3)}, "started_on"),
        (
            {
                "offered_on": D(2026, 5, 2),
                "answer": AdvocacyAnswer.ACCEPTED,
                "referred_on": D(2026, 5, 9),
                "provider_name": "X",
                "started_on": D(2026, 5, 5),
            },
            "started_on",
        ),
    ],
)
def test_advocacy_refuses_impossible_steps(person, practitioner, fields, key):
    with pytest.raises(ValidationError) as info:
        services.advocacy_record(
            actor=practitioner,
            person=person,
            identified_on=D(2026, 5, 1),
            identified_by="Worker",
            why="Needs help",
            **fields,
        )
    assert key in info.value.message_dict


def test_advocacy_counts_identified_referred_started(person):
    AdvocacyFactory(person=person, identified_on=D(2026, 5, 1))
    AdvocacyFactory(
        person=person,
        identified_on=D(2026, 5, 1),
        offered_on=D(2026, 5, 1),
        answer=AdvocacyAnswer.DECLINED,
    )
    AdvocacyFactory(
        person=person,
        identified_on=D(2026, 5, 1),
        offered_on=D(2026, 5, 1),
        answer=AdvocacyAnswer.ACCEPTED,
        referred_on=D(2026, 5, 2),
        provider_name="A",
    )
    for started in (D(2026, 5, 11), D(2026, 5, 21)):
        AdvocacyFactory(
            person=person,
            identified_on=D(2026, 5, 1),
            offered_on=D(2026, 5, 1),
            answer=AdvocacyAnswer.ACCEPTED,
            referred_on=D(2026, 5, 2),
            provider_name="A",
            started_on=started,
        )
    AdvocacyFactory(identified_on=D(2026, 5, 1))  # someone else, not in the queryset
    counts = selectors.advocacy_counts(Person.objects.filter(pk=person.pk))
    assert (
        counts.identified,
        counts.offered,
        counts.accepted,
        counts.declined,
        counts.referred,
        counts.started,
    ) == (5, 4, 3, 1, 3, 2)
    assert counts.days_to_start == [10, 20] and counts.median_days_to_start == 15
    assert selectors.advocacy_counts(Person.objects.all(), since=D(2026, 6, 1)).identified == 0


def test_advocacy_page(practitioner_client, person):
    CommunityResourceFactory(name="Northfield Independent Advocacy")
    url = reverse("accountability:advocacy_add", args=[person.pk])
    assert "Northfield Independent Advocacy" in practitioner_client.get(url).content.decode()
    response = practitioner_client.post(
        url,
        {
            "identified_on": "2026-05-01",
            "identified_by": "Jean herself",
            "why": "Someone on her side",
            "answer": "not_offered",
        },
    )
    assert response.status_code == 302
    text = practitioner_client.get(response.url).content.decode()
    assert "Need identified, not offered yet" in text


def test_the_advocacy_change_page_starts_from_what_is_stored(practitioner_client, person):
    advocacy = AdvocacyFactory(
        person=person, identified_by="Ann, her daughter", why="Someone on her side"
    )
    url = reverse("accountability:advocacy_edit", args=[person.pk, advocacy.pk])
    page = practitioner_client.get(url).content.decode()
    assert 'value="Ann, her daughter"' in page and "Someone on her side" in page
    assert f'name="version" value="{advocacy.version}"' in page


# --- Transitions -----------------------------------------------------------------------------


def test_transition_with_outcomes_and_circle(person, practitioner):
    outcome = make_outcome(person)
    member = CircleMemberFactory(person=person)
    transition = services.transition_record(
        actor=practitioner,
        person=person,
        kind="hospital_discharge",
        planned_on=D(2026, 7, 1),
        outcomes=[outcome],
        circle_members=[member],
        other_agencies="Ward 3 discharge team",
    )
    assert list(transition.outcomes.all()) == [outcome]
    record = ChangeRecord.objects.get(object_type="accountability.Transition")
    assert record.after["outcome_ids"] == [str(outcome.pk)]
    services.transition_update(
        actor=practitioner,
        transition=transition,
        expected_version=transition.version,
        outcomes=[],
        circle_members=[],
        actual_on=D(2026, 6, 2),
    )
    latest = ChangeRecord.objects.get(object_type="accountability.Transition", action="update")
    assert latest.before["outcome_ids"] == [str(outcome.pk)] and latest.after["outcome_ids"] == []


def test_transition_refuses_other_peoples_outcomes_and_needs_receiving_council(
    person, practitioner
):
    stranger_outcome = make_outcome(PersonFactory())
    with pytest.raises(ValidationError) as info:
        services.transition_record(
            actor=practitioner,
            person=person,
            kind="between_areas",
            planned_on=D(2026, 9, 1),
            outcomes=[stranger_outcome],
        )
    assert {"outcomes", "receiving_details"} <= set(info.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.transition_record(
            actor=PractitionerFactory(),
            person=person,
            kind="into_residential",
            planned_on=D(2026, 9, 1),
        )
    assert not Transition.objects.exists()


def test_moves_due_in_six_months(
    practitioner, person, practitioner_client, django_assert_max_num_queries
):
    outcome = make_outcome(person)
    soon = TransitionFactory(person=person, planned_on=D(2026, 11, 30))
    soon.outcomes.add(outcome)
    unlinked = TransitionFactory(person=person, planned_on=D(2026, 5, 1), kind="into_residential")
    TransitionFactory(person=person, planned_on=D(2026, 12, 4))  # beyond six months
    TransitionFactory(person=person, planned_on=D(2026, 6, 10), actual_on=D(2026, 6, 1))
    TransitionFactory(planned_on=D(2026, 6, 10))  # someone the worker does not work with
    rows = selectors.transitions_due(practitioner, today=TODAY)
    assert [t.pk for t in rows] == [unlinked.pk, soon.pk]
    assert [t.linked_outcomes for t in rows] == [0, 1]
    with django_assert_max_num_queries(15):
        text = practitioner_client.get(reverse("accountability:transitions_due")).content.decode()
    assert "Broken link: no outcome" in text and "Overdue" in text
    assert AccessLog.objects.filter(action=AccessAction.LIST).latest("seq").people_shown == [
        str(person.pk)
    ]


def test_transition_pages_and_plan(practitioner_client, person):
    outcome = make_outcome(person)
    url = reverse("accountability:transition_add", args=[person.pk])
    response = practitioner_client.post(
        url,
        {
            "kind": "school_to_adult_life",
            "planned_on": "2026-08-20",
            "outcomes": [str(outcome.pk)],
            "notes": "Keep her Friday art group",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    overview = practitioner_client.get(response.url).content.decode()
    assert outcome.statement in overview and "Broken link" not in overview
    plan = build_plan(person)
    section = next(s for s in plan.sections if s.key == "transitions")
    assert outcome.statement in section.items[0].text
    detail = practitioner_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "1 move planned." in detail


def test_the_transition_change_page_starts_from_what_is_stored(practitioner_client, person):
    transition = TransitionFactory(
        person=person,
        kind="between_areas",
        actual_on=D(2026, 5, 1),
        other_agencies="Ward 3 discharge team",
        receiving_details="Riverside Council, by secure email",
        notes="Keep her Friday art group",
    )
    url = reverse("accountability:transition_edit", args=[person.pk, transition.pk])
    response = practitioner_client.get(url)
    initial = response.context["form"].initial
    assert {name: initial[name] for name in ("kind", "planned_on", "actual_on")} == {
        "kind": "between_areas",
        "planned_on": transition.planned_on,
        "actual_on": D(2026, 5, 1),
    }
    page = response.content.decode()
    assert "Ward 3 discharge team" in page and "Keep her Friday art group" in page
    assert "Riverside Council, by secure email" in page
    assert f'name="version" value="{transition.version}"' in page


def test_a_move_to_another_council_offers_the_plan_to_send(practitioner_client, person):
    TransitionFactory(person=person, kind="between_areas", receiving_details="Riverside Council")
    text = practitioner_client.get(
        reverse("accountability:overview", args=[person.pk])
    ).content.decode()
    assert "Riverside Council" in text
    assert reverse("support:plan_pdf", args=[person.pk]) in text
    assert reverse("api:person_fhir", args=[person.pk]) in text
