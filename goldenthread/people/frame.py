"""The frame around every page of a person's record (#16): whose record it is, and where
in it the worker is.

`PersonRecordMixin` puts `record_frame` in every such page's context; ui/base.html draws
the person's name bar above the heading and the record's side navigation, with the
current section marked (aria-current), beside whatever the page puts in its own sidebar.
The foundation knows no people: it prints the frame's HTML (`bar_html`, `nav_html`,
written here, #19) or, when a part is not written, includes the template named here; the
templates stay the reference (people/tests/test_record_frame.py compares the two).
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.urls import NoReverseMatch
from django.utils.safestring import SafeString, mark_safe

from goldenthread.core.formatting import date_text
from goldenthread.ui.escaping import escape_text
from goldenthread.ui.links import url_pieces, url_place, uuid_text
from goldenthread.ui.templatetags.ui import side_nav_links_html

# A view's section, by "namespace:name" first, then by namespace.
SECTION_BY_VIEW = {
    "outcomes:step4": "conversations",
    "outcomes:step5": "conversations",
    "support:plan": "plan",
    "support:plan_easy_read": "plan",
    "reviews:golden_thread": "thread",
}
SECTION_BY_NAMESPACE = {
    "people": "details",
    "conversations": "conversations",
    "outcomes": "outcomes",
    "support": "support",
    "sds": "sds",
    "risk": "risk",
    "reviews": "reviews",
    "accountability": "accountability",
    "portal_staff": "own_access",
    "audit": "changes",
}


# The record's parts, in the order of the job: (section, view name, label).
RECORD_NAV = (
    ("details", "people:detail", "Details and circle"),
    ("conversations", "conversations:list", "Conversations"),
    ("outcomes", "outcomes:list", "Outcomes"),
    ("support", "support:summary", "Support Sequence"),
    ("plan", "support:plan", "Support plan"),
    ("sds", "sds:overview", "Choices and budget"),
    ("risk", "risk:list", "Risks"),
    ("reviews", "reviews:list", "Reviews"),
    ("accountability", "accountability:overview", "Challenges, advocacy and moves"),
    ("thread", "reviews:golden_thread", "Golden thread"),
    ("own_access", "portal_staff:overview", "Their own access"),
    ("changes", "audit:changes", "Changes to this record"),
)


def record_section(resolver_match: Any) -> str:
    """The part of the record a page belongs to ("" when none)."""
    if resolver_match is None:
        return ""
    view_name = resolver_match.view_name or ""
    if view_name in SECTION_BY_VIEW:
        return SECTION_BY_VIEW[view_name]
    return SECTION_BY_NAMESPACE.get(resolver_match.namespace or "", "")


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool  # the section this page belongs to
    is_page: bool  # this very page


@dataclass(frozen=True)
class RecordFrame:
    person: Any
    section: str
    # The record's parts' addresses in RECORD_NAV's order, the ones installed here
    # (`nav` and `nav_links` are made from them when something reads them, #19).
    layout: tuple[_NavPart, ...] = ()
    urls: tuple[str, ...] = ()
    path: str = ""  # the page's own address: its part's link is aria-current="page"
    template: str = "people/_record_frame.html"
    nav_template: str = "people/_record_nav.html"
    # Written once here, not by {% url %} and |date in the frame's template (#19).
    home_url: str = ""
    born_text: str = ""
    # The name bar and the side navigation as their templates draw them, written once here
    # (#19: two includes on every page of a record); "" for a part drawn by its template.
    bar_html: SafeString | str = ""
    nav_html: SafeString | str = ""

    @cached_property
    def nav(self) -> tuple[NavItem, ...]:
        return tuple(
            NavItem(label=part.label, url=url, current=part.current, is_page=url == self.path)
            for part, url in zip(self.layout, self.urls, strict=True)
        )

    @cached_property
    def nav_links(self) -> tuple[dict[str, str], ...]:
        """The side navigation's links as the template prints them: plain dicts (a
        template looks a key up in one step) with the class and aria-current worked out."""
        return tuple(nav_link(item) for item in self.nav)


def nav_link(item: NavItem) -> dict[str, str]:
    """What `_record_nav.html` prints for an item: aria-current "page" on its own page,
    "true" on a page inside its part, none elsewhere."""
    return {
        "label": item.label,
        "url": item.url,
        "link_class": NAV_LINK_CLASS[item.current],
        "aria_current": "page" if item.is_page else ("true" if item.current else ""),
    }


NAV_LINK_CLASS = {False: "ds_side-navigation__link", True: "ds_side-navigation__link ds_current"}


@dataclass(frozen=True)
class _NavPart:
    """One part of the record in the side navigation, for one URL configuration, script
    prefix and current section: its address around the person's id, its label, and its
    link written out (escaped) up to the id and after it (#19)."""

    head: str
    tail: str
    label: str
    current: bool
    html_head: str  # '<li …><a class="…" href="…' up to the id
    html_tail: tuple[str, str]  # after the id: (on this very page, on any other page)


@functools.lru_cache(maxsize=128)
def _nav_layout(urlconf: str, prefix: str, section: str) -> tuple[_NavPart, ...]:
    """The side navigation's parts for a page of `section`, worked out once per process for
    each URL configuration, script prefix and section (#19): each page of a record wrote
    its twelve links again from reverse()'s pieces, escaping each."""
    escape = html.escape
    parts = []
    for key, view_name, label in RECORD_NAV:
        try:
            head, tail = url_pieces(view_name, place=(urlconf, prefix))
        except NoReverseMatch:  # a part not installed here
            continue
        current = key == section
        html_label = f">{escape(label)}</a></li>\n    "
        inside = ' aria-current="true"' if current else ""
        parts.append(
            _NavPart(
                head=head,
                tail=tail,
                label=label,
                current=current,
                html_head=(
                    '<li class="ds_side-navigation__item"><a class="'
                    f'{escape(NAV_LINK_CLASS[current])}" href="{escape(head)}'
                ),
                html_tail=(
                    f'{escape(tail)}" aria-current="page"{html_label}',
                    f'{escape(tail)}"{inside}{html_label}',
                ),
            )
        )
    return tuple(parts)


def record_frame(request, person) -> RecordFrame:
    section = record_section(getattr(request, "resolver_match", None))
    urlconf, prefix = url_place()  # read once for the links below (#19)
    layout = _nav_layout(urlconf, prefix, section)
    pk = uuid_text(person.pk)  # the canonical text: nothing in it needs escaping
    path = request.path
    urls = tuple(f"{part.head}{pk}{part.tail}" for part in layout)
    home_head, home_tail = url_pieces("people:detail", place=(urlconf, prefix))
    home_url = f"{home_head}{pk}{home_tail}"
    born_text = date_text(person.date_of_birth)
    name = person.display_name
    links = "".join(
        f"{part.html_head}{pk}{part.html_tail[0] if url == path else part.html_tail[1]}"
        for part, url in zip(layout, urls, strict=True)
    )
    return RecordFrame(
        person=person,
        section=section,
        layout=layout,
        urls=urls,
        path=path,
        home_url=home_url,
        born_text=born_text,
        bar_html=_bar_html(name, home_url, born_text),
        nav_html=_nav_written(name, links),
    )


def _bar_html(name: str, home_url: str, born_text: str) -> SafeString:
    """people/_record_frame.html, as {% include %} drew it."""
    return mark_safe(  # noqa: S308 - every text is escaped
        '\n<p class="gt_record-bar"><span class="gt_record-bar__label">Record of</span> '
        f'<a class="gt_record-bar__name" href="{escape_text(home_url)}">{escape_text(name)}</a> '
        f'<span class="gt_record-bar__detail">born {escape_text(born_text)}</span></p>\n'
    )


def _nav_html(name: str, nav_links: tuple[dict[str, str], ...]) -> SafeString | str:
    """people/_record_nav.html, as {% include %} drew it; "" when its links are not all
    plain text (the template draws them then)."""
    links = side_nav_links_html(nav_links)
    if links is None:
        return ""
    return _nav_written(name, links)


def _nav_written(name: str, links: str) -> SafeString:
    """The side navigation around its links (written and escaped already)."""
    name = escape_text(name)
    return mark_safe(  # noqa: S308 - every text is escaped; the links by side_nav_links_html
        f'\n<nav class="ds_side-navigation gt_record-nav" aria-label="{name}\'s record">\n'
        f'  <h2 class="gt_record-nav__title">{name}\'s record</h2>\n'
        '  <ul class="ds_side-navigation__list">\n'
        f"    {links}\n"
        "  </ul>\n</nav>\n"
    )
