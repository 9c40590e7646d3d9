"""P-2 (#12, ACC-2): the person, or their proxy, challenges a decision. It is recorded as a
challenge about that decision (accountability), not as a correction request: answered
within 5 working days at the first stage, on the team's open challenges list, and the
person sees it on their record. Every path: sent, refused for a missing reason, for an
item that is not a decision, for a withheld decision and for a proxy not shown choices."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from conftest import sign_in
from goldenthread.accountability.models import Challenge, ChallengeState, RaisedBy, Stage
from goldenthread.accountability.working_days import add_working_days
from goldenthread.audit.models import ChangeRecord
from goldenthread.portal import services
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.models import CorrectionRequest

pytestmark = pytest.mark.django_db


def challenge_url(person, label, item_id):
    return reverse("portal:challenge", args=[person.pk]) + f"?item={label}:{item_id}"


@time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_person_challenges_a_decision_and_it_is_a_challenge_with_its_answer_due(
    client, person, full_record, team_leader
):
    me = RecordLinkFactory(person=person, user__first_name="Jean").user
    sign_in(client, me)
    url = challenge_url(person, "sds.Decision", full_record["decision_id"])
    page = client.get(url)
    assert page.status_code == 200 and "Challenge this decision" in page.content.decode()
    response = client.post(url, {"details": "Thursdays are left out", "wanted": "Thursdays"})
    assert response.status_code == 302
    challenge = Challenge.objects.get(person=person, details="Thursdays are left out")
    assert str(challenge.decision_id) == str(full_record["decision_id"])
    assert challenge.raised_by == RaisedBy.PERSON and challenge.recorded_by == me
    assert challenge.stage == Stage.FRONTLINE and challenge.state == ChallengeState.OPEN
    assert challenge.due_on == add_working_days(datetime.date(2026, 12, 2), 5)
    assert challenge.details == "Thursdays are left out" and challenge.wanted == "Thursdays"
    assert ChangeRecord.objects.filter(object_id=str(challenge.pk), actor=me).exists()
    assert not CorrectionRequest.objects.filter(item_type="sds.Decision").exists()
    # The person sees it on their record; the team sees it on the open challenges list.
    record = client.get(reverse("portal:record", args=[person.pk])).content.decode()
    assert "Thursdays are left out" in record
    sign_in(client, team_leader)
    worklist = client.get(reverse("accountability:open_challenges")).content.decode()
    assert person.display_name in worklist


def test_a_proxy_challenges_as_a_proxy(client, person, full_record):
    proxy = ProxyLinkFactory(person=person).user
    sign_in(client, proxy)
    url = challenge_url(person, "sds.Decision", full_record["decision_id"])
    assert client.post(url, {"details": "Not what she wants"}).status_code == 302
    assert Challenge.objects.get(details="Not what she wants").raised_by == RaisedBy.PROXY


def test_nothing_is_sent_without_saying_what_is_wrong(client, person, full_record):
    sign_in(client, RecordLinkFactory(person=person).user)
    before = Challenge.objects.count()
    url = challenge_url(person, "sds.Decision", full_record["decision_id"])
    response = client.post(url, {"details": "  "})
    assert response.status_code == 200
    assert "Say what you are unhappy about." in response.content.decode()
    assert Challenge.objects.count() == before


def test_only_a_decision_is_challenged_here(client, person, full_record):
    sign_in(client, RecordLinkFactory(person=person).user)
    before = Challenge.objects.count()
    url = challenge_url(person, "outcomes.Outcome", full_record["outcome_id"])
    response = client.post(url, {"details": "Wrong"})
    assert response.status_code == 200
    assert "Only a decision can be challenged here." in response.content.decode()
    assert Challenge.objects.count() == before


def test_a_withheld_decision_cannot_be_reached(
    client, person, full_record, practitioner, team_leader
):
    row = services.withholding_propose(
        actor=practitioner,
        person=person,
        label="sds.Decision",
        item_id=str(full_record["decision_id"]),
        grounds="serious_harm",
        reason="Serious harm test met",
        review_on=datetime.date(2027, 3, 1),
    )
    services.withholding_agree(actor=team_leader, withholding=row)
    sign_in(client, RecordLinkFactory(person=person).user)
    before = Challenge.objects.count()
    url = challenge_url(person, "sds.Decision", full_record["decision_id"])
    assert client.post(url, {"details": "Wrong"}).status_code == 404
    assert Challenge.objects.count() == before


def test_a_proxy_not_shown_choices_cannot_challenge_them(client, person, full_record):
    proxy = ProxyLinkFactory(person=person, hidden_sections=["choices"]).user
    sign_in(client, proxy)
    before = Challenge.objects.count()
    url = challenge_url(person, "sds.Decision", full_record["decision_id"])
    assert client.post(url, {"details": "Wrong"}).status_code in (403, 404)
    assert Challenge.objects.count() == before
