"""The support plan's sections for moves and advocacy (SS-6, TR-1, ACC-1): a fixed number
of queries however many there are. Registered from AccountabilityConfig.ready()."""

from __future__ import annotations

from goldenthread.core.formatting import date_text

from .models import AdvocacyAnswer


def contribute_accountability(person, plan) -> None:
    from goldenthread.support.plan import PlanItem, PlanSection

    moves = list(
        person.transitions.filter(actual_on__isnull=True)
        .prefetch_related("outcomes")
        .order_by("planned_on")
    )
    if moves:
        items = []
        for move in moves:
            outcomes = [o.statement for o in move.outcomes.all()]
            text = f"Planned for {date_text(move.planned_on)}."
            if outcomes:
                text += " It is for: " + "; ".join(outcomes) + "."
            if move.notes:
                text += f" {move.notes}"
            items.append(
                PlanItem(
                    label=move.get_kind_display(),
                    text=text,
                    easy_text=f"{move.get_kind_display()} on {date_text(move.planned_on)}.",
                )
            )
        plan.sections.append(
            PlanSection(
                key="transitions",
                title="Moves we are planning",
                easy_title="What is changing?",
                items=items,
            )
        )
    advocacy = (
        person.advocacy.exclude(answer=AdvocacyAnswer.DECLINED).order_by("-identified_on").first()
    )
    if advocacy is not None and advocacy.referred_on:
        text = f"Your advocate is from {advocacy.provider_name}" + (
            f", since {date_text(advocacy.started_on)}."
            if advocacy.started_on
            else f". You were referred on {date_text(advocacy.referred_on)}."
        )
        plan.sections.append(
            PlanSection(
                key="advocacy",
                title="Independent advocacy",
                easy_title="Who helps me speak up?",
                items=[PlanItem(label="Your advocate", text=text, easy_text=text)],
            )
        )
