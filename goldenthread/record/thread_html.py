"""Each outcome's block on the golden-thread page (REV-4), written out here rather than by
the template (#19): the block's loops, filters and include of reviews/_progress.html were
two thirds of the page's own template time. The HTML is byte for byte what
reviews/golden_thread.html and reviews/_progress.html wrote; every stored or typed text is
escaped (docs/adr/0007). record/tests/test_thread_html.py keeps the template as the
reference and compares."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from goldenthread.ui.escaping import escape_text

PROGRESS_CAPTION = "Reviews of this outcome"
_BROKEN_CLASS = ' class="gt_broken"'
_BROKEN_WORDS = "<strong>Broken link:</strong> "


# Plain text and ids escaped the short way (ui/escaping.py, #19).
_e = escape_text


def _or(value: Any, default: str) -> str:
    """As `{{ value|default:"…" }}`: the default for any false value."""
    return _e(value or default)


def _list(texts: list, head: str, each: str, tail: str) -> str:
    """As `{% if texts %}head{% for t in texts %}each{% endfor %}tail{% endif %}`, each
    text escaped into `each`'s "{}"."""
    if not texts:
        return ""
    return head + "".join(each.format(_e(text)) for text in texts) + tail


def _progress(points: list, charts: dict, *, first_name: str, caption: str) -> str:
    """reviews/_progress.html for one outcome."""
    if not points:
        return "\n<p>Not reviewed yet.</p>\n\n"
    name = _e(first_name)
    parts = [
        '\n<div class="gt_progress">\n  <div class="gt_progress__charts">\n    ',
        str(charts["rating_svg"]) if charts.get("rating") else "",
        "\n    ",
        str(charts["measure_svg"]) if charts.get("measure") else "",
        "\n  </div>\n"
        f'  <table class="ds_table gt_progress__table" id="progress-table-{_e(charts["key"])}" '
        'data-smallscreen="scrolling">\n'
        f"    <caption>{_e(caption)}</caption>\n"
        "    <thead>\n"
        '      <tr><th scope="col">Review</th><th scope="col">Rating</th><th scope="col">'
        f'The measure</th><th scope="col">{name}\'s view</th><th scope="col">What shows '
        "this</th></tr>\n"
        "    </thead>\n    <tbody>\n      ",
    ]
    for point in points:
        earlier = (
            f'<br><span class="ds_hint-text">Earlier wording: “{_e(point.statement)}”</span>'
            if point.earlier_wording
            else ""
        )
        decision = (
            f'<br><span class="ds_hint-text">{_e(point.decision_text)}</span>'
            if point.decision_text
            else ""
        )
        views = (
            "".join(
                f'<p class="gt_their-words">{_e(view.attribution)}: “{_e(view.words)}”'
                + (f" ({name}'s rating: {_e(view.rating_text)})" if view.rating else "")
                + "</p>"
                for view in point.views
            )
            or "Not recorded"
        )
        parts.append(
            "\n      <tr>\n"
            f'        <th scope="row">{_e(point.held_on_text)}{earlier}</th>\n'
            f"        <td>{_e(point.rating_text)}{decision}</td>\n"
            f"        <td>{_e(point.measure_text)}</td>\n"
            f"        <td>{views}</td>\n"
            f"        <td>{_e(point.evidence)}</td>\n"
            "      </tr>\n      "
        )
    parts.append("\n    </tbody>\n  </table>\n</div>\n\n")
    return "".join(parts)


def _steps(entry: Any) -> str:
    if not entry.steps:
        return "<p>No support planned yet.</p>"
    parts = ['\n                <ol class="gt_thread__steps">\n                  ']
    for step in entry.steps:
        parts.append(
            f'\n                  <li value="{_e(step.number)}">{_e(step.label)}\n'
            "                    <ul>\n                      "
        )
        for solution in step.solutions:
            broken = getattr(solution, "broken", False)
            earlier = (
                ' <span class="ds_hint-text">(for the earlier wording)</span>'
                if solution.outcome_id != entry.pk
                else ""
            )
            decided = "".join(
                f'<br><span class="ds_hint-text">{_e(text)}</span>' for text in solution.reviews
            )
            parts.append(
                f'\n                      <li id="solution-{_e(solution.pk)}"'
                f"{_BROKEN_CLASS if broken else ''}>{_BROKEN_WORDS if broken else ''}"
                f"{_e(solution.summary)}{earlier}\n"
                f"                        {decided}</li>\n                      "
            )
        parts.append("\n                    </ul>\n                  </li>\n                  ")
    parts.append("\n                </ol>\n                ")
    return "".join(parts)


