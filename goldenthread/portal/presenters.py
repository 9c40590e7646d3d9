"""Words for the person's pages."""

from __future__ import annotations

from goldenthread.audit.models import AccessAction

# What a page of the record is, in everyday words, by its URL name's first part.
AREA_WORDS = {
    "people": "your details", "conversations": "your conversations",
    "outcomes": "your outcomes", "support": "your support plan",
    "sds": "your choices and budget", "risk": "risks talked about", "reviews": "your reviews",
    "audit": "the history of your record", "portal": "your own record pages",
    "portal_staff": "your comments and requests", "api": "your record (by a computer link)",
}

ACTION_WORDS = {
    AccessAction.VIEW: "Looked at", AccessAction.CHANGE: "Changed",
    AccessAction.CREATE: "Added to", AccessAction.EXPORT: "Downloaded or sent",
    AccessAction.DENIED: "Tried to open (refused)", AccessAction.LIST: "Saw your name in a list",
}


def page_words(what: str, action: str) -> str:
    area = (what or "").split(":", 1)[0]
    place = AREA_WORDS.get(area, "your record")
    verb = ACTION_WORDS.get(action, "Looked at")
    if action == AccessAction.LIST:
        return verb
    return f"{verb} {place}"
