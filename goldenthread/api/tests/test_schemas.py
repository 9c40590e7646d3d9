"""The schema of a change is made from the schema of a new record (schemas.patch_of): the
same fields and limits, each optional, so the two never drift apart."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from goldenthread.api.schemas import (
    PersonIn,
    PersonPatch,
    RiskIn,
    RiskPatch,
    SolutionIn,
    SolutionPatch,
)


@pytest.mark.parametrize(
    ("new", "change", "left_out", "added"),
    [
        (PersonIn, PersonPatch, set(), set()),
        (RiskIn, RiskPatch, {"outcome_id", "solution_id"}, set()),
        (SolutionIn, SolutionPatch, {"step"}, {"status_note"}),
    ],
)
def test_a_change_has_the_new_records_fields_all_optional(new, change, left_out, added):
    assert set(change.model_fields) == set(new.model_fields) - left_out | added
    assert change().model_dump(exclude_unset=True) == {}  # nothing is required
    for name in set(change.model_fields) - added:
        assert change.model_fields[name].default is None


def test_a_change_keeps_the_limits_and_refuses_unknown_fields():
    with pytest.raises(ValidationError):
        PersonPatch(given_name="x" * 101)
    with pytest.raises(ValidationError):
        RiskPatch(capacity_in_question="perhaps")
    with pytest.raises(ValidationError):
        SolutionPatch(cost="-1")
    with pytest.raises(ValidationError):
        PersonPatch(nickname="Jo")
    assert PersonPatch(given_name="Morag").given_name == "Morag"
