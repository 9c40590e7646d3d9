"""Disclosure control for aggregate counts (AGG-2): pure Python, no Django.

A report is a *cube*: a count for every combination of its dimensions' categories (the
page's filters — team, area, age group — and the table's rows and columns). An additive
dimension also has a TOTAL coordinate, the sum of its categories; every page a filter
shows is a slice of the one cube, so every number on every filter's page is a cell of
one table with one suppression pattern, and differencing two filters (one "all ages",
one "18–64") is just a sum of cells of that table.

Rules (docs/adr/0015-reports-and-disclosure-control.md):

* Primary suppression: a cell from 1 to threshold−1 is never shown ("fewer than 5").
  Zero is shown.
* Secondary (complementary) suppression, by the hypercube method (after Repsilber's
  GHMITER, used by national statistics offices): every primary cell is put at a corner of
  a hypercube of hidden cells on which the counts can be moved by +1 and −1 alternately
  without changing any number that is shown, and without breaking what a reader knows
  of the hidden ones (a "fewer than 5" cell stays in 1..threshold−1, any other hidden
  cell stays at threshold or more). Two different tables then agree with everything
  published, with different values in the small cell: it cannot be worked out, whether
  from the row and column totals, the grand total, or another filter's page.
* Where every such box would hide a grand total (every filter and row at its total: the
  whole council's count with no filter), or there is none, a *transfer* is tried too
  (#14): one unit moved from one finest cell to another, outside the small cell. Every
  cell that holds exactly one of the two moves by one, the grand totals hold both and do
  not move; so complementary team and age cells are hidden instead of the grand total,
  and a small table is withheld less often. The move with the fewest grand totals hidden,
  then the least loss, is taken.
* Linked filters (#14): two dimensions may be *apart* — never both narrowed at once (team
  and main reason for support). The cells with both off their totals are never published
  and are not constraints on a move (a reader knows only that they are not negative);
  the two published faces (every team by all reasons, every reason by all teams) are
  protected together, in one pattern.
* Withholding the failing slice only (#14): when a cube's first `selectable` dimensions
  are the page's filters, a small cell that no box or transfer protects withholds its
  *selection* (its filters' coordinates: every cell of that team or area × age group ×
  reason), not the whole cube. A withheld selection's cells are not published, so the
  reader knows only that they are not negative; the cell is then protected again, with
  them free. Withholding a slice alone does not stop differencing (the team's "all ages"
  minus its other age groups gives it back), so every small cell of a withheld selection
  must still be protected by a box or transfer as published small cells are; one that
  still cannot be withholds the selections above it too (each filter one step up its
  chain: team → area → all). Only when the grand selection (every filter at its total)
  would have to be withheld is the whole cube withheld, and not before a transfer from
  any partner, not only the nearest, has been tried for each cell left (`_any_transfer`).
* A cell that cannot be protected like that withholds the whole cube (nothing shown).
* Shares (percentages) built from a hidden count are hidden.
"""

from __future__ import annotations

import bisect
import enum
import functools
import heapq
import itertools
import operator
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

TOTAL = "__total__"
INFINITY = float("inf")
"""The coordinate of an additive dimension that is the sum of its categories."""

Key = tuple[str, ...]

# How many options per dimension the first search considers, and the most hypercubes the
# fuller search will try for one cell before the cube is withheld.
FIRST_SEARCH_OPTIONS = 4
FULL_SEARCH_LIMIT = 5_000
# The most partner cells a transfer tries for each finest cell under a small one (the
# nearest first: the fewest coordinates different).
TRANSFER_PARTNERS = 300


@dataclass(frozen=True)
class Dim:
    """One dimension of a cube: its categories in order and whether it adds up.

    `groups` (optional, additive dimensions only) gathers the categories into named
    groups, each with its own subtotal — teams into areas: (area, (team, team, …))."""

    name: str
    categories: tuple[str, ...]
    additive: bool = True
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        if self.groups:
            members = [c for _, cs in self.groups for c in cs]
            if not self.additive or sorted(members) != sorted(self.categories):
                raise ValueError(f"{self.name}: each category must be in exactly one group")
            if {g for g, _ in self.groups} & {*self.categories, TOTAL}:
                raise ValueError(f"{self.name}: a group has the name of a category")
        # Each category's group and chain, worked out once: the searches ask for them
        # millions of times in a large cube (#14). Not fields: equality and hashing are
        # the categories' and groups'.
        group_of = {c: g for g, cs in self.groups for c in cs}
        object.__setattr__(self, "_group_of", group_of)
        object.__setattr__(
            self,
            "_chains",
            {
                c: (
                    (c,)
                    if not self.additive
                    else (c, group_of[c], TOTAL)
                    if c in group_of
                    else (c, TOTAL)
                )
                for c in self.categories
            },
        )

    @property
    def coords(self) -> tuple[str, ...]:
        if not self.additive:
            return self.categories
        return (*self.categories, *(g for g, _ in self.groups), TOTAL)

    def group_of(self, category: str) -> str | None:
        return self._group_of.get(category)  # type: ignore[attr-defined]

    def chain(self, category: str) -> tuple[str, ...]:
        """The category and every total above it."""
        found = self._chains.get(category)  # type: ignore[attr-defined]
        if found is not None:
            return found
        # Not a category (a group, or the total): as a category in no group.
        return (category,) if not self.additive else (category, TOTAL)


class Status(enum.Enum):
    SHOWN = "shown"
    SMALL = "small"  # primary: 1..threshold-1
    HIDDEN = "hidden"  # secondary: hidden so that a small cell cannot be worked out
    WITHHELD = "withheld"  # the whole cube is withheld


@dataclass(frozen=True)
class Cell:
    value: int | None  # None unless shown
    status: Status

    @property
    def shown(self) -> bool:
        return self.status is Status.SHOWN


class Counts(Mapping[Key, int]):
    """Every cell of a cube (`build_cube`), kept as its non-zero cells only (#14: a nation's
    cube has tens of millions of cells, nearly all zero). It reads as the mapping of every
    cell: each combination of the dimensions' coordinates is in it, a missing one reading
    0, and iterating it walks every combination in order (the order of a dict made from
    `itertools.product`) without keeping them. `nonzero` is the cells that are not zero,
    for the searches and the stored figures to read without walking the zeros."""

    def __init__(self, dims: Sequence[Dim], nonzero: dict[Key, int]):
        self.dims = tuple(dims)
        self.nonzero = nonzero
        self._coords = [frozenset(d.coords) for d in self.dims]

    def __contains__(self, key: object) -> bool:
        return (
            isinstance(key, tuple)
            and len(key) == len(self._coords)
            and all(map(operator.contains, self._coords, key))
        )

    def __getitem__(self, key: Key) -> int:
        value = self.nonzero.get(key)
        if value is not None:
            return value
        if key in self:
            return 0
        raise KeyError(key)

    def get(self, key, default=None):
        value = self.nonzero.get(key)
        if value is not None:
            return value
        return 0 if key in self else default

    def __iter__(self) -> Iterator[Key]:
        return itertools.product(*(d.coords for d in self.dims))

    def __len__(self) -> int:
        return functools.reduce(operator.mul, (len(d.coords) for d in self.dims), 1)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Counts):
            return self.dims == other.dims and {k: v for k, v in self.nonzero.items() if v} == {
                k: v for k, v in other.nonzero.items() if v
            }
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Counts({len(self):,} cells, {len(self.nonzero):,} not zero)"

    def ordered_nonzero(self) -> list[tuple[Key, int]]:
        """The non-zero cells in the order iterating the cube gives them."""
        index = [{c: n for n, c in enumerate(d.coords)} for d in self.dims]
        return sorted(
            ((k, v) for k, v in self.nonzero.items() if v),
            key=lambda kv: [i[c] for i, c in zip(index, kv[0], strict=True)],
        )


