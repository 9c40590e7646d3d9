"""Reads for SDS pages, queues and the support plan. Person-scoped reads start from a person
the caller already holds (PersonRecordMixin) or from `Person.objects.visible_to(user)`.

The decision panel is the one exception to "no relationship, no record": panel members
have no allocation, so they reach exactly the requests referred to the panel through
`requests_for_panel(user)`, and nothing else of the person's record. `Person.objects
.visible_to` is never widened for them.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from goldenthread.accounts.models import Role, User
from goldenthread.audit.models import ChangeRecord
from goldenthread.core.formatting import date_text, money_per_period_text, money_text
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.models import Person
from goldenthread.support.models import (
    CURRENT_STATUSES,
    ExplorationState,
    Solution,
    StepExploration,
    SupportStep,
)

from . import presenters
from .models import (
    OPEN_STATUSES,
    BudgetLine,
    BudgetPeriod,
    BudgetRequest,
    BudgetRequestEvent,
    Decision,
    EventKind,
    FirstChoiceNotDelivered,
    IndicativeBudget,
    MixPart,
    OptionExplanation,
    RequestStatus,
    SdsChoice,
    SdsOption,
    UnderstandingCheck,
    UnmetNeed,
    UnmetReason,
)

if TYPE_CHECKING:  # a development tool (django-stubs): the type only
    from django_stubs_ext import WithAnnotations

# --- A person's "Choices and budget" --------------------------------------------------------


@dataclass(frozen=True)
class OptionExplained:
    """Whether, how and when one SDS option was explained to the person (Std 3.3)."""

    option: SdsOption
    recorded: bool
    explained: bool
    how: str = ""
    explained_on: str = ""


@dataclass
class SdsOverview:
    choice: SdsChoice | None
    explanations: dict[str, OptionExplanation]
    mix_parts: list[MixPart]
    first_choices: list[FirstChoiceNotDelivered]
    indicative_budgets: list[IndicativeBudget]
    requests: list[BudgetRequest]
    decisions: list[Decision]
    unmet_needs: list[UnmetNeed]

    @property
    def agreed(self) -> BudgetRequest | None:
        """The budget agreed most recently."""
        agreed = [
            (r.decided_at, r)
            for r in self.requests
            if r.status == RequestStatus.APPROVED and r.decided_at is not None
        ]
        return max(agreed, key=lambda pair: pair[0])[1] if agreed else None

    def options_explained(self) -> list[OptionExplained]:
        """Each of the four options, in order, with its explanation as recorded: the page
        and the support plan say the same."""
        rows = []
        for option in SdsOption:
            explanation = self.explanations.get(option.value)
            if explanation is not None and explanation.explained:
                rows.append(
                    OptionExplained(
                        option,
                        recorded=True,
                        explained=True,
                        how=presenters.ways_text(explanation),
                        explained_on=date_text(explanation.explained_on),
                    )
                )
            else:
                rows.append(
                    OptionExplained(option, recorded=explanation is not None, explained=False)
                )
        return rows

    @property
    def open_requests(self) -> list[BudgetRequest]:
        return [r for r in self.requests if r.status in OPEN_STATUSES]

    @property
    def indicative(self) -> IndicativeBudget | None:
        return self.indicative_budgets[0] if self.indicative_budgets else None


def _request_queryset(base: QuerySet[BudgetRequest]) -> QuerySet[BudgetRequest]:
    return base.select_related("requested_by").prefetch_related(
        Prefetch(
            "lines",
            queryset=BudgetLine.objects.select_related("outcome", "solution").order_by("position"),
        ),
        Prefetch("events", queryset=BudgetRequestEvent.objects.order_by("at")),
    )


def sds_overview(person: Person) -> SdsOverview:
    """Everything on the person's "Choices and budget" page: a fixed number of queries
    (11), however many requests, lines, decisions or needs there are."""
    choice = (
        SdsChoice.objects.filter(person=person)
        .select_related("conversation")
        .prefetch_related(
            "explanations",
            Prefetch(
                "mix_parts",
                queryset=MixPart.objects.select_related("solution__outcome").order_by(
                    "solution__outcome__created_at", "solution__created_at"
                ),
            ),
        )
        .first()
    )
    explanations = {e.option: e for e in choice.explanations.all()} if choice else {}
    requests = list(_request_queryset(person.budget_requests.all()).order_by("-submitted_at"))
    return SdsOverview(
        choice=choice,
        explanations=explanations,
        mix_parts=list(choice.mix_parts.all()) if choice else [],
        first_choices=list(person.first_choices_not_delivered.select_related("unmet_need")),
        indicative_budgets=list(person.indicative_budgets.all()),
        requests=requests,
        decisions=list(person.sds_decisions.prefetch_related("sharings")),
        unmet_needs=list(person.unmet_needs.select_related("outcome")),
    )


def budget_request_of(person: Person, request_id: uuid.UUID | str) -> BudgetRequest | None:
    return _request_queryset(person.budget_requests.filter(pk=request_id)).first()


def open_outcomes(person: Person) -> QuerySet[Outcome]:
    return person.outcomes.filter(status=OutcomeStatus.OPEN).order_by("created_at", "id")


def current_solutions(person: Person) -> QuerySet[Solution]:
    """Solutions that are part of the plan now, for open outcomes, outcome by outcome."""
    return (
        person.support_solutions.filter(
            status__in=CURRENT_STATUSES, outcome__status=OutcomeStatus.OPEN
        )
        .select_related("outcome")
        .order_by("outcome__created_at", "outcome_id", "created_at")
    )


def mix_solutions(person: Person) -> list[Solution]:
    """The parts of the support an SDS option can arrange: current solutions that cost
    money or are services or paid support (Support Sequence steps 6 and 7)."""
    return [
        s
        for s in current_solutions(person)
        if s.cost is not None or s.step in (SupportStep.SERVICES, SupportStep.SUPPORT)
    ]


def purpose_choices(
    person: Person,
) -> tuple[list[Any], dict[str, tuple[Outcome, Solution | None]]]:
    """Choices for "what it is for" on a budget line: each open outcome, and its current
    solutions grouped under it. Returns (choices, {value: (outcome, solution)})."""
    outcomes = list(open_outcomes(person))
    solutions = list(current_solutions(person))
    lookup: dict[str, tuple[Outcome, Solution | None]] = {}
    choices: list[Any] = [("", "Not linked to an outcome")]
    for outcome in outcomes:
        group = [(f"o:{outcome.pk}", f"The outcome as a whole: {outcome.statement[:90]}")]
        lookup[f"o:{outcome.pk}"] = (outcome, None)
        for solution in (s for s in solutions if s.outcome_id == outcome.pk):
            group.append((f"s:{solution.pk}", solution.what))
            lookup[f"s:{solution.pk}"] = (outcome, solution)
        choices.append((outcome.statement[:90], group))
    return choices, lookup


def budget_line_of(person: Person, line_id: uuid.UUID | str) -> BudgetLine | None:
    """One of the person's budget lines, with its request, outcome and solution."""
    return (
        BudgetLine.objects.filter(person=person, pk=line_id)
        .select_related("request", "outcome", "solution")
        .first()
    )


