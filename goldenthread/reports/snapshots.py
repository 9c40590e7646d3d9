"""Report figures computed ahead of the request and stored (OPS-3, docs/adr/0015).

Protecting a table's cube for a period takes seconds at council size, so a page must not
compute it while someone waits. Each table's protected cube for a period is stored as a
`ReportSnapshot` row with when it was computed and the change log's last place
(`ChangeRecord.seq`, one index read) at that moment:

* the same place now: no record has changed since, the figures are current;
* a later place, but every change since is to records of kinds the table does not read
  (`reads`: the model labels of the tables its queries named when it was computed, as
  the change log names them): the figures are still current, and refresh moves their
  place on without recomputing them (#14: an edit to an unmet need recomputes the unmet
  need tables, not the outcome ones);
* a later place, with a change the table reads: records have changed. Within GOLDENTHREAD_REPORTS_CACHE_SECONDS of being
  computed, or while another process is recomputing them, the stored figures are served
  and the page says when they were computed; after that the request that finds them
  claims them (one process at a time) and recomputes them.

`refresh()` (and `goldenthread refresh-reports`, for a timer or a background job)
recomputes the offered periods whose records have changed, so a reader's first request
for a period finds its figures ready.

A table too large to compute while someone waits (#14, OPS-3: a nation's unmet need took
minutes and gigabytes) is never computed in a request: `figures(..., prepare=…)` asks for
it to be computed in the background instead (reports/tasks.py), serves the stored figures
meanwhile when there are any, saying records have changed, and raises `FiguresPreparing`
when there are none. Setting GOLDENTHREAD_REPORTS_CACHE_SECONDS to 0
turns the store off: every request computes (the tests of the counts do this).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import json
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.audit.models import ChangeRecord

from .disclosure import (
    Cell,
    Counts,
    Dim,
    Key,
    ProtectedCube,
    Status,
    nonzero_cells,
    unpublished_test,
)
from .models import ReportSlice, ReportSnapshot

logger = logging.getLogger(__name__)

# A claim to recompute older than this is taken to have died with its process.
CLAIM_LIFETIME = datetime.timedelta(minutes=15)
# A whole cube is kept in the shared cache only up to this many cells: pages read their
# selection's slice (`selection_figures`), and a cube of a nation's teams (tens of millions
# of cells, hundreds of MB pickled) would take the cache longer to take than its socket
# timeout allows (measured on the nation preset: the refresh failed on Redis, #14 OPS-3).
CACHE_MAX_CELLS = 250_000


# A stored cube whose JSON is larger than this many bytes is kept compressed (#14): the
# default is well under PostgreSQL's limit for one jsonb value (256 MB), which a nation's
# review progress for a rolling year passed.
PACK_ABOVE_BYTES = 16 * 1024 * 1024
# Set in a stored cube's JSON when the cube itself is in `ReportSnapshot.packed`.
PACKED = "packed"


def pack_above() -> int:
    return int(getattr(settings, "GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES", PACK_ABOVE_BYTES))


def cache_seconds() -> int:
    return int(getattr(settings, "GOLDENTHREAD_REPORTS_CACHE_SECONDS", 0))


def enabled() -> bool:
    return cache_seconds() > 0


def data_mark() -> int:
    """The change log's last place: it moves whenever a record is created, changed or
    removed through a service (every write is audited)."""
    return ChangeRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def changed_kinds(since: int, mark: int) -> frozenset[str]:
    """The kinds of record (model labels) changed after place `since`, up to `mark`."""
    if since >= mark:
        return frozenset()
    rows = ChangeRecord.objects.filter(seq__gt=since, seq__lte=mark)
    return frozenset(rows.values_list("object_type", flat=True).distinct())


def _still_current(row: ReportSnapshot, mark: int, kinds=changed_kinds) -> bool:
    """Whether no change up to `mark` touches what the row's figures were read from."""
    if row.data_mark == mark:
        return True
    if not row.reads or row.data_mark > mark:
        return False  # stored before reads were kept: recompute
    return not (kinds(row.data_mark, mark) & set(row.reads))


