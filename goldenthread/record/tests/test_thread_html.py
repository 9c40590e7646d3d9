"""Each outcome's block on the golden-thread page, written out by record/thread_html.py, is
the same HTML as the template loop it replaced (#19, REV-4): the loop's body is kept here
as the reference, with reviews/_progress.html (still the outcome history's) included."""

from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace as Row

from django.template import engines
from django.utils.safestring import mark_safe

from goldenthread.record import thread_html

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


# --- The glance and the reviews over time (#19) ----------------------------------------------

# The loops of reviews/golden_thread.html that thread_html.glance_html and reviews_html replaced.
OLD_GLANCE = '{% for row in glance %}\n  <li class="gt_glance__row{% if row.broken %} gt_glance__row--broken{% endif %}">\n    <div class="gt_glance__cell{% if row.matters_broken %} gt_broken{% endif %}">\n      <span class="gt_glance__label">What matters</span>\n      {% if row.matters_broken %}<strong>Broken: </strong>{% endif %}“{{ row.change }}”\n      {% if row.sources %}<ul class="gt_glance__list">{% for source in row.sources %}<li>{{ source }}</li>{% endfor %}</ul>{% endif %}\n    </div>\n    <div class="gt_glance__cell">\n      <span class="gt_glance__label">Outcome</span>\n      <a href="#outcome-{{ row.pk }}">“{{ row.statement }}”</a> {# The SGDS tag (ui/components/tag.html) written out, as it renders (#19). #}\n<strong class="ds_tag ds_tag--{{ row.status_colour }}">{{ row.status_text }}</strong>\n\n    </div>\n    <div class="gt_glance__cell{% if row.support_broken %} gt_broken{% endif %}">\n      <span class="gt_glance__label">Support</span>\n      {% if row.support_broken %}<strong>Broken: </strong>{% endif %}\n      {% if row.support %}<ul class="gt_glance__list">{% for item in row.support %}<li>{{ item }}</li>{% endfor %}</ul>{% else %}None planned yet{% endif %}\n    </div>\n    <div class="gt_glance__cell{% if row.review_broken %} gt_broken{% endif %}">\n      <span class="gt_glance__label">Review</span>\n      {% if row.review_broken %}<strong>Broken: </strong>{% endif %}{{ row.review }}\n    </div>\n  </li>\n  {% endfor %}'

OLD_REVIEWS = '{% for summary in thread.reviews %}\n    <tr>\n      <th scope="row"><a href="{{ summary.url }}">{{ summary.held_on_text }}</a>{% if summary.review.is_draft %}<br><span class="ds_hint-text">In progress</span>{% endif %}</th>\n      <td>{{ summary.conducted_by }}</td>\n      <td>{{ summary.outcome_count }} reviewed{% for label, n in summary.ratings.items %}<br>{{ label }}: {{ n }}{% endfor %}</td>\n      <td>{% for label, n in summary.solution_decisions.items %}{{ label }}: {{ n }}{% if not forloop.last %}<br>{% endif %}{% empty %}None recorded{% endfor %}</td>\n      <td>{{ summary.review.what_learned|default:"Not written yet"|linebreaksbr }}</td>\n      <td>{{ summary.next_review_text }}</td>\n    </tr>\n  {% endfor %}'


def _glance_row(flags: int, n_sources: int, n_support: int) -> dict:
    return {
        "pk": uuid.uuid4(),
        "change": NASTY,
        "sources": [f"Not working: “{NASTY}” {i}" for i in range(n_sources)],
        "matters_broken": bool(flags & 1),
        "statement": NASTY,
        "status_text": "Open & <agreed>",
        "status_colour": "green",
        "support": [f"{NASTY} (in place) {i}" for i in range(n_support)],
        "support_broken": bool(flags & 2),
        "review": f"Partly achieved, {NASTY}",
        "review_broken": bool(flags & 4),
        "broken": bool(flags & 8),
    }


def test_the_glance_is_the_templates():
    """#19: every combination of broken parts, with and without sources and support."""
    rows = [_glance_row(flags, flags % 3, (flags + 1) % 3) for flags in range(16)]
    for chosen in ([], rows[:1], rows):
        old = engines["django"].from_string(OLD_GLANCE).render({"glance": chosen})
        assert str(thread_html.glance_html(chosen)) == old


