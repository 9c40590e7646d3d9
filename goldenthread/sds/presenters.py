"""Display wording for SDS choices, budgets and decisions (not model methods, not template
filters). Option wording follows the SDS Framework of Standards and SPEC SDS-1: option 1
direct payment; option 2 the person chooses the organisation and the support and directs
the available support, and the council arranges it; option 3 the council arranges; option 4
a mix. Staff pages speak of "the person"; plan text speaks to the person ("you"), and the
easy-read text is short sentences in the first person, as in the support plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from goldenthread.core.formatting import (
    date_text,
    datetime_text,
    money_per_period_text,
    money_text,
)

from .authority import panel_max_wait_days
from .models import (
    EXPLANATION_WAYS,
    Accepted,
    BudgetRequest,
    BudgetRequestEvent,
    DecisionAbout,
    EventKind,
    HowTold,
    OptionExplanation,
    RequestStatus,
    SdsOption,
    UnmetReason,
)

OPTION_TITLE = {
    SdsOption.OPTION_1: "Option 1: direct payment",
    SdsOption.OPTION_2: "Option 2: the person chooses the organisation and the support, "
    "and the council arranges it",
    SdsOption.OPTION_3: "Option 3: the council arranges the support",
    SdsOption.OPTION_4: "Option 4: a mix of options 1, 2 and 3",
}

OPTION_SHORT = {
    SdsOption.OPTION_1: "Option 1",
    SdsOption.OPTION_2: "Option 2",
    SdsOption.OPTION_3: "Option 3",
    SdsOption.OPTION_4: "Option 4",
}

OPTION_MEANING = {
    SdsOption.OPTION_1: "The budget is paid to the person, or someone acting for them, as a "
    "direct payment. They arrange and pay for their own support, for example by employing "
    "a personal assistant.",
    SdsOption.OPTION_2: "The person chooses the organisation and the support they want, and "
    "directs the available support. The council arranges it and pays the organisation.",
    SdsOption.OPTION_3: "The council chooses and arranges the support, after talking with "
    "the person about what matters to them.",
    SdsOption.OPTION_4: "Different parts of the person's support are arranged in different "
    "ways, using options 1, 2 and 3.",
}

# Spoken to the person, for the support plan.
OPTION_FOR_PERSON = {
    SdsOption.OPTION_1: "A direct payment: the money is paid to you and you arrange your own "
    "support.",
    SdsOption.OPTION_2: "You choose the organisation and the support you want, and the "
    "council arranges it for you.",
    SdsOption.OPTION_3: "The council arranges your support for you.",
    SdsOption.OPTION_4: "A mix: some of your support is arranged one way, and some another.",
}

# The same, in a proxy's copy of the plan: about the person, named by {name}.
OPTION_NAMED = {
    SdsOption.OPTION_1: "A direct payment: the money is paid to {name}, who arranges their "
    "own support.",
    SdsOption.OPTION_2: "{name} chooses the organisation and the support they want, and the "
    "council arranges it for them.",
    SdsOption.OPTION_3: "The council arranges {name}'s support for them.",
    SdsOption.OPTION_4: "A mix: some of {name}'s support is arranged one way, and some another.",
}

OPTION_EASY = {
    SdsOption.OPTION_1: "I get the money. I arrange my own support.",
    SdsOption.OPTION_2: "I choose who supports me. The council arranges it.",
    SdsOption.OPTION_3: "The council arranges my support.",
    SdsOption.OPTION_4: "I have a mix of these.",
}

WAY_LABELS = {
    "in_conversation": "In conversation",
    "by_leaflet": "With a leaflet",
    "by_easy_read": "In easy read",
    "with_advocate": "With an advocate",
}
WAY_CHOICES = [(way, WAY_LABELS[way]) for way in EXPLANATION_WAYS]

STATUS_COLOUR: dict[str, str] = {
    RequestStatus.AWAITING_DECISION: "blue",
    RequestStatus.AT_PANEL: "purple",
    RequestStatus.APPROVED: "green",
    RequestStatus.DECLINED: "red",
    RequestStatus.RETURNED: "orange",
}

STATUS_FOR_PERSON: dict[str, str] = {
    RequestStatus.AWAITING_DECISION: "Waiting for a decision",
    RequestStatus.AT_PANEL: "Waiting for the decision panel",
    RequestStatus.APPROVED: "Agreed",
    RequestStatus.DECLINED: "Not agreed",
    RequestStatus.RETURNED: "The decision panel asked for more information before it decides",
}

ACCEPTED_TEXT: dict[str, str] = {
    Accepted.YES: "The person accepted the alternative.",
    Accepted.NO: "The person did not accept the alternative.",
    Accepted.UNDECIDED: "The person is still deciding about the alternative.",
}

# The plan's fixed words above that speak of "the person", as the person's own copy of
# the plan says them: (to the person, to a proxy naming the person with {name}). Staff's
# plan keeps them as written.
IN_PERSONS_COPY: dict[str, tuple[str, str]] = {
    OPTION_TITLE[SdsOption.OPTION_2]: (
        "Option 2: you choose the organisation and the support, and the council arranges it",
        "Option 2: {name} chooses the organisation and the support, and the council arranges it",
    ),
    ACCEPTED_TEXT[Accepted.YES]: (
        "You accepted the alternative.",
        "{name} accepted the alternative.",
    ),
    ACCEPTED_TEXT[Accepted.NO]: (
        "You did not accept the alternative.",
        "{name} did not accept the alternative.",
    ),
    ACCEPTED_TEXT[Accepted.UNDECIDED]: (
        "You are still deciding about the alternative.",
        "{name} is still deciding about the alternative.",
    ),
}

ABOUT_FOR_PERSON: dict[str, str] = {
    DecisionAbout.CHOICES: "Your choices",
    DecisionAbout.SUPPORT: "Your support",
    DecisionAbout.BUDGET: "Your budget",
}
# The same, in a proxy's copy of the plan: about the person, named by {name}.
ABOUT_NAMED: dict[str, str] = {
    DecisionAbout.CHOICES: "{name}'s choices",
    DecisionAbout.SUPPORT: "{name}'s support",
    DecisionAbout.BUDGET: "{name}'s budget",
}


def four_eyes_text(own_limit: Decimal | None, *, sole_leader: bool, is_leader: bool = False) -> str:
    """Why the sender of a budget request does not decide it (Std 8.2), for the request
    form: who decides instead."""
    if sole_leader:
        return (
            "You cannot decide a request you send yourself (four eyes). As you are the "
            "only team leader of the person's team, it goes to the decision panel."
        )
    within = (
        f", even one within your own delegated limit of {money_text(own_limit)} a year"
        if own_limit is not None
        else ""
    )
    who = "Another team leader" if is_leader else "The team leader"
    return (
        f"You cannot decide a request you send yourself{within} (four eyes). {who} of "
        "the person's team decides it, or the decision panel above their limit."
    )


def ways_text(explanation: OptionExplanation) -> str:
    """'In conversation, with a leaflet and with an advocate'."""
    ways = [WAY_LABELS[w] for w in EXPLANATION_WAYS if getattr(explanation, w)]
    if explanation.other_way:
        ways.append(explanation.other_way)
    if not ways:
        return ""
    words = [ways[0]] + [w[0].lower() + w[1:] if w in WAY_LABELS.values() else w for w in ways[1:]]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def unmet_reason_text(reason: str, other: str = "") -> str:
    if reason == UnmetReason.OTHER and other:
        return other
    return UnmetReason(reason).label


def how_told_text(how: str) -> str:
    return HowTold(how).label


@dataclass(frozen=True)
class PanelWait:
    """How long a request has waited (or waited) for the decision panel (Std 8.10)."""

    days: int
    max_days: int
    finished: bool

    @property
    def over(self) -> bool:
        return self.days > self.max_days

    @property
    def text(self) -> str:
        unit = "day" if self.days == 1 else "days"
        verb = "Waited" if self.finished else "Waiting"
        if self.over:
            return (
                f"{verb} {self.days} {unit}: longer than the agreed maximum of {self.max_days} days"
            )
        return f"{verb} {self.days} {unit} (the agreed maximum is {self.max_days} days)"


def panel_wait(
    budget_request: BudgetRequest,
    *,
    today: datetime.date | None = None,
    max_days: int | None = None,
) -> PanelWait | None:
    if budget_request.referred_at is None:
        return None
    start = timezone.localdate(budget_request.referred_at)
    finished = budget_request.decided_at is not None
    end = (
        timezone.localdate(budget_request.decided_at)
        if finished
        else (today or timezone.localdate())
    )
    return PanelWait(
        days=max((end - start).days, 0),
        max_days=max_days if max_days is not None else panel_max_wait_days(),
        finished=finished,
    )


def agreed_against_asked(agreed: Decimal, asked: Decimal) -> str:
    """A different amount agreed, beside the amount asked, saying which way it differs:
    "£60,000.00 a year agreed, more than the £52,026.00 a year asked for"."""
    which = "more" if agreed > asked else "less"
    return (
        f"{money_text(agreed)} a year agreed, {which} than the {money_text(asked)} a year asked for"
    )


def event_heading(event: BudgetRequestEvent) -> str:
    """What happened and who did it, for the request's history."""
    who = event.actor_name
    if event.kind == EventKind.REQUESTED:
        return f"Requested by {who}"
    if event.kind == EventKind.APPROVED:
        return f"Agreed by {who}"
    if event.kind == EventKind.DECLINED:
        return f"Not agreed by {who}"
    if event.kind == EventKind.RETURNED:
        return f"Returned by the decision panel for more information ({who})"
    if event.kind == EventKind.RESUBMITTED:
        return f"Sent back to the decision panel with more information by {who}"
    if event.kind == EventKind.REFERRED:
        if event.actor_id is None:
            return "Sent to the decision panel (above the team leader's delegated limit)"
        return f"Referred to the decision panel by {who}"
    result = "agreed" if event.decision == "approved" else "not agreed"
    if event.agreed_per_year is not None:
        result = agreed_against_asked(event.agreed_per_year, event.total_per_year)
    return f"Decided by the decision panel: {result} ({who})"


