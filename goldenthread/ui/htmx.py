"""htmx acts only on what the server rendered for it (#11).

Every element that asks htmx to make a request carries `data-gt-htmx="<token>"`, and the
base layout's htmx configuration "disables" any element with a request attribute that
lacks it (htmx's `disableSelector`); app.js refuses a request from an unmarked element as
well. Stored text is always escaped, so it cannot carry markup; if a bug ever let markup
through, the hx- attributes in it would still be ignored, because the token is not in
the stored text and cannot be guessed.

The token is derived from the session key (so an htmx partial rendered later in the
session carries the page's token) and is random for a request without a session.

Templates mark their elements with `{% htmx_allowed %}` (ui template tags); form widgets
given hx- attributes in Python are marked by the form renderer, which finds the current
request through `HtmxTokenMiddleware`.
"""

from __future__ import annotations

import contextvars
import secrets

from django.utils.crypto import salted_hmac

MARK_ATTRIBUTE = "data-gt-htmx"
# Attributes that make htmx issue a request or change how it processes elements.
ACTIVE_ATTRIBUTES = (
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "hx-trigger",
    "hx-boost",
    "hx-ext",
)
REQUEST_ATTRIBUTES = frozenset(
    prefix + name for name in ACTIVE_ATTRIBUTES for prefix in ("", "data-")
)

_current_request: contextvars.ContextVar = contextvars.ContextVar("gt_htmx_request", default=None)


def token_for(request, holder=None) -> str:
    """The token for htmx elements in this response (the same for the whole session).
    Without a request (a template rendered on its own) it is kept on `holder`."""
    keeper = request if request is not None else holder
    token = getattr(keeper, "_gt_htmx_token", None)
    if token:
        return token
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None) if session is not None else None
    if session_key:
        token = salted_hmac("goldenthread.ui.htmx", session_key).hexdigest()[:32]
    else:
        token = secrets.token_hex(16)
    if keeper is not None:
        keeper._gt_htmx_token = token
    return token


def current_token() -> str:
    """The token of the request being answered ("" outside a request)."""
    request = _current_request.get()
    return token_for(request) if request is not None else ""


def config_for(token: str) -> dict:
    """htmx settings: no eval, no scripts from responses, no copies of pages kept in the
    browser's storage (a miss reloads the page), requests to this site only, titles and
    nested out-of-band swaps in responses ignored, and every element with a request
    attribute but without this page's token ignored."""
    unmarked = [
        f"[{name}]:not([{MARK_ATTRIBUTE}='{token}'])" for name in sorted(REQUEST_ATTRIBUTES)
    ]
    return {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
        "historyCacheSize": 0,
        "refreshOnHistoryMiss": True,
        "selfRequestsOnly": True,
        "withCredentials": False,
        "ignoreTitle": True,
        "allowNestedOobSwaps": False,
        "disableSelector": ", ".join(["[hx-disable]", "[data-hx-disable]", *unmarked]),
    }


class HtmxTokenMiddleware:
    """Makes the current request known to the form renderer (for widgets' htmx tokens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Django renders a TemplateResponse before it comes back out through here.
        reset = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(reset)
