"""Stored text cleaned of direction controls, once (SEC-8; docs/adr/0037).

Since ADR 0037 typed text is kept without the characters that force or embed a direction
(U+202A–U+202E, U+2066–U+2069): `core.text.as_kept` cleans every form post, API body and
import. Rows stored before then may still carry them. `goldenthread clean-stored-text`
(dry run by default; `--apply` to change) finds them and cleans them as a form post would
have:

- **Which fields**: every record table of the service's own apps, each plain text field
  (CharField or TextField) a person could have typed into: not a choice, not a field the
  service alone writes (`editable=False`), not a password, not an identifier that matches
  other rows or a feed (NOT_TYPED). Not the audit log (append-only
  and hash-chained: it is the record of what was), not the operations tables (tombstones,
  audit checkpoints), not a table that only ever gains rows (AppendOnlyModel: the history
  of a plan, a budget, a risk, is what it said then). Text inside JSON (a draft, a feed's
  contacts) is left; a draft is thrown away once saved, a feed's record when re-imported.
- **Names** (core.text.NAME_FIELDS) are not changed: a name is how a record is found and
  told apart, and one with a direction control is refused when typed (SEC-6). They are
  listed (table, id; never the name itself) for a person to correct through the service.
- **The change history stays honest**: each row changed is written with its version
  raised (an edit form open on the old copy is refused, not silently overwritten, SEC-5)
  and a change-history row (before and after) by the named system actor CLEANER, against
  the person whose record it is; so the history says who changed what, and keeps what it
  said before. Nothing can be undone by the command: the "before" in the history is the
  only copy of the characters removed.
- **Short transactions**: rows are found a table at a time in key order, BATCH keys a
  read, and each row is cleaned in a transaction of its own (locked, changed, its history
  row written), as an edit through the service is: the change history's chain is locked
  until commit, so a longer transaction would hold up every other change. Safe to run
  with the service up.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q

from goldenthread.audit.models import AppendOnlyModel
from goldenthread.audit.services import Auditor
from goldenthread.core.concurrency import save_versioned
from goldenthread.core.formatting import count_text
from goldenthread.core.models import VersionedModel
from goldenthread.core.services import SystemActor
from goldenthread.core.text import (
    DIRECTION_CONTROLS,
    NAME_FIELDS,
    shows_nothing,
    without_direction_controls,
)
from goldenthread.people.models import Person

CLEANER = SystemActor("Golden Thread (stored text cleaned of direction controls, ADR 0037)")
# Keys read at a time (each row is then cleaned in its own transaction).
BATCH = 500
# The service's own apps whose tables are left alone (see the module's docstring).
LEFT_ALONE_APPS = frozenset({"audit", "operations"})
# Not typed text: a password's characters are its secret (the form post keeps them as
# sent too); an identifier or code matches other rows or a feed, so changing it would
# break the match.
NOT_TYPED = frozenset(
    {
        "password",
        "source",
        "source_id",
        "item_type",
        "item_id",
        "key",
        "content_hash",
        "code_hash",
        "code_lookup",
        "task_result_id",
    }
)
_CONTROLS = "[" + "".join(sorted(DIRECTION_CONTROLS)) + "]"
# How far a row's foreign keys are followed to find whose record it is.
_PERSON_DEPTH = 4


@dataclass
class TableResult:
    label: str
    rows: int = 0  # rows with a control in a field that is cleaned
    names: list[str] = field(default_factory=list)  # ids of rows with one in a name
    refused: dict[str, str] = field(default_factory=dict)  # id: why the database refused


@dataclass
class CleanResult:
    dry_run: bool
    tables: list[TableResult] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def as_text(self) -> str:
        lines = []
        if not self.rows:
            lines.append("No stored text has a direction control.")
        else:
            verb = "Would clean" if self.dry_run else "Cleaned"
            lines.append(
                f"{verb} {count_text(self.rows, 'row', 'rows')} of direction controls "
                "(U+202A–U+202E, U+2066–U+2069):"
            )
            lines += [f"- {t.label}: {t.rows:,}" for t in self.tables if t.rows]
        refused = [t for t in self.tables if t.refused]
        if refused:
            lines.append(
                "Left as they were (the text would be blank once cleaned, or the database "
                "refused it); correct each through the service:"
            )
            lines += [
                f"- {t.label} {pk}: {reason}" for t in refused for pk, reason in t.refused.items()
            ]
        named = [t for t in self.tables if t.names]
        if named:
            lines.append(
                "Names with a direction control are not changed (a name is refused when "
                "typed, ADR 0037); correct each through the service:"
            )
            lines += [f"- {t.label}: {', '.join(t.names)}" for t in named]
        return "\n".join(lines)


def cleaned_fields(model: type[models.Model]) -> list[str]:
    """The fields of `model` cleaned as a form post's text is."""
    return [f.name for f in _text_fields(model) if f.name not in NAME_FIELDS]


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if type(f) in (models.CharField, models.TextField)
        and not f.choices
        and f.editable
        and not f.primary_key
        and f.name not in NOT_TYPED
    ]