def panel_answered_already(event: BudgetRequestEvent, *, member_id: object) -> str:
    """What a panel member who sends a request's decision form is told once the panel has
    answered it (their own form sent again, or another member was first): who answered,
    and when, as the request's history says; what was decided only to the member who
    decided it (a member's list shows only their own decisions)."""
    reference = event.request.reference
    when = datetime_text(event.at)
    done = (
        "returned to the worker for more information"
        if event.kind == EventKind.RETURNED
        else "decided"
    )
    if event.actor_id == member_id:
        if event.kind == EventKind.RETURNED:
            answer = ""
        elif event.agreed_per_year is not None:
            answer = ": " + agreed_against_asked(event.agreed_per_year, event.total_per_year)
        else:
            answer = ": agreed" if event.decision == "approved" else ": not agreed"
        return (
            f"Budget request {reference} has already been {done}, by you on {when}{answer}. "
            "The form was sent again, so nothing more was recorded."
        )
    return (
        f"Budget request {reference} has already been {done}, by {event.actor_name} on "
        f"{when}, so the panel's access to it has ended. Your decision was not recorded."
    )


def panel_question(budget_request: BudgetRequest) -> str:
    """What the decision panel asked for, while the request is returned to the worker."""
    if budget_request.status != RequestStatus.RETURNED:
        return ""
    returned = [e for e in budget_request.events.all() if e.kind == EventKind.RETURNED]
    return returned[-1].reasons if returned else ""


