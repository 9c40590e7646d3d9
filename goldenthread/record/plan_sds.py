"""The support plan's SDS parts (SPEC SS-6, SDS-1..5, UN-1), read from the SDS app's
`plan_sds_section` by record/plan.py::build_plan. Eleven queries, however much is
recorded. Standard text speaks to the person ("you"), or in a proxy's copy names them
(the plan's `reader`); easy-read text is short first-person sentences.
"""

from __future__ import annotations

from typing import Any

from goldenthread.people.models import Person
from goldenthread.sds.models import SdsOption
from goldenthread.sds.presenters import ABOUT_NAMED, IN_PERSONS_COPY, OPTION_NAMED
from goldenthread.sds.selectors import PlanSdsSection, plan_sds_section

from .plan_document import (
    PlanDocument,
    PlanFunding,
    PlanItem,
    PlanReader,
    PlanSection,
    in_persons_copy,
)

SHARED_WITH_YOU = "Shared with you on "


def _item(label: str, text: str, easy: str = "", *, ref: tuple[str, Any] | None = None) -> PlanItem:
    """`ref`: (app_label.Model, pk) of the item shown, for the person's words beside it."""
    return PlanItem(label=label, text=text, easy_text=easy, words_ref=ref)


def _ref(label: str, pk: Any) -> tuple[str, Any] | None:
    """The item a row of the plan shows, (app_label.Model, pk), or None for a row built
    without one (#12)."""
    return (label, pk) if pk is not None else None


def _ours(text: str, reader: PlanReader) -> str:
    """One of the SDS app's fixed texts that speaks of "the person" (an option's title,
    whether they accepted an alternative): as written in staff's plan, to the person or
    naming them in the person's own copy (sds.presenters.IN_PERSONS_COPY)."""
    if not in_persons_copy(reader) or text not in IN_PERSONS_COPY:
        return text
    return reader.say(IN_PERSONS_COPY[text])


def choices_section(data: PlanSdsSection, reader: PlanReader) -> PlanSection | None:
    if not (data.options or data.first_choices):
        return None
    items = []
    explained = [o for o in data.options if o.explained]
    if explained:
        items.append(
            _item(
                reader.say(("Options explained to you", "Options explained to {name}")),
                "; ".join(
                    f"{_ours(o.title, reader)} ({o.how.lower()}, {o.explained_on})"
                    for o in explained
                ),
                "We told you about: " + ", ".join(o.title.split(":")[0] for o in explained) + ".",
            )
        )
    if data.choice:
        meaning = reader.say((data.choice.meaning, OPTION_NAMED[SdsOption(data.choice.option)]))
        items.append(
            _item(
                reader.say(("Your choice", "{name}'s choice")),
                f"{_ours(data.choice.title, reader)}. {meaning}",
                data.choice.easy,
            )
        )
        items.append(
            _item(
                reader.say(
                    ("Why you chose it, in your words", "Why {name} chose it, in their words")
                ),
                data.choice.reasons,
                data.choice.reasons,
                ref=_ref("sds.SdsChoice", data.choice.pk),
            )
        )
    for part in data.mix:
        items.append(
            _item(
                part.part,
                f"{_ours(part.option_title, reader)} (for: {part.outcome})",
                f"{part.part}: {part.option_title.split(':')[0]}.",
            )
        )
    for first in data.first_choices:
        items.append(
            _item(
                reader.say(
                    (
                        "Your first choice could not be arranged",
                        "{name}'s first choice could not be arranged",
                    )
                ),
                f"{_ours(first.first_choice, reader)}. Why: {first.why} What we offered "
                f"instead: {first.alternative} {_ours(first.accepted, reader)} "
                f"The plan: {first.plan}",
                f"We could not arrange {first.first_choice.split(':')[0]}. {first.plan}",
                ref=_ref("sds.FirstChoiceNotDelivered", first.pk),
            )
        )
    return PlanSection(
        key="sds_choices",
        title=reader.say(("How your support is arranged", "How {name}'s support is arranged")),
        easy_title="How do I want my support arranged?",
        items=items,
        intro=reader.say(
            (
                "The four Self-directed Support options we talked about, and what you chose.",
                "The four Self-directed Support options we talked about, and what {name} chose.",
            )
        ),
    )


