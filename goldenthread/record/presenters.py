"""Display text of the whole record's read models (the support plan's sentences about
money, one source for the page, the PDF and the easy read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from goldenthread.core.formatting import money_text

if TYPE_CHECKING:
    from .plan_document import PlanCosts, PlanFunding, PlanReader


@dataclass(frozen=True)
class MoneyWords:
    """Every sentence the plan says about money, standard and easy read (one source)."""

    costs_money: bool
    standard: list[str]
    easy: list[str]


def plan_money_words(
    costs: PlanCosts, funding: PlanFunding | None, reader: PlanReader | None = None
) -> MoneyWords:
    """Every sentence the plan says about money, worked out from the plan's costs (of
    agreed and in-place solutions, PlanCosts) and the agreed budget (PlanFunding or None),
    so the standard plan, the PDF and the easy read never contradict the numbers: the plan
    says support costs nothing only when no agreed solution has a cost and no budget is
    agreed."""
    has_costs = costs.has_costs and costs.year_total > 0
    budget = funding.agreed_per_year if funding is not None else None
    has_budget = budget is not None and budget > 0
    standard: list[str] = []
    easy: list[str] = []
    if has_costs:
        standard.append(
            f"Support that is agreed or in place costs about {costs.year_total_text} a year."
        )
        easy.append("Some of my help costs money.")
        easy.append(f"For a year it costs about {costs.year_total_text}.")
    if has_budget:
        budget_text = money_text(budget)
        words = (
            f"Your agreed budget of {budget_text} a year pays for support in this plan "
            "(see \u201cYour budget\u201d).",
            f"{{name}}'s agreed budget of {budget_text} a year pays for support in this plan "
            "(see \u201c{name}'s budget\u201d).",
        )
        standard.append(reader.say(words) if reader is not None else words[0])
        if not has_costs:
            easy.append("Some of my help costs money.")
        easy.append(f"My budget pays {budget_text} a year.")
    per_session = getattr(costs, "per_session", 0)
    if per_session:
        session_text = money_text(per_session)
        standard.append(
            f"Some agreed support is paid each time it is used: {session_text} a session, not "
            "counted in a year's estimate."
        )
        easy.append(f"Some of my help costs {session_text} each time I go.")
    if not (has_costs or has_budget or per_session):
        standard.append("None of the agreed support costs money.")
        easy.append("The help we agreed does not cost money.")
    if costs.ideas_year_total:
        standard.append(
            f"Ideas not yet agreed would cost about {costs.ideas_year_total_text} more in a year."
        )
        easy.append("Some ideas would cost more. We have not agreed them yet.")
    return MoneyWords(
        costs_money=bool(has_costs or has_budget or per_session), standard=standard, easy=easy
    )
