"""The person page's summary of challenges, advocacy and moves in one query (#19, ACC-1,
ACC-2, TR-1): the same figures as the three reads it replaced, for varied records."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Min, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goldenthread.accountability import presenters, selectors
from goldenthread.accountability.factories import (
    AdvocacyFactory,
    ChallengeFactory,
    TransitionFactory,
)
from goldenthread.accountability.models import AdvocacyAnswer, ChallengeOutcome, ChallengeState
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _old_summary(person):
    """The three reads of the summary before #19, kept as the reference."""
    totals = person.challenges.aggregate(
        all=Count("id"),
        open=Count("id", filter=Q(state=ChallengeState.OPEN)),
        next_due=Min("due_on", filter=Q(state=ChallengeState.OPEN)),
    )
    advocacy = person.advocacy.order_by("-identified_on", "-created_at").first()
    moves = list(
        person.transitions.filter(actual_on__isnull=True)
        .annotate(linked=Count("outcomes"))
        .values_list("linked", flat=True)
    )
    return (
        totals["open"],
        totals["all"],
        totals["next_due"],
        presenters.advocacy_status(advocacy) if advocacy else None,
        len(moves),
        sum(1 for n in moves if n == 0),
    )


def _new_summary(person):
    s = selectors.summary_for(person)
    return (
        s.open_challenges,
        s.challenges,
        s.next_due,
        presenters.advocacy_status(s.advocacy) if s.advocacy else None,
        s.transitions_planned,
        s.transitions_unlinked,
    )


def test_summary_matches_the_three_old_reads(person):
    today = timezone.localdate()
    empty = PersonFactory(team=person.team)
    assert _new_summary(empty) == _old_summary(empty) == (0, 0, None, None, 0, 0)

    ChallengeFactory(person=person, raised_on=today - datetime.timedelta(days=3))
    ChallengeFactory(person=person, raised_on=today - datetime.timedelta(days=1))
    ChallengeFactory(
        person=person,
        state=ChallengeState.ANSWERED,
        outcome=ChallengeOutcome.UPHELD,
        answered_on=today,
        answer="We will add Thursday afternoons.",
    )
    AdvocacyFactory(person=person, identified_on=today - datetime.timedelta(days=60))
    AdvocacyFactory(
        person=person,
        identified_on=today - datetime.timedelta(days=10),
        answer=AdvocacyAnswer.DECLINED,
    )
    linked = TransitionFactory(person=person)
    linked.outcomes.add(OutcomeFactory(person=person))
    TransitionFactory(person=person)
    TransitionFactory(person=person)
    TransitionFactory(person=person, actual_on=today)  # happened: not planned

    new = _new_summary(person)
    assert new == _old_summary(person)
    assert new[0:2] == (2, 3)
    assert new[3] == "Offered and declined"
    assert new[4:] == (3, 2)
    with CaptureQueriesContext(connection) as queries:
        selectors.summary_for(person)
    assert len(queries) == 1