def nonzero_cells(values: Mapping[Key, int]) -> Mapping[Key, int]:
    """What the searches read a cube's counts from: `Counts.nonzero` (a missing cell is 0),
    or the mapping itself (every cell, as callers may give)."""
    return values.nonzero if isinstance(values, Counts) else values


def build_cube(dims: Sequence[Dim], leaf_counts: Mapping[Key, int]) -> Counts:
    """Every cell of the cube, totals included, from the counts of the finest cells: the
    non-zero ones kept (`Counts`, #14), each leaf added to the cells above it.

    `leaf_counts` is keyed by one category of each dimension (missing keys are 0)."""
    categories = [frozenset(d.categories) for d in dims]
    for key, count in leaf_counts.items():
        if len(key) != len(dims):
            raise ValueError(f"{key!r} does not name one category of each dimension")
        for coord, dim, known in zip(key, dims, categories, strict=True):
            if coord not in known:
                raise ValueError(f"{coord!r} is not a category of {dim.name}")
        if count < 0:
            raise ValueError("Counts cannot be negative")
    values: dict[Key, int] = {}
    get = values.get
    for key, count in leaf_counts.items():
        if not count:
            continue
        # The cell itself and every total above it.
        for up in itertools.product(
            *(dim.chain(coord) for coord, dim in zip(key, dims, strict=True))
        ):
            values[up] = get(up, 0) + count
    return Counts(dims, values)


Apart = tuple[tuple[str, str], ...]


def unpublished_test(dims: Sequence[Dim], apart: Apart):
    """A function telling whether a cell is never published: for some pair of dimensions
    kept apart, both coordinates are off their totals."""
    index = {d.name: i for i, d in enumerate(dims)}
    pairs = [(index[a], index[b]) for a, b in apart]

    def unpublished(key: Key) -> bool:
        return any(key[i] != TOTAL and key[j] != TOTAL for i, j in pairs)

    return unpublished


def _kept_apart_test(dims: Sequence[Dim], apart: Apart) -> Callable[[Key], bool]:
    """`unpublished_test`, written out for one pair (the reports' team and reason): the
    search asks it about the same cells again and again, and the cells themselves are
    most of a nation's cube (#14: not gathered in a set)."""
    if len(apart) != 1:
        return unpublished_test(dims, apart)
    index = {d.name: i for i, d in enumerate(dims)}
    ((a, b),) = apart
    i, j = index[a], index[b]

    def unpublished(key: Key) -> bool:
        return key[i] != TOTAL and key[j] != TOTAL

    return unpublished


@dataclass
class ProtectedCube:
    dims: tuple[Dim, ...]
    threshold: int
    # Every cell (`Counts`: the non-zero ones kept, #14), or a mapping of every cell.
    values: Mapping[Key, int] = field(repr=False)
    small: frozenset[Key]
    hidden: frozenset[Key]
    withheld: bool
    # Pairs of dimensions never narrowed together: those cells are never published.
    apart: Apart = ()
    # Selections withheld (#14): coordinates of the first `selectable` dimensions whose
    # cells are all withheld, the rest of the cube being published.
    withheld_selections: frozenset[Key] = frozenset()
    selectable: int = 0
    # Cells hidden and protected because another table or period publishes them too
    # (`protect(..., extra=...)`, reports/linked.py, #14): kept so that protecting the
    # cube again keeps them.
    extra: frozenset[Key] = frozenset()
    # Selections withheld because another table or period would give their small counts
    # away (`protect(..., withhold=...)`, reports/linked.py, #14): kept so that protecting
    # the cube again keeps them withheld.
    withhold: frozenset[Key] = frozenset()

    def is_published(self, key: Key) -> bool:
        return not (self.apart and unpublished_test(self.dims, self.apart)(key))

    def selection_withheld(self, key: Key) -> bool:
        """Whether `key` (a cell, or a selection's coordinates) is in a withheld selection."""
        return bool(self.withheld_selections) and key[: self.selectable] in self.withheld_selections

    def statuses(self) -> Callable[[Key], Status]:
        """Each cell's status as a function (what `cell` says), the cube's tests made once
        (#14: the loops across tables and periods ask it of millions of cells)."""
        if self.withheld:
            return lambda _key: Status.WITHHELD
        never = unpublished_test(self.dims, self.apart) if self.apart else None
        chosen, selectable = self.withheld_selections, self.selectable
        small, hidden = self.small, self.hidden

        def status(key: Key) -> Status:
            if chosen and key[:selectable] in chosen:
                return Status.WITHHELD
            if never is not None and never(key):
                return Status.HIDDEN
            if key in small:
                return Status.SMALL
            if key in hidden:
                return Status.HIDDEN
            return Status.SHOWN

        return status

    def cell(self, key: Key) -> Cell:
        status = self.statuses()(key)
        return Cell(self.values[key] if status is Status.SHOWN else None, status)

    def published(self) -> dict[Key, Cell]:
        """Every cell as a reader could see it, on some filter's page."""
        test = unpublished_test(self.dims, self.apart)
        return {key: self.cell(key) for key in self.values if not test(key)}

    def key(self, **coords: str) -> Key:
        """A cell's key from coordinates by dimension name; unnamed dimensions are TOTAL."""
        unknown = set(coords) - {d.name for d in self.dims}
        if unknown:
            raise KeyError(f"No dimension {sorted(unknown)!r}")
        return tuple(coords.get(d.name, TOTAL) for d in self.dims)


def _axis_options(dim: Dim, coord: str) -> list[list[tuple[str, int]]]:
    """The ways a hypercube can span one dimension from `coord`: a list of (coord, sign)."""
    if not dim.additive:
        return [[(coord, 1)]]
    if dim.groups:
        return _grouped_axis_options(dim, coord)
    if coord != TOTAL:
        # Move against another category (the total stays), or with the total (when the
        # other categories are empty, as another area's people are in a team's slice).
        return [
            *([(coord, 1), (other, -1)] for other in dim.categories if other != coord),
            [(coord, 1), (TOTAL, 1)],
        ]
    # A total moves with one of its categories.
    return [[(leaf, 1), (TOTAL, 1)] for leaf in dim.categories]


def _grouped_axis_options(dim: Dim, coord: str) -> list[list[tuple[str, int]]]:
    """As `_axis_options`, for categories in groups: move against a category of the same
    group (the subtotals stay), against a category of another group (the two subtotals
    move, the total stays), or up the chain with the subtotal and the total."""
    groups = dict(dim.groups)
    if coord == TOTAL:
        return [[(TOTAL, 1), (g, 1), (c, 1)] for g, cs in dim.groups for c in cs]
    if coord in groups:
        # A subtotal moves with one of its categories.
        pairs = [(coord, c) for c in groups[coord]]
    else:
        pairs = [(dim.group_of(coord) or "", coord)]
    options: list[list[tuple[str, int]]] = []
    for group, cat in pairs:
        here = [(cat, 1), (group, 1)]
        if coord == cat:
            options += [[(cat, 1), (other, -1)] for other in groups[group] if other != cat]
        for other_group, others in dim.groups:
            if other_group != group:
                options += [[*here, (other_group, -1), (o, -1)] for o in others]
        options.append([*here, (TOTAL, 1)])
    return options


def _ordered_options(dim: Dim, coord: str) -> tuple[tuple[str, list[tuple[str, int]]], ...]:
    """`_axis_options` in order (as sorting the lists themselves), each with the coordinate
    a move along this axis alone reaches (`_find_hypercube`'s ranking): worked out once per
    dimension and coordinate, not once per search (#14). The lists are shared: read only."""
    ordered = []
    for option in sorted(_axis_options(dim, coord)):
        target = next(
            (c for c, sign in option if sign == -1),
            next((c for c, _ in option if c != coord), coord),
        )
        ordered.append((target, option))
    return tuple(ordered)


# How many coordinates' options `_Options` keeps: the small cells are searched in order,
# a team's (or an area's) together, and one area's options are some 20,000 at the nation.
OPTIONS_KEPT = 64