@contextlib.contextmanager
def reading_tables() -> Iterator[set[str]]:
    """Collect the model labels of every table the queries inside name (read, joined or
    in a subquery), in a set yielded at the start and filled as they run."""
    seen_sql: list[str] = []

    def note(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        seen_sql.append(sql)
        return execute(sql, params, many, context)

    labels: set[str] = set()
    with connection.execute_wrapper(note):
        yield labels
    quoted = connection.ops.quote_name
    text = "\n".join(seen_sql)
    for model in apps.get_models(include_auto_created=True):
        if quoted(model._meta.db_table) in text:
            labels.add(model._meta.label)


# The page's filters: the first three dimensions of every cube (selectors.FilterAxes).
FILTER_DIMS = 3


def selection_code(base: Key) -> str:
    return "|".join(base)


# A withheld selection's stored cells (#14): no numbers, one mark.
WITHHELD_CELLS: dict[str, int | str] = {"*": "w"}


def slice_cells(cube: ProtectedCube) -> dict[str, dict[str, int | str]]:
    """Every published filter selection of `cube` and its cells, as `cube.cell` gives
    them: a number where shown, "s" where small, "h" where hidden; a withheld selection
    (#14) is `WITHHELD_CELLS`. Nothing for a withheld cube, nor for a selection never
    published (team and reason both narrowed)."""
    if cube.withheld:
        return {}
    unpublished = unpublished_test(cube.dims, cube.apart)
    bases = itertools.product(*(d.coords for d in cube.dims[:FILTER_DIMS]))
    rests = list(itertools.product(*(d.coords for d in cube.dims[FILTER_DIMS:])))
    codes = ["|".join(rest) for rest in rests]
    # The non-zero cells (a missing one is 0): not every cell of a sparse cube (#14).
    values = nonzero_cells(cube.values)
    small, hidden = cube.small, cube.hidden
    out: dict[str, dict[str, int | str]] = {}
    for base in bases:
        if unpublished(base + rests[0]):
            continue  # the filters' own cells decide: a never-published selection
        if cube.selection_withheld(base):
            out[selection_code(base)] = WITHHELD_CELLS
            continue
        cells: dict[str, int | str] = {}
        for rest, code in zip(rests, codes, strict=True):
            key = base + rest
            cells[code] = "s" if key in small else "h" if key in hidden else values.get(key, 0)
        out[selection_code(base)] = cells
    return out


_STATUS = {"s": Status.SMALL, "h": Status.HIDDEN}


@dataclass(frozen=True)
class SliceCube:
    """One selection's cells of a stored cube, read without the cube (#14): answers
    `cell` as the cube would, for keys at that selection."""

    base: Key
    cells: dict[str, int | str]
    threshold: int
    withheld: bool

    def selection_withheld(self, key: Key) -> bool:
        return key[:FILTER_DIMS] == self.base and self.cells == WITHHELD_CELLS

    def cell(self, key: Key) -> Cell:
        if self.withheld or self.selection_withheld(key):
            return Cell(None, Status.WITHHELD)
        if key[:FILTER_DIMS] != self.base:
            raise KeyError(f"{key!r} is not in the selection {self.base!r}")
        value = self.cells["|".join(key[FILTER_DIMS:])]
        if isinstance(value, str):
            return Cell(None, _STATUS[value])
        return Cell(value, Status.SHOWN)


class FiguresPreparing(Exception):
    """A table's figures are not stored yet and are being computed in the background: the
    page says so instead of computing them while someone waits (#14, OPS-3)."""


@dataclass(frozen=True)
class Figures:
    cube: ProtectedCube | SliceCube
    computed_at: datetime.datetime
    current: bool  # no recorded change since they were computed


# -- Storing a cube: category codes and numbers only --------------------------------


def to_json(cube: ProtectedCube) -> dict:
    return {
        "dims": [
            [d.name, list(d.categories), d.additive, [[g, list(m)] for g, m in d.groups]]
            for d in cube.dims
        ],
        "threshold": cube.threshold,
        "values": [[list(k), v] for k, v in _nonzero_in_order(cube)],
        "small": sorted(list(k) for k in cube.small),
        "hidden": sorted(list(k) for k in cube.hidden),
        "withheld": cube.withheld,
        "apart": [list(pair) for pair in cube.apart],
        "withheld_selections": sorted(list(k) for k in cube.withheld_selections),
        "selectable": cube.selectable,
        **({"extra": sorted(list(k) for k in cube.extra)} if cube.extra else {}),
        **({"withhold": sorted(list(k) for k in cube.withhold)} if cube.withhold else {}),
    }


def _nonzero_in_order(cube: ProtectedCube) -> list[tuple[Key, int]]:
    """The cube's non-zero cells in the order of its cells (a sparse cube's, #14, sorted
    into that order: the stored figures are as they were)."""
    if isinstance(cube.values, Counts):
        return cube.values.ordered_nonzero()
    return [(k, v) for k, v in cube.values.items() if v]


def from_json(data: dict) -> ProtectedCube:
    dims = tuple(
        Dim(name, tuple(categories), additive, tuple((g, tuple(m)) for g, m in groups))
        for name, categories, additive, groups in data["dims"]
    )
    # Only the non-zero cells are stored, and only they are kept (#14).
    values = Counts(dims, {tuple(key): value for key, value in data["values"] if value})
    return ProtectedCube(
        dims=dims,
        threshold=data["threshold"],
        values=values,
        small=frozenset(tuple(k) for k in data["small"]),
        hidden=frozenset(tuple(k) for k in data["hidden"]),
        withheld=data["withheld"],
        apart=tuple((a, b) for a, b in data.get("apart", [])),
        withheld_selections=frozenset(tuple(k) for k in data.get("withheld_selections", [])),
        selectable=data.get("selectable", 0),
        extra=frozenset(tuple(k) for k in data.get("extra", [])),
        withhold=frozenset(tuple(k) for k in data.get("withhold", [])),
    )


def packed_cube(data: dict) -> tuple[dict, bytes | None]:
    """What a `ReportSnapshot` stores of a cube's JSON `data`: (`cube`, `packed`). The JSON
    itself, or for a large one (over `pack_above()` bytes as text) a mark that says it is
    packed (with "linked" when `data` has it) and the text compressed."""
    text = json.dumps(data, separators=(",", ":"))
    if len(text) <= pack_above():
        return data, None
    mark: dict = {PACKED: True, **({LINKED: True} if data.get(LINKED) else {})}
    return mark, zlib.compress(text.encode(), 6)


def cube_json(cube: dict, packed: bytes | memoryview | None) -> dict:
    """A stored cube's JSON from its row's `cube` and `packed` (`packed_cube`'s inverse)."""
    if not cube.get(PACKED):
        return cube
    if packed is None:
        raise ValueError("A packed report cube was stored without its figures")
    return json.loads(zlib.decompress(packed))


# -- Serving and refreshing ---------------------------------------------------------


def _cache_key(key: str) -> str:
    return f"reports:snapshot:{key}"


def _claim(row: ReportSnapshot, now: datetime.datetime) -> bool:
    """Take the right to recompute `row`; False when another process holds it."""
    free = Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=now - CLAIM_LIFETIME)
    try:
        with transaction.atomic():
            claimed = ReportSnapshot.objects.filter(pk=row.pk).filter(free)
            return claimed.update(refreshing_since=now) == 1
    except DatabaseError:  # a database refusing writes (maintenance): serve what is stored
        logger.warning("Could not claim report figures to recompute", exc_info=True)
        return False