def prefilled_lines(person: Person) -> list[dict[str, str]]:
    """A new budget request's breakdown, filled in from the Support Sequence (#16): one
    line for each current solution of an open outcome that has a cost and is not already
    in a request that is waiting or agreed. A cost paid each time (a session) has no
    budget period, so its line asks the worker how often rather than guessing."""
    funded = set(
        BudgetLine.objects.filter(
            person=person,
            solution__isnull=False,
            request__status__in=[*OPEN_STATUSES, RequestStatus.APPROVED],
        ).values_list("solution_id", flat=True)
    )
    lines = []
    for solution in current_solutions(person).filter(cost__gt=0):
        if solution.pk in funded:
            continue
        period = solution.cost_period if solution.cost_period in BudgetPeriod.values else ""
        lines.append(
            {
                "description": solution.what[:300],
                "purpose": f"s:{solution.pk}",
                "amount": f"{solution.cost:.2f}",
                "period": period,
            }
        )
    return lines


# --- Team leader queues -------------------------------------------------------------------


def _team_people(user: User) -> QuerySet[Person]:
    if user.role != Role.TEAM_LEADER or not user.team_id:
        return Person.objects.none()
    return Person.objects.visible_to(user).filter(team_id=user.team_id)


def requests_awaiting_team_leader(user: User) -> QuerySet[BudgetRequest]:
    """Requests of the team leader's team waiting for a decision."""
    return (
        BudgetRequest.objects.filter(
            person__in=_team_people(user), status=RequestStatus.AWAITING_DECISION
        )
        .select_related("person", "requested_by")
        .order_by("submitted_at", "id")
    )


