"""Every write to risk enablement: keyword-only, a required actor, one transaction,
audited with change_record (SEC-4). Edits to a risk are refused if someone saved first
(SEC-5); agreements and views are only ever added."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError

from goldenthread.accounts.models import User
from goldenthread.audit.services import create_audited, update_audited
from goldenthread.core.formatting import date_text
from goldenthread.core.services import (
    not_far_off,
    not_future,
    refuse_unknown_fields,
    require_text,
)
from goldenthread.outcomes.models import Outcome
from goldenthread.outcomes.services import not_their_outcome
from goldenthread.people.guards import require_casework
from goldenthread.people.models import Person
from goldenthread.support.models import Solution, solution_choice_error

from .models import CapacityQuestion, RiskAgreement, RiskEnablement, RiskView, Whose

RISK_FIELDS = (
    "activity",
    "could_go_wrong",
    "good_it_brings",
    "least_restrictive",
    "decision",
    "reasons",
    "decided_on",
    "review_on",
    "capacity_in_question",
    "capacity_notes",
    "decision_supported_by",
    "views_conflict",
    "conflict_handling",
)
TEXT_FIELDS = tuple(
    f
    for f in RISK_FIELDS
    if f not in {"decided_on", "review_on", "capacity_in_question", "views_conflict"}
)


def _check_casework(actor: User | None, person: Any) -> None:
    require_casework(actor, person, doing="record risk enablement")


def _date_text(day: datetime.date) -> str:
    return date_text(day)


def _risk_errors(
    person: Person, outcome: Outcome | None, solution: Solution | None, fields: dict[str, Any]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if outcome is None and solution is None:
        errors["about"] = "Choose the outcome or the solution this risk is about."
    if problem := not_their_outcome(outcome, person.pk):
        errors["about"] = problem
    if solution is not None and (problem := solution_choice_error(person.pk, solution, outcome)):
        errors["about"] = problem
    require_text(
        errors,
        ("activity", fields.get("activity", ""), "Say what the person wants to do."),
        ("could_go_wrong", fields.get("could_go_wrong", ""), "Say what could go wrong."),
        (
            "good_it_brings",
            fields.get("good_it_brings", ""),
            "Say what good it brings to the person (positive risk).",
        ),
    )
    decision, reasons = fields.get("decision", "").strip(), fields.get("reasons", "").strip()
    decided_on, review_on = fields.get("decided_on"), fields.get("review_on")
    if decision and not reasons:
        errors["reasons"] = "Say why this was decided."
    if decision and decided_on is None:
        errors["decided_on"] = "Enter the date it was decided."
    if not decision and (reasons or decided_on):
        errors["decision"] = "Say what was decided, or clear the reasons and the date."
    not_future(decided_on, "decided_on", "The date decided", errors)
    not_far_off(review_on, "review_on", "The date to look at it again", errors)
    if (
        review_on
        and decided_on
        and review_on < decided_on
        and not {"decided_on", "review_on"} & set(errors)
    ):
        errors["review_on"] = (
            "The date to look at it again must be on or after the date it was decided "
            f"({_date_text(decided_on)})."
        )
    capacity = fields.get("capacity_in_question", CapacityQuestion.NO)
    if capacity not in CapacityQuestion.values:
        errors["capacity_in_question"] = "Choose one of the answers."
    elif capacity != CapacityQuestion.NO and not fields.get("decision_supported_by", "").strip():
        errors["decision_supported_by"] = "Say who supported the person to make this decision."
    if fields.get("views_conflict") and not fields.get("conflict_handling", "").strip():
        errors["conflict_handling"] = "Say how the conflict is being dealt with."
    return errors


def _tidy(fields: dict[str, Any]) -> dict[str, Any]:
    tidy = dict(fields)
    for name in TEXT_FIELDS:
        if name in tidy:
            tidy[name] = (tidy[name] or "").strip()
    if "views_conflict" in tidy:
        tidy["views_conflict"] = bool(tidy["views_conflict"])
        if not tidy["views_conflict"]:
            tidy["conflict_handling"] = ""
    return tidy


def risk_record(
    *,
    actor: User,
    person: Person,
    outcome: Outcome | None = None,
    solution: Solution | None = None,
    **fields: Any,
) -> RiskEnablement:
    """Record a risk talked about openly, for one outcome or one solution."""
    _check_casework(actor, person)
    unknown = set(fields) - set(RISK_FIELDS)
    if unknown:
        raise TypeError(f"risk_record cannot set {sorted(unknown)}")
    if solution is not None and outcome is None:
        outcome = solution.outcome
    errors = _risk_errors(person, outcome, solution, fields)
    if errors:
        raise ValidationError(errors)
    risk = RiskEnablement(
        person=person, outcome=outcome, solution=solution, recorded_by=actor, **_tidy(fields)
    )
    return create_audited(actor, risk, person_id=person.pk)


def risk_update(
    *,
    actor: User,
    risk: RiskEnablement,
    expected_version: int,
    outcome: Outcome | None = None,
    solution: Solution | None = None,
    **changes: Any,
) -> RiskEnablement:
    """Change a risk; refused with StaleEditError if someone saved first (SEC-5)."""
    _check_casework(actor, risk.person_id)
    refuse_unknown_fields("risk_update", changes, RISK_FIELDS)
    if solution is not None and outcome is None:
        outcome = solution.outcome
    merged = {name: getattr(risk, name) for name in RISK_FIELDS}
    merged.update(changes)
    errors = _risk_errors(risk.person, outcome, solution, merged)
    if errors:
        raise ValidationError(errors)
    return update_audited(
        actor,
        risk,
        expected_version=expected_version,
        changes={**_tidy(changes), "outcome": outcome, "solution": solution},
        fields=[*changes, "outcome_id", "solution_id"],
        person_id=risk.person_id,
    )


def risk_agreement_add(
    *,
    actor: User,
    risk: RiskEnablement,
    name: str,
    role: str,
    agreed_to: str,
    agreed_on: datetime.date,
) -> RiskAgreement:
    """Shared responsibility: who agreed to what."""
    _check_casework(actor, risk.person_id)
    errors: dict[str, str] = {}
    require_text(
        errors,
        ("name", name, "Enter who agreed."),
        ("role", role, "Say who they are to the person."),
        ("agreed_to", agreed_to, "Say what they agreed to."),
    )
    not_future(agreed_on, "agreed_on", "The date agreed", errors)
    if errors:
        raise ValidationError(errors)
    row = RiskAgreement(
        risk=risk,
        person_id=risk.person_id,
        name=name.strip(),
        role=role.strip(),
        agreed_to=agreed_to.strip(),
        agreed_on=agreed_on,
        recorded_by=actor,
    )
    return create_audited(actor, row, person_id=risk.person_id, clean=False)


def risk_view_add(
    *,
    actor: User,
    risk: RiskEnablement,
    whose: str,
    name: str,
    view: str,
    given_on: datetime.date,
) -> RiskView:
    """Add someone's view in their words, beside the others (never replacing one)."""
    _check_casework(actor, risk.person_id)
    errors: dict[str, str] = {}
    if whose not in Whose.values:
        errors["whose"] = "Choose whose view this is."
    if not name.strip():
        errors["name"] = "Enter their name."
    if not view.strip():
        errors["view"] = "Write their view, in their words."
    not_future(given_on, "given_on", "The date", errors)
    if errors:
        raise ValidationError(errors)
    row = RiskView(
        risk=risk,
        person_id=risk.person_id,
        whose=whose,
        name=name.strip(),
        view=view.strip(),
        given_on=given_on,
        recorded_by=actor,
    )
    return create_audited(actor, row, person_id=risk.person_id, clean=False)
