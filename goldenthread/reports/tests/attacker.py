"""An attacker across tables and periods (#14, AGG-2), for the tests and for a run against a
whole database's reports.

`oracle.possible_values` searches every table of whole numbers that agrees with one cube;
that is exact but small. This attacker is the other way round: it reads *everything* a
reader can see at once — every cell of every table, for every period the filter offers —
as linear facts, and narrows what each hidden cell can be by interval propagation:

* each cell not shown is an unknown with the bounds its label gives ("fewer than 5":
  1..threshold−1; hidden so that a small count cannot be worked out: threshold or more;
  never published, or in a withheld selection or table: not negative);
* each additive dimension gives an equation per cell at a total or subtotal (the cell is
  the sum of the cells under it, one step down that dimension);
* `link` adds an equation between cells of different cubes: two tables counting the same
  population (outcomes recorded, by quality and by domain), or a year and its months;
* `at_most` adds an inequality (outcomes with a flag are at most the outcomes flagged);
* `propagate` tightens every unknown from every fact it is in (for a·x + rest = c:
  x lies between (c − max rest)/a and (c − min rest)/a, rounded inwards to whole numbers)
  until nothing moves. The facts and their propagation are the product's own
  (`linked.Audit`, which protects the reports across tables and periods): one
  propagation for the publisher and the judge. What checks it independently is exact:
  `oracle.possible_values` on tiny cubes and linear programming (`exact.py`).

This is sound, not complete: every bound found holds in every table that agrees with what
is published (so any small count it pins is a real leak), but a leak that needs linear
programming proper may be missed. It finds what a reader with a spreadsheet finds: a total
minus the other cells, a year minus eleven months, one table's total put in another
table's hidden cell, and chains of those."""

from __future__ import annotations

import math
import typing
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from goldenthread.reports import linked
from goldenthread.reports.disclosure import TOTAL, Key, ProtectedCube

INF = math.inf
Ref = tuple[Hashable, Key]
"""A cell of a named cube: (cube name, key)."""


@dataclass(frozen=True)
class Finding:
    ref: Ref
    label: str  # what the reader was told: small, hidden, unpublished, withheld, derived
    low: float
    high: float
    value: int  # the true value (the attacker does not use it; the report does)

    @property
    def exact(self) -> bool:
        return self.low == self.high


