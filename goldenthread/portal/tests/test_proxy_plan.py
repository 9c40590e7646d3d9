"""#12: a proxy kept from a part of the record does not see it in the support plan either
(the plan gathers risks, choices and budget, conversations and outcomes): screen, easy
read and PDF. The person themselves sees the whole plan. (Found by the proxy journey.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.conversations.factories import ConversationFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.risk.factories import RiskEnablementFactory

RISK = "Crossing the main road to the shop"

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk(person):
    outcome = OutcomeFactory(
        person=person,
        statement="Jean walks to the shop",
        positive_change__conversation=ConversationFactory(person=person),
    )
    return RiskEnablementFactory(outcome=outcome, person=person, activity=RISK)


def test_a_proxy_kept_from_the_risks_does_not_see_them_in_the_plan(client, person, risk):
    proxy = ProxyLinkFactory(person=person, hidden_sections=["risks"]).user
    sign_in(client, proxy)
    for name in ("portal:plan", "portal:plan_easy_read"):
        page = client.get(reverse(name, args=[person.pk])).content.decode()
        assert "Jean walks to the shop" in page
        assert RISK not in page
        assert "Some parts of the record are not shared with you" in page


def test_the_person_sees_the_risks_in_their_plan(client, person, risk):
    sign_in(client, RecordLinkFactory(person=person).user)
    page = client.get(reverse("portal:plan", args=[person.pk])).content.decode()
    assert RISK in page and "not shared with you" not in page


def test_a_proxy_kept_from_outcomes_and_choices_sees_neither(client, person, risk):
    proxy = ProxyLinkFactory(person=person, hidden_sections=["outcomes", "choices"]).user
    sign_in(client, proxy)
    page = client.get(reverse("portal:plan", args=[person.pk])).content.decode()
    assert "Jean walks to the shop" not in page