def _provision(entry: Any) -> str:
    if not entry.provision:
        return ""
    lines = []
    for line in entry.provision:
        broken = getattr(line, "broken", False)
        lines.append(
            f'<li id="provision-{_e(line.pk)}"{_BROKEN_CLASS if broken else ""}>'
            f"{_BROKEN_WORDS if broken else ''}"
            f"{_e(line.description)}: {_e(line.amount_text)} "
            f'<span class="ds_hint-text">(budget request {_e(line.request_reference)}, '
            f"{_e(str(line.request_status).lower())})</span></li>"
        )
    return (
        f"<li><strong>Provision (budget)</strong>\n                <ul>{''.join(lines)}</ul></li>"
    )


def outcome_block(entry: Any, *, first_name: str) -> str:
    """One outcome of section 2 (a `thread.ThreadOutcome` with the view's `broken` links
    and `charts`), as the page's loop over a change's outcomes wrote it: markup with every
    text in it escaped, as plain text (#19: only the page's blocks are marked safe, by
    page_blocks; printed by a template on its own it would be escaped again, never run)."""
    outcome = entry.outcome
    broken = "".join(
        f'<p class="gt_broken"><strong>Broken link ({_e(str(link.title).lower())}):</strong> '
        f"{_e(link.reason)}</p>"
        for link in getattr(entry, "broken", [])
    )
    unmet = _list(entry.unmet_needs, "<ul>", "<li>Not met yet: {}</li>", "</ul>")
    flags = (
        "The outcome checker suggests looking again at: "
        + ", ".join(_e(flag) for flag in entry.checker_flags)
        + "."
        if entry.checker_flags
        else "The outcome checker has no suggestions."
    )
    earlier = _list(
        [o.statement for o in entry.earlier],
        "<li><strong>Rewritten from:</strong>\n                <ul>",
        "<li>“{}”</li>",
        "</ul></li>",
    )
    html = (
        f'\n          <li class="gt_thread__outcome" id="outcome-{_e(entry.pk)}">\n'
        f'            <h4 class="gt_thread__heading">“{_e(outcome.statement)}” \n'
        f'<strong class="ds_tag ds_tag--{_e(entry.status_colour)}">{_e(entry.status_text)}'
        "</strong>\n</h4>\n"
        f"            {broken}\n"
        '            <ul class="gt_thread__layers">\n'
        f"              <li><strong>Need it meets:</strong> "
        f"{_or(entry.need, 'No assessed need recorded')}\n"
        f"                {unmet}</li>\n"
        f"              <li><strong>Starting point:</strong> {_or(outcome.baseline, 'Not recorded')}"
        f". <strong>How we will know:</strong> {_or(outcome.measure, 'Not recorded')}. "
        f"<strong>By:</strong> {_or(entry.target_text, 'no date recorded')}.</li>\n"
        f"              <li><strong>Check:</strong> {_e(entry.questions_answered)} of "
        f"{_e(entry.questions_total)} questions answered.\n"
        f"                {flags}</li>\n"
        f"              {earlier}\n"
        "              <li><strong>Support, by step of the Support Sequence</strong>\n"
        f"                {_steps(entry)}\n"
        "              </li>\n"
        f"              {_provision(entry)}\n"
        "              <li><strong>Review results over time</strong>\n"
        "                "
        + _progress(entry.progress, entry.charts, first_name=first_name, caption=PROGRESS_CAPTION)
        + "\n              </li>\n            </ul>\n          </li>\n          "
    )
    return html


# --- The thread at a glance and the reviews over time (#19) ---------------------------------
# Written out as the template wrote them (its loops over each row were a third of the page's
# own template time); record/tests/test_thread_html.py keeps the loops as the reference.


def _if(condition: Any, text: str) -> str:
    return text if condition else ""


