"""#13: the panel sees the request with the person's outcomes and the Support Sequence that
led to it — what each step found, or that nothing fitted — and nothing else of the record."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import sign_in
from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.sds.factories import make_budget_request, set_limits
from goldenthread.sds.models import RequestStatus
from goldenthread.sds.services import LineInput
from goldenthread.support.factories import SolutionFactory, StepExplorationFactory
from goldenthread.support.models import ExplorationState, SolutionStatus

pytestmark = pytest.mark.usefixtures("pinned_clock")


def test_the_panel_sees_the_support_sequence_behind_the_request(client, panel_member, person):
    set_limits()
    conversation = ConversationFactory(person=person)
    outcome = OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation),
        statement="I will be back at the bowling club by May",
    )
    other = OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation),
        statement="I will see my sister every month",
    )
    SolutionFactory(
        outcome=outcome,
        step="family_friends",
        what="Ann drives on Thursdays",
        status=SolutionStatus.IN_PLACE,
    )
    SolutionFactory(outcome=other, step="community", what="Not for the panel")
    StepExplorationFactory(
        outcome=outcome,
        step="technology",
        state=ExplorationState.NOTHING_SUITABLE,
        note="No signal at home",
    )
    referred = make_budget_request(
        person,
        lines=[
            LineInput(
                description="Overnight support",
                amount=Decimal("900.00"),
                period="week",
                outcome=outcome,
            )
        ],
    )
    assert referred.status == RequestStatus.AT_PANEL
    sign_in(client, panel_member)
    body = client.get(reverse("sds:panel_decide", args=[referred.pk])).content.decode()
    assert "The Support Sequence that led to it" in body
    assert "Ann drives on Thursdays (in place)" in body
    assert "Explored: nothing suitable (No signal at home)" in body
    assert "Not explored yet" in body
    assert "Not for the panel" not in body  # an outcome the request does not serve
