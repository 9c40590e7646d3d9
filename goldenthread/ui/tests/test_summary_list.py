"""{% summary_list %} (#19) writes exactly what the summary list component's template drew,
for every kind of row it writes itself and for the rows it hands back to the template."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.template import Context, Template, engines
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from goldenthread.ui.templatetags import ui

NEW = "ui/components/summary_list.html"
REFERENCE = ui.SUMMARY_LIST_TEMPLATE

KEYS = ["Name", "CHI number", "A & <b>", "", "date of birth", "x"]
VALUES = [
    "Ann <Smith> & \"co\" 'x'",
    "",
    ["one", "<two>", "thr&ee"],
    ("a tuple",),
    [],
    "Not given",
]
URLS = [None, "", '/people/1/edit/?a=1&b=<2>"', "/x/"]
LABELS = [None, "", "Change", "Add <one>"]


def _draw(name: str, context: dict, *, autoescape: bool = True) -> str:
    wrapper = (
        "{% include '" + name + "' with rows=rows id_prefix=id_prefix borderless=borderless %}|"
    )
    if not autoescape:
        wrapper = "{% autoescape off %}" + wrapper + "{% endautoescape %}"
    return engines["django"].from_string(wrapper).render(context)


def _rows():
    combos = itertools.product(KEYS, VALUES, URLS, LABELS)
    rows = []
    for number, (key, value, url, label) in enumerate(combos):
        row = {"key": key, "value": value, "action_url": url, "action_label": label}
        if number % 7 == 0:
            del row["action_label"]  # the label defaults to "Change"
        if number % 11 == 0:
            del row["value"]
        if number % 13 == 0:
            row["other"] = "ignored"
        rows.append(row)
    return rows


@pytest.mark.parametrize("prefix", [None, "", "item", "a<b>", "sequence-3"])
@pytest.mark.parametrize("borderless", [None, False, True, "", "yes", 0, 1])
def test_written_rows_are_the_templates_bytes(prefix, borderless):
    rows = _rows()
    for chunk in (rows, rows[:1], [], tuple(rows[:5])):
        context = {"rows": chunk, "id_prefix": prefix, "borderless": borderless}
        written = _draw(NEW, context)
        assert written == _draw(REFERENCE, context)
        assert ui._summary_rows_written(chunk, prefix or "summary", bool(borderless)) is not None


def test_the_person_pages_rows_are_written_and_the_same():
    rows = [
        {"key": "Name", "value": "Ann O'Neil", "action_url": "/p/e/", "action_label": "Change"},
        {"key": "Team", "value": "North & East", "action_url": None, "action_label": "Change"},
    ]
    context = {"rows": rows, "id_prefix": None, "borderless": None}
    assert _draw(NEW, context) == _draw(REFERENCE, context)
    assert 'id="summary-2-key">Team</span>' in _draw(NEW, context)
    assert "Ann O&#x27;Neil" in _draw(NEW, context)


OTHER_ROWS = [
    [{"key": mark_safe("<b>Safe</b> key"), "value": "v", "action_url": "/x/"}],
    [{"key": "k", "value": mark_safe("<i>safe</i>")}],
    [{"key": "k", "value": ["a", mark_safe("<i>b</i>")]}],
    [{"key": "k", "value": gettext_lazy("Not given")}],
    [{"key": "k", "value": 3}],
    [{"key": "k", "value": None}],
    [{"key": "k", "value": datetime.date(2026, 12, 5)}],
    [{"key": "k", "value": "v", "action_url": "/x/", "action_label": gettext_lazy("Change")}],
    [{"key": gettext_lazy("Name"), "value": "v"}],
    [("not", "a dict")],
    "not a list",
    None,
]


@pytest.mark.parametrize("rows", OTHER_ROWS)
def test_other_rows_are_drawn_by_the_template(rows):
    context = {"rows": rows, "id_prefix": "p", "borderless": True}
    assert _draw(NEW, context) == _draw(REFERENCE, context)
    if isinstance(rows, list) and rows and isinstance(rows[0], dict):
        assert ui._summary_rows_written(rows, "p", True) is None


def test_autoescape_off_and_other_prefixes_are_drawn_by_the_template():
    rows = [{"key": "A & B", "value": "<x>", "action_url": "/a/?b&c"}]
    for context in (
        {"rows": rows, "id_prefix": mark_safe("<p>"), "borderless": None},
        {"rows": rows, "id_prefix": 7, "borderless": None},
        {"rows": rows, "id_prefix": "p", "borderless": ["x"]},
    ):
        assert _draw(NEW, context) == _draw(REFERENCE, context)
    context = {"rows": rows, "id_prefix": "p", "borderless": None}
    assert _draw(NEW, context, autoescape=False) == _draw(REFERENCE, context, autoescape=False)
    assert "A & B" in _draw(NEW, context, autoescape=False)


def test_the_tag_takes_no_arguments():
    with pytest.raises(Exception, match="takes no arguments"):
        Template("{% load ui %}{% summary_list rows %}").render(Context({}))
