"""Stored report figures (OPS-3, #14): computed ahead of the request by refresh, served
with when they were computed, recomputed when records change, one process at a time."""

from __future__ import annotations

import datetime
import itertools
import json
import zlib

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.services import Auditor
from goldenthread.people.factories import PersonFactory
from goldenthread.reports import linked, selectors, snapshots
from goldenthread.reports.disclosure import TOTAL, Dim, Status, protect_counts
from goldenthread.reports.models import ReportSlice, ReportSnapshot
from goldenthread.reports.periods import parse_period
from goldenthread.reports.refresh import refresh_reports
from goldenthread.sds.models import NeedCategory

TODAY = datetime.date(2026, 6, 3)  # the pinned clock's day
Q2 = parse_period("2026Q2", TODAY)
UNMET_PAGE = "/reports/unmet-need/"


def _change(user, team):
    """A recorded change (the change log moves), as any service writes."""
    person = PersonFactory(team=team)
    Auditor(user).created(person, person_id=person.pk)


class Counter:
    def __init__(self, cube):
        self.cube, self.calls = cube, 0

    def __call__(self):
        self.calls += 1
        return self.cube


def _cube(n=3):
    dims = [Dim("team", ("a", "b")), Dim("what", ("x", "y"))]
    return protect_counts(dims, {("a", "x"): n, ("a", "y"): 7, ("b", "x"): 9, ("b", "y"): 8}, 5)


def test_a_stored_cube_reads_back_the_same():
    cube = _cube()
    again = snapshots.from_json(snapshots.to_json(cube))
    assert again.published() == cube.published()
    assert again.dims == cube.dims and again.values == cube.values
    assert again.small == cube.small and again.hidden == cube.hidden


def test_the_stored_form_holds_codes_and_numbers_only():
    data = snapshots.to_json(_cube())
    assert set(data) == {
        "dims",
        "threshold",
        "values",
        "small",
        "hidden",
        "withheld",
        "apart",
        "withheld_selections",  # filter coordinates only (#14)
        "selectable",
    }
    assert data["apart"] == []  # dimension names only, when some are kept apart


def test_figures_are_computed_once_then_read(db, stored, pinned_clock):
    compute = Counter(_cube())
    first = snapshots.figures("k", "m", "2026Q2", compute)
    cache.clear()  # another process: only the database row
    second = snapshots.figures("k", "m", "2026Q2", compute)
    assert compute.calls == 1
    assert second.current and second.computed_at == first.computed_at
    assert second.cube.published() == first.cube.published()


def test_after_a_change_recent_figures_are_served_saying_when(
    db, stored, pinned_clock, team, commissioner
):
    compute = Counter(_cube())
    first = snapshots.figures("k", "m", "2026Q2", compute)
    _change(commissioner, team)
    pinned_clock.shift(datetime.timedelta(seconds=300))
    later = snapshots.figures("k", "m", "2026Q2", compute)
    assert compute.calls == 1
    assert not later.current and later.computed_at == first.computed_at


def test_old_figures_after_a_change_are_recomputed(db, stored, pinned_clock, team, commissioner):
    compute = Counter(_cube())
    snapshots.figures("k", "m", "2026Q2", compute)
    _change(commissioner, team)
    pinned_clock.shift(datetime.timedelta(seconds=601))
    later = snapshots.figures("k", "m", "2026Q2", compute)
    assert compute.calls == 2 and later.current
    assert ReportSnapshot.objects.get(key="k").refreshing_since is None


def test_while_another_process_recomputes_the_stored_figures_are_served(
    db, stored, pinned_clock, team, commissioner
):
    compute = Counter(_cube())
    snapshots.figures("k", "m", "2026Q2", compute)
    _change(commissioner, team)
    pinned_clock.shift(datetime.timedelta(seconds=601))
    row = ReportSnapshot.objects.get(key="k")
    assert snapshots._claim(row, datetime.datetime.now(datetime.UTC))  # the other process
    later = snapshots.figures("k", "m", "2026Q2", compute)
    assert compute.calls == 1 and not later.current


def test_a_failed_recompute_gives_up_its_claim(db, stored, pinned_clock, team, commissioner):
    snapshots.figures("k", "m", "2026Q2", Counter(_cube()))
    _change(commissioner, team)
    pinned_clock.shift(datetime.timedelta(seconds=601))

    def broken():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        snapshots.figures("k", "m", "2026Q2", broken)
    assert ReportSnapshot.objects.get(key="k").refreshing_since is None


