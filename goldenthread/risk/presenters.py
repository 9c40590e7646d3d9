"""Display wording for risk enablement (not model methods, not template filters)."""

from __future__ import annotations

from goldenthread.core.formatting import date_text

from .models import LEGAL_REPRESENTATIVES, CapacityQuestion, RiskEnablement, Whose

CAPACITY_TEXT = {
    CapacityQuestion.NO: "Not in question",
    CapacityQuestion.YES: "In question",
    CapacityQuestion.NOT_SURE: "Not sure",
}

# Spoken to the person, for the support plan.
CAPACITY_FOR_PERSON = {
    CapacityQuestion.NO: "",
    CapacityQuestion.YES: "We were not sure you could make this decision on your own, so "
    "someone helped you decide.",
    CapacityQuestion.NOT_SURE: "We were not sure you could make this decision on your own, so "
    "someone helped you decide.",
}


def about_text(risk: RiskEnablement) -> str:
    """What the risk is about: the solution and its outcome, or the outcome."""
    solution, outcome = risk.solution, risk.outcome
    if solution is not None:
        return (
            f"{solution.what} (for: {outcome.statement})" if outcome is not None else solution.what
        )
    return outcome.statement if outcome is not None else ""


def summary_rows(risk: RiskEnablement, *, edit_url: str | None = None) -> list[dict]:
    rows = [
        ("What the person wants to do", risk.activity),
        ("About", about_text(risk)),
        ("What could go wrong", risk.could_go_wrong),
        ("What good it brings", risk.good_it_brings),
        ("The least restrictive option considered", risk.least_restrictive or "Not recorded yet"),
        ("What was decided", risk.decision or "Not decided yet"),
    ]
    if risk.decision:
        rows += [("Why", risk.reasons), ("Date decided", date_text(risk.decided_on))]
    if risk.review_on:
        rows.append(("When to look at it again", date_text(risk.review_on)))
    rows.append(
        (
            "Capacity to make this decision",
            CAPACITY_TEXT[CapacityQuestion(risk.capacity_in_question)]
            + (f". {risk.capacity_notes}" if risk.capacity_notes else ""),
        )
    )
    if risk.decision_supported_by:
        rows.append(("Who supported the person to decide", risk.decision_supported_by))
    if risk.views_conflict:
        rows.append(("How the conflict of views is being dealt with", risk.conflict_handling))
    return [{"key": k, "value": v, "action_url": edit_url} for k, v in rows]


def side_by_side(views) -> tuple[list, list]:
    """The person's wishes and the guardian's or attorney's views, as two columns; and
    every other view. Nothing is merged: each is shown as given."""
    person = [v for v in views if v.whose == Whose.PERSON]
    legal = [v for v in views if v.whose in LEGAL_REPRESENTATIVES]
    others = [v for v in views if v.whose not in LEGAL_REPRESENTATIVES and v.whose != Whose.PERSON]
    rows = []
    if person and legal:
        for index in range(max(len(person), len(legal))):
            rows.append(
                (
                    person[index] if index < len(person) else None,
                    legal[index] if index < len(legal) else None,
                )
            )
        return rows, others
    return [], [*person, *legal, *others]
