"""The national SDS return, goldenthread extract-source (#14, "National return"): every
field and both validation rules against hand-built records, the summary, a bad period,
the access log, and agreement with the "SDS options chosen" report."""

from __future__ import annotations

import csv
import datetime
import io
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from goldenthread.audit.models import AccessAction, AccessLog, AccessLogPerson
from goldenthread.audit.selectors import access_for_person
from goldenthread.people.factories import PersonFactory
from goldenthread.reports import selectors, source_extract
from goldenthread.reports.disclosure import TOTAL
from goldenthread.reports.periods import parse_period
from goldenthread.sds.models import BudgetRequest, MixPart, RequestStatus, SdsChoice, SdsOption
from goldenthread.support.factories import SolutionFactory

TODAY = datetime.date(2026, 12, 3)
Q3 = parse_period("2026Q3", TODAY)
D = datetime.date


@pytest.fixture(autouse=True)
def _location(settings):
    settings.GOLDENTHREAD_SENDING_LOCATION = "230"
    settings.GOLDENTHREAD_REPORTS_THRESHOLD = 1


@pytest.fixture
def staff(practitioner):
    practitioner.is_staff = True
    practitioner.save(update_fields=["is_staff"])
    return practitioner


def choose(person, option, on, actor, mix=()):
    choice = SdsChoice.objects.create(
        person=person,
        chosen_option=option,
        chosen_on=on,
        reasons="It is what I want.",
        recorded_by=actor,
    )
    for part in mix:
        solution = SolutionFactory(outcome__positive_change__conversation__person=person)
        MixPart.objects.create(choice=choice, person=person, solution=solution, option=part)
    return choice


def budget(person, start, end, actor, status=RequestStatus.APPROVED):
    """An agreed (or declined) budget with its dates; the amounts do not matter here."""
    BudgetRequest.objects.create(
        person=person,
        status=status,
        start_date=start,
        end_date=end,
        case_for_request="Support at home.",
        total_per_year=Decimal("6240.00"),
        requested_by=actor,
        decided_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )


@pytest.fixture
def records(team, practitioner):
    """Hand-built people, one per case; returns their ids by name."""
    p = {name: PersonFactory(team=team) for name in "abcdefghi"}
    choose(p["a"], SdsOption.OPTION_1, D(2026, 8, 10), practitioner)  # option 1, open
    choose(p["b"], SdsOption.OPTION_2, D(2026, 7, 1), practitioner)
    budget(p["b"], D(2026, 7, 1), D(2027, 6, 30), practitioner)  # agreed budget with an end
    choose(p["c"], SdsOption.OPTION_3, D(2025, 3, 1), practitioner)  # chosen before Q3
    choose(
        p["d"],
        SdsOption.OPTION_4,
        D(2026, 9, 30),
        practitioner,
        mix=(SdsOption.OPTION_1, SdsOption.OPTION_3, SdsOption.OPTION_3),
    )
    choose(p["e"], SdsOption.OPTION_2, D(2026, 8, 20), practitioner)
    budget(p["e"], D(2026, 1, 1), D(2026, 7, 31), practitioner)  # ended before the choice: fixed
    choose(p["f"], SdsOption.OPTION_1, D(2026, 10, 1), practitioner)  # after Q3: removed
    choose(p["g"], SdsOption.OPTION_3, D(2025, 1, 10), practitioner)
    budget(p["g"], D(2025, 1, 10), D(2026, 6, 30), practitioner)  # ended before Q3: not in it
    choose(p["h"], SdsOption.OPTION_2, D(2026, 7, 15), practitioner)
    budget(
        p["h"], D(2026, 7, 15), D(2026, 12, 31), practitioner, status=RequestStatus.DECLINED
    )  # not agreed
    PersonFactory(team=team)  # no choice recorded: not in the extract
    SdsChoice.objects.create(person=p["i"], recorded_by=practitioner)  # options, none chosen
    return {name: str(person.pk) for name, person in p.items()}


def rows_by_person(extract):
    return {row["social_care_id"]: row for row in extract.rows}


def test_field_list_matches_the_reference_file():
    directory = os.environ.get("GOLDENTHREAD_REFERENCE_DIR")
    path = Path(directory or "/nonexistent") / "national-returns"
    path = path / "scotland-source-social-care-fields.csv"
    if not directory or not path.exists():
        pytest.skip("GOLDENTHREAD_REFERENCE_DIR is not set (the Source fields file)")
    with path.open(encoding="utf-8") as handle:
        fields = [row["field"] for row in csv.DictReader(handle) if row["section"] == "sds"]
    assert source_extract.FIELDS == tuple(dict.fromkeys(fields))
    assert len(source_extract.FIELDS) == 13