def test_refresh_recomputes_only_what_changed(db, stored, needs, team, commissioner):
    tables = 1 + len(selectors.MEASURES)
    first = refresh_reports(today=TODAY, periods=["2026Q2"])
    assert (first.recomputed, first.unchanged) == (tables, 0)
    again = refresh_reports(today=TODAY, periods=["2026Q2"])
    assert (again.recomputed, again.unchanged) == (0, tables)
    _change(commissioner, team)
    changed = refresh_reports(today=TODAY, periods=["2026Q2"])
    assert changed.recomputed == tables
    forced = refresh_reports(today=TODAY, periods=["2026Q2"], force=True)
    assert forced.recomputed == tables


def _stored(period_code):
    return {
        row.measure: (snapshots.cube_json(row.cube, row.packed), row.data_mark)
        for row in ReportSnapshot.objects.filter(period_code=period_code)
    }


def test_an_edit_recomputes_only_the_tables_that_read_it_and_equals_a_full_rebuild(
    db, stored, needs, commissioner
):
    """#14, OPS-3: refresh recomputes only the tables whose records changed since the last
    run. A person's unmet need moves from "a break for a carer" to housing: the tables
    that read unmet needs are recomputed, every other table is current without being
    recomputed, and every figure equals a forced full rebuild's."""
    from goldenthread.sds.models import UnmetNeed

    refresh_reports(today=TODAY, periods=["2026Q2"])
    before = _stored("2026Q2")
    need = UnmetNeed.objects.filter(category=NeedCategory.CARER_BREAK).first()
    auditor = Auditor(commissioner)
    was = auditor.snapshot(need)
    need.category = NeedCategory.HOUSING
    need.save(update_fields=["category", "updated_at"])
    auditor.updated(need, before=was, person_id=need.person_id)
    mark = snapshots.data_mark()

    progress = []
    changed = refresh_reports(today=TODAY, periods=["2026Q2"], progress=progress.append)
    reading = {
        row.measure
        for row in ReportSnapshot.objects.filter(period_code="2026Q2")
        if "sds.UnmetNeed" in row.reads
    }
    assert reading >= {"unmet-need", "unmet-need-trend", "unmet-need-time-to-met"}
    assert "outcome-quality" not in reading and "people" not in reading
    assert changed.recomputed == len(reading)
    assert changed.unchanged == 1 + len(selectors.MEASURES) - len(reading)
    assert f"{len(reading)} of {1 + len(selectors.MEASURES)} tables recomputed" in progress[0]
    after = _stored("2026Q2")
    for measure, (cube, data_mark) in after.items():
        assert data_mark == mark  # every table current as of the edit
        if measure not in reading:
            assert cube == before[measure][0]
    housing = (TOTAL, TOTAL, TOTAL, NeedCategory.HOUSING, TOTAL)
    values = dict((tuple(k), v) for k, v in after["unmet-need"][0]["values"])
    assert values[housing] == 4  # was 3: the edit is counted

    refresh_reports(today=TODAY, periods=["2026Q2"], force=True)
    rebuilt = _stored("2026Q2")
    assert {m: c for m, (c, _) in rebuilt.items()} == {m: c for m, (c, _) in after.items()}


def test_refresh_covers_every_period_offered(db, stored, monkeypatch):
    """#14, OPS-3: every table of every period the filter offers is computed and stored.
    Which periods, not what they count (the other tests), so each table is a small cube
    here: computing the real ones for some thirty periods took seconds of CI."""
    from goldenthread.reports.periods import period_choices

    built = []

    def small_cube(measure, period, today, axes, limit):
        built.append((measure.key, period.code))
        return _cube()

    monkeypatch.setattr(selectors, "_build", small_cube)
    summary = refresh_reports(today=TODAY)
    offered = [code for code, _ in period_choices(TODAY)]
    assert "rolling" in summary.periods and "2026Q2" in summary.periods
    assert summary.periods == offered
    measures = [m.key for m in (selectors.PEOPLE, *selectors.MEASURES)]
    assert sorted(built) == sorted((m, code) for m in measures for code in offered)
    for code in offered:
        assert ReportSnapshot.objects.filter(period_code=code).count() == len(measures)


