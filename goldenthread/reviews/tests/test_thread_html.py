"""Each outcome's block on the golden-thread page, written out by reviews/thread_html.py, is
the same HTML as the template loop it replaced (#19, REV-4): the loop's body is kept here
as the reference, with reviews/_progress.html (still the outcome history's) included."""

from __future__ import annotations

import uuid
from types import SimpleNamespace as Row

from django.template import engines
from django.utils.safestring import mark_safe

from goldenthread.reviews import thread_html

# The body of `{% for entry in change.outcomes %}` in reviews/golden_thread.html, as it was.
OLD_BLOCK = """
          <li class="gt_thread__outcome" id="outcome-{{ entry.pk }}">
            <h4 class="gt_thread__heading">“{{ entry.outcome.statement }}” 
<strong class="ds_tag ds_tag--{{ entry.status_colour }}">{{ entry.status_text }}</strong>
</h4>
            {% for link in entry.broken %}<p class="gt_broken"><strong>Broken link ({{ link.title|lower }}):</strong> {{ link.reason }}</p>{% endfor %}
            <ul class="gt_thread__layers">
              <li><strong>Need it meets:</strong> {{ entry.need|default:"No assessed need recorded" }}
                {% if entry.unmet_needs %}<ul>{% for need in entry.unmet_needs %}<li>Not met yet: {{ need }}</li>{% endfor %}</ul>{% endif %}</li>
              <li><strong>Starting point:</strong> {{ entry.outcome.baseline|default:"Not recorded" }}. <strong>How we will know:</strong> {{ entry.outcome.measure|default:"Not recorded" }}. <strong>By:</strong> {{ entry.target_text|default:"no date recorded" }}.</li>
              <li><strong>Check:</strong> {{ entry.questions_answered }} of {{ entry.questions_total }} questions answered.
                {% if entry.checker_flags %}The outcome checker suggests looking again at: {{ entry.checker_flags|join:", " }}.{% else %}The outcome checker has no suggestions.{% endif %}</li>
              {% if entry.earlier %}<li><strong>Rewritten from:</strong>
                <ul>{% for earlier in entry.earlier %}<li>“{{ earlier.statement }}”</li>{% endfor %}</ul></li>{% endif %}
              <li><strong>Support, by step of the Support Sequence</strong>
                {% if entry.steps %}
                <ol class="gt_thread__steps">
                  {% for step in entry.steps %}
                  <li value="{{ step.number }}">{{ step.label }}
                    <ul>
                      {% for solution in step.solutions %}
                      <li id="solution-{{ solution.pk }}"{% if solution.broken %} class="gt_broken"{% endif %}>{% if solution.broken %}<strong>Broken link:</strong> {% endif %}{{ solution.summary }}{% if solution.outcome_id != entry.pk %} <span class="ds_hint-text">(for the earlier wording)</span>{% endif %}
                        {% for decided in solution.reviews %}<br><span class="ds_hint-text">{{ decided }}</span>{% endfor %}</li>
                      {% endfor %}
                    </ul>
                  </li>
                  {% endfor %}
                </ol>
                {% else %}<p>No support planned yet.</p>{% endif %}
              </li>
              {% if entry.provision %}<li><strong>Provision (budget)</strong>
                <ul>{% for line in entry.provision %}<li id="provision-{{ line.pk }}"{% if line.broken %} class="gt_broken"{% endif %}>{% if line.broken %}<strong>Broken link:</strong> {% endif %}{{ line.description }}: {{ line.amount_text }} <span class="ds_hint-text">(budget request {{ line.request_reference }}, {{ line.request_status|lower }})</span></li>{% endfor %}</ul></li>{% endif %}
              <li><strong>Review results over time</strong>
                {% include "reviews/_progress.html" with points=entry.progress charts=entry.charts caption="Reviews of this outcome" %}
              </li>
            </ul>
          </li>
          """

