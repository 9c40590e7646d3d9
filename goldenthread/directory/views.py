"""Community directory pages for staff who do casework (SS-4): thin views over
selectors.search_resources and the presenters."""

from __future__ import annotations

from django.http import Http404
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from goldenthread.core.permissions import Permission
from goldenthread.people.models import Person
from goldenthread.ui.views import PermissionRequiredMixin

from . import presenters, selectors
from .forms import DirectorySearchForm

# Practitioners and team leaders: the people who plan support with a person.
DIRECTORY_PERMISSION = Permission.VIEW_CASELOAD
DIRECTORY_REFUSED = "The community directory is for staff who plan support."


# Where a "Use this" button on the directory page may post: the Support Sequence's "add
# this resource as a solution" action (support/urls.py). Anything else is ignored (#11: a
# crafted link once pointed every button at "remove this solution").
SELECT_TARGETS = frozenset({"support:step_directory"})


def _safe_select_url(request) -> str:
    """The optional `select` parameter, when it names a known target: the step-directory
    address of a person the user may see. Otherwise "" (no "Use this" button). The target
    itself checks the outcome and step again when the button is used."""
    value = request.GET.get("select", "")
    if (
        not value
        or not value.startswith("/")
        or value.startswith("//")
        or not url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return ""
    try:
        match = resolve(value.split("?")[0].split("#")[0])
    except Resolver404:
        return ""
    person_id = match.kwargs.get("person_id")
    if match.view_name not in SELECT_TARGETS or person_id is None:
        return ""
    if not Person.objects.visible_to(request.user).filter(pk=person_id).exists():
        return ""
    return reverse(match.view_name, kwargs=match.kwargs)


class DirectorySearchView(PermissionRequiredMixin, TemplateView):
    """/directory/ and /directory/search/: the search page; with htmx, just the results."""

    template_name = "directory/search.html"
    permission = DIRECTORY_PERMISSION
    permission_denied_message = DIRECTORY_REFUSED

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["directory/_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DirectorySearchForm(self.request.GET or None)
        query, place = form.search_terms() if form.is_bound else ("", "")
        context.update(
            presenters.results_context(query, place, select_url=_safe_select_url(self.request))
        )
        context["form"] = form
        context["htmx_status"] = bool(getattr(self.request, "htmx", False))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


class ResourceDetailView(PermissionRequiredMixin, TemplateView):
    template_name = "directory/resource_detail.html"
    permission = DIRECTORY_PERMISSION
    permission_denied_message = DIRECTORY_REFUSED

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resource = selectors.resource_detail(self.kwargs["resource_id"])
        if resource is None:
            raise Http404("No such community resource.")
        context.update(
            resource=resource,
            website=presenters.safe_url(resource),
            rows=presenters.detail_rows(resource),
            locations=presenters.location_rows(resource),
            status_tag=presenters.status_tag(resource),
            provenance=presenters.provenance(resource),
        )
        back = self.request.GET.get("back", "")
        context["back_url"] = (
            back
            if back.startswith("/directory/")
            and url_has_allowed_host_and_scheme(back, allowed_hosts={self.request.get_host()})
            else ""
        )
        return context