def test_after_refresh_the_page_computes_nothing(client, commissioner, stored, needs, monkeypatch):
    refresh_reports(today=TODAY, periods=["2026Q2"])
    cache.clear()

    def no_computing(*args, **kwargs):
        raise AssertionError("the page computed figures")

    monkeypatch.setattr(selectors, "_build", no_computing)
    sign_in(client, commissioner)
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert "Figures computed at 10:30 on 3 June 2026." in page
    assert "Records have changed" not in page
    assert "fewer than 5" in page  # the 3 housing needs, from the stored cube


def test_the_page_says_when_records_changed_since(
    client, commissioner, stored, needs, team, pinned_clock
):
    refresh_reports(today=TODAY, periods=["2026Q2"])
    _change(commissioner, team)
    pinned_clock.shift(datetime.timedelta(minutes=2))
    sign_in(client, commissioner)
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert "Figures computed at 10:30 on 3 June 2026." in page
    assert "Records have changed since then" in page
    csv_text = client.get(
        reverse("reports:table_csv", args=["unmet-need"]), {"period": "2026Q2"}
    ).content.decode()
    assert "Records have changed since then" in csv_text


def test_the_command_refuses_a_period_it_cannot_read(db, stored):
    with pytest.raises(CommandError, match="Not a period"):
        call_command("refresh_reports", "--period", "2026Q5")


def test_the_command_says_a_wrong_protect_across_setting_is_the_setting(db, stored, settings):
    """Both were ValueErrors, so a misspelt table was reported as "Not a period: …"."""
    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"outcome-qualty", "unmet-need"})
    with pytest.raises(CommandError) as caught:
        call_command("refresh_reports", "--period", "2026Q2", verbosity=0)
    said = str(caught.value)
    assert "Not a period" not in said
    assert said.startswith(
        "GOLDENTHREAD_REPORTS_PROTECT_ACROSS names an unknown table: outcome-qualty (known: "
    )
    assert "outcome-quality" in said and "unmet-need" in said
    assert not ReportSnapshot.objects.exists()  # said before any work


def test_a_wrong_protect_across_setting_fails_the_start_up_check(settings):
    from django.core import checks

    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"none", "unmet-need"})
    [error] = [m for m in checks.run_checks() if m.id == "reports.E001"]
    assert error.level == checks.ERROR
    assert "names an unknown table: none (known: " in error.msg
    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"all"})
    assert not [m for m in checks.run_checks() if m.id == "reports.E001"]


def test_the_command_shows_progress(db, stored, needs, capsys):
    call_command("refresh_reports", "--period", "2026Q2")
    out = capsys.readouterr().out
    assert "1/1 April to June 2026" in out and "1 periods:" in out


def test_figures_are_still_shown_when_the_database_refuses_to_store_them(
    db, stored, pinned_clock, monkeypatch
):
    from django.db import DatabaseError

    def refuse(*args, **kwargs):
        raise DatabaseError("cannot execute INSERT in a read-only transaction")

    monkeypatch.setattr(ReportSnapshot.objects, "update_or_create", refuse)
    found = snapshots.figures("k", "m", "2026Q2", Counter(_cube()))
    assert found.current and found.cube.published() == _cube().published()
    assert not ReportSnapshot.objects.exists()


def test_figures_are_still_shown_when_the_cache_fails(db, stored, pinned_clock, monkeypatch):
    """The shared cache is a help, never a need (#14, OPS-3: at the nation preset Redis
    reset the connection while taking a cube of hundreds of MB, and the refresh failed)."""

    def fail(*args, **kwargs):
        raise ConnectionError("Error 104 while writing to socket. Connection reset by peer.")

    monkeypatch.setattr(cache, "set", fail)
    found = snapshots.figures("k", "m", "2026Q2", Counter(_cube()))
    assert found.current and found.cube.published() == _cube().published()
    assert ReportSnapshot.objects.filter(key="k").exists()  # stored all the same


def test_figures_are_read_from_the_database_when_the_cache_cannot_be_read(
    db, stored, pinned_clock, monkeypatch, caplog
):
    """A request's cache read failing (Redis down) reads the stored figures instead."""
    compute = Counter(_cube())
    snapshots.figures("k", "m", "2026Q2", compute)

    def fail(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "get", fail)
    monkeypatch.setattr(cache, "set", fail)
    again = snapshots.figures("k", "m", "2026Q2", compute)
    assert compute.calls == 1 and again.current
    assert again.cube.published() == _cube().published()
    assert "Could not read report figures from the cache" in caplog.text


