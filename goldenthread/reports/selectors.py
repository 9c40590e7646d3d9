"""The counts behind the reports (AGG-1, UN-2): one cube per table and period.

Every count here is an aggregate over everyone in the council: these reads are not about
a named person and never return one. They start from the models, not from
`Person.objects.visible_to` (which is empty for a commissioner), return only category
codes and counts — no names, ids or free text — and every number reaches a page only
through `disclosure.protect` (docs/adr/0015-reports-and-disclosure-control.md).

A table's cube has the page's filters as its first three dimensions (team, grouped into
the areas the teams serve; age group at the end of the period; the person's main reason
for support) and then the table's rows (and columns). Each filter combination a reader can
choose is a slice of that one cube. Team and reason are kept apart (#14): never narrowed
together, so their joint cells are never published (`disclosure.protect(apart=…)`). A
small count that cannot be protected withholds its selection of the filters, not the
table (`disclosure.protect(selectable=FILTERS)`, #14).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, Q, Subquery

from goldenthread.accountability.models import (
    Advocacy,
    AdvocacyAnswer,
    Challenge,
    ChallengeOutcome,
    ChallengeState,
    Stage,
    Transition,
    TransitionKind,
)
from goldenthread.accounts.models import Area, Team
from goldenthread.conversations.models import MattersItem, MattersKind
from goldenthread.core.domains import domain_labels, domains
from goldenthread.outcomes.checker import CODE_LABELS
from goldenthread.outcomes.models import Agreed, Agreement, Outcome, OutcomeStatus
from goldenthread.people.models import Person, SupportReason
from goldenthread.reviews.models import (
    OutcomeReview,
    PersonView,
    Rating,
    Review,
    ReviewSchedule,
    ReviewStatus,
)
from goldenthread.sds.models import (
    Accepted,
    BudgetRequest,
    FirstChoiceNotDelivered,
    MixPart,
    NeedCategory,
    OptionExplanation,
    RequestStatus,
    SdsChoice,
    SdsOption,
    UnmetNeed,
    UnmetReason,
)
from goldenthread.support.models import Solution, SolutionStatus, SupportStep

from . import linked, snapshots, tasks
from .disclosure import TOTAL, Counts, Dim, ProtectedCube, build_cube, protect_counts
from .periods import AGE_GROUPS, MONTHS, Period, age_group
from .source_extract import chosen_choices

# (team_id, support_reason, date_of_birth, row[, column])
Unit = tuple

NOT_RECORDED = "none"
"""The reason dimension's category for people with no main reason for support recorded."""
SUPPORT_REASONS = (*SupportReason.values, NOT_RECORDED)
SUPPORT_REASON_LABELS = {**dict(SupportReason.choices), NOT_RECORDED: "Not recorded"}
# Team and main reason for support are never narrowed together (docs/adr/0015): crossed,
# they multiply the small cells; kept apart, each face is protected in one pattern.
APART = (("team", "reason"),)
# The filters are the first three dimensions of every cube (FilterAxes.dims): a small
# count that cannot be protected withholds its selection of them, not the table (#14).
FILTERS = 3


def reason_code(value: str) -> str:
    return value or NOT_RECORDED


def threshold() -> int:
    return int(getattr(settings, "GOLDENTHREAD_REPORTS_THRESHOLD", 5))


@dataclass(frozen=True)
class Axis:
    name: str
    categories: tuple[str, ...]
    labels: dict[str, str]
    additive: bool = True
    heading: str = ""
    # Subtotals within the axis: (group, (category, …)), each category in exactly one
    # group; a group's label is in `labels`. A group of one category is its category, so
    # it gets no line of its own (presenters).
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def dim(self) -> Dim:
        return Dim(self.name, self.categories, self.additive, self.groups)


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    counted: str  # what one count is: "outcomes", "people", ...
    rows: Callable[[Period], Axis] | Axis
    units: Callable[[Period, datetime.date], Iterable[Unit]]
    columns: Axis | None = None
    note: str = ""
    chart: bool = True
    # Money: `columns` is "count" then one column per amount (MONEY_COLUMNS: how many,
    # and their sum), and `units` end with those amounts; each sum is shown exactly where
    # its count is (`_money_cube`).
    money: bool = False
    # Tables that count the same things (#14): this table's counts are the cells of
    # `counts_as`'s cube at the total of its rows, and are published as that table
    # publishes them (one pattern), so neither can be played off against the other.
    counts_as: Measure | None = None

    def row_axis(self, period: Period) -> Axis:
        return self.rows(period) if callable(self.rows) else self.rows


