"""Optimistic concurrency: refuse a save made from a stale copy (SEC-5)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class StaleEditError(Exception):
    """Someone else saved this record after the editor opened it."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("This record was changed by someone else after you opened it.")
        self.current = current


def save_versioned(instance: M, *, expected_version: int, fields: Iterable[str]) -> M:
    """Write `fields` of `instance` only if the stored version is still `expected_version`.

    One UPDATE … WHERE version = expected, so two writers can never both win. Raises
    StaleEditError carrying the stored copy when the version has moved on.
    """
    model = type(instance)
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1, **values, **_touch(instance)
    )
    if updated != 1:
        raise StaleEditError(model._default_manager.get(pk=instance.pk))
    instance.refresh_from_db()
    return instance


def _touch(instance: models.Model) -> dict[str, Any]:
    return {"updated_at": timezone.now()} if hasattr(instance, "updated_at") else {}
