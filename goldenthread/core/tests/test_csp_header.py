"""The Content-Security-Policy header built once per process (#19) is django-csp's own: the
same header for every kind of response our middleware answers itself, and django-csp's work
for the rest (a nonce, a decorator's change)."""

from __future__ import annotations

import csp.middleware
import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.exceptions import CSPNonceError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from goldenthread.core.middleware import CSPMiddleware

REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"}}


def _answer(middleware_class, path="/page/", *, prepare=None, use_nonce=False, status=200):
    """The response `middleware_class` gives for one request, and that request."""
    request = RequestFactory().get(path)

    def view(request):
        if use_nonce:
            str(request.csp_nonce)
        response = HttpResponse("page", status=status)
        if prepare:
            prepare(response)
        return response

    middleware = middleware_class(view)
    return middleware(request), request


def _directives(response, header=HEADER) -> list[str] | None:
    """The policy's directives, in a stable order (django-csp's own order follows a set's)."""
    value = response.get(header)
    return None if value is None else sorted(value.split("; "))


CASES = {
    "plain page": {},
    "not found": {"status": 404},
    "exempt": {"prepare": lambda r: setattr(r, "_csp_exempt", True)},
    "header already set": {
        "prepare": lambda r: r.__setitem__(HEADER, "default-src 'none'; sandbox")
    },
    "a decorator's update": {
        "prepare": lambda r: setattr(r, "_csp_update", {"img-src": ["https://example.org"]})
    },
    "a decorator's replacement": {
        "prepare": lambda r: setattr(r, "_csp_replace", {"script-src": ["'none'"]})
    },
    "nonce used": {"use_nonce": True},
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY},
        {"DEBUG": True},
    ],
    ids=["settings", "with report-only", "debug"],
)
def test_the_same_headers_as_django_csp(case, extra):
    with override_settings(**extra):
        ours, _ = _answer(CSPMiddleware, **CASES[case])
        theirs, _ = _answer(csp.middleware.CSPMiddleware, **CASES[case])
    for header in (HEADER, HEADER_REPORT_ONLY):
        assert _directives(ours, header) == _directives(theirs, header), header
    if case == "plain page":
        assert "default-src 'self'" in ours[HEADER]
        assert (HEADER_REPORT_ONLY in ours) == bool(
            extra.get("CONTENT_SECURITY_POLICY_REPORT_ONLY")
        )


def test_a_changed_setting_is_seen_and_excluded_paths_have_no_header():
    ours, _ = _answer(CSPMiddleware)
    assert "object-src 'none'" in ours[HEADER]
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/open/"]}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        changed, _ = _answer(CSPMiddleware)
        excluded, _ = _answer(CSPMiddleware, "/open/page/")
    assert changed[HEADER] == "default-src 'none'"
    assert HEADER not in excluded
    again, _ = _answer(CSPMiddleware)
    assert again[HEADER] == ours[HEADER]


def test_a_policy_with_a_nonce_gets_each_request_its_own():
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        first, request = _answer(CSPMiddleware, use_nonce=True)
        second, _ = _answer(CSPMiddleware, use_nonce=True)
        unused, _ = _answer(CSPMiddleware)
    assert f"'nonce-{request.csp_nonce}'" in first[HEADER]
    assert first[HEADER] != second[HEADER]
    assert _directives(unused) == ["default-src 'self'", "script-src 'self'"]


def test_the_nonce_cannot_be_asked_for_after_the_header_is_written():
    _, request = _answer(CSPMiddleware)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
