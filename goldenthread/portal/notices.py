"""Telling the person and their proxies that something happened on their record (#12,
#13 ACC-3): a budget decided, a request returned for more information, a challenge
answered, a correction answered. The words are plain and name no one; the link leads to
their own record, which checks access as every page does. A proxy hears only about the
parts of the record the person shares with them, in words of their own (`to_proxy`:
"someone you act for", never "your budget", which would be the proxy's own)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from goldenthread.accounts.notifications import notify

from .models import LinkKind, RecordLink


def tell(person_id: Any, *, section: str, kind: str, text: str, to_proxy: str = "") -> None:
    links = [
        link
        for link in RecordLink.objects.current().filter(person_id=person_id).select_related("user")
        if link.shows(section)
    ]
    url = reverse("portal:record", args=[person_id]) + f"#{section}"
    notify(
        [link.user for link in links if link.kind != LinkKind.PROXY], kind=kind, text=text, url=url
    )
    notify(
        [link.user for link in links if link.kind == LinkKind.PROXY],
        kind=kind,
        text=to_proxy or text,
        url=url,
    )
