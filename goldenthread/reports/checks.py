"""A system check that a wrong GOLDENTHREAD_REPORTS_PROTECT_ACROSS is said at start-up
(`check`, run by every start, migrate and deploy), with the tables it may name, not first
by a report page or a refresh (ADR 0038)."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .selectors import protected_across


@checks.register()
def check_protect_across(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        protected_across()
    except ImproperlyConfigured as error:
        return [
            checks.Error(
                str(error),
                hint="Name report tables by their keys, comma-separated, or all or none.",
                id="reports.E001",
            )
        ]
    return []