def team_requests_at_panel(user: User) -> QuerySet[BudgetRequest]:
    """The team's requests with the decision panel, so waits can be followed (Std 8.10)."""
    return (
        BudgetRequest.objects.filter(person__in=_team_people(user), status=RequestStatus.AT_PANEL)
        .select_related("person", "requested_by")
        .order_by("referred_at", "id")
    )


class ReturnedAt(TypedDict):
    returned_at: datetime.datetime | None


def team_requests_returned(
    user: User,
) -> QuerySet[WithAnnotations[BudgetRequest, ReturnedAt]]:
    """The team's requests the decision panel returned for more information (#13). They are
    not waiting for the team leader nor with the panel: they are back with the worker who
    sent them, to add what the panel asked and send them back. `returned_at` is when."""
    return (
        BudgetRequest.objects.filter(person__in=_team_people(user), status=RequestStatus.RETURNED)
        .annotate(returned_at=Max("events__at", filter=Q(events__kind=EventKind.RETURNED)))
        .select_related("person", "requested_by")
        .order_by("returned_at", "id")
    )


def team_requests_decided(user: User, *, limit: int = 100) -> QuerySet[BudgetRequest]:
    """The team's decided requests, newest decision first (#13: the approvals list keeps
    them, so a team leader can look back)."""
    return (
        BudgetRequest.objects.filter(
            person__in=_team_people(user),
            status__in=(RequestStatus.APPROVED, RequestStatus.DECLINED),
        )
        .select_related("person", "requested_by")
        .order_by("-decided_at", "id")[:limit]
    )


def open_unmet_need_for_team(user: User, *, reason: str = "") -> QuerySet[UnmetNeed]:
    """Open unmet need of the team leader's team, oldest first, optionally by reason."""
    queryset = UnmetNeed.objects.filter(person__in=_team_people(user), met_on__isnull=True)
    if reason in UnmetReason.values:
        queryset = queryset.filter(reason=reason)
    return queryset.select_related("person", "outcome").order_by("identified_on", "id")


# --- The decision panel -------------------------------------------------------------------


def requests_for_panel(user: User | AnonymousUser | None) -> QuerySet[BudgetRequest]:
    """Every request ever referred to the decision panel — for panel members only.
    Nothing else of the person's record is reachable from here."""
    if user is None or not user.is_authenticated or not user.is_active:
        return BudgetRequest.objects.none()
    if user.role != Role.PANEL_MEMBER:
        return BudgetRequest.objects.none()
    referred = BudgetRequestEvent.objects.filter(request=OuterRef("pk"), kind=EventKind.REFERRED)
    return BudgetRequest.objects.filter(Exists(referred))


def panel_queue(user: User) -> QuerySet[BudgetRequest]:
    return (
        requests_for_panel(user)
        .filter(status=RequestStatus.AT_PANEL)
        .select_related("person__team")
        .order_by("referred_at", "id")
    )


def panel_recently_decided(user: User, *, limit: int = 20) -> list[BudgetRequest]:
    """The requests this panel member decided, most recent first, for the anonymised
    "your decisions" list (reference, team, amount, decision): nothing to open."""
    decided_by_them = BudgetRequestEvent.objects.filter(
        request=OuterRef("pk"), kind=EventKind.PANEL_DECIDED, actor=user
    )
    return list(
        requests_for_panel(user)
        .filter(status__in=[RequestStatus.APPROVED, RequestStatus.DECLINED])
        .filter(Exists(decided_by_them))
        .select_related("person__team")
        .order_by("-decided_at", "id")[:limit]
    )


def panel_request(user: User, request_id: uuid.UUID | str) -> BudgetRequest | None:
    """One request waiting for the panel, with its breakdown (and the outcomes it serves)
    and history. Once it is decided the panel's access ends: None (ADR 0006)."""
    return _request_queryset(
        requests_for_panel(user)
        .filter(pk=request_id, status=RequestStatus.AT_PANEL)
        .select_related("person__team")
    ).first()


