"""{% load directory_tags %}

{% select_action select_url_name select_kwargs as action %}
    the URL a "Use this" button posts to: reverse(select_url_name, kwargs=select_kwargs)
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def select_action(url_name: str, kwargs=None) -> str:
    if not url_name:
        return ""
    try:
        return reverse(url_name, kwargs=dict(kwargs or {}))
    except NoReverseMatch:
        return ""
