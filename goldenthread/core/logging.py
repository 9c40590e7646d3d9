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


class RefusalWithoutTraceback(logging.Filter):
    """Django logs every 4xx answer it makes from an exception (a refusal: 403, 404) with
    the exception's traceback. A refusal is the service working, not failing: its line is
    kept (status, path, request id) and the traceback dropped, so that someone probing
    addresses cannot fill the log with stack frames (OPS-8). Errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info, record.exc_text = None, None
        return True


# --- Encoded text and JSON lines (OPS-8, R27) ------------------------------------------

_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x20), 0x7F)}
_CONTROL.update({0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"})
_CONTROL.update({c: f"\\u{c:04x}" for c in (*range(0x80, 0xA0), 0x2028, 0x2029)})


def encoded(text: str) -> str:
    """`text` with control characters written as escapes: a username or path with a
    newline or a terminal escape cannot forge a log line or recolour a terminal."""
    return str(text).translate(_CONTROL)


def _signed_in_username(request) -> str | None:
    # Only a user already loaded for this request: a log line never queries the database.
    user = getattr(request, "_cached_user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return None


current_request: ContextVar[object | None] = ContextVar("current_request", default=None)


class EncodedTextFilter(logging.Filter):
    """Writes the message with control characters escaped (the plain formatter's lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = encoded(record.getMessage())
        record.msg, record.args = message, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for production (settings/production.py).

    Fields: time (UTC), level, logger, request_id, user (the signed-in staff member's
    username, if loaded), message, and for errors the exception's type and where it was
    raised (file, line, function for each frame); for a database error, the database's
    error code (SQLSTATE, "54000": a value too large to store) and the driver's own error
    type, which say why with no data in them. The exception's own message and local values
    are never written: they may hold a person's name, CHI number or recorded text (a
    database's message can quote the value it refused). The reference id leads from a
    person's report to the stack; the stack leads to the code.
    """

    def format(self, record: logging.LogRecord) -> str:
        import json
        import traceback
        from datetime import UTC, datetime

        request = getattr(record, "request", None) or current_request.get()
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
            # Django's "Internal Server Error: /path" names the page, not its contents.
            "message": record.getMessage(),
        }
        username = _signed_in_username(request) if request is not None else None
        if username is not None:
            entry["user"] = username
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            entry["exception"] = {
                "type": f"{exc_type.__module__}.{exc_type.__qualname__}",
                "frames": [
                    f"{frame.filename}:{frame.lineno} in {frame.name}"
                    for frame in traceback.extract_tb(tb)
                ],
                **_database_error(_exc),
            }
        # json.dumps escapes every control character (\n, \u001b): one line per record.
        return json.dumps(entry, ensure_ascii=True, default=str)


def _database_error(exc: BaseException | None) -> dict[str, str]:
    """The SQLSTATE and driver error type of a database error (Django's, raised from the
    driver's: psycopg's carry `sqlstate`; SQLite's carry `sqlite_errorname`), else nothing."""
    from django.db import DatabaseError

    if not isinstance(exc, DatabaseError):
        return {}
    cause = exc.__cause__
    if cause is None:
        return {}
    found = {"cause": f"{type(cause).__module__}.{type(cause).__qualname__}"}
    code = getattr(cause, "sqlstate", None) or getattr(cause, "sqlite_errorname", None)
    if isinstance(code, str) and code.isascii() and len(code) <= 40:
        found["code"] = code
    return found
