"""Display wording for community resources: used by the pages and the results partial."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from goldenthread.core.formatting import date_text

from . import selectors
from .models import CommunityResource, ResourceStatus
from .text import phone_digits

RESULTS_LIMIT = 20

SUMMARY_LENGTH = 220


def summary(resource: CommunityResource, length: int = SUMMARY_LENGTH) -> str:
    """The start of the description, cut at a word, on one line."""
    text = " ".join((resource.description or "").split())
    if not text:
        return "No description given."
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return f"{cut}…"


def town(resource: CommunityResource) -> str:
    """Where it is, in a few words: the first location's town (or postcode)."""
    for location in resource.locations.all():
        if location.town or location.postcode:
            return ", ".join(p for p in (location.town, location.postcode_district) if p)
    return ""


def cost(resource: CommunityResource, *, unknown: str = "Not known") -> str:
    if resource.is_free:
        return "Free"
    fees = " ".join((resource.fees or "").split())
    if fees:
        return fees if len(fees) <= 80 else fees[:80].rsplit(" ", 1)[0] + "…"
    if resource.is_free is False:
        return "There is a charge"
    return unknown


def safe_url(resource: CommunityResource) -> str:
    """The website, only if it is an http(s) address (never javascript: or the like)."""
    url = (resource.url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def status_tag(resource: CommunityResource) -> dict | None:
    """A tag for anything not running as normal."""
    if resource.status == ResourceStatus.ACTIVE:
        return None
    colour = "orange" if resource.status == ResourceStatus.TEMPORARILY_CLOSED else "grey"
    return {"text": resource.get_status_display(), "colour": colour}


def result_card(resource: CommunityResource) -> dict:
    """What one search result shows."""
    return {
        "id": resource.pk,
        "name": resource.name,
        "organisation": resource.organisation.name if resource.organisation else "",
        "summary": summary(resource),
        "town": town(resource),
        "cost": cost(resource, unknown="Cost not known"),
        "url": safe_url(resource),
        "status_tag": status_tag(resource),
        "categories": [c["name"] for c in (resource.categories or [])][:6],
        "matches_all_words": getattr(resource, "matches_all_words", True),
    }


def result_cards(resources) -> list[dict]:
    """Cards for the results partial; the first result that matches only some of the
    words is marked `first_partial`, so the partial can say where those begin."""
    cards = [result_card(r) for r in resources]
    for card in cards:
        if not card["matches_all_words"]:
            card["first_partial"] = True
            break
    return cards


def _age_text(resource: CommunityResource) -> str:
    low, high = resource.minimum_age, resource.maximum_age
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"{low} and over"
    if high is not None:
        return f"Up to {high}"
    return ""


def detail_rows(resource: CommunityResource) -> list[dict]:
    """Summary-list rows for the resource page; feed text is escaped by the template."""
    rows = []

    def add(key: str, value) -> None:
        if value:
            rows.append({"key": key, "value": value})

    add("Run by", resource.organisation.name if resource.organisation else "")
    add("Cost", cost(resource))
    add("Who it is for", resource.eligibility)
    add("Groups it is for", [c.get("path") or c["name"] for c in resource.categories or []])
    add("Ages", _age_text(resource))
    add("How to attend", ", ".join(resource.attending or []))
    add("Area covered", resource.service_area)
    add("Phone", phone_link(resource.phone))
    add("Email", resource.email)
    contacts = []
    for contact in resource.contacts or []:
        # Each part escaped by format_html_join; a phone is a link only when phone_link
        # makes it one (a number stored before the check stays text).
        parts = [p for p in (contact.get("name"), contact.get("title"), contact.get("email")) if p]
        parts += [phone_link(number) for number in contact.get("phones", []) if number]
        if parts:
            contacts.append(format_html_join(", ", "{}", ((part,) for part in parts)))
    add("Contacts", contacts)
    add("Status", resource.get_status_display())
    return rows


def phone_link(number: str) -> SafeString | str:
    """A telephone number to tap and dial (`tel:` with its digits only, and the number as
    the feed wrote it, escaped) when it is a plausible number; anything else stays text,
    never a link (numbers imported before they were checked may be anything)."""
    digits = phone_digits(number) if number else ""
    if not digits:
        return number
    return format_html('<a href="tel:{}">{}</a>', digits, number)


def location_rows(resource: CommunityResource) -> list[dict]:
    places = []
    for location in resource.locations.all():
        lines = [location.name, *location.address.split("\n"), location.town, location.postcode]
        places.append(
            {
                "lines": [line for line in lines if line],
                "description": location.description,
                "map_url": (
                    f"https://www.openstreetmap.org/?mlat={location.latitude:.6f}"
                    f"&mlon={location.longitude:.6f}#map=17/{location.latitude:.6f}/"
                    f"{location.longitude:.6f}"
                    if location.latitude is not None and location.longitude is not None
                    else ""
                ),
            }
        )
    return places


def provenance(resource: CommunityResource) -> str:
    updated = (
        f", last changed in the feed on {date_text(resource.last_updated)}"
        if resource.last_updated
        else ""
    )
    return (
        f"From the {resource.source} directory feed (id {resource.source_id}){updated}. "
        f"Imported on {date_text(resource.imported_at)}."
    )


def results_context(
    query: str,
    place: str = "",
    *,
    limit: int = RESULTS_LIMIT,
    select_url: str = "",
    select_url_name: str = "",
    select_kwargs: dict | None = None,
) -> dict:
    """Context for directory/_results.html: search, then present each result.

    For a "Use this" button on each result give either `select_url` (a path) or
    `select_url_name` + `select_kwargs`; the button POSTs `resource_id` there."""
    resources = (
        selectors.search_resources(query, place=place, limit=limit) if (query or place) else []
    )
    return {
        "results": result_cards(resources),
        "query": query,
        "place": place,
        # Anything typed is a search, and is told so: a search of only signs or an emoji
        # ("(((", "🙂") has no words to match, and read as no search at all (#20 probe).
        "searched": bool((query or "").strip() or (place or "").strip()),
        "limit": limit,
        "select_url": select_url,
        "select_url_name": select_url_name,
        "select_kwargs": select_kwargs or {},
    }
