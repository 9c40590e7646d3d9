"""The demo data (OPS-1), loaded once for this module's tests (on each test worker that
runs them) and committed; emptied (flush) when the last has run. Each test runs in a
transaction rolled back at its end, so what one writes is gone before the next reads.
Loading the demo took 10-20 s for every test that read it."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from goldenthread.nonprod.demo.reviews import load_reviews_demo
from goldenthread.nonprod.demo.sds import load_sds_demo
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.models import Person, SupportReason
from goldenthread.reviews.models import (
    OutcomeReview,
    PersonView,
    Review,
    ReviewSchedule,
    ReviewStatus,
    SolutionReview,
    WhoseWords,
)
from goldenthread.reviews.thread import LinkKind, broken_links, build_thread
from goldenthread.risk.models import RiskEnablement, RiskView, Whose
from goldenthread.sds.models import (
    BudgetRequest,
    Decision,
    EventKind,
    FirstChoiceNotDelivered,
    RequestStatus,
    SdsChoice,
    SdsOption,
    UnmetNeed,
)


@pytest.fixture
def demo(demo_data_for_module, db, pinned_clock):
    """The demo records, read (and written) inside the test's own rolled-back transaction."""


def test_demo_people_have_a_main_reason_for_support(demo):
    """#14: demo people carry a main reason for support (the reports' filter)."""
    reasons = list(Person.objects.values_list("support_reason", flat=True))
    assert set(reasons) <= {"", *SupportReason.values}
    assert len(set(reasons) - {""}) >= 5
    assert reasons.count("") < len(reasons) // 3


def test_demo_covers_the_journeys_and_is_idempotent(demo):
    """OPS-1: every option, approvals within and above limits, a panel decision, unmet
    need and risks; loading the SDS part again changes nothing."""
    load_sds_demo(random.Random(2026))  # has already run inside load_demo_data
    assert set(SdsChoice.objects.values_list("chosen_option", flat=True)) == set(SdsOption.values)
    statuses = set(BudgetRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    assert BudgetRequest.objects.filter(events__kind=EventKind.PANEL_DECIDED).exists()
    assert BudgetRequest.objects.filter(
        events__kind=EventKind.APPROVED, events__actor__role="practitioner"
    ).exists()
    assert BudgetRequest.objects.filter(
        events__kind=EventKind.APPROVED, events__actor__role="team_leader"
    ).exists()
    assert FirstChoiceNotDelivered.objects.exists()
    assert UnmetNeed.objects.filter(met_on__isnull=True).exists()
    assert UnmetNeed.objects.filter(met_on__isnull=False).exists()
    assert Decision.objects.filter(sharings__isnull=True).exists()
    assert Decision.objects.filter(sharings__isnull=False).exists()
    assert RiskEnablement.objects.filter(views_conflict=True).exists()
    assert RiskView.objects.filter(whose=Whose.GUARDIAN).exists()
    counts = (BudgetRequest.objects.count(), RiskEnablement.objects.count())
    assert load_sds_demo(random.Random(1)) is False
    assert (BudgetRequest.objects.count(), RiskEnablement.objects.count()) == counts


def test_reviews_demo_covers_every_case_and_runs_once(demo):
    """One, two and three reviews, achieved and rewritten outcomes, the person's own
    views, a review in progress, and broken threads to show. Runs once."""
    assert Review.objects.count() > 10
    finished = Counter(
        Review.objects.filter(status=ReviewStatus.COMPLETED).values_list("person_id", flat=True)
    )
    assert {1, 2, 3} <= set(finished.values())
    assert Review.objects.filter(status=ReviewStatus.DRAFT).exists()
    assert ReviewSchedule.objects.count() > len(finished)  # and some dates agreed, not kept
    assert Outcome.objects.filter(status=OutcomeStatus.ACHIEVED).exists()
    rewritten = Outcome.objects.filter(status=OutcomeStatus.REPLACED)
    assert rewritten.exists()
    assert all(o.replaced_by.replaces_id == o.pk for o in rewritten)
    assert OutcomeReview.objects.filter(new_outcome__isnull=False).count() == rewritten.count()
    assert PersonView.objects.filter(whose_words=WhoseWords.ON_BEHALF).exists()
    differing = [
        v
        for v in PersonView.objects.select_related("review")
        if OutcomeReview.objects.filter(review=v.review, outcome=v.outcome)
        .exclude(rating=v.rating)
        .exists()
    ]
    assert differing  # the person's view differs from the worker's, kept side by side
    assert SolutionReview.objects.filter(decision="stop").exists()
    kinds = {
        link.kind for person in Person.objects.all() for link in broken_links(build_thread(person))
    }
    assert {
        LinkKind.NEVER_REVIEWED,
        LinkKind.SUPPORT_NO_OUTCOME,
        LinkKind.PAST_DATE,
        LinkKind.PROVISION_NO_OUTCOME,
    } <= kinds
    assert load_reviews_demo(random.Random(7)) == 0
