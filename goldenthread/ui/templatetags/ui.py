"""Template helpers for the Scottish Government Design System layout and components.

{% load ui %}
  {% capture as name %}...{% endcapture %}   render a block into a variable
  {% icon_href "close" %}                     URL of an icon in the vendored SGDS sprite
  {% asset "ui/css/app.css" %}                {% static %} worked out once per process
  {% fixed_url "accounts:logout" as url %}    {% url %} of a pattern without arguments,
                                              reversed once per process ("" if not installed)
  {% form_error_list form as errors %}        [{text, href}] for the error summary
  {% pagination_links page_obj as pages %}    previous/next/page links for pagination.html
  {{ value|is_list }}                         true for a list or tuple
  {{ html|shows_error_summary }}              true if the rendered html has the error summary
  {% can Permission.RECORD_SDS as can_record %}  whether the signed-in user may (accounts
                                              permissions; an unknown name raises)
  {% htmx_config %}                           the htmx configuration (base layout's <meta>)
  {% htmx_token %}                            the token this page's htmx elements carry
  <form hx-post="..." {% htmx_allowed %}>     mark an element the server rendered for htmx
"""

from __future__ import annotations

import html
import json

from django import template
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

from goldenthread.core import formatting
from goldenthread.core.permissions import can as user_can
from goldenthread.ui import htmx, links

register = template.Library()

ICON_SPRITE = "ui/vendor/sgds/icons.stack.svg"


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The content was rendered (and escaped) by the template engine already.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}...{% endcapture %}: keep rendered output in `name`.

    Blocks inside still take part in template inheritance, so the base layout can
    ask whether a child filled a block (for example the sidebar) before drawing it.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.filter
def lower_first(value) -> str:
    """ "Date of birth" → "date of birth" for "Change date of birth"; a word in capitals
    stays ("CHI number"). core.formatting's."""
    return formatting.lower_first(value)


# The error summary's own id (ui/components/error_summary.html). Stored text is escaped,
# so its quotes can never spell this: only the component itself does.
ERROR_SUMMARY_MARK = 'id="error-summary"'


@register.filter
def shows_error_summary(page_html) -> bool:
    """Whether the rendered page shows an error summary: the base layout then begins the
    <title> with "Error: " (the GOV.UK and SGDS pattern), on every page with one."""
    return ERROR_SUMMARY_MARK in str(page_html)


@register.filter
def is_list(value) -> bool:
    """True for a list or tuple (for example several answers to one question)."""
    return isinstance(value, (list, tuple))


@register.simple_tag
def icon_href(name: str) -> str:
    """The href for <svg><use href="..."></svg> pointing into the SGDS icon sprite."""
    return f"{links.static_url(ICON_SPRITE)}#{name}"


