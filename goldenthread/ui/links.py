"""Row links for long lists, and the navigation's addresses: each URL pattern is reversed
once per process (#19).

A list of 25 people would otherwise call `reverse()` 25 times for the same pattern;
`id_url("people:detail")` reverses it once with a placeholder id, keeps the text before
and after it, and returns a function that puts each row's id in between. The cache is
keyed on the URL configuration and script prefix in force, so a test that overrides
ROOT_URLCONF, or a site served under a prefix, gets its own addresses.

Only for patterns whose one argument is a UUID (`<uuid:...>`): the id is written as a
UUID's canonical text, so nothing in it needs quoting.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = uuid.UUID("0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f")


@functools.lru_cache(maxsize=512)
def _parts(name: str, urlconf: str, prefix: str) -> tuple[str, str]:
    url = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf)
    head, found, tail = url.partition(str(_PLACEHOLDER))
    if not found:
        raise ValueError(f"{name} does not take one UUID argument")
    return head, tail


@functools.lru_cache(maxsize=256)
def _address(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def fixed_url(name: str) -> str:
    """The address of a pattern that takes no arguments (the navigation's), reversed once
    per process for each URL configuration and script prefix (#19)."""
    return _address(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def id_url(name: str) -> Callable[[uuid.UUID | str], str]:
    """A function from an id to the address of `name` for it; reverse() called once."""
    head, tail = _parts(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())

    def url(pk: uuid.UUID | str) -> str:
        return f"{head}{pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))}{tail}"

    return url
