"""An exact audit of what a reader can work out (#14, AGG-2): linear programming over the
attacker's facts, where interval propagation (`attacker.py`) is sound but not complete.

The facts are the attacker's: each hidden cell an unknown with its label's bounds (as
propagation left them), each equation and inequality between cells of any tables and
periods. A hidden count is *pinned* when every table of whole numbers that agrees with
the facts gives it the same value. For each cell asked about (by default every one that
propagation left open and whose true value is from 1 to threshold−1: the ones that would
be a leak) this module decides, with HiGHS through `scipy.optimize`:

* **pinned** — the linear programming relaxation's minimum and maximum of the cell lie
  within one of its true value, so no other whole number is possible (`linprog`; and,
  where the relaxation's bound is fractional and the facts that touch the cell are few,
  `milp` with whole numbers: `pinned_integer`);
* **open** — a table of whole numbers that satisfies every fact (checked exactly, in
  integers) gives the cell another value: the reader cannot tell;
* **lp_open** — the relaxation reaches another value, but no whole-number table was
  found and the facts are too many for `milp`: not shown pinned (a leak through
  integrality alone is possible in principle).

The facts split into components (unknowns joined by some fact); each component is one
sparse problem. Most cells are decided in batches: the relaxation's optimum for the sum of
the undecided cells (then its negation, then random signs) is a table, often of whole
numbers, that gives many cells another value at once; only the rest are bounded one by
one. A bound the propagation could not find and the relaxation does is a real leak: the
relaxation is a superset of the whole-number tables."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .attacker import Attacker

PINNED = "pinned"
PINNED_INTEGER = "pinned_integer"
OPEN = "open"
LP_OPEN = "lp_open"
NEAR_OPEN = "near_open"
"""Not pinned by the facts within `radius` of the cell (a component too large to bound
each cell over all of it): a leak through facts further away is not ruled out."""
EPS = 1e-6


@dataclass
class Component:
    """One connected set of unknowns and the facts over them, as a sparse problem."""

    variables: list[int]  # attacker's unknown indices
    a_eq: sparse.csr_matrix
    b_eq: np.ndarray
    a_ub: sparse.csr_matrix
    b_ub: np.ndarray
    low: np.ndarray
    high: np.ndarray
    truth: np.ndarray
    position: dict[int, int] = field(default_factory=dict)
    solves: int = 0

    def __post_init__(self):
        self.position = {v: n for n, v in enumerate(self.variables)}

    @property
    def size(self) -> int:
        return len(self.variables)

    def _bounds(self):
        return np.column_stack([self.low, self.high])

    def relaxation(self, objective: np.ndarray):
        """Minimise objective·x over the relaxation: (status, value, x); status 0 optimal,
        3 unbounded."""
        self.solves += 1
        res = linprog(
            objective,
            A_ub=self.a_ub if self.a_ub.shape[0] else None,
            b_ub=self.b_ub if self.a_ub.shape[0] else None,
            A_eq=self.a_eq if self.a_eq.shape[0] else None,
            b_eq=self.b_eq if self.a_eq.shape[0] else None,
            bounds=self._bounds(),
            method="highs",
        )
        if res.status not in (0, 3):
            raise RuntimeError(f"linprog: {res.message}")
        return res.status, (res.fun if res.status == 0 else -math.inf), res.x

    def whole(self, objective: np.ndarray):
        """Minimise objective·x over tables of whole numbers (milp)."""
        self.solves += 1
        constraints = []
        if self.a_eq.shape[0]:
            constraints.append(LinearConstraint(self.a_eq, self.b_eq, self.b_eq))
        if self.a_ub.shape[0]:
            constraints.append(LinearConstraint(self.a_ub, -np.inf, self.b_ub))
        res = milp(
            objective,
            constraints=constraints,
            integrality=np.ones(self.size),
            bounds=Bounds(self.low, self.high),
        )
        if res.status == 3 or (res.status == 4 and res.x is None):
            return 3, -math.inf, None  # unbounded (or unbounded/infeasible: feasible here)
        if res.status != 0:
            raise RuntimeError(f"milp: {res.message}")
        return 0, res.fun, res.x

    def certified(self, x: np.ndarray | None) -> np.ndarray | None:
        """`x` rounded, if it is a table of whole numbers that satisfies every fact
        exactly; else None."""
        if x is None or np.max(np.abs(x - np.round(x)), initial=0) > EPS:
            return None
        r = np.round(x).astype(np.int64)
        if np.any(r < self.low) or np.any(r > self.high):
            return None
        if self.a_eq.shape[0] and np.any(self.a_eq @ r != self.b_eq):
            return None
        if self.a_ub.shape[0] and np.any(self.a_ub @ r > self.b_ub):
            return None
        return r

    def around(self, j: int, radius: int) -> Component:
        """A relaxation of this problem near unknown `j`: the unknowns within `radius`
        facts of it, and only the facts among them (the others dropped). Every table that
        satisfies this component satisfies the smaller problem, so a cell it pins is
        pinned; one it leaves open may still be pinned by a fact further away."""
        if not hasattr(self, "_columns"):
            self._columns = (self.a_eq.tocsc(), self.a_ub.tocsc())
        near = {self.position[j]}
        rows: dict[bool, set[int]] = {True: set(), False: set()}
        for _ in range(radius):
            for eq, by_col, by_row in (
                (True, self._columns[0], self.a_eq),
                (False, self._columns[1], self.a_ub),
            ):
                for v in list(near):
                    for r in by_col.indices[by_col.indptr[v] : by_col.indptr[v + 1]]:
                        if r not in rows[eq]:
                            rows[eq].add(int(r))
                            near.update(
                                int(u)
                                for u in by_row.indices[by_row.indptr[r] : by_row.indptr[r + 1]]
                            )
        keep = sorted(near)

        def within(m: sparse.csr_matrix, b: np.ndarray, eq: bool):
            # the facts all of whose unknowns are near (a fact half outside is dropped)
            chosen = sorted(
                r
                for r in rows[eq]
                | {
                    int(r)
                    for v in keep
                    for r in (self._columns[0] if eq else self._columns[1]).indices[
                        (self._columns[0] if eq else self._columns[1]).indptr[v] : (
                            self._columns[0] if eq else self._columns[1]
                        ).indptr[v + 1]
                    ]
                }
                if all(int(u) in near for u in m.indices[m.indptr[r] : m.indptr[r + 1]])
            )
            return m[chosen][:, keep], b[chosen]

        a_eq, b_eq = within(self.a_eq, self.b_eq, True)
        a_ub, b_ub = within(self.a_ub, self.b_ub, False)
        return Component(
            variables=[self.variables[v] for v in keep],
            a_eq=a_eq.tocsr(),
            b_eq=b_eq,
            a_ub=a_ub.tocsr(),
            b_ub=b_ub,
            low=self.low[keep],
            high=self.high[keep],
            truth=self.truth[keep],
        )

    def bounds(self, j: int, *, integer: bool) -> tuple[float, float]:
        """The least and greatest value of unknown `j` (attacker index): over the
        relaxation, or over tables of whole numbers."""
        n = self.position[j]
        c = np.zeros(self.size)
        c[n] = 1.0
        solve = self.whole if integer else self.relaxation
        status, low, _ = solve(c)
        status2, neg_high, _ = solve(-c)
        return (
            low if status == 0 else -math.inf,
            -neg_high if status2 == 0 else math.inf,
        )


def components(attacker: Attacker) -> tuple[list[Component], dict[int, Component]]:
    """The attacker's facts over the unknowns propagation left open, split into
    connected components (fixed unknowns substituted)."""
    low, high = attacker.low, attacker.high
    fixed = {i for i in range(len(low)) if low[i] == high[i]}
    rows = []  # (terms, constant, is equation)
    for terms, constant, eq in [
        *((t, c, True) for t, c in attacker.equations),
        *((t, c, False) for t, c in attacker.inequalities),
    ]:
        rest = constant - sum(c * low[i] for i, c in terms if i in fixed)
        free = [(i, c) for i, c in terms if i not in fixed]
        if free:
            rows.append((free, rest, eq))
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for terms, _, _ in rows:
        first = find(terms[0][0])
        for i, _ in terms[1:]:
            other = find(i)
            if other != first:
                parent[other] = first
    for i in range(len(low)):
        if i not in fixed:
            find(i)
    members: dict[int, list[int]] = {}
    for i in parent:
        members.setdefault(find(i), []).append(i)
    facts: dict[int, list] = {}
    for row in rows:
        facts.setdefault(find(row[0][0][0]), []).append(row)
    out: list[Component] = []
    of: dict[int, Component] = {}
    for root, variables in members.items():
        variables.sort()
        position = {v: n for n, v in enumerate(variables)}
        mats = {}
        for eq in (True, False):
            data: list[float] = []
            ri: list[int] = []
            ci: list[int] = []
            b: list[float] = []
            for terms, rest, is_eq in facts.get(root, []):
                if is_eq is not eq:
                    continue
                r = len(b)
                for i, c in terms:
                    data.append(c)
                    ri.append(r)
                    ci.append(position[i])
                b.append(rest)
            mats[eq] = (
                sparse.csr_matrix((data, (ri, ci)), shape=(len(b), len(variables))),
                np.array(b, dtype=float),
            )
        comp = Component(
            variables=variables,
            a_eq=mats[True][0],
            b_eq=mats[True][1],
            a_ub=mats[False][0],
            b_ub=mats[False][1],
            low=np.array([low[i] for i in variables], dtype=float),
            high=np.array([high[i] for i in variables], dtype=float),
            truth=np.array([attacker.truth[i] for i in variables], dtype=np.int64),
        )
        out.append(comp)
        for v in variables:
            of[v] = comp
    return out, of


@dataclass
class Audit:
    decided: dict[int, str]  # attacker index -> PINNED, PINNED_INTEGER, OPEN, LP_OPEN
    solves: int
    cpu: float
    largest: int  # unknowns in the largest component audited

    def count(self, status: str) -> int:
        return sum(1 for s in self.decided.values() if s == status)

    def pinned(self) -> list[int]:
        return [i for i, s in self.decided.items() if s in (PINNED, PINNED_INTEGER)]


def leak_candidates(attacker: Attacker) -> list[int]:
    """Unknowns propagation left open whose true value is from 1 to threshold−1."""
    t = attacker.threshold
    return [
        i
        for i in range(len(attacker.low))
        if attacker.low[i] < attacker.high[i] and 1 <= attacker.truth[i] < t
    ]


def audit(
    attacker: Attacker,
    targets: Iterable[int] | None = None,
    *,
    milp_limit: int = 500,
    whole_limit: int = 2000,
    radius: int = 2,
    batch_rounds: int = 4,
    seed: int = 14,
    progress: Callable[[str], None] | None = None,
) -> Audit:
    """Decide, for each target unknown, whether the facts pin it to one whole number.
    Run after `attacker.propagate()` (its bounds are the problem's bounds). A component of
    more than `whole_limit` unknowns is bounded cell by cell over the facts within
    `radius` of each (NEAR_OPEN where that does not pin it)."""
    start = time.process_time()
    wanted = list(leak_candidates(attacker) if targets is None else targets)
    comps, of = components(attacker)
    by_comp: dict[int, list[int]] = {}
    for j in wanted:
        if attacker.low[j] == attacker.high[j]:
            continue  # propagation pinned it already: not the audit's to decide
        by_comp.setdefault(id(of[j]), []).append(j)
    decided: dict[int, str] = {}
    rng = random.Random(seed)
    largest = 0
    done = 0
    for comp in comps:
        mine = by_comp.get(id(comp))
        if not mine:
            continue
        largest = max(largest, comp.size)
        if comp.size <= whole_limit:
            _audit_component(comp, mine, decided, milp_limit, batch_rounds, rng)
        else:
            for j in mine:
                near: dict[int, str] = {}
                sub = comp.around(j, radius)
                _audit_component(sub, [j], near, milp_limit, 0, rng)
                decided[j] = near[j] if near[j] in (PINNED, PINNED_INTEGER) else NEAR_OPEN
                comp.solves += sub.solves
        done += len(mine)
        if progress:
            progress(f"{done}/{len(wanted)} cells ({comp.size} unknowns in their component)")
    return Audit(decided, sum(c.solves for c in comps), time.process_time() - start, largest)


def _audit_component(comp, targets, decided, milp_limit, batch_rounds, rng) -> None:
    undecided = set(targets)
    lp_open: set[int] = set()

    def witness(x, certified: bool) -> None:
        for j in list(undecided):
            v = x[comp.position[j]]
            if abs(v - comp.truth[comp.position[j]]) >= 1 - EPS:
                if certified:
                    undecided.discard(j)
                    lp_open.discard(j)
                    decided[j] = OPEN
                else:
                    lp_open.add(j)

    # Batches: push the undecided cells all up, all down, then random signs.
    for round_ in range(batch_rounds):
        if not undecided:
            break
        c = np.zeros(comp.size)
        for j in undecided:
            sign = -1.0 if round_ == 0 else 1.0 if round_ == 1 else rng.choice((-1.0, 1.0))
            c[comp.position[j]] = sign
        status, _, x = comp.relaxation(c)
        if status == 0:
            r = comp.certified(x)
            witness(x if r is None else r, r is not None)

    def bound(solve, c, sign):
        """The cell's greatest (sign −1) or least (+1) value; a whole-number optimum is a
        witness for every cell it gives another value."""
        status, value, x = solve(c)
        if status == 0 and (r := comp.certified(x)) is not None:
            witness(r, True)
        return status, (math.inf if status == 3 else sign * value)

    # One by one: the relaxation's bounds, whole numbers where they are fractional.
    for j in sorted(undecided):
        if j not in undecided:
            continue
        n = comp.position[j]
        truth = comp.truth[n]
        sides = []
        for sign in (-1.0, 1.0):  # maximise, then minimise
            c = np.zeros(comp.size)
            c[n] = sign
            status, best = bound(comp.relaxation, c, sign)
            if j not in undecided:
                break
            if status == 3:
                # Unbounded relaxation, and whole numbers satisfy the facts (the true
                # counts): then whole numbers go as far (Meyer), so another value exists.
                sides.append(OPEN)
                break
            far = abs(best - truth) >= 1 - EPS
            if not far:
                sides.append(PINNED)
                continue
            lp_open.add(j)
            if comp.size > milp_limit:
                sides.append(LP_OPEN)
                continue
            status, best = bound(comp.whole, c, sign)
            if j not in undecided:
                break
            # milp's optimum is a whole number within its tolerance
            sides.append(PINNED_INTEGER if abs(best - truth) < 0.5 else OPEN)
        if j not in undecided:
            continue
        undecided.discard(j)
        if OPEN in sides:
            decided[j] = OPEN
        elif LP_OPEN in sides:
            decided[j] = LP_OPEN
        elif PINNED_INTEGER in sides:
            decided[j] = PINNED_INTEGER
        else:
            decided[j] = PINNED