def _summary(*, draft: bool, ratings: dict, decisions: dict, learned: str) -> Row:
    return Row(
        url=f"/people/{uuid.uuid4()}/reviews/{uuid.uuid4()}/?a=1&b=2",
        held_on_text="3 March 2026",
        review=Row(is_draft=draft, what_learned=learned),
        is_draft=draft,  # #19: the page reads the summary's (the review is a value row)
        conducted_by=NASTY,
        outcome_count=3,
        ratings=ratings,
        solution_decisions=decisions,
        next_review_text="Not set",
    )


def test_the_reviews_over_time_are_the_templates():
    """#19: drafts, ratings and decisions (none, one, several), what was learned over
    several lines with text to escape, and none written."""
    summaries = [
        _summary(draft=True, ratings={}, decisions={}, learned=""),
        _summary(
            draft=False,
            ratings={"Partly achieved": 2, NASTY: 1},
            decisions={"Kept": 1},
            learned=f"Line one\n{NASTY}\r\nline three",
        ),
        _summary(
            draft=False,
            ratings={"Achieved": 1},
            decisions={"Kept": 2, "Stopped & <ended>": 1, "Changed": 3},
            learned="Lots learned.",
        ),
    ]
    for chosen in ([], summaries[:1], summaries):
        old = engines["django"].from_string(OLD_REVIEWS).render({"thread": Row(reviews=chosen)})
        assert str(thread_html.reviews_html(chosen)) == old


# --- The broken links and sections 1, 2 and 3 (#19) ----------------------------------------
# The blocks of reviews/golden_thread.html that thread_html.sections_html replaced, as they were.
OLD_BROKEN_LINKS = '{% if links %}\n<p>{{ links|length }} link{{ links|length|pluralize:" is,s are" }} broken in the thread. Each says why.</p>\n<ul class="gt_thread__broken">\n  {% for row in link_rows %}{% with link=row.link %}\n  <li><strong>{{ link.title }}:</strong> <a href="#{{ link.anchor }}">“{{ link.subject }}”</a>. {{ link.reason }}{% if row.action_url %} <a href="{{ row.action_url }}">{{ row.action_text }}<span class="visually-hidden">: “{{ link.subject }}”</span></a>{% endif %}</li>\n  {% endwith %}{% endfor %}\n</ul>\n{% else %}\n<p>No broken links. Every open outcome comes from something that matters, all the support and provision is for an outcome, and every outcome has been reviewed when it should be.</p>\n{% endif %}'

OLD_MATTERS = '{% if thread.what_matters or thread.who_matters or thread.where_matters %}\n<ul class="gt_thread__matters">\n  {% if thread.what_matters %}<li><strong>What matters</strong>\n    <ul>{% for item in thread.what_matters %}<li>{{ item.text }}</li>{% endfor %}</ul></li>{% endif %}\n  {% if thread.who_matters %}<li><strong>Who matters</strong>\n    <ul>{% for item in thread.who_matters %}<li>{{ item.text }}</li>{% endfor %}</ul></li>{% endif %}\n  {% if thread.where_matters %}<li><strong>Where matters</strong>\n    <ul>{% for item in thread.where_matters %}<li>{{ item.text }}</li>{% endfor %}</ul></li>{% endif %}\n  {% if thread.working %}<li><strong>What is working now</strong>\n    <ul>{% for item in thread.working %}<li>{{ item.text }} <span class="ds_hint-text">({{ item.perspective_text }})</span></li>{% endfor %}</ul></li>{% endif %}\n</ul>\n{% else %}\n<p>Nothing recorded yet about what, who or where matters to {{ first_name }}.</p>\n{% endif %}'

