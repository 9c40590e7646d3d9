"""The narrow seam between the Support Sequence and the community directory (SS-3, SS-4).

Everything support knows about the directory is here:
- `results_context(query, place, select_url=...)` — the context for the directory's own
  results partial `directory/_results.html`, whose "Use this" button on each result
  POSTs `resource_id` to `select_url` (support's step-directory URL);
- `search(query, place)` — `directory.selectors.search_resources`, ranked resources;
- `resource_for_solution(id)` — a resource that may be linked to a solution, with the
  words a new solution starts from (what: the resource's name; who: its organisation);
- `Solution.community_resource` — a nullable foreign key to `directory.CommunityResource`
  (SET_NULL: if a feed drops a resource, the solution keeps its own words).
"""

from __future__ import annotations

from typing import Any

from goldenthread.directory import presenters as directory_presenters
from goldenthread.directory.models import SEARCHABLE_STATUSES, CommunityResource
from goldenthread.directory.selectors import search_resources

RESULTS_LIMIT = 10


def results_context(query: str, place: str, *, select_url: str) -> dict:
    """Search the directory and present the results with the directory's own presenters,
    for `directory/_results.html`."""
    return directory_presenters.results_context(query, place, limit=RESULTS_LIMIT,
                                                select_url=select_url)


def search(query: str, place: str = "", *, limit: int = RESULTS_LIMIT) -> list[CommunityResource]:
    """Community resources matching the words and place, best first."""
    if not (query or "").strip() and not (place or "").strip():
        return []
    return list(search_resources(query, place=place, limit=limit))


def resource_for_solution(resource_id: Any) -> tuple[CommunityResource, str, str]:
    """The resource (running or closed for now) and a solution's `what` and `who`.
    Raises CommunityResource.DoesNotExist (or ValidationError for a malformed id)."""
    resource = (
        CommunityResource.objects.select_related("organisation")
        .filter(status__in=SEARCHABLE_STATUSES)
        .get(pk=resource_id)
    )
    who = resource.organisation.name if resource.organisation is not None else ""
    return resource, resource.name[:300], who[:200]
