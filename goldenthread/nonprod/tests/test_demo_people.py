"""#14: demo people carry a main reason for support (the reports' filter), fitting their
age, from a generator of its own (the rest of the demo does not change)."""

from __future__ import annotations

import random

from goldenthread.nonprod.synth.generate import support_reason
from goldenthread.people.models import SupportReason


def test_the_reason_fits_the_age_and_is_the_same_for_a_seed():
    rng = random.Random
    older = {support_reason(rng(n), 85) for n in range(200)}
    younger = {support_reason(rng(n), 30) for n in range(200)}
    assert SupportReason.FRAILTY in older and SupportReason.FRAILTY not in younger
    assert SupportReason.LEARNING_DISABILITY in younger
    assert SupportReason.LEARNING_DISABILITY not in older
    assert "" in older and "" in younger  # some not recorded yet
    assert [support_reason(rng(7), 70) for _ in range(3)] == [support_reason(rng(7), 70)] * 3
