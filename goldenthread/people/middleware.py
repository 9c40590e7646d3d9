"""Drafts are forgotten once their words are saved (#16): after a form on a person's record
is saved (the page answers with a redirect, as every form page does after a save), the
author's drafts of the boxes it carried, with the same words, are removed."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SAVED = {301, 302, 303}


class DraftsClearedOnSaveMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method != "POST" or not request.path.startswith("/people/"):
            return response
        saved = response.status_code in SAVED or (
            response.status_code == 200 and "HX-Redirect" in response.headers
        )
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if (
            not saved
            or match is None
            or "person_id" not in match.kwargs
            or match.view_name == "people:drafts"
            or user is None
            or not user.is_authenticated
        ):
            return response
        posted = {
            name: values for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"
        }
        if posted:
            from . import services

            services.draft_clear_saved(
                user=user, person_id=match.kwargs["person_id"], action=request.path, posted=posted
            )
        return response