def panel_access_ended(user: User, request_id: uuid.UUID | str) -> bool:
    """Whether `user` is a panel member refused only because the request, once referred to
    the panel, has since been decided (for the words of the refusal)."""
    return (
        requests_for_panel(user)
        .filter(
            pk=request_id,
            status__in=[RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.RETURNED],
        )
        .exists()
    )


def panel_last_answer(user: User, request_id: uuid.UUID | str) -> BudgetRequestEvent | None:
    """The panel's answer (decided, or returned for more information) that ended `user`'s
    access to a request referred to the panel, with who gave it and when: for the words
    said to a panel member who sends its form again (None for anyone else)."""
    return (
        BudgetRequestEvent.objects.filter(
            request__in=requests_for_panel(user).filter(
                pk=request_id,
                status__in=[RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.RETURNED],
            ),
            kind__in=[EventKind.PANEL_DECIDED, EventKind.RETURNED],
        )
        .select_related("request")
        .order_by("-at", "-id")
        .first()
    )


def open_request_seen_by(
    user: User, person_id: uuid.UUID | str, request_id: uuid.UUID | str
) -> BudgetRequest | None:
    """An open request of a person `user` may see, to check a decision before the page
    logs anything (None when there is no such open request, or no relationship)."""
    return (
        BudgetRequest.objects.filter(
            pk=request_id,
            person_id=person_id,
            status__in=OPEN_STATUSES,
            person__in=Person.objects.visible_to(user),
        )
        .select_related("person")
        .first()
    )


def person_id_of_request(request_id: uuid.UUID | str) -> uuid.UUID | None:
    """Only to log a refused attempt against the right person."""
    return BudgetRequest.objects.filter(pk=request_id).values_list("person_id", flat=True).first()


# --- The support plan (SS-6): plain data, everyday words ----------------------------------


@dataclass(frozen=True)
class PlanOptionWords:
    """An SDS option in the plan's words: its title, what it means for the person and its
    easy-read text (the first fields of an option explained and of the option chosen)."""

    option: str
    title: str
    meaning: str
    easy: str


@dataclass(frozen=True)
class PlanOption(PlanOptionWords):
    explained: bool
    how: str
    explained_on: str


@dataclass(frozen=True)
class PlanChoice(PlanOptionWords):
    reasons: str
    chosen_on: str
    pk: Any = None  # the choice's: the person's words about it are beside it (#12)


@dataclass(frozen=True)
class PlanMixPart:
    part: str
    outcome: str
    option_title: str


@dataclass(frozen=True)
class PlanFirstChoice:
    first_choice: str
    why: str
    alternative: str
    accepted: str
    plan: str
    pk: Any = None  # the row's: the person's words about it are beside it (#12)


@dataclass(frozen=True)
class PlanBudgetLine:
    description: str
    outcome: str
    solution: str
    amount: str
    per_year: str
    solution_id: Any = None
    amount_value: Decimal | None = None
    period: str = ""


@dataclass(frozen=True)
class PlanBudget:
    total_per_year: str
    period: str
    contribution: str
    paid_by_council: str
    lines: list[PlanBudgetLine]
    agreed_on: str
    agreed_by: str
    total_per_year_value: Decimal = Decimal("0.00")
    # The amount asked, when the decision panel agreed a different one (#13).
    asked_per_year: str = ""
    pk: Any = None  # the budget request's: the person's words about it beside it (#12)


@dataclass(frozen=True)
class PlanIndicative:
    amount: str
    told_on: str
    how: str
    pk: Any = None  # the row's: the person's words about it are beside it (#12)


@dataclass(frozen=True)
class PlanRequest:
    status: str
    total_per_year: str
    sent_on: str
    wait: str
    pk: Any = None  # the budget request's: the person's words about it beside it (#12)


@dataclass(frozen=True)
class PlanDecision:
    about: str
    summary: str
    reasons: str
    decided_on: str
    decided_by: str
    shared: bool
    shared_text: str
    pk: Any = None  # the decision's: the person's words about it are beside it (#12)
    about_value: str = ""  # DecisionAbout's value (the plan's words for a proxy, #12)


@dataclass(frozen=True)
class PlanUnmetNeed:
    need: str
    reason: str
    alternative: str
    identified_on: str
    met_on: str
    pk: Any = None  # the row's: the person's words about it are beside it (#12)


