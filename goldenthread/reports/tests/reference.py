"""The audit's interval propagation a row at a time, as `linked.Audit.propagate` did
before it worked in sweeps over arrays (#14): the reference the tests compare it with
(test_propagate.py). Every row narrows monotonically, so both end with the same bounds.
And a cube's facts read a cell at a time, as `linked.CubeFacts.read` did before it
worked over arrays."""

from __future__ import annotations

import math
from collections.abc import Hashable
from types import SimpleNamespace

from goldenthread.reports.disclosure import TOTAL, Key, ProtectedCube, Status
from goldenthread.reports.linked import INF, Audit


def reference_propagate(self: Audit) -> None:
    """Tighten every unknown from every equation and inequality it is in (for
    a·x + rest = c: x lies between (c − max rest)/a and (c − min rest)/a; for
    a·x + rest <= c only the second), rounded inwards to whole numbers, until
    nothing moves."""
    low, high = self.low, self.high
    why_low, why_high = self.why_low, self.why_high
    why_low.extend([-1] * (len(low) - len(why_low)))
    why_high.extend([-1] * (len(high) - len(why_high)))
    rows = [*self.equations, *self.inequalities]
    equalities = len(self.equations)
    over: list[list[int]] = [[] for _ in low]
    for n, (terms, _) in enumerate(rows):
        for i, _c in terms:
            over[i].append(n)
    pending = list(range(len(rows)))
    queued = set(pending)
    while pending:
        n = pending.pop()
        queued.discard(n)
        terms, constant = rows[n]
        equation = n < equalities
        lows, highs = [], []
        for i, c in terms:
            a, b = (c * low[i], c * high[i]) if c > 0 else (c * high[i], c * low[i])
            lows.append(a)
            highs.append(b)
        lo_inf = sum(1 for a in lows if a == -INF)
        hi_inf = sum(1 for b in highs if b == INF)
        lo_sum = sum(a for a in lows if a != -INF)
        hi_sum = sum(b for b in highs if b != INF)
        for (i, c), a, b in zip(terms, lows, highs, strict=True):
            rest_low = -INF if lo_inf - (a == -INF) else lo_sum - (a if a != -INF else 0)
            if not equation or hi_inf - (b == INF):
                rest_high = INF  # (for c·x <= constant − rest: no floor from above)
            else:
                rest_high = hi_sum - (b if b != INF else 0)
            top, bottom = constant - rest_low, constant - rest_high
            new_low, new_high = (bottom / c, top / c) if c > 0 else (top / c, bottom / c)
            changed = False
            if new_low != -INF and math.ceil(new_low - 1e-9) > low[i]:
                low[i] = math.ceil(new_low - 1e-9)
                why_low[i] = n
                changed = True
            if new_high != INF and math.floor(new_high + 1e-9) < high[i]:
                high[i] = math.floor(new_high + 1e-9)
                why_high[i] = n
                changed = True
            if low[i] > high[i]:
                self.inconsistent.append(f"{self.refs[i]!r}: {low[i]}..{high[i]}")
                return
            if changed:
                for m in over[i]:
                    if m not in queued:
                        queued.add(m)
                        pending.append(m)


def reference_read(
    name: Hashable, cube: ProtectedCube, threshold: int, only: dict[int, str] | None
) -> SimpleNamespace:
    """A cube's facts read a cell and an equation at a time, as `linked.CubeFacts.read` did
    before it worked over arrays (#14): the reference test_propagate.py compares it with
    (the same refs, bounds, labels, shown numbers and equations, in the same order)."""
    only = only or {}
    t = threshold
    facts = SimpleNamespace(
        refs=[], low=[], high=[], truth=[], labels=[], shown={}, equations=[], inconsistent=[]
    )

    def unknown(ref, low, high, truth, label) -> int:
        for field, value in zip(
            ("refs", "low", "high", "truth", "labels"), (ref, low, high, truth, label), strict=True
        ):
            getattr(facts, field).append(value)
        return len(facts.refs) - 1

    keys = [k for k in cube.values if all(k[i] == c for i, c in only.items())]
    here: dict[Key, int] = {}
    numbers: dict[Key, int] = {}
    for key in keys:
        ref = (name, key)
        truth = cube.values[key]
        if not cube.is_published(key):
            withheld = cube.withheld or cube.selection_withheld(key)
            here[key] = unknown(ref, 0, INF, truth, "withheld" if withheld else "unpublished")
            continue
        cell = cube.cell(key)
        if cell.status is Status.SHOWN:
            assert cell.value is not None
            facts.shown[ref] = numbers[key] = cell.value
        elif cell.status is Status.SMALL:
            here[key] = unknown(ref, 1, t - 1, truth, "small")
        elif cell.status is Status.HIDDEN:
            here[key] = unknown(ref, t, INF, truth, "hidden")
        else:
            here[key] = unknown(ref, 0, INF, truth, "withheld")
    members = [dict(d.groups) for d in cube.dims]
    below_total = [tuple(g for g, _ in d.groups) or tuple(d.categories) for d in cube.dims]
    summed = [i for i, d in enumerate(cube.dims) if d.additive and i not in only]
    for key in keys:
        for i in summed:
            coord = key[i]
            if coord == TOTAL:
                below = below_total[i]
            elif coord in members[i]:
                below = members[i][coord]
            else:
                continue
            parts = [(*key[:i], b, *key[i + 1 :]) for b in below]
            row: dict[int, int] = {}
            rest = 0
            for cell_key, coef in ((key, 1), *((p, -1) for p in parts)):
                number = numbers.get(cell_key)
                if number is not None:
                    rest -= coef * number
                else:
                    row[here[cell_key]] = row.get(here[cell_key], 0) + coef
            row = {j: c for j, c in row.items() if c}
            if not row:
                if rest:
                    terms = [((name, key), 1), *(((name, p), -1) for p in parts)]
                    facts.inconsistent.append(f"{terms!r} = 0")
                continue
            facts.equations.append((list(row.items()), rest))
    return facts
