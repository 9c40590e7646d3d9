"""/api/v1/: the JSON API (django-ninja), its OpenAPI document and the docs page.

Every answer under /api/ is JSON: a method a route does not take answers 405 and an
address that is no route answers 404, both as problem+json (never the site's HTML pages).
"""

from __future__ import annotations

import functools

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt

from .main import api
from .problems import problem
from .views.docs import ApiDocsView


def _problem_for_not_allowed(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            return problem(
                request, 405, f"This address takes {allowed}.", headers={"Allow": allowed}
            )
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


@csrf_exempt
def not_found(request, *args, **kwargs):
    return problem(
        request,
        404,
        "There is no such address in the API. The OpenAPI "
        "document (/api/v1/openapi.json) lists every route.",
    )


def _patterns():
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _problem_for_not_allowed(pattern.callback)
    return [
        *patterns,
        path("docs/", ApiDocsView.as_view(), name="docs"),
        re_path(r"^.*$", not_found),
    ]


app_name = "api"
urlpatterns = _patterns()
