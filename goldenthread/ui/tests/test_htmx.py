"""htmx acts only on what the server rendered for it (#11): the configuration in the base
layout, the per-session token, and the marks on the templates' and widgets' htmx elements."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from goldenthread.ui import htmx

from .helpers import make_request, parse, render_string

PAGE = """{% extends "ui/base.html" %}{% load ui %}
{% block content %}<form hx-post="/save" {% htmx_allowed %}></form>{% endblock %}"""


def test_base_layout_configures_htmx_to_ignore_what_it_did_not_render():
    doc = parse(render_string(PAGE, request=make_request()))
    config = json.loads(doc.find("meta", name="htmx-config").attrs["content"])
    token = doc.find("meta", name="gt-htmx-token").attrs["content"]
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["historyCacheSize"] == 0 and config["refreshOnHistoryMiss"] is True
    assert config["selfRequestsOnly"] is True and config["withCredentials"] is False
    assert config["ignoreTitle"] is True and config["allowNestedOobSwaps"] is False
    selectors = [s.strip() for s in config["disableSelector"].split(",")]
    assert "[hx-disable]" in selectors
    for name in ("hx-get", "hx-post", "hx-trigger", "data-hx-post", "hx-boost"):
        assert f"[{name}]:not([data-gt-htmx='{token}'])" in selectors
    # The template's own element carries the page's token.
    assert doc.find("form").attrs["data-gt-htmx"] == token


def test_without_a_session_each_response_has_its_own_token():
    first = parse(render_string(PAGE, request=make_request()))
    second = parse(render_string(PAGE, request=make_request()))
    assert (
        first.find("meta", name="gt-htmx-token").attrs["content"]
        != second.find("meta", name="gt-htmx-token").attrs["content"]
    )


def _token(client) -> str:
    page = client.get(reverse("people:caseload")).content.decode()
    return re.search(r'<meta name="gt-htmx-token" content="([0-9a-f]+)">', page).group(1)


@pytest.mark.django_db
def test_token_is_steady_in_a_session_and_differs_between_sessions(
    client, practitioner, other_practitioner
):
    from django.test import Client

    from conftest import sign_in

    sign_in(client, practitioner)
    first = _token(client)
    assert _token(client) == first  # so htmx partials carry the page's token
    other = sign_in(Client(), other_practitioner)
    assert _token(other) != first


@pytest.mark.django_db
def test_a_widget_given_htmx_attributes_in_python_carries_the_token(
    practitioner_client, full_record
):
    """The outcome form's statement asks the live checker (hx-post set in forms.py)."""
    token = _token(practitioner_client)
    url = reverse("outcomes:edit", args=[full_record["person_id"], full_record["outcome_id"]])
    doc = parse(practitioner_client.get(url).content.decode())
    statement = doc.find("textarea", name="statement")
    assert statement.attrs["hx-post"] == reverse("outcomes:live_check")
    assert statement.attrs["data-gt-htmx"] == token
    autosave = doc.find("form", hx_post=url)
    assert autosave.attrs["data-gt-htmx"] == token


def test_no_request_no_token():
    assert htmx.current_token() == ""


def test_app_js_refuses_requests_from_unmarked_elements():
    """The second lock, in the browser: app.js cancels a request whose element lacks the
    page's token, or that goes elsewhere, or uses a method other than GET and POST."""
    source = (Path(htmx.__file__).parent / "static" / "ui" / "js" / "app.js").read_text()
    assert 'addEventListener("htmx:validateUrl"' in source
    assert 'addEventListener("htmx:beforeRequest"' in source
    assert "meta[name='gt-htmx-token']" in source
