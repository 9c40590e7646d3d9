"""The answer to an autosave (htmx) request: a short live-region message, and on success the
record's new version for the form, so the next save is checked against it (OS-9, SEC-5)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone


def autosave_status(request: HttpRequest, *, version: int | None = None, stale: bool = False,
                    invalid=None) -> TemplateResponse:
    return TemplateResponse(request, "ui/partials/autosave_status.html", {
        "version": version, "stale": stale, "invalid": invalid,
        "saved_at": timezone.localtime(),
    })