@register.simple_tag
def asset(path: str) -> str:
    """The layout's `{% static %}` addresses, worked out once per process (#19)."""
    return links.static_url(path)


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name as x %}` for a pattern without arguments, reversed once per process;
    "" when the pattern is not installed, as `{% url ... as x %}` gives (#19)."""
    return links.optional_fixed_url(name)


def _escaped_s(value) -> str:
    """`{{ value|stringformat:'s' }}` as a template writes it: the text, escaped unless the
    value was safe already."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _option_attrs(attrs: dict) -> str:
    """ui/forms/widgets/attrs.html: every attribute but "class", False ones left out."""
    out = []
    for name, value in attrs.items():
        if name == "class" or value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{_escaped_s(value)}"')
    return "".join(out)


def _shown(value) -> str:
    """`{{ value }}` in a template: localised (a number, a date), then escaped unless safe."""
    if not isinstance(value, str):
        value = localize(template_localtime(value))
    return conditional_escape(value)


@register.simple_tag
def select_options(widget) -> str:
    """A select's groups and options, as a template loop over `widget.optgroups` wrote them
    (the same text, byte for byte: ui/tests/test_select_options.py), in Python: a list of
    2,500 teams took most of a report page's 130 ms through the template (#14, OPS-3)."""
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n    <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n    <option value="{_escaped_s(option["value"])}"'
                f"{_option_attrs(option['attrs'])}>{_shown(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n    </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


def _target_id(bound_field) -> str:
    target = getattr(bound_field, "error_target_id", None)
    if target is None:  # a form with its own BoundField class
        target = bound_field.id_for_label or bound_field.auto_id
    return target or ""


@register.simple_tag
def form_error_list(form) -> list[dict[str, str]]:
    """Every error on the form as {text, href}: errors about the whole form first.

    Errors not tied to one field (and errors on hidden fields) link to the first
    question, as there is nothing better to move to.
    """
    visible = form.visible_fields()
    first = f"#{_target_id(visible[0])}" if visible and _target_id(visible[0]) else ""
    items = [{"text": str(error), "href": first} for error in form.non_field_errors()]
    for field in form.hidden_fields():
        items += [{"text": str(error), "href": first} for error in field.errors]
    for field in visible:
        target = _target_id(field)
        href = f"#{target}" if target else ""
        items += [{"text": str(error), "href": href} for error in field.errors]
    return items


@register.simple_tag(takes_context=True)
def pagination_links(context, page, param: str = "page") -> dict:
    """Links for a Django Page: keeps the rest of the query string (search, filters)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)

    def href(number: int) -> str:
        query[param] = str(number)
        return f"?{query.urlencode()}"

    paginator = page.paginator
    items: list[dict[str, object]] = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": href(number),
                    "current": number == page.number,
                    "last": number == paginator.num_pages,
                }
            )
    return {
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "items": items,
        "show": paginator.num_pages > 1,
    }


@register.simple_tag(takes_context=True)
def can(context, permission, obj=None) -> bool:
    """{% can Permission.RECORD_SDS as can_record %}: whether the signed-in user may (the
    `Permission` enum comes from the ui context processor). A name that is not a permission
    raises UnknownPermission, as `core.permissions.can` does, rather than hiding a link."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user") or AnonymousUser()
    return user_can(user, permission, obj)


# --- htmx: act only on what the server rendered (#11; see goldenthread/ui/htmx.py) -------


@register.simple_tag(takes_context=True)
def htmx_token(context) -> str:
    return htmx.token_for(context.get("request"), holder=context)


@register.simple_tag(takes_context=True)
def htmx_config(context) -> str:
    """JSON for <meta name="htmx-config" content="..."> (escaped by the template)."""
    token = htmx.token_for(context.get("request"), holder=context)
    return json.dumps(htmx.config_for(token), separators=(",", ":"))


@register.simple_tag(takes_context=True)
def htmx_allowed(context) -> str:
    """` data-gt-htmx="<token>"`: put it on each element with hx-get, hx-post or hx-trigger
    that the template itself writes (never on an element holding stored text). Form
    widgets given hx- attributes in Python get it without asking (ui/forms/renderer.py)."""
    token = htmx.token_for(context.get("request"), holder=context)
    return format_html('{}="{}"', htmx.MARK_ATTRIBUTE, token)


# --- The summary list component written once (#19) -------------------------------------------
#
# ui/components/summary_list.html is used on many pages (the person's page's details, a
# plan's, a review's…); drawn by the template engine its rows cost about 0.3 ms of the
# person's page. {% summary_list %} writes the same bytes from the included context (rows,
# id_prefix, borderless) for the rows it knows: a list or tuple of plain dicts whose key is
# text, whose value is text or a list or tuple of text, whose action_url and action_label are
# text or None. Text is escaped as {{ }} escapes it (html.escape, what Django's escape
# calls). Anything else (marked-safe or lazy text, numbers, dates, other objects, autoescape
# off) is drawn by the component's template as before (_summary_list_template.html), which
# ui/tests/test_summary_list.py also compares with, byte for byte.

SUMMARY_LIST_TEMPLATE = "ui/components/_summary_list_template.html"


def _plain_text(value) -> bool:
    return value.__class__ is str


def _summary_rows_written(rows, prefix: str, borderless: bool) -> str | None:
    """The component's HTML for these rows, or None for rows it does not write itself."""
    if rows.__class__ not in (list, tuple):
        return None
    escape = html.escape
    prefix_text = escape(prefix)
    parts = [
        '\n<ol class="ds_summary-list',
        " ds_summary-list--no-border" if borderless else "",
        '">\n  ',
    ]
    for number, row in enumerate(rows, start=1):
        if row.__class__ is not dict:
            return None
        key = row.get("key", "")
        value = row.get("value", "")
        url = row.get("action_url")
        label = row.get("action_label")
        if not _plain_text(key) or not (url is None or _plain_text(url)):
            return None
        if not (label is None or _plain_text(label)):
            return None
        parts.append(
            '\n  <li class="ds_summary-list__item">\n'
            f'    <span class="ds_summary-list__key" id="{prefix_text}-{number}-key">'
            f'{escape(key)}</span>\n    <span class="ds_summary-list__value">\n      '
        )
        if value.__class__ in (list, tuple):
            if not all(_plain_text(v) for v in value):
                return None
            answers = "".join(
                f'<li><q class="ds_summary-list__answer">{escape(v)}</q></li>' for v in value
            )
            parts.append(
                f'\n      <ul class="ds_no-bullets">\n        {answers}\n      </ul>\n      '
            )
        elif _plain_text(value):
            parts.append(f'\n      <q class="ds_summary-list__answer">{escape(value)}</q>\n      ')
        else:
            return None
        parts.append("\n    </span>\n    ")
        if url:
            parts.append(
                '\n    <div class="ds_summary-list__actions">\n'
                f'      <a href="{escape(url)}" class="ds_link" >{escape(label or "Change")}'
                f'<span class="visually-hidden"> {escape(lower_first(key))}</span></a>\n'
                "    </div>\n    "
            )
        parts.append("\n  </li>\n  ")
    parts.append("\n</ol>\n")
    return "".join(parts)


class SummaryListNode(template.Node):
    def render(self, context):
        prefix = context.get("id_prefix") or "summary"
        borderless = context.get("borderless")
        written = None
        if (
            context.autoescape
            and _plain_text(prefix)
            and (borderless is None or borderless.__class__ in (bool, str, int))
        ):
            written = _summary_rows_written(context.get("rows"), prefix, bool(borderless))
        if written is not None:
            return written
        found = context.template.engine.get_template(SUMMARY_LIST_TEMPLATE)
        # As {% include %} draws a template in the context it was given.
        return found.render(context).removesuffix("\n")


@register.tag
def summary_list(parser, token):
    """{% summary_list %}: ui/components/summary_list.html's rows, from its context (#19)."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% summary_list %} takes no arguments")
    return SummaryListNode()


# The site navigation's list (ui/partials/site_header.html draws it twice: the mobile menu
# and the desktop bar) is the same for everyone with the same items: fixed labels, fixed
# addresses (context_processors.NAVIGATION) and which one is current. {% site_nav_list %}
# draws it with its template (_site_nav_list.html) the first time a process meets those
# items and keeps the HTML under them, so a page writes it from memory (#19). The key is
# the whole of what the list prints (each item's label, address and current, all plain text
# and true/false), so nothing of one user's can reach another's page; any other items
# (lazy or marked-safe text, other objects, autoescape off) are drawn each time.

SITE_NAV_LIST_TEMPLATE = "ui/partials/_site_nav_list.html"
SITE_NAV_LISTS_KEPT = 256  # roles × team × staff × current item; then all forgotten
_site_nav_lists: dict[tuple, str] = {}


def _site_nav_key(items) -> tuple | None:
    if items.__class__ not in (list, tuple):
        return None
    key = []
    for item in items:
        if item.__class__ is not dict or len(item) != 3:
            return None
        label, url, current = item.get("label"), item.get("url"), item.get("current")
        if label.__class__ is not str or url.__class__ is not str or current.__class__ is not bool:
            return None
        key.append((label, url, current))
    return tuple(key)


class SiteNavListNode(template.Node):
    def render(self, context):
        items = context.get("site_nav")
        key = _site_nav_key(items) if context.autoescape else None
        written = None if key is None else _site_nav_lists.get(key)
        if written is None:
            found = context.template.engine.get_template(SITE_NAV_LIST_TEMPLATE)
            with context.push(site_nav=items):
                written = str(found.render(context).removesuffix("\n"))
            if key is not None:
                if len(_site_nav_lists) >= SITE_NAV_LISTS_KEPT:
                    _site_nav_lists.clear()
                _site_nav_lists[key] = written
        return written


@register.tag
def site_nav_list(parser, token):
    """{% site_nav_list %}: the site navigation's <ul> for `site_nav`, kept per items (#19)."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% site_nav_list %} takes no arguments")
    return SiteNavListNode()


# A side navigation's links as dicts of label, url, link_class and aria_current (a person's
# record's parts, people/frame.py nav_link): {% side_nav_links links %} writes each
# `<li>` as `_side_nav_links_template.html` drew it, `{{ }}` escaping included (plain text
# escaped by html.escape, as Django's escape; anything else printed as `{{ }}` prints it),
# without the template engine's work per link (#19; ui/tests/test_side_nav_links.py
# compares the two byte for byte).

SIDE_NAV_LINKS_TEMPLATE = "ui/components/_side_nav_links_template.html"
_LINK_FIELDS = ("link_class", "url", "aria_current", "label")


class SideNavLinksNode(template.Node):
    def __init__(self, links: template.base.FilterExpression):
        self.links = links

    def render(self, context):
        links = self.links.resolve(context)
        if context.autoescape and links.__class__ in (list, tuple):
            written = _side_nav_links_written(links)
            if written is not None:
                return written
        found = context.template.engine.get_template(SIDE_NAV_LINKS_TEMPLATE)
        with context.push(links=links):
            return found.render(context).removesuffix("\n")


def side_nav_links_html(links) -> str | None:
    """What {% side_nav_links links %} writes with autoescape on, or None when a link is
    not a dict of plain text (the tag's template draws those)."""
    return _side_nav_links_written(links) if links.__class__ in (list, tuple) else None


def _side_nav_links_written(links) -> str | None:
    escape = html.escape
    parts = []
    for link in links:
        if link.__class__ is not dict:
            return None
        values = [link.get(name) for name in _LINK_FIELDS]  # a missing one: the template
        if any(value.__class__ is not str for value in values):
            return None
        link_class, url, aria_current, label = map(escape, values)
        current = f' aria-current="{aria_current}"' if aria_current else ""
        parts.append(
            f'<li class="ds_side-navigation__item"><a class="{link_class}" href="{url}"'
            f"{current}>{label}</a></li>\n    "
        )
    return "".join(parts)


@register.tag
def side_nav_links(parser, token):
    """{% side_nav_links links %}: a side navigation's `<li>` links, written in Python (#19)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% side_nav_links %} takes one argument: the links")
    return SideNavLinksNode(parser.compile_filter(bits[1]))
