"""Request ids in log lines (OPS-8).

`RequestIdFilter` gives every log record a `request_id`: the id of the request being
handled (set by core.middleware.RequestIdMiddleware), or "-" outside a request. Django's
own "Internal Server Error" record carries the request too, which is used when present.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True