def _compute_and_store(
    key: str, measure: str, period_code: str, compute: Callable[[], ProtectedCube], mark: int
) -> Figures:
    try:
        with reading_tables() as reads:
            cube = compute()
    except BaseException:
        release([key])
        raise
    now = _write(
        key,
        measure,
        period_code,
        Computed.of(cube, reads),
        mark,
    )
    _remember(key, cube, now, mark)
    return Figures(cube, now, True)


@dataclass(frozen=True)
class Computed:
    """A table's figures as they are stored: its cube's JSON, the tables its queries read,
    whether it is withheld whole, and its selections' slices. Plain data, so that a table
    computed in another process (`refresh-reports --jobs`, #14) comes back to be stored."""

    cube: dict
    reads: list[str]
    withheld: bool
    slices: dict[str, dict[str, int | str]]

    @classmethod
    def of(cls, cube: ProtectedCube, reads: set[str]) -> Computed:
        return cls(to_json(cube), sorted(reads), cube.withheld, slice_cells(cube))


def compute_for_storing(compute: Callable[[], ProtectedCube]) -> Computed:
    """Compute a table's figures, and what `store_computed` stores of them."""
    with reading_tables() as reads:
        cube = compute()
    return Computed.of(cube, reads)


def store_computed(key: str, measure: str, period_code: str, computed: Computed, mark: int) -> None:
    """Store figures computed elsewhere (`compute_for_storing`), as `refresh_one` would."""
    _write(key, measure, period_code, computed, mark)
    _forget_cached(key)


def _forget_cached(key: str) -> None:
    try:
        cache.delete(_cache_key(key))
    except Exception:  # harmless: a cached copy names an older place, so is not read
        logger.warning("Could not forget cached report figures", exc_info=True)


def stored_since(keys: Iterable[str], since: datetime.datetime) -> set[str]:
    """Those of `keys` whose figures were stored at or after `since`."""
    return set(
        ReportSnapshot.objects.filter(key__in=list(keys), computed_at__gte=since).values_list(
            "key", flat=True
        )
    )


