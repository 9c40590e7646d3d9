"""Telling the person and their proxies that something happened on their record (#12,
#13 ACC-3): a budget decided, a request returned for more information, a challenge
answered, a correction answered. The words are plain and name no one; the link leads to
their own record, which checks access as every page does. A proxy hears only about the
parts of the record the person shares with them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from goldenthread.accounts.notifications import notify

from .models import RecordLink


def tell(person_id: Any, *, section: str, kind: str, text: str) -> None:
    links = [
        link
        for link in RecordLink.objects.current().filter(person_id=person_id).select_related("user")
        if link.shows(section)
    ]
    notify(
        [link.user for link in links],
        kind=kind,
        text=text,
        url=reverse("portal:record", args=[person_id]) + f"#{section}",
    )