_Firsts = tuple[int, dict[str, list[list[tuple[str, int]]]]]


def _grouped_firsts(dim: Dim, coord: str, n: int = FIRST_SEARCH_OPTIONS) -> _Firsts | None:
    """`_Options.of` for a dimension in groups, written out from `_grouped_axis_options`
    without making every option (#14: an area of a nation's teams has some 20,000): how
    many options there are, and by target the first `n` in order. An option moving
    against another group's category (…, (group, −1), (category, −1)) reaches that group,
    and in order they go by the categories; every other option is the one reaching its
    target. None for a coordinate that is neither a category, a group nor the total."""
    groups = dict(dim.groups)
    if len(groups) != len(dim.groups):
        return None
    members = {g: sorted(cs) for g, cs in dim.groups if cs}
    targets: dict[str, list[list[tuple[str, int]]]] = {}
    if coord == TOTAL:
        for g, cs in members.items():
            targets[g] = [[(TOTAL, 1), (g, 1), (c, 1)] for c in cs[:n]]
        return len(dim.categories), targets
    if coord in groups:
        own = members.get(coord, [])
        for c in own:
            targets[c] = [[(c, 1), (coord, 1), (TOTAL, 1)]]
        for g, others in members.items():
            if g != coord:
                targets[g] = [
                    [(c, 1), (coord, 1), (g, -1), (o, -1)]
                    for c, o in itertools.islice(itertools.product(own, others), n)
                ]
        return len(own) * (len(dim.categories) - len(own) + 1), targets
    group = dim.group_of(coord)
    if group is None:
        return None
    for other in members[group]:
        if other != coord:
            targets[other] = [[(coord, 1), (other, -1)]]
    for g, others in members.items():
        if g != group:
            targets[g] = [[(coord, 1), (group, 1), (g, -1), (o, -1)] for o in others[:n]]
    targets[group] = [[(coord, 1), (group, 1), (TOTAL, 1)]]
    return len(dim.categories), targets


_Option = list[tuple[str, int]]
# How many options an axis has from a coordinate, the targets in the order of their first
# options, and a target's first `FIRST_SEARCH_OPTIONS` options.
_Ranked = tuple[int, tuple[str, ...], Callable[[str], list[_Option]]]


_Layout = tuple[dict[str, tuple[str, ...]], dict[str, list[str]], list[str]]


def _grouped_layout(dim: Dim) -> _Layout:
    """A dimension's groups, their categories in order and their names in order."""
    members = {g: sorted(cs) for g, cs in dim.groups if cs}
    return dict(dim.groups), members, sorted(members)


def _grouped_ranked(
    dim: Dim, coord: str, n: int = FIRST_SEARCH_OPTIONS, layout: _Layout | None = None
) -> _Ranked | None:
    """`_grouped_firsts`, its targets in the order of their first options (the order
    `_find_hypercube` ranks them in when their cells cost the same), each target's options
    made only when asked for (#14: a team reaches every other team and area, and the
    search asks for the first few). Every option from `coord` starts alike (the category
    or group moving up, then its group), so the order is that of what follows: written
    out here from the names, not by making and sorting the options. `layout`:
    `_grouped_layout(dim)`, worked out once by the caller."""
    groups, members, names = layout or _grouped_layout(dim)
    if len(groups) != len(dim.groups):
        return None

    def block(skip: str, total: str) -> list[str]:
        # Moves against another group ((g, −1), …), and up the chain ((TOTAL, +1), …),
        # which reaches `total`: in the order of g's name and the total's.
        ordered = [g for g in names if g != skip]
        ordered.insert(bisect.bisect(ordered, TOTAL), total)
        return ordered

    if coord == TOTAL:
        order = names

        def from_total(target: str) -> list[_Option]:
            return [[(TOTAL, 1), (target, 1), (c, 1)] for c in members[target][:n]]

        return len(dim.categories), tuple(order), from_total
    if coord in groups:
        own = members.get(coord, [])
        if not own:
            return 0, (), lambda _t: []
        order = [*block(coord, own[0]), *own[1:]]

        def from_group(target: str) -> list[_Option]:
            if target not in members:
                return [[(target, 1), (coord, 1), (TOTAL, 1)]]
            return [
                [(c, 1), (coord, 1), (target, -1), (o, -1)]
                for c, o in itertools.islice(itertools.product(own, members[target]), n)
            ]

        return len(own) * (len(dim.categories) - len(own) + 1), tuple(order), from_group
    group = dim.group_of(coord)
    if group is None:
        return None
    # Moves against a category of the group ((other, −1)), and the rest after the group
    # moving up with the category ((group, +1), …): in the order of the names.
    others = [c for c in members[group] if c != coord]
    at = bisect.bisect(others, group)
    order = [*others[:at], *block(group, group), *others[at:]]

    def from_category(target: str) -> list[_Option]:
        if target == group:
            return [[(coord, 1), (group, 1), (TOTAL, 1)]]
        if target in members:
            return [[(coord, 1), (group, 1), (target, -1), (o, -1)] for o in members[target][:n]]
        return [[(coord, 1), (target, -1)]]

    return len(dim.categories), tuple(order), from_category


class _Options:
    """For one cube's dimensions, by axis and coordinate: how many options an axis has
    (`_axis_options`), the coordinates an option reaches (its target, as
    `_ordered_options`) in the order of their first options, and for each the first
    `FIRST_SEARCH_OPTIONS` options reaching it in order. Not sorted whole, nor kept for
    every coordinate: a nation's area has some 20,000 options, and keeping them all took
    gigabytes (#14); the coordinates searched last are kept (the small cells are searched
    in order, a team's together), and a dimension in groups makes a target's options only
    when they are asked for (`_grouped_ranked`)."""

    def __init__(self, dims: tuple[Dim, ...]):
        self.dims = dims
        self.kept: OrderedDict[tuple[int, str], _Ranked] = OrderedDict()
        self.layouts = {i: _grouped_layout(d) for i, d in enumerate(dims) if d.groups}

    def of(self, axis: int, coord: str) -> _Ranked:
        found = self.kept.get((axis, coord))
        if found is not None:
            self.kept.move_to_end((axis, coord))
            return found
        dim = self.dims[axis]
        found = _grouped_ranked(dim, coord, layout=self.layouts[axis]) if dim.groups else None
        if found is None:
            every = _axis_options(dim, coord)
            targets: dict[str, list[_Option]] = {}
            for option in every:
                target = next(
                    (c for c, sign in option if sign == -1),
                    next((c for c, _ in option if c != coord), coord),
                )
                targets.setdefault(target, []).append(option)
            for target, reaching in targets.items():
                targets[target] = heapq.nsmallest(FIRST_SEARCH_OPTIONS, reaching)
            order = tuple(sorted(targets, key=lambda t: targets[t][0]))
            found = (len(every), order, targets.__getitem__)
        self.kept[axis, coord] = found
        if len(self.kept) > OPTIONS_KEPT:
            self.kept.popitem(last=False)
        return found


