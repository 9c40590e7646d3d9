"""Exceptions the API raises to answer with a problem (problems.py)."""

from __future__ import annotations

from typing import Any


class ApiProblem(Exception):
    """Answer with this status and detail as problem+json (extra members allowed)."""

    def __init__(
        self, status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra
