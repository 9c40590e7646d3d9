"""The accountability demo (#13): agreement for most outcomes (some never asked, one said
no in their own words), advocacy identified and started, a complaint at stage 2, a move
with no outcome linked — and loading it twice adds nothing."""

from __future__ import annotations

import random

from goldenthread.accountability.demo import load_accountability_demo
from goldenthread.accountability.models import Advocacy, Challenge, Stage, Transition
from goldenthread.nonprod.demo import load_demo_data
from goldenthread.outcomes.models import Agreement
from goldenthread.people.models import Person
from goldenthread.reviews.thread import LinkKind, broken_links, build_thread


def test_accountability_demo_covers_each_case_and_runs_once(db, pinned_clock):
    load_demo_data()
    assert Agreement.objects.filter(outcome__isnull=False, agreed="yes").count() > 10
    assert Agreement.objects.filter(agreed="no").exclude(not_agreed="").exists()
    assert Agreement.objects.filter(outcome__isnull=True).exists()
    assert Advocacy.objects.filter(started_on__isnull=False).exists()
    assert Challenge.objects.filter(stage=Stage.INVESTIGATION).exists()
    assert Challenge.objects.filter(stage=Stage.FRONTLINE).exists()
    assert Transition.objects.filter(outcomes__isnull=True).exists()
    kinds = {
        link.kind for person in Person.objects.all() for link in broken_links(build_thread(person))
    }
    assert LinkKind.NEVER_AGREED in kinds
    assert load_accountability_demo(random.Random(7)) == 0
