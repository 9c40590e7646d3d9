"""/api/v1/: the JSON API (django-ninja), its OpenAPI document and the docs page.

Every answer under /api/ is JSON: a method a route does not take answers 405 and an
address that is no route answers 404, both as problem+json (never the site's HTML pages).
A route naming a person answers whether the caller may open the record (a refusal logged)
before it says the method is not taken, as the pages do; the 405 itself writes no access-log
row, as nothing of the record is read or changed (ADR 0002).
"""

from __future__ import annotations

import functools

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt

from .auth import api_auth, gated
from .errors import ApiProblem
from .main import api
from .problems import problem
from .views.docs import ApiDocsView


def _problem_for_not_allowed(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",")))
            answer = problem(
                request, 405, f"This address takes {allowed}.", headers={"Allow": allowed}
            )
            if "person_id" in kwargs:
                # As on the pages: whether you may open the record is answered (a refusal
                # logged) before whether the address takes this method, and the 405 itself
                # writes no row: nothing of the record is read or changed (ADR 0002).
                gated(request).gt_method_not_taken = True
                try:
                    api_auth(request)
                except ApiProblem as exc:
                    answer = problem(
                        request, exc.status, exc.detail, headers=exc.headers, **exc.extra
                    )
            return answer
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
    found, _app_name, _namespace = api.urls
    # django-ninja makes one pattern per operation; the operations of an address share one
    # view, which chooses by method. One pattern per address is enough (and each address
    # then has one name, the one the access log gives as `what`).
    patterns, routes = [], set()
    for pattern in found:
        if isinstance(pattern, URLPattern):
            if str(pattern.pattern) in routes:
                continue
            routes.add(str(pattern.pattern))
            pattern.callback = _problem_for_not_allowed(pattern.callback)
        patterns.append(pattern)
    return [
        *patterns,
        path("docs/", ApiDocsView.as_view(), name="docs"),
        re_path(r"^.*$", not_found),
    ]


app_name = "api"
urlpatterns = _patterns()