@dataclass
class PlanSdsSection:
    options: list[PlanOption] = field(default_factory=list)
    choice: PlanChoice | None = None
    mix: list[PlanMixPart] = field(default_factory=list)
    first_choices: list[PlanFirstChoice] = field(default_factory=list)
    indicative: PlanIndicative | None = None
    agreed: PlanBudget | None = None
    open_requests: list[PlanRequest] = field(default_factory=list)
    decisions: list[PlanDecision] = field(default_factory=list)
    unmet_needs: list[PlanUnmetNeed] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.options
            or self.indicative
            or self.agreed
            or self.open_requests
            or self.decisions
            or self.unmet_needs
            or self.first_choices
        )


def _plan_budget(budget_request: BudgetRequest) -> PlanBudget:
    decision_events = [
        e
        for e in budget_request.events.all()
        if e.kind in (EventKind.APPROVED, EventKind.PANEL_DECIDED)
    ]
    agreed_by = ""
    if decision_events:
        event = decision_events[-1]
        agreed_by = (
            "The decision panel" if event.kind == EventKind.PANEL_DECIDED else event.actor_name
        )
    period = f"From {date_text(budget_request.start_date)}"
    if budget_request.end_date:
        period += f" to {date_text(budget_request.end_date)}"
    return PlanBudget(
        total_per_year=money_text(budget_request.agreed_total),
        period=period,
        contribution=(
            money_per_period_text(budget_request.contribution, budget_request.contribution_period)
            if budget_request.contribution
            else ""
        ),
        paid_by_council=money_text(budget_request.agreed_net_per_year),
        lines=[
            PlanBudgetLine(
                description=line.description,
                outcome=line.outcome.statement if line.outcome is not None else "",
                solution=line.solution.what if line.solution is not None else "",
                amount=money_per_period_text(line.amount, line.period),
                per_year=money_text(line.amount_per_year),
                solution_id=line.solution_id,
                amount_value=line.amount,
                period=line.period,
            )
            for line in budget_request.lines.all()
        ],
        agreed_on=date_text(budget_request.decided_at),
        agreed_by=agreed_by,
        total_per_year_value=budget_request.agreed_total,
        asked_per_year=(
            money_text(budget_request.total_per_year)
            if budget_request.agreed_per_year is not None
            else ""
        ),
        pk=budget_request.pk,
    )


