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
                    words_ref=(move._meta.label, move.pk),
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
                items=[
                    PlanItem(
                        label="Your advocate",
                        text=text,
                        easy_text=text,
                        words_ref=(advocacy._meta.label, advocacy.pk),
                    )
                ],
            )
        )


def _newest(rows):
    """The agreement row the plan shows (the newest), for the person's words beside it
    (#12); None when nothing is recorded yet."""
    return (rows[-1]._meta.label, rows[-1].pk) if rows else None


def contribute_agreement(person, plan) -> None:
    """Whether the plan and each outcome were agreed, in the person's words (two queries)."""
    from goldenthread.support.plan import PlanItem, PlanSection

    from .presenters import agreement_line, agreement_state
    from .selectors import agreement_for

    overview = agreement_for(person)
    items = []
    status, _ = agreement_state(overview.plan)
    items.append(
        PlanItem(
            label="This plan",
            text=" ".join([f"{status}."] + [agreement_line(r) for r in overview.plan[-1:]]),
            easy_text=f"Did I agree this plan? {status}.",
            words_ref=_newest(overview.plan),
        )
    )
    for outcome, rows in overview.outcomes:
        status, _ = agreement_state(rows)
        items.append(
            PlanItem(
                label=outcome.statement,
                text=" ".join([f"{status}."] + [agreement_line(r) for r in rows[-1:]]),
                easy_text=f"{outcome.statement}: {status}.",
                words_ref=_newest(rows),
            )
        )
    plan.sections.append(
        PlanSection(
            key="agreement", title="What was agreed", easy_title="Did I agree?", items=items
        )
    )