OLD_CHANGES = '{% if thread.changes %}\n<ol class="gt_thread">\n  {% for change in thread.changes %}\n  <li class="gt_thread__change" id="change-{{ change.change.pk }}">\n    <h3 class="gt_thread__heading">The change wanted: “{{ change.change.text }}”</h3>\n    {% if change.held_on %}<p class="ds_hint-text">From the conversation on {{ change.held_on_text }}.</p>{% endif %}\n    <ul class="gt_thread__layers">\n      <li><strong>Where it comes from</strong>\n        <ul>\n          {% for item in change.not_working %}<li>Not working: “{{ item.text }}” <span class="ds_hint-text">({{ item.perspective_text }})</span></li>{% endfor %}\n          {% for item in change.aspirations %}<li>Aspiration: “{{ item.text }}”</li>{% endfor %}\n          {% if not change.not_working and not change.aspirations %}<li class="gt_broken"><strong>Broken link:</strong> not linked to anything that is not working, or to an aspiration.</li>{% endif %}\n        </ul>\n      </li>\n      <li><strong>Outcomes</strong>\n        {% if change.outcomes %}\n        <ol class="gt_thread__outcomes">\n          {% for entry in change.outcomes %}{{ entry.html }}{% endfor %}{# record/thread_html.py (#19) #}\n        </ol>\n        {% else %}\n        <p>No outcome made from this change yet.</p>\n        {% endif %}\n      </li>\n    </ul>\n  </li>\n  {% endfor %}\n</ol>\n{% else %}\n<p>No positive change recorded yet, so there are no outcomes to follow.</p>\n{% endif %}'

OLD_LOOSE = '{% if thread.unlinked_not_working or thread.unlinked_aspirations or thread.provision_without_outcome %}\n<ul class="gt_thread__loose">\n  {% if thread.unlinked_not_working %}<li><strong>Not working, with no change wanted linked to it yet</strong>\n    <ul>{% for item in thread.unlinked_not_working %}<li>“{{ item.text }}” <span class="ds_hint-text">({{ item.perspective_text }})</span></li>{% endfor %}</ul></li>{% endif %}\n  {% if thread.unlinked_aspirations %}<li><strong>Aspirations with no change wanted linked to them yet</strong>\n    <ul>{% for item in thread.unlinked_aspirations %}<li>“{{ item.text }}”</li>{% endfor %}</ul></li>{% endif %}\n  {% if thread.provision_without_outcome %}<li><strong>Provision with no outcome</strong>\n    <ul>{% for line in thread.provision_without_outcome %}<li id="provision-{{ line.pk }}" class="gt_broken"><strong>Broken link:</strong> {{ line.description }}: {{ line.amount_text }} <span class="ds_hint-text">(budget request {{ line.request_reference }}, {{ line.request_status|lower }})</span></li>{% endfor %}</ul></li>{% endif %}\n</ul>\n{% else %}\n<p>Everything recorded is part of the thread.</p>\n{% endif %}'


def _item(text: str = NASTY, perspective: str = "Jo's <view>") -> Row:
    return Row(pk=uuid.uuid4(), text=text, perspective_text=perspective)


def _link_row(*, action: bool) -> dict:
    link = Row(
        title="Support with <no> outcome",
        subject=NASTY,
        reason=f"It is in place, but “{NASTY}” is closed.",
        anchor=f"solution-{uuid.uuid4()}",
    )
    return {
        "link": link,
        "action_url": f"/people/{uuid.uuid4()}/move/?a=1&b=2" if action else "",
        "action_text": "Move it to <another> outcome" if action else "",
    }


def _change(*, held: bool, not_working: int, aspirations: int, outcomes: int) -> Row:
    return Row(
        change=Row(pk=uuid.uuid4(), text=NASTY),
        held_on=date(2026, 3, 3) if held else None,
        held_on_text="3 March 2026" if held else "",
        not_working=[_item(f"{NASTY} {i}") for i in range(not_working)],
        aspirations=[_item(f"{NASTY} {i}") for i in range(aspirations)],
        outcomes=[Row(html=mark_safe("<li>A block & co</li>")) for _ in range(outcomes)],
    )


def _provision_line() -> Row:
    return Row(
        pk=uuid.uuid4(),
        description=NASTY,
        amount_text="£25.00 a week",
        request_reference="BR-0001",
        request_status="Agreed <NOW>",
    )


def _render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


def _sections(thread: Row, link_rows: list, first_name: str) -> dict:
    return thread_html.sections_html(thread, link_rows, first_name=first_name)


def _thread(**parts) -> Row:
    empty = {
        name: []
        for name in (
            "what_matters",
            "who_matters",
            "where_matters",
            "working",
            "changes",
            "unlinked_not_working",
            "unlinked_aspirations",
            "provision_without_outcome",
        )
    }
    return Row(**{**empty, **parts})