class Attacker:
    """The reader: the product's facts and propagation (`linked.Audit`, one propagation
    for the publisher and the judge), and what it learnt about each unknown. The cubes it
    read are kept for the links between them (`attack_database`)."""

    def __init__(self, threshold: int):
        self.facts = linked.Audit(threshold)
        self.cubes: dict[Hashable, ProtectedCube] = {}

    # -- the facts' state: read here, filled and narrowed by `facts` -----------------

    @property
    def threshold(self) -> int:
        return self.facts.threshold

    @property
    def index(self) -> linked.Index:
        return self.facts.index

    @property
    def low(self) -> linked.Column:
        return self.facts.low

    @property
    def high(self) -> linked.Column:
        return self.facts.high

    @property
    def labels(self) -> linked.Column:
        return self.facts.labels

    @property
    def truth(self) -> linked.Column:
        return self.facts.truth

    @property
    def refs(self) -> linked.Refs:
        return self.facts.refs

    @property
    def shown(self) -> dict[Ref, int]:
        return self.facts.shown

    @property
    def equations(self) -> linked.Rows:
        return self.facts.equations

    @property
    def inequalities(self) -> list[tuple[list[tuple[int, int]], int]]:
        return self.facts.inequalities

    @property
    def inconsistent(self) -> list[str]:
        return self.facts.inconsistent

    # -- facts -------------------------------------------------------------------

    def _unknown(self, ref: Ref, label: str, low: float, high: float, truth: int) -> int:
        return self.facts._unknown(ref, low, high, truth, label)

    def add_cube(self, name: Hashable, cube: ProtectedCube, *, only: dict[int, str] | None = None):
        """Every cell of `cube` a reader sees (or knows to exist), and the equations its
        additive dimensions give. `only` keeps the cells with these coordinates (a money
        table's "count" column)."""
        self.cubes[name] = cube
        self.facts.add_cube(name, cube, only=only)

    def derived(self, name: Hashable, truth: int) -> Ref:
        """A count that is no cell of any table (people added in a month, as the difference
        of two cumulative tables): not negative."""
        return self.facts.derived(str(name), truth)

    def link(self, terms: Iterable[tuple[Ref, int]], constant: int = 0) -> None:
        """sum(coefficient × cell) = constant, for cells of any cubes added."""
        self.facts.link(terms, constant)

    def at_most(self, terms: Iterable[tuple[Ref, int]], constant: int = 0) -> None:
        """sum(coefficient × cell) <= constant, for cells of any cubes added."""
        self.facts.at_most(terms, constant)

    def untrue(self) -> list[str]:
        """Facts the true counts do not satisfy: a link that is not a fact (the attacker's
        bounds would then be wrong). Empty for a correct set of links."""
        return self.facts.untrue()

    def has(self, ref: Ref) -> bool:
        return self.facts.has(ref)

    # -- reasoning ---------------------------------------------------------------

    def propagate(self) -> None:
        self.facts.propagate()

    # -- what it learnt ------------------------------------------------------------

    def findings(self) -> list[Finding]:
        return [
            Finding(self.refs[i], self.labels[i], self.low[i], self.high[i], self.truth[i])
            for i in range(len(self.low))
        ]

    def leaks(self) -> list[Finding]:
        """Counts from 1 to threshold−1 the reader works out exactly: a small cell, or a
        hidden, withheld or never-published one, or a count that is no cell (people
        added in a month). (A cell only narrowed to 1..threshold−1 is what "fewer than 5"
        says already: a never-published team-and-reason cell under a small team's count
        is one; `narrowed` lists them.)"""
        t = self.threshold
        out = []
        for f in self.findings():
            assert f.low <= f.value <= f.high, f"unsound: {f}"
            if f.exact and 1 <= f.value < t:
                out.append(f)
        return out

    def narrowed(self) -> list[Finding]:
        """Cells not labelled small that the reader narrows to 1..threshold−1."""
        t = self.threshold
        return [
            f
            for f in self.findings()
            if f.label != "small" and not f.exact and f.low >= 1 and f.high <= t - 1
        ]

    def pinned(self) -> list[Finding]:
        """Hidden cells worked out exactly, whatever their value (a box that does not hold)."""
        return [f for f in self.findings() if f.exact and f.label in ("small", "hidden")]


def cells_at(cube: ProtectedCube, fixed: dict[int, str]) -> Sequence[Key]:
    return [k for k in cube.values if all(k[i] == c for i, c in fixed.items())]


# -- Every table and period of a database's reports --------------------------------
# What links the tables and periods is data, in `links.py` (every table classified).


def _filters_of(cube: ProtectedCube, n: int = 3) -> list[Key]:
    import itertools

    return list(itertools.product(*(d.coords for d in cube.dims[:n])))


def _expand(tail: tuple[str, ...]) -> list[tuple[str, ...]]:
    from goldenthread.reports import selectors

    from . import links

    out: list[tuple[str, ...]] = [()]
    for c in tail:
        options = selectors.FLAG_CODES if c == links.FLAG_CODES_FOR_LINKS else (c,)
        out = [(*t, o) for t in out for o in options]
    return out


