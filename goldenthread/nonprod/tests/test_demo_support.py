"""The support demo: realistic solutions in every step, every step state, idempotent."""

import random

from goldenthread.nonprod.demo.support import THEMES, load_support_demo
from goldenthread.support.models import (
    ExplorationState,
    Solution,
    StepExploration,
    SupportPlanning,
    SupportStep,
)

from .conftest import make_outcome


def test_demo_fills_every_step_and_state_and_runs_once(person, community_resource, pinned_clock):
    statements = [theme.keywords[0] for theme in THEMES] * 2
    outcomes = [
        make_outcome(person, statement=f"I will get back to my {word} soon") for word in statements
    ]
    added = load_support_demo(random.Random(5))
    assert added == Solution.objects.count() > 20
    assert {s.step for s in Solution.objects.all()} == set(SupportStep.values)
    assert StepExploration.objects.filter(state=ExplorationState.NOTHING_SUITABLE).exists()
    assert SupportPlanning.objects.count() == len(outcomes)
    # Some outcome stops part way: a step not yet considered.
    states = {(e.outcome_id, e.step) for e in StepExploration.objects.all()}
    assert len(states) < len(outcomes) * 7
    # The community step links the directory's matching group.
    assert Solution.objects.filter(community_resource=community_resource).exists()
    assert load_support_demo(random.Random(5)) == 0