class _Moves:
    """What a move may do to each cell of one cube, worked out once per `protect` (the
    search asks about the same cells again and again): two bits per cell, 1 when the cell
    may go up by one and 2 when it may go down by one, keeping it within what a reader
    knows of it: a small cell stays in 1..threshold−1, any other hidden cell at threshold
    or more, a never-published cell not negative; a shown zero may do neither. A box (or
    a transfer) is feasible when every corner can move by sign*t, for t = +1 or t = −1.
    And each cell's loss when hidden (a total counts 4 times its value per total
    coordinate)."""

    def __init__(self, values: Mapping[Key, int], small: set[Key], threshold: int, unpublished):
        # The non-zero cells (`nonzero_cells`): a missing cell is 0.
        values = nonzero_cells(values)
        self.values, self.small, self.threshold = values, small, threshold
        self.unpublished = unpublished
        # Filled as the search reaches the cells (most of a large cube it never does).
        self.by_sign = {1: _Lazy(self, 0), -1: _Lazy(self, 1)}
        self.loss = {key: v * 4 ** key.count(TOTAL) for key, v in values.items() if v}
        # What each side of a transfer allows, moving up (1) and down (−1), by leaf, for
        # each kind of partner (`_Search.side_bits`); and its cells that are published,
        # by leaf and shape (`_find_transfer`).
        self.side_bits: dict[int, dict[Key, tuple[int, ...]]] = {1: {}, -1: {}}
        self.transfer_shown: dict[tuple[Key, tuple[int, ...]], list] = {}

    def bits(self, key: Key) -> tuple[int, int]:
        """The bits for a corner moving with the box (sign +1), then against it (−1)."""
        v = self.values.get(key, 0)
        if self.unpublished is not None and self.unpublished(key):
            bits = 1 | (2 if v >= 1 else 0)
        elif key in self.small:
            bits = (1 if v + 1 <= self.threshold - 1 else 0) | (2 if v - 1 >= 1 else 0)
        elif v == 0:
            bits = 0  # a shown zero cannot move
        else:
            bits = (1 if v + 1 >= self.threshold else 0) | (2 if v - 1 >= self.threshold else 0)
        return bits, ((bits & 1) << 1) | (bits >> 1)

    def feasible(self, corners: Iterable[tuple[Key, int]]) -> bool:
        """Whether the box can move by +1 or by −1 (bit 1: every corner's sign*t fits for
        t = +1; bit 2: for t = −1)."""
        bits = 3
        by_sign = self.by_sign
        for key, sign in corners:
            bits &= by_sign[sign][key]
            if not bits:
                return False
        return True


class _Lazy(dict):
    """One sign's bits of `_Moves`, each cell's worked out when first asked for."""

    def __init__(self, moves: _Moves, which: int):
        super().__init__()
        self.moves, self.which = moves, which

    def __missing__(self, key: Key) -> int:
        bits = self[key] = self.moves.bits(key)[self.which]
        return bits


def _find_hypercube(
    key: Key,
    dims: Sequence[Dim],
    values: Mapping[Key, int],
    small: set[Key],
    suppressed: set[Key],
    threshold: int,
    unpublished=None,
    moves: _Moves | None = None,
    options: _Options | None = None,
) -> list[tuple[Key, int]] | None:
    hidden_anyway = unpublished or (lambda _k: False)
    if moves is None:
        moves = _Moves(values, small, threshold, unpublished)
    if options is None:
        options = _Options(tuple(dims))
    values = nonzero_cells(values)
    by_sign = moves.by_sign
    loss = moves.loss

    def target_cost(axis: int, target: str) -> float:
        # The cell reached by moving along this axis alone, to `target`.
        cell = (*key[:axis], target, *key[axis + 1 :])
        if cell in suppressed or hidden_anyway(cell):
            return 0
        return values.get(cell, 0) or float("inf")

    def rank(axis: int) -> list[list[tuple[str, int]]]:
        """The axis's options by the cost of the cell each reaches, then in order (the
        options come in order, and the sort is stable: as sorting by (cost, option))."""
        ordered = _ordered_options(dims[axis], key[axis])
        costs: dict[str, float] = {}
        for target, _ in ordered:
            if target not in costs:
                costs[target] = target_cost(axis, target)
        return [option for _, option in sorted(ordered, key=lambda t: costs[t[0]])]

    def first_ranked(axis: int, n: int) -> list[list[tuple[str, int]]]:
        """`rank(axis)[:n]`: each target costed once, and only the first `n` options of
        each in order looked at (#14: a team reaches every other team and area, 2,800 at
        the nation). The same options: sorting by (cost, option) is ranking them."""
        _, order, firsts = options.of(axis, key[axis])
        # The first n options come from the n targets whose first options come first
        # (`heapq.nsmallest` is `sorted(…)[:n]`; sorting a few is quicker): the targets
        # ranked by cost, then by the place of their first options (`order`). No cell
        # costs less than 0, so the first n at 0 in that order end the ranking (#14).
        before, after = key[:axis], key[axis + 1 :]
        costed: list[tuple[float, int]] = []
        free = 0
        for place, target in enumerate(order):
            cell = (*before, target, *after)
            if cell in suppressed or hidden_anyway(cell):
                costed.append((0, place))
                free += 1
                if free == n:
                    break
            else:
                costed.append((values.get(cell, 0) or INFINITY, place))
        nearest = sorted(costed)[:n] if len(costed) <= 64 else heapq.nsmallest(n, costed)
        best = sorted(
            [(cost, option) for cost, place in nearest for option in firsts(order[place])]
        )
        return [option for _, option in best[:n]]

    def search(options_per_axis: list[list[list[tuple[str, int]]]]):
        """The first box, in the order of `itertools.product(*options_per_axis)`, that can
        move (`_Moves`) and hides the least: the box the search found before #14's
        speed-up, when it built and tried every box whole. The corners are built axis by
        axis, so the boxes sharing their first axes share that work, and a box is dropped
        at its first corner that cannot move."""
        last = len(options_per_axis) - 1
        best: list | None = None
        best_cost: tuple[int, int] | None = None

        def walk(axis: int, partial: list[tuple[Key, int]], bits: int) -> bool:
            # Every option holds the cell's own coordinate (sign +1), so the box's corners
            # include each partial corner with the cell's own coordinates after it: when
            # one of those cannot move, no box that starts so can, and the rest of the
            # product from here is skipped (it would find nothing).
            nonlocal best, best_cost
            own = key[axis]
            for option in options_per_axis[axis]:
                if axis < last:
                    rest = key[axis + 1 :]
                    grown = []
                    held = bits
                    for k, s in partial:
                        for c, t in option:
                            cell = k + (c,)
                            sign = s * t
                            if c != own:
                                held &= by_sign[sign][cell + rest]
                            grown.append((cell, sign))
                        if not held:
                            break
                    if held and walk(axis + 1, grown, held):
                        return True
                    continue
                held = bits
                corners = []
                for k, s in partial:
                    for c, t in option:
                        cell = k + (c,)
                        sign = s * t
                        held &= by_sign[sign][cell]
                        if not held:
                            break
                        corners.append((cell, sign))
                    if not held:
                        break
                if not held:
                    continue
                # Hide as little as possible, and totals last: a total hidden blanks a
                # whole row, column or filter page.
                new = [c for c, _ in corners if c not in suppressed and not hidden_anyway(c)]
                cost = (sum(loss.get(c, 0) for c in new), len(new))
                if best_cost is None or cost < best_cost:
                    best, best_cost = corners, cost
                    if cost == (0, 0):
                        return True
            return False

        if last < 0:  # a cube of no dimensions: its one cell alone
            return [((), 1)] if moves.feasible([((), 1)]) else None
        walk(0, [((), 1)], by_sign[1][key])
        return best

    counts = [options.of(axis, key[axis])[0] for axis in range(len(dims))]
    size = functools.reduce(operator.mul, counts, 1)
    if size > FULL_SEARCH_LIMIT or all(n <= FIRST_SEARCH_OPTIONS for n in counts):
        # No fuller search: only each axis's first options are ranked (#14).
        return search([first_ranked(axis, FIRST_SEARCH_OPTIONS) for axis in range(len(dims))])
    ranked = [rank(axis) for axis in range(len(dims))]
    first = search([opts[:FIRST_SEARCH_OPTIONS] for opts in ranked])
    if first is not None:
        return first
    return search(ranked)


def is_grand(key: Key, dims: Sequence[Dim]) -> bool:
    """A grand total: every additive dimension at its total."""
    return all(c == TOTAL for c, d in zip(key, dims, strict=True) if d.additive)