def release(keys: list[str]) -> None:
    """Give up the claims to recompute `keys` (their computing failed or was stopped)."""
    with contextlib.suppress(DatabaseError):
        ReportSnapshot.objects.filter(key__in=keys).update(refreshing_since=None)


def _write(
    key: str, measure: str, period_code: str, computed: Computed, mark: int
) -> datetime.datetime:
    now = timezone.now()
    cube, packed = packed_cube(computed.cube)
    try:
        with transaction.atomic():
            ReportSnapshot.objects.update_or_create(
                key=key,
                defaults={
                    "measure": measure,
                    "period_code": period_code,
                    "computed_at": now,
                    "data_mark": mark,
                    "cube": cube,
                    "packed": packed,
                    "reads": computed.reads,
                    "withheld": computed.withheld,
                    "refreshing_since": None,
                },
            )
            _store_slices(key, computed.slices)
    except DatabaseError:
        # Not stored (a database refusing writes): the figures are still right to show.
        logger.warning("Could not store report figures", exc_info=True)
    return now


def _remember(key: str, cube: ProtectedCube, computed_at: datetime.datetime, mark: int) -> None:
    """Keep a cube in the shared cache for the next request, if it is small enough to be
    worth it; the cache is a help, never a need: when it fails, the figures (stored, or
    computed now) are still shown, and the failure is logged."""
    if len(cube.values) > CACHE_MAX_CELLS:
        return
    try:
        cache.set(_cache_key(key), (cube, computed_at, mark), cache_seconds())
    except Exception:  # any cache backend's failure (Redis: ConnectionError, TimeoutError)
        logger.warning("Could not keep report figures in the cache", exc_info=True)


def _cached(key: str):
    """The cube kept in the shared cache, or None: when the cache cannot be reached, the
    stored figures are read instead (logged; the page still answers)."""
    try:
        return cache.get(_cache_key(key))
    except Exception:  # any cache backend's failure (Redis: ConnectionError, TimeoutError)
        logger.warning("Could not read report figures from the cache", exc_info=True)
        return None


def _store_slices(key: str, slices: dict[str, dict[str, int | str]]) -> None:
    snapshot = ReportSnapshot.objects.only("pk").get(key=key)
    ReportSlice.objects.filter(snapshot=snapshot).delete()
    ReportSlice.objects.bulk_create(
        (
            ReportSlice(snapshot=snapshot, selection=code, cells=cells)
            for code, cells in slices.items()
        ),
        batch_size=500,
    )


def selection_figures(
    keys: dict[str, str],
    base: Key,
    *,
    mark: int,
    threshold: int,
    background: frozenset[str] = frozenset(),
) -> dict[str, Figures]:
    """The stored figures of several tables at one selection of the filters, without
    reading their cubes (#14, OPS-3): `keys` maps a table's name to its snapshot key. A
    table is left out when its figures are not stored for that selection, or are out of
    date and due to be recomputed: `figures` serves those. Tables named in `background`
    are never recomputed in a request: their out-of-date figures are served (not
    current) and `figures` asks for them to be recomputed."""
    rows = list(
        ReportSnapshot.objects.filter(key__in=keys.values()).only(
            "key", "computed_at", "data_mark", "reads", "withheld", "refreshing_since"
        )
    )
    if not rows:
        return {}
    code = selection_code(base)
    found = dict(
        ReportSlice.objects.filter(snapshot__in=[r.pk for r in rows], selection=code).values_list(
            "snapshot_id", "cells"
        )
    )
    now = timezone.now()
    kinds = functools.cache(changed_kinds)
    by_key = {v: k for k, v in keys.items()}
    out: dict[str, Figures] = {}
    for row in rows:
        if not row.withheld and row.pk not in found:
            continue
        current = _still_current(row, mark, kinds)
        young = now - row.computed_at < datetime.timedelta(seconds=cache_seconds())
        claimed = row.refreshing_since is not None and row.refreshing_since > now - CLAIM_LIFETIME
        if not (current or young or claimed or by_key[row.key] in background):
            continue  # out of date: `figures` claims and recomputes it
        cube = SliceCube(base, found.get(row.pk, {}), threshold, row.withheld)
        out[by_key[row.key]] = Figures(cube, row.computed_at, current)
    return out