def test_a_cube_too_big_to_cache_is_stored_not_cached(db, stored, pinned_clock, monkeypatch):
    compute = Counter(_cube())
    cells = len(_cube().values)
    monkeypatch.setattr(snapshots, "CACHE_MAX_CELLS", cells - 1)
    snapshots.figures("k", "m", "2026Q2", compute)
    assert cache.get(snapshots._cache_key("k")) is None
    again = snapshots.figures("k", "m", "2026Q2", compute)  # read back from the database
    assert compute.calls == 1 and again.cube.published() == _cube().published()
    monkeypatch.setattr(snapshots, "CACHE_MAX_CELLS", cells)
    snapshots.figures("k", "m", "2026Q2", compute)
    assert cache.get(snapshots._cache_key("k")) is not None  # at the limit: cached


def _row(key):
    return ReportSnapshot.objects.get(key=key)


def test_a_large_cube_is_stored_compressed_and_reads_back_the_same(
    db, stored, pinned_clock, settings
):
    """#14: a cube whose JSON is over GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES is stored
    compressed (a nation's review progress for a rolling year passed PostgreSQL's 256 MB
    limit for a jsonb value and was not stored); one at the limit is stored as JSON."""
    size = len(json.dumps(snapshots.to_json(_cube()), separators=(",", ":")))
    settings.GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES = size
    compute = Counter(_cube())
    snapshots.figures("k", "m", "2026Q2", compute)
    assert _row("k").cube == snapshots.to_json(_cube()) and _row("k").packed is None

    settings.GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES = size - 1
    snapshots.store_computed("k", "m", "2026Q2", snapshots.Computed.of(_cube(), {"x"}), 0)
    row = _row("k")
    assert row.cube == {"packed": True}
    assert json.loads(zlib.decompress(row.packed)) == snapshots.to_json(_cube())
    assert len(row.packed) < size
    cache.clear()  # another process: only the database row
    again = snapshots.figures("k", "m", "2026Q2", compute, mark=0)
    assert compute.calls == 1
    assert again.cube.published() == _cube().published() and again.cube.dims == _cube().dims
    assert snapshots.stored_cubes({"k": ("m", "2026Q2")})[("m", "2026Q2")] == again.cube


def test_a_large_cube_protected_across_tables_stays_marked_so(db, stored, pinned_clock, settings):
    """#14: a cube stored by the linked pass (never recomputed on its own) keeps its mark
    when it is stored compressed."""
    settings.GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES = 0
    compute = Counter(_cube())
    snapshots.figures("k", "m", "2026Q2", compute)
    snapshots.store_linked("k", _cube(4), changed=True)
    row = _row("k")
    assert row.cube == {"packed": True, snapshots.LINKED: True}
    stored_cube = snapshots.cube_json(row.cube, row.packed)
    assert stored_cube == {**snapshots.to_json(_cube(4)), snapshots.LINKED: True}


def test_a_packed_mark_without_its_figures_is_an_error_not_an_empty_table():
    with pytest.raises(ValueError, match="without its figures"):
        snapshots.cube_json({"packed": True}, None)


def test_every_table_stored_compressed_reads_as_stored_plain(db, stored, needs, settings):
    """#14: refresh-reports with every cube compressed stores the same figures, and the
    same slices (what pages read), as with none."""
    refresh_reports(today=TODAY, periods=["2026Q2"])
    plain = {k: v for k, (v, _) in _stored("2026Q2").items()}
    slices = sorted(ReportSlice.objects.values_list("snapshot__key", "selection", "cells"))
    assert plain and slices
    assert ReportSnapshot.objects.filter(packed__isnull=False).count() == 0
    settings.GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES = 0
    refresh_reports(today=TODAY, periods=["2026Q2"], force=True)
    assert ReportSnapshot.objects.filter(packed__isnull=True).count() == 0
    assert {k: v for k, (v, _) in _stored("2026Q2").items()} == plain
    again = sorted(ReportSlice.objects.values_list("snapshot__key", "selection", "cells"))
    assert again == slices


