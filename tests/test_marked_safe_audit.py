"""Every place that tells Django "this is already HTML" is known and justified (#11).

Stored and imported text must never be marked safe. This test finds every |safe,
|safeseq, {% autoescape off %}, mark_safe, format_html, format_html_join, SafeString,
SafeText and __html__ in the service's code and templates; a new one fails the test until
it is added below with the reason it cannot carry stored text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import goldenthread

ROOT = Path(goldenthread.__file__).resolve().parent

PYTHON = re.compile(
    r"\b(mark_safe|format_html_join|format_html|SafeString|SafeText|"
    r"html_safe)\s*\(|\b__html__\b"
)
TEMPLATE = re.compile(r"\{\{[^}]*\|\s*(safe|safeseq)\b[^}]*\}\}|\{%\s*autoescape\s+off")

JUSTIFIED = {
    (
        "ui/templatetags/ui.py",
        "mark_safe",
    ): "{% capture %}: the block was rendered, and so escaped, by the template engine; "
    "{% select_options %} (#14): every option's value, label and attribute escaped as the "
    "template loop it replaced escaped them (ui/tests/test_select_options.py compares the "
    "two, labels with markup included)",
    (
        "ui/templatetags/ui.py",
        "format_html",
    ): "{% htmx_allowed %}: an attribute holding a hexadecimal token",
    (
        "sds/forms.py",
        "format_html",
    ): "the option-4 hint 'Who: {}': format_html escapes the stored 'who'",
    (
        "accounts/admin.py",
        "format_html",
    ): "two admin columns (an account's sign-in links; the account link on an app): "
    "format_html escapes every value, which are reverse() addresses, dates and names",
    (
        "directory/presenters.py",
        "format_html",
    ): "a resource's telephone number as a tel: link: format_html escapes the number as the "
    "feed wrote it, and the address is only '+' and digits (text.phone_digits); a number "
    "that is not a plausible telephone number stays plain text, never a link",
    (
        "directory/presenters.py",
        "format_html_join",
    ): "a contact's parts joined with ', ': format_html_join escapes each (name, title, "
    "email as the feed wrote them); a telephone number is phone_link's, escaped there",
    (
        "accounts/templates/accounts/setup_second_factor.html",
        "safe",
    ): "the QR code: SVG shapes drawn by segno from the enrolment address and a fixed "
    "title; no stored text is printed",
    (
        "reports/presenters.py",
        "format_html",
    ): "the report bar chart (SVG): format_html escapes each label (our code lists, team "
    "and area names) and the numbers; the outer call wraps the escaped bars",
    (
        "record/thread_html.py",
        "mark_safe",
    ): "each outcome's block on the golden-thread page (#19): every stored or typed text "
    "(statements, needs, measures, views, evidence, summaries, reasons) goes through "
    "conditional_escape before it is joined; the charts are the presenter's SVG (below); "
    "record/tests/test_thread_html.py compares it with the template it replaced, stored "
    "markup included; the same for the thread at a glance and the reviews over time "
    "(#19: changes, statements, sources, support, names and what was learned escaped, "
    "what was learned through Django's own linebreaksbr with autoescape); the same for the "
    "broken links and sections 1-3 (#19: subjects, reasons, actions, what matters, changes, "
    "unlinked items and provision escaped; each outcome's block is outcome_block's)",
    (
        "reviews/presenters.py",
        "mark_safe",
    ): "the progress chart (SVG, #19): every text in it (the chart's title, the table's "
    "caption, labels of dates, our rating words and measure numbers) is escaped with "
    "conditional_escape before it is joined; the rest is our own markup and geometry",
    (
        "reports/presenters.py",
        "format_html_join",
    ): "the report bar chart: joins the bars, each already built by format_html",
    (
        "people/frame.py",
        "mark_safe",
    ): "the record's name bar and side navigation (#19): the person's name, the home "
    "address and the date of birth's text escaped by ui.escaping.escape_text, the links "
    "written by {% side_nav_links %}'s own code (each value escaped, or the template when a "
    "value is not plain text); people/tests/test_record_frame.py compares both with the "
    "templates they replace, a name with markup included",
}


# Places with more than one use, each looked at.
USES = {
    ("accounts/admin.py", "format_html"): 2,
    ("reports/presenters.py", "format_html"): 2,
    # an outcome's block, the glance, the reviews, and the broken links with sections 1-3
    ("record/thread_html.py", "mark_safe"): 4,
    # the record's name bar and its side navigation
    ("people/frame.py", "mark_safe"): 2,
    # {% capture %}'s rendered block, and a select's options
    ("ui/templatetags/ui.py", "mark_safe"): 2,
}


def _found() -> Counter:
    found: Counter = Counter()
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/static/" in f"/{relative}" or not path.is_file():
            continue
        if path.suffix == ".py":
            for match in PYTHON.finditer(path.read_text(encoding="utf-8")):
                found[(relative, match.group(1) or "__html__")] += 1
        elif path.suffix in (".html", ".txt"):
            for match in TEMPLATE.finditer(path.read_text(encoding="utf-8")):
                found[(relative, match.group(1) or "autoescape off")] += 1
    return found


def test_every_use_of_marked_safe_html_is_justified():
    found = _found()
    unexplained = sorted(set(found) - set(JUSTIFIED))
    assert not unexplained, (
        f"marked-safe HTML without a reason in this test: {unexplained}. Stored or "
        "imported text must never be marked safe; escape it, or build markup with "
        "format_html and add the place here with why it cannot carry stored text."
    )
    # One use each: a second use in the same file needs its own look.
    assert all(count <= USES.get(place, 1) for place, count in found.items()), found


def test_the_scan_finds_what_it_looks_for():
    assert PYTHON.search("x = mark_safe(y)") and PYTHON.search("format_html('{}', v)")
    assert TEMPLATE.search("{{ field.help_text|safe }}")
    assert TEMPLATE.search("{{ rows|safeseq|join:', ' }}")
    assert TEMPLATE.search("{% autoescape off %}")
    assert not TEMPLATE.search("{# never print stored text with |safe #}")
