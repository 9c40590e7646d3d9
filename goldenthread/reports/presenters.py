"""What a report table and chart say: words for hidden cells, the SVG bar chart, CSV rows.

Every number comes from a ProtectedCube cell; a page, a CSV and the bundle all go through
`table_for`, so what is exported is exactly what is shown."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

from .disclosure import TOTAL, Cell, ProtectedCube, Status, share
from .selectors import Axis, Measure
from .snapshots import SliceCube

# Okabe and Ito's colour-blind-safe palette (blue, then orange for a second series).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def small_words(threshold: int) -> str:
    return f"fewer than {threshold}"


HIDDEN_WORDS = "not shown"


def explanation(threshold: int) -> str:
    return (
        f"To protect people's privacy, a count from 1 to {threshold - 1} is shown as "
        f"“{small_words(threshold)}”. Some other counts are “{HIDDEN_WORDS}” so that a "
        "small count cannot be worked out by taking other numbers from a total, or by "
        "comparing filters. Percentages built from those counts are not shown either."
    )


@dataclass(frozen=True)
class CellText:
    text: str
    value: int | None
    status: Status


def cell_text(cell: Cell, threshold: int) -> CellText:
    if cell.status is Status.SHOWN:
        return CellText(f"{cell.value:,}", cell.value, cell.status)
    if cell.status is Status.SMALL:
        return CellText(small_words(threshold), None, cell.status)
    return CellText(HIDDEN_WORDS, None, cell.status)


def _money_text(text: CellText) -> CellText:
    """A sum of money hidden because its count is small reads "not shown": "fewer than 5"
    beside pounds reads as less than £5 (#14, AGG-3)."""
    if text.status is Status.SMALL:
        return CellText(HIDDEN_WORDS, None, text.status)
    return text


@dataclass
class Row:
    label: str
    cells: list[CellText]
    is_total: bool = False


@dataclass
class Table:
    measure: Measure
    columns: list[str]
    rows: list[Row]
    withheld: bool
    # Withheld at this selection of the filters only; other selections show it (#14).
    withheld_here: bool = False
    chart_svg: str = ""
    # Its figures are being worked out in the background (#14): no numbers yet.
    preparing: bool = False

    @property
    def key(self) -> str:
        return self.measure.key


def _labels(axis: Axis) -> list[tuple[str, str]]:
    """The axis's lines in order: each group's subtotal just before its categories (a group
    of one category is that category, so it has no line of its own), then the total."""
    out: list[tuple[str, str]] = []
    groups = dict(axis.groups)
    for c in axis.categories:
        group = next((g for g, members in axis.groups if c in members), None)
        if group is not None and len(groups[group]) > 1 and groups[group][0] == c:
            out.append((group, axis.labels.get(group, group)))
        out.append((c, axis.labels.get(c, c)))
    if axis.additive:
        out.append((TOTAL, "Total"))
    return out


# The page's filters: the first dimensions of every cube (selectors.FilterAxes.dims).
FILTERS = ("team", "age", "reason")


def _subtotal(axis: Axis, code: str) -> bool:
    """Whether the line is a total or a group's subtotal (not one more category)."""
    return code == TOTAL or code in dict(axis.groups)


def table_for(
    measure: Measure, cube: ProtectedCube | SliceCube, row_axis: Axis, fixed: dict[str, str]
) -> Table:
    """The slice of `cube` at the filters in `fixed` (team — a team, an area's code or
    TOTAL — age and main reason for support: a category or TOTAL)."""
    t = cube.threshold
    base = [fixed.get(name, TOTAL) for name in FILTERS]
    rows: list[Row] = []
    if measure.columns is None:
        columns = ["Number", "Share of the total" if row_axis.additive else ""]
        columns = [c for c in columns if c]
        total = cube.cell((*base, TOTAL)) if row_axis.additive else None
        for code, label in _labels(row_axis):
            cell = cube.cell((*base, code))
            cells = [cell_text(cell, t)]
            if total is not None:
                pct = share(cell, total)
                cells.append(
                    CellText(
                        ""
                        if code == TOTAL
                        else (f"{pct:.0f}%" if pct is not None else HIDDEN_WORDS),
                        None,
                        Status.SHOWN if pct is not None else Status.HIDDEN,
                    )
                )
            rows.append(Row(label, cells, is_total=_subtotal(row_axis, code)))
    else:
        col_labels = _labels(measure.columns)
        columns = [label for _, label in col_labels]
        for code, label in _labels(row_axis):
            cells = [
                _money_text(cell_text(cube.cell((*base, code, col)), t))
                if measure.money and col != "count"
                else cell_text(cube.cell((*base, code, col)), t)
                for col, _ in col_labels
            ]
            rows.append(Row(label, cells, is_total=_subtotal(row_axis, code)))
    # A table withheld whole, or only at this selection (#14): a message, no numbers.
    here = not cube.withheld and cube.selection_withheld(tuple(base))
    withheld = cube.withheld or here
    table = Table(measure, columns, rows, withheld=withheld, withheld_here=here)
    if measure.chart and not withheld:
        table.chart_svg = bar_chart(measure, table)
    return table


def bar_chart(measure: Measure, table: Table) -> str:
    """A horizontal bar chart of the first column, server-rendered SVG with an accessible
    name and description; hidden counts are drawn as no bar and say so."""
    # One bar per row: the row's total when the table has columns that add up.
    column = -1 if measure.columns is not None and measure.columns.additive else 0
    bars = [(r.label, r.cells[column]) for r in table.rows if not r.is_total]
    if not bars:
        return ""
    label_w, bar_w, row_h = 300, 320, 28
    height = row_h * len(bars) + 10
    most = max((c.value or 0 for _, c in bars), default=0) or 1
    title_id = f"chart-{measure.key}-title"
    desc_id = f"chart-{measure.key}-desc"
    parts = []
    for i, (label, cell) in enumerate(bars):
        y = 5 + i * row_h
        width = round(bar_w * (cell.value or 0) / most)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="14">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="14">{}</text>',
                label_w - 8,
                y + 18,
                label,
                label_w,
                y + 4,
                width,
                row_h - 8,
                PALETTE[0],
                label_w + width + 6,
                y + 18,
                cell.text,
            )
        )
    described = "; ".join(f"{label}: {cell.text}" for label, cell in bars)
    return format_html(
        '<svg class="report-chart" role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        title_id,
        desc_id,
        label_w + bar_w + 90,
        height,
        title_id,
        f"Bar chart: {measure.title}",
        desc_id,
        described,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: str) -> str:
    """A spreadsheet must not read a cell as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


# Why figures are not shown yet (#14): a table's, and the page's (reading.py).
IN_BACKGROUND = (
    "This is done in the background rather than while you wait, because every table and "
    "period is checked together so that small numbers cannot be worked out by comparing "
    "them, and at a large council that takes a while: come back to this page later to see "
    "them."
)
PREPARING_WORDS = f"These figures are being worked out. {IN_BACKGROUND}"


def preparing_table(measure: Measure) -> Table:
    """A table whose figures are not stored yet and are being computed in the background."""
    return Table(measure, [], [], withheld=False, preparing=True)


def withheld_words(table: Table) -> str:
    if table.withheld_here:
        return (
            "Not shown for these filters: these numbers could not be shown without revealing "
            "small counts. A wider selection (all ages, or the team's whole area) may show them."
        )
    return "Not shown: these numbers could not be shown without revealing small counts."


def csv_rows(table: Table, filters_text: str) -> list[list[str]]:
    out = [[table.measure.title], [filters_text]]
    if table.preparing:
        out.append([PREPARING_WORDS])
        return out
    if table.withheld:
        out.append([withheld_words(table)])
        return out
    out.append(["", *table.columns])
    for row in table.rows:
        out.append([row.label, *(c.text for c in row.cells)])
    return out


def csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV, every cell neutralised (`_safe`): the title, the filters' words (a
    team's or an area's name), the column headings and the notes as well as the counts
    (the outside probe found only the rows' labels and counts were)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_safe(str(cell)) for cell in row] for row in rows])
    return buffer.getvalue()
