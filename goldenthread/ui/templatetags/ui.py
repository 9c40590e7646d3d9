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
  {% can Permission.RECORD_SDS as can_record %}  whether the signed-in user may (accounts
                                              permissions; an unknown name raises)
  {% htmx_config %}                           the htmx configuration (base layout's <meta>)
  {% htmx_token %}                            the token this page's htmx elements carry
  <form hx-post="..." {% htmx_allowed %}>     mark an element the server rendered for htmx
"""

from __future__ import annotations

import json

from django import template
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    stays ("CHI number")."""
    text = str(value)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


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