def plan_sds_section(person: Person, *, today: datetime.date | None = None) -> PlanSdsSection:
    """The SDS part of the support plan, as plain data. Eleven queries, however much is
    recorded (the same reads as the "Choices and budget" page)."""
    today = today or timezone.localdate()
    overview = sds_overview(person)
    section = PlanSdsSection()
    if overview.choice is not None:
        for row in overview.options_explained():
            option = row.option
            section.options.append(
                PlanOption(
                    option=option.value,
                    title=presenters.OPTION_TITLE[option],
                    meaning=presenters.OPTION_FOR_PERSON[option],
                    easy=presenters.OPTION_EASY[option],
                    explained=row.explained,
                    how=row.how,
                    explained_on=row.explained_on,
                )
            )
        chosen = overview.choice.chosen_option
        if chosen:
            option = SdsOption(chosen)
            section.choice = PlanChoice(
                option=chosen,
                title=presenters.OPTION_TITLE[option],
                meaning=presenters.OPTION_FOR_PERSON[option],
                easy=presenters.OPTION_EASY[option],
                reasons=overview.choice.reasons,
                chosen_on=date_text(overview.choice.chosen_on),
                pk=overview.choice.pk,
            )
            if option == SdsOption.OPTION_4:
                section.mix = [
                    PlanMixPart(
                        part=part.solution.what,
                        outcome=part.solution.outcome.statement,
                        option_title=presenters.OPTION_TITLE[SdsOption(part.option)],
                    )
                    for part in overview.mix_parts
                ]
    section.first_choices = [
        PlanFirstChoice(
            first_choice=presenters.OPTION_TITLE[SdsOption(f.first_choice)],
            why=f.why,
            alternative=f.alternative_offered,
            accepted=presenters.ACCEPTED_TEXT[f.alternative_accepted],
            plan=f.plan_to_meet_need,
            pk=f.pk,
        )
        for f in overview.first_choices
    ]
    if overview.indicative is not None:
        indicative = overview.indicative
        section.indicative = PlanIndicative(
            amount=money_per_period_text(indicative.amount, indicative.period),
            told_on=date_text(indicative.told_on),
            how=presenters.how_told_text(indicative.how_told),
            pk=indicative.pk,
        )
    if overview.agreed is not None:
        section.agreed = _plan_budget(overview.agreed)
    for budget_request in overview.open_requests:
        wait = presenters.panel_wait(budget_request, today=today)
        section.open_requests.append(
            PlanRequest(
                status=presenters.STATUS_FOR_PERSON[budget_request.status],
                total_per_year=money_text(budget_request.total_per_year),
                sent_on=date_text(budget_request.submitted_at),
                wait=wait.text if wait else "",
                pk=budget_request.pk,
            )
        )
    for decision in overview.decisions:
        sharings = list(decision.sharings.all())
        shared_text = ""
        if sharings:
            first = sharings[0]
            shared_text = (
                f"Shared with you on {date_text(first.shared_on)} "
                f"({presenters.how_told_text(first.how).lower()})"
            )
        section.decisions.append(
            PlanDecision(
                about=presenters.ABOUT_FOR_PERSON[decision.about],
                summary=decision.summary,
                reasons=decision.reasons,
                decided_on=date_text(decision.decided_on),
                decided_by=decision.decided_by,
                shared=bool(sharings),
                shared_text=shared_text,
                pk=decision.pk,
                about_value=decision.about,
            )
        )
    section.unmet_needs = [
        PlanUnmetNeed(
            need=u.need,
            reason=presenters.unmet_reason_text(u.reason, u.reason_other),
            alternative=u.alternative_offered,
            identified_on=date_text(u.identified_on),
            met_on=date_text(u.met_on),
            pk=u.pk,
        )
        for u in overview.unmet_needs
    ]
    return section


def panel_support_sequence(budget_request: BudgetRequest) -> list[dict[str, Any]]:
    """For the panel (#13): the Support Sequence that led to the request — for each outcome
    the request serves, each of the seven steps with what was found or that nothing fitted —
    and nothing else of the record. Three queries."""
    outcome_ids = list(
        dict.fromkeys(line.outcome_id for line in budget_request.lines.all() if line.outcome_id)
    )
    if not outcome_ids:
        return []
    outcomes = {o.pk: o for o in Outcome.objects.filter(pk__in=outcome_ids)}
    solutions = list(
        Solution.objects.filter(outcome_id__in=outcome_ids).order_by("created_at", "id")
    )
    nothing_fits = {
        (e.outcome_id, e.step): e.note
        for e in StepExploration.objects.filter(
            outcome_id__in=outcome_ids, state=ExplorationState.NOTHING_SUITABLE
        )
    }
    result: list[dict[str, Any]] = []
    for outcome_id in outcome_ids:
        steps = []
        for step in SupportStep.ordered():
            found = [s for s in solutions if s.outcome_id == outcome_id and s.step == step]
            if found:
                text = "; ".join(f"{s.what} ({s.get_status_display().lower()})" for s in found)
            elif (outcome_id, step) in nothing_fits:
                note = nothing_fits[(outcome_id, step)]
                text = "Explored: nothing suitable" + (f" ({note})" if note else "")
            else:
                text = "Not explored yet"
            steps.append({"key": f"{step.number}. {step.label}", "value": text})
        result.append({"outcome": outcomes[outcome_id].statement, "steps": steps})
    return result


def understanding_checks_of(person: Person) -> list[UnderstandingCheck]:
    """How the person's understanding of explanations was checked, oldest first (#13)."""
    return list(person.understanding_checks.select_related("decision").order_by("checked_on", "at"))


def budget_line_version(line: BudgetLine) -> int:
    """A budget line's version, for optimistic concurrency on moving it to another outcome
    (services.budget_line_move). A line has no version column: it is never edited, only
    linked to another outcome, and each link is one change record (audited). So its version
    is the number of its change records: 1 when it was made, one more for each move."""
    return ChangeRecord.objects.filter(
        object_type=BudgetLine._meta.label, object_id=str(line.pk)
    ).count()