NASTY = 'Tom & Jerry\'s <b>"plan"</b>'


def _old(entry, first_name: str) -> str:
    template = engines["django"].from_string(OLD_BLOCK)
    return template.render({"entry": entry, "first_name": first_name})


def _solution(outcome_id, *, broken=False, reviews=()):
    return Row(
        pk=uuid.uuid4(),
        outcome_id=outcome_id,
        broken=broken,
        summary=f"Walking group ({NASTY}): In place, £5.00 a week",
        reviews=list(reviews),
    )


def _point(*, earlier=False, decision="", views=(), evidence=NASTY):
    return Row(
        held_on_text="3 Mar 2026",
        earlier_wording=earlier,
        statement=NASTY,
        rating_text="Partly achieved",
        decision_text=decision,
        measure_text="2.5",
        views=list(views),
        evidence=evidence,
    )


def _entry(**changes):
    pk = uuid.uuid4()
    entry = Row(
        pk=pk,
        outcome=Row(statement=NASTY, baseline=NASTY, measure=""),
        status_colour="blue",
        status_text="Open",
        broken=[Row(title="An Outcome <never> reviewed", reason=NASTY)],
        need=NASTY,
        unmet_needs=["Transport", NASTY],
        target_text="3 March 2026",
        questions_answered=3,
        questions_total=7,
        checker_flags=["Too vague", NASTY],
        earlier=[Row(statement=NASTY), Row(statement="Go out more")],
        steps=[
            Row(number=1, label="What the person can do", solutions=[_solution(pk)]),
            Row(
                number=3,
                label="Community <resources>",
                solutions=[
                    _solution(
                        uuid.uuid4(), broken=True, reviews=["Review 3 Mar 2026: Kept.", NASTY]
                    ),
                    _solution(pk),
                ],
            ),
        ],
        provision=[
            Row(
                pk=uuid.uuid4(),
                broken=broken,
                description=NASTY,
                amount_text="£25.00 a week",
                request_reference="BR-0001",
                request_status="Agreed <now>",
            )
            for broken in (True, False)
        ],
        progress=[
            _point(earlier=True, decision="Rewritten"),
            _point(
                views=[
                    Row(
                        attribution="In Jo's words",
                        words=NASTY,
                        rating="partly",
                        rating_text="Partly",
                    ),
                    Row(attribution=NASTY, words="Fine", rating="", rating_text=""),
                ]
            ),
        ],
        charts={
            "key": "12345678",
            "rating": True,
            "measure": True,
            "rating_svg": mark_safe("<svg>rating</svg>"),
            "measure_svg": mark_safe("<svg>measure</svg>"),
        },
    )
    for name, value in changes.items():
        setattr(entry, name, value)
    return entry


def test_outcome_block_is_the_old_template_output():
    """Everything present (broken links, unmet needs, flags, earlier wordings, support for
    the earlier wording, provision, points with views), and each part empty or absent in
    turn, with text to escape everywhere: byte for byte what the template wrote."""
    empty_charts = {
        "key": "abcdef12",
        "rating": None,
        "measure": None,
        "rating_svg": "",
        "measure_svg": "",
    }
    cases = [
        _entry(),
        _entry(broken=[], unmet_needs=[], checker_flags=[], earlier=[], steps=[], provision=[]),
        _entry(need="", target_text="", progress=[]),
        _entry(outcome=Row(statement="Get out", baseline="", measure="Trips a week")),
        _entry(charts=empty_charts),
        _entry(
            progress=[_point(evidence="")],
            charts=dict(empty_charts, rating=True, rating_svg=mark_safe("<svg/>")),
        ),
    ]
    for first_name in ("Jo", "O'Neil <b>"):
        for entry in cases:
            new = thread_html.outcome_block(entry, first_name=first_name)
            assert str(new) == _old(entry, first_name)
    assert "<b>" not in thread_html.outcome_block(cases[0], first_name="Jo")  # all escaped
