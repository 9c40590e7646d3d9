"""Fixtures shared by the reports' tests of stored figures (test_snapshots, test_background)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from goldenthread.people.factories import PersonFactory
from goldenthread.sds.factories import UnmetNeedFactory
from goldenthread.sds.models import NeedCategory, UnmetReason

TODAY = datetime.date(2026, 6, 3)  # the pinned clock's day


@pytest.fixture
def stored(settings):
    settings.GOLDENTHREAD_REPORTS_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def record_needs(team, *, spread: int = 0) -> None:
    """Twelve people of `team` aged 18 to 64, each with a need not met for lack of budget: 9
    carers' breaks and 3 housing (a small count), identified 40 days before TODAY, or,
    with `spread`, 40, 40 + spread and 40 + 2 × spread days before by turns."""
    born = datetime.date(1970, 5, 1)
    for i in range(12):
        UnmetNeedFactory(
            person=PersonFactory(team=team, date_of_birth=born + datetime.timedelta(days=i)),
            category=NeedCategory.CARER_BREAK if i < 9 else NeedCategory.HOUSING,
            reason=UnmetReason.BUDGET,
            identified_on=TODAY - datetime.timedelta(days=40 + spread * (i % 3)),
        )


@pytest.fixture
def needs(team, pinned_clock):
    record_needs(team)
