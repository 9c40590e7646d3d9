"""IO-1 (#15): staff page writes the API could not make, through the page's own service —
a community resource from the directory becomes a solution (SS-3, SS-4).

For each: it is written (with its change record), a read-only token is refused and
nothing is written, another person's items are never reached (404, nothing of theirs in
the answer), and bad input answers 422 naming the field."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from goldenthread.api.tests.helpers import changes, fields
from goldenthread.directory.models import CommunityResource, Organisation
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.support.models import Solution

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def resource(db):
    organisation = Organisation.objects.create(
        source="test", source_id="org-api", name="Northfield Community Trust"
    )
    return CommunityResource.objects.create(
        source="test",
        source_id="svc-api",
        name="Northfield Bowls and Blether Club",
        description="A friendly bowling club, £3 a week.",
        organisation=organisation,
        place_text="Northfield",
        imported_at=timezone.now(),
    )


def test_a_directory_resource_becomes_a_solution(api, reader, full_record, stranger, resource):
    path = f"/outcomes/{full_record['outcome_id']}/solutions/from-directory"
    body = {"step": "community", "resource_id": str(resource.pk)}
    rows, records = Solution.objects.count(), changes("support.Solution")

    assert reader("post", path, body).status_code == 403
    assert fields(api("post", path, {**body, "step": "yourself"})) == {"step"}
    assert fields(api("post", path, {**body, "resource_id": str(uuid.uuid4())})) == {
        "resource_id"
    }
    assert fields(api("post", path, {**body, "resource_id": "nope"})) == {"resource_id"}
    assert fields(api("post", path, {**body, "what": "Typed"})) == {"what"}
    assert (Solution.objects.count(), changes("support.Solution")) == (rows, records)

    added = api("post", path, body)
    assert added.status_code == 201, added.content
    made = added.json()
    assert made["what"] == "Northfield Bowls and Blether Club"
    assert made["who"] == "Northfield Community Trust"
    assert (made["step"], made["status"]) == ("community", "idea")
    assert added["ETag"] == f'"{made["version"]}"'
    solution = Solution.objects.get(pk=made["id"])
    assert solution.community_resource_id == resource.pk
    assert solution.outcome_id == full_record["outcome_id"]
    assert changes("support.Solution") == records + 1
    assert api("get", f"/solutions/{made['id']}").json()["what"] == made["what"]

    theirs = OutcomeFactory(positive_change__conversation__person=stranger, statement="Zsecret")
    elsewhere = api("post", f"/outcomes/{theirs.pk}/solutions/from-directory", body)
    assert elsewhere.status_code == 404 and "Zsecret" not in elsewhere.content.decode()
    assert not Solution.objects.filter(outcome=theirs).exists()