def _move_cost(
    corners: list[tuple[Key, int]],
    dims: Sequence[Dim],
    values: Mapping[Key, int],
    suppressed,
    unpublished=None,
    grand: frozenset[Key] | None = None,
) -> tuple[int, int, int]:
    """What a move hides that is not hidden yet: grand totals first, then the loss (a
    total counts 4 times its value per total coordinate), then how many cells."""
    values = nonzero_cells(values)
    new = [
        c
        for c, _ in corners
        if c not in suppressed and not (unpublished is not None and unpublished(c))
    ]
    return (
        sum(1 for c in new if (c in grand if grand is not None else is_grand(c, dims))),
        sum(values.get(c, 0) * 4 ** c.count(TOTAL) for c in new),
        len(new),
    )


# A kind of transfer partner: the dimensions it differs in, those of them in groups, and
# for each of those whether the partner is in x's group: (flags, shape, number of shape).
_Kind = tuple[
    tuple[int, ...], tuple[int, ...], tuple[tuple[tuple[bool, ...], tuple[int, ...], int], ...]
]


class _Search:
    """What every search for a move in one `protect` shares: the cube, what is hidden so
    far, which cells are not published (kept apart, or in a withheld selection) and their
    `_Moves`, and what is worked out once and kept between searches: the non-zero finest
    cells (`leaves`, when a transfer is first tried) and the same grouped by some of their
    coordinates (`alike`), the kinds of a transfer's partner (`shapes`, `levels`), and
    the cells of a leaf that a transfer moves (`side`, kept in `apart_from`)."""

    def __init__(
        self,
        dims: tuple[Dim, ...],
        values: Mapping[Key, int],
        small: set[Key],
        suppressed: set[Key],
        threshold: int,
        unpublished,
    ):
        self.dims, self.values, self.small = dims, nonzero_cells(values), small
        self.suppressed, self.threshold = suppressed, threshold
        self.grand = frozenset(
            itertools.product(*((TOTAL,) if d.additive else d.categories for d in dims))
        )
        # (leaf, shape) -> the leaf's cells that do not count the other leaf of a transfer,
        # `shape` saying how many cells of each dimension's chain the two leaves share.
        self.apart_from: dict[tuple[Key, tuple[int, ...]], tuple[Key, ...]] = {}
        self._leaves: list[Key] | None = None
        # The dimensions a transfer's partner may differ in (those that add up), and for a
        # set of them, the leaves by their coordinates in every other dimension (`nearest`).
        self.free = tuple(i for i, d in enumerate(dims) if d.additive)
        self._alike: dict[tuple[int, ...], tuple[Callable[[Key], object], dict]] = {}
        self.unpublished = unpublished
        self.moves = _Moves(values, small, threshold, unpublished)
        self.options = _Options(dims)
        # The kinds of a transfer's partner (`_find_transfer`): the dimensions it differs
        # from x in, and for those in groups whether it is in x's group; each kind's
        # shape (how many cells of each dimension's chain x and the partner share) and
        # its number in `shapes`. By distance (how many dimensions differ).
        self.grouped = {i: d._group_of for i, d in enumerate(dims) if d.groups}  # type: ignore[attr-defined]
        whole = [3 if d.groups else 2 if d.additive else 1 for d in dims]
        self.shapes: list[tuple[int, ...]] = []
        self._kinds: list[list[_Kind]] = []
        for distance in range(1, len(self.free) + 1):
            level: list[_Kind] = []
            for differ in itertools.combinations(self.free, distance):
                gin = tuple(i for i in differ if i in self.grouped)
                options = []
                for flags in itertools.product((True, False), repeat=len(gin)):
                    shape = list(whole)
                    for i in differ:
                        shape[i] = 1  # the total alone shared…
                    for i, same in zip(gin, flags, strict=True):
                        shape[i] += same  # …and the group too, in the same group
                    options.append((flags, tuple(shape), len(self.shapes)))
                    self.shapes.append(tuple(shape))
                level.append((differ, gin, tuple(options)))
            self._kinds.append(level)
        self._levels: dict[tuple[int, ...], list[list[_Kind]]] = {}
        # For each shape, the place in each dimension's chain below which a side's cells
        # lie (`side_bits`).
        self._cols = [
            tuple(w - m for w, m in zip(whole, shape, strict=True)) for shape in self.shapes
        ]
        # (axis, coordinate) -> the categories under it (`_find_transfer`).
        self._under: dict[tuple[int, str], frozenset[str]] = {}

    def under(self, axis: int, coord: str) -> frozenset[str]:
        """The categories of dimension `axis` under `coord` (whose chain holds it)."""
        found = self._under.get((axis, coord))
        if found is None:
            dim = self.dims[axis]
            if coord == TOTAL and dim.additive:
                found = frozenset(dim.categories)
            elif coord in dim.categories:
                found = frozenset((coord,))
            else:
                found = frozenset(c for c in dim.categories if coord in dim.chain(c))
            self._under[axis, coord] = found
        return found

    def withhold(self, unpublished) -> None:
        """More cells are not published (selections withheld): their bounds change."""
        self.unpublished = unpublished
        self.moves = _Moves(self.values, self.small, self.threshold, unpublished)

    @property
    def leaves(self) -> list[Key]:
        if self._leaves is None:
            # From the non-zero cells, not every leaf of the cube (#14).
            categories = [frozenset(d.categories) for d in self.dims]
            self._leaves = sorted(
                k
                for k, v in self.values.items()
                if v > 0 and all(c in s for c, s in zip(k, categories, strict=True))
            )
        return self._leaves

    def alike(self, differ: tuple[int, ...]) -> tuple[Callable[[Key], object], dict]:
        """The leaves, in order, by their coordinates outside `differ` (dimensions), and the
        function giving a key's coordinates there; built once per set of dimensions."""
        found = self._alike.get(differ)
        if found is None:
            rest = [i for i in range(len(self.dims)) if i not in differ]
            coords = operator.itemgetter(*rest) if rest else (lambda _k: ())
            groups: dict[object, list[Key]] = {}
            for leaf in self.leaves:  # in order, so each group is too
                groups.setdefault(coords(leaf), []).append(leaf)
            found = self._alike[differ] = (coords, groups)
        return found

    def inside(self, narrowed: list[int], under: list[frozenset[str]]) -> list[Key]:
        """The non-zero leaves under a cell, in order: those whose coordinate in each of the
        `narrowed` dimensions is one of `under` it (the cell covers every category of the
        others). Gathered from `alike`'s groups, or, where there would be more groups to
        look up than leaves, by testing every leaf."""
        ways = 1
        for i in narrowed:
            ways *= len(under[i])
        if ways > len(self.leaves):
            return [x for x in self.leaves if all(x[i] in under[i] for i in narrowed)]
        others = tuple(i for i in range(len(self.dims)) if i not in narrowed)
        coords, groups = self.alike(others)
        probe = [TOTAL] * len(self.dims)
        found: list[Key] = []
        for combination in itertools.product(*(under[i] for i in narrowed)):
            for i, coord in zip(narrowed, combination, strict=True):
                probe[i] = coord
            found += groups.get(coords(tuple(probe)), ())
        return sorted(found) if len(found) > 1 else found

    def levels(self, narrowed: tuple[int, ...]) -> list[list[_Kind]]:
        """The kinds of partner (`shapes`) by distance, for a cell narrowing the dimensions
        `narrowed`: those differing in one of them (differing only where the cell covers
        every category, a leaf would be inside it)."""
        found = self._levels.get(narrowed)
        if found is None:
            found = self._levels[narrowed] = [
                [kind for kind in level if any(i in narrowed for i in kind[0])]
                for level in self._kinds
            ]
        return found

    def side(self, leaf: Key, shape: tuple[int, ...]) -> tuple[Key, ...]:
        """The cells counting `leaf` and not a partner of this shape: those with, in some
        dimension, a coordinate of the leaf's chain below the cells the two share. Kept
        for the whole search, read in any order: a tuple, a quarter of a set's memory."""
        cells = self.apart_from.get((leaf, shape))
        if cells is None:
            chains = [d.chain(c) for c, d in zip(leaf, self.dims, strict=True)]
            both = set(
                itertools.product(
                    *(chain[len(chain) - m :] for chain, m in zip(chains, shape, strict=True))
                )
            )
            cells = self.apart_from[leaf, shape] = tuple(
                c for c in itertools.product(*chains) if c not in both
            )
        return cells

    def side_bits(self, leaf: Key, sign: int) -> tuple[int, ...]:
        """What `leaf`'s side of a transfer allows moving by `sign` (bits, as
        `_Moves.feasible`), for each kind of partner (`shapes`): the AND over `side`'s
        cells, worked out from the ANDs of the leaf's cells by dimension and place in
        the chain (a side is the cells with some coordinate below the shared ones: the
        union of those slabs), not cell by cell for every kind (#14)."""
        kept = self.moves.side_bits[sign]
        found = kept.get(leaf)
        if found is None:
            bits_of = self.moves.by_sign[sign]
            chains = [d.chain(c) for c, d in zip(leaf, self.dims, strict=True)]
            # The leaf's cells' bits in the order of `itertools.product`: dimension i's
            # slab at place p is every `stride`th run of `stride` cells from p * stride.
            flat = [bits_of[cell] for cell in itertools.product(*chains)]
            # below[i][k]: the AND of dimension i's first k slabs.
            below = []
            stride = len(flat)
            for chain in chains:
                block, stride = stride, stride // len(chain)
                row, bits = [3], 3
                for p in range(len(chain)):
                    seen: set[int] = set()
                    for start in range(p * stride, len(flat), block):
                        seen.update(flat[start : start + stride])
                    for b in seen:
                        bits &= b
                    row.append(bits)
                below.append(row)
            found = kept[leaf] = tuple(
                [
                    functools.reduce(operator.and_, map(list.__getitem__, below, cols))
                    for cols in self._cols
                ]
            )
        return found

    def runs(
        self, x: Key, differs: Iterable[tuple[int, ...]], inside: Mapping[int, frozenset[str]]
    ) -> list[tuple[tuple[int, ...], Sequence[Key] | Iterator[Key]]]:
        """x's partners at one distance: for each set of dimensions of `differs`, the
        non-zero leaves differing from x in exactly those and outside the cell (`inside`,
        as `nearest`), in order: a list, or filtered as they are read. Empty ones left out."""
        found_runs: list[tuple[tuple[int, ...], Sequence[Key] | Iterator[Key]]] = []
        for differ in differs:
            coords, groups = self.alike(differ)
            group = groups.get(coords(x))
            if group:
                decide = [(i, inside[i]) for i in differ if i in inside]
                found = _differing(group, x, differ, decide)
                if not isinstance(found, list) or found:
                    found_runs.append((differ, found))
        return found_runs

    def nearest(self, x: Key, inside: Mapping[int, frozenset[str]]) -> Iterator[Key]:
        """The non-zero leaves outside a cell with x's coordinates in the dimensions that do
        not add up: those differing from x in one coordinate, then in two, …, each distance
        in order — as sorting them all by distance, but reaching only the ones asked for.
        `inside`: for each dimension the cell narrows, the categories it covers (a leaf is
        outside when one of its coordinates is not among them; x is inside the cell). Not
        the categories it does not cover: for a nation's teams those are thousands (#14)."""
        return (y for y, _ in self.partners(x, inside))

    def partners(
        self, x: Key, inside: Mapping[int, frozenset[str]]
    ) -> Iterator[tuple[Key, tuple[int, ...]]]:
        """`nearest`, each leaf with the dimensions it differs from x in (#14: what a
        transfer's shape depends on, besides x)."""
        for distance in range(1, len(self.free) + 1):
            differs = [
                differ
                for differ in itertools.combinations(self.free, distance)
                if any(i in inside for i in differ)
            ]
            runs = self.runs(x, differs, inside)
            if runs:
                yield from _merged(runs)

    def hypercube(self, key: Key) -> list[tuple[Key, int]] | None:
        return _find_hypercube(
            key,
            self.dims,
            self.values,
            self.small,
            self.suppressed,
            self.threshold,
            self.unpublished,
            self.moves,
            self.options,
        )

    def transfer(self, key: Key) -> list[tuple[Key, int]] | None:
        return _find_transfer(key, self)

    def cost(self, corners: list[tuple[Key, int]]) -> tuple[int, int, int]:
        return _move_cost(
            corners, self.dims, self.values, self.suppressed, self.unpublished, self.grand
        )