def tables() -> list[type[models.Model]]:
    """The record tables whose text is looked at, in a stable order."""
    found = []
    guarded = _guarded_tables()
    for config in apps.get_app_configs():
        if not config.name.startswith("goldenthread.") or config.label in LEFT_ALONE_APPS:
            continue
        for model in config.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or issubclass(model, AppendOnlyModel):
                continue
            if meta.db_table in guarded:
                continue
            if _text_fields(model):
                found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def _guarded_tables() -> set[str]:
    """Tables the database refuses to change (core/append_only.py's triggers): history,
    whatever its model says."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND (t.tgname LIKE %s OR t.tgname LIKE %s "
                "OR t.tgname LIKE %s)",
                ["%\\_append\\_only", "%\\_no\\_change", "%\\_no\\_update"],
            )
            return {name for (name,) in cursor.fetchall()}
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND "
                "(name LIKE %s ESCAPE '\\' OR name LIKE %s ESCAPE '\\')",
                ["%\\_no\\_update", "%\\_no\\_change"],
            )
            return {name for (name,) in cursor.fetchall()}
    return set()


def person_path(model: type[models.Model]) -> str | None:
    """The lookup from a row of `model` to the id of the person whose record it is
    ("pk" for a person, "person" for a row with a person, "plan__person" for one a step
    further), or None for a row that is no one's (a team, a directory entry)."""
    if model is Person:
        return "pk"
    queue: deque[tuple[type[models.Model], str, int]] = deque([(model, "", 0)])
    seen = {model}
    while queue:
        current, path, depth = queue.popleft()
        for f in current._meta.concrete_fields:
            if not f.many_to_one and not f.one_to_one:
                continue
            target = f.related_model
            lookup = f"{path}__{f.name}" if path else f.name
            if target is Person:
                return lookup
            if (
                depth + 1 < _PERSON_DEPTH
                and isinstance(target, type)
                and target not in seen
                and target._meta.app_label not in ("accounts", "auth")
            ):
                seen.add(target)
                queue.append((target, lookup, depth + 1))
    return None


def _with_control(names: list[str]) -> Q:
    condition = Q()
    for name in names:
        condition |= Q(**{f"{name}__regex": _CONTROLS})
    return condition


def _keys(rows: models.QuerySet) -> Iterator[list[Any]]:
    """The rows' keys in order, BATCH at a time, each batch read after the last is done
    (after its last key: a row left as it was is not read again)."""
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        keys = list(page.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not keys:
            return
        yield keys
        last = keys[-1]


def clean(
    *,
    dry_run: bool,
    actor: Any = CLEANER,
) -> CleanResult:
    """Find (or, not dry_run, clean) the stored text with a direction control."""
    auditor = Auditor(actor)  # refuse an anonymous actor before anything is read
    result = CleanResult(dry_run=dry_run)
    for model in tables():
        table = TableResult(label=model._meta.label)
        result.tables.append(table)
        manager = model._default_manager
        names = [f.name for f in _text_fields(model) if f.name in NAME_FIELDS]
        if names:
            table.names = [
                str(pk)
                for pk in manager.filter(_with_control(names))
                .order_by("pk")
                .values_list("pk", flat=True)
            ]
        fields = cleaned_fields(model)
        if not fields:
            continue
        found = manager.filter(_with_control(fields))
        if dry_run:
            table.rows = found.count()
            continue
        path = person_path(model)
        for keys in _keys(found):
            people = _people(model, keys, path)
            for key in keys:
                try:
                    # A transaction a row, as an edit through the service is: the change
                    # history's chain is locked (until commit) only for the row's write.
                    with transaction.atomic():
                        row = manager.select_for_update().filter(pk=key).first()
                        if row is None:  # removed since it was found
                            continue
                        cleaned = _clean_row(row, fields, auditor, people.get(key))
                except _LeftAlone as exc:
                    table.refused[str(key)] = str(exc)
                    continue
                except DatabaseError as exc:
                    # e.g. a reason of only a control is blank once cleaned, and a check
                    # wants one: said by the constraint's name (the first line; the rest
                    # may quote the row).
                    lines = str(exc).strip().splitlines() or ["the database refused it"]
                    table.refused[str(key)] = lines[0][:200]
                    continue
                if cleaned:
                    table.rows += 1
    return result


def _people(model: type[models.Model], keys: list[Any], path: str | None) -> dict[Any, Any]:
    if path is None:
        return {}
    if path == "pk":
        return {key: key for key in keys}
    return dict(model._default_manager.filter(pk__in=keys).values_list("pk", path))


class _LeftAlone(Exception):
    """The row is left as it was, for the reason given."""


def _clean_row(
    row: models.Model, fields: list[str], auditor: Auditor, person_id: uuid.UUID | None
) -> bool:
    changed = []
    before = auditor.snapshot(row)
    for name in fields:
        value = getattr(row, name)
        if isinstance(value, str):
            kept = without_direction_controls(value)
            if kept != value:
                if shows_nothing(kept) and not getattr(row._meta.get_field(name), "blank", True):
                    # Only controls: blank once cleaned, where an answer is needed.
                    raise _LeftAlone(f"{name} would be blank")
                setattr(row, name, kept)
                changed.append(name)
    if not changed:
        return False
    if isinstance(row, VersionedModel):
        save_versioned(row, expected_version=row.version, fields=changed)
    else:
        if hasattr(row, "updated_at"):
            changed.append("updated_at")
        row.save(update_fields=changed)
    auditor.updated(row, before=before, person_id=person_id)
    return True
