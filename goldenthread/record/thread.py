"""The golden thread of one person (REV-4; SEND "a golden thread directly through the
aspirations, needs, outcomes and provision"): what matters → aspirations and what is not
working → positive changes → needs → outcomes (with their check) → solutions by Support
Sequence step and provision → review results over time.

`build_thread(person)` reads everything in a fixed number of queries (THREAD_QUERIES),
however many conversations, outcomes, solutions or reviews the person has, and returns
plain dataclasses. `broken_links(thread)` is pure: it reads only the dataclasses and says,
in plain words, where the thread is broken:

- an open outcome linked to nothing that matters (its positive change links nothing that is
  not working and no aspiration, or its conversation recorded nothing that matters);
- support or provision with no outcome (a budget line for no outcome or solution; a
  solution or budget line still agreed or in place for an outcome that was closed or
  rewritten);
- an open outcome never reviewed (agreed longer ago than the review interval, or the
  person's review date has passed);
- an open outcome past the date it should have been achieved by, with no review since.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    F,
    IntegerField,
    Manager,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Combinable
from django.utils import timezone

from goldenthread.conversations.models import (
    Aspiration,
    Conversation,
    MattersItem,
    MattersKind,
    Perspective,
    PositiveChange,
    WhoMatters,
    WorkingItem,
)
from goldenthread.core.formatting import date_text
from goldenthread.core.prepared import PreparedBatch, PreparedQuery
from goldenthread.outcomes.checker import CODE_LABELS
from goldenthread.outcomes.models import (
    Agreed,
    Agreement,
    AgreementWhose,
    CheckQuestion,
    Outcome,
    OutcomeCheckAnswer,
    OutcomeStatus,
)
from goldenthread.people.models import Person
from goldenthread.reviews import presenters
from goldenthread.reviews.models import (
    OutcomeReview,
    PersonView,
    Review,
    ReviewSchedule,
    ReviewStatus,
    SolutionReview,
    review_interval_days,
)
from goldenthread.reviews.progress import ProgressPoint, chain_of, progress_points
from goldenthread.sds.models import BudgetLine, RequestStatus, UnmetNeed, request_reference
from goldenthread.support.models import Solution, SolutionStatus, SupportStep
from goldenthread.support.presenters import cost_text
from goldenthread.ui.links import id_url

# Support agreed or happening now: "still in place" for the broken-link check.
IN_PLACE_STATUSES = frozenset({SolutionStatus.AGREED, SolutionStatus.IN_PLACE})
ENDED_OUTCOME_STATUSES = frozenset({OutcomeStatus.CLOSED, OutcomeStatus.REPLACED})

PERSPECTIVE_TEXT = dict(Perspective.choices)
SOLUTION_STATUS_TEXT = {value: str(label) for value, label in SolutionStatus.choices}
REQUEST_STATUS_TEXT = {value: str(label) for value, label in RequestStatus.choices}

THREAD_QUERIES = 1
# The Support Sequence's steps in order, each (value, number, label), read once (#19).
SUPPORT_STEPS = tuple((step.value, step.number, step.label) for step in SupportStep)
OUTCOME_STATUS_TEXT = {value: str(label) for value, label in OutcomeStatus.choices}

# The columns of an outcome the thread reads (its rows are value rows, #19): what the page
# shows, the chain of rewritten wordings and the links the broken-link check follows.
OUTCOME_COLUMNS = tuple(
    "pk statement baseline measure target_date assessed_need status checker_codes replaces_id "
    "conversation_id positive_change_id created_at answered_count".split()
)
# The person's views at reviews: what reviews.progress.view_lines reads.
VIEW_COLUMNS = tuple(
    "review_id outcome_id rating in_their_words whose_words speaker_name at".split()
)
# Of each outcome's review, what the progress and the history read, and of its review only
# the status and date.
OUTCOME_REVIEW_COLUMNS = tuple(
    "review_id outcome_id new_outcome_id rating new_measure_value evidence decision "
    "review__status review__held_on".split()
)


# --- What the thread holds ------------------------------------------------------------------


@dataclass
class ThreadItem:
    pk: object
    text: str
    kind: str  # what, where, who, aspiration, not_working, working
    perspective: str = ""
    perspective_text: str = ""
    conversation_id: object = None
    held_on: datetime.date | None = None


@dataclass
class ThreadSolution:
    pk: object
    step: str
    what: str
    who: str
    status: str
    status_text: str
    cost_text: str
    outcome_id: object
    # Each completed review's decision: "Review 3 Mar 2026: Kept. Why".
    reviews: list[str] = field(default_factory=list)
    # "What (who): Status, cost", as the page writes it (plain text: the template escapes it).
    summary: str = ""


@dataclass
class ThreadStep:
    step: str
    number: int
    label: str
    solutions: list[ThreadSolution]


@dataclass
class ProvisionLine:
    pk: object
    description: str
    amount_text: str
    request_reference: str
    request_status: str
    outcome_id: object
    solution_id: object


@dataclass
class ThreadOutcome:
    outcome: Any  # the outcome's value row: OUTCOME_COLUMNS
    agreed_on: datetime.date
    status_text: str
    status_colour: str
    need: str
    unmet_needs: list[str]
    questions_answered: int
    questions_total: int
    checker_flags: list[str]
    steps: list[ThreadStep]
    provision: list[ProvisionLine]
    progress: list[ProgressPoint]
    earlier: list[Any]  # earlier wordings' rows (rewritten outcomes), newest first
    last_reviewed_on: datetime.date | None
    target_text: str = ""  # the date it should be achieved by, "3 March 2026"; "" for none

    @property
    def pk(self) -> uuid.UUID:
        return self.outcome.pk

    @property
    def solution_count(self) -> int:
        return sum(len(s.solutions) for s in self.steps)


@dataclass
class ThreadChange:
    change: Any  # the positive change's row: pk, text, conversation_id
    held_on: datetime.date | None
    not_working: list[ThreadItem]
    aspirations: list[ThreadItem]
    outcomes: list[ThreadOutcome]
    held_on_text: str = ""  # the conversation's date, "3 March 2026"


@dataclass
class ReviewSummary:
    # The review's row: pk, held_on, status, what_learned, next_review_on and the
    # reviewer's name columns (#19).
    review: Any
    conducted_by: str
    outcome_count: int
    ratings: dict[str, int]
    solution_decisions: dict[str, int]
    # Written once here, not by template filters and {% url %} per row (#19).
    held_on_text: str = ""
    next_review_text: str = ""  # "Not set" when there is none
    url: str = ""
    is_draft: bool = False


@dataclass
class GoldenThread:
    person: object
    today: datetime.date
    interval_days: int
    schedule: ReviewSchedule | None
    what_matters: list[ThreadItem]
    who_matters: list[ThreadItem]
    where_matters: list[ThreadItem]
    aspirations: list[ThreadItem]
    not_working: list[ThreadItem]
    working: list[ThreadItem]
    changes: list[ThreadChange]
    outcomes: list[ThreadOutcome]  # every outcome now in the thread (not earlier wordings)
    ended_support: list[ThreadSolution]  # still in place for an outcome closed or rewritten
    provision: list[ProvisionLine]  # current provision (agreed or asked-for budget lines)
    reviews: list[ReviewSummary]
    # conversation id → whether anything that matters was recorded in it
    matters_in_conversation: dict[object, bool]
    outcome_status: dict[object, str]  # every outcome, earlier wordings too
    outcome_statement: dict[object, str]
    solution_outcome: dict[object, object]
    rewritten_on: dict[object, datetime.date]  # earlier wording → date of the review
    # outcome id → the person's (or proxy's) latest word on it (ACC-4); none: never agreed
    agreement: dict[object, Agreement] = field(default_factory=dict)
    today_text: str = ""  # "3 March 2026"
    next_review_text: str = ""  # the schedule's next review date; "" when none is set

    @property
    def linked_item_ids(self) -> set:
        ids: set = set()
        for change in self.changes:
            ids.update(i.pk for i in change.not_working)
            ids.update(i.pk for i in change.aspirations)
        return ids

    @property
    def unlinked_aspirations(self) -> list[ThreadItem]:
        linked = self.linked_item_ids
        return [i for i in self.aspirations if i.pk not in linked]

    @property
    def unlinked_not_working(self) -> list[ThreadItem]:
        linked = self.linked_item_ids
        return [i for i in self.not_working if i.pk not in linked]

    @property
    def provision_without_outcome(self) -> list[ProvisionLine]:
        return [
            line for line in self.provision if line.outcome_id is None and line.solution_id is None
        ]


# --- The reads: each a fixed query of the person's rows, compiled once per process ----------
# (core/prepared.py, #19); reviews/tests/test_thread.py compares each with the
# queryset it is built from.


def _person_rows(person_id: uuid.UUID) -> dict[str, QuerySet[Any, Any]]:
    """The thread's reads as querysets of one person's rows, by name."""
    return {
        "conversations": Conversation.objects.filter(person_id=person_id).values_list(
            "id", "held_on"
        ),
        # Value rows of the columns the thread shows (#19): no model objects to make, and
        # small reads of the same shape merged into one statement (UNION ALL).
        "items": _step_items(person_id),
        # (django-stubs does not see an annotation on an auto-created through model: the
        # two `type: ignore`s below.)
        "change_links": PositiveChange.from_not_working.through.objects.filter(
            positivechange__person_id=person_id
        )
        .order_by()
        .annotate(to_aspiration=Value(False))
        .values_list("positivechange_id", "workingitem_id", "to_aspiration")  # type: ignore[misc]
        .union(
            PositiveChange.from_aspirations.through.objects.filter(
                positivechange__person_id=person_id
            )
            .order_by()
            .annotate(to_aspiration=Value(True))
            .values_list("positivechange_id", "aspiration_id", "to_aspiration"),  # type: ignore[misc]
            all=True,
        ),
        # Each outcome with how many of the check's questions are answered (#19: one read).
        # Value rows of the columns the thread reads (#19): not the outcome's whole row
        # made into an Outcome.
        "outcomes": Outcome.objects.filter(person_id=person_id)
        .annotate(
            answered_count=Subquery(
                OutcomeCheckAnswer.objects.filter(outcome_id=OuterRef("pk"))
                .exclude(answer="")
                .order_by()
                .values("outcome_id")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            )
        )
        .order_by("created_at", "id")
        .values_list(*OUTCOME_COLUMNS, named=True),
        "solutions": Solution.objects.filter(person_id=person_id)
        .order_by("created_at", "id")
        .values_list(
            "pk", "step", "what", "who", "status", "cost", "cost_period", "outcome_id", named=True
        ),
        "lines": BudgetLine.objects.filter(person_id=person_id)
        .order_by("request__submitted_at", "position")
        .values_list(
            "pk",
            "description",
            "amount",
            "period",
            "outcome_id",
            "solution_id",
            "request_id",
            "request__status",
            "request__decided_at",
            "request__submitted_at",
            named=True,
        ),
        "unmet": UnmetNeed.objects.filter(person_id=person_id, met_on__isnull=True)
        .order_by("identified_on")
        .values_list("outcome_id", "need"),
        # The columns the reviews' rows show, and of the reviewer only their name (#19: not
        # their whole user row, password hash and all).
        "reviews": Review.objects.filter(person_id=person_id)
        .order_by("held_on", "created_at")
        .values_list(
            "pk",
            "held_on",
            "status",
            "what_learned",
            "next_review_on",
            "conducted_by__first_name",
            "conducted_by__last_name",
            "conducted_by__username",
            named=True,
        ),
        # Of each outcome's review, the columns the progress and history read, and of its
        # review only the status and date (#19: not the review's whole row, what was learned
        # and all, for each outcome it reviewed).
        "outcome_reviews": OutcomeReview.objects.filter(person_id=person_id)
        .order_by("created_at")
        .values_list(*OUTCOME_REVIEW_COLUMNS, named=True),
        "views": PersonView.objects.filter(person_id=person_id)
        .order_by("at")
        .values_list(*VIEW_COLUMNS, named=True),
        "solution_reviews": SolutionReview.objects.filter(person_id=person_id)
        .order_by("created_at")
        .values_list(
            "solution_id",
            "review_id",
            "decision",
            "why",
            "review__status",
            "review__held_on",
            named=True,
        ),
        "schedule": ReviewSchedule.objects.filter(
            person_id=person_id, next_review_on__isnull=False
        ).order_by("pk")[:1],
        "agreement": Agreement.objects.filter(
            person_id=person_id,
            outcome__isnull=False,
            whose__in=(AgreementWhose.PERSON, AgreementWhose.PROXY),
        ).order_by("agreed_on", "at"),
    }


# The parts of the step-items read, in the order the thread takes them.
ITEM_PARTS = ("working", "matters", "who", "aspiration", "change")


def _step_items(person_id: uuid.UUID) -> QuerySet[Any, Any]:
    """What matters, who matters, aspirations, working items and positive changes: one
    UNION ALL of their rows, each part in the order recorded. Each row: part, pk, text,
    conversation_id, kind (what matters: what or where), perspective, is_working, and for
    who matters the circle member's name and relationship; "" or False where a part has
    no such column. The first part names the columns and their types (working items have
    them all but the name, relationship and kind)."""
    blank, no = Value(""), Value(False)
    columns = (
        "part",
        "pk",
        "text",
        "conversation_id",
        "kind_",
        "perspective_",
        "is_working_",
        "name",
        "relationship",
        "created_at",
    )

    def part(queryset: Manager[Any], number: int, **values: Combinable) -> QuerySet[Any, Any]:
        found: dict[str, Combinable] = {
            "kind_": blank,
            "perspective_": blank,
            "is_working_": no,
            "name": blank,
            "relationship": blank,
        }
        found.update(values)
        return (
            queryset.filter(person_id=person_id)
            .order_by()  # a part of a UNION has no order of its own
            .annotate(part=Value(number), **found)
        )

    parts = [
        part(
            WorkingItem.objects,
            0,
            perspective_=F("perspective"),
            is_working_=F("is_working"),
        ),
        part(MattersItem.objects, 1, kind_=F("kind")),
        part(
            WhoMatters.objects,
            2,
            name=F("circle_member__name"),
            relationship=F("circle_member__relationship"),
        ),
        part(Aspiration.objects, 3),
        part(PositiveChange.objects, 4),
    ]
    first, *rest = (p.values_list(*columns, named=True) for p in parts)
    return first.union(*rest, all=True).order_by("part", "created_at")


def _prepared_read(name: str) -> PreparedQuery:
    return PreparedQuery(lambda person_id: _person_rows(person_id)[name], uuid.uuid4())


THREAD_READS = {
    name: _prepared_read(name) for name in _person_rows(uuid.uuid4()) if name != "agreement"
}
AGREEMENT_READ = _prepared_read("agreement")
# All of them as one statement (#19): on PostgreSQL each statement costs this process about
# 0.2-0.3 ms of CPU in the driver and Django's cursor however few its rows, which was a
# third of the thread's reads; reviews/tests/test_thread.py compares every read's rows with
# its queryset's.
THREAD_BATCH = PreparedBatch({**THREAD_READS, "agreement": AGREEMENT_READ})


# --- Reading it ---------------------------------------------------------------------------


def _current_requests(requests: dict) -> set:
    """The budget requests that are provision now: the one agreed most recently, and any
    still waiting for a decision. `requests`: id → a budget line's row (its request's
    status, decided_at and submitted_at)."""
    current = {
        pk
        for pk, r in requests.items()
        if r.request__status in (RequestStatus.AWAITING_DECISION, RequestStatus.AT_PANEL)
    }
    agreed = [(pk, r) for pk, r in requests.items() if r.request__status == RequestStatus.APPROVED]
    if agreed:
        latest, _ = max(
            agreed,
            key=lambda a: (
                a[1].request__decided_at or a[1].request__submitted_at,
                a[1].request__submitted_at,
            ),
        )
        current.add(latest)
    return current


def build_thread(person: Person, *, today: datetime.date | None = None) -> GoldenThread:
    """Everything on the golden-thread page, in THREAD_QUERIES queries: one read of the
    batch, then each section of the thread built from its rows (#17 step 5)."""
    today = today or timezone.localdate()
    interval = review_interval_days()
    read = THREAD_BATCH(person.pk)
    conversations = dict(read["conversations"])
    said = _what_was_said(read, conversations)
    outcomes = read["outcomes"]
    history = _review_history(read["outcome_reviews"])
    decisions_by_solution = _solution_decisions(read["solution_reviews"])
    solutions_by_outcome: dict = defaultdict(list)
    for s in read["solutions"]:
        solutions_by_outcome[s.outcome_id].append(_thread_solution(s, decisions_by_solution))
    solution_outcome = {s.pk: s.outcome_id for s in read["solutions"]}
    provision = _provision(read["lines"], solution_outcome)
    replaced_by = {o.replaces_id: o.pk for o in outcomes if o.replaces_id}
    heads = [o for o in outcomes if o.pk not in replaced_by]
    thread_outcomes = _thread_outcomes(
        person, read, heads, conversations, history, solutions_by_outcome, provision
    )
    schedule = read["schedule"][0] if read["schedule"] else None
    thread = GoldenThread(
        person=person,
        today=today,
        interval_days=interval,
        schedule=schedule,
        what_matters=said.what_matters,
        who_matters=said.who_matters,
        where_matters=said.where_matters,
        aspirations=list(said.aspirations.values()),
        not_working=list(said.not_working.values()),
        working=said.working,
        changes=_changes(read, conversations, said, heads, thread_outcomes),
        outcomes=list(thread_outcomes.values()),
        ended_support=_ended_support(read["solutions"], decisions_by_solution, outcomes),
        provision=provision,
        reviews=_review_summaries(person, read),
        matters_in_conversation=said.matters_in_conversation,
        outcome_status={o.pk: o.status for o in outcomes},
        outcome_statement={o.pk: o.statement for o in outcomes},
        solution_outcome=solution_outcome,
        rewritten_on=history.rewritten_on,
        today_text=date_text(today),
        next_review_text=date_text(schedule.next_review_on) if schedule else "",
    )
    thread.agreement = {row.outcome_id: row for row in read["agreement"]}
    return thread


# --- The thread's sections, each from the batch's rows ------------------------------------


def _item(row: Any, kind: str, conversations: dict, text: str | None = None) -> ThreadItem:
    return ThreadItem(
        pk=row.pk,
        text=row.text if text is None else text,
        kind=kind,
        perspective=row.perspective_,
        perspective_text=PERSPECTIVE_TEXT.get(row.perspective_, ""),
        conversation_id=row.conversation_id,
        held_on=conversations.get(row.conversation_id),
    )


@dataclass
class _Said:
    """What the conversations recorded: what matters, aspirations, what is (not) working."""

    what_matters: list[ThreadItem]
    where_matters: list[ThreadItem]
    who_matters: list[ThreadItem]
    aspirations: dict  # id → ThreadItem
    not_working: dict  # id → ThreadItem
    working: list[ThreadItem]
    matters_in_conversation: dict  # conversation id → whether it recorded what matters


def _what_was_said(read: dict, conversations: dict) -> _Said:
    by_part: dict[int, list] = {number: [] for number in range(len(ITEM_PARTS))}
    for row in read["items"]:
        by_part[row.part].append(row)
    working_items, matters, who, aspirations = (
        by_part[ITEM_PARTS.index(name)] for name in ("working", "matters", "who", "aspiration")
    )
    matters_in_conversation = dict.fromkeys(conversations, False)
    for said in [*matters, *who]:
        matters_in_conversation[said.conversation_id] = True
    return _Said(
        what_matters=[
            _item(m, "what", conversations) for m in matters if m.kind_ == MattersKind.WHAT
        ],
        where_matters=[
            _item(m, "where", conversations) for m in matters if m.kind_ == MattersKind.WHERE
        ],
        who_matters=[
            _item(
                w,
                "who",
                conversations,
                f"{w.name} ({w.relationship})" + (f": {w.text}" if w.text else ""),
            )
            for w in who
        ],
        aspirations={a.pk: _item(a, "aspiration", conversations) for a in aspirations},
        not_working={
            w.pk: _item(w, "not_working", conversations) for w in working_items if not w.is_working_
        },
        working=[_item(w, "working", conversations) for w in working_items if w.is_working_],
        matters_in_conversation=matters_in_conversation,
    )


@dataclass
class _ReviewHistory:
    """The chain of rewritten outcomes and when each outcome was last reviewed."""

    rewritten_on: dict  # outcome id → the day of the review that rewrote it
    agreed_at_review: dict  # new outcome id → the day of the review that agreed it
    last_reviewed: dict  # outcome id → the day of its last completed review


def _review_history(outcome_reviews: list) -> _ReviewHistory:
    rewritten_on: dict = {}
    agreed_at_review: dict = {}
    for outcome_review in outcome_reviews:
        if outcome_review.new_outcome_id:
            rewritten_on[outcome_review.outcome_id] = outcome_review.review__held_on
            agreed_at_review[outcome_review.new_outcome_id] = outcome_review.review__held_on
    last_reviewed: dict = {}
    for outcome_review in outcome_reviews:
        if outcome_review.review__status == ReviewStatus.COMPLETED:
            held = outcome_review.review__held_on
            reviewed_id = outcome_review.outcome_id
            if reviewed_id not in last_reviewed or held > last_reviewed[reviewed_id]:
                last_reviewed[reviewed_id] = held
    return _ReviewHistory(rewritten_on, agreed_at_review, last_reviewed)


def _review_of(row: Any) -> tuple[str, datetime.date]:
    """An outcome review's value row → its review's status and date (reviews.progress)."""
    return row.review__status, row.review__held_on


def _thread_solution(s: Any, decisions_by_solution: dict) -> ThreadSolution:
    status_text = SOLUTION_STATUS_TEXT.get(s.status, s.status)
    cost = cost_text(s.cost, s.cost_period)
    return ThreadSolution(
        pk=s.pk,
        step=s.step,
        what=s.what,
        who=s.who,
        status=s.status,
        status_text=status_text,
        cost_text=cost,
        outcome_id=s.outcome_id,
        reviews=decisions_by_solution.get(s.pk, []),
        summary=f"{s.what}{f' ({s.who})' if s.who else ''}: {status_text}, {cost.lower()}",
    )


def _solution_decisions(solution_reviews: list) -> dict:
    """What each completed review decided about each solution, by solution id."""
    decisions_by_solution: dict = defaultdict(list)
    for solution_review in solution_reviews:
        if solution_review.review__status == ReviewStatus.COMPLETED:
            why = solution_review.why
            decisions_by_solution[solution_review.solution_id].append(
                f"Review {date_text(solution_review.review__held_on, short_month=True)}: "
                f"{presenters.SOLUTION_DECISION_TEXT[solution_review.decision]}"
                + (f". {why}" if why else "")
            )
    return decisions_by_solution


def _provision(lines: list, solution_outcome: dict) -> list[ProvisionLine]:
    """The budget lines of the requests that are provision now."""
    requests = {line.request_id: line for line in lines}
    current_requests = _current_requests(requests)
    return [
        ProvisionLine(
            pk=line.pk,
            description=line.description,
            amount_text=_amount_text(line.amount, line.period),
            request_reference=request_reference(line.request_id),
            request_status=REQUEST_STATUS_TEXT.get(line.request__status, line.request__status),
            outcome_id=line.outcome_id or solution_outcome.get(line.solution_id),
            solution_id=line.solution_id,
        )
        for line in lines
        if line.request_id in current_requests
    ]


def _thread_outcomes(
    person: Person,
    read: dict,
    heads: list,
    conversations: dict,
    history: _ReviewHistory,
    solutions_by_outcome: dict,
    provision: list[ProvisionLine],
) -> dict:
    """Each outcome that was not rewritten (its earlier wordings in its chain), by id."""
    outcomes = read["outcomes"]
    outcomes_by_id = {o.pk: o for o in outcomes}
    answered = {o.pk: o.answered_count or 0 for o in outcomes}
    provision_by_outcome: dict = defaultdict(list)
    for line in provision:
        if line.outcome_id is not None:
            provision_by_outcome[line.outcome_id].append(line)
    unmet_by_outcome: dict = defaultdict(list)
    for outcome_id, need in read["unmet"]:
        unmet_by_outcome[outcome_id].append(need)

    def thread_outcome(outcome: Any) -> ThreadOutcome:
        chain = chain_of(outcome, outcomes_by_id)
        by_step: dict = defaultdict(list)
        for o in chain:
            for s in solutions_by_outcome.get(o.pk, []):
                by_step[s.step].append(s)
        steps = [
            ThreadStep(step=value, number=number, label=label, solutions=by_step[value])
            for value, number, label in SUPPORT_STEPS
            if value in by_step
        ]
        return ThreadOutcome(
            outcome=outcome,
            agreed_on=history.agreed_at_review.get(outcome.pk)
            or conversations.get(outcome.conversation_id)
            or timezone.localtime(outcome.created_at).date(),
            status_text=OUTCOME_STATUS_TEXT.get(outcome.status, outcome.status),
            status_colour=presenters.OUTCOME_STATUS_TAG_COLOUR.get(outcome.status, "grey"),
            need=outcome.assessed_need,
            unmet_needs=[n for o in chain for n in unmet_by_outcome.get(o.pk, [])],
            questions_answered=answered.get(outcome.pk, 0),
            questions_total=len(CheckQuestion),
            checker_flags=[CODE_LABELS.get(code, code) for code in outcome.checker_codes or []],
            steps=steps,
            provision=[line for o in chain for line in provision_by_outcome.get(o.pk, [])],
            progress=progress_points(
                chain, read["outcome_reviews"], read["views"], person, review_of=_review_of
            ),
            earlier=list(reversed(chain[:-1])),
            last_reviewed_on=history.last_reviewed.get(outcome.pk),
            target_text=date_text(outcome.target_date),
        )

    return {o.pk: thread_outcome(o) for o in heads}


def _changes(
    read: dict, conversations: dict, said: _Said, heads: list, thread_outcomes: dict
) -> list[ThreadChange]:
    """Each positive change with what is not working and the aspirations it links, and its
    outcomes."""
    links_nw: dict = defaultdict(list)
    links_asp: dict = defaultdict(list)
    for change_id, item_id, aspiration in read["change_links"]:
        if not aspiration and item_id in said.not_working:
            links_nw[change_id].append(said.not_working[item_id])
        elif aspiration and item_id in said.aspirations:
            links_asp[change_id].append(said.aspirations[item_id])
    changes = [row for row in read["items"] if row.part == ITEM_PARTS.index("change")]
    return [
        ThreadChange(
            change=c,
            held_on=conversations.get(c.conversation_id),
            held_on_text=date_text(conversations.get(c.conversation_id)),
            not_working=links_nw.get(c.pk, []),
            aspirations=links_asp.get(c.pk, []),
            outcomes=[thread_outcomes[o.pk] for o in heads if o.positive_change_id == c.pk],
        )
        for c in changes
    ]


def _ended_support(rows: list, decisions_by_solution: dict, outcomes: list) -> list[ThreadSolution]:
    """Support still agreed or in place for an outcome that was closed or rewritten (each
    its own ThreadSolution: the page marks the ones in the outcomes' steps)."""
    outcomes_by_id = {o.pk: o for o in outcomes}
    return [
        _thread_solution(s, decisions_by_solution)
        for s in rows
        if s.status in IN_PLACE_STATUSES
        and outcomes_by_id.get(s.outcome_id) is not None
        and outcomes_by_id[s.outcome_id].status in ENDED_OUTCOME_STATUSES
    ]


def _review_summaries(person: Person, read: dict) -> list[ReviewSummary]:
    """Every review, the latest first: its ratings and what it decided about support."""
    outcome_reviews = read["outcome_reviews"]
    solution_reviews = read["solution_reviews"]
    summaries = []
    review_url = id_url("reviews:detail", ids=2)
    for review in reversed(read["reviews"]):
        rows = [r for r in outcome_reviews if r.review_id == review.pk]
        ratings: dict[str, int] = defaultdict(int)
        for r in rows:
            ratings[presenters.rating_text(r.rating)] += 1
        decisions: dict[str, int] = defaultdict(int)
        for decided in solution_reviews:
            if decided.review_id == review.pk:
                decisions[presenters.SOLUTION_DECISION_TEXT[decided.decision]] += 1
        # As User.get_full_name() or the username.
        name = f"{review.conducted_by__first_name} {review.conducted_by__last_name}".strip()
        summaries.append(
            ReviewSummary(
                review=review,
                is_draft=review.status == ReviewStatus.DRAFT,
                conducted_by=name or review.conducted_by__username,
                outcome_count=len(rows),
                ratings=dict(ratings),
                solution_decisions=dict(decisions),
                held_on_text=date_text(review.held_on),
                next_review_text=date_text(review.next_review_on) or "Not set",
                url=review_url(person.pk, review.pk),
            )
        )
    return summaries


def _amount_text(amount: Decimal, period: str) -> str:
    phrase = {"week": "a week", "month": "a month", "year": "a year", "one_off": "one-off"}
    return f"£{amount:,.2f} {phrase.get(period, period)}"


# --- Where it is broken ---------------------------------------------------------------------


class LinkKind:
    OUTCOME_NOT_LINKED = "outcome_not_linked"
    SUPPORT_NO_OUTCOME = "support_no_outcome"
    PROVISION_NO_OUTCOME = "provision_no_outcome"
    NEVER_REVIEWED = "outcome_never_reviewed"
    PAST_DATE = "outcome_past_date"
    NEVER_AGREED = "outcome_never_agreed"


LINK_KIND_TITLE = {
    LinkKind.OUTCOME_NOT_LINKED: "An outcome linked to nothing that matters",
    LinkKind.SUPPORT_NO_OUTCOME: "Support with no outcome",
    LinkKind.PROVISION_NO_OUTCOME: "Provision with no outcome",
    LinkKind.NEVER_REVIEWED: "An outcome never reviewed",
    LinkKind.PAST_DATE: "An outcome past its date with no review since",
    LinkKind.NEVER_AGREED: "An outcome the person has not agreed",
}


@dataclass(frozen=True)
class BrokenLink:
    kind: str
    subject: str  # the words of the item, as recorded
    reason: str  # why the link is broken, in plain words
    anchor: str  # where the item is on the page

    @property
    def title(self) -> str:
        return LINK_KIND_TITLE[self.kind]


def broken_links(thread: GoldenThread) -> list[BrokenLink]:
    """Every broken link in the thread, each with a plain-words reason. Reads only the
    thread: no queries."""
    found: list[BrokenLink] = []
    today, interval = thread.today, thread.interval_days
    schedule_date = thread.schedule.next_review_on if thread.schedule else None

    for change in thread.changes:
        for entry in change.outcomes:
            outcome = entry.outcome
            if outcome.status != OutcomeStatus.OPEN:
                continue
            reasons = []
            if not change.not_working and not change.aspirations:
                reasons.append(
                    f"Its positive change, “{presenters.short(change.change.text)}”, is not "
                    "linked to anything that is not working or to an aspiration."
                )
            if not thread.matters_in_conversation.get(outcome.conversation_id, False):
                when = presenters.date_text(change.held_on) if change.held_on else ""
                reasons.append(
                    f"The conversation it came from{' (' + when + ')' if when else ''} "
                    "recorded nothing about what, who or where matters to the person."
                )
            if reasons:
                found.append(
                    BrokenLink(
                        LinkKind.OUTCOME_NOT_LINKED,
                        outcome.statement,
                        " ".join(reasons),
                        f"outcome-{outcome.pk}",
                    )
                )

    for solution in thread.ended_support:
        outcome_id = solution.outcome_id
        status = thread.outcome_status.get(outcome_id)
        statement = presenters.short(thread.outcome_statement.get(outcome_id, ""))
        if status == OutcomeStatus.REPLACED:
            rewritten = thread.rewritten_on.get(outcome_id)
            ended = "was rewritten" + (
                f" on {presenters.date_text(rewritten)}" if rewritten else ""
            )
            fix = "Link it to the new wording, or stop it."
        else:
            ended, fix = "is closed", "Stop it, or link it to an open outcome."
        found.append(
            BrokenLink(
                LinkKind.SUPPORT_NO_OUTCOME,
                solution.what,
                f"It is {solution.status_text.lower()}, but the outcome it was for, "
                f"“{statement}”, {ended}. {fix}",
                f"solution-{solution.pk}",
            )
        )

    for line in thread.provision:
        if line.outcome_id is None and line.solution_id is None:
            found.append(
                BrokenLink(
                    LinkKind.PROVISION_NO_OUTCOME,
                    line.description,
                    f"This budget line ({line.amount_text}, budget request "
                    f"{line.request_reference}) is not linked to any outcome or solution, so "
                    "nobody can tell what difference it is meant to make.",
                    f"provision-{line.pk}",
                )
            )
        elif thread.outcome_status.get(line.outcome_id) in ENDED_OUTCOME_STATUSES:
            statement = presenters.short(thread.outcome_statement.get(line.outcome_id, ""))
            ended = (
                "was rewritten"
                if thread.outcome_status[line.outcome_id] == OutcomeStatus.REPLACED
                else "is closed"
            )
            found.append(
                BrokenLink(
                    LinkKind.PROVISION_NO_OUTCOME,
                    line.description,
                    f"This budget line ({line.amount_text}, budget request "
                    f"{line.request_reference}) pays toward “{statement}”, which {ended}.",
                    f"provision-{line.pk}",
                )
            )

    for entry in thread.outcomes:
        outcome = entry.outcome
        if outcome.status != OutcomeStatus.OPEN:
            continue
        anchor = f"outcome-{outcome.pk}"
        if entry.last_reviewed_on is None:
            due_by_age = entry.agreed_on + datetime.timedelta(days=interval)
            if due_by_age < today:
                found.append(
                    BrokenLink(
                        LinkKind.NEVER_REVIEWED,
                        outcome.statement,
                        f"Agreed on {presenters.date_text(entry.agreed_on)} and never reviewed: "
                        f"reviews are due every {_interval_words(interval)}.",
                        anchor,
                    )
                )
            elif (
                schedule_date is not None
                and schedule_date < today
                and entry.agreed_on <= schedule_date
            ):
                found.append(
                    BrokenLink(
                        LinkKind.NEVER_REVIEWED,
                        outcome.statement,
                        f"Never reviewed, and the review due on "
                        f"{presenters.date_text(schedule_date)} has passed.",
                        anchor,
                    )
                )
        target = outcome.target_date
        if (
            target is not None
            and target < today
            and (entry.last_reviewed_on is None or entry.last_reviewed_on < target)
        ):
            since = (
                f" The last review was on {presenters.date_text(entry.last_reviewed_on)}."
                if entry.last_reviewed_on
                else ""
            )
            found.append(
                BrokenLink(
                    LinkKind.PAST_DATE,
                    outcome.statement,
                    f"It should have been achieved by {presenters.date_text(target)}, and it has "
                    f"not been reviewed since then.{since}",
                    anchor,
                )
            )
    found.extend(agreement_links(thread))
    return found


def _interval_words(days: int) -> str:
    if days % 7 == 0 and days >= 14:
        weeks = days // 7
        if weeks == 26:
            return "6 months (26 weeks)"
        return f"{weeks} weeks"
    return f"{days} days"


# --- Agreement (ACC-4, #13) -------------------------------------------------------------------


def latest_agreement(person: Person) -> dict:
    """Outcome id → the newest agreement row from the person or their proxy (one query)."""
    return {row.outcome_id: row for row in AGREEMENT_READ(person.pk)}


def agreement_links(thread: GoldenThread) -> list[BrokenLink]:
    """An open outcome the person (or their proxy) never agreed, or last said they did not
    agree, is a broken link (Std 4.1; SEND "the outcome must be shared"). No queries."""
    found = []
    name = getattr(thread.person, "display_name", "the person")
    for entry in thread.outcomes:
        outcome = entry.outcome
        if outcome.status != OutcomeStatus.OPEN:
            continue
        row = thread.agreement.get(outcome.pk)
        if row is None:
            reason = f"No one has recorded whether {name} agrees this outcome."
        elif row.agreed == Agreed.NO:
            reason = (
                f"{row.name} said on {presenters.date_text(row.agreed_on)} that they do "
                f"not agree: \u201c{row.not_agreed}\u201d"
            )
        else:
            continue
        found.append(
            BrokenLink(LinkKind.NEVER_AGREED, outcome.statement, reason, f"outcome-{outcome.pk}")
        )
    return found
