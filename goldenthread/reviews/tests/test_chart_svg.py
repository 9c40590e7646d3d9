"""The progress chart written out in Python (presenters.Chart.svg) is the same HTML as the
template it replaced (#19, REV-1, AGG-3): the template is kept here as the reference."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.template import engines

from goldenthread.reviews import presenters

# reviews/_chart.html as it was, included from reviews/_progress.html.
OLD_TEMPLATE = """{% load l10n %}{% comment %}
A small progress chart, drawn on the server as SVG (no script). It is an image with a
title, described by the data table beside it (AGG-3: every chart has its data table).
Context: chart (presenters.Chart), chart_id (unique on the page), table_id, caption.
{% endcomment %}{% localize off %}
<figure class="gt_chart">
  <figcaption class="gt_chart__caption" aria-hidden="true">{{ chart.title }}</figcaption>
  <svg xmlns="http://www.w3.org/2000/svg" class="gt_chart__svg" viewBox="0 0 {{ chart.width }} {{ chart.height }}" width="{{ chart.width }}" height="{{ chart.height }}" role="img" aria-labelledby="{{ chart_id }}-title" aria-describedby="{{ table_id }}" focusable="false">
    <title id="{{ chart_id }}-title">{{ chart.title }}: {{ caption }}. The table below gives the same figures.</title>
    {% for y, label in chart.y_labels %}<line x1="{{ chart.plot_left }}" y1="{{ y }}" x2="{{ chart.plot_right }}" y2="{{ y }}" stroke="#b3b3b3" stroke-width="1" stroke-dasharray="4 4"/>
    <text x="{{ chart.plot_left|add:'-8' }}" y="{{ y }}" text-anchor="end" dominant-baseline="middle" font-size="12" fill="#333333">{{ label }}</text>
    {% endfor %}<line x1="{{ chart.plot_left }}" y1="{{ chart.plot_top }}" x2="{{ chart.plot_left }}" y2="{{ chart.plot_bottom }}" stroke="#333333" stroke-width="1"/>
    <line x1="{{ chart.plot_left }}" y1="{{ chart.plot_bottom }}" x2="{{ chart.plot_right }}" y2="{{ chart.plot_bottom }}" stroke="#333333" stroke-width="1"/>
    {% if chart.points|length > 1 %}<polyline points="{{ chart.polyline }}" fill="none" stroke="#0065bd" stroke-width="2"/>{% endif %}
    {% for point in chart.points %}<circle cx="{{ point.x }}" cy="{{ point.y }}" r="5" fill="#0065bd" stroke="#ffffff" stroke-width="1"><title>{{ point.label }}</title></circle>
    {% endfor %}{% for x, label in chart.x_labels %}<text x="{{ x }}" y="{{ chart.plot_bottom|add:'18' }}" text-anchor="middle" font-size="11" fill="#333333">{{ label }}</text>
    {% endfor %}
  </svg>
</figure>
{% endlocalize %}
"""


def _old(chart, *, chart_id: str, table_id: str, caption: str) -> str:
    template = engines["django"].from_string(OLD_TEMPLATE)
    return template.render(
        {"chart": chart, "chart_id": chart_id, "table_id": table_id, "caption": caption}
    )


def _points(*rows):
    return [
        SimpleNamespace(held_on=datetime.date(2026, month, day), rating=rating, measure_value=m)
        for month, day, rating, m in rows
    ]


def test_chart_svg_is_the_old_template_output():
    """Rating and measure charts of one, two and four points, decimals and negatives, and
    text that must be escaped: byte for byte what the template wrote (#19)."""
    points = _points(
        (1, 3, "not_yet", Decimal("2")),
        (3, 14, "partly", Decimal("-1.5")),
        (6, 30, "achieved", Decimal("3.25")),
        (11, 9, "not_relevant", None),
    )
    charts = []
    for rows in (points[:1], points[:2], points):
        charts.append(presenters.rating_chart(rows, title="Rating at each review"))
        charts.append(presenters.measure_chart(rows, title="The measure at each review"))
    odd = presenters.rating_chart(points, title='Ratings & <"quotes">')
    assert odd is not None
    odd.points[0].label = "3 Jan 2026: <b>&</b>"
    odd.x_labels[0] = (odd.x_labels[0][0], "Jan's")
    charts.append(odd)
    assert all(charts)
    for chart in charts:
        for caption in ("Reviews of this outcome", "Tom & Jerry's <reviews>"):
            ids = {"chart_id": "rating-chart-ab12cd34", "table_id": "progress-table-ab12cd34"}
            new = chart.svg(caption=caption, **ids)
            assert new == _old(chart, caption=caption, **ids)
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in odd.svg(chart_id="c", table_id="t", caption="x")
