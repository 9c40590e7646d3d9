"""A select's options are written in Python (`{% select_options %}`, #14 OPS-3: a report
filter of 2,500 teams spent most of the page in the template loop), with the same text,
byte for byte, as the template loop they replace, and every label and value escaped."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from goldenthread.ui.templatetags.ui import select_options

# The template loop the tag replaced (ui/forms/widgets/_options.html and attrs.html).
LOOP = Template(
    """{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}
    <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}
    <option value="{{ option.value|stringformat:'s' }}"{% for name, value in option.attrs.items %}{% if name != "class" and value is not False %} {{ name }}{% if value is not True %}="{{ value|stringformat:'s' }}"{% endif %}{% endif %}{% endfor %}>{{ option.label }}</option>{% endfor %}{% if group_name %}
    </optgroup>{% endif %}{% endfor %}"""
)

CHOICES = [
    ("", "All teams"),
    ("a1", "Team <b>one</b> & \"two\" 'three'"),
    (7, 1234),
    (datetime.date(2026, 6, 3), datetime.date(2026, 6, 3)),
    ("lazy", gettext_lazy("Not recorded")),
    ("safe", mark_safe("<em>kept</em>")),
    (
        "Group <x>",
        [("g1", "In a group & more"), ("g2", "Another")],
    ),
    ("=cmd", "=SUM(A1)"),
]


@pytest.mark.parametrize(
    "value, attrs",
    [
        (None, {}),
        ("a1", {}),
        ("g2", {"data-x": 'a"b', "class": "ignored"}),
        (["a1", "g1"], {"multiple": True}),
    ],
)
def test_the_options_are_the_template_loops_text_byte_for_byte(value, attrs):
    widget = (forms.SelectMultiple if attrs.get("multiple") else forms.Select)(
        attrs=attrs, choices=CHOICES
    )
    context = widget.get_context("team", value, attrs)["widget"]
    for option in (o for _, group, _ in context["optgroups"] for o in group):
        option["attrs"].update({"data-flag": True, "data-off": False, "title": "<t>"})
    expected = LOOP.render(Context({"widget": context}))
    assert select_options(context) == expected
    assert "<b>" not in expected and "&lt;b&gt;" in expected  # stored text escaped
    assert "<em>kept</em>" in expected  # code's own safe text kept


def test_a_select_with_thousands_of_options_renders_each_once():
    choices = [(str(n), f"Team {n:04d}") for n in range(2500)]
    widget = forms.Select(choices=choices)
    html = widget.render("team", "1234")
    assert html.count("<option ") == 2500
    assert '<option value="1234" selected>Team 1234</option>' in html
