"""Display wording for reviews, progress and the golden-thread view (not model methods, not
template filters), and the geometry of the small progress charts (server-rendered SVG)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from goldenthread.core.formatting import date_text
from goldenthread.ui.escaping import escape_text

from .models import OutcomeDecision, Rating, SolutionDecision, WhoseWords

RATING_TEXT: dict[str, str] = {
    Rating.ACHIEVED: "Achieved",
    Rating.PARTLY: "Partly achieved",
    Rating.NOT_YET: "Not yet",
    Rating.NO_LONGER_RELEVANT: "No longer relevant",
}

RATING_TAG_COLOUR: dict[str, str] = {
    Rating.ACHIEVED: "green",
    Rating.PARTLY: "blue",
    Rating.NOT_YET: "orange",
    Rating.NO_LONGER_RELEVANT: "grey",
}

DECISION_TEXT: dict[str, str] = {
    OutcomeDecision.KEEP: "Kept as it is",
    OutcomeDecision.REWRITE: "Rewritten",
    OutcomeDecision.CLOSE: "Closed",
}

SOLUTION_DECISION_TEXT: dict[str, str] = {
    SolutionDecision.KEEP: "Kept",
    SolutionDecision.CHANGE: "Changed",
    SolutionDecision.STOP: "Stopped",
}

OUTCOME_STATUS_TAG_COLOUR: dict[str, str] = {
    "open": "blue",
    "achieved": "green",
    "closed": "grey",
    "replaced": "purple",
}


def short(text: str, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def rating_text(rating: str) -> str:
    return RATING_TEXT.get(rating, "Not rated") if rating else "Not rated"


def first_name(person) -> str:
    return person.preferred_name or person.given_name


def view_attribution(view, person) -> str:
    """Whose words a view is, said plainly: "In Jean's words"."""
    name = first_name(person)
    if view.whose_words == WhoseWords.ON_BEHALF:
        return f"In the words of {view.speaker_name}, speaking for {name}"
    if view.whose_words == WhoseWords.WITH_SUPPORT:
        return f"In {name}'s words, with help to say it"
    return f"In {name}'s words"


def decision_text(row, outcome) -> str:
    """What the review decided for an outcome, as done: "Closed, as achieved"."""
    if row.decision == OutcomeDecision.CLOSE:
        return "Closed, as achieved" if outcome.status == "achieved" else "Closed"
    return DECISION_TEXT.get(row.decision, "")


def days_text(days: int) -> str:
    """How far away a due date is, from today: negative is overdue."""
    if days == 0:
        return "Due today"
    if days < 0:
        n = -days
        return f"{n} day{'s' if n != 1 else ''} overdue"
    return f"Due in {days} day{'s' if days != 1 else ''}"


def measure_text(value: Decimal | None) -> str:
    """2, 3.5, -1: the number as typed, without trailing zeros."""
    if value is None:
        return "Not recorded"
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Progress charts (REV-1, AGG-3: every chart has its data table) -------------------------

# The rating scale, bottom to top.
RATING_LEVELS = (Rating.NO_LONGER_RELEVANT, Rating.NOT_YET, Rating.PARTLY, Rating.ACHIEVED)

CHART_WIDTH = 480
CHART_HEIGHT = 200
LEFT = 140
RIGHT = 20
TOP = 16
BOTTOM = 44


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str  # read out in the data table; shown on hover as the circle's <title>


@dataclass
class Chart:
    title: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    points: list[ChartPoint] = field(default_factory=list)
    y_labels: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = CHART_WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = CHART_HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    def svg(self, *, chart_id: str, table_id: str, caption: str) -> SafeString:
        """The chart as a figure with an SVG image, written out here rather than by a
        template (#19: two includes and their loops per outcome were a tenth of the golden
        thread page). Every text is escaped; numbers are written as the template wrote
        them with localisation off. reviews/tests/test_chart_svg.py compares it with the
        template it replaces."""
        e = escape_text  # conditional_escape's text, plain text the short way (#19)
        title, chart_id, table_id = e(self.title), e(chart_id), e(table_id)
        left, right = self.plot_left, self.plot_right
        top, bottom = self.plot_top, self.plot_bottom
        parts = [
            '\n<figure class="gt_chart">\n'
            f'  <figcaption class="gt_chart__caption" aria-hidden="true">{title}</figcaption>\n'
            '  <svg xmlns="http://www.w3.org/2000/svg" class="gt_chart__svg" '
            f'viewBox="0 0 {self.width} {self.height}" width="{self.width}" '
            f'height="{self.height}" role="img" aria-labelledby="{chart_id}-title" '
            f'aria-describedby="{table_id}" focusable="false">\n'
            f'    <title id="{chart_id}-title">{title}: {e(caption)}. The table below gives '
            "the same figures.</title>\n    "
        ]
        parts.append(_grid(left, right, top, bottom, tuple(self.y_labels)))
        if len(self.points) > 1:
            parts.append(
                f'<polyline points="{e(self.polyline)}" fill="none" stroke="#0065bd" '
                'stroke-width="2"/>'
            )
        parts.append("\n    ")
        for point in self.points:
            parts.append(
                f'<circle cx="{point.x}" cy="{point.y}" r="5" fill="#0065bd" stroke="#ffffff" '
                f'stroke-width="1"><title>{e(point.label)}</title></circle>\n    '
            )
        for x, label in self.x_labels:
            parts.append(
                f'<text x="{x}" y="{bottom + 18}" text-anchor="middle" font-size="11" '
                f'fill="#333333">{e(label)}</text>\n    '
            )
        parts.append("\n  </svg>\n</figure>\n\n")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


@functools.lru_cache(maxsize=256)
def _grid(left: int, right: int, top: int, bottom: int, y_labels: tuple) -> str:
    """A chart's grid lines with their labels, and its axes: the same text for every chart
    of the same scale (every rating chart), so written once per process (#19)."""
    e = escape_text
    parts = [
        f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#b3b3b3" '
        'stroke-width="1" stroke-dasharray="4 4"/>\n'
        f'    <text x="{left - 8}" y="{y}" text-anchor="end" '
        f'dominant-baseline="middle" font-size="12" fill="#333333">{e(label)}</text>\n'
        "    "
        for y, label in y_labels
    ]
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#333333" '
        'stroke-width="1"/>\n'
        f'    <line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" '
        'stroke="#333333" stroke-width="1"/>\n    '
    )
    return "".join(parts)