def test_every_field_and_both_rules(records):
    extract = source_extract.build(Q3, "230")
    got = rows_by_person(extract)
    assert set(got) == {records[n] for n in "abcdeh"}
    common = {
        "sending_location": "230",
        "period": "2026Q3",
        "sds_period_start_date": "2026-07-01",
        "sds_period_end_date": "2026-09-30",
        "sds_start_date_after_period_end_date": "0",
    }
    for row in got.values():
        assert list(row) == list(source_extract.FIELDS)
        assert {k: row[k] for k in common} == common
    flags = ("sds_option_1", "sds_option_2", "sds_option_3", "sds_option_4")

    def check(name, start, end, options, fixed="0"):
        row = got[records[name]]
        assert (row["sds_start_date"], row["sds_end_date"]) == (start, end)
        assert tuple(row[f] for f in flags) == options
        assert row["sds_start_date_after_end_date"] == fixed

    check("a", "2026-08-10", "", ("1", "0", "0", "0"))
    check("b", "2026-07-01", "2027-06-30", ("0", "1", "0", "0"))
    check("c", "2025-03-01", "", ("0", "0", "1", "0"))
    check("d", "2026-09-30", "", ("1", "0", "1", "1"))
    # Start after end: the end becomes the period's end (PHS fix_sc_end_dates), flagged.
    check("e", "2026-08-20", "2026-09-30", ("0", "1", "0", "0"), fixed="1")
    # A declined budget is not an end of support.
    check("h", "2026-07-15", "", ("0", "1", "0", "0"))
    assert extract.fixed == Counter({source_extract.FIXED_START_AFTER_END: 1})
    assert extract.rejected == Counter({source_extract.REJECT_START_AFTER_PERIOD_END: 1})
    assert extract.left_out == Counter({source_extract.NOT_IN_PERIOD: 1})
    # Ids, codes and dates only: no names or free text anywhere in the file.
    text = extract.csv_text()
    assert "It is what I want" not in text
    for person in PersonFactory._meta.model.objects.all():
        assert person.family_name not in text and person.given_name not in text


def test_the_option_4_flag_follows_the_mix(team, practitioner):
    two = PersonFactory(team=team)
    unset = PersonFactory(team=team)
    choose(two, SdsOption.OPTION_4, D(2026, 8, 1), practitioner, mix=(SdsOption.OPTION_2,) * 2)
    choose(unset, SdsOption.OPTION_4, D(2026, 8, 1), practitioner)
    got = rows_by_person(source_extract.build(Q3, "230"))
    assert [got[str(two.pk)][f"sds_option_{o}"] for o in "1234"] == ["0", "1", "0", "1"]
    assert [got[str(unset.pk)][f"sds_option_{o}"] for o in "1234"] == ["0", "0", "0", "1"]


def test_the_command_writes_the_file_summary_and_access_log(records, staff, tmp_path):
    target = tmp_path / "sds.csv"
    out = io.StringIO()
    call_command(
        "extract_source", period="2026Q3", username=staff.username, output=str(target), stdout=out
    )
    with target.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == 6
    summary = out.getvalue()
    assert "2026Q3 (July to September 2026): 6 rows written, 1 fixed, 1 rejected." in summary
    assert "Fixed: 1 (start date after end date: end date set to the period's end)." in summary
    assert "Rejected: 1 (start date after the period's end: removed)." in summary
    assert "Left out: 1 (support ended before the period began: not in the period)." in summary
    log = AccessLog.objects.get(action=AccessAction.EXPORT, what="goldenthread extract-source")
    assert log.actor_id == staff.pk
    logged = {
        str(p) for p in AccessLogPerson.objects.filter(log=log).values_list("person_id", flat=True)
    }
    assert logged == {row["social_care_id"] for row in written}
    # Each person's own access history shows the export; a person left out has none.
    assert access_for_person(records["a"]).filter(pk=log.pk).exists()
    assert not access_for_person(records["f"]).filter(pk=log.pk).exists()


def test_the_selection_is_three_queries_whatever_the_number_of_people(
    records, django_assert_num_queries
):
    with django_assert_num_queries(3):  # choices, mix parts, agreed budgets
        extract = source_extract.build(Q3, "230")
    assert len(extract.rows) == 6


@pytest.mark.parametrize("period", ["2026Q5", "2026-08", "2026", "rolling", "Q3"])
def test_a_bad_period_writes_nothing(records, staff, tmp_path, period):
    target = tmp_path / "sds.csv"
    with pytest.raises(CommandError, match="not a quarter.*Nothing was written"):
        call_command("extract_source", period=period, username=staff.username, output=str(target))
    assert not target.exists()
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_no_sending_location_or_no_staff_user_writes_nothing(
    records, staff, practitioner, settings, tmp_path
):
    target = tmp_path / "sds.csv"
    settings.GOLDENTHREAD_SENDING_LOCATION = ""
    with pytest.raises(CommandError, match="GOLDENTHREAD_SENDING_LOCATION is not set"):
        call_command("extract_source", period="2026Q3", username=staff.username, output=str(target))
    settings.GOLDENTHREAD_SENDING_LOCATION = "230"
    staff.is_staff = False
    staff.save(update_fields=["is_staff"])
    with pytest.raises(CommandError, match="No active staff user"):
        call_command("extract_source", period="2026Q3", username=staff.username, output=str(target))
    assert not target.exists()


def test_the_extract_agrees_with_the_sds_options_report(records):
    """The report counts choices made in the period; the extract's rows that started in
    the period, counted by option, are the same numbers, option by option."""
    extract = source_extract.build(Q3, "230")
    started = Counter(
        source_extract.option_of(row)
        for row in extract.rows
        if Q3.start.isoformat() <= row["sds_start_date"] <= Q3.end.isoformat()
    )
    axes = selectors.FilterAxes.load()
    cube = selectors.build(selectors.SDS_CHOSEN, Q3, TODAY, axes, limit=1)
    report = {}
    for option in selectors.OPTIONS:
        cell = cube.cell((TOTAL, TOTAL, TOTAL, option))
        assert cell.shown
        report[option] = cell.value
    assert report == {o: started.get(o, 0) for o in selectors.OPTIONS}
    assert report == {"option_1": 1, "option_2": 3, "option_3": 0, "option_4": 1}
