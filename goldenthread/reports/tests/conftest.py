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


@pytest.fixture
def needs(team, pinned_clock):
    born = datetime.date(1970, 5, 1)
    for i in range(12):
        UnmetNeedFactory(
            person=PersonFactory(team=team, date_of_birth=born + datetime.timedelta(days=i)),
            category=NeedCategory.CARER_BREAK if i < 9 else NeedCategory.HOUSING,
            reason=UnmetReason.BUDGET,
            identified_on=TODAY - datetime.timedelta(days=40),
        )