def figures(
    key: str,
    measure: str,
    period_code: str,
    compute: Callable[[], ProtectedCube],
    *,
    mark: int | None = None,
    prepare: Callable[[], None] | None = None,
) -> Figures:
    """A table's figures for a request: stored ones when there are any (saying when they
    were computed), computed now only when there are none or they are out of date and no
    one else is recomputing them. `prepare`, for a table too large to compute in a request
    (#14): called instead of computing (it asks for the figures to be computed in the
    background); the stored figures are served meanwhile, or `FiguresPreparing` raised
    when there are none."""
    if not enabled():
        return Figures(compute(), timezone.now(), True)
    mark = data_mark() if mark is None else mark
    held = _cached(key)
    if held is not None and held[2] == mark:
        return Figures(held[0], held[1], True)
    row = ReportSnapshot.objects.filter(key=key).first()
    if row is None:
        if prepare is not None:
            prepare()
            raise FiguresPreparing(key)
        return _compute_and_store(key, measure, period_code, compute, mark)
    cube = from_json(cube_json(row.cube, row.packed))
    if _still_current(row, mark):
        _remember(key, cube, row.computed_at, mark)
        return Figures(cube, row.computed_at, True)
    now = timezone.now()
    young = now - row.computed_at < datetime.timedelta(seconds=cache_seconds())
    if not young and prepare is not None:
        prepare()  # served as they are meanwhile, saying records have changed
        return Figures(cube, row.computed_at, False)
    if young or row.cube.get(LINKED) or not _claim(row, now):
        # Protected with the other tables and periods (#14, `store_linked`): a cube
        # computed again on its own would drop what hides it from them; only
        # `refresh-reports` (every period at once) recomputes it.
        # Out of date, but recent or being recomputed elsewhere: served, with its time.
        return Figures(cube, row.computed_at, False)
    return _compute_and_store(key, measure, period_code, compute, mark)


def due(key: str, *, mark: int, force: bool = False, kinds=changed_kinds) -> bool:
    """Whether a table's figures are to be recomputed now, by this process: True when they
    are not stored yet, or records they read have changed since (or `force`) and this
    process has claimed them. False when nothing they read has changed (their place in
    the change log is moved on) or another process is recomputing them. `kinds`:
    `changed_kinds`, or a memo of it for a run."""
    row = ReportSnapshot.objects.filter(key=key).first()
    if row is not None and not force and _still_current(row, mark, kinds):
        if row.data_mark != mark:
            # Nothing it reads has changed: current as of `mark`, without recomputing.
            ReportSnapshot.objects.filter(pk=row.pk, data_mark=row.data_mark).update(data_mark=mark)
            _forget_cached(key)
        return False
    return row is None or _claim(row, timezone.now())  # False: another process is at it


def refresh_one(
    key: str,
    measure: str,
    period_code: str,
    compute: Callable[[], ProtectedCube],
    *,
    mark: int,
    force: bool = False,
    kinds=changed_kinds,
) -> bool:
    """Recompute one table's figures if records it reads have changed since (or `force`).
    True when it recomputed them."""
    if not due(key, mark=mark, force=force, kinds=kinds):
        return False
    _compute_and_store(key, measure, period_code, compute, mark)
    return True


# Set in a stored cube's JSON when `refresh-reports` has protected it together with the
# other tables and periods (reports/linked.py, #14 AGG-2).
LINKED = "linked"


def stored_cubes(keys: dict[str, tuple[str, str]]) -> dict[tuple[str, str], ProtectedCube]:
    """The stored cubes of `keys` (snapshot key -> (table, period code))."""
    rows = ReportSnapshot.objects.filter(key__in=keys).values_list("key", "cube", "packed")
    return {keys[key]: from_json(cube_json(cube, packed)) for key, cube, packed in rows}


def store_linked(key: str, cube: ProtectedCube, *, changed: bool) -> None:
    """Store `cube` as protected across tables and periods, keeping when its counts were
    computed and their place in the change log; its slices again when `changed`."""
    stored, packed = packed_cube({**to_json(cube), LINKED: True})
    with transaction.atomic():
        ReportSnapshot.objects.filter(key=key).update(
            cube=stored, packed=packed, withheld=cube.withheld
        )
        if changed:
            _store_slices(key, slice_cells(cube))
    cache.delete(_cache_key(key))


def prune(keep: set[str], older_than: datetime.timedelta) -> int:
    """Forget figures not refreshed in this run and computed more than `older_than` ago
    (periods no longer offered; a current period's figures for days gone by)."""
    cutoff = timezone.now() - older_than
    deleted, _ = (
        ReportSnapshot.objects.filter(computed_at__lt=cutoff).exclude(key__in=keep).delete()
    )
    return deleted
