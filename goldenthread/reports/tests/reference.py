"""The audit's interval propagation a row at a time, as `linked.Audit.propagate` did
before it worked in sweeps over arrays (#14): the reference the tests compare it with
(test_links.py). Every row narrows monotonically, so both end with the same bounds."""

from __future__ import annotations

import math

from goldenthread.reports.linked import INF, Audit


def reference_propagate(self: Audit) -> None:
    """Tighten every unknown from every equation and inequality it is in (for
    a·x + rest = c: x lies between (c − max rest)/a and (c − min rest)/a; for
    a·x + rest <= c only the second), rounded inwards to whole numbers, until
    nothing moves."""
    low, high = self.low, self.high
    why_low, why_high = self.why_low, self.why_high
    why_low += [-1] * (len(low) - len(why_low))
    why_high += [-1] * (len(high) - len(why_high))
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
