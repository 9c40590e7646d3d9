"""Reads for reviews. Person-scoped reads start from a person the caller reached through
`Person.objects.visible_to(user)` (PersonRecordMixin); the worklist starts from
`Person.objects.visible_to(user)` itself. Each costs a fixed number of queries however
many outcomes, reviews or people there are."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Sum,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from goldenthread.accounts.models import Role, User
from goldenthread.core.formatting import date_text
from goldenthread.core.prepared import PreparedQuery
from goldenthread.core.sql import SortKey
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.models import Person
from goldenthread.people.selectors import current_worker_names
from goldenthread.support.models import CURRENT_STATUSES, Solution, SupportStep
from goldenthread.ui.links import id_url

from . import presenters
from .models import (
    OutcomeReview,
    PersonView,
    Review,
    ReviewStatus,
    SolutionReview,
    review_interval_days,
)
from .progress import ProgressPoint, chain_of, progress_points, view_lines

# --- One review --------------------------------------------------------------------------


def review_for(person: Person, review_id) -> Review | None:
    return person.reviews.select_related("conducted_by").filter(pk=review_id).first()


def solution_for(person: Person, solution_id):
    return person.support_solutions.select_related("outcome").filter(pk=solution_id).first()


def outcome_ids_to_review(review: Review) -> set:
    """The outcomes this review must revisit: every open outcome of the person, except those
    written at this review (a rewritten outcome's new wording)."""
    written_here = review.outcome_reviews.filter(new_outcome__isnull=False).values("new_outcome_id")
    return set(
        Outcome.objects.filter(person_id=review.person_id, status=OutcomeStatus.OPEN)
        .exclude(pk__in=written_here)
        .values_list("pk", flat=True)
    )


def outcome_ids_for_views(review: Review) -> set:
    """Outcomes the person may give a view on at this review: those reviewed at it, and
    (while it is in progress) those still to review."""
    reviewed = set(review.outcome_reviews.values_list("outcome_id", flat=True))
    if review.status == ReviewStatus.DRAFT:
        reviewed |= outcome_ids_to_review(review)
    return reviewed


def outcomes_not_yet_reviewed(review: Review) -> list[Outcome]:
    reviewed = review.outcome_reviews.values("outcome_id")
    return list(
        Outcome.objects.filter(pk__in=outcome_ids_to_review(review))
        .exclude(pk__in=reviewed)
        .order_by("created_at", "id")
    )


@dataclass
class SolutionLine:
    solution: Solution
    step_label: str
    review: SolutionReview | None


@dataclass
class OutcomeBlock:
    """One outcome on the review page: what it says, where it started, how it was rated
    before, and what is recorded about it at this review."""

    outcome: Outcome
    key: str  # short id for form ids on the page
    this_review: OutcomeReview | None
    new_outcome: Outcome | None
    previous: list[ProgressPoint]
    views: list  # ViewLine, this review
    solutions: list[SolutionLine]

    @property
    def status_text(self) -> str:
        if self.this_review is None:
            return "Not reviewed yet"
        return f"Reviewed: {presenters.rating_text(self.this_review.rating)}"


@dataclass
class ReviewSheet:
    review: Review
    blocks: list[OutcomeBlock]
    missing: list[Outcome] = field(default_factory=list)

    @property
    def reviewed_count(self) -> int:
        return sum(1 for b in self.blocks if b.this_review is not None)


def review_sheet(person: Person, review: Review) -> ReviewSheet:
    """The review page: five queries, however many outcomes and solutions."""
    outcomes = list(person.outcomes.order_by("created_at", "id"))
    outcome_reviews = list(
        OutcomeReview.objects.filter(person=person).select_related("review").order_by("created_at")
    )
    views = list(PersonView.objects.filter(person=person).order_by("at"))
    solutions = list(person.support_solutions.order_by("created_at", "id"))
    solution_reviews = {r.solution_id: r for r in review.solution_reviews.all()}

    by_id = {o.pk: o for o in outcomes}
    here = {r.outcome_id: r for r in outcome_reviews if r.review_id == review.pk}
    written_here = {r.new_outcome_id for r in here.values() if r.new_outcome_id}
    if review.status == ReviewStatus.DRAFT:
        in_review = [
            o
            for o in outcomes
            if o.pk in here or (o.status == OutcomeStatus.OPEN and o.pk not in written_here)
        ]
    else:
        in_review = [o for o in outcomes if o.pk in here]
    earlier_rows = [r for r in outcome_reviews if r.review_id != review.pk]
    step_label = {s.value: f"{s.number}. {s.label}" for s in SupportStep}
    solutions_by_outcome: dict = defaultdict(list)
    for s in solutions:
        if s.status in CURRENT_STATUSES or s.pk in solution_reviews:
            solutions_by_outcome[s.outcome_id].append(
                SolutionLine(
                    solution=s,
                    step_label=step_label.get(s.step, s.step),
                    review=solution_reviews.get(s.pk),
                )
            )
    blocks = []
    for outcome in in_review:
        row = here.get(outcome.pk)
        chain = chain_of(outcome, by_id)
        blocks.append(
            OutcomeBlock(
                outcome=outcome,
                key=outcome.pk.hex[:8],
                this_review=row,
                new_outcome=by_id.get(row.new_outcome_id) if row and row.new_outcome_id else None,
                previous=progress_points(chain, earlier_rows, views, person),
                views=view_lines(
                    [v for v in views if v.review_id == review.pk and v.outcome_id == outcome.pk],
                    person,
                ),
                solutions=sorted(
                    solutions_by_outcome.get(outcome.pk, []),
                    key=lambda line: list(step_label).index(line.solution.step),
                ),
            )
        )
    missing = [
        b.outcome
        for b in blocks
        if b.this_review is None and b.outcome.status == OutcomeStatus.OPEN
    ]
    return ReviewSheet(review=review, blocks=blocks, missing=missing)


# --- The person's reviews and one outcome's history ------------------------------------------


@dataclass
class ReviewListRow:
    review: Review
    outcome_count: int
    view_count: int


def reviews_of(person: Person) -> list[ReviewListRow]:
    reviews = list(
        person.reviews.select_related("conducted_by").order_by("-held_on", "-created_at")
    )
    counts: dict = defaultdict(int)
    for review_id in OutcomeReview.objects.filter(person=person).values_list(
        "review_id", flat=True
    ):
        counts[review_id] += 1
    views: dict = defaultdict(int)
    for review_id in PersonView.objects.filter(person=person).values_list("review_id", flat=True):
        views[review_id] += 1
    return [
        ReviewListRow(review=r, outcome_count=counts[r.pk], view_count=views[r.pk]) for r in reviews
    ]


@dataclass
class OutcomeHistory:
    outcome: Outcome
    chain: list[Outcome]  # oldest first, this outcome last (or where it sits in the chain)
    later: list[Outcome]  # wordings written after this one
    points: list[ProgressPoint]
    in_progress: Review | None


def outcome_history(person: Person, outcome: Outcome) -> OutcomeHistory:
    """Every review of an outcome and of the wordings it was rewritten from and to."""
    outcomes = list(person.outcomes.order_by("created_at", "id"))
    by_id = {o.pk: o for o in outcomes}
    replaced_by = {o.replaces_id: o for o in outcomes if o.replaces_id}
    head = by_id[outcome.pk]
    later = []
    while head.pk in replaced_by and replaced_by[head.pk] not in later:
        head = replaced_by[head.pk]
        later.append(head)
    chain = chain_of(head, by_id)
    outcome_reviews = list(
        OutcomeReview.objects.filter(person=person, outcome__in=chain)
        .select_related("review")
        .order_by("created_at")
    )
    views = list(PersonView.objects.filter(person=person, outcome__in=chain).order_by("at"))
    in_progress = person.reviews.filter(status=ReviewStatus.DRAFT).first()
    return OutcomeHistory(
        outcome=outcome,
        chain=chain,
        later=later,
        points=progress_points(chain, outcome_reviews, views, person),
        in_progress=in_progress,
    )


# --- Reviews due (REV-3) ----------------------------------------------------------------------

SHOW_CHOICES = (
    ("all", "All"),
    ("overdue", "Overdue"),
    ("soon", "Due in the next 30 days"),
)
SORT_CHOICES = (
    ("date", "Review date"),
    ("name", "Name"),
)
SOON_DAYS = 30


@dataclass
class DueRow:
    """One row of the worklist, every cell written out for the template (#19)."""

    person_id: object
    name: str
    url: str
    workers: str  # "Pat Smith, Sam Jones" or "Nobody allocated"
    due_on: datetime.date
    due_text: str
    scheduled: bool  # a date was set; otherwise worked out from the review interval
    days: int  # until due; negative when overdue
    days_text: str
    last_review_text: str  # "Never reviewed" when there is none
    in_progress: bool

    @property
    def is_overdue(self) -> bool:
        return self.days < 0

    @property
    def is_soon(self) -> bool:
        return 0 <= self.days <= SOON_DAYS

    @property
    def tag_colour(self) -> str:
        """The SGDS tag's colour for the "when" cell: red overdue, yellow within 30 days,
        none (plain text) later."""
        return "red" if self.days < 0 else "yellow" if self.days <= SOON_DAYS else ""


@dataclass
class DuePage:
    rows: list[DueRow]
    page: Page  # a Django Page over the count, for the pagination links
    count: int  # people shown by the filter, on every page
    overdue_count: int


def reviews_due_queryset(
    user,
    *,
    show: str = "all",
    sort: str = "date",
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    soon_until: datetime.date | None = None,
    visible_on: datetime.date | None = None,
):
    """The people this user may see who have a review to hold, with the due date stored on
    their review schedule (`reviews.due`: the date set at the last review or on its own;
    else the review interval after the last finished review; else the interval after the
    first open outcome was agreed), read from its index (#19). Filtered by `show` and
    ordered by `sort` in SQL (both databases): by due date, then name (lower case,
    code-point order, as Python sorts), then id. `visible_on` and `now` (whom the user may
    see: allocations on that day, break-glass at that time) and `soon_until` (the end of
    "soon") default to the current day and time and `today` + SOON_DAYS; the prepared page
    query passes them so that they are parameters of its SQL."""
    today = today or timezone.localdate()
    in_progress = Review.objects.filter(person=OuterRef("pk"), status=ReviewStatus.DRAFT)
    people = (
        Person.objects.visible_to(user, today=visible_on, now=now)
        .filter(review_schedule__due_on__isnull=False)
        .annotate(
            due_on=F("review_schedule__due_on"),
            scheduled_on=F("review_schedule__next_review_on"),
            last_review_on=F("review_schedule__last_review_on"),
        )
    )
    if show == "overdue":
        people = people.filter(due_on__lt=today)
    elif show == "soon":
        if soon_until is None:
            soon_until = today + datetime.timedelta(SOON_DAYS)
        people = people.filter(due_on__gte=today, due_on__lte=soon_until)
    return people.annotate(review_in_progress=Exists(in_progress)).order_by(*_due_order(sort))


def _due_order(sort: str) -> tuple:
    by_name = (SortKey("family_name"), SortKey("given_name"), "id")
    return by_name if sort == "name" else ("due_on", *by_name)


ROW_FIELDS = (
    "pk",
    "given_name",
    "preferred_name",
    "family_name",
    "due_on",
    "scheduled_on",
    "last_review_on",
    "review_in_progress",
)


def _page_values(people, *, today: datetime.date, offset: int, per_page: int) -> list[dict]:
    """One page of value rows, each carrying the filter's count and overdue count (window
    functions over the whole filtered set), so no separate count query is needed (#19)."""
    return list(
        people.annotate(
            total=Window(Count("pk")),
            overdue=Window(Sum(Case(When(due_on__lt=today, then=1), default=0))),
        ).values(*ROW_FIELDS, "total", "overdue")[offset : offset + per_page]
    )


def _due_page_queryset(
    user,
    *,
    show: str,
    sort: str,
    today: datetime.date,
    visible_on: datetime.date,
    now: datetime.datetime,
    soon_until: datetime.date,
    after: float,
    last: float,
):
    """Rows `after` + 1 to `last` of the worklist, as `_page_values` gives them, with the
    page's bounds as parameters (a row number) instead of LIMIT/OFFSET, which Django writes
    into the SQL as numbers: so one compiled statement serves every page (#19)."""
    people = reviews_due_queryset(
        user,
        show=show,
        sort=sort,
        today=today,
        now=now,
        soon_until=soon_until,
        visible_on=visible_on,
    )
    return (
        people.annotate(
            total=Window(Count("pk")),
            overdue=Window(Sum(Case(When(due_on__lt=today, then=1), default=0))),
            # Compared as a float: PostgreSQL's backend sends integers to the database
            # wrapped in a type of their own, which a prepared query cannot match with its
            # sample arguments; a float goes as it is (a page's bounds are far below 2**53).
            row_number=Window(
                RowNumber(), order_by=list(_due_order(sort)), output_field=FloatField()
            ),
        )
        .filter(row_number__gt=after, row_number__lte=last)
        .values(*ROW_FIELDS, "total", "overdue")
    )


def _sample_user(role: str, user_id, team_id) -> User:
    """A user of `role` in `team_id`, unsaved, standing in for the signed-in one while the
    page query is compiled (as people/access.py does for the scoped fetch)."""
    user = User(pk=user_id, role=role, team_id=team_id, is_active=True)
    user._state.adding = False
    return user


# Sample arguments: values that cannot be mistaken for the query's own constants.
_SAMPLE_TODAY = datetime.date(1901, 2, 3)
_SAMPLE_VISIBLE_ON = datetime.date(1902, 3, 4)
_SAMPLE_SOON_UNTIL = datetime.date(1903, 4, 5)
_SAMPLE_NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
_SAMPLE_AFTER, _SAMPLE_LAST = 987_654_321.0, 987_654_346.0
_EXACT_FLOAT = 2**53  # page bounds up to here are exact as floats; beyond, the queryset


def _prepare_due_page(role: str, with_team: bool, show: str, sort: str) -> PreparedQuery:
    """The page query of one shape (role, whether the user has a team, filter, sort),
    compiled once per process: its arguments are the user (and team), the days, the time
    and the page's bounds; the end of "soon" only where the filter uses it."""
    soon = show == "soon"

    def build(*args):
        user_id, *rest = args
        team_id = rest.pop(0) if with_team else None
        today, visible_on, now, *rest = rest
        soon_until = rest.pop(0) if soon else today + datetime.timedelta(SOON_DAYS)
        after, last = rest
        return _due_page_queryset(
            _sample_user(role, user_id, team_id),
            show=show,
            sort=sort,
            today=today,
            visible_on=visible_on,
            now=now,
            soon_until=soon_until,
            after=after,
            last=last,
        )

    samples = [
        uuid.uuid4(),
        *([uuid.uuid4()] if with_team else []),
        _SAMPLE_TODAY,
        _SAMPLE_VISIBLE_ON,
        _SAMPLE_NOW,
        *([_SAMPLE_SOON_UNTIL] if soon else []),
        _SAMPLE_AFTER,
        _SAMPLE_LAST,
    ]
    return PreparedQuery(build, *samples)


# Every shape the page can take, compiled on first use (reviews/tests/test_due_sql.py
# compares each with the queryset it is built from).
_DUE_PAGE: dict[tuple[str | None, bool, str, str], PreparedQuery] = {
    (role, with_team, show, sort): _prepare_due_page(role, with_team, show, sort)
    for role in (Role.PRACTITIONER, Role.TEAM_LEADER)
    for with_team in (True, False)
    if with_team or role == Role.PRACTITIONER  # a team leader with no team sees no one
    for show, _ in SHOW_CHOICES
    for sort, _ in SORT_CHOICES
}


def _prepared_page_values(
    user, *, show: str, sort: str, today: datetime.date, offset: int, per_page: int
) -> list[dict] | None:
    """`_page_values` of the worklist through its prepared query, or None where there is
    none for this user (not a signed-in, active practitioner or team leader)."""
    key: tuple[str | None, bool, str, str] = (
        getattr(user, "role", None),
        getattr(user, "team_id", None) is not None,
        show,
        sort,
    )
    prepared = _DUE_PAGE.get(key)
    if prepared is None or not (user.is_authenticated and user.is_active):
        return None
    if offset + per_page > _EXACT_FLOAT:  # a page number typed far past any list
        return None
    now = timezone.now()
    args = [
        user.pk,
        *([user.team_id] if key[1] else []),
        today,
        timezone.localdate(now),
        now,
        *([today + datetime.timedelta(SOON_DAYS)] if show == "soon" else []),
        float(offset),
        float(offset + per_page),
    ]
    return prepared(*args)


# A page number past this is answered as past the end (the last page), without asking the
# database for rows at its offset: an offset past the database's integers is an error there.
_FURTHEST_PAGE_READ = 1_000_000


def reviews_due_page(
    user,
    *,
    show: str = "all",
    sort: str = "date",
    page_number=1,
    per_page: int = 25,
    today: datetime.date | None = None,
) -> DuePage:
    """A page of the worklist: two queries however many people (the page's rows, each
    carrying the count and overdue count, through the prepared page query; their workers).
    A page number past the end (or not a number) gets the last (or first) page, as Django's
    `Paginator.get_page`; only then is a third query, a count, needed."""
    today = today or timezone.localdate()
    try:
        wanted = int(page_number)
    except (TypeError, ValueError):
        wanted = 1
    values: list[dict] = []
    if 1 <= wanted <= _FURTHEST_PAGE_READ:
        offset = (wanted - 1) * per_page
        prepared = _prepared_page_values(
            user, show=show, sort=sort, today=today, offset=offset, per_page=per_page
        )
        values = (
            prepared
            if prepared is not None
            else _page_values(
                reviews_due_queryset(user, show=show, sort=sort, today=today),
                today=today,
                offset=offset,
                per_page=per_page,
            )
        )
    if values:
        count, overdue = values[0]["total"], int(values[0]["overdue"] or 0)
        page = Paginator(range(count), per_page).get_page(wanted)
    elif wanted == 1:
        count = overdue = 0
        page = Paginator(range(0), per_page).get_page(1)
    else:  # past the end: Paginator.get_page gives the last page
        people = reviews_due_queryset(user, show=show, sort=sort, today=today)
        totals = people.order_by().aggregate(
            count=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
        )
        count, overdue = totals["count"], totals["overdue"]
        page = Paginator(range(count), per_page).get_page(wanted)
        if count:
            values = _page_values(
                people, today=today, offset=page.start_index() - 1, per_page=per_page
            )
    workers = current_worker_names(v["pk"] for v in values)
    review_list_url = id_url("reviews:list")
    rows = []
    for v in values:
        due_on = _as_date(v["due_on"])
        days = (due_on - today).days
        rows.append(
            DueRow(
                person_id=v["pk"],
                name=f"{v['preferred_name'] or v['given_name']} {v['family_name']}",
                url=review_list_url(v["pk"]),
                workers=", ".join(workers.get(v["pk"], ())) or "Nobody allocated",
                due_on=due_on,
                due_text=date_text(due_on, short_month=True),
                scheduled=v["scheduled_on"] is not None,
                days=days,
                days_text=presenters.days_text(days),
                last_review_text=date_text(v["last_review_on"], short_month=True)
                or "Never reviewed",
                in_progress=v["review_in_progress"],
            )
        )
    return DuePage(rows=rows, page=page, count=count, overdue_count=overdue)


def _as_date(value) -> datetime.date:
    """SQLite hands back a computed date as text."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def default_next_review(held_on: datetime.date) -> datetime.date:
    return held_on + datetime.timedelta(days=review_interval_days())