def _x_positions(count: int) -> list[float]:
    left, right = LEFT + 20, CHART_WIDTH - RIGHT - 20
    if count == 1:
        return [(left + right) / 2]
    step = (right - left) / (count - 1)
    return [left + i * step for i in range(count)]


def rating_chart(points: Sequence, *, title: str) -> Chart | None:
    """Ratings at each review on a four-step scale. `points` have held_on and rating."""
    rated = [p for p in points if p.rating]
    if not rated:
        return None
    chart = Chart(title=title)
    top, bottom = chart.plot_top + 8, chart.plot_bottom - 8
    step = (bottom - top) / (len(RATING_LEVELS) - 1)
    level_y = {level: bottom - i * step for i, level in enumerate(RATING_LEVELS)}
    chart.y_labels = [(level_y[level], RATING_TEXT[level]) for level in RATING_LEVELS]
    for x, point in zip(_x_positions(len(rated)), rated, strict=True):
        # A rating's value finds its level and words as the Rating does (a TextChoices
        # member is its value's text), without an enum look-up per point (#19).
        rating = point.rating
        if rating not in level_y:
            raise ValueError(f"{rating!r} is not a valid Rating")
        chart.points.append(
            ChartPoint(
                x=x,
                y=level_y[rating],
                label=f"{date_text(point.held_on)}: {RATING_TEXT[rating]}",
            )
        )
        chart.x_labels.append((x, date_text(point.held_on, short_month=True)))
    return chart


def measure_chart(points: Sequence, *, title: str) -> Chart | None:
    """The measure's value at each review, where it has a number."""
    measured = [p for p in points if p.measure_value is not None]
    if not measured:
        return None
    chart = Chart(title=title)
    values = [Decimal(p.measure_value) for p in measured]
    low = min(Decimal(0), min(values))
    high = max(values)
    if high == low:
        high = low + 1
    top, bottom = chart.plot_top + 8, chart.plot_bottom - 8

    def y_of(value: Decimal) -> float:
        return float(bottom - (value - low) / (high - low) * (bottom - top))

    chart.y_labels = [(y_of(low), measure_text(low)), (y_of(high), measure_text(high))]
    for x, point, value in zip(_x_positions(len(measured)), measured, values, strict=True):
        chart.points.append(
            ChartPoint(
                x=x, y=y_of(value), label=f"{date_text(point.held_on)}: {measure_text(value)}"
            )
        )
        chart.x_labels.append((x, date_text(point.held_on, short_month=True)))
    return chart


def progress_charts(points: Sequence, *, key: str, caption: str) -> dict:
    """The two progress charts of reviews/_progress.html, each with its SVG written out
    (`caption` is the data table's, which the charts' titles name)."""
    charts: dict = {
        "key": key,
        "rating": rating_chart(points, title="Rating at each review"),
        "measure": measure_chart(points, title="The measure at each review"),
    }
    table_id = f"progress-table-{key}"
    for name in ("rating", "measure"):
        chart = charts[name]
        charts[f"{name}_svg"] = (
            chart.svg(chart_id=f"{name}-chart-{key}", table_id=table_id, caption=caption)
            if chart
            else ""
        )
    return charts
