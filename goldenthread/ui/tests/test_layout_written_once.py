"""The layout's lists written without the template engine's work per item (#19):
{% site_nav_list %} keeps the site navigation's HTML per set of items, {% side_nav_links %}
writes a side navigation's links in Python. Each must write exactly what its template drew."""

from __future__ import annotations

import itertools

import pytest
from django.template import engines
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from goldenthread.ui.templatetags import ui

# What ui/partials/site_header.html drew inside {% capture %} before (#19), byte for byte.
NAV_LIST_BEFORE = """<ul class="ds_site-navigation__list">
          {% for item in site_nav %}
          <li class="ds_site-navigation__item"{% if item.current %} aria-current="page"{% endif %}>
            <a href="{{ item.url }}" class="ds_site-navigation__link{% if item.current %} ds_current{% endif %}">{{ item.label }}</a>
          </li>
          {% endfor %}
        </ul>"""  # noqa: E501

# What people/_record_nav.html drew for each link before (#19), byte for byte.
LINKS_BEFORE = (
    '{% for item in links %}<li class="ds_side-navigation__item"><a class="{{ item.link_class }}"'
    ' href="{{ item.url }}"{% if item.aria_current %} aria-current="{{ item.aria_current }}"'
    "{% endif %}>{{ item.label }}</a></li>\n    {% endfor %}"
)

TEXTS = ["My caseload", "A & <b> \"q\" 'x'", "", "/people/?a=1&b=<2>"]


def _draw(source: str, context: dict, *, autoescape: bool = True) -> str:
    if not autoescape:
        source = "{% autoescape off %}" + source + "{% endautoescape %}"
    return engines["django"].from_string("{% load ui %}" + source).render(context)


def _nav_items():
    return [
        {"label": label, "url": url, "current": current}
        for label, url, current in itertools.product(TEXTS, TEXTS, (False, True))
    ]


@pytest.fixture(autouse=True)
def _forget_nav_lists():
    ui._site_nav_lists.clear()
    yield
    ui._site_nav_lists.clear()


@pytest.mark.parametrize("autoescape", [True, False])
def test_site_nav_list_is_the_templates_bytes_first_and_from_memory(autoescape):
    items = _nav_items()
    for chunk in (items, items[:1], items[3:9], tuple(items[:4]), []):
        context = {"site_nav": chunk}
        expected = _draw(NAV_LIST_BEFORE, context, autoescape=autoescape)
        first = _draw("{% site_nav_list %}", context, autoescape=autoescape)
        again = _draw("{% site_nav_list %}", context, autoescape=autoescape)
        assert first == again == expected


def test_site_nav_list_is_kept_only_under_what_it_prints():
    items = _nav_items()[:3]
    _draw("{% site_nav_list %}", {"site_nav": items})
    assert list(ui._site_nav_lists) == [tuple((i["label"], i["url"], i["current"]) for i in items)]
    # Another current item, another label or another address is another list.
    moved = [dict(item, current=not item["current"]) for item in items]
    assert _draw("{% site_nav_list %}", {"site_nav": moved}) == _draw(
        NAV_LIST_BEFORE, {"site_nav": moved}
    )
    assert len(ui._site_nav_lists) == 2


@pytest.mark.parametrize(
    "odd",
    [
        {"label": mark_safe("<b>Safe</b>"), "url": "/a/", "current": False},
        {"label": gettext_lazy("Reports"), "url": "/r/", "current": True},
        {"label": "Text", "url": "/t/", "current": 1},
        {"label": "Text", "url": "/t/", "current": False, "more": "x"},
        {"label": "Text", "url": "/t/"},
    ],
)
def test_site_nav_list_draws_other_items_each_time_and_keeps_nothing(odd):
    items = [{"label": "Home", "url": "/", "current": False}, odd]
    context = {"site_nav": items}
    assert _draw("{% site_nav_list %}", context) == _draw(NAV_LIST_BEFORE, context)
    assert ui._site_nav_lists == {}


def test_site_nav_lists_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(ui, "SITE_NAV_LISTS_KEPT", 3)
    for number in range(7):
        _draw(
            "{% site_nav_list %}",
            {"site_nav": [{"label": "A", "url": f"/{number}/", "current": False}]},
        )
        assert 1 <= len(ui._site_nav_lists) <= 3


def _links():
    links = []
    for number, (label, url, link_class, current) in enumerate(
        itertools.product(TEXTS, TEXTS, TEXTS, ["", "page", "true", "<x>"])
    ):
        links.append(
            {"label": label, "url": url, "link_class": link_class, "aria_current": current}
        )
        if number % 5 == 0:
            links[-1]["other"] = "ignored"
    return links


@pytest.mark.parametrize("autoescape", [True, False])
def test_side_nav_links_are_the_templates_bytes(autoescape):
    links = _links()
    for chunk in (links, links[:1], tuple(links[:7]), []):
        context = {"links": chunk}
        assert _draw("{% side_nav_links links %}", context, autoescape=autoescape) == _draw(
            LINKS_BEFORE, context, autoescape=autoescape
        )


@pytest.mark.parametrize(
    "odd",
    [
        {"label": mark_safe("<b>Safe</b>"), "url": "/a/", "link_class": "c", "aria_current": ""},
        {"label": gettext_lazy("Reports"), "url": "/r/", "link_class": "c", "aria_current": "page"},
        {"label": "No class", "url": "/n/", "aria_current": "true"},
        {"label": 3, "url": "/3/", "link_class": "c", "aria_current": ""},
    ],
)
def test_side_nav_links_draw_other_links_with_the_template(odd):
    context = {"links": [_links()[1], odd]}
    assert _draw("{% side_nav_links links %}", context) == _draw(LINKS_BEFORE, context)


def test_the_record_navigation_is_unchanged():
    """people/_record_nav.html as a record page draws it, against its old loop."""
    frame = {
        "person": {"display_name": "Ann <O'Neil> & co"},
        "nav_links": _links()[:12],
    }
    drawn = engines["django"].get_template("people/_record_nav.html").render({"frame": frame})
    before = (
        '\n<nav class="ds_side-navigation gt_record-nav" aria-label="Ann &lt;O&#x27;Neil&gt; &amp; '
        'co\'s record">\n  <h2 class="gt_record-nav__title">Ann &lt;O&#x27;Neil&gt; &amp; co\'s '
        'record</h2>\n  <ul class="ds_side-navigation__list">\n    '
        + _draw(LINKS_BEFORE, {"links": frame["nav_links"]})
        + "\n  </ul>\n</nav>\n"
    )
    assert drawn == before
