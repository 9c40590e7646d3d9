"""Display wording for challenges, advocacy and transitions (dates through
core.formatting; nothing here marks stored text safe)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from goldenthread.core.formatting import date_text
from goldenthread.sds.presenters import understanding_text  # noqa: F401 - one wording

from .models import (
    Advocacy,
    AdvocacyAnswer,
    Challenge,
    ChallengeEvent,
    ChallengeState,
    EventKind,
    Stage,
    Transition,
    TransitionKind,
)
from .selectors import LatestAdvocacy, days_left

__all__ = ["date_text"]


def due_text(due_on: datetime.date, left: int | None) -> str:
    """ "Due by Wednesday-free words": "due 10 June 2026 (3 working days left)"."""
    when = date_text(due_on)
    if left is None:
        # Past the end of the holiday table: said, never guessed (checks.py warns ahead).
        return f"{when} (working days left not known: the holiday table does not cover it)"
    if left > 1:
        return f"{when} ({left} working days left)"
    if left == 1:
        return f"{when} (1 working day left)"
    if left == 0:
        return f"{when} (due today)"
    over = -left
    return f"{when} ({over} working day{'s' if over != 1 else ''} overdue)"


def due_colour(left: int | None) -> str:
    if left is None or left > 1:
        return "grey"
    return "orange" if left >= 0 else "red"


def event_text(event: ChallengeEvent) -> str:
    if event.kind == EventKind.RAISED:
        return f"Received at stage 1. Answer due by {date_text(event.due_on)}."
    if event.kind == EventKind.INVESTIGATION:
        return (
            f"Moved to stage 2 (investigation): {event.text} Answer due by "
            f"{date_text(event.due_on)}."
        )
    if event.kind == EventKind.ANSWERED:
        words = f"{Stage(event.stage).label}: {event.get_outcome_display()}. {event.text}"
        if event.what_changed:
            words += f" What changed: {event.what_changed}"
        return words
    if event.kind == EventKind.EXTENDED:
        return (
            f"{Stage(event.stage).label}: the time to answer was extended from "
            f"{date_text(event.previous_due_on)} to {date_text(event.due_on)}, agreed by "
            f"{event.agreed_by}. Why: {event.text}"
        )
    if event.kind == EventKind.MEDIATION:
        return f"Mediation: {event.get_mediation_display()}." + (
            f" {event.text}" if event.text else ""
        )
    words = f"Taken to the {event.get_body_display()}"
    if event.reference:
        words += f" (their reference {event.reference})"
    return words + "." + (f" {event.text}" if event.text else "")


@dataclass
class ChallengeCard:
    challenge: Challenge
    title: str
    status: str
    colour: str
    rows: list[dict]
    # (when, what, the step itself: the person's own words are shown beside it)
    history: list[tuple[str, str, ChallengeEvent]]
    can_investigate: bool
    can_answer: bool
    anchor: str = field(default="")


def challenge_about_rows(challenge: Challenge) -> list[dict]:
    rows = [
        {
            "key": "Raised by",
            "value": f"{challenge.raised_by_name} ({challenge.get_raised_by_display().lower()})",
        },
        {"key": "Date received", "value": date_text(challenge.raised_on)},
        {"key": "About", "value": challenge.get_about_display()},
    ]
    decision = challenge.decision if challenge.decision_id else None
    if decision is not None:
        rows.append(
            {
                "key": "The decision",
                "value": (f"{date_text(decision.decided_on)}: {decision.summary}"),
            }
        )
    rows.append({"key": "In their words", "value": challenge.details})
    if challenge.wanted:
        rows.append({"key": "What they would like to happen", "value": challenge.wanted})
    return rows


def challenge_status(challenge: Challenge, today: datetime.date) -> tuple[str, str]:
    stage = "Stage 1" if challenge.stage == Stage.FRONTLINE else "Stage 2"
    if challenge.state == ChallengeState.ANSWERED:
        return f"{stage} answered: {challenge.get_outcome_display().lower()}", "green"
    left = days_left(challenge.due_on, today)
    return f"{stage} open, answer due {due_text(challenge.due_on, left)}", due_colour(left)


def challenge_card(challenge: Challenge, *, today: datetime.date | None = None) -> ChallengeCard:
    today = today or timezone.localdate()
    status, colour = challenge_status(challenge, today)
    rows = challenge_about_rows(challenge)
    rows.append({"key": "Stage", "value": Stage(challenge.stage).label})
    rows.append({"key": "Mediation", "value": challenge.get_mediation_display()})
    if challenge.state == ChallengeState.ANSWERED:
        rows.append({"key": "Outcome", "value": challenge.get_outcome_display()})
        rows.append({"key": "The answer", "value": challenge.answer})
        if challenge.what_changed:
            rows.append({"key": "What changed", "value": challenge.what_changed})
    return ChallengeCard(
        challenge=challenge,
        title=f"{challenge.get_about_display()}, received {date_text(challenge.raised_on)}",
        status=status,
        colour=colour,
        rows=rows,
        history=[(date_text(e.on), event_text(e), e) for e in challenge.events.all()],
        can_investigate=challenge.stage == Stage.FRONTLINE,
        can_answer=challenge.state == ChallengeState.OPEN,
        anchor=f"challenge-{challenge.pk}",
    )


def open_challenge_row(row) -> dict:
    challenge = row.challenge
    return {
        "person": row.person,
        "challenge": challenge,
        "about": challenge.get_about_display(),
        "stage": "Stage 1" if challenge.stage == Stage.FRONTLINE else "Stage 2",
        "received": date_text(challenge.raised_on),
        "due": due_text(challenge.due_on, row.days_left),
        "colour": due_colour(row.days_left),
    }


def advocacy_status(advocacy: Advocacy | LatestAdvocacy) -> str:
    if advocacy.started_on:
        return f"Advocate started {date_text(advocacy.started_on)}"
    if advocacy.referred_on:
        return f"Referred to {advocacy.provider_name} on {date_text(advocacy.referred_on)}"
    if advocacy.answer == AdvocacyAnswer.DECLINED:
        return "Offered and declined"
    if advocacy.answer == AdvocacyAnswer.ACCEPTED:
        return "Accepted, not referred yet"
    if advocacy.answer == AdvocacyAnswer.WAITING:
        return "Offered, the person is thinking about it"
    return "Need identified, not offered yet"


def advocacy_card(advocacy: Advocacy) -> dict:
    rows = [
        {
            "key": "Need identified",
            "value": f"{date_text(advocacy.identified_on)}, by {advocacy.identified_by}",
        },
        {"key": "Why", "value": advocacy.why},
        {"key": "Offered", "value": date_text(advocacy.offered_on) or "Not yet"},
        {"key": "The person's answer", "value": advocacy.get_answer_display()},
    ]
    if advocacy.declined_reason:
        rows.append({"key": "Why they declined", "value": advocacy.declined_reason})
    if advocacy.referred_on:
        rows.append(
            {
                "key": "Referred",
                "value": f"{date_text(advocacy.referred_on)} to {advocacy.provider_name}",
            }
        )
    if advocacy.started_on:
        days = (advocacy.started_on - advocacy.identified_on).days
        rows.append(
            {
                "key": "Advocate started",
                "value": (
                    f"{date_text(advocacy.started_on)} ({days} day{'s' if days != 1 else ''} after "
                    "the need was identified)"
                ),
            }
        )
    return {
        "advocacy": advocacy,
        "status": advocacy_status(advocacy),
        "rows": rows,
        "anchor": f"advocacy-{advocacy.pk}",
    }


def transition_card(transition: Transition) -> dict:
    outcomes = list(transition.outcomes.all())
    members = list(transition.circle_members.all())
    rows = [
        {"key": "Type of move", "value": transition.get_kind_display()},
        {"key": "Planned date", "value": date_text(transition.planned_on)},
        {"key": "Date it happened", "value": date_text(transition.actual_on) or "Not yet"},
        {
            "key": "Outcomes it serves",
            "value": [o.statement for o in outcomes]
            or "None linked: this is a broken link in the golden thread",
        },
    ]
    if members:
        rows.append(
            {"key": "Who is involved", "value": [f"{m.name} ({m.relationship})" for m in members]}
        )
    if transition.other_agencies:
        rows.append({"key": "Other agencies and people", "value": transition.other_agencies})
    if transition.receiving_details:
        rows.append(
            {"key": "The receiving council or service", "value": transition.receiving_details}
        )
    if transition.notes:
        rows.append({"key": "What matters about this move", "value": transition.notes})
    return {
        "transition": transition,
        "rows": rows,
        "broken": not outcomes,
        "between_areas": transition.kind == TransitionKind.BETWEEN_AREAS,
        "title": f"{transition.get_kind_display()}, planned for {date_text(transition.planned_on)}",
        "anchor": f"transition-{transition.pk}",
    }


def transition_due_row(transition: Transition, *, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "transition": transition,
        "person": transition.person,
        "kind": transition.get_kind_display(),
        "planned": date_text(transition.planned_on),
        "overdue": transition.planned_on < today,
        # linked_outcomes: prefetched by the selector (to_attr).
        "broken": not getattr(transition, "linked_outcomes"),  # noqa: B009
    }


def agreement_line(row, *, to_the_person: bool = False) -> str:
    """Who agreed, how and when. `to_the_person`: in the person's own copy of the plan,
    their own agreement says "(you)" and "What you did not agree with" (P-1)."""
    from goldenthread.outcomes.models import AgreementWhose

    yours = to_the_person and row.whose == AgreementWhose.PERSON
    whose = "you" if yours else row.get_whose_display().lower()
    words = (
        f"{row.name} ({whose}): {row.get_agreed_display()}, "
        f"{row.get_how_display().lower()}, {date_text(row.agreed_on)}."
    )
    if row.not_agreed:
        who = "you" if yours else "they"
        words += f" What {who} did not agree with: \u201c{row.not_agreed}\u201d"
    return words


def _person_side(rows):
    from goldenthread.outcomes.models import AgreementWhose

    return [r for r in rows if r.whose in (AgreementWhose.PERSON, AgreementWhose.PROXY)]


def agreement_state(rows) -> tuple[str, str]:
    """The standing answer: the newest word from the person or their proxy."""
    from goldenthread.outcomes.models import Agreed

    mine = _person_side(rows)
    if not mine:
        return "Not agreed yet", "red"
    latest = mine[-1]
    if latest.agreed == Agreed.NO:
        return "Not agreed", "red"
    if latest.agreed == Agreed.PARTLY:
        return "Partly agreed", "orange"
    return "Agreed", "green"


def agreement_rows(overview) -> dict:
    plan_status, plan_colour = agreement_state(overview.plan)
    return {
        "plan": {
            "status": plan_status,
            "colour": plan_colour,
            # (words, row): the row for the person's own words beside it (#12).
            "lines": [(agreement_line(r), r) for r in overview.plan],
        },
        "outcomes": [
            {
                "outcome": outcome,
                "status": agreement_state(rows)[0],
                "colour": agreement_state(rows)[1],
                "lines": [(agreement_line(r), r) for r in rows],
            }
            for outcome, rows in overview.outcomes
        ],
    }
