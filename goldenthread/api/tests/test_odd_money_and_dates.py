"""SEC, IO-1, SDS, RISK: odd money and dates in the budget, SDS and risk forms and their
API twins (the outside probe's list): negative, more digits than the column, NaN and
Infinity, "1e9", commas, a day that does not exist, and years typed wrong (far past, far
ahead). Each is refused with a specific message naming the field, nothing is saved, and
it is never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from goldenthread.api.tests.helpers import call, token_for
from goldenthread.risk.models import RiskEnablement
from goldenthread.sds.models import BudgetRequest, IndicativeBudget

pytestmark = pytest.mark.usefixtures("pinned_clock")
TODAY = datetime.date(2026, 6, 3)

# (sent, words in the message): each must be refused.
ODD_AMOUNTS = [
    ("-5.00", "greater than"),
    ("12345678901.00", "digits"),
    ("NaN", "finite"),
    ("Infinity", "finite"),
    ("-Infinity", "finite"),
    ("1e9", ""),  # a number in a string: read as 1000000000 (allowed) or refused, never a 500
    ("1,000", "valid decimal"),
    ("0.001", "decimal places"),
    ("", "valid decimal"),
]
ODD_DAYS = [
    ("2026-02-29", "valid date"),
    ("0001-01-01", "too long ago"),
    ("1026-06-03", "too long ago"),
    ("9999-12-31", "years ahead"),
    ("2206-06-03", "years ahead"),
    ("26-06-03", "valid date"),
    ("2026-13-01", "valid date"),
]


@pytest.fixture
def send(client, full_record, practitioner):
    token = token_for(practitioner)
    base = f"/api/v1/people/{full_record['person_id']}"

    def do(path, body):
        return call(client, "post", base + path, token, body)

    return do


def _messages(answer) -> str:
    assert answer.status_code in (400, 422), (answer.status_code, answer.content[:300])
    assert answer["Content-Type"] == "application/problem+json"
    return (
        " ".join(e["message"] for e in answer.json().get("errors", [])) or answer.json()["detail"]
    )


def _request_body(full_record, **changes):
    body = {
        "start_date": str(TODAY),
        "case_for_request": "Lunch club twice a week",
        "lines": [
            {
                "description": "Lunch club",
                "amount": "7.00",
                "period": "week",
                "outcome_id": str(full_record["outcome_id"]),
            }
        ],
    }
    line = {k[5:]: v for k, v in changes.items() if k.startswith("line_")}
    body["lines"][0].update(line)
    body.update({k: v for k, v in changes.items() if not k.startswith("line_")})
    return body


@pytest.mark.parametrize(("amount", "words"), ODD_AMOUNTS, ids=[a for a, _ in ODD_AMOUNTS])
def test_odd_amounts_in_a_budget_request_through_the_api(send, full_record, amount, words):
    before = BudgetRequest.objects.count()
    answer = send("/budget-requests", _request_body(full_record, line_amount=amount))
    if amount == "1e9" and answer.status_code == 201:
        assert answer.json()["total_per_year"] == "52000000000.00"
        return
    assert words.lower() in _messages(answer).lower()
    assert BudgetRequest.objects.count() == before


@pytest.mark.parametrize("amount", ["9999999999.99", "NaN", "Infinity", "-1", "1e400"])
def test_odd_amounts_as_json_numbers_and_the_yearly_total(send, full_record, amount):
    """A line of £9,999,999,999.99 a week is more a year than the column holds: refused as
    too large, not a database error."""
    number = float(amount)  # NaN, Infinity and 1e400 go as JSON's NaN and Infinity
    before = BudgetRequest.objects.count()
    answer = send("/budget-requests", _request_body(full_record, line_amount=number))
    _messages(answer)
    assert BudgetRequest.objects.count() == before


@pytest.mark.parametrize(("day", "words"), ODD_DAYS, ids=[d for d, _ in ODD_DAYS])
@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_odd_dates_in_a_budget_request_through_the_api(send, full_record, field, day, words):
    before = BudgetRequest.objects.count()
    answer = send("/budget-requests", _request_body(full_record, **{field: day}))
    assert words in _messages(answer)
    assert BudgetRequest.objects.count() == before


@pytest.mark.parametrize(("amount", "words"), ODD_AMOUNTS, ids=[a for a, _ in ODD_AMOUNTS])
def test_odd_amounts_in_a_likely_budget_through_the_api(send, amount, words):
    before = IndicativeBudget.objects.count()
    body = {"amount": amount, "period": "year", "told_on": str(TODAY), "how_told": "letter"}
    answer = send("/sds/indicative-budgets", body)
    if amount == "1e9" and answer.status_code == 201:
        return
    if amount == "-5.00":
        words = "greater than or equal"
    assert words.lower() in _messages(answer).lower()
    assert IndicativeBudget.objects.count() == before


@pytest.mark.parametrize(("day", "words"), ODD_DAYS, ids=[d for d, _ in ODD_DAYS])
def test_odd_dates_in_a_likely_budget_through_the_api(send, day, words):
    before = IndicativeBudget.objects.count()
    body = {"amount": "100.00", "period": "year", "told_on": day, "how_told": "letter"}
    answer = send("/sds/indicative-budgets", body)
    words = "today or in the past" if words == "years ahead" else words
    assert words in _messages(answer)
    assert IndicativeBudget.objects.count() == before


def _risk_body(full_record, **changes):
    return {
        "outcome_id": str(full_record["outcome_id"]),
        "activity": "Going to the football on her own",
        "could_go_wrong": "She could fall on the steps",
        "good_it_brings": "She sees her friends",
        "least_restrictive": "A seat near the exit",
        "decision": "She goes, with a phone",
        "reasons": "She knows the ground well",
        "decided_on": str(TODAY),
        **changes,
    }


@pytest.mark.parametrize(("day", "words"), ODD_DAYS, ids=[d for d, _ in ODD_DAYS])
@pytest.mark.parametrize("field", ["decided_on", "review_on"])
def test_odd_dates_in_a_risk_through_the_api(send, full_record, field, day, words):
    if field == "decided_on" and words == "years ahead":
        words = "today or in the past"
    before = RiskEnablement.objects.count()
    answer = send("/risks", _risk_body(full_record, **{field: day}))
    assert words in _messages(answer)
    assert RiskEnablement.objects.count() == before


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("-5", "cannot be negative"),
        ("NaN", "using numbers only"),
        ("Infinity", "using numbers only"),
        ("1e9", "using numbers only"),
        ("12345678901234", "too large"),
        ("1,2,3", "using numbers only"),
        ("0.001", "2 decimal places"),
    ],
)
def test_odd_amounts_on_the_likely_budget_page(practitioner_client, person, amount, words):
    url = reverse("sds:indicative_budget", args=[person.pk])
    before = IndicativeBudget.objects.count()
    page = practitioner_client.post(
        url,
        {"amount": amount, "period": "year", "told_on": str(TODAY), "how_told": "letter"},
    )
    assert page.status_code == 200
    assert words in page.content.decode()
    assert IndicativeBudget.objects.count() == before


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2026-02-29", "as a real date"),
        ("0001-01-01", "is too long ago (1 January 1). Check the year."),
        ("9999-12-31", "must be today or in the past"),
    ],
)
def test_odd_dates_on_the_likely_budget_page(practitioner_client, person, day, words):
    url = reverse("sds:indicative_budget", args=[person.pk])
    before = IndicativeBudget.objects.count()
    page = practitioner_client.post(
        url, {"amount": "100", "period": "year", "told_on": day, "how_told": "letter"}
    )
    assert page.status_code == 200
    assert words in page.content.decode()
    assert IndicativeBudget.objects.count() == before


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("0001-01-01", "The date to look at it again is too long ago (1 January 1)."),
        ("9999-12-31", "The date to look at it again is more than 10 years ahead"),
    ],
)
def test_odd_dates_on_the_risk_page(practitioner_client, full_record, day, words):
    url = reverse("risk:add", args=[full_record["person_id"]])
    before = RiskEnablement.objects.count()
    body = _risk_body(full_record, review_on=day)
    body["about"] = f"o:{full_record['outcome_id']}"
    body.update(capacity_in_question="no", views_conflict="no")
    page = practitioner_client.post(url, body)
    assert page.status_code == 200
    assert words in page.content.decode()
    assert RiskEnablement.objects.count() == before