def _merged(
    runs: list[tuple[tuple[int, ...], Sequence[Key] | Iterator[Key]]],
) -> Iterator[tuple[Key, tuple[int, ...]]]:
    """One distance's runs (`_Search.runs`) as one, in order, each leaf with its run's
    dimensions. A leaf differs from x in one set of dimensions, so the runs are apart:
    lists are sorted together, runs filtered as they are read merged (#14)."""
    if len(runs) == 1:
        ((differ, found),) = runs
        return zip(found, itertools.repeat(differ))
    if all(isinstance(found, list) for _, found in runs):
        return iter(sorted((y, differ) for differ, found in runs for y in found))
    return heapq.merge(*(zip(found, itertools.repeat(differ)) for differ, found in runs))


def _differing(
    group: list[Key], x: Key, differ: tuple[int, ...], decide: list[tuple[int, frozenset[str]]]
) -> Sequence[Key] | Iterator[Key]:
    """The leaves of `group` (alike x outside `differ`) that differ from x in every
    dimension of `differ` and are outside the cell (`decide`: the categories the cell
    covers, see `_Search.nearest`), in order. One and two dimensions, the most asked for,
    are written out (#14)."""
    if len(differ) == 1:
        (i,) = differ
        xi = x[i]
        ((_, cats),) = decide
        return [y for y in group if y[i] != xi and y[i] not in cats]
    if len(differ) == 2:
        i, j = differ
        xi, xj = x[i], x[j]
        if len(decide) == 1:
            ((k, cats),) = decide
            return [y for y in group if y[i] != xi and y[j] != xj and y[k] not in cats]
        ci, cj = decide[0][1], decide[1][1]
        return [
            y for y in group if y[i] != xi and y[j] != xj and (y[i] not in ci or y[j] not in cj)
        ]
    # Three dimensions or more: groups of many leaves, of which a transfer reads the first
    # few (#14): filtered as they are read.
    return (
        y
        for y in group
        if all(y[i] != x[i] for i in differ) and any(y[i] not in cats for i, cats in decide)
    )


