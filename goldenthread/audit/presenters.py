"""The change history in words (SEC-4): what each item said before, who changed it, when.

Field labels come from the models' verbose names, values are turned into plain text (dates
written out, choices by their labels, yes/no, linked items by their names) and are never
marked safe: templates escape them like any other text.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from goldenthread.core.formatting import date_text, datetime_text
from goldenthread.core.scoped_queries import person_data_models

from .models import ChangeAction, ChangeRecord

# Bookkeeping every record has; not what anyone wrote.
HIDDEN = {"id", "created_at", "updated_at", "version", "person"}
# Fields whose text names an item best, in order of preference.
NAMING_FIELDS = (
    "statement",
    "text",
    "name",
    "what",
    "need",
    "title",
    "description",
    "reference",
    "narrative",
    "reason",
)
EMPTY = "(blank)"


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ChangeRow:
    at: datetime.datetime
    who: str
    action: str
    action_text: str
    kind: str
    kind_label: str
    object_id: str
    item_name: str
    fields: list[FieldChange] = field(default_factory=list)


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def kind_label(object_type: str) -> str:
    model = model_for(object_type)
    if model is None:
        return object_type
    return capfirst(str(model._meta.verbose_name))


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _label(model_field: models.Field | None, name: str) -> str:
    if model_field is not None:
        return capfirst(str(model_field.verbose_name))
    return capfirst(name.replace("_", " "))


def _date(value: str) -> str:
    try:
        return date_text(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def _datetime(value: str) -> str:
    try:
        return datetime_text(datetime.datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


@functools.cache
def _person_data_models() -> frozenset[type[models.Model]]:
    return frozenset(person_data_models())


class _Names:
    """Names of linked items (foreign keys), looked up once per kind of item, and only
    within the person's own record (or people-free reference data such as teams)."""

    def __init__(self, person_id: uuid.UUID | None):
        self.person_id = person_id
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], str], str] = {}

    def want(self, model_field: models.Field | None, value: Any) -> None:
        if model_field is None or not model_field.is_relation or value in (None, ""):
            return
        # A link to several items (many-to-many) is stored as a list of their ids.
        related = model_field.related_model
        if not isinstance(related, type):  # "self" is resolved by Django before this runs
            return
        for one in value if isinstance(value, list) else [value]:
            self.wanted[related].add(str(one))

    def load(self) -> None:
        user_model = get_user_model()
        for model, ids in self.wanted.items():
            manager = model._default_manager
            if model is user_model:
                for user in user_model._default_manager.filter(pk__in=ids):
                    self.found[(model, str(user.pk))] = (
                        user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
                    )
                continue
            rows = manager.filter(pk__in=ids)
            if model._meta.label == "people.Person":
                rows = rows.filter(pk=self.person_id)
            elif _field(model, "person") is not None:
                rows = rows.filter(person_id=self.person_id)
            elif model in _person_data_models():
                continue  # reaches a person only indirectly: not named here
            for obj in rows:
                self.found[(model, str(obj.pk))] = str(obj)

    def name(self, model_field: models.Field, value: Any) -> str:
        related = model_field.related_model
        if not isinstance(related, type):
            return "an item no longer in the record"
        return self.found.get((related, str(value)), "an item no longer in the record")


def value_text(model_field: models.Field | None, value: Any, names: _Names) -> str:
    """A stored snapshot value as plain text."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if model_field is not None:
        if model_field.is_relation:
            if isinstance(value, list):
                return ", ".join(names.name(model_field, one) for one in value)
            return names.name(model_field, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        internal = model_field.get_internal_type()
        if internal == "BooleanField":
            return "Yes" if value else "No"
        if internal == "DateField":
            return _date(value)
        if internal == "DateTimeField":
            return _datetime(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _item_name(model: type[models.Model] | None, before: dict, after: dict) -> str:
    data = after or before or {}
    for name in NAMING_FIELDS:
        model_field = _field(model, name)
        if model_field is not None and (model_field.choices or model_field.is_relation):
            continue  # a code, not words
        text = data.get(name)
        if isinstance(text, str) and text.strip():
            text = " ".join(text.split())
            return text if len(text) <= 90 else text[:87] + "…"
    return ""


def _ordered_keys(model: type[models.Model] | None, before: dict, after: dict) -> list[str]:
    keys = list(dict.fromkeys([*before, *after]))
    if model is None:
        return keys
    order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)}
    return sorted(keys, key=lambda k: (order.get(k, len(order)), k))


def change_rows(records: Iterable[ChangeRecord], *, person_id: uuid.UUID | None) -> list[ChangeRow]:
    """Each change as a row: for a change, the fields that differ (before and after); for
    a new item, what it was created with; for a removed item, what it said."""
    records = list(records)
    names = _Names(person_id)
    plans = []
    for record in records:
        model = model_for(record.object_type)
        before, after = record.before or {}, record.after or {}
        keys = [k for k in _ordered_keys(model, before, after) if k not in HIDDEN]
        if record.action == ChangeAction.UPDATE:
            keys = [k for k in keys if before.get(k) != after.get(k)]
        elif record.action == ChangeAction.CREATE:
            keys = [k for k in keys if after.get(k) not in (None, "", [], {})]
        else:
            keys = [k for k in keys if before.get(k) not in (None, "", [], {})]
        for key in keys:
            model_field = _field(model, key)
            names.want(model_field, before.get(key))
            names.want(model_field, after.get(key))
        plans.append((record, model, before, after, keys))
    names.load()
    rows = []
    for record, model, before, after, keys in plans:
        row = ChangeRow(
            at=record.at,
            who=record.actor_name,
            action=record.action,
            action_text=ChangeAction(record.action).label
            if record.action in ChangeAction.values
            else record.action,
            kind=record.object_type,
            kind_label=kind_label(record.object_type),
            object_id=record.object_id,
            item_name=_item_name(model, before, after),
        )
        for key in keys:
            model_field = _field(model, key)
            row.fields.append(
                FieldChange(
                    label=_label(model_field, key),
                    before=value_text(model_field, before.get(key), names)
                    if record.action != ChangeAction.CREATE
                    else "",
                    after=value_text(model_field, after.get(key), names)
                    if record.action != ChangeAction.DELETE
                    else "",
                )
            )
        rows.append(row)
    return rows
