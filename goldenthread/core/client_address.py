"""The address of the person's own machine, for sign-in throttling, the access log and the
invitation throttle: one rule everywhere (SEC-2, SEC-3).

Behind reverse proxies, REMOTE_ADDR is the nearest proxy's address, and every sign-in would
share it: 30 failures from anyone would lock everyone out. `GOLDENTHREAD_PROXY_COUNT` says
how many proxies of ours stand in front of the service, each adding the address it saw to
the end of X-Forwarded-For. The client's address is then the one our outermost proxy saw:
the entry that many places from the right. Whatever the client wrote into the header
itself stands to the left of it and is never believed. With no proxies (the default), or a
header shorter than promised, or an entry that is not an IP address, REMOTE_ADDR is used.

(django-ipware, which django-axes can use, was tried: with a proxy count it returns no
address at all when the header holds more or fewer entries than expected, and axes would
then count every such sign-in under one empty address.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "GOLDENTHREAD_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    entries = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(entries) < proxies:
        return remote
    candidate = entries[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
