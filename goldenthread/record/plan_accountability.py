"""The support plan's sections for moves, advocacy and what was agreed (SS-6, TR-1, ACC-1,
ACC-4), read from the accountability app by record/plan.py::build_plan: a fixed number of
queries however many there are."""

from __future__ import annotations

from typing import Any

from goldenthread.accountability.models import AdvocacyAnswer
from goldenthread.accountability.presenters import agreement_line, agreement_state
from goldenthread.accountability.selectors import agreement_for
from goldenthread.core.formatting import date_text
from goldenthread.people.models import Person

from .plan_document import PlanDocument, PlanItem, PlanSection, in_persons_copy


def add_to_plan(person: Person, plan: PlanDocument) -> None:
    """Moves and advocacy, then what was agreed (in this order on the plan)."""
    _add_moves_and_advocacy(person, plan)
    _add_agreement(person, plan)


def _add_moves_and_advocacy(person: Person, plan: PlanDocument) -> None:
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
        say = plan.reader.say
        whose = say(("Your", "{name}'s"))
        referred = say(("You were", "{name} was"))
        text = f"{whose} advocate is from {advocacy.provider_name}" + (
            f", since {date_text(advocacy.started_on)}."
            if advocacy.started_on
            else f". {referred} referred on {date_text(advocacy.referred_on)}."
        )
        plan.sections.append(
            PlanSection(
                key="advocacy",
                title="Independent advocacy",
                easy_title="Who helps me speak up?",
                items=[
                    PlanItem(
                        label=say(("Your advocate", "{name}'s advocate")),
                        text=text,
                        easy_text=text,
                        words_ref=(advocacy._meta.label, advocacy.pk),
                    )
                ],
            )
        )


def _newest(rows: list[Any]) -> tuple[str, Any] | None:
    """The agreement row the plan shows (the newest), for the person's words beside it
    (#12); None when nothing is recorded yet."""
    return (rows[-1]._meta.label, rows[-1].pk) if rows else None


def _add_agreement(person: Person, plan: PlanDocument) -> None:
    """Whether the plan and each outcome were agreed, in the person's words (two queries)."""
    overview = agreement_for(person)
    # In the person's own copy, their own agreement is "(you)" (P-1).
    yours = in_persons_copy(plan.reader) and plan.reader.is_person
    items = []
    status, _ = agreement_state(overview.plan)
    items.append(
        PlanItem(
            label="This plan",
            text=" ".join(
                [f"{status}."]
                + [agreement_line(r, to_the_person=yours) for r in overview.plan[-1:]]
            ),
            easy_text=f"Did I agree this plan? {status}.",
            words_ref=_newest(overview.plan),
        )
    )
    for outcome, rows in overview.outcomes:
        status, _ = agreement_state(rows)
        items.append(
            PlanItem(
                label=outcome.statement,
                text=" ".join(
                    [f"{status}."] + [agreement_line(r, to_the_person=yours) for r in rows[-1:]]
                ),
                easy_text=f"{outcome.statement}: {status}.",
                words_ref=_newest(rows),
            )
        )
    plan.sections.append(
        PlanSection(
            key="agreement", title="What was agreed", easy_title="Did I agree?", items=items
        )
    )