def _find_transfer(key: Key, search: _Search) -> list[tuple[Key, int]] | None:
    """Move one unit from a finest cell `y` outside `key` to a finest cell `x` inside it
    (or back): the cells counting x but not y move by +1, those counting y but not x by
    −1, every other cell — the grand totals among them — stays. Each x tries its
    `TRANSFER_PARTNERS` nearest y (the fewest coordinates different, then in order), and
    the move with the fewest grand totals hidden, then the least loss, then the fewest
    cells, the first found of those, is taken.

    x's cells that move depend only on x and how many cells of each dimension's chain x
    and y share (the pair's *shape*, given by its *kind*: the dimensions y differs in and,
    for those in groups, whether y is in x's group; likewise y's), so what each side
    allows (`_Search.side_bits`) and hides is worked out once per leaf and kind, not once
    per pair. The nearest y are reached by changing x's coordinates (`_Search.runs`), not
    by scoring every leaf; and only the kinds whose x side can move and hides less than
    the best so far are read (#14: most are not), the others only counted towards the
    `TRANSFER_PARTNERS`, so that the partners tried are the ones they were."""
    dims, moves = search.dims, search.moves
    apart_from, grand = search.apart_from, search.grand
    best, best_cost = None, None
    # The categories under each of `key`'s coordinates: a leaf is inside when each of its
    # coordinates is (worked out once per dimension and coordinate, kept by the search).
    under = [search.under(i, coord) for i, coord in enumerate(key)]
    # Only the dimensions `key` narrows decide (its totals cover every category).
    narrowed = [
        i for i, (u, d) in enumerate(zip(under, dims, strict=True)) if len(u) < len(d.categories)
    ]
    if not narrowed:
        return None  # `key` covers every leaf: there is no y outside it
    # For each dimension `key` narrows, the categories it covers (a leaf is outside when
    # one of its coordinates is not among them).
    covered = {i: under[i] for i in narrowed}
    levels = search.levels(tuple(narrowed))
    up, down = moves.by_sign[1], moves.by_sign[-1]
    side_bits = search.side_bits
    loss = moves.loss
    suppressed = search.suppressed
    hidden_anyway = search.unpublished or (lambda _k: False)
    # What each side of a transfer hides, for this search (`suppressed` grows); the
    # published cells of each side are kept with the `_Moves` they come from.
    shown = moves.transfer_shown
    hides: dict[tuple[Key, tuple[int, ...]], tuple[int, int, int]] = {}

    def hidden_by(leaf: Key, shape: tuple[int, ...]) -> tuple[int, int, int]:
        # As `_move_cost`: grand totals hidden, then the loss, then how many cells.
        cost = hides.get((leaf, shape))
        if cost is None:
            published = shown.get((leaf, shape))
            if published is None:
                published = shown[leaf, shape] = [
                    (c, c in grand, loss.get(c, 0))
                    for c in search.side(leaf, shape)
                    if not hidden_anyway(c)
                ]
            grands = lost = cells = 0
            for c, is_grand, lose in published:
                if c not in suppressed:
                    grands += is_grand
                    lost += lose
                    cells += 1
            cost = hides[leaf, shape] = (grands, lost, cells)
        return cost

    grouped = search.grouped
    for x in search.inside(narrowed, under):
        # Every cell between x and `key` (x and `key` among them) counts x and not y,
        # whatever y is (y is outside `key`): each moves up with the transfer.
        x_bits = 3
        between = []
        for v, k, d in zip(x, key, dims, strict=True):
            chain = d.chain(v)
            between.append(chain[: chain.index(k) + 1])
        for c in itertools.product(*between):
            x_bits &= up[c]
            if not x_bits:
                break
        if not x_bits:
            continue
        # The kinds of partner worth reading: x's side can move, and hides less than the
        # best so far (a larger kind's side holds a smaller one's; the best only falls).
        x_side = side_bits(x, 1)
        viable: dict[tuple[int, ...], tuple[tuple[int, ...], dict]] = {}
        last = 0
        for distance, level in enumerate(levels, 1):
            for differ, gin, options in level:
                for flags, shape, n in options:
                    bits = x_side[n]
                    if not bits:
                        continue
                    # What x's side hides, when there is a best to weigh it against.
                    hx = None if best_cost is None else hidden_by(x, shape)
                    if hx is not None and best_cost is not None and hx >= best_cost:
                        continue
                    viable.setdefault(differ, (gin, {}))[1][flags] = (shape, bits, n, hx)
                    last = distance
        # The nearest partners first (the fewest coordinates different, then in order),
        # `TRANSFER_PARTNERS` of them, those of kinds not worth reading only counted.
        left = TRANSFER_PARTNERS
        for level in levels[:last]:
            runs = search.runs(x, (differ for differ, _, _ in level), covered)
            if not runs:
                continue
            read = [run for run in runs if run[0] in viable]
            # How many the level has, when every run is a list (one filtered as it is
            # read is not counted up front).
            total: int | None = 0
            for _, found in runs:
                if not isinstance(found, list) or total is None:
                    total = None
                    break
                total += len(found)
            if not read:
                if total is None:
                    total = sum(sum(1 for _ in itertools.islice(found, left)) for _, found in runs)
                left -= total
                if left <= 0:
                    break
                continue
            # The level's partners read: every one, or the first `left` in order. Which
            # comes first matters only between moves that cost the same (the first in
            # order, the least y, is taken), so they are read unsorted, run by run (#14).
            cut: Key | None = None
            if total is not None and total <= left:
                left -= total
            elif total is not None:
                # More than are left: those up to the `left`th in order.
                cut = sorted(itertools.chain.from_iterable(found for _, found in runs))[left - 1]
                left = 0
            else:
                first = list(itertools.islice(_merged(runs), left))
                left -= len(first)
                by_differ: dict[tuple[int, ...], list[Key]] = {}
                for y, differ in first:
                    if differ in viable:
                        by_differ.setdefault(differ, []).append(y)
                read = list(by_differ.items())
            # The level's cheapest move better than the best so far: (cost, y, shape).
            here: tuple[tuple[int, int, int], Key, tuple[int, ...]] | None = None
            for differ, found in read:
                gin, by_flags = viable[differ]
                for y in found:
                    if cut is not None and y > cut:
                        continue
                    kind = by_flags.get(
                        tuple([grouped[i][x[i]] == grouped[i][y[i]] for i in gin]) if gin else ()
                    )
                    if kind is None:
                        continue
                    shape, bits, n, hx = kind
                    if not x_bits & down[y]:  # and y itself always moves down
                        continue
                    if hx is None:
                        hx = hidden_by(x, shape)
                    # y's side only adds to what x's hides: no better than the best.
                    if (best_cost is not None and hx >= best_cost) or (
                        here is not None and (hx, y) >= here[:2]
                    ):
                        continue
                    bits &= side_bits(y, -1)[n]
                    if not bits:
                        continue  # a shown zero, or a cell pushed past what a reader knows
                    hy = hidden_by(y, shape)
                    cost = (hx[0] + hy[0], hx[1] + hy[1], hx[2] + hy[2])
                    if (best_cost is None or cost < best_cost) and (
                        here is None or (cost, y) < here[:2]
                    ):
                        here = (cost, y, shape)
            if here is not None:
                best_cost, best = here[0], (x, here[1], here[2])
            if best_cost == (0, 0, 0) or left <= 0:
                break  # hides nothing new: no later pair can be cheaper (#14)
        if best_cost == (0, 0, 0):
            break
    if best is None:
        return None
    x, y, shape = best
    return [(c, 1) for c in apart_from[x, shape]] + [(c, -1) for c in apart_from[y, shape]]


