""" "Use this" on a directory result carries cost and how often across when the feed says
(#16, SS-4), and never records "No cost" for a resource whose cost the feed does not give.
Checked on the two real council feeds (Bristol, North Lincolnshire, Dec 2024)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from goldenthread.directory.models import CommunityResource
from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import
from goldenthread.directory.tests.conftest import BRISTOL, NORTH_LINCS, need
from goldenthread.record.plan import build_plan
from goldenthread.support import services
from goldenthread.support.directory_seam import resource_cost
from goldenthread.support.models import CostPeriod, SolutionStatus


def use_this(practitioner, person, outcome, resource):
    return services.solution_add_from_resource(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="community",
        resource_id=str(resource.pk),
    )


def test_a_session_price_is_carried_across(person, outcome, practitioner, community_resource):
    community_resource.fees = "£3.50 a session"
    community_resource.save()
    solution = use_this(practitioner, person, outcome, community_resource)
    assert (solution.cost, solution.cost_period) == (Decimal("3.50"), CostPeriod.SESSION)
    assert solution.status == SolutionStatus.IDEA and solution.notes == ""
    html = render_to_string(
        "support/_plan_body.html", {"plan": build_plan(person), "person": person}
    )
    assert "£3.50 a session" in html and "No cost" not in html


@pytest.mark.parametrize(
    ("fees", "options", "expected"),
    [
        ("£2 per week", [], (Decimal("2.00"), "week")),
        ("Membership £35 a year", [], (Decimal("35.00"), "year")),
        ("£4 a meal", [], (Decimal("4.00"), "session")),
        (
            "",
            [{"option": "Monthly membership", "amount": 12.5, "currency": "GBP"}],
            (Decimal("12.50"), "month"),
        ),
        # Two prices, or a price with no "how often": the worker settles it from the note.
        ("£1 membership, £3.50 per shop", [], (None, "")),
        ("Cost £2, term time only group.", [], (None, "")),
    ],
)
def test_cost_from_the_feed(community_resource, fees, options, expected):
    community_resource.fees, community_resource.cost_options = fees, options
    found = resource_cost(community_resource)
    assert (found.cost, found.period) == expected
    if expected[0] is None:
        assert found.note == f"The directory says it costs: {fees}"


def _real_records(tmp_path, path, count):
    records = json.loads(path.read_text(encoding="utf-8"))[:count]
    feed = tmp_path / path.name
    feed.write_text(json.dumps(records), encoding="utf-8")
    return records, feed


def test_real_feeds_without_a_cost_never_read_no_cost(tmp_path, person, outcome, practitioner):
    """Both real feeds publish an empty `fees` for every service: the solution keeps no
    cost and says the directory does not give one, instead of a made-up "No cost"."""
    need(BRISTOL, NORTH_LINCS)
    for path, area in ((BRISTOL, "Bristol"), (NORTH_LINCS, "North Lincolnshire")):
        records, feed = _real_records(tmp_path, path, 6)
        assert not any(r.get("fees") for r in records)
        directory_import(actor=COMMAND_LINE_IMPORT, path=feed, area=area)
    resources = list(CommunityResource.objects.all())
    assert len(resources) >= 10
    for resource in resources:
        solution = use_this(practitioner, person, outcome, resource)
        assert solution.cost is None
        assert solution.notes == "The directory does not say what it costs."


def test_a_real_service_with_its_price_as_fees(tmp_path, person, outcome, practitioner):
    """North Lincolnshire's Art Club says "The group costs £2 per week." in its
    description; published as its `fees`, "Use this" records £2.00 a week."""
    need(NORTH_LINCS)
    records = json.loads(NORTH_LINCS.read_text(encoding="utf-8"))
    art_club = next(
        r for r in records if r["name"] == "Art Club" and "£2 per week" in r["description"]
    )
    art_club["fees"] = "The group costs £2 per week."
    feed = tmp_path / "north-lincolnshire-services.json"
    feed.write_text(json.dumps([art_club]), encoding="utf-8")
    directory_import(actor=COMMAND_LINE_IMPORT, path=feed, area="North Lincolnshire")
    solution = use_this(practitioner, person, outcome, CommunityResource.objects.get())
    assert (solution.cost, solution.cost_period) == (Decimal("2.00"), "week")
