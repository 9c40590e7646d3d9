"""Fixtures for the SDS tests: limits, an outcome with a costed solution, and one of every
SDS item a person-scoped URL can point at."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.sds.factories import sds_record_kwargs, set_limits
from goldenthread.support.factories import SolutionFactory

PRACTITIONER_LIMIT = Decimal("8000.00")
TEAM_LEADER_LIMIT = Decimal("35000.00")


@pytest.fixture
def limits(db):
    set_limits(practitioner=PRACTITIONER_LIMIT, team_leader=TEAM_LEADER_LIMIT)


def make_outcome(person, **fields):
    conversation = ConversationFactory(person=person)
    return OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation), **fields
    )


@pytest.fixture
def outcome(person):
    return make_outcome(person)


@pytest.fixture
def solution(outcome):
    return SolutionFactory(outcome=outcome, costed=True)


@pytest.fixture
def sds_record(person, limits):
    """person_id plus one of every SDS item (for URL kwargs)."""
    return {"person_id": person.pk, **sds_record_kwargs(person)}
