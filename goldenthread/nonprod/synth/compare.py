"""The same rows written by our bulk path and by Django's bulk_create, for the ratio the
synth command prints. Both run inside a transaction that is rolled back."""

from __future__ import annotations

import time
import uuid

from django.db import models, transaction

from .writer import BulkWriter, _concrete


class _Rollback(Exception):
    pass


def _fresh_ids(columns: list[str], rows: list[tuple]) -> list[tuple]:
    index = columns.index("id") if "id" in columns else None
    if index is None:
        return rows
    return [(*row[:index], uuid.uuid4(), *row[index + 1 :]) for row in rows]


def compare(
    model: type[models.Model], columns: list[str], rows: list[tuple]
) -> tuple[float, float]:
    """Rows per second for (our writer, bulk_create) on copies of `rows`."""
    ours = _timed(lambda: BulkWriter().write(model, columns, _fresh_ids(columns, rows)))
    fields = [_concrete(model._meta.get_field(c)) for c in columns]

    def django_bulk_create() -> None:
        objects = [
            model(**{f.attname: v for f, v in zip(fields, row, strict=True)})
            for row in _fresh_ids(columns, rows)
        ]
        model._default_manager.bulk_create(objects, batch_size=2000)

    theirs = _timed(django_bulk_create)
    return len(rows) / ours, len(rows) / theirs


def _timed(fn) -> float:
    started = time.perf_counter()
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass
    return time.perf_counter() - started
