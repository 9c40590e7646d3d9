"""A concurrency budget for expensive requests (OPS-6, R28).

GOLDENTHREAD_CONCURRENCY_BUDGETS maps a URL name ("support:plan_pdf") to how many such
requests one server process works on at once. One more gets an immediate 429 page with
Retry-After, never a queue that ends in a timeout; the person tries again in a few seconds.
The count is per process (gunicorn workers × budget across a server), kept in memory, so
it costs no query and survives a database that is struggling.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from goldenthread.core.problems import is_api_request, problem

RETRY_AFTER_SECONDS = 10

_lock = threading.Lock()
_semaphores: dict[str, threading.BoundedSemaphore] = {}


def _semaphore(name: str, limit: int) -> threading.BoundedSemaphore:
    with _lock:
        semaphore = _semaphores.get(name)
        if semaphore is None:
            semaphore = _semaphores[name] = threading.BoundedSemaphore(limit)
        return semaphore


def reset() -> None:
    """Forget the semaphores (after the settings change, in tests)."""
    with _lock:
        _semaphores.clear()


def too_busy(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        response = problem(
            request,
            429,
            "This takes a lot of work and many are running. Try again shortly.",
            type_slug="too-busy",
        )
    else:
        response = HttpResponse(
            render_to_string("operations/too_busy.html", request=request), status=429
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ConcurrencyBudgetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            held = getattr(request, "_budget_held", None)
            if held is not None:
                held.release()
                request._budget_held = None  # type: ignore[attr-defined]

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        budgets: dict[str, int] = getattr(settings, "GOLDENTHREAD_CONCURRENCY_BUDGETS", {})
        if match is None or match.view_name not in budgets:
            return None
        semaphore = _semaphore(match.view_name, budgets[match.view_name])
        if not semaphore.acquire(blocking=False):
            return too_busy(request)
        request._budget_held = semaphore  # type: ignore[attr-defined]
        return None