def _grouped_cube(seed: int, selectable: int = 0):
    """A cube shaped as the reports' (teams in areas, age, reason kept apart from team,
    rows), with many small counts."""
    import random

    rng = random.Random(seed)
    dims = [
        Dim("team", ("t1", "t2", "t3"), groups=(("a1", ("t1", "t2")), ("a2", ("t3",)))),
        Dim("age", ("young", "old")),
        Dim("reason", ("r1", "r2")),
        Dim("what", ("x", "y")),
    ]
    counts = {
        key: rng.choice((0, 1, 2, 3, 6, 9, 14))
        for key in itertools.product(*(d.categories for d in dims))
    }
    return protect_counts(dims, counts, 5, apart=(("team", "reason"),), selectable=selectable)


@pytest.mark.parametrize("selectable", [0, 3])
@pytest.mark.parametrize("seed", range(6))
def test_a_selection_reads_every_cell_as_the_cube_gives_it(seed, selectable):
    """#14: a page reads its selection's cells, stored when the cube was: the same status
    and number for every published cell, nothing for a selection never published; with
    slices withheld (selectable=3, as the reports), a withheld selection reads withheld."""
    cube = _grouped_cube(seed, selectable)
    stored = snapshots.slice_cells(cube)
    published = cube.published()
    bases = {key[:3] for key in published}
    assert set(stored) == {snapshots.selection_code(b) for b in bases} or cube.withheld
    for key, cell in published.items():
        if cube.withheld:
            assert not stored
            break
        found = snapshots.SliceCube(key[:3], stored[snapshots.selection_code(key[:3])], 5, False)
        assert found.cell(key) == cell, key
        assert found.selection_withheld(key) == cube.selection_withheld(key)
    assert not any("t1" in code and "r1" in code for code in stored)


def test_a_topic_page_reads_its_selection_not_the_cubes(
    client, commissioner, stored, needs, team, settings
):
    """#14 (OPS-3): after refresh a topic's page reads the chosen filters' cells (two
    queries), never a whole cube, and shows exactly what the cubes give."""
    refresh_reports(today=TODAY, periods=["2026Q2"])
    cache.clear()
    sign_in(client, commissioner)
    query = {"period": "2026Q2", "area": str(team.area_id), "age": "18-64"}
    with CaptureQueriesContext(connection) as queries:
        page = client.get(UNMET_PAGE, query).content.decode()
    assert "fewer than 5" in page
    assert not [q["sql"][:300] for q in queries.captured_queries if '"cube"' in q["sql"]]
    settings.GOLDENTHREAD_REPORTS_CACHE_SECONDS = 0  # computed in the request, whole cubes
    computed = client.get(UNMET_PAGE, query).content.decode()
    tables = page.split('<section class="report-table"')[1:]
    assert tables and tables == computed.split('<section class="report-table"')[1:]


def test_a_withheld_selection_reads_as_a_message_on_the_page_and_in_the_csv():
    """#14: a table withheld at one selection only says so there (page, CSV and API read
    the same `Table`), and still shows its numbers at the other selections."""
    from goldenthread.reports import presenters

    cube = next(
        c
        for c in (_grouped_cube(seed, 3) for seed in range(40))
        if not c.withheld and c.withheld_selections
    )
    base = sorted(cube.withheld_selections)[0]
    measure = selectors.Measure(
        key="t",
        title="T",
        counted="people",
        rows=selectors.Axis("what", ("x", "y"), {}),
        units=lambda p, d: (),
    )
    fixed = dict(zip(("team", "age", "reason"), base, strict=True))
    table = presenters.table_for(measure, cube, measure.row_axis(None), fixed)
    assert table.withheld and table.withheld_here and not table.chart_svg
    assert {c.status for r in table.rows for c in r.cells if c.value is None} >= {Status.WITHHELD}
    assert all(c.value is None for r in table.rows for c in r.cells)
    rows = presenters.csv_rows(table, "filters")
    assert rows[-1][0].startswith("Not shown for these filters")
    whole = presenters.table_for(measure, cube, measure.row_axis(None), {})
    assert not whole.withheld and any(c.value for r in whole.rows for c in r.cells)


