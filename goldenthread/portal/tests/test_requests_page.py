"""P-2, ACC-2: the person's requests page lists everything asked on their record, by them
or for them: correction requests and challenges or complaints, with their stage or status
and dates. Only their own; a proxy sees only what is about parts shared with them; a
withheld challenge is left out; opening the page is access-logged."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.portal import services
from goldenthread.portal.factories import (
    CorrectionRequestFactory,
    ProxyLinkFactory,
    RecordLinkFactory,
)
from goldenthread.portal.models import Section

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


def _challenge(person, proxy, decision_id, details):
    return services.decision_challenge(
        actor=proxy, person=person, item_id=str(decision_id), details=details, wanted="Thursdays"
    )


@time_machine.travel(NOW, tick=False)
def test_the_person_sees_their_corrections_and_challenges_with_stage_and_dates(
    client, person, full_record
):
    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person).user
    CorrectionRequestFactory(person=person, asked_by=me, what_is_wrong="Wrong hearing aid")
    _challenge(person, proxy, full_record["decision_id"], "Thursdays are left out")
    # Someone else's challenge is never on this page.
    other = PersonFactory(team=person.team, given_name="Morag")
    AllocationFactory(person=other, worker=person.allocations.get().worker)
    from goldenthread.accountability import services as accountability

    accountability.challenge_raise(
        actor=person.allocations.get().worker,
        person=other,
        raised_by="person",
        raised_by_name="Morag",
        raised_on=datetime.date(2026, 12, 1),
        about="budget",
        details="Morag's own complaint",
    )
    sign_in(client, me)
    last = AccessLog.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    page = client.get(reverse("portal:requests", args=[person.pk])).content.decode()
    assert "Wrong hearing aid" in page
    assert "Challenges and complaints" in page
    assert "Thursdays are left out" in page
    assert "Your support or how it was given, received 2 December 2026" in page
    assert "Stage 1 open, answer due 9 December 2026" in page
    assert "Received at stage 1. Answer due by 9 December 2026." in page
    assert "Morag&#x27;s own complaint" not in page and "Morag's own complaint" not in page
    rows = list(AccessLog.objects.filter(seq__gt=last))
    assert [(r.action, r.person_id, r.actor_id) for r in rows] == [
        (AccessAction.VIEW, person.pk, me.pk)
    ]


@time_machine.travel(NOW, tick=False)
def test_a_proxy_not_shown_choices_does_not_see_challenges(client, person, full_record):
    proxy = ProxyLinkFactory(person=person).user
    _challenge(person, proxy, full_record["decision_id"], "Thursdays are left out")
    kept_from = ProxyLinkFactory(person=person, hidden_sections=[Section.CHOICES]).user
    sign_in(client, kept_from)
    page = client.get(reverse("portal:requests", args=[person.pk])).content.decode()
    assert "Thursdays are left out" not in page
    sign_in(client, proxy)
    page = client.get(reverse("portal:requests", args=[person.pk])).content.decode()
    assert "Thursdays are left out" in page
    assert "Jean Macdonald&#x27;s support or how it was given, received 2 December 2026" in page


@time_machine.travel(NOW, tick=False)
def test_a_withheld_challenge_is_left_out(client, person, full_record, team_leader):
    from goldenthread.portal.models import Withholding

    proxy = ProxyLinkFactory(person=person).user
    challenge = _challenge(person, proxy, full_record["decision_id"], "Thursdays are left out")
    worker = person.allocations.get().worker
    Withholding.objects.create(
        person=person,
        item_type="accountability.Challenge",
        item_id=str(challenge.pk),
        grounds="serious_harm",
        reason="Test",
        review_on=datetime.date(2027, 1, 1),
        withheld_by=worker,
        agreed_by=team_leader,
        agreed_at=NOW,
    )
    sign_in(client, RecordLinkFactory(person=person).user)
    page = client.get(reverse("portal:requests", args=[person.pk])).content.decode()
    assert "Thursdays are left out" not in page
