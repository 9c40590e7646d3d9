"""ACC-3: decisions reach the people concerned — a budget request decided, a challenge
answered — in their notifications list and by e-mail where an address is known; the words
name no one. The team leader's approvals list keeps decided requests (waiting / decided)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from goldenthread.accountability import services
from goldenthread.accountability.factories import ChallengeFactory
from goldenthread.accounts.models import Notification
from goldenthread.sds import services as sds_services
from goldenthread.sds.factories import make_budget_request, set_limits

pytestmark = pytest.mark.usefixtures("pinned_clock")
TODAY = datetime.date(2026, 6, 3)


def decide(team_leader, budget_request, action="approve"):
    return sds_services.budget_request_decide(
        actor=team_leader,
        budget_request=budget_request,
        action=action,
        reasons="Within the assessed need" if action == "decline" else "",
        reasons_for_person="It meets what matters to you.",
        expected_version=budget_request.version,
    )


def test_a_budget_decision_tells_the_worker_in_app_and_by_email(
    person, practitioner, team_leader, django_capture_on_commit_callbacks
):
    set_limits()
    practitioner.email = "pat@example.org"
    practitioner.save()
    budget_request = make_budget_request(person, actor=practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        decide(team_leader, budget_request)
    note = Notification.objects.get(user=practitioner)
    assert note.text == f"Budget request {budget_request.reference} was decided: agreed."
    assert note.url == reverse("sds:request_detail", args=[person.pk, budget_request.pk])
    assert note.emailed
    [email] = mail.outbox
    assert email.to == ["pat@example.org"]
    assert person.display_name not in email.subject + email.body  # names no one
    assert note.url in email.body
    assert not Notification.objects.filter(user=team_leader).exists()  # not the decider


def test_a_rolled_back_decision_tells_no_one(
    person, practitioner, team_leader, django_capture_on_commit_callbacks
):
    set_limits()
    budget_request = make_budget_request(person, actor=practitioner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(team_leader, budget_request)
    assert callbacks and not Notification.objects.exists()  # only after commit


def test_an_answered_challenge_tells_the_worker(
    person, practitioner, team_leader, django_capture_on_commit_callbacks, practitioner_client
):
    from goldenthread.people.factories import AllocationFactory

    AllocationFactory(person=person, worker=team_leader)
    practitioner.email = ""
    practitioner.save()
    challenge = ChallengeFactory(
        person=person, recorded_by=practitioner, raised_on=TODAY, stage_started_on=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_answer(
            actor=team_leader,
            challenge=challenge,
            expected_version=challenge.version,
            outcome="partly",
            answer="Thursdays are covered from July.",
            what_changed="Two more hours",
            answered_on=TODAY,
        )
    note = Notification.objects.get(user=practitioner)
    assert note.text == "A challenge or complaint was answered at stage 1: partly upheld."
    assert not mail.outbox  # no address known
    page = practitioner_client.get(reverse("accounts:notifications"))
    text = page.content.decode()
    assert note.text in text and "New" in text
    note.refresh_from_db()
    assert note.read_at is not None
    unread = practitioner_client.get(reverse("accounts:notifications") + "?show=unread")
    assert "Nothing new." in unread.content.decode()


def test_notifications_are_each_users_own(person, practitioner, team_leader, practitioner_client):
    Notification.objects.create(user=team_leader, kind="x", text="For the team leader only")
    text = practitioner_client.get(reverse("accounts:notifications")).content.decode()
    assert "For the team leader only" not in text


def test_approvals_keep_decided_requests(person, practitioner, team_leader, team_leader_client):
    set_limits()
    waiting = make_budget_request(person, actor=practitioner)
    decided = make_budget_request(person, actor=practitioner, lines=[("Bus pass", "10.00", "week")])
    decide(team_leader, decided, action="decline")
    url = reverse("sds:approvals")
    text = team_leader_client.get(url).content.decode()
    assert waiting.reference in text and decided.reference not in text
    text = team_leader_client.get(url + "?show=decided").content.decode()
    assert decided.reference in text and waiting.reference not in text
    assert "Not agreed" in text


def test_reviews_due_are_told_once(person, practitioner, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from goldenthread.reviews.models import ReviewSchedule

    ReviewSchedule.objects.create(person=person, next_review_on=datetime.date(2026, 6, 10))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("notify_reviews_due", stdout=__import__("io").StringIO())
    note = Notification.objects.get(user=practitioner)
    assert note.text == "A review is due on 10 June 2026."
    assert note.url == reverse("reviews:list", args=[person.pk])


def test_a_link_to_a_record_no_longer_open_says_so_without_a_link(
    person, practitioner, team_leader, practitioner_client, django_capture_on_commit_callbacks
):
    """ACC-3, SEC-2: the worker's allocation ended after they were told of a decision. The
    list says plainly that the record is no longer open to them, with no link to it (the
    words name no one, as before); a notification about someone they still work with keeps
    its link."""
    from goldenthread.people.factories import AllocationFactory, PersonFactory
    from goldenthread.people.services import allocation_end

    set_limits()
    budget_request = make_budget_request(person, actor=practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        decide(team_leader, budget_request)
    closed = Notification.objects.get(user=practitioner)
    still = PersonFactory(team=person.team)
    AllocationFactory(person=still, worker=practitioner)
    open_note = Notification.objects.create(
        user=practitioner,
        kind="review_due",
        text="A review is due.",
        url=reverse("reviews:list", args=[still.pk]),
    )
    allocation = person.allocations.get(worker=practitioner)
    allocation_end(
        actor=team_leader, allocation=allocation, end_date=TODAY - datetime.timedelta(days=1)
    )
    page = practitioner_client.get(reverse("accounts:notifications"))
    text = page.content.decode()
    assert closed.text in text
    assert f'href="{closed.url}"' not in text and str(person.pk) not in text
    assert "The record this is about is no longer open to you, so there is no link to it." in text
    assert person.display_name not in text and person.family_name not in text
    assert f'href="{open_note.url}"' in text
    assert text.count("no longer open to you") == 1