def test_protection_across_periods_runs_only_for_the_tables_set(db, stored, monkeypatch, settings):
    """#14, AGG-2 (ADR 0015): the linked pass is off unless
    GOLDENTHREAD_REPORTS_PROTECT_ACROSS names a table (its whole group is then audited)
    or "all"; a name that is no table is refused, not ignored."""
    from goldenthread.reports import refresh

    monkeypatch.setattr(selectors, "_build", lambda *args: _cube())
    groups = []

    def audited(today, axes, limit, keys, progress=None):
        groups.append(set(keys))
        return linked.LinkedSummary()

    monkeypatch.setattr(refresh, "protect_across", audited)
    every = {m.key for m in (selectors.PEOPLE, *selectors.MEASURES)}
    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset()
    assert refresh_reports(today=TODAY, periods=["2026Q2"]).linked is None
    assert groups == []

    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"outcome-quality"})
    summary = refresh_reports(today=TODAY, periods=["2026Q2"], force=True)
    assert summary.linked is not None
    # The outcome tables, with the two whose counts are at most theirs (linked.AT_MOST).
    assert groups[-1] == {
        "outcome-quality",
        "outcome-domains",
        "outcome-agreement",
        "outcome-flags",
        "met-without-paid-support",
    }

    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"all"})
    refresh_reports(today=TODAY, periods=["2026Q2"], force=True)
    assert groups[-1] == every

    settings.GOLDENTHREAD_REPORTS_PROTECT_ACROSS = frozenset({"outcome-qualty"})
    with pytest.raises(ImproperlyConfigured, match="unknown table: outcome-qualty"):
        refresh_reports(today=TODAY, periods=["2026Q2"], force=True)


def test_protection_across_reads_and_stores_one_group_at_a_time(
    db, stored, team, pinned_clock, monkeypatch
):
    """#14 (OPS-3): the linked pass reads each group's cubes, protects and stores them,
    then reads the next group's (a council's groups held at once took 19.4 GB), and stores
    what protecting every group in one call gives, cube for cube."""
    from goldenthread.reports import refresh

    from .conftest import record_needs

    record_needs(team, spread=20)
    refresh_reports(today=TODAY, force=True)  # each table protected on its own
    axes, limit = selectors.FilterAxes.load(), selectors.threshold()
    periods = [parse_period(code, TODAY) for code, _ in refresh.period_choices(TODAY)]
    measures = (selectors.PEOPLE, *selectors.MEASURES)
    names = {
        selectors.snapshot_key(m, p, TODAY, axes, limit): (m.key, p.code)
        for m in measures
        for p in periods
    }
    every = sorted(m.key for m in measures)
    changed = {"unmet-need", "people", "review-timeliness"}
    wanted = [g for g in linked.groups(every) if changed & set(g)]
    keys = sorted(k for g in wanted for k in g)
    expected = snapshots.stored_cubes({k: n for k, n in names.items() if n[0] in keys})
    summary = linked.protect_linked(
        expected,
        periods,
        TODAY,
        limit,
        keys=keys,
        rebuild=selectors.linked_rebuild,
        follow=selectors.linked_follow,
        only=selectors.linked_only(expected),
        carry=True,
    )
    assert summary.hidden_more > 0  # the needs' small counts: more hidden across periods

    read: list[set[str]] = []
    stored_cubes = snapshots.stored_cubes

    def reading(mine):
        # Every cube of the group before this one already stored as protected together.
        done = {k for g in read for k in g}
        assert all(
            snapshots.LINKED in _row(key).cube for key, name in names.items() if name[0] in done
        )
        read.append({name[0] for name in mine.values()})
        return stored_cubes(mine)

    monkeypatch.setattr(snapshots, "stored_cubes", reading)
    found = refresh.protect_across(TODAY, axes, limit, changed)
    assert read == [set(g) for g in wanted]
    assert (found.pinned_before, found.pinned_after) == (summary.pinned_before, 0)
    assert found.reprotected == summary.reprotected
    assert (found.hidden_more, found.withheld_selections) == (
        summary.hidden_more,
        summary.withheld_selections,
    )
    monkeypatch.setattr(snapshots, "stored_cubes", stored_cubes)
    again = snapshots.stored_cubes({k: n for k, n in names.items() if n[0] in keys})
    assert {n: snapshots.to_json(c) for n, c in again.items()} == {
        n: snapshots.to_json(c) for n, c in expected.items()
    }
