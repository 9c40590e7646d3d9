"""A budget line and a risk enablement may name an outcome and a solution: both must be the
person's own, and the solution must be for that outcome (one check, in support.models, #17)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from goldenthread.people.factories import PersonFactory
from goldenthread.risk.models import RiskEnablement
from goldenthread.sds.models import BudgetLine
from goldenthread.support.factories import SolutionFactory

from .conftest import make_outcome

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[BudgetLine, RiskEnablement], ids=["budget line", "risk enablement"])
def row_class(request):
    return request.param


def _errors(row) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        row.clean()
    return raised.value.message_dict


def test_an_outcome_and_a_solution_of_the_person_for_that_outcome_pass(person, row_class):
    outcome = make_outcome(person)
    row = row_class(person=person, outcome=outcome, solution=SolutionFactory(outcome=outcome))
    row.clean()


def test_someone_elses_outcome_and_solution_are_refused(person, row_class):
    other = make_outcome(PersonFactory(team=person.team))
    row = row_class(person=person, outcome=other, solution=SolutionFactory(outcome=other))
    assert _errors(row) == {
        "outcome": ["Choose one of this person's outcomes."],
        "solution": ["Choose one of this person's solutions."],
    }


def test_a_solution_for_another_of_their_outcomes_is_refused(person, row_class):
    solution = SolutionFactory(outcome=make_outcome(person))
    row = row_class(person=person, outcome=make_outcome(person), solution=solution)
    assert _errors(row) == {"solution": ["This solution is for a different outcome."]}


def test_a_solution_alone_is_checked_for_the_person_only(person, row_class):
    mine = row_class(person=person, solution=SolutionFactory(outcome=make_outcome(person)))
    mine.clean()
    theirs = SolutionFactory(outcome=make_outcome(PersonFactory(team=person.team)))
    row = row_class(person=person, solution=theirs)
    assert _errors(row) == {"solution": ["Choose one of this person's solutions."]}