def glance_html(rows: list[dict]) -> str:
    """The rows of `{% for row in glance %}` in reviews/golden_thread.html (markup, every
    text escaped, as plain text: page_blocks marks the page's blocks safe)."""
    parts = []
    for row in rows:
        sources = _list(row["sources"], '<ul class="gt_glance__list">', "<li>{}</li>", "</ul>")
        support = (
            _list(row["support"], '<ul class="gt_glance__list">', "<li>{}</li>", "</ul>")
            or "None planned yet"
        )
        parts.append(
            f'\n  <li class="gt_glance__row{_if(row["broken"], " gt_glance__row--broken")}">\n'
            f'    <div class="gt_glance__cell{_if(row["matters_broken"], " gt_broken")}">\n'
            '      <span class="gt_glance__label">What matters</span>\n'
            f"      {_if(row['matters_broken'], '<strong>Broken: </strong>')}“{_e(row['change'])}”\n"
            f"      {sources}\n"
            "    </div>\n"
            '    <div class="gt_glance__cell">\n'
            '      <span class="gt_glance__label">Outcome</span>\n'
            f'      <a href="#outcome-{_e(row["pk"])}">“{_e(row["statement"])}”</a> \n'
            f'<strong class="ds_tag ds_tag--{_e(row["status_colour"])}">'
            f"{_e(row['status_text'])}</strong>\n\n"
            "    </div>\n"
            f'    <div class="gt_glance__cell{_if(row["support_broken"], " gt_broken")}">\n'
            '      <span class="gt_glance__label">Support</span>\n'
            f"      {_if(row['support_broken'], '<strong>Broken: </strong>')}\n"
            f"      {support}\n"
            "    </div>\n"
            f'    <div class="gt_glance__cell{_if(row["review_broken"], " gt_broken")}">\n'
            '      <span class="gt_glance__label">Review</span>\n'
            f"      {_if(row['review_broken'], '<strong>Broken: </strong>')}{_e(row['review'])}\n"
            "    </div>\n"
            "  </li>\n  "
        )
    return "".join(parts)


_IN_PROGRESS = '<br><span class="ds_hint-text">In progress</span>'


def reviews_html(summaries: list) -> str:
    """The rows of `{% for summary in thread.reviews %}` in reviews/golden_thread.html
    (markup, every text escaped, as plain text: page_blocks marks the page's blocks safe)."""
    parts = []
    for summary in summaries:
        review = summary.review
        ratings = "".join(f"<br>{_e(label)}: {_e(n)}" for label, n in summary.ratings.items())
        decisions = (
            "<br>".join(f"{_e(label)}: {_e(n)}" for label, n in summary.solution_decisions.items())
            or "None recorded"
        )
        learned = linebreaksbr(review.what_learned or "Not written yet", autoescape=True)
        parts.append(
            "\n    <tr>\n"
            f'      <th scope="row"><a href="{_e(summary.url)}">{_e(summary.held_on_text)}</a>'
            f"{_if(summary.is_draft, _IN_PROGRESS)}</th>\n"
            f"      <td>{_e(summary.conducted_by)}</td>\n"
            f"      <td>{_e(summary.outcome_count)} reviewed{ratings}</td>\n"
            f"      <td>{decisions}</td>\n"
            f"      <td>{learned}</td>\n"
            f"      <td>{_e(summary.next_review_text)}</td>\n"
            "    </tr>\n  "
        )
    return "".join(parts)


# --- The broken links, sections 1, 2 and 3 (#19) ----------------------------------------------
# The rest of the page's loops, written out as the template wrote them;
# record/tests/test_thread_html.py keeps each block of the template as the reference.

_NO_BROKEN_LINKS = (
    "\n<p>No broken links. Every open outcome comes from something that matters, all the "
    "support and provision is for an outcome, and every outcome has been reviewed when it "
    "should be.</p>\n"
)


def _broken_links(link_rows: list[dict]) -> str:
    """`{% if links %}…{% endif %}` under "Broken links": each link with its action."""
    if not link_rows:
        return _NO_BROKEN_LINKS
    count = len(link_rows)
    parts = [
        f"\n<p>{count} link{' is' if count == 1 else 's are'} broken in the thread. Each says "
        'why.</p>\n<ul class="gt_thread__broken">\n  '
    ]
    for row in link_rows:
        link = row["link"]
        subject = _e(link.subject)
        action = (
            f' <a href="{_e(row["action_url"])}">{_e(row["action_text"])}'
            f'<span class="visually-hidden">: “{subject}”</span></a>'
            if row["action_url"]
            else ""
        )
        parts.append(
            f'\n  <li><strong>{_e(link.title)}:</strong> <a href="#{_e(link.anchor)}">'
            f"“{subject}”</a>. {_e(link.reason)}{action}</li>\n  "
        )
    parts.append("\n</ul>\n")
    return "".join(parts)


def _items(items: list, head: str, *, hint: bool = False, quoted: bool = False) -> str:
    """One `{% if items %}<li><strong>head</strong>\\n    <ul>…</ul></li>{% endif %}` of
    sections 1 and 3: each item's text (quoted or not), and its perspective when `hint`."""
    if not items:
        return ""
    open_, close = ("“", "”") if quoted else ("", "")
    each = [
        f"<li>{open_}{_e(item.text)}{close}"
        + (f' <span class="ds_hint-text">({_e(item.perspective_text)})</span>' if hint else "")
        + "</li>"
        for item in items
    ]
    return f"<li><strong>{head}</strong>\n    <ul>{''.join(each)}</ul></li>"


