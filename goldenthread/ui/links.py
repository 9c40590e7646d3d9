"""Row links for long lists, and the navigation's addresses: each URL pattern is reversed
once per process (#19).

A list of 25 people would otherwise call `reverse()` 25 times for the same pattern;
`id_url("people:detail")` reverses it once with a placeholder id, keeps the text before
and after it, and returns a function that puts each row's id in between. The cache is
keyed on the URL configuration and script prefix in force, so a test that overrides
ROOT_URLCONF, or a site served under a prefix, gets its own addresses.

Only for patterns whose arguments are UUIDs (`<uuid:...>`): each id is written as a
UUID's canonical text, so nothing in it needs quoting. A pattern of two ids (a person's
review, say) takes `id_url(name, ids=2)` and is called with both.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = uuid.UUID("0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f")
_PLACEHOLDERS = (_PLACEHOLDER, uuid.UUID("1e1e1e1e-1e1e-4e1e-8e1e-1e1e1e1e1e1e"))


@functools.lru_cache(maxsize=512)
def _parts(name: str, urlconf: str, prefix: str, ids: int = 1) -> tuple[str, ...]:
    """The text around each id: `ids + 1` pieces, the ids in order between them."""
    url = reverse(name, args=list(_PLACEHOLDERS[:ids]), urlconf=urlconf)
    pieces = []
    for placeholder in _PLACEHOLDERS[:ids]:
        head, found, url = url.partition(str(placeholder))
        if not found:
            raise ValueError(f"{name} does not take {ids} UUID argument{'s' if ids > 1 else ''}")
        pieces.append(head)
    pieces.append(url)
    return tuple(pieces)


@functools.lru_cache(maxsize=256)
def _address(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def fixed_url(name: str) -> str:
    """The address of a pattern that takes no arguments (the navigation's), reversed once
    per process for each URL configuration and script prefix (#19)."""
    return _address(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _optional_address(name: str, urlconf: str, prefix: str) -> str:
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return ""


def optional_fixed_url(name: str) -> str:
    """As `fixed_url`, but "" when the pattern is not installed: what `{% url name as x %}`
    gives, without a reverse() on every page (the layout's sign-in, sign-out, footer and
    account links, #19)."""
    return _optional_address(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _static(path: str, prefix: str) -> str:
    return static(path)


def static_url(path: str) -> str:
    """`{% static path %}` worked out once per process for each path and script prefix: the
    layout's stylesheets, scripts and icons (#19). The storage's answer for a path does not
    change while a process runs (the manifest is read at start); a settings change in a test
    forgets them (below)."""
    return _static(path, get_script_prefix())


# The settings a cached address depends on. The caches are keyed on the URL configuration
# in force and the script prefix, but a storage (its manifest under STATIC_ROOT) can change
# under them (override_settings in a test): any of these changing forgets the addresses, as
# Django forgets its own storage and URL caches for them. The row links (_parts) need no
# forgetting: keyed on the URL configuration, each one's are kept apart.
_ADDRESS_SETTINGS = frozenset(
    {
        "STATIC_URL",
        "STATIC_ROOT",  # where a manifest storage reads its hashed names
        "STORAGES",
        "STATICFILES_STORAGE",
        "ROOT_URLCONF",
        "FORCE_SCRIPT_NAME",
    }
)


@receiver(setting_changed)
def _forget_addresses(*, setting: str, **kwargs: object) -> None:
    if setting in _ADDRESS_SETTINGS:
        _static.cache_clear()
        _optional_address.cache_clear()
        _address.cache_clear()


def _uuid_text(pk: uuid.UUID | str) -> str:
    return str(pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk)))


# A UUID (or its text) as the canonical text an address holds: nothing in it needs quoting.
uuid_text = _uuid_text


def url_pieces(name: str, *, place: tuple[str, str]) -> tuple[str, str]:
    """The text of `name`'s address before and after its one id (reversed once per process
    for each URL configuration and script prefix, as `id_url`'s): for a caller that writes
    the address into a larger text itself (the record's side navigation, #19)."""
    head, tail = _parts(name, *place)
    return head, tail


def url_place() -> tuple[str, str]:
    """The URL configuration and script prefix in force (each a read of a context-local
    value, with its lock): read once where a page makes several `id_url`s (#19)."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


@functools.lru_cache(maxsize=512)
def _url_function(name: str, urlconf: str, prefix: str, ids: int) -> Callable[..., str]:
    pieces = _parts(name, urlconf, prefix, ids)
    if ids == 1:
        head, tail = pieces

        def url(pk: uuid.UUID | str) -> str:
            return f"{head}{_uuid_text(pk)}{tail}"

        return url
    head, middle, tail = pieces

    def url2(first: uuid.UUID | str, second: uuid.UUID | str) -> str:
        return f"{head}{_uuid_text(first)}{middle}{_uuid_text(second)}{tail}"

    return url2


def id_url(name: str, *, ids: int = 1, place: tuple[str, str] | None = None) -> Callable[..., str]:
    """A function from an id (or `ids` ids, in the pattern's order) to the address of
    `name` for them; reverse() called once per process, the function made once per process
    for each URL configuration and script prefix. `place`: `url_place()`'s answer, when the
    caller makes several."""
    if ids not in (1, 2):
        raise ValueError("id_url takes patterns of one or two ids")
    urlconf, prefix = place or url_place()
    return _url_function(name, urlconf, prefix, ids)