@dataclass(frozen=True)
class EventRow:
    heading: str
    when: str
    reasons: str
    reasons_for_person: str
    limit: str


def event_rows(events) -> list[EventRow]:
    return [
        EventRow(
            heading=event_heading(e),
            when=datetime_text(e.at),
            reasons=e.reasons,
            reasons_for_person=e.reasons_for_person,
            limit=money_text(e.limit_applied) if e.limit_applied is not None else "",
        )
        for e in events
    ]


def request_summary_rows(budget_request: BudgetRequest) -> list[dict]:
    """Rows for the SGDS summary list describing a request."""
    period = date_text(budget_request.start_date)
    if budget_request.end_date:
        period += f" to {date_text(budget_request.end_date)}"
    else:
        period = f"From {period}, until it is reviewed"
    rows = [
        ("Reference", budget_request.reference),
        ("Status", budget_request.get_status_display()),
        ("Total", f"{money_text(budget_request.total_per_year)} a year"),
        *(
            [
                (
                    "Agreed by the decision panel",
                    agreed_against_asked(
                        budget_request.agreed_per_year, budget_request.total_per_year
                    ),
                )
            ]
            if budget_request.agreed_per_year is not None
            else []
        ),
        ("Period", period),
    ]
    if budget_request.contribution:
        rows.append(
            (
                "Assessed contribution",
                f"{money_per_period_text(budget_request.contribution, budget_request.contribution_period)}"
                f" ({money_text(budget_request.contribution_per_year)} a year)"
                + (
                    f". {budget_request.contribution_note}"
                    if budget_request.contribution_note
                    else ""
                ),
            )
        )
        rows.append(("Paid by the council", f"{money_text(budget_request.net_per_year)} a year"))
    else:
        rows.append(("Assessed contribution", "None"))
    rows.append(("Sent", date_text(budget_request.submitted_at)))
    return [{"key": key, "value": value} for key, value in rows]


def line_purpose(line) -> str:
    """What a budget line is for: the solution and its outcome, the outcome, or nothing."""
    if line.solution_id and line.outcome_id:
        return f"{line.solution.what} (for: {line.outcome.statement})"
    if line.outcome_id:
        return line.outcome.statement
    return "Not linked to an outcome"


def line_rows(lines) -> list[list[str]]:
    return [
        [
            line.description,
            line_purpose(line),
            money_per_period_text(line.amount, line.period),
            money_text(line.amount_per_year),
        ]
        for line in lines
    ]


def understanding_text(check) -> str:
    """How understanding of an explanation was checked, and what was done if it was not
    (Std 4.1, 4.2): one sentence for the SDS page, the accountability page and the plan."""
    about = check.get_about_display()
    if check.decision_id:
        about += f" ({check.decision.summary})"
    words = (
        f"{date_text(check.checked_on)}: {about}. How it was checked: "
        f"{check.how_checked} {check.get_understood_display()}."
    )
    if check.help_given:
        words += f" What was done: {check.get_help_given_display()}"
        words += f" ({check.what_done})." if check.what_done else "."
    return words
