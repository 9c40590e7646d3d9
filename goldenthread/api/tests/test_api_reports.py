"""AGG-1..3 through the API (IO-1, #15): the report pages' own tables, with the same
disclosure control — a count that could reveal a few people is never a number — for
commissioners (the council) and team leaders (their team) only."""

from __future__ import annotations

import datetime
import html

import pytest
from django.utils import timezone

from goldenthread.api.tests.helpers import call, token_for
from goldenthread.people.factories import AllocationFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def people(team, other_team, pinned_clock):
    """Seven people in one team and two in another, each with need not met: some counts
    are shown, some small."""
    from goldenthread.sds.factories import UnmetNeedFactory
    from goldenthread.sds.models import NeedCategory, UnmetReason

    born = datetime.date(1970, 5, 1)  # all aged 18 to 64
    for i in range(7):
        person = PersonFactory(team=team, date_of_birth=born + datetime.timedelta(days=3 * i))
        AllocationFactory(person=person)
        UnmetNeedFactory(
            person=person,
            category=NeedCategory.CARER_BREAK,
            reason=UnmetReason.BUDGET,
            identified_on=timezone.localdate() - datetime.timedelta(days=40),
        )
    for i in range(2):
        # A fixed birth date: a random one (the factory's, which depends on the tests run
        # before in the same process) moves people between age groups, and with them which
        # cells are hidden to protect a small one.
        AllocationFactory(
            person=PersonFactory(
                team=other_team, date_of_birth=born + datetime.timedelta(days=100 + i)
            )
        )
    # Recorded two months ago: inside the rolling twelve months the reports show.
    from goldenthread.people.models import Person

    Person.objects.filter(team__in=[team, other_team]).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )


def cells(body):
    for table in body["tables"]:
        for row in table["rows"]:
            yield from row["cells"]


def test_a_commissioner_reads_the_reports_with_small_counts_withheld(
    client, commissioner, people, settings
):
    settings.GOLDENTHREAD_REPORTS_THRESHOLD = 5
    answer = call(client, "get", "/api/v1/reports", token_for(commissioner))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["threshold"] == 5 and body["message"] == ""
    assert body["tables"] and all(t["rows"] or t["withheld"] for t in body["tables"])
    found = list(cells(body))
    assert any(c["status"] == "shown" and c["value"] for c in found)
    for cell in found:
        if cell["status"] != "shown":
            assert cell["value"] is None
        elif cell["value"] is not None:
            assert cell["value"] == 0 or cell["value"] >= 5, cell
    # The page shows the same numbers: the same tables, the same words in each cell.
    from conftest import sign_in

    sign_in(client, commissioner)
    page = html.unescape(client.get("/reports/").content.decode())
    for table in body["tables"]:
        assert table["title"] in page


def test_a_narrow_selection_gives_words_not_numbers(client, commissioner, other_team, people):
    answer = call(client, "get", f"/api/v1/reports?team={other_team.pk}", token_for(commissioner))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["message"] and body["tables"] == []
    assert "2" not in body["message"]


def test_reports_refuse_caseworkers_and_bad_filters(client, practitioner, commissioner):
    refused = call(client, "get", "/api/v1/reports", token_for(practitioner))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Reports are for commissioners and team leaders."
    bad = call(client, "get", "/api/v1/reports?period=last-century", token_for(commissioner))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "period"


def test_a_team_leader_sees_their_own_team_only(client, team_leader, other_team, people):
    token = token_for(team_leader)
    own = call(client, "get", "/api/v1/reports", token).json()
    asked = call(client, "get", f"/api/v1/reports?team={other_team.pk}", token).json()
    assert own == asked  # the other team is not theirs to choose
    assert team_leader.team.name in own["selection"]


@pytest.fixture
def reasons(team, other_team, pinned_clock):
    """#14: by main reason for support, 7 people with dementia and 6 with autism in one
    team, 2 with alcohol in the other."""
    from goldenthread.people.models import Person

    born = datetime.date(1970, 5, 1)
    for i, (where, reason) in enumerate(
        [(team, "dementia")] * 7 + [(team, "autism")] * 6 + [(other_team, "alcohol")] * 2
    ):
        PersonFactory(
            team=where, support_reason=reason, date_of_birth=born + datetime.timedelta(days=i)
        )
    Person.objects.update(created_at=timezone.now() - datetime.timedelta(days=60))


def test_the_reports_filter_by_main_reason_for_support(client, commissioner, reasons):
    """#14 (AGG-1, AGG-2): the council's figures for one reason; a reason with fewer people
    than the threshold gives words, never its number."""
    token = token_for(commissioner)
    dementia = call(client, "get", "/api/v1/reports?reason=dementia", token)
    assert dementia.status_code == 200, dementia.content
    body = dementia.json()
    assert "Main reason for support: Dementia" in body["selection"]
    assert body["message"] == "" and body["tables"]
    alcohol = call(client, "get", "/api/v1/reports?reason=alcohol", token).json()
    assert alcohol["tables"] == [] and "fewer than 5" in alcohol["message"]
    assert "2" not in alcohol["message"]


def test_a_team_and_a_reason_together_are_refused(client, commissioner, team, reasons):
    """#14 (AGG-2): team and main reason for support are never narrowed together."""
    answer = call(
        client, "get", f"/api/v1/reports?team={team.pk}&reason=dementia", token_for(commissioner)
    )
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["field"] == "reason" and "not both" in error["message"]


def test_a_team_leader_cannot_split_their_team_by_reason(client, team_leader, reasons):
    """#14: a team leader's reports are their team's, never split by reason."""
    token = token_for(team_leader)
    own = call(client, "get", "/api/v1/reports", token).json()
    asked = call(client, "get", "/api/v1/reports?reason=dementia", token).json()
    assert own == asked and "Main reason" not in asked["selection"]
