"""The reviews demo: one, two and three reviews, achieved and rewritten outcomes, the
person's own views, a review in progress, and broken threads to show. Runs once."""

from __future__ import annotations

import random
from collections import Counter

from goldenthread.nonprod.demo import load_demo_data
from goldenthread.nonprod.demo.reviews import load_reviews_demo
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.models import Person
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


def test_reviews_demo_covers_every_case_and_runs_once(db, pinned_clock):
    load_demo_data()  # conversations, support, SDS and then reviews
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
