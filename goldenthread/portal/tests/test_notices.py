"""#12/#13 (ACC-3): decisions reach the person. A budget decided or returned, a challenge
answered and a correction answered are told to the person (and the proxies who see that
part of the record) in plain words naming no one, in their own messages list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.accounts.models import Notification
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.models import Section

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def me(person):
    return RecordLinkFactory(person=person).user


@pytest.fixture
def sharing_proxy(person):
    return ProxyLinkFactory(person=person).user


@pytest.fixture
def private_proxy(person):
    return ProxyLinkFactory(person=person, hidden_sections=[Section.CHOICES]).user


def _texts(user):
    return [n.text for n in Notification.objects.filter(user=user)]


def test_a_budget_decision_reaches_the_person_and_sharing_proxies(
    person, team_leader, me, sharing_proxy, private_proxy, django_capture_on_commit_callbacks
):
    from goldenthread.sds.factories import make_budget_request, set_limits
    from goldenthread.sds.services import DecideAction, budget_request_decide

    set_limits()
    request = make_budget_request(person)
    with django_capture_on_commit_callbacks(execute=True):
        budget_request_decide(
            actor=team_leader,
            budget_request=request,
            action=DecideAction.APPROVE,
            expected_version=request.version,
            reasons_for_person="It pays for what you asked.",
        )
    words = (
        "A decision about your budget has been made. You can read it, and the reasons, "
        "in your record."
    )
    assert _texts(me) == [words]
    # A proxy's budget is not theirs: told about "someone you act for", naming no one (P-1).
    assert _texts(sharing_proxy) == [
        "A decision about the budget of someone you act for has been made. You can read it, "
        "and the reasons, in their record."
    ]
    assert _texts(private_proxy) == []  # the person does not share their budget with them
    note = Notification.objects.get(user=me)
    assert note.url == reverse("portal:record", args=[person.pk]) + "#choices"
    assert Notification.objects.get(user=sharing_proxy).url == note.url
    assert person.display_name not in note.text
    assert person.display_name not in _texts(sharing_proxy)[0]


def test_a_returned_budget_request_tells_a_proxy_it_is_not_their_budget(
    person, panel_member, me, sharing_proxy, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from goldenthread.sds.factories import make_budget_request, set_limits
    from goldenthread.sds.services import DecideAction, budget_request_decide

    set_limits()
    # Above a team leader's limit: it goes to the decision panel, which may return it.
    request = make_budget_request(person, lines=[("Overnight support", Decimal("900.00"), "week")])
    with django_capture_on_commit_callbacks(execute=True):
        budget_request_decide(
            actor=panel_member,
            budget_request=request,
            action=DecideAction.RETURN,
            expected_version=request.version,
            reasons="Which days are needed?",
            reasons_for_person="The panel needs to know more.",
        )
    assert _texts(me) == [
        "The decision panel needs more information before it decides about your budget. "
        "Your worker will talk to you about it."
    ]
    assert _texts(sharing_proxy) == [
        "The decision panel needs more information before it decides about the budget of "
        "someone you act for. Their worker will talk to them about it."
    ]


def test_an_answered_challenge_reaches_the_person(
    person, practitioner, me, sharing_proxy, django_capture_on_commit_callbacks
):
    from goldenthread.accountability import services

    challenge = services.challenge_raise(
        actor=practitioner,
        person=person,
        raised_by="person",
        raised_by_name="Jean Macdonald",
        raised_on=timezone.localdate(),
        about="budget",
        details="Thursdays are not covered.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_answer(
            actor=practitioner,
            challenge=challenge,
            expected_version=challenge.version,
            outcome="not_upheld",
            answer="Thursdays are covered from July.",
            answered_on=timezone.localdate(),
        )
    assert _texts(me) == [
        "Your challenge or complaint has been answered. You can read the answer in your record."
    ]
    assert _texts(sharing_proxy) == [
        "A challenge or complaint on the record of someone you act for has been answered. "
        "You can read the answer in their record."
    ]


def test_an_answered_correction_reaches_whoever_asked_and_they_can_read_it(
    client, person, practitioner, me, django_capture_on_commit_callbacks
):
    from goldenthread.portal import services

    correction = services.correction_ask(
        actor=me,
        person=person,
        label="people.Person",
        item_id=str(person.pk),
        what_is_wrong="I use a hearing aid in my left ear, not my right.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_answer(
            actor=practitioner,
            correction=correction,
            accept=False,
            answer="We checked with your audiologist: it is the right ear.",
            expected_version=correction.version,
        )
    assert _texts(me) == [
        "Your request for a correction has been answered. You can read the answer in your record."
    ]
    # Their own messages list is open to them, linked from their record, and marks what it
    # shows as read.
    sign_in(client, me)
    record = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    assert reverse("accounts:notifications") in record
    page = client.get(reverse("accounts:notifications"))
    assert page.status_code == 200
    assert "Your request for a correction has been answered." in page.content.decode()
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()


def test_a_proxy_who_asked_for_a_correction_is_told_it_is_not_their_record(
    person, practitioner, sharing_proxy, django_capture_on_commit_callbacks
):
    from goldenthread.portal import services

    correction = services.correction_ask(
        actor=sharing_proxy,
        person=person,
        label="people.Person",
        item_id=str(person.pk),
        what_is_wrong="Mum uses a hearing aid in her left ear.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_answer(
            actor=practitioner,
            correction=correction,
            accept=False,
            answer="We checked with the audiologist: it is the right ear.",
            expected_version=correction.version,
        )
    assert _texts(sharing_proxy) == [
        "Your request for a correction has been answered. You can read the answer in the "
        "record of the person you act for."
    ]
