"""The narrow seam between the Support Sequence and the community directory (SS-3, SS-4).

Everything support knows about the directory is here:
- `results_context(query, place, select_url=...)` — the context for the directory's own
  results partial `directory/_results.html`, whose "Use this" button on each result
  POSTs `resource_id` to `select_url` (support's step-directory URL);
- `search(query, place)` — `directory.selectors.search_resources`, ranked resources;
- `resource_for_solution(id)` — a resource that may be linked to a solution, with the
  words a new solution starts from (what: the resource's name; who: its organisation);
- `resource_cost(resource)` — the cost and how often, when the feed states one price
  (structured `cost_options`, or a `fees` text such as "£3.50 a session"); otherwise no
  cost and a note that says what the directory says, never a made-up "No cost";
- `Solution.community_resource` — a nullable foreign key to `directory.CommunityResource`
  (SET_NULL: if a feed drops a resource, the solution keeps its own words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from goldenthread.directory import presenters as directory_presenters
from goldenthread.directory.models import SEARCHABLE_STATUSES, CommunityResource
from goldenthread.directory.selectors import search_resources

RESULTS_LIMIT = 10


def results_context(query: str, place: str, *, select_url: str) -> dict:
    """Search the directory and present the results with the directory's own presenters,
    for `directory/_results.html`."""
    return directory_presenters.results_context(
        query, place, limit=RESULTS_LIMIT, select_url=select_url
    )


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


_PRICE = re.compile(r"£\s*(\d{1,6}(?:,\d{3})*(?:\.\d{1,2})?)(?!\d)")
_PERIOD_WORDS = (
    ("week", re.compile(r"^\W{0,3}(?:(?:a|per|each|every|/)\s*(?:week|wk)\b|weekly\b)", re.I)),
    ("month", re.compile(r"^\W{0,3}(?:(?:a|per|each|every|/)\s*month\b|monthly\b)", re.I)),
    (
        "year",
        re.compile(
            r"^\W{0,3}(?:(?:a|per|each|every|/)\s*(?:year|annum)\b|annual(?:ly)?\b|yearly\b)", re.I
        ),
    ),
    ("one_off", re.compile(r"^\W{0,3}(?:one[- ]off\b|to join\b|joining fee\b|once\b)", re.I)),
    (
        "session",
        re.compile(
            r"^\W{0,3}(?:(?:a|per|each|every|/)\s*(?:session|class|visit|meal|time|go|entry|"
            r"lesson|day|ticket|person|shop)\b|entrance\b|entry\b|on the door\b)",
            re.I,
        ),
    ),
)
_OPTION_PERIOD = {
    "week": "week",
    "weekly": "week",
    "month": "month",
    "monthly": "month",
    "year": "year",
    "annual": "year",
    "yearly": "year",
    "session": "session",
    "one-off": "one_off",
    "one off": "one_off",
}


@dataclass(frozen=True)
class ResourceCost:
    """What a solution taken from the directory records about cost."""

    cost: Decimal | None
    period: str
    note: str


def _period_after(text: str) -> str:
    for period, pattern in _PERIOD_WORDS:
        if pattern.search(text):
            return period
    return ""


def _from_options(options: list) -> ResourceCost | None:
    priced = [o for o in options if isinstance(o, dict) and o.get("amount") is not None]
    if len(priced) != 1:
        return None
    option = priced[0]
    try:
        amount = Decimal(str(option["amount"])).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    words = " ".join(str(option.get(k) or "") for k in ("option", "amount_description"))
    period = ""
    for word, value in _OPTION_PERIOD.items():
        if re.search(rf"\b{re.escape(word)}\b", words, re.I):
            period = value
            break
    period = period or _period_after(" " + words)
    if amount == 0 or not period:
        return None
    return ResourceCost(amount, period, "")


def _from_fees(fees: str) -> ResourceCost | None:
    found = [
        (m.group(1), _period_after(fees[m.end() : m.end() + 20])) for m in _PRICE.finditer(fees)
    ]
    if len({amount for amount, _ in found}) != 1 or not found[0][1]:
        return None
    amount = Decimal(found[0][0].replace(",", "")).quantize(Decimal("0.01"))
    return ResourceCost(amount, found[0][1], "") if amount > 0 else None


def resource_cost(resource: CommunityResource) -> ResourceCost:
    """The cost a solution taken from this resource starts with. One price with a clear
    period (from `cost_options`, else the `fees` text) is carried across; a free resource
    costs nothing; anything else keeps the directory's words in a note for the worker to
    settle, rather than recording "No cost"."""
    fees = " ".join((resource.fees or "").split())
    found = _from_options(resource.cost_options or []) or _from_fees(fees)
    if found is not None:
        return found
    if resource.is_free:
        return ResourceCost(None, "", "")
    if fees:
        return ResourceCost(None, "", f"The directory says it costs: {fees[:300]}")
    return ResourceCost(None, "", "The directory does not say what it costs.")