def budget_section(data: PlanSdsSection, reader: PlanReader) -> PlanSection | None:
    if not (data.indicative or data.agreed or data.open_requests):
        return None
    items = []
    if data.indicative:
        items.append(
            _item(
                reader.say(
                    ("The likely budget you were told", "The likely budget {name} was told")
                ),
                f"{data.indicative.amount}, told on {data.indicative.told_on} "
                f"({data.indicative.how.lower()}).",
                f"We told you your budget would be about {data.indicative.amount}.",
                ref=_ref("sds.IndicativeBudget", data.indicative.pk),
            )
        )
    if data.agreed:
        agreed = data.agreed
        items.append(
            _item(
                reader.say(("Your agreed budget", "{name}'s agreed budget")),
                f"{agreed.total_per_year} a year. {agreed.period}. Agreed on {agreed.agreed_on}"
                + (f" by {agreed.agreed_by}" if agreed.agreed_by else "")
                + "."
                + (
                    f" This is different from the {agreed.asked_per_year} a year asked for: "
                    "the decision explains why."
                    if agreed.asked_per_year
                    else ""
                ),
                f"Your budget is {agreed.total_per_year} a year."
                + (
                    f" We asked for {agreed.asked_per_year} a year."
                    if agreed.asked_per_year
                    else ""
                ),
                ref=_ref("sds.BudgetRequest", agreed.pk),
            )
        )
        for line in agreed.lines:
            what = f" (for: {line.outcome})" if line.outcome else ""
            items.append(
                _item(
                    line.description, f"{line.amount}{what}", f"{line.description}: {line.amount}."
                )
            )
        if agreed.contribution:
            items.append(
                _item(
                    reader.say(("What you pay towards it", "What {name} pays towards it")),
                    f"{agreed.contribution}. The council pays {agreed.paid_by_council} a year.",
                    f"You pay {agreed.contribution}.",
                )
            )
    for request in data.open_requests:
        items.append(
            _item(
                "A budget asked for",
                f"{request.total_per_year} a year, sent on {request.sent_on}: {request.status}."
                + (f" {request.wait}." if request.wait else ""),
                f"We asked for {request.total_per_year} a year. We are waiting for an answer.",
                ref=_ref("sds.BudgetRequest", request.pk),
            )
        )
    return PlanSection(
        key="budget",
        title=reader.say(("Your budget", "{name}'s budget")),
        easy_title="How much money is there?",
        items=items,
    )


def _shared_text(text: str, reader: PlanReader) -> str:
    """ "Shared with you on <date> (<how>)" (all our words), to the plan's reader."""
    if not text.startswith(SHARED_WITH_YOU):
        return text
    return reader.say((text, "Shared with {name} on " + text.removeprefix(SHARED_WITH_YOU)))


def decisions_section(data: PlanSdsSection, reader: PlanReader) -> PlanSection | None:
    if not data.decisions:
        return None
    items = [
        _item(
            f"{reader.say((d.about, ABOUT_NAMED.get(d.about_value, d.about)))}: {d.summary}",
            f"Why: {d.reasons} Decided on {d.decided_on} by {d.decided_by}."
            + (f" {_shared_text(d.shared_text, reader)}." if d.shared_text else ""),
            f"{d.summary}. Why: {d.reasons}",
            ref=_ref("sds.Decision", d.pk),
        )
        for d in data.decisions
    ]
    return PlanSection(
        key="decisions",
        title=reader.say(
            (
                "Decisions about your choices, support and budget",
                "Decisions about {name}'s choices, support and budget",
            )
        ),
        easy_title="What was decided, and why?",
        items=items,
    )


def unmet_needs_section(data: PlanSdsSection) -> PlanSection | None:
    """Needs not met yet (UN-1, SDS-2): what, why and what was offered instead, each
    beside the person's words about it (#12). A need since met is no longer in the plan
    (it stays in the record, with the date it was met)."""
    waiting = [need for need in data.unmet_needs if not need.met_on]
    if not waiting:
        return None
    items = []
    for need in waiting:
        text = f"Why: {need.reason}. Noted on {need.identified_on}."
        if need.alternative:
            text += f" What we offered instead: {need.alternative}"
        items.append(
            _item(
                need.need,
                text,
                f"I cannot get this help yet: {need.need}.",
                ref=_ref("sds.UnmetNeed", need.pk),
            )
        )
    return PlanSection(
        key="unmet_needs",
        title="Needs not met yet",
        easy_title="What help can I not get yet?",
        items=items,
        intro="Needs we could not meet yet, why, and what we offered instead.",
    )


def funding(data: PlanSdsSection) -> PlanFunding | None:
    """The agreed budget in numbers, for the plan's sentences about money (None if no
    budget is agreed)."""
    if data.agreed is None:
        return None
    by_solution: dict = {}
    for line in data.agreed.lines:
        if line.solution_id is not None and line.amount_value is not None:
            by_solution.setdefault(line.solution_id, []).append((line.amount_value, line.period))
    return PlanFunding(agreed_per_year=data.agreed.total_per_year_value, by_solution=by_solution)


def add_to_plan(person: Person, plan: PlanDocument) -> None:
    """Fill plan.funding, plan.sds_choices, plan.budget, plan.decisions, and add the needs
    not met yet to plan.sections."""
    data = plan_sds_section(person)
    plan.funding = funding(data)
    plan.sds_choices = choices_section(data, plan.reader)
    plan.budget = budget_section(data, plan.reader)
    plan.decisions = decisions_section(data, plan.reader)
    unmet = unmet_needs_section(data)
    if unmet is not None:
        plan.sections.append(unmet)