def protect(
    dims: Sequence[Dim],
    values: Mapping[Key, int],
    threshold: int,
    *,
    apart: Apart = (),
    selectable: int = 0,
    extra: Iterable[Key] = (),
    withhold: Iterable[Key] = (),
) -> ProtectedCube:
    """Primary and secondary suppression of a whole cube (from `build_cube`). `apart`:
    pairs of dimensions never narrowed together (their joint cells are never published).
    `selectable`: how many leading dimensions are the page's filters; a small cell that
    cannot be protected then withholds its selection of them (and, if need be, the
    selections above it), not the whole cube (#14).
    `extra`: cells of threshold or more to hide as well and protect as a small cell is
    (each a corner of a box or transfer, so that it cannot be worked out from this cube
    either): cells another table or period must not be played off against
    (`reports/linked.py`, #14 AGG-2). A cell of `extra` below the threshold is ignored
    (small already, or a zero, which is shown).
    `withhold`: selections (coordinates of the first `selectable` dimensions) withheld
    from the start, as a selection no box protects is: their cells are not published,
    and the small cells in them are protected from the cube's other selections (a team's
    cells are not its area minus the other teams). Never the grand selection, whose
    withholding is the whole cube's."""
    if threshold < 1:
        raise ValueError("The threshold must be at least 1")
    dims = tuple(dims)
    if len({d.name for d in dims}) != len(dims):
        # `apart` names dimensions: two of one name would keep the wrong one apart (#14).
        raise ValueError("Each dimension needs a name of its own")
    if not 0 <= selectable <= len(dims):
        raise ValueError("selectable: at most the number of dimensions")
    # The sparse cube as it is (#14); any other mapping copied, as before.
    values = values if isinstance(values, Counts) else dict(values)
    table = nonzero_cells(values)
    # The cells never published (kept apart): a test, not a set of them (#14).
    kept_apart = _kept_apart_test(dims, apart) if apart else (lambda _k: False)
    forced = frozenset(tuple(s) for s in withhold)
    for selection in forced:
        if len(selection) != selectable or not selectable:
            raise ValueError("withhold: selections of the first `selectable` dimensions")
        if is_grand(selection, dims[:selectable]):
            raise ValueError("withhold: not the grand selection (withhold the whole cube)")
    # Selections withheld so far (#14): their cells are not published either.
    chosen: set[Key] = set(forced)

    def unpublished_now():
        if not chosen:
            return kept_apart if apart else None
        return lambda k: kept_apart(k) or k[:selectable] in chosen

    small = {key for key, v in table.items() if 1 <= v < threshold and not kept_apart(key)}
    suppressed = set(small)
    withheld = False
    # Deterministic order: the smallest cells first (they have the fewest ways to move).
    pending = sorted(small, key=lambda k: (table[k], k))
    more_hidden = sorted(
        k for k in set(extra) if table.get(k, 0) >= threshold and not kept_apart(k)
    )
    suppressed.update(more_hidden)
    pending += more_hidden
    search = (
        _Search(dims, values, small, suppressed, threshold, unpublished_now()) if pending else None
    )
    if (
        search
        and selectable
        and _unfiltered_cannot_be_protected(
            [k for k in pending if is_grand(k[:selectable], dims[:selectable])], search
        )
    ):
        # A small count of the unfiltered table that nothing protects: found first, so
        # the whole cube is withheld without protecting every other slice first.
        pending, withheld = [], True
    while search and pending:
        failed: list[Key] = []
        for key in pending:
            corners = search.hypercube(key)
            if corners is None or search.cost(corners)[0]:
                # No box, or only one that hides a grand total: try a transfer (#14).
                moved = search.transfer(key)
                if moved is not None and (
                    corners is None or search.cost(moved) < search.cost(corners)
                ):
                    corners = moved
            grand = is_grand(key[:selectable], dims[:selectable])
            if corners is None and selectable and grand:
                # Only the whole cube would do: first a transfer from any partner (#14).
                corners = _any_transfer(key, search)
            if corners is None:
                failed.append(key)
                if not selectable or grand:
                    # Only the whole cube would do: no need to look further.
                    withheld = True
                    break
                continue
            _hide(corners, search)
        if withheld or not failed:
            break
        more = _selections_to_withhold(failed, dims, selectable, chosen)
        if not more:
            # Nothing left to withhold but the whole cube: first a transfer from any
            # partner for each cell, not only the nearest (#14: at a nation's teams the
            # nearest are other teams' cells, which a small count of theirs pins).
            failed = [k for k in failed if not _hide(_any_transfer(k, search), search)]
            if not failed:
                break
            more = _selections_to_withhold(failed, dims, selectable, chosen)
            if not more:
                withheld = True
                break
        # Withholding only frees cells (a published cell's bounds become "not negative"),
        # so every box found so far can still move: only the failed cells are tried again.
        chosen |= more
        search.withhold(unpublished_now())
        pending = failed
    return ProtectedCube(
        dims=dims,
        threshold=threshold,
        values=values,
        small=frozenset(small),
        hidden=frozenset(suppressed - small),
        withheld=withheld,
        apart=tuple(apart),
        withheld_selections=frozenset() if withheld else frozenset(chosen),
        selectable=selectable,
        extra=frozenset(more_hidden),
        withhold=forced,
    )


def _unfiltered_cannot_be_protected(cells: Iterable[Key], search: _Search) -> bool:
    """Whether one of `cells` (small counts at the grand selection: every filter at its
    total) has no box and no transfer. Whether a move exists does not depend on what is
    hidden already (only its cost does), so this is known before the search proper."""
    return any(
        search.hypercube(key) is None
        and search.transfer(key) is None
        and _any_transfer(key, search) is None
        for key in cells
    )


def _hide(corners: list[tuple[Key, int]] | None, search: _Search) -> bool:
    """Hide a move's published cells (`search.suppressed`); False when there is no move."""
    if corners is None:
        return False
    unpublished = search.unpublished
    search.suppressed.update(
        c for c, _ in corners if not (unpublished is not None and unpublished(c))
    )
    return True


def _any_transfer(key: Key, search: _Search) -> list[tuple[Key, int]] | None:
    """The last resort before a whole cube is withheld (#14): a transfer as `_find_transfer`
    makes (one unit from a finest cell y outside `key` to one x inside it, or back; the
    cells counting exactly one of the two move), with every non-zero y tried, not only the
    `TRANSFER_PARTNERS` nearest. At 1,000 teams the nearest partners of a small count's
    one unit were all other teams' cells (the nearest by the fewest coordinates different,
    then in order), each pinned by a small count of that team's that cannot move, and the
    cube was withheld whole with a move from the same team's other cells to hand. The
    move hiding the fewest grand totals, then the least loss, then the fewest cells, then
    the first in order (x, then y) is taken. Only tried where the whole cube would
    otherwise be withheld, so every other cube is protected as before."""
    dims = search.dims
    under = [search.under(i, coord) for i, coord in enumerate(key)]
    fixed = [i for i, d in enumerate(dims) if not d.additive]
    inside: list[Key] = []
    outside: list[Key] = []
    for leaf in search.leaves:
        (inside if all(c in u for c, u in zip(leaf, under, strict=True)) else outside).append(leaf)

    def cells(leaf: Key) -> set[Key]:
        return set(itertools.product(*(d.chain(c) for c, d in zip(leaf, dims, strict=True))))

    feasible, cost = search.moves.feasible, search.cost
    best, best_cost = None, None
    for x in inside:
        over_x = cells(x)
        for y in outside:
            if any(x[i] != y[i] for i in fixed):
                continue
            over_y = cells(y)
            move = [(c, 1) for c in sorted(over_x - over_y)] + [
                (c, -1) for c in sorted(over_y - over_x)
            ]
            if not feasible(move):
                continue
            moved = cost(move)
            if best_cost is None or moved < best_cost:
                best, best_cost = move, moved
                if moved == (0, 0, 0):
                    return best
    return best


def _selections_to_withhold(
    failed: Iterable[Key], dims: Sequence[Dim], selectable: int, chosen: set[Key]
) -> set[Key]:
    """The selections to withhold for small cells no move protects: each cell's own
    selection, or where that is withheld already, the selections one step up each filter's
    chain (team → area → all; the differencing a withheld slice leaves open goes through
    them). Empty when the whole cube must be withheld instead: nothing new to withhold, or
    the grand selection (every additive filter at its total) would be."""
    if not selectable:
        return set()
    more: set[Key] = set()
    for key in failed:
        base = key[:selectable]
        if base not in chosen:
            more.add(base)
            continue
        for i, (coord, dim) in enumerate(zip(base, dims[:selectable], strict=True)):
            if not dim.additive or coord == TOTAL:
                continue
            up = dim.chain(coord)[1] if coord in dim.categories else TOTAL
            more.add((*base[:i], up, *base[i + 1 :]))
    more -= chosen
    if not more or any(is_grand(b, dims[:selectable]) for b in more):
        return set()
    return more


def protect_counts(
    dims: Sequence[Dim],
    leaf_counts: Mapping[Key, int],
    threshold: int,
    *,
    apart: Apart = (),
    selectable: int = 0,
) -> ProtectedCube:
    return protect(
        dims, build_cube(dims, leaf_counts), threshold, apart=apart, selectable=selectable
    )


def share(numerator: Cell, denominator: Cell) -> float | None:
    """A percentage, or None when either count is not shown (or there is nobody)."""
    if not (numerator.shown and denominator.shown) or not denominator.value:
        return None
    assert numerator.value is not None
    return 100.0 * numerator.value / denominator.value


def leaf_keys(dims: Sequence[Dim]) -> Iterable[Key]:
    return itertools.product(*(d.categories for d in dims))