def _matters(thread: Any, first_name: str) -> str:
    """Section 1, "What matters": `{% if thread.what_matters or … %}…{% endif %}`."""
    if not (thread.what_matters or thread.who_matters or thread.where_matters):
        return (
            f"\n<p>Nothing recorded yet about what, who or where matters to {_e(first_name)}.</p>\n"
        )
    parts = (
        _items(thread.what_matters, "What matters"),
        _items(thread.who_matters, "Who matters"),
        _items(thread.where_matters, "Where matters"),
        _items(thread.working, "What is working now", hint=True),
    )
    return '\n<ul class="gt_thread__matters">\n  ' + "\n  ".join(parts) + "\n</ul>\n"


_NOT_LINKED = (
    '<li class="gt_broken"><strong>Broken link:</strong> not linked to anything that is not '
    "working, or to an aspiration.</li>"
)


def _changes(changes: list) -> str:
    """Section 2: `{% if thread.changes %}…{% endif %}`, each change with its outcomes'
    blocks (`entry.html`, outcome_block's) as they are."""
    if not changes:
        return "\n<p>No positive change recorded yet, so there are no outcomes to follow.</p>\n"
    parts = ['\n<ol class="gt_thread">\n  ']
    for change in changes:
        held = (
            f'<p class="ds_hint-text">From the conversation on {_e(change.held_on_text)}.</p>'
            if change.held_on
            else ""
        )
        not_working = "".join(
            f"<li>Not working: “{_e(item.text)}” "
            f'<span class="ds_hint-text">({_e(item.perspective_text)})</span></li>'
            for item in change.not_working
        )
        aspirations = "".join(
            f"<li>Aspiration: “{_e(item.text)}”</li>" for item in change.aspirations
        )
        outcomes = (
            '\n        <ol class="gt_thread__outcomes">\n          '
            + "".join(str(entry.html) for entry in change.outcomes)
            + "\n        </ol>\n        "
            if change.outcomes
            else "\n        <p>No outcome made from this change yet.</p>\n        "
        )
        parts.append(
            f'\n  <li class="gt_thread__change" id="change-{_e(change.change.pk)}">\n'
            f'    <h3 class="gt_thread__heading">The change wanted: “{_e(change.change.text)}”'
            f"</h3>\n    {held}\n"
            '    <ul class="gt_thread__layers">\n'
            "      <li><strong>Where it comes from</strong>\n"
            f"        <ul>\n          {not_working}\n          {aspirations}\n          "
            f"{'' if change.not_working or change.aspirations else _NOT_LINKED}\n"
            "        </ul>\n      </li>\n"
            f"      <li><strong>Outcomes</strong>\n        {outcomes}\n"
            "      </li>\n    </ul>\n  </li>\n  "
        )
    parts.append("\n</ol>\n")
    return "".join(parts)


def _loose(thread: Any) -> str:
    """Section 3, "Not yet part of the thread": `{% if thread.unlinked_not_working or … %}…
    {% endif %}`."""
    not_working, aspirations = thread.unlinked_not_working, thread.unlinked_aspirations
    provision = thread.provision_without_outcome
    if not (not_working or aspirations or provision):
        return "\n<p>Everything recorded is part of the thread.</p>\n"
    lines = (
        "<li><strong>Provision with no outcome</strong>\n    <ul>"
        + "".join(
            f'<li id="provision-{_e(line.pk)}" class="gt_broken">{_BROKEN_WORDS}'
            f"{_e(line.description)}: {_e(line.amount_text)} "
            f'<span class="ds_hint-text">(budget request {_e(line.request_reference)}, '
            f"{_e(str(line.request_status).lower())})</span></li>"
            for line in provision
        )
        + "</ul></li>"
        if provision
        else ""
    )
    parts = (
        _items(
            not_working,
            "Not working, with no change wanted linked to it yet",
            hint=True,
            quoted=True,
        ),
        _items(aspirations, "Aspirations with no change wanted linked to them yet", quoted=True),
        lines,
    )
    return '\n<ul class="gt_thread__loose">\n  ' + "\n  ".join(parts) + "\n</ul>\n"


def sections_html(thread: Any, link_rows: list[dict], *, first_name: str) -> dict[str, str]:
    """The broken links and sections 1, 2 and 3 of reviews/golden_thread.html, by the name
    the template prints each under (markup, every text escaped, as plain text: page_blocks
    marks the page's blocks safe). Section 2 takes each outcome's block from `entry.html`
    (outcome_block's, set by the view) as it is."""
    parts = {
        "broken_links_html": _broken_links(link_rows),
        "matters_html": _matters(thread, first_name),
        "changes_html": _changes(thread.changes),
        "loose_html": _loose(thread),
    }
    return parts


