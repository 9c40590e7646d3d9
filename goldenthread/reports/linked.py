"""Protection across tables and periods (#14, AGG-2): an audit of everything a reader can
open at once, and more suppression until it works out no small count.

Each table is protected for each period as its own cube (`disclosure.protect`), and on
its own none gives a small count away. But a reader opens several: a quarter is its three
months at all ages, a year its months and its quarters, the rolling year its months; the
three outcome tables count the same outcomes per selection of the filters. A count hidden
in one and shown in another undoes the first one's boxes (ADR 0015, "Known limits").

`protect_linked` is an *audit-and-fix loop*, run over every period the filter offers:

1. `Audit` reads every published cell of every cube of a group of linked tables, for
   every period, as linear facts (a shown number; a "fewer than 5" between 1 and
   threshold−1; a hidden cell at threshold or more; a withheld or never-published cell
   not negative), with the equations each cube's totals give and the equations between
   cubes (`links`: tables of the same population, a period and the periods it is made
   of, people with a record between two period ends), and narrows every unknown by
   interval propagation until nothing moves. It is sound: any small count it pins down
   is one a reader with a spreadsheet can work out.
2. For each small count it pins, every number still shown in an equation between cubes
   that the count was worked out through (`Audit.support`: not only those it is in) is
   hidden in its own cube as well, and protected there as a small cell is (a corner of a
   box or transfer: `protect(..., extra=...)`), so it cannot be worked out from its own
   table either; the cube is protected again, the group's shared totals given one
   pattern again and boxes carried again (`share_faces`, `carry_boxes`), and the audit
   runs again.
3. After `ROUNDS` rounds (or when they stop helping), one cube at a time is withheld
   whole: the first `TRIES` of the cubes in the links the pinned counts were worked out
   through (the one most of them go through first, then the one showing the fewest
   numbers) and of the cubes holding them are each tried with an audit, and the one that
   leaves the fewest pinned is withheld (`_candidates`, `_withhold_best`).

Hiding more never lets the audit learn more (every bound it starts from is wider or the
same, and propagation is monotone), so the loop ends, with no small count pinned. The
audit is interval propagation, not linear programming: "nothing pinned" is what a reader
with a spreadsheet and the patience to chain differences finds, not a proof against an
exact search (the test attacker's `oracle.possible_values` is exact on tiny cubes).
"""

from __future__ import annotations

import array
import bisect
import functools
import itertools
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from .disclosure import TOTAL, Counts, Key, ProtectedCube, Status, is_grand, protect
from .periods import Period

INF = math.inf
Ref = tuple[Any, Any]
"""A cell of a named cube: ((table key, period code), key)."""
Name = tuple[str, str]
"""A cube's name: (table key, period code)."""

ROUNDS = 4
# The cubes tried, with an audit each, before one is withheld whole (`_withhold_best`).
TRIES = 4


# -- The audit ------------------------------------------------------------------------

LABELS = ("", "small", "hidden", "withheld", "unpublished", "derived", "slack")
"""What the reader was told of an unknown (`Audit.labels`), numbered as `CubeFacts.kinds`."""


class Column(Sequence[Any]):
    """A number for each of an audit's unknowns, kept in a numpy array and read as a Python
    value (`read`: a bound as a whole number or infinity, a label's name; `write` the other
    way). #14: as Python lists, held in each cube's facts and again in the audit, a
    council's budget group's 9.2 million bounds, true counts, labels and rows took
    gigabytes. Grown by whole arrays (`extend`: a cube's unknowns) and a value at a time
    (`append`: an unknown added on its own); `array` is the whole column, made once after
    growing, which `Audit.propagate` narrows in place."""

    def __init__(
        self,
        dtype: Any,
        read: Callable[[Any], Any] | None = None,
        write: Callable[[Any], Any] | None = None,
    ) -> None:
        self._dtype = np.dtype(dtype)
        self._read = read
        self._write = write
        self._array = np.zeros(0, dtype=self._dtype)
        self._added: list[Any] = []  # arrays and lists of values added since `array`
        self._length = 0

    def append(self, value: Any) -> None:
        if self._write is not None:
            value = self._write(value)
        if not self._added or not isinstance(self._added[-1], list):
            self._added.append([])
        self._added[-1].append(value)
        self._length += 1

    def extend(self, values: Any) -> None:
        values = np.asarray(values, dtype=self._dtype)
        if values.size:
            self._added.append(values)
            self._length += values.size

    @property
    def array(self) -> Any:
        if self._added:
            added = (np.asarray(a, dtype=self._dtype) for a in self._added)
            self._array = np.concatenate([self._array, *added])
            self._added = []
        return self._array

    def tolist(self) -> list[Any]:
        values = self.array.tolist()
        return values if self._read is None else [self._read(v) for v in values]

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, n):
        if isinstance(n, slice):
            return self.tolist()[n]
        value = self.array[n].item()
        return value if self._read is None else self._read(value)

    def __setitem__(self, n: int, value: Any) -> None:
        self.array[n] = value if self._write is None else self._write(value)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.tolist())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return self.tolist() == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Column({self.tolist()!r})"