def test_the_broken_links_are_the_templates():
    """#19: none, one (singular words), several; with and without an action; text to
    escape in every field."""
    rows = [_link_row(action=True), _link_row(action=False), _link_row(action=True)]
    for chosen in ([], rows[:1], rows[1:2], rows):
        links = [row["link"] for row in chosen]
        old = _render(OLD_BROKEN_LINKS, {"links": links, "link_rows": chosen})
        assert str(_sections(_thread(), chosen, "Jo")["broken_links_html"]) == old


def test_section_one_is_the_templates():
    """#19: each of the four lists present or absent in turn (16 combinations: what is
    working alone shows the "nothing recorded" words, as the template did), a name to
    escape."""
    lists = ("what_matters", "who_matters", "where_matters", "working")
    for present in range(16):
        thread = _thread(
            **{
                name: [_item(), _item("Walks & <talks>")] if present & (1 << i) else []
                for i, name in enumerate(lists)
            }
        )
        for first_name in ("Jo", "O'Neil <b>"):
            old = _render(OLD_MATTERS, {"thread": thread, "first_name": first_name})
            assert str(_sections(thread, [], first_name)["matters_html"]) == old


def test_section_two_is_the_templates():
    """#19: changes with and without a date, sources (none, what is not working,
    aspirations, both) and outcomes; no changes at all."""
    changes = [
        _change(held=held, not_working=nw, aspirations=asp, outcomes=outcomes)
        for held in (True, False)
        for nw, asp in ((0, 0), (2, 0), (0, 1), (1, 2))
        for outcomes in (0, 2)
    ]
    for chosen in ([], changes[:1], changes):
        thread = _thread(changes=chosen)
        old = _render(OLD_CHANGES, {"thread": thread})
        assert str(_sections(thread, [], "Jo")["changes_html"]) == old


def test_section_three_is_the_templates():
    """#19: each of the three lists present or absent in turn, with text to escape."""
    for present in range(8):
        thread = _thread(
            unlinked_not_working=[_item(), _item("x")] if present & 1 else [],
            unlinked_aspirations=[_item()] if present & 2 else [],
            provision_without_outcome=[_provision_line(), _provision_line()] if present & 4 else [],
        )
        old = _render(OLD_LOOSE, {"thread": thread})
        assert str(_sections(thread, [], "Jo")["loose_html"]) == old


def test_the_sections_escape_stored_text():
    thread = _thread(
        what_matters=[_item()],
        changes=[_change(held=True, not_working=1, aspirations=1, outcomes=0)],
        unlinked_aspirations=[_item()],
        provision_without_outcome=[_provision_line()],
    )
    for html in _sections(thread, [_link_row(action=True)], "<b>Jo</b>").values():
        assert "<b>" not in str(html) and "&lt;b&gt;" in str(html)


def test_the_quick_escape_is_djangos():
    """#19: plain text and ids take a short path to html.escape; the result is
    conditional_escape's for every kind of value the blocks print, marked-safe text
    included (left as it is)."""
    from django.utils.html import conditional_escape
    from django.utils.translation import gettext_lazy

    values = [
        NASTY,
        "",
        "plain",
        "«quotes» ‘and’ \"these\" & 'those' <b>",
        uuid.uuid4(),
        3,
        mark_safe("<svg>already html</svg>"),
        gettext_lazy("Open & <agreed>"),
        date(2026, 3, 3),
    ]
    for value in values:
        assert thread_html._e(value) == str(conditional_escape(value))