@typing.no_type_check  # one long walk whose loop variables change type (cells, refs)
def attack_database(
    today,
    *,
    keys: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    across_tables: bool = True,
    across_periods: bool = True,
    propagate: bool = True,
    progress=print,
) -> Attacker:
    """Every table a commissioner can read, for every period the filter offers, with the
    links between tables and between periods (`links.py`); propagated. `keys` limits the
    tables (and their links) to some, `codes` the periods."""
    from goldenthread.reports import selectors
    from goldenthread.reports.periods import parse_period, period_choices

    from . import links

    axes = selectors.FilterAxes.load()
    limit = selectors.threshold()
    offered = [code for code, _ in period_choices(today)]
    periods = [parse_period(code, today) for code in (codes or offered)]
    wanted = set(keys) if keys else set(selectors.BY_KEY)
    attacker = Attacker(limit)
    for period in periods:
        for measure in (selectors.PEOPLE, *selectors.MEASURES):
            if measure.key not in wanted:
                continue
            cube = selectors.build(measure, period, today, axes, limit)
            only = {len(cube.dims) - 1: "count"} if measure.money else None
            attacker.add_cube((measure.key, period.code), cube, only=only)
        progress(f"read {period.code}: {len(attacker.low)} unknowns")
    if not attacker.cubes:
        return attacker
    filters = _filters_of(next(iter(attacker.cubes.values())))
    codes = {p.code: p for p in periods}

    def end(p):
        return min(p.end, today)

    def ref(key: str, period, f: Key, tail: tuple[str, ...]) -> Ref:
        return ((key, period.code), (*f, *tail))

    # Across tables, same period (links.SAME, links.AT_MOST).
    for same in links.SAME if across_tables else ():
        cells = [(k, tail) for k, tail in same.cells if k in wanted]
        if len(cells) < 2:
            continue
        for period in periods:
            if same.when == "to-today" and period.end < today:
                continue
            for f in filters:
                first = ref(cells[0][0], period, f, cells[0][1])
                for k, tail in cells[1:]:
                    other = ref(k, period, f, tail)
                    if attacker.has(first) and attacker.has(other):
                        attacker.link([(first, 1), (other, -1)])
    for most in links.AT_MOST if across_tables else ():
        (small, small_tail), (large, large_tail) = most.small, most.large
        if not {small, large} <= wanted:
            continue
        for period in periods:
            for f in filters:
                big = ref(large, period, f, large_tail)
                for tail in _expand(small_tail):
                    little = ref(small, period, f, tail)
                    if attacker.has(little) and attacker.has(big):
                        attacker.at_most([(little, 1), (big, -1)])
    # Across periods: a period is its parts at all ages, and at each age group wherever
    # nobody moved age group within it (a person's age group is at the end of each
    # period: a reader who takes the parts to add up is right there); at every age where
    # two periods end on the same day, a part at most its whole.
    months = {(p.start.year, p.start.month): p.code for p in periods if len(p.months()) == 1}

    def parts_of(period):
        """Offered periods inside `period` (not itself)."""
        return [
            p
            for p in periods
            if p is not period and p.start >= period.start and p.end <= period.end
        ]

    by_kind = {
        kind: sorted(k for k in wanted if links.OVER_PERIODS[k] == kind)
        for kind in set(links.OVER_PERIODS.values())
    }
    additive = sorted(by_kind[links.EVENTS] + by_kind[links.EVENTS_AS_AT_END])
    for key in additive if across_periods else ():
        trend = links.OVER_PERIODS[key] == links.EVENTS_AS_AT_END
        for period in periods:
            cube = attacker.cubes.get((key, period.code))
            if cube is None:
                continue
            inside = parts_of(period)
            # Inside and ending on the same day: the same ages (and, for the monthly
            # table, the same "met by the end"): a cell at most the whole's, at every age;
            # the monthly table's rows of the part's months equal.
            for part in inside:
                if (key, part.code) not in attacker.cubes:
                    continue
                same_end = end(part) == end(period)
                part_cube = attacker.cubes[(key, part.code)]
                for k in part_cube.values:
                    mine, whole = ((key, part.code), k), ((key, period.code), k)
                    if not (attacker.has(mine) and attacker.has(whole)):
                        continue
                    if trend:
                        if k[3] == TOTAL:
                            continue
                        if same_end:
                            attacker.link([(whole, 1), (mine, -1)])
                        elif k[1] == TOTAL and k[-1] == "met":
                            attacker.at_most([(mine, 1), (whole, -1)])
                        elif k[1] == TOTAL and k[-1] == "not_met":
                            attacker.at_most([(whole, 1), (mine, -1)])
                    elif same_end:
                        attacker.at_most([(mine, 1), (whole, -1)])
            if len(period.months()) == 1:
                continue
            # Tilings: by months, and by quarters (each a whole tiling or none).
            tilings = []
            month_parts = [codes[months[m]] for m in period.months() if m in months]
            missing = [m for m in period.months() if m not in months]
            tilings.append((month_parts, missing))
            quarters = [p for p in inside if len(p.months()) == 3]
            if sum(len(q.months()) for q in quarters) == len(period.months()):
                tilings.append((quarters, []))
            for parts, missing in tilings:
                if not parts:
                    continue
                for k in cube.values:
                    if not attacker.has(((key, period.code), k)):
                        continue
                    if trend and (k[-1] != TOTAL or k[3] != TOTAL):
                        # Rows are months: only the total of all months, met or not,
                        # adds up over the parts (a month's row: linked part by part).
                        continue
                    terms = [(((key, p.code), k), -1) for p in parts]
                    if not all(attacker.has(r) for r, _ in terms):
                        continue
                    left = _truth_missing(attacker, key, period, parts, k, terms)
                    if k[1] != TOTAL and (left < 0 or (left and not missing)):
                        # At an age group: someone in the cell moved age group within
                        # the period, so the parts do not add up here. A reader who takes
                        # them to add up (birthdays are few) is right everywhere else.
                        continue
                    if missing:
                        rest = attacker.derived(f"{key} {period.code} {k} months {missing}", left)
                        terms.append((rest, -1))
                    attacker.link([(((key, period.code), k), 1), *terms])
            if trend:
                # A month row equals that month's own row at all ages, "met or not".
                for part in inside:
                    for k in attacker.cubes.get((key, part.code), cube).values:
                        if k[1] != TOTAL or k[3] == TOTAL or k[-1] != TOTAL:
                            continue
                        mine, whole = ((key, part.code), k), ((key, period.code), k)
                        if end(part) != end(period) and attacker.has(mine) and attacker.has(whole):
                            attacker.link([(whole, 1), (mine, -1)])
    # Counted to the end of each period (people with a record; review timeliness):
    # periods ending on the same day agree in every cell; a later end counts at least as
    # many at all ages (people: the people added between, a count of its own).
    for key in (by_kind[links.CUMULATIVE] + by_kind[links.AS_AT_END]) if across_periods else ():
        present = [p for p in periods if (key, p.code) in attacker.cubes]
        ends: dict = {}
        for p in present:
            ends.setdefault(end(p), []).append(p)
        for same in ends.values():
            first = attacker.cubes[(key, same[0].code)]
            for other in same[1:]:
                for k in first.values:
                    a, b = ((key, same[0].code), k), ((key, other.code), k)
                    if attacker.has(a) and attacker.has(b):
                        attacker.link([(a, 1), (b, -1)])
        ordered = [ends[e][0] for e in sorted(ends)]
        cumulative = links.OVER_PERIODS[key] == links.CUMULATIVE
        for before, after in zip(ordered, ordered[1:], strict=False):
            cube = attacker.cubes[(key, after.code)]
            for k in cube.values:
                if k[1] != TOTAL or (not cumulative and k[3] != TOTAL):
                    continue
                a, b = ((key, after.code), k), ((key, before.code), k)
                if not (attacker.has(a) and attacker.has(b)):
                    continue
                if cumulative:
                    truth = cube.values[k] - attacker.cubes[(key, before.code)].values[k]
                    new = attacker.derived(f"{key} added {before.code}..{after.code} {k}", truth)
                    attacker.link([(a, 1), (b, -1), (new, -1)])
                else:
                    attacker.at_most([(b, 1), (a, -1)])
    progress(
        f"{len(attacker.equations)} equations, {len(attacker.inequalities)} inequalities"
        + ("; propagating" if propagate else "")
    )
    if propagate:
        attacker.propagate()
    return attacker


def _truth_missing(attacker, key, period, parts, k, terms) -> int:
    whole = attacker.cubes[(key, period.code)].values[k]
    return whole - sum(attacker.cubes[r[0]].values[r[1]] for r, _ in terms)