class Audit:
    """Every published cell of some cubes as linear facts, narrowed by interval
    propagation (the reader's spreadsheet). The publisher knows each cell's true value
    (`truth`) and uses it only to say which pinned cells are small, and to check the
    facts (`untrue`). The test attacker (reports/tests/attacker.py) reads the same facts
    and propagates them here; exact checks of both are `oracle.py` and `exact.py`."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self.index = Index()
        # Each unknown's bounds, true value and label, kept in arrays (`Column`; #14: as
        # Python lists, held twice, a council's budget group's took gigabytes).
        self.low = Column(np.float64, _whole)
        self.high = Column(np.float64, _whole)
        self.truth = Column(np.int64)
        self.refs = Refs()
        # What the reader was told of each unknown: small, hidden, unpublished, withheld,
        # derived ("" when the caller did not say).
        self.labels = Column(np.int8, LABELS.__getitem__, LABELS.index)
        self.shown: dict[Ref, int] = {}
        self.equations = Rows()
        # The caller's tag of each equation (`link(..., tag=)`: which link between cubes it
        # is), None for a cube's own totals (an array: a council's audits have millions).
        self.tags = Column(np.int64, _tag, _untag)
        # sum(coefficient × unknown) <= constant (`at_most`): what a reader knows as an
        # inequality (outcomes with a flag are at most the outcomes flagged; people with a
        # record by a later day are at least those by an earlier one).
        self.inequalities: list[tuple[list[tuple[int, int]], int]] = []
        self.inconsistent: list[str] = []
        # The row (equation, then inequality) that last moved each unknown's low and high
        # bound in `propagate` (-1: its own label): what `support` follows back.
        self.why_low = Column(np.int64)
        self.why_high = Column(np.int64)

    def _unknown(self, ref: Ref, low: float, high: float, truth: int, label: str = "") -> int:
        i = len(self.low)
        self.index[ref] = i
        self.refs.append(ref)
        self.low.append(low)
        self.high.append(high)
        self.truth.append(truth)
        self.labels.append(label)
        return i

    def add_cube(self, name: Hashable, cube: ProtectedCube, *, only: dict[int, str] | None = None):
        """Every cell of `cube` a reader sees or knows to exist, and the equations its
        additive dimensions give. `only`: keep the cells with these coordinates."""
        self.add_facts(CubeFacts.read(name, cube, self.threshold, only))

    def add_facts(self, facts: CubeFacts) -> None:
        """A cube's cells and own equations as `CubeFacts.read` found them (kept between
        the rounds of `protect_linked` for the cubes a round did not change)."""
        base = len(self.low)
        self.index.add_facts(facts, base)
        self.refs.add_facts(facts, base)
        low, high = facts.bounds()
        self.low.extend(low)
        self.high.extend(high)
        self.truth.extend(facts.truth_of())
        self.labels.extend(facts.kinds)
        self.shown.update(facts.shown)
        self.inconsistent += facts.inconsistent
        self.equations.add_facts(facts, base)
        self.tags.extend(np.full(facts.rows, -1, dtype=np.int64))

    def add_slack(self, left: Sequence[int]) -> None:
        """The slacks of `Links.at_most`, numbered in order (`slack_ref`), with their true
        values `left`: not negative, and no count to protect (label "slack"), added as a
        block of arrays, no ref made for each (#14)."""
        part, base = _SlackFacts(name="derived", size=len(left)), len(self.low)
        self.index.add_facts(part, base)
        self.refs.add_facts(part, base)
        self.low.extend(np.zeros(part.size))
        self.high.extend(np.full(part.size, INF))
        self.truth.extend(np.asarray(left, dtype=np.int64))
        self.labels.extend(np.full(part.size, LABELS.index("slack"), dtype=np.int8))

    def derived(self, name: str, truth: int) -> Ref:
        """A count that is no cell (people added between two period ends): not negative."""
        ref: Ref = ("derived", (name,))
        self._unknown(ref, 0, INF, truth, "derived")
        return ref

    def has(self, ref: Ref) -> bool:
        return ref in self.shown or ref in self.index

    def link(
        self, terms: Iterable[tuple[Ref, int]], constant: int = 0, tag: int | None = None
    ) -> None:
        """sum(coefficient × cell) = constant. `tag`: the caller's name for it (`support`)."""
        self._fact(list(terms), constant, self.equations, tag)

    def link_all(self, linked: Links) -> None:
        """Every equation of `linked`, each tagged with its number: as `link` does one at
        a time (shown numbers moved to the constant, an unknown twice in one equation
        once, an equation left with no unknown dropped or, if its numbers do not add up,
        said in `inconsistent`), over arrays of all their terms at once (#14: one at a
        time, 107 s of the unmet-need group's 288 on 3,000 people)."""
        row, coef, by_name = linked.terms()
        count = len(linked.equations)
        number = np.full(len(row), -1, dtype=np.int64)
        value = np.zeros(len(row), dtype=np.int64)
        for name, at in by_name.items():
            if name == "slack":  # numbered in order from the first slack's (`add_slack`)
                slacks = self.index.part("derived")
                if slacks is None:
                    raise KeyError(linked.refs_at(at[:1])[0])
                number[at] = slacks[1] + linked.cells_of(at)
                continue
            part = None if name == "derived" else self.index.part(name)
            if part is None:
                number[at] = [self.index[ref] for ref in linked.refs_at(at)]
                continue
            facts, base = part
            cells = linked.cells(name, facts)
            if (cells < 0).any():
                raise KeyError(linked.refs_at(at[cells < 0][:1])[0])
            mine = facts.unknown_of[cells]
            number[at] = np.where(mine >= 0, mine + base, -1)
            value[at] = np.where(mine >= 0, 0, facts.counts[cells])
        shown = number < 0
        constant = -np.bincount(row[shown], weights=(coef * value)[shown], minlength=count)
        # The unknown terms: each unknown once in its equation (coefficients added, where
        # first named), those adding to 0 left out.
        at = np.flatnonzero(~shown)
        order = at[np.lexsort((at, number[at], row[at]))]
        first = np.ones(order.size, dtype=bool)
        first[1:] = (row[order][1:] != row[order][:-1]) | (number[order][1:] != number[order][:-1])
        starts = np.flatnonzero(first)
        summed = np.add.reduceat(coef[order].astype(np.int64), starts) if order.size else coef[:0]
        keep = summed != 0
        terms, summed = order[starts][keep], summed[keep]
        place = np.argsort(terms, kind="stable")
        terms, summed = terms[place], summed[place]
        lengths = np.bincount(row[terms], minlength=count)
        for n in np.flatnonzero((lengths == 0) & (constant != 0)).tolist():
            self.inconsistent.append(f"{linked.equations[n]!r} = 0")
        kept = np.flatnonzero(lengths)
        # Held while the audit is (#14): in the narrowest types that hold them.
        small = not summed.size or int(np.abs(summed).max()) <= 127
        rows = CubeFacts(
            arrays=(
                lengths[kept],
                number[terms].astype(_index_type(len(self.low))),
                summed.astype(np.int8 if small else np.int64),
                constant[kept].astype(np.float64),
            )
        )
        self.equations.add_facts(rows, 0)
        self.tags.extend(kept)

    def at_most(self, terms: Iterable[tuple[Ref, int]], constant: int = 0) -> None:
        """sum(coefficient × cell) <= constant."""
        self._fact(list(terms), constant, self.inequalities)

    def _fact(
        self, terms: list[tuple[Ref, int]], constant: int, into: list | Rows, tag: int | None = None
    ) -> None:
        unknown: dict[int, int] = {}
        rest = constant
        for ref, coef in terms:
            if ref in self.shown:
                rest -= coef * self.shown[ref]
            else:
                i = self.index[ref]
                unknown[i] = unknown.get(i, 0) + coef
        unknown = {i: c for i, c in unknown.items() if c}
        if not unknown:
            if rest < 0 or (rest and into is self.equations):
                sign = "=" if into is self.equations else "<="
                self.inconsistent.append(f"{terms!r} {sign} {constant}")
            return
        into.append((list(unknown.items()), rest))
        if into is self.equations:
            self.tags.append(tag)

    def untrue(self) -> list[str]:
        """Facts the true counts do not satisfy: a link that is not a fact (the bounds
        would then be wrong). Empty for a correct set of links."""
        truth = self.truth.tolist()
        out = []
        for sign, rows in (("=", self.equations), ("<=", self.inequalities)):
            for terms, constant in rows:
                value = sum(c * truth[i] for i, c in terms)
                if value != constant if sign == "=" else value > constant:
                    named = [(self.refs[i], c) for i, c in terms]
                    out.append(f"{named!r} {sign} {constant} (true: {value})")
        return out

    def propagate(self) -> None:
        """Tighten every unknown from every equation and inequality it is in (for
        a·x + rest = c: x lies between (c − max rest)/a and (c − min rest)/a; for
        a·x + rest <= c only the second), rounded inwards to whole numbers, until
        nothing moves.

        Done in sweeps over arrays (numpy): each sweep works out every bound from the
        rows any of whose unknowns moved in the sweep before (the first sweep: every row)
        and keeps, for each unknown, the tightest; it ends when a sweep moves nothing.
        The bounds it ends with are those a row at a time gives, in any order (every
        row narrows monotonically: the largest bounds all rows leave as they are; the
        test compares the two, `tests/reference.py`): at a council's 1.6 million rows,
        6.4-7.5 s of CPU where a row at a time took 50-62 s (docs/benchmarks.md, lead,
        2026-12-06)."""
        count = len(self.low)
        self.why_low.extend(np.full(count - len(self.why_low), -1, dtype=np.int64))
        self.why_high.extend(np.full(count - len(self.why_high), -1, dtype=np.int64))
        m = len(self.equations) + len(self.inequalities)
        if not m:
            return
        lengths, col, coef, const = self.equations.packed(self.inequalities, count)
        ptr = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        equation = np.arange(m) < len(self.equations)
        # Each row's first term, for the rows an unknown is in (`_rows_of`): those with a
        # term (all, as made; a row with none gives nothing).
        rows = None if lengths.all() else np.flatnonzero(lengths)
        starts = ptr[:-1] if rows is None else ptr[rows]
        if not starts.size:
            return
        # Narrowed in place: the audit's own arrays.
        low, high = self.low.array, self.high.array
        why_low, why_high = self.why_low.array, self.why_high.array
        active = np.arange(m)
        while active.size:
            moved = _sweep(active, ptr, col, coef, const, equation, low, high, why_low, why_high)
            wrong = moved[low[moved] > high[moved]]
            if wrong.size:
                i = int(wrong.min())
                self.inconsistent.append(f"{self.refs[i]!r}: {_whole(low[i])}..{_whole(high[i])}")
                break
            active = _rows_of(moved, col, starts, rows, count)

    def propagate_in_parts(self, codes: Any, areas: int) -> None:
        """`propagate`, one part of the rows at a time (#14, AGG-2, ADR 0040): the rows
        of each area (its teams' cells and its own), then the rows of the areas and the
        total, then again each part whose unknowns another part moved, until none moved.
        `codes`: each unknown's place on the team dimension (`area_codes`); `areas`: how
        many areas.

        Each row's narrowing is monotone and sound whatever the order, so any order that
        runs every row again once one of its unknowns moved ends at the same bounds, the
        largest that every row leaves as they are (propagation is a chaotic iteration);
        the parts only change the order. Only one part's rows, its unknowns' bounds and
        its sweeps' arrays are worked on at once: a whole group's sweep over every row
        held them all (docs/benchmarks.md, part14). The row each bound was last moved by
        (`why_low`, `why_high`: what `support` follows) is the one this order moved it by
        last; it has the unknown in it and gives its bound, as in `propagate`."""
        count = len(self.low)
        self.why_low.extend(np.full(count - len(self.why_low), -1, dtype=np.int64))
        self.why_high.extend(np.full(count - len(self.why_high), -1, dtype=np.int64))
        pieces = self.equations.pieces(self.inequalities)
        if not pieces:
            return
        low, high = self.low.array, self.high.array
        why_low, why_high = self.why_low.array, self.why_high.array
        codes = np.asarray(codes)
        parts = areas + 1
        sorted_pieces = [_by_part(piece, codes, areas) for piece in pieces]
        # When each unknown last moved (a tick), and the tick each part last ended at: a
        # part runs again, from the rows with an unknown moved since, while any has.
        stamp = np.zeros(count, dtype=np.int32)
        seen = np.full(parts, -1, dtype=np.int64)
        tick = 0
        unknowns: dict[int, Any] = {}
        mark = np.zeros(count, dtype=bool)
        where = np.zeros(count, dtype=_index_type(count))
        while True:
            ran = False
            for b in range(parts):
                mine = unknowns.get(b)
                if mine is not None and not (stamp[mine] > seen[b]).any():
                    continue
                block = _part_rows(sorted_pieces, b)
                if block is None:
                    seen[b] = tick
                    continue
                lengths, col, coef, const, equation, rows = block
                # The part's unknowns, numbered in it (marked in a table of every unknown,
                # not sorted: np.unique was a third of this method's time).
                mark[col] = True
                mine = np.flatnonzero(mark).astype(_index_type(count), copy=False)
                mark[mine] = False
                where[mine] = np.arange(mine.size, dtype=where.dtype)
                local = where[col]
                del col
                unknowns[b] = mine
                ptr = np.zeros(lengths.size + 1, dtype=np.int64)
                np.cumsum(lengths, out=ptr[1:])
                starts = ptr[:-1]
                fresh = stamp[mine] > seen[b]
                active = np.flatnonzero(np.logical_or.reduceat(fresh[local], starts))
                part_low, part_high = low[mine], high[mine]
                part_why_low = np.full(mine.size, -1, dtype=np.int64)
                part_why_high = np.full(mine.size, -1, dtype=np.int64)
                changed = np.zeros(mine.size, dtype=bool)
                wrong = None
                while active.size:
                    moved = _sweep(
                        active, ptr, local, coef, const, equation,
                        part_low, part_high, part_why_low, part_why_high,
                    )  # fmt: skip
                    changed[moved] = True
                    bad = moved[part_low[moved] > part_high[moved]]
                    if bad.size:
                        wrong = int(mine[bad].min())
                        break
                    active = _rows_of(moved, local, starts, None, mine.size)
                at = np.flatnonzero(changed)
                for bound, part_bound in ((low, part_low), (high, part_high)):
                    bound[mine[at]] = part_bound[at]
                for whys, part_whys in ((why_low, part_why_low), (why_high, part_why_high)):
                    by = at[part_whys[at] >= 0]
                    whys[mine[by]] = rows[part_whys[by]]
                tick += 1
                if at.size:
                    ran = True
                    stamp[mine[at]] = tick
                seen[b] = tick
                if wrong is not None:
                    self.inconsistent.append(
                        f"{self.refs[wrong]!r}: {_whole(low[wrong])}..{_whole(high[wrong])}"
                    )
                    return
            if not ran:
                return

    def support(self, ref: Ref) -> set[int]:
        """The tags of the equations (`link(..., tag=)`) that the bounds `propagate` found
        for `ref` were worked out from: its bounds' rows, then for each the bounds of the
        other terms that row used, back to what the reader was told (which links pin a
        count; #14, AGG-2). Each row is the last that moved a bound, so this is the
        reader's way to the bound as it ended, not every way there is."""
        equations, inequalities = self.equations, self.inequalities
        equalities = len(equations)
        out: set[int] = set()
        seen: set[tuple[int, bool]] = set()
        todo = [(self.index[ref], True), (self.index[ref], False)]
        while todo:
            i, lower = todo.pop()
            if (i, lower) in seen:
                continue
            seen.add((i, lower))
            n = (self.why_low if lower else self.why_high)[i] if i < len(self.why_low) else -1
            if n < 0:
                continue
            if n < equalities and self.tags[n] is not None:
                out.add(self.tags[n])  # type: ignore[arg-type]
            terms, _ = equations[n] if n < equalities else inequalities[n - equalities]
            c = next(c for j, c in terms if j == i)
            # x's low for c > 0 (its high for c < 0) is (constant − the rest's highest):
            # each other term's high where its coefficient is positive, low otherwise.
            rest_high = lower == (c > 0)
            for j, d in terms:
                if j != i:
                    todo.append((j, rest_high != (d > 0)))
        return out

    def leaks(self) -> list[Ref]:
        """Counts from 1 to threshold−1 worked out exactly (whatever the reader was told)."""
        t = self.threshold
        low, high, truth = self.low.array, self.high.array, self.truth.array
        counted = self.labels.array != LABELS.index("slack")  # not a count: `Links.slack`
        pinned = np.flatnonzero((low == high) & (truth >= 1) & (truth < t) & counted)
        return [self.refs[i] for i in pinned.tolist()]


@dataclass
class CubeFacts:
    """One cube's part of an `Audit`: its cells (a shown number, or an unknown with the
    bounds the reader was told) and the equations its additive dimensions give, with the
    unknowns numbered from 0 in this cube (#14: read once and kept while the cube is the
    same, not again each round for every cube of a group). The equations are kept as
    arrays (`_Arrays`), as propagation reads them; a row is made as a list when asked for
    (`row`, `support`)."""

    name: Hashable = None
    threshold: int = 0
    # What the reader is told of each unknown, as its label's number in `LABELS` (small,
    # hidden, withheld, unpublished): its bounds and label follow from it (`bounds`).
    kinds: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    shown: dict[Ref, int] = field(default_factory=dict)
    arrays: _Arrays = field(default_factory=lambda: _arrays([]))
    inconsistent: list[str] = field(default_factory=list)
    # The cells read: each dimension's coordinates and each coordinate's place, the
    # strides of the cells' order, each unknown's cell and each cell's unknown (−1: its
    # number is shown). Its (name, key) pairs are made from these when asked (#14).
    coords: list[tuple[str, ...]] = field(default_factory=list)
    places: list[dict[str, int]] = field(default_factory=list)
    strides: list[int] = field(default_factory=list)
    cells: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    unknown_of: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    counts: Any = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def rows(self) -> int:
        return len(self.arrays[0])

    def bounds(self):
        """Each unknown's low and high bound, as the reader was told them (arrays)."""
        t = self.threshold
        low = np.array([0, 1, t, 0, 0], dtype=np.float64)
        high = np.array([0, t - 1, INF, INF, INF], dtype=np.float64)
        return low[self.kinds], high[self.kinds]

    def truth_of(self):
        """Each unknown's true count (an array)."""
        return self.counts[self.cells]

    @property
    def low(self) -> list[float]:
        return [_whole(v) for v in self.bounds()[0].tolist()]

    @property
    def high(self) -> list[float]:
        return [_whole(v) for v in self.bounds()[1].tolist()]

    @property
    def truth(self) -> list[int]:
        return self.truth_of().tolist()

    @property
    def labels(self) -> list[str]:
        return [LABELS[k] for k in self.kinds.tolist()]

    @property
    def unknowns(self) -> int:
        return len(self.cells)

    def ref(self, k: int) -> Ref:
        """Unknown `k`'s (cube name, key)."""
        return self.name, self.key_at(int(self.cells[k]))

    def key_at(self, at: int) -> Key:
        """The key of the cell read `at`-th."""
        return _key_at(self.coords, self.strides, at)

    @property
    def refs(self) -> list[Ref]:
        """Every unknown's (cube name, key), in order."""
        return [self.ref(k) for k in range(self.unknowns)]

    def places_of(self, keys: Sequence[Key]):
        """Each key's cell among those read (−1: none)."""
        out = np.zeros(len(keys), dtype=np.int64)
        ok = np.ones(len(keys), dtype=bool)
        for i, (place, stride) in enumerate(zip(self.places, self.strides, strict=True)):
            j = np.fromiter((place.get(k[i], -1) for k in keys), np.int64, len(keys))
            ok &= j >= 0
            out += j * stride
        out[~ok] = -1
        return out

    def number(self, key: Key) -> int:
        """The unknown of the cell `key` (−1: its number is shown, or no such cell read)."""
        at = _place(self.places, self.strides, key)
        return -1 if at < 0 else int(self.unknown_of[at])

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [0, *itertools.accumulate(self.arrays[0].tolist())]

    def row(self, k: int, base: int = 0) -> tuple[list[tuple[int, int]], int]:
        """Equation `k` as (terms, constant), its unknowns offset by `base`."""
        _, col, coef, const = self.arrays
        start, end = self._starts[k], self._starts[k + 1]
        terms = list(zip((col[start:end] + base).tolist(), coef[start:end].tolist(), strict=True))
        return terms, int(const[k])

    @property
    def equations(self) -> list[tuple[list[tuple[int, int]], int]]:
        """Every equation as (terms, constant)."""
        return [self.row(k) for k in range(self.rows)]

    @classmethod
    def read(
        cls, name: Hashable, cube: ProtectedCube, threshold: int, only: dict[int, str] | None
    ) -> CubeFacts:
        """Every cell of `cube` (those with the coordinates `only` fixes) and its own
        equations, worked out over arrays of the cube's cells in the order iterating it
        gives (#14: cell by cell in Python, the first read of a council's budget group
        took 30 s of a 43 s audit). The same facts in the same order as reading each cell
        and equation in turn (tests/reference.py, `reference_read`)."""
        only = only or {}
        dims = cube.dims
        values = cube.values if isinstance(cube.values, Counts) else Counts(dims, dict(cube.values))
        coords = [
            ((only[i],) if only[i] in d.coords else ()) if i in only else tuple(d.coords)
            for i, d in enumerate(dims)
        ]
        shape = [len(c) for c in coords]
        n = math.prod(shape)
        at, strides = _grid(coords)

        facts = cls(name=name, threshold=threshold, coords=coords, places=at, strides=strides)

        def places(i: int):
            """Each cell's coordinate `i`, as its place in `coords[i]`."""
            return (np.arange(n, dtype=np.int64) // strides[i]) % shape[i]

        numbers = np.zeros(n, dtype=np.int64)
        if values.nonzero and n:
            found = facts.places_of(list(values.nonzero))
            counts = np.fromiter(values.nonzero.values(), np.int64, len(values.nonzero))
            numbers[found[found >= 0]] = counts[found >= 0]
        # What the reader is told of each cell: 0 its number, 1 small, 2 hidden, 3
        # withheld, 4 never published (kept apart).
        told = np.zeros(n, dtype=np.int8)
        if n:
            for kind, cells in ((2, cube.hidden), (1, cube.small)):
                found = facts.places_of(list(cells))
                told[found[found >= 0]] = kind
            withheld = np.zeros(n, dtype=bool)
            if cube.withheld:
                withheld[:] = True
            else:
                chosen = cube.selectable
                block = math.prod(shape[chosen:])
                for selection in cube.withheld_selections:
                    if len(selection) != chosen:
                        continue
                    start = 0
                    for i, c in enumerate(selection):
                        j = at[i].get(c)
                        if j is None:
                            break
                        start += j * strides[i]
                    else:
                        withheld[start : start + block] = True
            told[withheld] = 3
            if cube.apart:
                index = {d.name: i for i, d in enumerate(dims)}
                never = np.zeros(n, dtype=bool)
                for a, b in cube.apart:
                    ia, ib = index[a], index[b]
                    off_a = np.array([c != TOTAL for c in coords[ia]], dtype=bool)
                    off_b = np.array([c != TOTAL for c in coords[ib]], dtype=bool)
                    never |= off_a[places(ia)] & off_b[places(ib)]
                told[never & ~withheld] = 4
        unknown = told > 0
        facts.cells = np.flatnonzero(unknown)
        facts.kinds = told[unknown]
        shown = ~unknown
        facts.shown = dict(
            zip(
                ((name, k) for k in itertools.compress(itertools.product(*coords), shown.tolist())),
                numbers[shown].tolist(),
                strict=True,
            )
        )
        # Each cell's unknown (−1 where its number is shown).
        number_of = np.cumsum(unknown, dtype=np.int64) - 1
        number_of[shown] = -1
        facts.unknown_of = number_of
        facts.counts = numbers
        facts.arrays = facts._own(dims, coords, shape, strides, only, number_of, numbers, name)
        return facts

    def _own(self, dims, coords, shape, strides, only, number_of, numbers, name) -> _Arrays:
        """The cube's own equations (a total, or a group, is the sum of what is below it),
        in the order of their cells and then of the dimension summed: each as its
        unknowns and the shown numbers moved to the constant; one with no unknown left
        is dropped (or, if its numbers do not add up, said in `inconsistent`)."""
        n = len(number_of)
        if not n:
            return _arrays([])
        grid = np.arange(n, dtype=np.int64).reshape(shape)
        blocks = []
        wrong: list[tuple[int, int, str]] = []  # equations whose numbers do not add up
        for i, d in enumerate(dims):
            if not d.additive or i in only:
                continue
            members = dict(d.groups)
            below_total = tuple(g for g, _ in d.groups) or tuple(d.categories)
            for j, coord in enumerate(coords[i]):
                if coord == TOTAL:
                    below = below_total
                elif coord in members:
                    below = members[coord]
                else:
                    continue
                heads = np.take(grid, j, axis=i).ravel()
                parts = np.array([coords[i].index(b) - j for b in below], dtype=np.int64)
                cells = np.concatenate([heads[:, None], heads[:, None] + parts * strides[i]], 1)
                coef = np.array([1] + [-1] * len(below), dtype=np.int64)
                unknown = number_of[cells] >= 0
                const = -((numbers[cells] * coef) * ~unknown).sum(axis=1)
                lengths = unknown.sum(axis=1)
                for r in np.flatnonzero((lengths == 0) & (const != 0)).tolist():
                    terms = [
                        ((name, self.key_at(int(c))), int(k))
                        for c, k in zip(cells[r], coef, strict=True)
                    ]
                    wrong.append((int(heads[r]), i, f"{terms!r} = 0"))
                keep = lengths > 0
                rows = unknown[keep]
                blocks.append(
                    (
                        heads[keep],
                        np.full(int(keep.sum()), i, dtype=np.int64),
                        lengths[keep],
                        number_of[cells[keep]][rows],
                        np.broadcast_to(coef, cells.shape)[keep][rows],
                        const[keep],
                    )
                )
        self.inconsistent += [said for _, _, said in sorted(wrong)]
        if not blocks:
            return _arrays([])
        heads, dim, lengths, col, coef, const = (
            np.concatenate(x) for x in zip(*blocks, strict=True)
        )
        order = np.lexsort((dim, heads))
        starts = np.cumsum(lengths) - lengths
        ordered = lengths[order]
        entry = np.repeat(starts[order] - (np.cumsum(ordered) - ordered), ordered) + np.arange(
            int(ordered.sum())
        )
        # Held while the cube is the same (#14): in the narrowest types that hold them.
        return (
            ordered,
            col[entry].astype(_index_type(n)),
            coef[entry].astype(np.int8),
            const[order].astype(np.float64),
        )


@dataclass
class _SlackFacts(CubeFacts):
    """An audit's slacks (`Audit.add_slack`) as a part of its unknowns: slack `k` is
    unknown k of the part, its ref `slack_ref(k)`; no cells of a cube, no equations."""

    size: int = 0

    @property
    def unknowns(self) -> int:
        return self.size

    def ref(self, k: int) -> Ref:
        return slack_ref(k)

    def number(self, key: Key) -> int:
        k = _slack_number(key)
        return k if k is not None and 0 <= k < self.size else -1


def _tag(value: int) -> int | None:
    return None if value < 0 else value


def _untag(tag: int | None) -> int:
    return -1 if tag is None else tag


def _grid(coords: Sequence[Sequence[str]]) -> tuple[list[dict[str, int]], list[int]]:
    """Cells numbered in the order iterating their coordinates gives: each dimension's
    place of each coordinate, and each dimension's stride."""
    sizes = [len(cs) for cs in coords]
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    return [{c: j for j, c in enumerate(cs)} for cs in coords], strides


def _key_at(coords: Sequence[Sequence[str]], strides: Sequence[int], at: int) -> Key:
    """The key of cell number `at` (`_grid`)."""
    return tuple(cs[(at // stride) % len(cs)] for cs, stride in zip(coords, strides, strict=True))


def _place(places: Sequence[Mapping[str, int]], strides: Sequence[int], key: Any) -> int:
    """The number of the cell `key` (`_grid`); −1 where it is no cell."""
    if not isinstance(key, tuple) or len(key) != len(places):
        return -1
    at = 0
    for place, stride, coord in zip(places, strides, key, strict=True):
        j = place.get(coord)
        if j is None:
            return -1
        at += j * stride
    return at


_Arrays = tuple[Any, Any, Any, Any]
"""Rows as arrays: each row's number of terms, then every term's unknown and coefficient
(row after row), then each row's constant."""


def _arrays(rows: Sequence[tuple[list[tuple[int, int]], int]]) -> _Arrays:
    lengths = np.fromiter((len(t) for t, _ in rows), dtype=np.int64, count=len(rows))
    pairs = np.fromiter(
        itertools.chain.from_iterable(itertools.chain.from_iterable(t for t, _ in rows)),
        dtype=np.int64,
        count=2 * int(lengths.sum()),
    ).reshape(-1, 2)
    const = np.fromiter((c for _, c in rows), dtype=np.float64, count=len(rows))
    return lengths, pairs[:, 0], pairs[:, 1], const


class _Chain(Sequence[Any]):
    """Items numbered in an audit, part by part: whole cubes' (`CubeFacts`, read from it
    when asked, `_size` and `_read`) and items added one at a time (a list)."""

    def __init__(self) -> None:
        self._parts: list[tuple[CubeFacts, int] | list] = []
        self._starts: list[int] = []
        self._length = 0

    def _size(self, facts: CubeFacts) -> int:
        raise NotImplementedError

    def _read(self, facts: CubeFacts, k: int, base: int) -> Any:
        raise NotImplementedError

    def add_facts(self, facts: CubeFacts, base: int) -> None:
        size = self._size(facts)
        if size:
            self._parts.append((facts, base))
            self._starts.append(self._length)
            self._length += size

    def append(self, item: Any) -> None:
        if not self._parts or not isinstance(self._parts[-1], list):
            self._parts.append([])
            self._starts.append(self._length)
        self._parts[-1].append(item)  # type: ignore[union-attr]
        self._length += 1

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, n):
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(self._length))]
        if n < 0:
            n += self._length
        if not 0 <= n < self._length:
            raise IndexError(n)
        at = bisect.bisect_right(self._starts, n) - 1
        part, k = self._parts[at], n - self._starts[at]
        if isinstance(part, list):
            return part[k]
        facts, base = part
        return self._read(facts, k, base)

    def __iter__(self) -> Iterator[Any]:
        for part in self._parts:
            if isinstance(part, list):
                yield from part
                continue
            facts, base = part
            for k in range(self._size(facts)):
                yield self._read(facts, k, base)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


class Refs(_Chain):
    """An audit's unknowns by number, each a (cube name, key): a kept cube's made from its
    cells when asked (#14: a council's budget group is 9.2 million unknowns an audit, and a
    tuple kept for each took 1.5 GB), and those added one at a time."""

    def _size(self, facts: CubeFacts) -> int:
        return facts.unknowns

    def _read(self, facts: CubeFacts, k: int, base: int) -> Ref:
        return facts.ref(k)


class Index(Mapping[Ref, int]):
    """An audit's unknown number for each (cube name, key): a kept cube's worked out from
    the key (`CubeFacts.number`), not kept in a dictionary of millions (#14); and those
    added one at a time."""

    def __init__(self) -> None:
        self._cubes: dict[Hashable, tuple[CubeFacts, int]] = {}
        self._added: dict[Ref, int] = {}

    def add_facts(self, facts: CubeFacts, base: int) -> None:
        self._cubes[facts.name] = (facts, base)

    def names(self) -> list[Hashable]:
        """The cubes whose facts are kept (`add_facts`), in order."""
        return list(self._cubes)

    def part(self, name: Hashable) -> tuple[CubeFacts, int] | None:
        """Cube `name`'s facts and its first unknown's number (None: no such cube)."""
        return self._cubes.get(name)

    def __setitem__(self, ref: Ref, number: int) -> None:
        self._added[ref] = number

    def __getitem__(self, ref: Ref) -> int:
        number = self._added.get(ref)
        if number is not None:
            return number
        name, key = ref
        part = self._cubes.get(name)
        if part is not None:
            facts, base = part
            k = facts.number(key)
            if k >= 0:
                return base + k
        raise KeyError(ref)

    def __contains__(self, ref: object) -> bool:
        try:
            self[ref]  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            return False
        return True

    def __iter__(self) -> Iterator[Ref]:
        yield from self._added
        for facts, _ in self._cubes.values():
            yield from (facts.ref(k) for k in range(facts.unknowns))

    def __len__(self) -> int:
        return len(self._added) + sum(facts.unknowns for facts, _ in self._cubes.values())


class Rows(_Chain):
    """An audit's equations, each (terms, constant) with the terms (unknown, coefficient)
    numbered in the audit: whole cubes' own equations as `CubeFacts` keeps them (numbered
    in the cube, offset when a row is read), and rows added one at a time. Propagation
    reads them as arrays, the kept cubes' made once (#14: offsetting a council's 1.4
    million own equations in Python each round took longer than propagating them)."""

    def _size(self, facts: CubeFacts) -> int:
        return facts.rows

    def _read(self, facts: CubeFacts, k: int, base: int) -> tuple[list[tuple[int, int]], int]:
        return facts.row(k, base)

    def pieces(self, inequalities: Sequence) -> list[_Piece]:
        """Every row, then `inequalities`, as the arrays they are kept in, not copied
        into one (`_Piece`; `Audit.propagate_in_parts`)."""
        out: list[_Piece] = []
        for part, first in zip(self._parts, self._starts, strict=True):
            if isinstance(part, list):
                out.append((*_arrays(part), 0, first, True))
            else:
                facts, base = part
                out.append((*facts.arrays, base, first, True))
        if inequalities:
            out.append((*_arrays(inequalities), 0, self._length, False))
        return out

    def packed(self, inequalities: Sequence, unknowns: int) -> _Arrays:
        """Every row, then `inequalities`, as one set of arrays, the kept cubes' offset by
        their first unknown, in the narrowest types that hold them (#14: concatenated in
        64 bits, and kept part by part beside them, a council's budget group's 49 million
        terms took 2 GB more while it propagated)."""
        parts: list[tuple[_Arrays, int]] = []
        for part in self._parts:
            if isinstance(part, list):
                parts.append((_arrays(part), 0))
            else:
                facts, base = part
                parts.append((facts.arrays, base))
        parts.append((_arrays(inequalities), 0))
        rows = sum(len(p[0]) for p, _ in parts)
        terms = sum(len(p[1]) for p, _ in parts)
        largest = max((int(np.abs(p[2]).max()) for p, _ in parts if len(p[2])), default=0)
        lengths = np.empty(rows, dtype=np.int64)
        col = np.empty(terms, dtype=_index_type(max(unknowns, rows)))
        coef = np.empty(terms, dtype=np.int8 if largest <= 127 else np.int64)
        const = np.empty(rows, dtype=np.float64)
        r = t = 0
        for (part_lengths, part_col, part_coef, part_const), base in parts:
            lengths[r : r + len(part_lengths)] = part_lengths
            const[r : r + len(part_lengths)] = part_const
            col[t : t + len(part_col)] = part_col
            col[t : t + len(part_col)] += base
            coef[t : t + len(part_col)] = part_coef
            r, t = r + len(part_lengths), t + len(part_col)
        return lengths, col, coef, const


_Piece = tuple[Any, Any, Any, Any, int, int, bool]
"""Rows as arrays (`_Arrays`), the number of their first unknown, of their first row in
the audit, and whether they are equations (not inequalities)."""


def _by_part(piece: _Piece, codes: Any, areas: int):
    """`piece`'s rows ordered by their part (`area_codes`): a row with a team's cell is
    its area's; one whose cells are all an area's own, that area's; any other (a total's,
    the areas' sum, only counts that are no cell) the last part, the areas' and the
    total's. Returns the piece, its rows in that order, and where each part's start."""
    lengths, col, _, _, base, _, _ = piece
    part = np.full(lengths.size, areas, dtype=np.int64)
    full = np.flatnonzero(lengths)
    if full.size:
        ptr = np.zeros(lengths.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        code = codes[col.astype(np.int64) + base]
        least = np.minimum.reduceat(code, ptr[full])
        no_cell = 2 * areas + 1
        most = np.maximum.reduceat(np.where(code == no_cell, -1, code), ptr[full])
        del code
        own_area = (least >= areas) & (least < 2 * areas) & (most == least)
        part[full] = np.where(least < areas, least, np.where(own_area, least - areas, areas))
        part[lengths == 0] = areas + 1  # no term: gives nothing, in no part
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(areas + 3))
    return piece, order.astype(_index_type(lengths.size), copy=False), bounds


def _part_rows(sorted_pieces, b: int):
    """Part `b`'s rows of every piece (`_by_part`), as one set of arrays: (each row's
    number of terms, every term's unknown in the audit, its coefficient, each row's
    constant, whether it is an equation, its row in the audit); None where it has none."""
    out: list[tuple[Any, ...]] = []
    for (lengths, col, coef, const, base, first, is_eq), order, bounds in sorted_pieces:
        rows = order[bounds[b] : bounds[b + 1]]
        if not rows.size:
            continue
        ptr = np.zeros(lengths.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        rows = rows.astype(np.int64)
        sizes = lengths[rows]
        offsets = np.cumsum(sizes) - sizes
        entry = np.repeat(ptr[rows] - offsets, sizes) + np.arange(int(sizes.sum()))
        out.append(
            (
                sizes,
                col[entry].astype(np.int64) + base,
                coef[entry].astype(np.int64),
                const[rows],
                np.full(rows.size, is_eq),
                rows + first,
            )
        )
    if not out:
        return None
    lengths, col, coef, const, equation, rows = (np.concatenate(x) for x in zip(*out, strict=True))
    small = not coef.size or int(np.abs(coef).max()) <= 127
    return lengths, col, coef.astype(np.int8 if small else np.int64), const, equation, rows


def area_codes(audit: Audit, cubes: Mapping[Any, ProtectedCube]) -> tuple[Any, int] | None:
    """Each unknown of `audit` placed on the team dimension (#14, ADR 0040): a team's
    cell its area's number a, an area's own cell areas + a, the total's 2 × areas, and a
    count that is no cell (or a cube with no areas) 2 × areas + 1; and how many areas.
    None with fewer than two areas (one part: `propagate` as it is)."""
    dims = [cubes[name].dims[0] for name in audit.index.names() if name in cubes]
    names = sorted({g for d in dims for g, _ in d.groups})
    if len(names) < 2:
        return None
    areas = len(names)
    number = {g: a for a, g in enumerate(names)}
    codes = np.full(len(audit.low), 2 * areas + 1, dtype=np.int64)
    for name in audit.index.names():
        cube = cubes.get(name)
        part = audit.index.part(name)
        if cube is None or part is None or not cube.dims[0].groups:
            continue
        facts, base = part
        dim = cube.dims[0]
        place = np.array(
            [
                2 * areas
                if c == TOTAL
                else areas + number[c]
                if c in number
                else number.get(dim.group_of(c) or "", 2 * areas + 1)
                for c in facts.coords[0]
            ],
            dtype=np.int64,
        )
        at = (facts.cells // facts.strides[0]) % len(facts.coords[0])
        codes[base : base + facts.unknowns] = place[at]
    return codes, areas


def _index_type(size: int):
    """The narrowest integer type numbering `size` things (#14: 32 bits, half of 64)."""
    return np.int32 if size < 2**31 else np.int64


def _whole(value: float) -> float:
    """A bound as `propagate` keeps it: a whole number as an int, infinity as it is."""
    return value if math.isinf(value) else int(value)


def _rows_of(unknowns, col, starts, rows, count: int):
    """The rows (sorted, once each) that any of `unknowns` (of `count`) is in: the rows
    `rows` (None: every row), each with its terms among `col` from its start in `starts`
    to the next's, none empty, that have a term that is one of them. Each term looked at,
    no index of which rows each unknown is in (#14: that index, a sort of every term, took
    2.7 GB more while a council's unmet-need audit propagated, the most of any step)."""
    if not unknowns.size:
        return unknowns
    moved = np.zeros(count, dtype=bool)
    moved[unknowns] = True
    hit = moved[col]
    del moved
    found = np.flatnonzero(np.logical_or.reduceat(hit, starts))
    return found if rows is None else rows[found]


SWEEP_TERMS = 500_000
"""The most terms a sweep works on at once (#14: a council's budget group is 55 million
terms an audit; its sweep's temporary arrays, made all at once, did not fit in 18 GB; a
piece of 2 million terms still took half a gigabyte, and a quarter of that costs no more
CPU)."""


def _sweep(active, ptr, col, coef, const, equation, low, high, why_low, why_high):
    """One sweep of `Audit.propagate` over rows `active`: every bound each row gives, from
    the bounds as they were before the sweep; each unknown takes the tightest (and the
    first row, in order, that gives it, as why). Returns the unknowns that moved. The
    rows are worked on a piece of at most `SWEEP_TERMS` terms at a time, each piece's
    tightest bounds kept and the tightest of those taken: the same as all at once."""
    ends = np.cumsum(ptr[active + 1] - ptr[active])
    cuts = np.searchsorted(ends, np.arange(SWEEP_TERMS, int(ends[-1]), SWEEP_TERMS), "right")
    pieces = [
        _bounds(piece, ptr, col, coef, const, equation, low, high)
        for piece in np.split(active, cuts)
        if piece.size
    ]
    up = _tightest(
        *(np.concatenate([p[0][n] for p in pieces]) for n in range(3)), None, larger=True
    )
    down = _tightest(
        *(np.concatenate([p[1][n] for p in pieces]) for n in range(3)), None, larger=False
    )
    for (unknowns, values, why), bound, whys in ((up, low, why_low), (down, high, why_high)):
        bound[unknowns] = values
        whys[unknowns] = why
    # Marked in a table of every unknown, not merged (np.union1d hashed them: a fifth of a
    # sweep's time on the unmet-need group).
    moved = np.zeros(low.size, dtype=bool)
    moved[up[0]] = True
    moved[down[0]] = True
    return np.flatnonzero(moved)


def _bounds(active, ptr, col, coef, const, equation, low, high):
    """What rows `active` give (`_sweep`): for each unknown they move, the tightest low
    and high bounds and the first row giving each, as (unknowns, bounds, rows). A row's
    terms are together, so its sums are spread back over its terms by `np.repeat`."""
    starts = ptr[active]
    lengths = ptr[active + 1] - starts
    offsets = np.cumsum(lengths) - lengths
    entry = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
    row = np.repeat(np.arange(active.size), lengths)
    j, c = col[entry], coef[entry].astype(np.float64)
    del entry
    lj, hj = low[j], high[j]
    positive = c > 0
    # Each term's least and greatest value (c·x over x's bounds; no coefficient is 0, and
    # no bound is NaN, so c·x is never NaN).
    least, most = c * lj, c * hj
    np.copyto(least, most, where=~positive)
    np.copyto(most, c * lj, where=~positive)
    least_inf, most_inf = least == -np.inf, most == np.inf
    least[least_inf] = 0.0
    most[most_inf] = 0.0
    n = active.size
    lo_inf = np.bincount(row, weights=least_inf, minlength=n)[row] - least_inf
    hi_inf = np.bincount(row, weights=most_inf, minlength=n)[row] - most_inf
    lo_sum = np.bincount(row, weights=least, minlength=n)[row] - least
    hi_sum = np.bincount(row, weights=most, minlength=n)[row] - most
    del least, most, least_inf, most_inf
    # The rest of the row (every other term): its least and greatest; then what the
    # constant less the rest leaves for this term.
    k = np.repeat(const[active], lengths)
    top = k - np.where(lo_inf > 0, -np.inf, lo_sum)
    bottom = k - np.where(np.repeat(~equation[active], lengths) | (hi_inf > 0), np.inf, hi_sum)
    del k, lo_inf, hi_inf, lo_sum, hi_sum
    new_low = np.where(positive, bottom, top)
    new_low /= c
    new_low -= 1e-9
    np.ceil(new_low, out=new_low)
    new_high = np.where(positive, top, bottom)
    new_high /= c
    new_high += 1e-9
    np.floor(new_high, out=new_high)
    rows = np.repeat(active, lengths)
    up = _tightest(j, new_low, rows, new_low > lj, larger=True)
    down = _tightest(j, new_high, rows, new_high < hj, larger=False)
    return up, down


def _tightest(j, values, rows, better, *, larger: bool):
    """For each unknown with a `better` bound (None: every one): the tightest (largest
    low or smallest high) and the first row in order that gives it."""
    if better is not None:
        at = np.nonzero(better)[0]
        j, values, rows = j[at], values[at], rows[at]
    order = np.lexsort((rows, -values if larger else values, j))
    j, values, rows = j[order], values[order], rows[order]
    first = np.ones(j.size, dtype=bool)
    first[1:] = j[1:] != j[:-1]
    return j[first], values[first], rows[first]


# -- What links the cubes -------------------------------------------------------------

# Tables that count the same population (#14): (table, its part of the key after the
# filters) — the cells of each equal for every selection of the filters.
SAME_POPULATION: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = (
    (
        ("outcome-quality", (TOTAL,)),
        ("outcome-domains", (TOTAL,)),
        ("outcome-agreement", (TOTAL,)),
    ),
    (
        ("unmet-need", (TOTAL, TOTAL)),
        ("unmet-need-trend", (TOTAL, TOTAL)),
        ("unmet-need-time-to-met", (TOTAL,)),
    ),
    (("sds-chosen", ("option_4",)), ("sds-mixes", (TOTAL,))),
    (("transitions", (TOTAL, TOTAL)), ("transitions-outcomes", (TOTAL,))),
)
# Counts at most another's in the same period and selection of the filters (#14): (the
# smaller table, its part of the key after the filters), (the larger, its part). `EVERY`
# stands for each category of that dimension (each checker flag: an outcome with a given
# flag is one of the outcomes flagged). The test attacker's (tests/links.py, AT_MOST);
# a reader knows them, so the tables they join are audited together (`groups`).
EVERY = "*every*"
AT_MOST: tuple[tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]], ...] = (
    (("outcome-flags", (EVERY,)), ("outcome-quality", ("flagged",))),
    (("met-without-paid-support", (TOTAL,)), ("outcome-quality", (TOTAL,))),
    (("first-choice-not-delivered", (TOTAL, TOTAL)), ("unmet-need", (TOTAL, "first_choice"))),
    *(
        (("advocacy", (stage,)), ("advocacy", ("identified",)))
        for stage in ("offered", "accepted", "referred", "started")
    ),
    (("advocacy", ("accepted",)), ("advocacy", ("offered",))),
)
# Not additive over periods: people with a record are counted to the end of each period
# (linked by their differences), review timeliness is as it stood then.
NOT_ADDITIVE_OVER_PERIODS = frozenset({"people", "review-timeliness"})
MONEY = "budget-amounts"
MONEY_COUNTS = "budget-decisions"


def groups(keys: Iterable[str]) -> list[list[str]]:
    """The tables that must be audited together (linked across tables); each other table
    on its own (linked across its periods only)."""
    keys = list(keys)
    out: list[list[str]] = []
    seen: set[str] = set()
    bundles = [[k for k, _ in g] for g in SAME_POPULATION] + [[MONEY_COUNTS, MONEY]]
    # A table at most another's joins its bundle (outcome flags the outcome tables'), in
    # the first bundle's place.
    for (small, _), (large, _) in AT_MOST:
        joined = [i for i, b in enumerate(bundles) if small in b or large in b]
        if not joined:
            bundles.append([large] if large == small else [large, small])
            continue
        first = bundles[joined[0]]
        for i in joined[1:]:
            first += [k for k in bundles[i] if k not in first]
        first += [k for k in (large, small) if k not in first]
        bundles = [b for i, b in enumerate(bundles) if i not in joined[1:]]
    for bundle in bundles:
        present = [k for k in bundle if k in keys]
        if present:
            out.append(present)
            seen.update(present)
    out += [[k] for k in keys if k not in seen]
    return out


SLACK = -2
"""`Links`' cube number for what one count leaves under another (−1: another count that
is no cell); its cell is the slack's number."""
_PARTS = {-1: "derived", SLACK: "slack"}
"""The terms that are no cell, as `Links.terms` names them."""


def slack_ref(k: int) -> Ref:
    """The ref of slack `k` (`Links.at_most`)."""
    return "derived", ("at most", k)


def _slack_number(key: Any) -> int | None:
    """Slack `k`'s number from its key (`slack_ref`); None for another key."""
    if type(key) is tuple and len(key) == 2 and key[0] == "at most" and type(key[1]) is int:
        return key[1]
    return None


class _Slack(Mapping[Ref, int]):
    """`Links.slack`: each slack's ref and its true value, read from the array."""

    def __init__(self, left: array.array) -> None:
        self._left = left

    def __getitem__(self, ref: Ref) -> int:
        try:
            name, key = ref
        except (TypeError, ValueError):
            raise KeyError(ref) from None
        k = _slack_number(key) if name == "derived" else None
        if k is None or not 0 <= k < len(self._left):
            raise KeyError(ref)
        return self._left[k]

    def __iter__(self) -> Iterator[Ref]:
        return (slack_ref(k) for k in range(len(self._left)))

    def __len__(self) -> int:
        return len(self._left)


class Links:
    """The equations between cubes, each a list of (ref, coefficient) summing to zero; a
    `derived` term is a count that is no cell ("people added between"). Kept as arrays of
    each term's cube, cell (its place among the cube's cells in the order iterating them
    gives) and coefficient, and read back as refs when asked (`equations`, a sequence):
    #14, as lists of tuples a council's budget group's 2 million links took 1.8 GB.
    `cubes`: the cubes the refs name, by name (their dimensions number the cells)."""

    def __init__(
        self,
        equations: Iterable[Iterable[tuple[Ref, int]]] = (),
        derived: Mapping[Ref, int] | None = None,
        *,
        cubes: Mapping[Any, ProtectedCube] | None = None,
    ) -> None:
        # The counts that are no cell and no slack, with their true values.
        self.derived: dict[Ref, int] = dict(derived or {})
        # What one count leaves under another (`at_most`): each a derived count numbered
        # in the order made, kept as its true value in an array, its ref made when asked
        # (`slack_ref`; #14: a council's unmet-need group has millions, and a ref, a dict
        # entry and a set entry for each in the links, then again in every audit, took
        # gigabytes). Not counts of their own to protect (the reader's "at most" is all
        # they stand for).
        self._left = array.array("q")
        self.slack: Mapping[Ref, int] = _Slack(self._left)
        self._cubes = cubes or {}
        # Each cube named: its number, and its dimensions' coordinates, each coordinate's
        # place and the strides of its cells' order.
        self._names: list[Hashable] = []
        self._grids: list[tuple[list[tuple[str, ...]], list[dict[str, int]], list[int]]] = []
        self._number: dict[Hashable, int] = {}
        self._derived: list[Ref] = []  # the counts that are no cell, by number (cube −1)
        self._derived_number: dict[Ref, int] = {}
        self._ends = array.array("q")  # where each equation's terms end
        self._cube = array.array("i")
        self._cell = array.array("q")
        self._coef = array.array("q")
        # Every term read once as arrays (`terms`), and each cube's terms' cells in a
        # cube's facts (`cells`).
        self._terms: Any = None
        self._cells: dict = {}
        self.equations = _Equations(self)
        for terms in equations:
            self.equations.append(terms)

    def at_most(self, small: Ref, large: Ref, left: int) -> None:
        """`small` is at most `large`, as an equation: large = small + what is left (`left`
        on the true counts), a count that is no cell, not negative, and no count of its
        own to protect (`slack`)."""
        codes = [(*self._code(large), 1), (*self._code(small), -1), (SLACK, len(self._left), -1)]
        self._left.append(left)
        self._add_codes(codes)

    def _grid(self, name: Hashable) -> int:
        number = self._number.get(name)
        if number is None:
            coords = [tuple(d.coords) for d in self._cubes[name].dims]
            places, strides = _grid(coords)
            number = self._number[name] = len(self._names)
            self._names.append(name)
            self._grids.append((coords, places, strides))
        return number

    def _code(self, ref: Ref, *, add: bool = True) -> tuple[int, int]:
        """A ref's (cube number, cell): −1 and its number for a count that is no cell.
        KeyError for a cell that is none of its cube's, or (`add` false) a ref not named."""
        name, key = ref
        if name == "derived":
            k = _slack_number(key)
            if k is not None and k < len(self._left):
                return SLACK, k
            number = self._derived_number.get(ref)
            if number is None:
                if not add:
                    raise KeyError(ref)
                number = self._derived_number[ref] = len(self._derived)
                self._derived.append(ref)
            return -1, number
        if not add and name not in self._number:
            raise KeyError(ref)
        cube = self._grid(name)
        _, places, strides = self._grids[cube]
        cell = _place(places, strides, key)
        if cell < 0:
            raise KeyError(ref)
        return cube, cell

    def _ref(self, cube: int, cell: int) -> Ref:
        if cube == SLACK:
            return slack_ref(cell)
        if cube < 0:
            return self._derived[cell]
        coords, _, strides = self._grids[cube]
        key = _key_at(coords, strides, cell)
        return self._names[cube], key

    def _add(self, terms: Iterable[tuple[Ref, int]]) -> None:
        self._add_codes([(*self._code(ref), coef) for ref, coef in terms])

    def _add_codes(self, codes: Iterable[tuple[int, int, int]]) -> None:
        """An equation of (cube number, cell, coefficient) terms (`_code`)."""
        for cube, cell, coef in codes:
            self._cube.append(cube)
            self._cell.append(cell)
            self._coef.append(coef)
        self._ends.append(len(self._coef))

    def _span(self, n: int) -> range:
        return range(self._ends[n - 1] if n else 0, self._ends[n])

    def _equation(self, n: int) -> list[tuple[Ref, int]]:
        return [(self._ref(self._cube[t], self._cell[t]), self._coef[t]) for t in self._span(n)]

    def names_in(self, n: int) -> set[Any]:
        """The cubes equation `n` names (not counts that are no cell)."""
        return {self._names[self._cube[t]] for t in self._span(n) if self._cube[t] >= 0}

    def rows_with(self, refs: Iterable[Ref]) -> dict[Ref, set[int]]:
        """The equations each of `refs` is in."""
        out: dict[Ref, set[int]] = {}
        _, _, _, row, cube, cell = self._read()
        for ref in refs:
            try:
                number, at = self._code(ref, add=False)
            except (KeyError, TypeError, ValueError):
                out[ref] = set()  # not in any equation
                continue
            out[ref] = set(row[(cube == number) & (cell == at)].tolist())
        return out

    def _read(self):
        """(equations, each term's coefficient, {cube name: its terms}, each term's
        equation, cube and cell), as arrays, made again if equations were added."""
        if self._terms is None or self._terms[0] != len(self._ends):
            # In the narrowest types that hold them (#14: a council's unmet-need group's
            # 33 million terms).
            ends = np.array(self._ends, dtype=np.int64)
            row = np.repeat(
                np.arange(len(ends), dtype=_index_type(len(ends))), np.diff(ends, prepend=0)
            )
            cube = np.array(self._cube, dtype=np.int32)
            cell = np.array(self._cell, dtype=np.int64)
            cell = cell.astype(_index_type(int(cell.max(initial=0)) + 1), copy=False)
            coef = np.array(self._coef, dtype=np.int64)
            if not coef.size or int(np.abs(coef).max()) <= 127:
                coef = coef.astype(np.int8)
            order = np.argsort(cube, kind="stable")
            ordered = cube[order]
            starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
            by_name = {
                _PARTS.get(int(cube[at[0]])) or self._names[int(cube[at[0]])]: at
                for at in np.split(order, starts[1:])
                if at.size
            }
            self._terms = (len(ends), coef, by_name, row, cube, cell)
            self._cells.clear()
        return self._terms

    def shown(
        self, cubes: Mapping[Any, ProtectedCube], facts: Mapping[Any, CubeFacts]
    ) -> tuple[Any, Any]:
        """For each term: whether its number is shown (in its cube's `facts`, as read for
        an audit; a count that is no cell is not), and whether it is shown and at its
        cube's threshold or more. Over arrays, no key made (#14: asking each cell's status
        by its key was 9 s of the unmet-need group's 132 on 3,000 people)."""
        _, _, by_name, _, _, cell = self._read()
        shown = np.zeros(cell.size, dtype=bool)
        large = np.zeros(cell.size, dtype=bool)
        for name, at in by_name.items():
            if name in _PARTS.values():
                continue
            mine = facts[name]
            cells = self.cells(name, mine)
            read = cells >= 0
            shown[at] = read & (mine.unknown_of[cells] < 0)
            large[at] = shown[at] & (mine.counts[cells] >= cubes[name].threshold)
        return shown, large

    def terms(self):
        """(the equation of each term, its coefficient, {cube name: its terms})."""
        _, coef, by_name, row, _, _ = self._read()
        return row, coef, by_name

    @property
    def slack_left(self) -> Sequence[int]:
        """Each slack's true value, in order (an array)."""
        return self._left

    def cells_of(self, at) -> Any:
        """The cells of terms `at` (an array; a slack's is its number)."""
        return self._read()[5][at]

    def refs_at(self, at) -> list[Ref]:
        """The refs of terms `at`."""
        _, _, _, _, cube, cell = self._read()
        return [self._ref(c, k) for c, k in zip(cube[at].tolist(), cell[at].tolist(), strict=True)]

    def cells(self, name: Hashable, facts: CubeFacts):
        """The cells of cube `name`'s terms among those `facts` read (−1: not read; kept
        while its cells are read the same way)."""
        had = self._cells.get(name)
        if had is not None and had[0] == facts.coords:
            return had[1]
        _, _, by_name, _, _, cell = self._read()
        full = cell[by_name[name]]
        coords, _, strides = self._grids[self._number[name]]
        out = np.zeros(full.size, dtype=np.int64)
        ok = np.ones(full.size, dtype=bool)
        for cs, stride, place, step in zip(
            coords, strides, facts.places, facts.strides, strict=True
        ):
            mine = np.array([place.get(c, -1) for c in cs], dtype=np.int64)[
                (full // stride) % len(cs)
            ]
            ok &= mine >= 0
            out += mine * step
        out[~ok] = -1
        out = out.astype(_index_type(facts.unknown_of.size), copy=False)
        self._cells[name] = (facts.coords, out)
        return out


class _Equations(Sequence[list[tuple[Ref, int]]]):
    """`Links.equations`: each equation as a list of (ref, coefficient), read when asked."""

    def __init__(self, links: Links) -> None:
        self._links = links

    def append(self, terms: Iterable[tuple[Ref, int]]) -> None:
        self._links._add(terms)

    def __len__(self) -> int:
        return len(self._links._ends)

    def __getitem__(self, n):
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        if not 0 <= n < len(self):
            raise IndexError(n)
        return self._links._equation(n)

    def __iter__(self) -> Iterator[list[tuple[Ref, int]]]:
        return (self._links._equation(n) for n in range(len(self)))


def _filters(cube: ProtectedCube, n: int = 3) -> list[Key]:
    import itertools

    return list(itertools.product(*(d.coords for d in cube.dims[:n])))


def _end(period: Period, today) -> Any:
    """The day a period's counts run to: its last day, or today while it is running."""
    return min(period.end, today)


def links(
    cubes: Mapping[Name, ProtectedCube],
    periods: Sequence[Period],
    today,
    keys: Iterable[str],
    *,
    only: Mapping[str, dict[int, str]] | None = None,
) -> Links:
    """Every equation a reader can write between the cubes of tables `keys` over
    `periods` (the test attacker's, reports/tests/attacker.py)."""
    only = only or {}
    wanted = set(keys)
    out = Links(cubes=cubes)

    def has(ref: Ref) -> bool:
        name, key = ref
        cube = cubes.get(name)  # type: ignore[call-overload]
        if cube is None or key not in cube.values:
            return False
        fixed = only.get(name[0], {})  # type: ignore[index]
        return all(key[i] == c for i, c in fixed.items())

    some = next((c for (k, _), c in cubes.items() if k in wanted), None)
    if some is None:
        return out
    filters = _filters(some)
    for group in SAME_POPULATION:
        present = [(k, tail) for k, tail in group if k in wanted]
        for period in periods:
            for f in filters:
                if len(present) < 2:
                    continue
                first = ((present[0][0], period.code), (*f, *present[0][1]))
                for k, tail in present[1:]:
                    other = ((k, period.code), (*f, *tail))
                    if has(first) and has(other):
                        out.equations.append([(first, 1), (other, -1)])
    for (small, small_tail), (large, large_tail) in AT_MOST:
        if not {small, large} <= wanted:
            continue
        for period in periods:
            less, more = cubes.get((small, period.code)), cubes.get((large, period.code))
            if less is None or more is None:
                continue
            tails: list[tuple[str, ...]] = [()]
            for i, c in enumerate(small_tail, start=len(filters[0])):
                every = less.dims[i].categories if c == EVERY else (c,)
                tails = [(*t, o) for t in tails for o in every]
            for f in filters:
                big = ((large, period.code), (*f, *large_tail))
                if not has(big):
                    continue
                for tail in tails:
                    little = ((small, period.code), (*f, *tail))
                    if not has(little):
                        continue
                    out.at_most(little, big, more.values[big[1]] - less.values[little[1]])
    if {MONEY_COUNTS, MONEY} <= wanted:
        for period in periods:
            money = cubes.get((MONEY, period.code))
            if money is None or len(money.dims) < 5:  # filters, decision, count and sums
                continue
            for f in filters:
                for d in money.dims[3].coords:
                    a = ((MONEY_COUNTS, period.code), (*f, TOTAL, d))
                    b = ((MONEY, period.code), (*f, d, "count"))
                    if has(a) and has(b):
                        out.equations.append([(a, 1), (b, -1)])
    if {"unmet-need-trend", "unmet-need-time-to-met"} <= wanted:
        for period in periods:
            if period.end >= today:  # "met by the end of the period" is "met by today"
                for f in filters:
                    a = (("unmet-need-trend", period.code), (*f, TOTAL, "not_met"))
                    b = (("unmet-need-time-to-met", period.code), (*f, "not_met"))
                    if has(a) and has(b):
                        out.equations.append([(a, 1), (b, -1)])
    by_code = {p.code: p for p in periods}
    # The offered periods inside each (not itself), for the tilings and the parts below;
    # and the periods ending on each day (the last offered of each), in order of the day.
    inside = {
        p.code: [q for q in periods if q is not p and q.start >= p.start and q.end <= p.end]
        for p in periods
    }
    ends = sorted({_end(p, today): p for p in periods}.items())
    months = {(p.start.year, p.start.month): p.code for p in periods if len(p.months()) == 1}
    for key in sorted(wanted - NOT_ADDITIVE_OVER_PERIODS):
        for period in periods:
            cube = cubes.get((key, period.code))
            if cube is None or len(period.months()) == 1:
                continue
            tilings = []
            month_parts = [by_code[months[m]] for m in period.months() if m in months]
            missing = [m for m in period.months() if m not in months]
            tilings.append((month_parts, missing))
            quarters = [p for p in inside[period.code] if len(p.months()) == 3]
            if sum(len(q.months()) for q in quarters) == len(period.months()):
                tilings.append((quarters, []))
            for parts, missing in tilings:
                if not parts:
                    continue
                for cell in cube.values:
                    whole = ((key, period.code), cell)
                    if not has(whole):
                        continue
                    if key == "unmet-need-trend":
                        # Rows are months, then met or not: only "all" adds up.
                        if len(cell) < 5 or cell[-1] != TOTAL:
                            continue
                        terms: list[tuple[Ref, int]] = []
                        for p in parts:
                            row = cell[3]
                            if row != TOTAL and row not in {f"{y}-{m:02d}" for y, m in p.months()}:
                                continue
                            terms.append((((key, p.code), cell), -1))
                    else:
                        terms = [(((key, p.code), cell), -1) for p in parts]
                    if not all(has(r) for r, _ in terms):
                        continue
                    left = cube.values[cell] - sum(
                        cubes[r[0]].values[r[1]]  # type: ignore[index]
                        for r, _ in terms
                    )
                    if cell[1] != TOTAL and (left < 0 or (left and not missing)):
                        # At an age group the parts add up only where nobody in the cell
                        # moved age group within the period (each period counts age at its
                        # own end). A reader who takes them to add up anyway (birthdays are
                        # few) is right wherever they do, so those are linked; here the
                        # reader would be wrong, and they are not (ADR 0015).
                        continue
                    if missing:
                        rest: Ref = ("derived", (f"{key} {period.code} {cell} months {missing}",))
                        out.derived[rest] = left
                        terms.append((rest, -1))
                    out.equations.append([(whole, 1), *terms])
    # A part of a period that ends on the same day (a quarter's last month; the month and
    # quarter to today within the year): its count at most the whole's in every cell, at
    # every age (both count ages at that day). The test attacker's; not for the monthly
    # unmet-need table, whose rows are months.
    for key in sorted(wanted - NOT_ADDITIVE_OVER_PERIODS - {"unmet-need-trend"}):
        for period in periods:
            if (key, period.code) not in cubes:
                continue
            for part in inside[period.code]:
                if _end(part, today) != _end(period, today):
                    continue
                smaller, larger = cubes.get((key, part.code)), cubes[(key, period.code)]
                if smaller is None:
                    continue
                for cell in smaller.values:
                    little, big = ((key, part.code), cell), ((key, period.code), cell)
                    if has(little) and has(big):
                        out.at_most(little, big, larger.values[cell] - smaller.values[cell])
    # The monthly unmet-need table's rows of a part's months (its needs recorded in that
    # month, met or not by the period's end): where the part ends on its whole's day, equal
    # in every cell (the same ages, the same "met by the end"); where it ends before, at
    # all ages, at most as many met and at least as many not met. The test attacker's.
    trend = "unmet-need-trend"
    for period in periods if trend in wanted else ():
        whole_cube = cubes.get((trend, period.code))
        if whole_cube is None:
            continue
        for part in inside[period.code]:
            part_cube = cubes.get((trend, part.code))
            if part_cube is None:
                continue
            same = _end(part, today) == _end(period, today)
            for cell in part_cube.values:
                if cell[3] == TOTAL or not (same or cell[1] == TOTAL):
                    continue
                little, big = ((trend, part.code), cell), ((trend, period.code), cell)
                if not (has(little) and has(big)):
                    continue
                if same:
                    out.equations.append([(big, 1), (little, -1)])
                elif cell[-1] == "met":  # met by an earlier day: met by a later one
                    out.at_most(little, big, whole_cube.values[cell] - part_cube.values[cell])
                elif cell[-1] == "not_met":
                    out.at_most(big, little, part_cube.values[cell] - whole_cube.values[cell])
    # Counted to the end of each period (people with a record, review timeliness): periods
    # ending on the same day (the month, quarter and year to today) agree in every cell.
    for key in sorted(wanted & NOT_ADDITIVE_OVER_PERIODS):
        same_end: dict[Any, list[Period]] = {}
        for period in periods:
            if (key, period.code) in cubes:
                same_end.setdefault(_end(period, today), []).append(period)
        for same in same_end.values():
            for twin in same[1:]:
                for cell in cubes[(key, same[0].code)].values:
                    a, b = ((key, same[0].code), cell), ((key, twin.code), cell)
                    if has(a) and has(b):
                        out.equations.append([(a, 1), (b, -1)])
    # Review timeliness at all ages and states (people with an outcome by then): a later
    # end counts at least as many. The test attacker's.
    timeliness = "review-timeliness"
    if timeliness in wanted:
        for (_, before), (_, after) in zip(ends, ends[1:], strict=False):
            cube = cubes.get((timeliness, after.code))
            earlier = cubes.get((timeliness, before.code))
            if cube is None or earlier is None:
                continue
            for cell in cube.values:
                if cell[1] != TOTAL or cell[3] != TOTAL:
                    continue
                a, b = ((timeliness, after.code), cell), ((timeliness, before.code), cell)
                if has(a) and has(b):
                    out.at_most(b, a, cube.values[cell] - earlier.values[cell])
    if "people" in wanted:
        for (_, before), (_, after) in zip(ends, ends[1:], strict=False):
            cube, earlier = cubes.get(("people", after.code)), cubes.get(("people", before.code))
            if cube is None or earlier is None:
                continue
            for cell in cube.values:
                if cell[1] != TOTAL:
                    continue
                new: Ref = ("derived", (f"people added {before.code}..{after.code} {cell}",))
                out.derived[new] = cube.values[cell] - earlier.values[cell]
                a, b = (("people", after.code), cell), (("people", before.code), cell)
                out.equations.append([(a, 1), (b, -1), (new, -1)])
    return out


def audit(
    cubes: Mapping[Name, ProtectedCube],
    linked: Links,
    threshold: int,
    *,
    only: Mapping[str, dict[int, str]] | None = None,
    kept: dict[Name, tuple[ProtectedCube, CubeFacts]] | None = None,
    in_parts: bool = False,
) -> Audit:
    """The audit of `cubes` and the equations between them, propagated. `kept`: each
    cube's facts from an earlier audit, used while the cube is the same object (cubes are
    never changed in place, only replaced), and updated here. `in_parts`: propagated an
    area at a time where the cubes have two areas or more (`Audit.propagate_in_parts`:
    the same bounds; ADR 0040). Off by default: until each part's facts are read on their
    own it costs 1.5-1.7 times the propagation's CPU for a few per cent of the peak."""
    found = Audit(threshold)
    for name, cube in cubes.items():
        found.add_facts(_facts(name, cube, threshold, only, kept))
    for ref, truth in linked.derived.items():
        found._unknown(ref, 0, INF, truth)
    found.add_slack(linked.slack_left)
    found.link_all(linked)
    placed = area_codes(found, cubes) if in_parts else None
    if placed is None:
        found.propagate()
    else:
        found.propagate_in_parts(*placed)
    return found


def _facts(
    name: Name,
    cube: ProtectedCube,
    threshold: int,
    only: Mapping[str, dict[int, str]] | None,
    kept: dict[Name, tuple[ProtectedCube, CubeFacts]] | None,
) -> CubeFacts:
    """Cube `name`'s facts: those in `kept` while the cube is the same object (cubes are
    never changed in place, only replaced), otherwise read and kept."""
    had = kept.get(name) if kept is not None else None
    if had is not None and had[0] is cube:
        return had[1]
    facts = CubeFacts.read(name, cube, threshold, (only or {}).get(name[0]))
    if kept is not None:
        kept[name] = (cube, facts)
    return facts


# -- The fix ----------------------------------------------------------------------------


@dataclass
class LinkedSummary:
    rounds: int = 0
    pinned_before: int = 0
    pinned_after: int = 0
    hidden_more: int = 0  # cells hidden by the linked protection (extra and their boxes)
    withheld_whole: list[Name] = field(default_factory=list)
    # Selections (a team's, an area's, an age group's table) withheld for a period in
    # place of whole tables: (cube, selection).
    withheld_selections: list[tuple[Name, Key]] = field(default_factory=list)
    reprotected: int = 0
    inconsistent: list[str] = field(default_factory=list)  # groups not audited

    def add(self, other: LinkedSummary) -> None:
        """Another group's summary added to this one (its rounds: the most of either)."""
        self.rounds = max(self.rounds, other.rounds)
        self.pinned_before += other.pinned_before
        self.pinned_after += other.pinned_after
        self.hidden_more += other.hidden_more
        self.withheld_whole += other.withheld_whole
        self.withheld_selections += other.withheld_selections
        self.reprotected += other.reprotected
        self.inconsistent += other.inconsistent


def reprotect(
    cube: ProtectedCube, extra: Iterable[Key], withhold: Iterable[Key] = ()
) -> ProtectedCube:
    """`cube` protected again from its counts, with `extra` (and what it hid as extra
    before) hidden and protected as well, and the selections `withhold` (and those it
    was told to withhold before) withheld."""
    return protect(
        cube.dims,
        cube.values,
        cube.threshold,
        apart=cube.apart,
        selectable=cube.selectable,
        extra=cube.extra | frozenset(extra),
        withhold=cube.withhold | frozenset(withhold),
    )


class Rebuild(Protocol):
    """Protect cube `name` of `cubes` again, in `cubes`, with the cells `extra` hidden
    too and the selections `withhold` withheld (`protect_linked`'s `rebuild`)."""

    def __call__(
        self,
        cubes: dict[Name, ProtectedCube],
        name: Name,
        extra: set[Key],
        withhold: frozenset[Key] = ...,
    ) -> None: ...


def _reprotect_in(
    cubes: dict[Name, ProtectedCube],
    name: Name,
    extra: set[Key],
    withhold: frozenset[Key] = frozenset(),
) -> None:
    cubes[name] = reprotect(cubes[name], extra, withhold)


def withhold(cube: ProtectedCube) -> ProtectedCube:
    return replace(cube, withheld=True, withheld_selections=frozenset())


def _withhold(cubes, names: Sequence[Name], summary: LinkedSummary, progress) -> None:
    for name in names:
        if not cubes[name].withheld:
            cubes[name] = withhold(cubes[name])
            summary.withheld_whole.append(name)
    if progress:
        progress(f"withheld {', '.join('/'.join(n) for n in names)}")


def _shown(cube: ProtectedCube) -> int:
    """How many numbers a reader of `cube` is shown: what withholding it costs. Counted
    from the dimensions' sizes and the cells kept (`_published_cells`, less those of the
    withheld selections, less the small and hidden ones), not by walking every cell of a
    sparse cube (#14: a nation's has tens of millions)."""
    if cube.withheld:
        return 0
    published = _published_cells(cube)
    if published is None:
        return sum(
            1 for k in cube.values if cube.is_published(k) and cube.cell(k).status is Status.SHOWN
        )
    rest = math.prod(len(d.coords) for d in cube.dims[cube.selectable :])
    withheld = sum(
        rest
        for base in cube.withheld_selections
        if cube.is_published(base + (TOTAL,) * len(cube.dims[cube.selectable :]))
    )
    not_shown = sum(
        1
        for k in cube.small | cube.hidden
        if cube.is_published(k) and not cube.selection_withheld(k)
    )
    return published - withheld - not_shown


def _published_cells(cube: ProtectedCube) -> int | None:
    """How many cells of `cube` are published (not kept apart), from the dimensions'
    sizes; None where that is not worked out here (a cube given as a mapping, which may
    not hold every cell, or more than one pair of dimensions kept apart, or a pair not
    among the filters)."""
    if not isinstance(cube.values, Counts) or len(cube.apart) > 1:
        return None
    sizes = {d.name: len(d.coords) for d in cube.dims}
    every = math.prod(sizes.values())
    if not cube.apart:
        return every
    index = {d.name: i for i, d in enumerate(cube.dims)}
    ((a, b),) = cube.apart
    if max(index[a], index[b]) >= cube.selectable:
        return None
    # Kept apart: both off their totals (a dimension that does not add up is never at
    # its total).
    off = [sizes[n] - (1 if cube.dims[index[n]].additive else 0) for n in (a, b)]
    return every - every // (sizes[a] * sizes[b]) * off[0] * off[1]


def _candidates(
    through: Mapping[Ref, set[int]], linked: Links, cubes: Mapping[Name, ProtectedCube]
) -> list[Name]:
    """The cubes worth withholding next (#14, AGG-2), best first: of the cubes in the
    links each pinned count was worked out through (`Audit.support`), other than its own,
    the ones most pinned counts go through, and of those the ones that show the fewest
    numbers (the other table's month that shows the total, not the twelve months of the
    count's own table), taken in turn with the pinned counts' own cubes, those holding
    the most first (`support` traces one way to each bound, so withholding a cube it
    names may leave another way open: review progress's rolling year is its twelve
    months, and withholding one month of twelve freed nothing while the month holding
    the counts did; docs/benchmarks.md, lead, 2026-12-06). Where none of those is left,
    any cube."""
    votes: Counter[Name] = Counter()
    for ref, rows in through.items():
        names: set[Name] = set().union(*(linked.names_in(n) for n in rows))
        votes.update(n for n in names - {ref[0]} if not cubes[n].withheld)
    voted = sorted(votes, key=lambda n: (-votes[n], _shown(cubes[n]), n))
    own = Counter(r[0] for r in through if r[0] != "derived" and not cubes[r[0]].withheld)
    holding = sorted(own, key=lambda n: (-own[n], _shown(cubes[n]), n))
    # Taken in turn from each list, so that a few tries see both kinds.
    ranked: list[Name] = []
    for name in itertools.chain.from_iterable(itertools.zip_longest(voted, holding)):
        if name is not None and name not in ranked:
            ranked.append(name)
    if not ranked:
        ranked = sorted(
            (n for n, c in cubes.items() if not c.withheld), key=lambda n: (_shown(cubes[n]), n)
        )
    return ranked


def _others(
    through: Mapping[Ref, set[int]],
    linked: Links,
    cubes: Mapping[Name, ProtectedCube],
    threshold: int,
) -> dict[Name, set[Key]]:
    """The other counts shown (at the threshold or more) in the links each pinned count
    was worked out through, by cube: those to hide next (a round of boxes), not hidden
    as extra before."""
    extra: dict[Name, set[Key]] = {}
    for ref, rows in through.items():
        for n in rows:
            for (name, key), _ in linked.equations[n]:
                if name == "derived" or (name, key) == ref:
                    continue
                cube = cubes[name]  # type: ignore[index]
                if cube.withheld or key in cube.extra:
                    continue
                if cube.cell(key).status is Status.SHOWN and cube.values[key] >= threshold:
                    extra.setdefault(name, set()).add(key)  # type: ignore[arg-type]
    return extra


def _selections(
    through: Mapping[Ref, set[int]], linked: Links, cubes: Mapping[Name, ProtectedCube]
) -> dict[Name, frozenset[Key]]:
    """The selections to withhold in place of a whole cube (#14, AGG-2): for each pinned
    count, its own selection of the filters in its own cube, and the selection of every
    other count in the links it was worked out through (`Audit.support`), in theirs. A
    count pinned across periods or tables is pinned by the same team's, area's or age
    group's cells in the others; withholding those selections frees it, where a whole
    table of every selection was withheld before. Never a grand selection (every filter
    at its total: its withholding is the whole cube's), one withheld already, or one in a
    cube withheld whole or with no filters."""
    found: dict[Name, set[Key]] = {}
    for ref, rows in through.items():
        refs = [ref, *(r for n in rows for r, _ in linked.equations[n])]
        for name, key in refs:
            if name == "derived":
                continue
            cube = cubes[name]  # type: ignore[index]
            if cube.withheld or not cube.selectable:
                continue
            selection = key[: cube.selectable]
            if selection in cube.withheld_selections or is_grand(
                selection, cube.dims[: cube.selectable]
            ):
                continue
            found.setdefault(name, set()).add(selection)  # type: ignore[arg-type]
    return {name: frozenset(chosen) for name, chosen in found.items()}


def _withhold_selections(
    cubes: dict[Name, ProtectedCube],
    through: Mapping[Ref, set[int]],
    linked: Links,
    rebuild: Rebuild,
    follow: Callable[[dict[Name, ProtectedCube]], None] | None,
    settle: Callable[[dict[Name, ProtectedCube], dict], int],
    trial: Callable[[dict[Name, ProtectedCube], dict], Audit],
    kept: dict,
    pinned: int,
    extra: Mapping[Name, set[Key]],
) -> tuple[dict[Name, frozenset[Key]], int, Audit] | None:
    """Withhold the selections the pinned counts go through (`_selections`), with the
    other counts shown in those links, `extra` (`_others`), hidden and protected as well (withheld
    and not protected, a team's count would be its area's less the other teams'): each
    cube protected again so (`rebuild`, then `follow`), the group's shared totals and
    carried boxes settled again (`settle`), then audited (`trial`). Kept (`cubes` and
    `kept` changed in place) where that leaves fewer than `pinned` small counts pinned.
    Returns the selections withheld, how many cubes were protected again, and the
    audit; or None (nothing changed: the loop withholds a whole cube)."""
    chosen = _selections(through, linked, cubes)
    if not chosen:
        return None
    mine = dict(cubes)
    for name in sorted(set(chosen) | set(extra)):
        rebuild(mine, name, extra.get(name, set()), chosen.get(name, frozenset()))
    if follow is not None:
        follow(mine)
    # The facts of the cubes protected again are not held beside their new ones while the
    # trial's audit is made (#14: a council's unmet-need group changes 56 of its 76 cubes
    # here); read again if the trial is not kept.
    for name, cube in mine.items():
        if cube is not cubes[name]:
            kept.pop(name, None)
    facts = dict(kept)
    done = len(set(chosen) | set(extra)) + settle(mine, facts)
    found = trial(mine, facts)
    if found.inconsistent or len(found.leaks()) >= pinned:
        return None
    cubes.update(mine)
    kept.clear()
    kept.update(facts)
    return chosen, done, found


def _withhold_best(
    cubes: dict[Name, ProtectedCube],
    through: Mapping[Ref, set[int]],
    linked: Links,
    follow: Callable[[dict[Name, ProtectedCube]], None] | None,
    trial: Callable[[dict[Name, ProtectedCube], dict], Audit],
    kept: dict,
    tries: int,
) -> tuple[Name, Audit | None]:
    """Withhold one cube of `cubes` (changed in place), chosen by trying the first `tries`
    of `_candidates` with an audit each (`trial(cubes, kept)`): the one that leaves the
    fewest small counts pinned, then the first. Returns it and its audit where it was the
    last tried (the loop's next, not run again), or None (the loop audits again: only one
    trial's audit is held at a time)."""
    ranked = _candidates(through, linked, cubes)
    best: tuple[int, int, Name, dict, dict, Audit | None] | None = None
    for order, name in enumerate(ranked[: max(tries, 0)]):
        mine = dict(cubes)
        mine[name] = withhold(mine[name])
        if follow is not None:
            follow(mine)
        facts = dict(kept)
        if best is not None:  # one audit held at a time (#14: a council's is gigabytes)
            best = (*best[:5], None)
        found = trial(mine, facts)
        if found.inconsistent:
            continue
        score = (len(found.leaks()), order)
        if best is None or score < best[:2]:
            best = (*score, name, mine, facts, found)
        if not score[0]:
            break
    if best is None:
        name = ranked[0]
        cubes[name] = withhold(cubes[name])
        if follow is not None:
            follow(cubes)
        return name, None
    _, _, name, mine, facts, last = best
    cubes.update(mine)
    kept.clear()
    kept.update(facts)
    return name, last


def _settle(
    cubes: dict[Name, ProtectedCube],
    group: Sequence[str],
    periods: Sequence[Period],
    linked: Links,
    rebuild: Rebuild,
    follow: Callable[[dict[Name, ProtectedCube]], None] | None,
    faces: bool,
    carry: bool,
    kept: dict[Name, tuple[ProtectedCube, CubeFacts]] | None = None,
    only: Mapping[str, dict[int, str]] | None = None,
    threshold: int | None = None,
) -> int:
    """One pattern for a group's shared totals (`share_faces`), then boxes carried across
    periods (`carry_boxes`): before the first audit, and again after each round of boxes
    (a cube protected again chooses other boxes, which may hide a shared total in one
    table only: agg16 found the outcome group's last two pinned counts so). Returns how
    many cubes were protected again."""
    done = 0
    if faces:
        done += share_faces(cubes, group, periods, rebuild)
        if follow is not None:
            follow(cubes)
    if carry:
        done += carry_boxes(cubes, linked, rebuild, kept=kept, only=only, threshold=threshold)
        if follow is not None:
            follow(cubes)
    return done


def _faces_not_shown(cube: ProtectedCube, tail: tuple[str, ...]) -> set[Key]:
    """The selections of the filters whose count at `tail` (the table's shared total) a
    reader of `cube` is not shown: small, hidden (for a box), or in a withheld selection.
    (Selections never published, team and reason together, are in no table.)"""
    return {
        f
        for f in _filters(cube, cube.selectable)
        if (*f, *tail) in cube.values
        and cube.is_published((*f, *tail))
        and cube.cell((*f, *tail)).status is not Status.SHOWN
    }


def share_faces(
    cubes: dict[Name, ProtectedCube],
    group: Sequence[str],
    periods: Sequence[Period],
    rebuild: Rebuild,
    *,
    rounds: int | None = None,
) -> int:
    """One pattern for a group's shared totals (#14, AGG-2): tables of one population
    (`SAME_POPULATION`) publish the same total for every selection of the filters, so a
    total not shown in one (hidden for a box, or in a withheld selection) and shown in
    another undoes the first one's protection. For each period, every total not shown in
    one table of the group is hidden in the others as well, and protected there as a
    small cell is (`rebuild`, `protect(..., extra=...)`); that may hide further totals,
    so it is done again until no total is shown in one table of the group and not in
    another (a table withheld whole shows none and asks nothing of the others). Each
    round hides at least one more total for good (a cell of `extra` stays hidden, or its
    selection or table withheld), so it ends; `rounds` caps it (default: that bound).
    Returns how many cubes were protected again. A cube protected again may choose other
    boxes; it is protected on its own as before, and the audit after it decides what is
    pinned."""
    tails = [(k, tail) for g in SAME_POPULATION for k, tail in g if k in group and len(g) > 1]
    if len(tails) < 2:
        return 0
    done = 0
    for period in periods:
        names = [((k, period.code), tail) for k, tail in tails if (k, period.code) in cubes]
        if not names:
            continue
        bound = rounds or 1 + len(names) * len(_filters(cubes[names[0][0]]))
        for _ in range(bound):
            live = [(n, tail) for n, tail in names if not cubes[n].withheld]
            unshown = {n: _faces_not_shown(cubes[n], tail) for n, tail in live}
            every = set().union(*unshown.values()) if unshown else set()
            more = False
            for n, tail in live:
                cube = cubes[n]
                wanted = {
                    (*f, *tail)
                    for f in every - unshown[n]
                    if cube.values.get((*f, *tail), 0) >= cube.threshold
                    and cube.is_published((*f, *tail))
                }
                if wanted:
                    rebuild(cubes, n, wanted)
                    done += 1
                    more = True
            if not more:
                break
    return done


def carry_boxes(
    cubes: dict[Name, ProtectedCube],
    linked: Links,
    rebuild: Rebuild,
    *,
    rounds: int | None = None,
    kept: dict[Name, tuple[ProtectedCube, CubeFacts]] | None = None,
    only: Mapping[str, dict[int, str]] | None = None,
    threshold: int | None = None,
) -> int:
    """Boxes carried across the equations between cubes (#14, AGG-2): a period is its
    parts at all ages (a quarter its months, a year its quarters), so a month's count
    hidden for a box, or small, and shown in every other term of such an equation is
    worked out as the quarter minus the other months. Before the audit, every equation
    left with exactly one term not shown whose count is small or hidden for a box has a
    second term hidden and protected in its own cube as a small cell is (`rebuild`,
    `protect(..., extra=...)`): the whole (the quarter, the year) where it is shown,
    otherwise the largest part shown. Hiding one may leave another equation with one
    term not shown (the quarter is the year minus the other quarters), so it is done
    again until none is; each round hides at least one more cell for good (cells of
    `extra` stay hidden), so it ends. Returns how many cubes were protected again; the
    audit after it decides what is pinned. Each cube's facts are read as the audit reads
    them (`kept`, `only`, `threshold`: the audit's) and kept for it."""
    done = 0
    bound = rounds or 1 + sum(len(c.values) for c in cubes.values())
    kept = {} if kept is None else kept
    for _ in range(bound):
        wanted = _carry_round(cubes, linked, kept=kept, only=only, threshold=threshold)
        if not wanted:
            break
        for name, more in sorted(wanted.items()):
            rebuild(cubes, name, more)
            done += 1
    return done


def _carry_round(
    cubes: Mapping[Name, ProtectedCube],
    linked: Links,
    rows: Iterable[int] | None = None,
    *,
    kept: dict[Name, tuple[ProtectedCube, CubeFacts]] | None = None,
    only: Mapping[str, dict[int, str]] | None = None,
    threshold: int | None = None,
) -> dict[Name, set[Key]]:
    """One round of `carry_boxes`: the cells to hide, by cube. `rows`: the equations to
    look at; by default only those with one term not shown and one shown at the
    threshold or more, the only ones that can need a cell hidden, found over the arrays
    of each cube's facts (`_facts`, kept in `kept`; #14: each equation's refs were made
    each round, then each cell's status asked by its key)."""
    # Each cube's statuses and counts, read without making a cell (#14).
    told = {name: cube.statuses() for name, cube in cubes.items()}
    count = {name: _counts(cube) for name, cube in cubes.items()}
    if rows is None:
        row = linked.terms()[0]
        if threshold is None:
            threshold = next(iter(cubes.values())).threshold
        facts = {name: _facts(name, cube, threshold, only, kept) for name, cube in cubes.items()}
        is_shown, large = linked.shown(cubes, facts)
        n = len(linked.equations)
        one_not_shown = np.bincount(row, weights=~is_shown, minlength=n) == 1
        some_large = np.bincount(row, weights=large, minlength=n) > 0
        rows = np.flatnonzero(one_not_shown & some_large).tolist()
    wanted: dict[Name, set[Key]] = {}
    for k in rows:
        pick = _carry(linked.equations[k], cubes, linked, told, count)
        if pick is not None:
            wanted.setdefault(pick[0], set()).add(pick[1])
    return wanted


def _carry(
    terms: list[tuple[Ref, int]],
    cubes: Mapping[Name, ProtectedCube],
    linked: Links,
    told: Mapping[Name, Callable[[Key], Status]],
    count: Mapping[Name, Callable[[Key], int]],
) -> Ref | None:
    """The term of an equation between cubes to hide so that its one term not shown is
    not worked out from it (`carry_boxes`): the whole where it is shown at the threshold
    or more, otherwise the largest part that is; None where the equation needs none."""
    unshown: list[Ref] = []
    shown: list[Ref] = []
    for ref, _ in terms:
        name, key = ref
        if name == "derived":
            unshown.append(ref)
            continue
        if told[name](key) is not Status.SHOWN:
            unshown.append(ref)
        elif count[name](key) >= cubes[name].threshold:
            shown.append(ref)
    if len(unshown) != 1 or not shown or not _carried(unshown[0], cubes, linked):
        return None
    whole = terms[0][0]
    return whole if whole in shown else max(shown, key=lambda r: (_value(r, cubes), r))


def _counts(cube: ProtectedCube) -> Callable[[Key], int]:
    """A cell's count by its key (a sparse cube's without testing the key, #14)."""
    if isinstance(cube.values, Counts):
        nonzero = cube.values.nonzero
        return lambda key: nonzero.get(key, 0)
    return cube.values.__getitem__


def _value(ref: Ref, cubes: Mapping[Name, ProtectedCube]) -> int:
    name, key = ref
    return cubes[name].values[key]


def _carried(ref: Ref, cubes: Mapping[Name, ProtectedCube], linked: Links) -> bool:
    """Whether the one term an equation does not show must not be worked out from it: a
    small count (whatever the reader was told), or a cell hidden for a box (its value
    pinned undoes the box)."""
    name, key = ref
    if name == "derived":
        if ref in linked.slack:
            return False  # not a count (what one count leaves under another)
        value = linked.derived[ref]
    else:
        cube = cubes[name]
        value = cube.values[key]
        if not cube.withheld and cube.cell(key).status is Status.HIDDEN:
            return True
    threshold = next(iter(cubes.values())).threshold
    return 1 <= value < threshold


def protect_linked(
    cubes: dict[Name, ProtectedCube],
    periods: Sequence[Period],
    today,
    threshold: int,
    *,
    keys: Iterable[str] | None = None,
    rounds: int = ROUNDS,
    rebuild: Rebuild | None = None,
    follow: Callable[[dict[Name, ProtectedCube]], None] | None = None,
    only: Mapping[str, dict[int, str]] | None = None,
    progress: Callable[[str], None] | None = None,
    faces: bool = True,
    carry: bool = False,
    tries: int = TRIES,
    selections: bool = True,
) -> LinkedSummary:
    """Hide more in `cubes` (changed in place) until the audit over `periods` pins no
    small count. `keys`: the tables, audited in their linked groups (default: every
    table in `cubes`). `rebuild(cubes, name, extra)`: protect cube `name` again with
    `extra` hidden too, in `cubes` (default `reprotect`; the money table's counts are
    budget decisions': `selectors.linked_rebuild`); `follow(cubes)`: make again the cubes
    whose statuses follow another's. `only`: the cells of a table the audit reads (the
    money table's counts). `tries`: how many cubes are tried, with an audit each, before
    one is withheld whole (0: the first candidate, untried). `selections`: before a whole
    cube, withhold the selections of the filters the pinned counts go through where that
    leaves fewer pinned (`_withhold_selections`)."""
    summary = LinkedSummary()
    names = sorted({k for k, _ in cubes})
    for group in groups(keys or names):
        mine = {n: c for n, c in cubes.items() if n[0] in group}
        linked = links(mine, periods, today, group, only=only)
        before = {n: c.small | c.hidden for n, c in mine.items()}
        fix = rebuild or _reprotect_in

        # Each cube's facts, read once while it is the same (carried boxes read them too).
        kept: dict[Name, tuple[ProtectedCube, CubeFacts]] = {}

        def settle(cubes: dict[Name, ProtectedCube], facts: dict) -> int:
            return _settle(
                cubes,
                group,  # noqa: B023
                periods,
                linked,  # noqa: B023
                fix,  # noqa: B023
                follow,
                faces,
                carry,
                facts,
                only,
                threshold,
            )

        summary.reprotected += settle(mine, kept)
        last = math.inf
        tried: Audit | None = None  # the audit of the cube withheld last, tried before

        def trial(cubes: dict[Name, ProtectedCube], facts: dict) -> Audit:
            return audit(cubes, linked, threshold, only=only, kept=facts)  # noqa: B023

        # Each step hides more: it ends. A step that withholds selections in place of a
        # whole cube leaves fewer pinned than the last such step did: at most as many of
        # those steps as counts were pinned, each adding a step.
        steps, step = rounds + len(mine) + 1, -1
        chose_at = math.inf  # how many were pinned when selections were last withheld
        while step + 1 < steps:
            step += 1
            found = tried or audit(mine, linked, threshold, only=only, kept=kept)
            tried = None
            if found.inconsistent:
                # The cubes disagree (counted from records that changed while they were
                # computed): nothing can be audited; the next refresh sees the change and
                # does it again.
                summary.inconsistent.append("+".join(group))
                pinned = []
                break
            pinned = found.leaks()
            if step == 0:
                summary.pinned_before += len(pinned)
            if progress:
                progress(f"{'+'.join(group)}: round {step + 1}, {len(pinned)} small counts pinned")
            if not pinned:
                break
            summary.rounds = max(summary.rounds, step + 1)
            # The links each pinned count was worked out through (not only those it is in:
            # a total shown in another table pins a cell of this one through its rows).
            through = {ref: found.support(ref) for ref in pinned}
            # Those worked out from their own cube's rows alone: the links they are in.
            through.update(linked.rows_with(ref for ref, rows in through.items() if not rows))
            extra = _others(through, linked, mine, threshold)
            # Not held while the next audit is made (#14: two of a council's at once).
            del found
            if step < rounds and extra and len(pinned) < last:
                last = len(pinned)
                for name, more in sorted(extra.items()):
                    fix(mine, name, more)
                    summary.reprotected += 1
                if follow is not None:
                    follow(mine)
                summary.reprotected += settle(mine, kept)
            else:
                last = 0
                # First the selections the pinned counts go through, in place of whole
                # tables (a team's month, not every team's), where that leaves fewer
                # pinned.
                chosen = None
                if selections and len(pinned) < chose_at:
                    chose_at = len(pinned)
                    chosen = _withhold_selections(
                        mine,
                        through,
                        linked,
                        fix,
                        follow,
                        settle,
                        trial,
                        kept,
                        len(pinned),
                        extra,
                    )
                if chosen is not None:
                    withheld, done, tried = chosen
                    steps += 1
                    summary.reprotected += done
                    for name, held in sorted(withheld.items()):
                        summary.withheld_selections += [(name, k) for k in sorted(held)]
                    if progress:
                        n = sum(len(held) for held in withheld.values())
                        progress(f"withheld {n} selections in {len(withheld)} tables")
                    continue
                # Withhold one cube (each cube on its own gives nothing away): of the
                # first few that the pinned counts go through, or hold them, the one that
                # leaves the fewest pinned when tried.
                name, tried = _withhold_best(mine, through, linked, follow, trial, kept, tries)
                summary.withheld_whole.append(name)
                if progress:
                    progress(f"withheld {'/'.join(name)}")
        else:
            # Not reached in practice: the whole group withheld, nothing can be pinned
            # (every unknown not negative, with no number shown to bound it).
            _withhold(mine, sorted(mine), summary, progress)
            pinned = []
        summary.pinned_after += len(pinned)
        for name, cube in mine.items():
            if not cube.withheld:
                summary.hidden_more += len((cube.small | cube.hidden) - before[name])
            cubes[name] = cube
    return summary
