"""SEC, IO-1 (the outside probe's leftovers): every number a person types is read in the
digits 0 to 9 only, with money's words ("using numbers only"), on the pages and through the
API; and every date a person may type ahead of today is refused more than 10 years ahead,
as budgets and risks already were (core.services.not_far_off)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pydantic import ValidationError as SchemaError

from goldenthread.accountability.factories import ChallengeFactory
from goldenthread.accountability.models import Stage, Transition
from goldenthread.accountability.services import challenge_extend
from goldenthread.api.schemas import OutcomeReviewIn
from goldenthread.core.numbers import NUMBERS_ONLY
from goldenthread.outcomes.models import Outcome
from goldenthread.people.services import allocation_end, allocation_start
from goldenthread.portal.services import withholding_propose
from goldenthread.reviews.forms import OutcomeReviewForm
from goldenthread.sds.models import IndicativeBudget
from goldenthread.support.models import Solution
from goldenthread.ui.forms import NumberField

pytestmark = pytest.mark.usefixtures("pinned_clock")
TODAY = datetime.date(2026, 6, 3)
FAR = "2040-01-01"  # more than 10 years after TODAY
# Arabic-Indic, Extended Arabic-Indic, fullwidth and Devanagari digits: Python reads each
# as 34.
OTHER_DIGITS = ["\u0663\u0664", "\u06f3\u06f4", "\uff13\uff14", "\u0969\u096a"]


@pytest.fixture
def send(api):
    """A POST with a practitioner's write token (the api fixture, api/tests/conftest.py)."""
    return lambda path, body: api("post", path, body)


def _messages(answer) -> str:
    assert answer.status_code == 422, (answer.status_code, answer.content[:300])
    return " ".join(e["message"] for e in answer.json()["errors"])


# --- Numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", OTHER_DIGITS)
def test_a_number_field_refuses_other_scripts_digits_with_moneys_words(typed):
    field = NumberField(what="the measure as a number", example="2", required=False)
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == [
        f"Enter the measure as a number, {NUMBERS_ONLY}, for example 2."
    ]
    assert field.clean("3.5") == Decimal("3.5")
    assert field.clean("") is None


@pytest.mark.parametrize("typed", OTHER_DIGITS)
def test_the_measure_at_a_review_refuses_other_scripts_digits(typed):
    form = OutcomeReviewForm(data={"new_measure_value": typed})
    assert not form.is_valid()
    assert form.errors["new_measure_value"] == [
        "Enter the measure as a number, using numbers only, for example 2 or 3.5, or leave "
        "it blank."
    ]


@pytest.mark.parametrize("typed", OTHER_DIGITS)
def test_the_apis_measure_refuses_other_scripts_digits(typed):
    body = {"rating": "achieved", "evidence": "She goes", "decision": "keep"}
    with pytest.raises(SchemaError) as refused:
        OutcomeReviewIn(**body, new_measure_value=typed)
    assert NUMBERS_ONLY in str(refused.value)
    assert OutcomeReviewIn(**body, new_measure_value="2.5").new_measure_value == Decimal("2.5")


@pytest.mark.parametrize("typed", OTHER_DIGITS)
def test_the_apis_money_refuses_other_scripts_digits(send, full_record, typed):
    body = {"amount": typed, "period": "year", "told_on": str(TODAY), "how_told": "letter"}
    answer = send("/sds/indicative-budgets", body)
    assert NUMBERS_ONLY in _messages(answer)
    assert not IndicativeBudget.objects.filter(person_id=full_record["person_id"]).exists()

    solutions = Solution.objects.count()
    answer = send(
        f"/outcomes/{full_record['outcome_id']}/solutions",
        {"step": "community", "what": "Lunch club", "cost": typed, "cost_period": "week"},
    )
    assert NUMBERS_ONLY in _messages(answer)
    assert Solution.objects.count() == solutions


def test_the_apis_money_still_reads_plain_digits(send):
    body = {"amount": "34", "period": "year", "told_on": str(TODAY), "how_told": "letter"}
    assert send("/sds/indicative-budgets", body).status_code == 201


# --- Dates ahead -------------------------------------------------------------------------


def test_a_transitions_planned_date_is_refused_more_than_10_years_ahead(send):
    before = Transition.objects.count()
    answer = send("/transitions", {"kind": "into_residential", "planned_on": FAR})
    assert "The planned date is more than 10 years ahead" in _messages(answer)
    assert Transition.objects.count() == before
    answer = send("/transitions", {"kind": "into_residential", "planned_on": "2035-06-03"})
    assert answer.status_code == 201, answer.content


def test_an_outcomes_target_date_is_refused_more_than_10_years_ahead(send, full_record):
    outcome = Outcome.objects.get(pk=full_record["outcome_id"])
    before = Outcome.objects.count()
    answer = send(
        "/outcomes",
        {
            "positive_change_id": str(outcome.positive_change_id),
            "statement": "I go to the lunch club on Thursdays and see my friends",
            "target_date": FAR,
        },
    )
    assert "The date it should be achieved by is more than 10 years ahead" in _messages(answer)
    assert Outcome.objects.count() == before


def test_an_allocations_dates_are_refused_more_than_10_years_ahead(
    team_leader, practitioner, person
):
    far = datetime.date.fromisoformat(FAR)
    allocation = person.allocations.get()
    with pytest.raises(ValidationError) as refused:
        allocation_end(actor=team_leader, allocation=allocation, end_date=far)
    assert "more than 10 years ahead" in refused.value.message_dict["end_date"][0]
    allocation.refresh_from_db()
    assert allocation.end_date is None
    with pytest.raises(ValidationError) as refused:
        allocation_start(actor=team_leader, person=person, worker=practitioner, start_date=far)
    assert "start_date" in refused.value.message_dict


def test_a_stage_2_extension_is_refused_more_than_10_years_ahead(practitioner, person):
    challenge = ChallengeFactory(person=person, stage=Stage.INVESTIGATION, recorded_by=practitioner)
    with pytest.raises(ValidationError) as refused:
        challenge_extend(
            actor=practitioner,
            challenge=challenge,
            expected_version=challenge.version,
            due_on=datetime.date(9999, 12, 31),
            reason="The investigating officer is away",
            agreed_by="Morag Paterson",
        )
    assert refused.value.message_dict["due_on"] == [
        "The new date is more than 10 years ahead (31 December 9999). Check the year."
    ]


def test_a_withholdings_date_to_look_again_is_refused_more_than_10_years_ahead(
    practitioner, full_record, person
):
    with pytest.raises(ValidationError) as refused:
        withholding_propose(
            actor=practitioner,
            person=person,
            label="outcomes.Outcome",
            item_id=str(full_record["outcome_id"]),
            grounds="serious_harm",
            reason="It would cause her serious harm to read it now.",
            review_on=datetime.date.fromisoformat(FAR),
        )
    assert "more than 10 years ahead" in refused.value.message_dict["review_on"][0]
