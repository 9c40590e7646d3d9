"""The demo data covers every option, approvals within and above limits, a panel decision,
unmet need and risks, for the demo people (OPS-1); loading it twice changes nothing."""

import random

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


def test_demo_covers_the_journeys_and_is_idempotent(db, pinned_clock):
    from goldenthread.nonprod.demo import load_demo_data
    from goldenthread.nonprod.demo.sds import load_sds_demo

    load_demo_data()
    load_sds_demo(random.Random(2026))  # may already have run inside load_demo_data
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
