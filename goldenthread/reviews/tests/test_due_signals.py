"""The stored review due date's two signals (docs/adr/0020, #19, REV-3): each has exactly one
receiver, reviews.due's, so the path of the write is the one written down. That the services
sending them keep the date current in their transaction is
test_due_stored.test_each_service_keeps_the_stored_due_date_current."""

from __future__ import annotations

import pytest

from goldenthread.conversations.signals import conversation_redated
from goldenthread.outcomes.signals import open_outcomes_changed
from goldenthread.reviews import due


@pytest.mark.parametrize("signal", [open_outcomes_changed, conversation_redated])
def test_the_due_date_signals_have_only_the_reviews_receiver(signal):
    receivers = signal._live_receivers(sender=None)
    # Django 5 returns (sync receivers, async receivers).
    sync, asynchronous = receivers if isinstance(receivers, tuple) else (receivers, [])
    assert list(sync) == [due._answer]
    assert list(asynchronous) == []