# --- The page's own blocks (#19) -------------------------------------------------------------
# reviews/golden_thread.html's title, heading and content blocks, as they were.
OLD_TITLE = "Golden thread – {{ person.display_name }}"
OLD_PAGE_HEADER = (
    '{% include "ui/components/page_header.html" with label=person.display_name '
    'heading="The golden thread" %}'
)
OLD_CONTENT = '\n<p class="ds_lead">From what matters to {{ first_name }}, through what is not working and {{ first_name }}\'s hopes, to the changes wanted, the outcomes, the support and what the reviews found.</p>\n<p class="ds_hint-text">As it stood on {{ thread.today_text }}.{% if thread.schedule %} Next review due {{ thread.next_review_text }}.{% endif %}</p>\n\n<h2 id="at-a-glance">The thread at a glance</h2>\n{% if glance %}\n<p class="ds_hint-text">One row for each outcome: what it comes from, the outcome, the support for it now and the last review. A broken link is marked “Broken” and explained below.</p>\n<ol class="gt_glance">\n  {{ glance_html }}{# record/thread_html.py (#19) #}\n</ol>\n{% else %}\n<p>No outcomes yet, so there is no thread to follow.</p>\n{% endif %}\n\n<nav class="gt_thread__contents gt_no-print" aria-label="On this page">\n  <ul class="ds_no-bullets">\n    <li><a href="#at-a-glance">The thread at a glance</a></li>\n    <li><a href="#broken-links">Broken links ({{ links|length }})</a></li>\n    <li><a href="#what-matters">1. What matters</a></li>\n    <li><a href="#thread">2. From each change wanted to the review results</a></li>\n    <li><a href="#not-in-thread">3. Not yet part of the thread</a></li>\n    <li><a href="#reviews">4. Reviews over time</a></li>\n  </ul>\n</nav>\n\n<h2 id="broken-links">Broken links</h2>\n{{ broken_links_html }}{# record/thread_html.py (#19) #}\n\n<h2 id="what-matters">1. What matters to {{ first_name }}</h2>\n{{ matters_html }}{# record/thread_html.py (#19) #}\n\n<h2 id="thread">2. From each change wanted to the review results</h2>\n{{ changes_html }}{# record/thread_html.py (#19) #}\n\n<h2 id="not-in-thread">3. Not yet part of the thread</h2>\n{{ loose_html }}{# record/thread_html.py (#19) #}\n\n<h2 id="reviews">4. Reviews over time</h2>\n{% if thread.reviews %}\n<table class="ds_table" data-smallscreen="scrolling">\n  <caption class="visually-hidden">Reviews, newest first</caption>\n  <thead><tr><th scope="col">Review</th><th scope="col">Held by</th><th scope="col">Outcomes</th><th scope="col">Support</th><th scope="col">What was learned</th><th scope="col">Next review</th></tr></thead>\n  <tbody>\n  {{ reviews_html }}{# record/thread_html.py (#19) #}\n  </tbody>\n</table>\n{% else %}\n<p>No reviews yet. <a href="{% url \'reviews:start\' person.pk %}" class="gt_no-print">Start a review</a></p>\n{% endif %}\n'


def test_the_page_blocks_are_the_templates():
    """#19: with and without a glance, a next review date, broken links and reviews; a name
    and the day's words to escape."""
    from django.urls import reverse

    person = Row(pk=uuid.uuid4(), display_name="O'Neil <b>Jo</b> & co")
    for has_glance in (True, False):
        for schedule in (Row(), None):
            for reviews in ([Row()], []):
                for links in ([], [Row()], [Row(), Row()]):
                    thread = Row(
                        schedule=schedule,
                        reviews=reviews,
                        today_text="3 <March> 2026",
                        next_review_text="1 June & 2026",
                    )
                    html = {
                        name: mark_safe(f"<li>{name} & co</li>")  # noqa: S308 - a test's markup
                        for name in (
                            "glance_html",
                            "broken_links_html",
                            "matters_html",
                            "changes_html",
                            "loose_html",
                            "reviews_html",
                        )
                    }
                    context = {
                        "person": person,
                        "record_frame": Row(person=person),
                        "first_name": "Jo <i>",
                        "thread": thread,
                        "glance": [Row()] if has_glance else [],
                        "links": links,
                        **html,
                    }
                    blocks = thread_html.page_blocks(
                        person_name=person.display_name,
                        first_name="Jo <i>",
                        thread=thread,
                        link_count=len(links),
                        has_glance=has_glance,
                        start_url=reverse("reviews:start", args=[person.pk]),
                        html=html,
                    )
                    assert str(blocks["title_html"]) == _render(OLD_TITLE, context)
                    assert str(blocks["page_header_html"]) == _render(OLD_PAGE_HEADER, context)
                    assert str(blocks["content_html"]) == _render(OLD_CONTENT, context)
                    assert "<b>" not in blocks["title_html"] and "<i>" not in blocks["content_html"]