@dataclass
class FilterAxes:
    """The page's filters as the cube's first three dimensions: teams, grouped by the area
    each team serves (so an area's count is the sum of its teams'; an area no team serves
    is not one), age group and main reason for support (kept apart from team: APART)."""

    teams: tuple[str, ...]
    areas: tuple[str, ...]
    team_labels: dict[str, str] = field(default_factory=dict)
    area_labels: dict[str, str] = field(default_factory=dict)
    team_area: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> FilterAxes:
        teams = list(Team.objects.order_by("name").values_list("id", "name", "area_id"))
        # The area filter is the area a team serves (its teams' sum): an area no team
        # serves has no figures, so it is not offered (it named a cell no cube has).
        areas = list(
            Area.objects.filter(teams__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("id", "name")
        )
        return cls(
            teams=tuple(str(t) for t, _, _ in teams),
            areas=tuple(str(a) for a, _ in areas),
            team_labels={str(t): n for t, n, _ in teams},
            area_labels={str(a): n for a, n in areas},
            team_area={str(t): area_code(a) for t, _, a in teams},
        )

    def dims(self) -> list[Dim]:
        return list(self._dims)

    @functools.cached_property
    def _dims(self) -> tuple[Dim, ...]:
        # Worked out once per request: at the nation's 2,500 teams in 312 areas, matching
        # every team against every area took 0.4 s each time (#14).
        members: dict[str, list[str]] = {}
        for t in self.teams:
            members.setdefault(self.team_area[t], []).append(t)
        groups = tuple(
            (code, tuple(members[code])) for a in self.areas if (code := area_code(a)) in members
        )
        return (
            Dim("team", self.teams, groups=groups),
            Dim("age", AGE_GROUPS),
            Dim("reason", SUPPORT_REASONS),
        )


def area_code(area_id) -> str:
    return f"area:{area_id}"


def snapshot_key(
    measure: Measure, period: Period, today: datetime.date, axes: FilterAxes, limit: int
) -> str:
    """What a table's figures depend on besides the records: the table, the period (up
    to today), the threshold and the teams in their areas."""
    return hashlib.sha256(
        repr(
            (
                measure.key,
                # The table's shape: figures stored for another shape are not read.
                measure.row_axis(period).dim(),
                measure.columns.dim() if measure.columns else None,
                period.code,
                period.start,
                min(period.end, today),
                limit,
                axes.teams,
                sorted(axes.team_area.items()),
                SUPPORT_REASONS,
                APART,
                # A table whose counts are another's: figures stored before are not read.
                *((f"counts as {measure.counts_as.key}",) if measure.counts_as else ()),
            )
        ).encode()
    ).hexdigest()


def cube_cells(measure: Measure, period: Period, axes: FilterAxes) -> int:
    """How many cells the table's cube has (every coordinate of every dimension): what
    computing and protecting it costs grows with this."""
    dims = [*axes.dims(), measure.row_axis(period).dim()]
    if measure.columns is not None:
        dims.append(measure.columns.dim())
    cells = math.prod(len(d.coords) for d in dims)
    if measure.counts_as is not None:
        cells += cube_cells(measure.counts_as, period, axes)
    return cells


def protected_across() -> frozenset[str]:
    """The tables protected together across tables and periods (#14, AGG-2, ADR 0038):
    every table of each group of linked tables (`linked.groups`) that
    GOLDENTHREAD_REPORTS_PROTECT_ACROSS names ("all", the default: every table). A name
    that is no table is refused (ImproperlyConfigured), not ignored."""
    return _protected_across(frozenset(settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS))


@functools.cache
def _protected_across(wanted: frozenset[str]) -> frozenset[str]:
    every = sorted(m.key for m in (PEOPLE, *MEASURES))
    if "all" in wanted:
        return frozenset(every)
    unknown = wanted - set(every)
    if unknown:
        # A setting, not a period nor a bug: said as such, at start-up too (checks.py).
        raise ImproperlyConfigured(
            "GOLDENTHREAD_REPORTS_PROTECT_ACROSS names an unknown table: "
            + ", ".join(sorted(unknown))
            + " (known: "
            + ", ".join(every)
            + '; or "all", or "none" alone)'
        )
    return frozenset(k for group in linked.groups(every) if wanted & set(group) for k in group)


def in_background(measure: Measure, period: Period, axes: FilterAxes) -> bool:
    """Whether the table's figures are never computed while someone waits, but by the
    background worker or `refresh-reports` (#14): when they are protected together with
    the other tables and periods (`protected_across`, AGG-2: a table computed alone in a
    request would drop what hides it from the others), or when the table is too large
    (OPS-3: more cells than GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS). With the store off
    (GOLDENTHREAD_REPORTS_CACHE_SECONDS=0) nothing is kept to serve, so each request
    computes every table on its own."""
    if snapshots.enabled() and measure.key in protected_across():
        return True
    return cube_cells(measure, period, axes) > settings.GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS


def figures(
    measure: Measure,
    period: Period,
    today: datetime.date,
    axes: FilterAxes,
    limit: int | None = None,
    *,
    mark: int | None = None,
) -> snapshots.Figures:
    """The protected cube of one table for one period, as stored by `refresh` or the
    last request that computed it, with when it was computed (snapshots.py): the same
    cube for every filter, role and CSV. A table too large to compute in a request is
    asked for in the background (`in_background`): `snapshots.FiguresPreparing` when
    nothing is stored for it yet."""
    limit = limit or threshold()
    prepare = None
    if in_background(measure, period, axes):
        prepare = functools.partial(tasks.ask_to_prepare, period.code, today)
    return snapshots.figures(
        snapshot_key(measure, period, today, axes, limit),
        measure.key,
        period.code,
        lambda: _build(measure, period, today, axes, limit),
        mark=mark,
        prepare=prepare,
    )


def build(
    measure: Measure,
    period: Period,
    today: datetime.date,
    axes: FilterAxes,
    limit: int | None = None,
) -> ProtectedCube:
    cube = figures(measure, period, today, axes, limit).cube
    assert isinstance(cube, ProtectedCube)  # a whole cube: only a page reads slices
    return cube


def _build(
    measure: Measure, period: Period, today: datetime.date, axes: FilterAxes, limit: int
) -> ProtectedCube:
    row_axis = measure.row_axis(period)
    dims = [*axes.dims(), row_axis.dim()]
    if measure.money:
        counted = None
        if measure.counts_as is not None:
            # Its counts with the other table's pattern (#14, AGG-2); protected on their
            # own when that table is withheld whole (it publishes nothing to compare).
            shared = _build(measure.counts_as, period, today, axes, limit)
            counted = None if shared.withheld else _face(shared, FILTERS)
        return _money_cube(measure, period, today, dims, limit, counted)
    if measure.columns is not None:
        dims.append(measure.columns.dim())
    end = min(period.end, today)
    counts: Counter = Counter()
    for unit in measure.units(period, today):
        team_id, reason, born, *rest = unit  # the area is the team's (FilterAxes)
        counts[(str(team_id), age_group(born, end), reason_code(reason), *rest)] += 1
    return protect_counts(dims, counts, limit, apart=APART, selectable=FILTERS)


def _cells_at(cube: ProtectedCube, where: Callable, drop: Callable):
    """The counts of `cube`'s cells `where` says, keyed by `drop(key)`: a sparse cube's
    from its non-zero cells (#14: not walking every cell of it), as a sparse cube of the
    dimensions left."""
    if isinstance(cube.values, Counts):
        dims = drop(cube.dims)
        return Counts(dims, {drop(k): v for k, v in cube.values.nonzero.items() if where(k)})
    return {drop(k): v for k, v in cube.values.items() if where(k)}


def _face(cube: ProtectedCube, axis: int) -> ProtectedCube:
    """The cells of `cube` at the total of its dimension `axis` (a table's rows, after the
    filters), as a cube of their own with the statuses they have in `cube` (#14): a table
    whose counts are another table's column totals publishes them exactly as that table
    does. (Protecting them again on their own gave a second pattern: a count hidden in
    one and shown in the other undid the first one's boxes, and small counts of budget
    decisions could be worked out from the two tables together.)"""
    if axis < cube.selectable or not cube.dims[axis].additive:
        raise ValueError("A face is taken at the total of an additive dimension after the filters")

    def drop(key):
        return (*key[:axis], *key[axis + 1 :])

    return ProtectedCube(
        dims=(*cube.dims[:axis], *cube.dims[axis + 1 :]),
        threshold=cube.threshold,
        values=_cells_at(cube, lambda k: k[axis] == TOTAL, drop),
        small=frozenset(drop(k) for k in cube.small if k[axis] == TOTAL),
        hidden=frozenset(drop(k) for k in cube.hidden if k[axis] == TOTAL),
        withheld=cube.withheld,
        apart=cube.apart,
        withheld_selections=cube.withheld_selections,
        selectable=cube.selectable,
    )


def _money_cube(
    measure: Measure,
    period: Period,
    today: datetime.date,
    dims: list[Dim],
    limit: int,
    counted: ProtectedCube | None = None,
) -> ProtectedCube:
    """Counts and sums (whole pounds) in one cube with a last, non-additive dimension
    ("count", "amount"). The counts are protected as any table's; each sum is hidden
    exactly where its count is (a count from 1 to threshold-1, or hidden so that one cannot
    be worked out, or the whole table withheld). The hypercube moves that keep a small
    count from being worked out keep its sum from being worked out too: moving an amount
    round the same corners changes no published sum. `counted`: the counts already
    protected, as another table publishes them (`Measure.counts_as`)."""
    columns = measure.columns or MONEY_COLUMNS
    amounts = columns.categories[1:]  # after "count": one sum per amount in each unit
    end = min(period.end, today)
    counts: Counter = Counter()
    sums: dict[str, Counter] = {a: Counter() for a in amounts}
    for unit in measure.units(period, today):
        team_id, reason, born, *rest = unit[: len(unit) - len(amounts)]
        key = (str(team_id), age_group(born, end), reason_code(reason), *rest)
        counts[key] += 1
        for name, amount in zip(amounts, unit[len(unit) - len(amounts) :], strict=True):
            sums[name][key] += int(amount)
    if counted is None:
        counted = protect_counts(dims, counts, limit, apart=APART, selectable=FILTERS)
    elif counted.dims != tuple(dims):
        raise ValueError(f"{measure.key}: its counts are not {measure.counts_as} by {dims}")
    summed = {a: build_cube(dims, sums[a]) for a in amounts}
    values: dict = {}
    for key, n in counted.values.items():
        values[(*key, "count")] = n
        for a in amounts:
            values[(*key, a)] = summed[a][key]
    return _with_counts(values, columns.dim(), counted)


def _with_counts(values: dict, columns: Dim, counted: ProtectedCube) -> ProtectedCube:
    """A money cube (`values`, its last dimension `columns`: "count" then the sums) with
    each cell's status its count's in `counted`."""
    every = columns.categories
    return ProtectedCube(
        dims=(*counted.dims, columns),
        threshold=counted.threshold,
        values=values,
        small=frozenset((*k, w) for k in counted.small for w in every),
        hidden=frozenset((*k, w) for k in counted.hidden for w in every),
        withheld=counted.withheld,
        apart=counted.apart,
        withheld_selections=counted.withheld_selections,
        selectable=counted.selectable,
        extra=counted.extra,
        withhold=counted.withhold,
    )


def _counts_of(money: ProtectedCube) -> ProtectedCube:
    """The count column of a money cube as a cube of its own, with its statuses."""

    def drop(key):
        return key[:-1]

    return ProtectedCube(
        dims=money.dims[:-1],
        threshold=money.threshold,
        values=_cells_at(money, lambda k: k[-1] == "count", drop),
        small=frozenset(drop(k) for k in money.small if k[-1] == "count"),
        hidden=frozenset(drop(k) for k in money.hidden if k[-1] == "count"),
        withheld=money.withheld,
        apart=money.apart,
        withheld_selections=money.withheld_selections,
        selectable=money.selectable,
        extra=money.extra,
        withhold=money.withhold,
    )


# -- Across tables and periods (#14, AGG-2: reports/linked.py) ------------------------


def linked_only(cubes: dict) -> dict[str, dict[int, str]]:
    """The cells of each money table a reader can play off against others: its counts."""
    return {
        key: {len(cube.dims) - 1: "count"} for (key, _), cube in cubes.items() if BY_KEY[key].money
    }


def linked_rebuild(
    cubes: dict, name: tuple[str, str], extra: set, withhold: frozenset = frozenset()
) -> None:
    """Protect cube `name` again with `extra` hidden too and the selections `withhold`
    withheld (`linked.protect_linked`). The money table's counts are its `counts_as`
    table's face: the extra cells and the selections go to that table (at the total of
    its rows; its filters are the money table's), unless it is withheld whole and the
    counts are protected on their own."""
    key, code = name
    measure = BY_KEY[key]
    cube = cubes[name]
    if not measure.money:
        cubes[name] = linked.reprotect(cube, extra, withhold)
        return
    counts = _counts_of(cube)
    mine = {k[:-1] for k in extra if k[-1] == "count"}  # the counts' keys
    other = measure.counts_as.key if measure.counts_as else None
    shared = cubes.get((other, code)) if other else None
    if shared is not None and not shared.withheld:
        at = len(shared.dims) - 2  # the other table's rows: its counts are their total
        more = {(*k[:at], TOTAL, *k[at:]) for k in mine}
        cubes[(other, code)] = linked.reprotect(shared, more, withhold)
        linked_follow(cubes)
        return
    cubes[name] = _with_counts(cube.values, cube.dims[-1], linked.reprotect(counts, mine, withhold))


def linked_follow(cubes: dict) -> None:
    """Make the money tables' counts their `counts_as` table's face again."""
    for (key, code), cube in list(cubes.items()):
        measure = BY_KEY[key]
        if not (measure.money and measure.counts_as):
            continue
        shared = cubes.get((measure.counts_as.key, code))
        if shared is None or shared.withheld or cube.withheld:
            continue
        cubes[(key, code)] = _with_counts(cube.values, cube.dims[-1], _face(shared, FILTERS))


# -- What is counted ---------------------------------------------------------------

# Each unit starts with the person's team, main reason for support and date of birth.
_P = ("person__team_id", "person__support_reason", "person__date_of_birth")


def _in(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def _either(name: str, first: tuple[str, str], second: tuple[str, str]) -> Axis:
    """An axis of two categories, each (key, label), in that order: a unit is one or the
    other, so the rows add up."""
    return Axis(name, (first[0], second[0]), dict((first, second)))


def people_units(period: Period, today: datetime.date):
    """Everyone with a record made by the end of the period."""
    end = min(period.end, today)
    for row in (
        Person.objects.filter(created_at__date__lte=end)
        .values_list("team_id", "support_reason", "date_of_birth")
        .iterator(chunk_size=5000)
    ):
        yield (*row, "people")


PEOPLE = Measure(
    key="people",
    title="People with a record",
    counted="people",
    rows=Axis("what", ("people",), {"people": "People"}, additive=False),
    units=people_units,
    chart=False,
)


def _outcomes(period: Period):
    return Outcome.objects.filter(_in(period, "conversation__held_on")).exclude(
        status=OutcomeStatus.REPLACED
    )


def quality_units(period: Period, today: datetime.date):
    for *p, codes in _outcomes(period).values_list(*_P, "checker_codes").iterator(chunk_size=5000):
        yield (*p, "flagged" if codes else "well_written")


OUTCOME_QUALITY = Measure(
    key="outcome-quality",
    title="Outcomes recorded, and what the outcome checker found",
    counted="outcomes",
    rows=_either(
        "checker",
        ("well_written", "Well written (no checker flags)"),
        ("flagged", "At least one checker flag"),
    ),
    units=quality_units,
    note="Outcomes first written in a conversation held in the period (not ones rewritten since).",
)


def _domain_axis(period: Period) -> Axis:
    labels = {
        d.key: f"{d.label} ({'adult' if d.framework == 'adult' else 'SHANARRI'})" for d in domains()
    }
    return Axis("domain", (*labels, "none"), {**labels, "none": "Not coded to a domain"})


def outcome_domain_units(period: Period, today: datetime.date):
    known = domain_labels()
    for *p, domain in _outcomes(period).values_list(*_P, "domain").iterator(chunk_size=5000):
        yield (*p, domain if domain in known else "none")


OUTCOME_DOMAINS = Measure(
    key="outcome-domains",
    title="Outcomes by national domain",
    counted="outcomes",
    rows=_domain_axis,
    units=outcome_domain_units,
    note="Adults: the personal outcomes of the Talking Points approach; children and young "
    "people: the GIRFEC wellbeing indicators (SHANARRI). The practitioner chooses.",
)


def matters_domain_units(period: Period, today: datetime.date):
    known = domain_labels()
    rows = MattersItem.objects.filter(
        _in(period, "conversation__held_on"), kind=MattersKind.WHAT
    ).values_list(*_P, "domain")
    for *p, domain in rows.iterator(chunk_size=5000):
        yield (*p, domain if domain in known else "none")


WHAT_MATTERS_DOMAINS = Measure(
    key="what-matters-domains",
    title="What matters to people, by national domain",
    counted="what matters items",
    rows=_domain_axis,
    units=matters_domain_units,
    note="What people said matters to them, in conversations held in the period.",
)

FLAG_CODES = tuple(CODE_LABELS)


def flag_units(period: Period, today: datetime.date):
    for *p, codes in _outcomes(period).values_list(*_P, "checker_codes").iterator(chunk_size=5000):
        for code in sorted(set(codes or ())):
            if code in CODE_LABELS:
                yield (*p, code)


OUTCOME_FLAGS = Measure(
    key="outcome-flags",
    title="Outcomes by checker flag",
    counted="outcomes",
    rows=Axis("flag", FLAG_CODES, dict(CODE_LABELS), additive=False),
    units=flag_units,
    note="An outcome can have more than one flag, so these rows do not add up to a total.",
)

_LIVE_SOLUTIONS = (SolutionStatus.AGREED, SolutionStatus.IN_PLACE, SolutionStatus.TRIED_AND_STOPPED)
STEPS = tuple(SupportStep.values)


def step_units(period: Period, today: datetime.date):
    rows = Solution.objects.filter(
        _in(period, "outcome__conversation__held_on"), status__in=_LIVE_SOLUTIONS
    ).values_list(*_P, "step")
    yield from rows.iterator(chunk_size=5000)


SUPPORT_STEPS = Measure(
    key="support-steps",
    title="Solutions agreed, by step of the Support Sequence",
    counted="solutions",
    rows=Axis("step", STEPS, dict(SupportStep.choices)),
    units=step_units,
    note="Solutions agreed, in place or tried, for outcomes recorded in the period.",
)


def met_units(period: Period, today: datetime.date):
    """Outcomes achieved, by whether any of their solutions was paid for (Std 9.2)."""
    achieved = Outcome.objects.filter(
        _in(period, "conversation__held_on"), status=OutcomeStatus.ACHIEVED
    )
    paid = set(
        Solution.objects.filter(
            outcome__in=achieved, status__in=_LIVE_SOLUTIONS, cost__gt=0
        ).values_list("outcome_id", flat=True)
    )
    for outcome_id, *p in achieved.values_list("id", *_P).iterator(chunk_size=5000):
        yield (*p, "paid" if outcome_id in paid else "unpaid")


MET_WITHOUT_PAID = Measure(
    key="met-without-paid-support",
    title="Outcomes achieved, with and without paid support",
    counted="outcomes",
    rows=_either(
        "paid",
        ("unpaid", "Achieved without paid support"),
        ("paid", "Achieved with some paid support"),
    ),
    units=met_units,
    note="Paid support: any solution for the outcome with a cost above £0.",
)

OPTIONS = tuple(SdsOption.values)
OPTION_LABELS = dict(SdsOption.choices)


def explained_units(period: Period, today: datetime.date):
    rows = (
        OptionExplanation.objects.filter(explained=True)
        .filter(_in(period, "explained_on"))
        .values_list(*_P, "option")
    )
    yield from rows.iterator(chunk_size=5000)


SDS_EXPLAINED = Measure(
    key="sds-explained",
    title="SDS options explained",
    counted="people",
    rows=Axis("option", OPTIONS, OPTION_LABELS, additive=False),
    units=explained_units,
    note="A person is usually told about every option, so these rows do not add up.",
)


def chosen_units(period: Period, today: datetime.date):
    # The selection the national SDS return is drawn from too (source_extract, #14).
    rows = chosen_choices().filter(_in(period, "chosen_on"))
    yield from rows.values_list(*_P, "chosen_option").iterator(chunk_size=5000)


SDS_CHOSEN = Measure(
    key="sds-chosen",
    title="SDS options chosen",
    counted="people",
    rows=Axis("option", OPTIONS, OPTION_LABELS),
    units=chosen_units,
)

MIXES = ("1+2", "1+3", "2+3", "1+2+3", "other")
MIX_LABELS = {
    "1+2": "Options 1 and 2",
    "1+3": "Options 1 and 3",
    "2+3": "Options 2 and 3",
    "1+2+3": "Options 1, 2 and 3",
    "other": "Mix not yet set out",
}


def mix_units(period: Period, today: datetime.date):
    choices = SdsChoice.objects.filter(chosen_option=SdsOption.OPTION_4).filter(
        _in(period, "chosen_on")
    )
    parts: dict = {}
    for choice_id, option in MixPart.objects.filter(choice__in=choices).values_list(
        "choice_id", "option"
    ):
        parts.setdefault(choice_id, set()).add(option[-1])
    for choice_id, *p in choices.values_list("id", *_P):
        key = "+".join(sorted(parts.get(choice_id, ())))
        yield (*p, key if key in MIX_LABELS else "other")


SDS_MIXES = Measure(
    key="sds-mixes",
    title="Option 4: the mixes chosen",
    counted="people",
    rows=Axis("mix", MIXES, MIX_LABELS),
    units=mix_units,
)


def first_choice_units(period: Period, today: datetime.date):
    rows = FirstChoiceNotDelivered.objects.filter(_in(period, "unmet_need__identified_on"))
    for *p, first, accepted in rows.values_list(*_P, "first_choice", "alternative_accepted"):
        yield (*p, first, accepted or Accepted.UNDECIDED.value)


FIRST_CHOICE = Measure(
    key="first-choice-not-delivered",
    title="First choice of SDS option not delivered, and whether the alternative was accepted",
    counted="people",
    rows=Axis("first", OPTIONS, OPTION_LABELS),
    columns=Axis(
        "accepted",
        tuple(Accepted.values),
        dict(Accepted.choices),
        heading="The alternative offered",
    ),
    units=first_choice_units,
    note="Recorded with the unmet need identified in the period. Why it could not be "
    "delivered is counted by reason in the unmet need table.",
)

CATEGORIES = tuple(NeedCategory.values)
REASONS = tuple(UnmetReason.values)


def unmet_units(period: Period, today: datetime.date):
    rows = UnmetNeed.objects.filter(_in(period, "identified_on"))
    yield from rows.values_list(*_P, "category", "reason").iterator(chunk_size=5000)


UNMET_NEED = Measure(
    key="unmet-need",
    title="Unmet need, by kind of need and reason",
    counted="needs",
    rows=Axis("category", CATEGORIES, dict(NeedCategory.choices)),
    # Not "reason": that is the main reason for support, a filter kept apart from team.
    columns=Axis("unmet_reason", REASONS, dict(UnmetReason.choices), heading="Why it is not met"),
    units=unmet_units,
    note="Needs identified in the period.",
)


def _month_axis(period: Period) -> Axis:
    codes = tuple(f"{y}-{m:02d}" for y, m in period.months())
    return Axis(
        "month", codes, {f"{y}-{m:02d}": f"{MONTHS[m - 1]} {y}" for y, m in period.months()}
    )


def unmet_trend_units(period: Period, today: datetime.date):
    rows = UnmetNeed.objects.filter(_in(period, "identified_on")).values_list(
        *_P, "identified_on", "met_on"
    )
    end = min(period.end, today)
    for team, reason, born, identified, met in rows.iterator(chunk_size=5000):
        month = f"{identified.year}-{identified.month:02d}"
        yield (team, reason, born, month, "met" if met and met <= end else "not_met")


UNMET_TREND = Measure(
    key="unmet-need-trend",
    title="Unmet need identified each month",
    counted="needs",
    rows=_month_axis,
    columns=Axis(
        "met",
        ("met", "not_met"),
        {"met": "Met since", "not_met": "Not yet met"},
        heading="By the end of the period",
    ),
    units=unmet_trend_units,
)

TIME_BANDS = ("30", "90", "180", "more", "not_met")
TIME_LABELS = {
    "30": "Met within 30 days",
    "90": "Met in 31 to 90 days",
    "180": "Met in 91 to 180 days",
    "more": "Met after more than 180 days",
    "not_met": "Not met yet",
}


def _band(days: int) -> str:
    return "30" if days <= 30 else "90" if days <= 90 else "180" if days <= 180 else "more"


def time_to_met_units(period: Period, today: datetime.date):
    rows = UnmetNeed.objects.filter(_in(period, "identified_on")).values_list(
        *_P, "identified_on", "met_on"
    )
    for team, reason, born, identified, met in rows.iterator(chunk_size=5000):
        band = _band((met - identified).days) if met and met <= today else "not_met"
        yield (team, reason, born, band)


UNMET_TIME = Measure(
    key="unmet-need-time-to-met",
    title="How long unmet need took to be met",
    counted="needs",
    rows=Axis("band", TIME_BANDS, TIME_LABELS),
    units=time_to_met_units,
    note="Needs identified in the period, as they stand today.",
)

RATINGS = tuple(Rating.values)
PERSON_RATINGS = (*RATINGS, "not_asked")
RATING_LABELS = dict(Rating.choices)


def progress_units(period: Period, today: datetime.date):
    reviews = Review.objects.filter(status=ReviewStatus.COMPLETED).filter(_in(period, "held_on"))
    theirs: dict = {}
    for review_id, outcome_id, rating in (
        PersonView.objects.filter(review__in=reviews)
        .order_by("at")
        .values_list("review_id", "outcome_id", "rating")
    ):
        if rating:
            theirs[(review_id, outcome_id)] = rating  # the latest view counts
    rows = OutcomeReview.objects.filter(review__in=reviews).values_list(
        "review_id", "outcome_id", *_P, "rating"
    )
    for review_id, outcome_id, team, reason, born, rating in rows.iterator(chunk_size=5000):
        yield (team, reason, born, rating, theirs.get((review_id, outcome_id), "not_asked"))


REVIEW_PROGRESS = Measure(
    key="review-progress",
    title="Outcome progress at review: the worker's rating and the person's",
    counted="outcomes reviewed",
    rows=Axis("worker", RATINGS, RATING_LABELS),
    columns=Axis(
        "person",
        PERSON_RATINGS,
        {**RATING_LABELS, "not_asked": "Not recorded"},
        heading="The person's rating",
    ),
    units=progress_units,
    note="Rows: the worker's rating. Columns: the person's own rating. Where they differ "
    "is off the diagonal.",
    chart=False,
)

TIMELINESS = ("on_time", "overdue", "never")
TIMELINESS_LABELS = {
    "on_time": "Reviewed, next review not yet due",
    "overdue": "Review overdue",
    "never": "Never reviewed",
}


def timeliness_units(period: Period, today: datetime.date):
    """People with at least one outcome, as they stood at the end of the period."""
    end = min(period.end, today)
    people = Person.objects.filter(outcomes__conversation__held_on__lte=end).distinct()
    reviewed = set(
        Review.objects.filter(status=ReviewStatus.COMPLETED, held_on__lte=end).values_list(
            "person_id", flat=True
        )
    )
    due = dict(ReviewSchedule.objects.values_list("person_id", "next_review_on"))
    latest_next: dict = {}
    for pid, next_on in (
        Review.objects.filter(status=ReviewStatus.COMPLETED, held_on__lte=end)
        .order_by("held_on")
        .values_list("person_id", "next_review_on")
    ):
        latest_next[pid] = next_on
    for pid, team, reason, born in people.values_list(
        "id", "team_id", "support_reason", "date_of_birth"
    ):
        if pid not in reviewed:
            yield (team, reason, born, "never")
            continue
        next_on = latest_next.get(pid) or due.get(pid)
        yield (team, reason, born, "overdue" if next_on and next_on < end else "on_time")


REVIEW_TIMELINESS = Measure(
    key="review-timeliness",
    title="Review timeliness",
    counted="people",
    rows=Axis("timeliness", TIMELINESS, TIMELINESS_LABELS),
    units=timeliness_units,
    note="People with at least one outcome, at the end of the period.",
)

DECISION_BANDS = ("7", "28", "56", "more")
DECISION_LABELS = {
    "7": "Within 7 days",
    "28": "In 8 to 28 days",
    "56": "In 29 to 56 days",
    "more": "After more than 56 days",
}


def _decision_band(days: int) -> str:
    return "7" if days <= 7 else "28" if days <= 28 else "56" if days <= 56 else "more"


# The answer to a budget request (#13, #14): agreed as asked, or the decision panel agreed a
# different amount — both agreed, each with its own line and "Agreed" their subtotal — or
# not agreed. (Not agreed is a group of one, so it has no subtotal line of its own.)
AGREED_DIFFERENT = "agreed_different"
DECISION_AXIS = Axis(
    "decision",
    (RequestStatus.APPROVED.value, AGREED_DIFFERENT, RequestStatus.DECLINED.value),
    {
        RequestStatus.APPROVED.value: "Agreed as asked",
        AGREED_DIFFERENT: "Agreed, a different amount",
        "agreed": "Agreed",
        RequestStatus.DECLINED.value: "Not agreed",
        "not_agreed": "Not agreed",
    },
    heading="Decision",
    groups=(
        ("agreed", (RequestStatus.APPROVED.value, AGREED_DIFFERENT)),
        ("not_agreed", (RequestStatus.DECLINED.value,)),
    ),
)


def _answer(status: str, agreed_per_year) -> str:
    if status == RequestStatus.APPROVED and agreed_per_year is not None:
        return AGREED_DIFFERENT
    return status


def _decided_requests(period: Period):
    return BudgetRequest.objects.filter(
        status__in=(RequestStatus.APPROVED, RequestStatus.DECLINED),
        decided_at__date__gte=period.start,
        decided_at__date__lte=period.end,
    )


def decision_units(period: Period, today: datetime.date):
    rows = _decided_requests(period).values_list(
        *_P, "submitted_at", "decided_at", "status", "agreed_per_year"
    )
    for team, reason, born, submitted, decided, status, agreed in rows.iterator(chunk_size=5000):
        band = _decision_band((decided - submitted).days)
        yield (team, reason, born, band, _answer(status, agreed))


BUDGET_DECISIONS = Measure(
    key="budget-decisions",
    title="Budget decisions: how long they took, and the answer",
    counted="budget requests",
    rows=Axis("wait", DECISION_BANDS, DECISION_LABELS),
    columns=DECISION_AXIS,
    units=decision_units,
    note="Requests decided in the period, from the day they were made. A budget the "
    "decision panel agreed at a different amount from the one asked is agreed.",
)


def panel_units(period: Period, today: datetime.date):
    limit = settings.GOLDENTHREAD_PANEL_MAX_WAIT_DAYS
    rows = BudgetRequest.objects.filter(
        referred_at__isnull=False,
        decided_at__date__gte=period.start,
        decided_at__date__lte=period.end,
    ).values_list(*_P, "referred_at", "decided_at")
    for team, reason, born, referred, decided in rows.iterator(chunk_size=5000):
        yield (team, reason, born, "within" if (decided - referred).days <= limit else "over")


def _panel_axis(period: Period) -> Axis:
    limit = settings.GOLDENTHREAD_PANEL_MAX_WAIT_DAYS
    return Axis(
        "panel",
        ("within", "over"),
        {
            "within": f"Decided within {limit} days of referral",
            "over": f"Waited more than {limit} days",
        },
    )


PANEL_WAITS = Measure(
    key="panel-waits",
    title="Decision panel waits against the agreed maximum",
    counted="budget requests",
    rows=_panel_axis,
    units=panel_units,
    note="Requests the decision panel decided in the period (Standard 8.10).",
)

ADVOCACY_STAGES = ("identified", "offered", "accepted", "referred", "started")
ADVOCACY_LABELS = {
    "identified": "Need for independent advocacy identified",
    "offered": "Advocacy offered",
    "accepted": "Offer accepted",
    "referred": "Referred to an advocacy provider",
    "started": "An advocate started",
}


def advocacy_units(period: Period, today: datetime.date):
    """Each need for advocacy identified in the period, at every stage it has reached
    (as accountability.selectors.advocacy_counts counts them)."""
    rows = Advocacy.objects.filter(_in(period, "identified_on")).values_list(
        *_P, "answer", "referred_on", "started_on"
    )
    for team, reason, born, answer, referred, started in rows.iterator(chunk_size=5000):
        yield (team, reason, born, "identified")
        if answer != AdvocacyAnswer.NOT_OFFERED:
            yield (team, reason, born, "offered")
        if answer == AdvocacyAnswer.ACCEPTED:
            yield (team, reason, born, "accepted")
        if referred is not None:
            yield (team, reason, born, "referred")
        if started is not None:
            yield (team, reason, born, "started")


ADVOCACY = Measure(
    key="advocacy",
    title="Independent advocacy: identified, offered, accepted, referred and started",
    counted="needs for advocacy",
    rows=Axis("stage", ADVOCACY_STAGES, ADVOCACY_LABELS, additive=False),
    units=advocacy_units,
    note="Needs identified in the period, at each stage they have reached so far, so these "
    "rows do not add up (Standard 1.11).",
)

CHALLENGE_ANSWERS = ("open", *ChallengeOutcome.values)


def challenge_units(period: Period, today: datetime.date):
    rows = Challenge.objects.filter(_in(period, "raised_on")).values_list(
        *_P, "stage", "state", "outcome"
    )
    for team, reason, born, stage, state, outcome in rows.iterator(chunk_size=5000):
        answered = state == ChallengeState.ANSWERED and outcome in ChallengeOutcome.values
        yield (team, reason, born, stage, outcome if answered else "open")


CHALLENGES = Measure(
    key="challenges",
    title="Challenges and complaints, by stage and outcome",
    counted="challenges",
    rows=Axis("stage", tuple(Stage.values), dict(Stage.choices)),
    columns=Axis(
        "answer",
        CHALLENGE_ANSWERS,
        {"open": "Not answered yet", **dict(ChallengeOutcome.choices)},
        heading="Outcome",
    ),
    units=challenge_units,
    note="Challenges received in the period, by the stage they have reached (Standard 5.11).",
)

TRANSITION_STATES = ("made", "planned")


def _transitions(period: Period, today: datetime.date):
    """Moves planned for the period, by kind, whether each has happened yet and whether it
    is planned around one of the person's outcomes (Standard 10; a move with no outcome is
    a broken link on the golden thread)."""
    planned = Transition.objects.filter(_in(period, "planned_on"))
    linked = set(
        Transition.outcomes.through.objects.filter(
            transition_id__in=planned.values("pk")
        ).values_list("transition_id", flat=True)
    )
    rows = planned.values_list(*_P, "kind", "actual_on", "pk")
    for team, reason, born, kind, actual, pk in rows.iterator(chunk_size=5000):
        state = "made" if actual is not None and actual <= today else "planned"
        yield (team, reason, born, kind, state, "linked" if pk in linked else "no_outcome")


def transition_units(period: Period, today: datetime.date):
    for *unit, _linked in _transitions(period, today):
        yield tuple(unit)


def transition_link_units(period: Period, today: datetime.date):
    for team, reason, born, _kind, _state, link in _transitions(period, today):
        yield (team, reason, born, link)


TRANSITIONS = Measure(
    key="transitions",
    title="Moves planned around outcomes: into adult services, care homes, other areas",
    counted="moves",
    rows=Axis("kind", tuple(TransitionKind.values), dict(TransitionKind.choices)),
    columns=Axis(
        "state",
        TRANSITION_STATES,
        {"made": "Happened", "planned": "Still to happen"},
        heading="The move",
    ),
    units=transition_units,
    note="Moves planned for a date in the period, by whether they have happened yet "
    "(Standard 10). The next table says how many are planned around an outcome.",
)

TRANSITIONS_LINKED = Measure(
    key="transitions-outcomes",
    title="Moves planned around one of the person's outcomes",
    counted="moves",
    rows=Axis(
        "linked",
        ("linked", "no_outcome"),
        {"linked": "Linked to an outcome", "no_outcome": "Linked to no outcome"},
    ),
    units=transition_link_units,
    chart=False,
    note="A move planned around none of the person's outcomes is a broken link on the "
    "golden thread (Standard 10).",
)

AGREEMENT_ANSWERS = (*Agreed.values, "not_recorded")


def agreement_units(period: Period, today: datetime.date):
    """Outcomes recorded in the period, by whether the person (or their family or proxy)
    agreed them, as the newest agreement recorded says (Standards 4.1, 4.2)."""
    newest = (
        Agreement.objects.filter(outcome=OuterRef("pk"))
        .order_by("-agreed_on", "-at")
        .values("agreed")[:1]
    )
    rows = _outcomes(period).annotate(agreed_now=Subquery(newest)).values_list(*_P, "agreed_now")
    for team, reason, born, agreed in rows.iterator(chunk_size=5000):
        yield (team, reason, born, agreed or "not_recorded")


OUTCOME_AGREEMENT = Measure(
    key="outcome-agreement",
    title="Outcomes agreed with the person",
    counted="outcomes",
    rows=Axis(
        "agreed",
        AGREEMENT_ANSWERS,
        {**dict(Agreed.choices), "not_recorded": "Agreement not recorded"},
    ),
    units=agreement_units,
    note="Outcomes from conversations held in the period, by the newest answer recorded "
    "for each: the person, their family or a proxy agreed it, agreed some of it, did not, "
    "or no answer is recorded yet (Standards 4.1, 4.2).",
)

MONEY_COLUMNS = Axis(
    "money",
    ("count", "amount"),
    {"count": "Number of requests", "amount": "Their budgets, £ a year"},
    additive=False,
    heading="",
)


BUDGET_MONEY_COLUMNS = Axis(
    "money",
    ("count", "requested", "agreed_amount"),
    {
        "count": "Number of requests",
        "requested": "Budgets asked for, £ a year",
        "agreed_amount": "Budgets agreed, £ a year",
    },
    additive=False,
    heading="",
)


def budget_amount_units(period: Period, today: datetime.date):
    """Budgets decided in the period, each with the yearly amount asked for and the yearly
    amount agreed: the amount asked, or the different amount the decision panel agreed; £0
    for a budget not agreed."""
    rows = _decided_requests(period).values_list(*_P, "status", "agreed_per_year", "total_per_year")
    for team, reason, born, status, agreed, total in rows.iterator(chunk_size=5000):
        answer = _answer(status, agreed)
        if answer == RequestStatus.DECLINED:
            granted = 0
        else:
            granted = round(agreed if agreed is not None else total)
        yield (team, reason, born, answer, round(total), granted)


BUDGET_AMOUNTS = Measure(
    key="budget-amounts",
    title="Budgets agreed against budgets requested",
    counted="budget requests and pounds a year",
    rows=DECISION_AXIS,
    columns=BUDGET_MONEY_COLUMNS,
    units=budget_amount_units,
    money=True,
    # The number of requests is budget decisions' column totals: published as they are.
    counts_as=BUDGET_DECISIONS,
    chart=False,
    note="Requests decided in the period, with the yearly amount asked for and the yearly "
    "amount agreed, each to the nearest pound: the panel may agree a different amount "
    "from the one asked. A sum is not shown wherever the number of requests behind it is "
    "not shown.",
)

MEASURES: tuple[Measure, ...] = (
    WHAT_MATTERS_DOMAINS,
    OUTCOME_DOMAINS,
    OUTCOME_QUALITY,
    OUTCOME_FLAGS,
    SUPPORT_STEPS,
    MET_WITHOUT_PAID,
    SDS_EXPLAINED,
    SDS_CHOSEN,
    SDS_MIXES,
    FIRST_CHOICE,
    UNMET_NEED,
    UNMET_TREND,
    UNMET_TIME,
    REVIEW_PROGRESS,
    REVIEW_TIMELINESS,
    BUDGET_DECISIONS,
    BUDGET_AMOUNTS,
    PANEL_WAITS,
    ADVOCACY,
    CHALLENGES,
    TRANSITIONS,
    TRANSITIONS_LINKED,
    OUTCOME_AGREEMENT,
)
BY_KEY = {m.key: m for m in (PEOPLE, *MEASURES)}
