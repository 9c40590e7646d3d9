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

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch
from django.utils.safestring import SafeString, mark_safe

from goldenthread.core.formatting import date_text
from goldenthread.ui.escaping import escape_text
from goldenthread.ui.links import id_url, url_place
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
    nav: tuple[NavItem, ...]
    template: str = "people/_record_frame.html"
    nav_template: str = "people/_record_nav.html"
    # Written once here, not by {% url %} and |date in the frame's template (#19).
    home_url: str = ""
    born_text: str = ""
    # The side navigation's links as the template prints them: plain dicts (a template
    # looks a key up in one step) with the class and aria-current worked out here (#19).
    nav_links: tuple[dict[str, str], ...] = ()
    # The name bar and the side navigation as their templates draw them, written once here
    # (#19: two includes on every page of a record); "" for a part drawn by its template.
    bar_html: SafeString | str = ""
    nav_html: SafeString | str = ""


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


def record_frame(request, person) -> RecordFrame:
    section = record_section(getattr(request, "resolver_match", None))
    items = []
    place = url_place()  # read once for the links below (#19)
    for key, view_name, label in RECORD_NAV:
        try:
            # Each pattern reversed once per process (#19).
            url = id_url(view_name, place=place)(person.pk)
        except NoReverseMatch:  # a part not installed here
            continue
        items.append(
            NavItem(label=label, url=url, current=key == section, is_page=url == request.path)
        )
    nav_links = tuple(nav_link(item) for item in items)
    home_url = id_url("people:detail", place=place)(person.pk)
    born_text = date_text(person.date_of_birth)
    return RecordFrame(
        person=person,
        section=section,
        nav=tuple(items),
        nav_links=nav_links,
        home_url=home_url,
        born_text=born_text,
        bar_html=_bar_html(person.display_name, home_url, born_text),
        nav_html=_nav_html(person.display_name, nav_links),
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
    name = escape_text(name)
    return mark_safe(  # noqa: S308 - every text is escaped; the links by side_nav_links_html
        f'\n<nav class="ds_side-navigation gt_record-nav" aria-label="{name}\'s record">\n'
        f'  <h2 class="gt_record-nav__title">{name}\'s record</h2>\n'
        '  <ul class="ds_side-navigation__list">\n'
        f"    {links}\n"
        "  </ul>\n</nav>\n"
    )