# --- The page's own blocks (#19) -------------------------------------------------------------
# reviews/golden_thread.html's title, heading and content, written out as the template wrote
# them (its variables, conditions and the heading's include were a quarter of the page's
# template time); record/tests/test_thread_html.py keeps the blocks as the reference.

# ui/components/page_header.html with the person's name as its label and the record's
# frame naming them already: the heading alone.
PAGE_HEADER = (
    '\n<header class="ds_page-header">\n  \n'
    '  <h1 class="ds_page-header__title">The golden thread</h1>\n</header>\n'
)

_GLANCE_HINT = (
    '\n<p class="ds_hint-text">One row for each outcome: what it comes from, the outcome, the '
    "support for it now and the last review. A broken link is marked “Broken” and explained "
    'below.</p>\n<ol class="gt_glance">\n  '
)
_NO_GLANCE = "\n<p>No outcomes yet, so there is no thread to follow.</p>\n"
_REVIEWS_TABLE = (
    '\n<table class="ds_table" data-smallscreen="scrolling">\n'
    '  <caption class="visually-hidden">Reviews, newest first</caption>\n'
    '  <thead><tr><th scope="col">Review</th><th scope="col">Held by</th><th scope="col">'
    'Outcomes</th><th scope="col">Support</th><th scope="col">What was learned</th>'
    '<th scope="col">Next review</th></tr></thead>\n  <tbody>\n  '
)


def page_blocks(
    *,
    person_name: str,
    first_name: str,
    thread: Any,
    link_count: int,
    has_glance: bool,
    start_url: str,
    html: dict[str, Any],
) -> dict[str, SafeString]:
    """The title, page_header and content blocks of reviews/golden_thread.html: `html`
    holds the parts written above (glance_html, broken_links_html, matters_html,
    changes_html, loose_html, reviews_html), `has_glance` whether the glance has rows,
    `start_url` the address of a new review."""
    name = _e(first_name)
    next_review = f" Next review due {_e(thread.next_review_text)}." if thread.schedule else ""
    glance = f"{_GLANCE_HINT}{html['glance_html']}\n</ol>\n" if has_glance else _NO_GLANCE
    reviews = (
        f"{_REVIEWS_TABLE}{html['reviews_html']}\n  </tbody>\n</table>\n"
        if thread.reviews
        else f'\n<p>No reviews yet. <a href="{_e(start_url)}" class="gt_no-print">Start a '
        "review</a></p>\n"
    )
    content = (
        f'\n<p class="ds_lead">From what matters to {name}, through what is not working and '
        f"{name}'s hopes, to the changes wanted, the outcomes, the support and what the "
        "reviews found.</p>\n"
        f'<p class="ds_hint-text">As it stood on {_e(thread.today_text)}.{next_review}</p>\n\n'
        f'<h2 id="at-a-glance">The thread at a glance</h2>\n{glance}\n\n'
        '<nav class="gt_thread__contents gt_no-print" aria-label="On this page">\n'
        '  <ul class="ds_no-bullets">\n'
        '    <li><a href="#at-a-glance">The thread at a glance</a></li>\n'
        f'    <li><a href="#broken-links">Broken links ({link_count})</a></li>\n'
        '    <li><a href="#what-matters">1. What matters</a></li>\n'
        '    <li><a href="#thread">2. From each change wanted to the review results</a></li>\n'
        '    <li><a href="#not-in-thread">3. Not yet part of the thread</a></li>\n'
        '    <li><a href="#reviews">4. Reviews over time</a></li>\n'
        "  </ul>\n</nav>\n\n"
        f'<h2 id="broken-links">Broken links</h2>\n{html["broken_links_html"]}\n\n'
        f'<h2 id="what-matters">1. What matters to {name}</h2>\n{html["matters_html"]}\n\n'
        '<h2 id="thread">2. From each change wanted to the review results</h2>\n'
        f"{html['changes_html']}\n\n"
        f'<h2 id="not-in-thread">3. Not yet part of the thread</h2>\n{html["loose_html"]}\n\n'
        f'<h2 id="reviews">4. Reviews over time</h2>\n{reviews}\n'
    )
    return {
        "title_html": mark_safe(f"Golden thread – {_e(person_name)}"),  # noqa: S308 - escaped
        "page_header_html": mark_safe(PAGE_HEADER),  # noqa: S308 - no stored text
        "content_html": mark_safe(content),  # noqa: S308 - every text above is escaped
    }
