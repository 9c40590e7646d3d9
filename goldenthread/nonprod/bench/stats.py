from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Timings:
    seconds: list[float]

    def pct(self, p: float) -> float:
        data = sorted(self.seconds)
        if not data:
            return float("nan")
        k = (len(data) - 1) * p / 100
        lo, hi = int(k), min(int(k) + 1, len(data) - 1)
        return (data[lo] + (data[hi] - data[lo]) * (k - lo)) * 1000

    @property
    def p50(self) -> float:
        return self.pct(50)

    @property
    def p95(self) -> float:
        return self.pct(95)

    @property
    def p99(self) -> float:
        return self.pct(99)

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.seconds) * 1000 if self.seconds else float("nan")

    def line(self) -> str:
        return f"p50 {self.p50:7.2f} ms  p95 {self.p95:7.2f} ms  p99 {self.p99:7.2f} ms"
