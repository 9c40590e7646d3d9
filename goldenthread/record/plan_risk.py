"""The support plan's `risks` part (SPEC SS-6, RISK-1, RISK-2), read from the risk app's
`plan_risk_section` by record/plan.py::build_plan. Three queries, however many risks
there are."""

from __future__ import annotations

from goldenthread.people.models import Person
from goldenthread.risk.selectors import PlanRiskSection, plan_risk_section

from .plan_document import TO_THE_PERSON, PlanDocument, PlanItem, PlanReader, PlanSection


def risks_section(data: PlanRiskSection, reader: PlanReader = TO_THE_PERSON) -> PlanSection | None:
    """Each risk talked about; the plan's own words to `reader` ("you", or for a proxy the
    person's name), what anyone recorded as recorded."""
    if data.is_empty:
        return None
    items = []
    for risk in data.risks:
        parts = [
            f"What could go wrong: {risk.could_go_wrong}",
            f"What good it brings: {risk.good_it_brings}",
        ]
        if risk.least_restrictive:
            least = reader.say(
                ("The option that limits you least", "The option that limits {name} least")
            )
            parts.append(f"{least}: {risk.least_restrictive}")
        if risk.decision:
            parts.append(f"What we decided: {risk.decision} Why: {risk.reasons}")
        if risk.capacity:
            parts.append(risk.capacity + (f" ({risk.supported_by})" if risk.supported_by else ""))
        for agreement in risk.agreements:
            parts.append(f"{agreement.who} agreed: {agreement.agreed_to}")
        for view in risk.person_wishes:
            wants = reader.say(("What you want", "What {name} wants"))
            parts.append(f"{wants}: \u201c{view.view}\u201d")
        for view in risk.legal_views:
            whose = reader.say(("Your", "{name}'s"))
            parts.append(
                f"{whose} {view.whose.lower()} ({view.name}) said: \u201c{view.view}\u201d"
            )
        if risk.views_conflict and risk.conflict_handling:
            parts.append(f"How we are working out the difference: {risk.conflict_handling}")
        easy = (
            f"{risk.activity}. It could go wrong if: {risk.could_go_wrong} "
            f"It is good for me because: {risk.good_it_brings}"
        )
        items.append(
            PlanItem(
                words_ref=("risk.RiskEnablement", risk.pk) if risk.pk is not None else None,
                label=risk.activity,
                text=" ".join(p if p.endswith((".", "\u201d", ")")) else p + "." for p in parts),
                easy_text=easy,
            )
        )
    return PlanSection(
        key="risks", title="Risks we talked about", easy_title="What could go wrong?", items=items
    )


def add_to_plan(person: Person, plan: PlanDocument) -> None:
    plan.risks = risks_section(plan_risk_section(person), plan.reader)
