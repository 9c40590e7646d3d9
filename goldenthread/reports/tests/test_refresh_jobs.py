"""`refresh-reports --jobs N` (#14, OPS-3): report tables computed at once in processes of
their own, each forked from the refresh and handing its figures back to be stored. At the
nation's size each of the largest tables takes minutes of CPU and about 1.5 GB, one at a
time; with N processes N tables are computed at once.

The computing processes must see the records the refresh sees: committed ones on
PostgreSQL (they open their own connections), so these tests commit their records
(`transaction=True`); an in-memory SQLite database is each process's copy."""

from __future__ import annotations

import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from goldenthread.reports import refresh, selectors, tasks
from goldenthread.reports.models import ReportSnapshot
from goldenthread.reports.periods import parse_period
from goldenthread.reports.refresh import refresh_reports

from .test_snapshots import TODAY, _stored

TABLES = 1 + len(selectors.MEASURES)


@pytest.fixture
def computed_in(monkeypatch, tmp_path):
    """Notes in a file which process computed each table (a file: the computing processes
    are forked, so what they note in memory is their own)."""
    notes = tmp_path / "pids"
    build = selectors._build

    def noting(measure, *args):
        with notes.open("a") as out:
            out.write(f"{os.getpid()} {measure.key}\n")
        return build(measure, *args)

    monkeypatch.setattr(selectors, "_build", noting)

    def read() -> list[tuple[int, str]]:
        lines = notes.read_text().split("\n") if notes.exists() else []
        return [(int(pid), key) for pid, key in (line.split() for line in lines if line)]

    return read


@pytest.mark.django_db(transaction=True)
def test_tables_computed_in_processes_store_the_figures_computed_in_one(
    stored, needs, pinned_clock, computed_in
):
    one = refresh_reports(today=TODAY, periods=["2026Q2"], jobs=1)
    assert one.recomputed == TABLES
    alone = _stored("2026Q2")
    assert {pid for pid, _ in computed_in()} == {os.getpid()}
    first = len(computed_in())

    progress: list[str] = []
    two = refresh_reports(
        today=TODAY, periods=["2026Q2"], force=True, jobs=2, progress=progress.append
    )
    assert (two.recomputed, two.unchanged) == (TABLES, 0)
    elsewhere = {pid for pid, _ in computed_in()[first:]}
    assert os.getpid() not in elsewhere and 1 <= len(elsewhere) <= 2
    together = _stored("2026Q2")
    assert {m: cube for m, (cube, _) in together.items()} == {
        m: cube for m, (cube, _) in alone.items()
    }
    assert progress == [progress[0]] and f"{TABLES} of {TABLES} tables recomputed" in progress[0]
    assert not ReportSnapshot.objects.filter(refreshing_since__isnull=False).exists()
    # This process's own connection still works: the computing processes opened theirs.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert ReportSnapshot.objects.filter(period_code="2026Q2").count() == TABLES


@pytest.mark.django_db(transaction=True)
def test_with_jobs_only_what_changed_is_recomputed(stored, needs, pinned_clock, computed_in):
    refresh_reports(today=TODAY, periods=["2026Q2"], jobs=2)
    again = refresh_reports(today=TODAY, periods=["2026Q2"], jobs=2)
    assert (again.recomputed, again.unchanged) == (0, TABLES)
    assert len(computed_in()) >= TABLES  # money tables compute their counts' table too


@pytest.mark.django_db(transaction=True)
def test_a_table_failing_in_its_process_fails_the_run_and_gives_up_every_claim(
    stored, needs, pinned_clock, monkeypatch
):
    refresh_reports(today=TODAY, periods=["2026Q2"], jobs=1)
    build = selectors._build

    def failing(measure, *args):
        if measure.key == selectors.UNMET_NEED.key:
            raise RuntimeError("out of memory, say")
        return build(measure, *args)

    monkeypatch.setattr(selectors, "_build", failing)
    with pytest.raises(RuntimeError, match="out of memory, say"):
        refresh_reports(today=TODAY, periods=["2026Q2"], force=True, jobs=2)
    # No table is left claimed: the next run (or a reader) computes them.
    assert not ReportSnapshot.objects.filter(refreshing_since__isnull=False).exists()
    monkeypatch.setattr(selectors, "_build", build)
    assert refresh_reports(today=TODAY, periods=["2026Q2"], force=True, jobs=2).recomputed == TABLES


@pytest.mark.django_db(transaction=True)
def test_the_setting_chooses_how_many_processes(stored, needs, pinned_clock, settings, computed_in):
    settings.GOLDENTHREAD_REPORTS_REFRESH_JOBS = 2
    call_command("refresh_reports", "--period", "2026Q2", verbosity=0)
    assert os.getpid() not in {pid for pid, _ in computed_in()}
    assert ReportSnapshot.objects.filter(period_code="2026Q2").count() == TABLES


@pytest.mark.parametrize("jobs", ["0", "-1", "two", "1.5"])
def test_the_command_refuses_jobs_that_are_not_a_whole_number_of_one_or_more(db, jobs):
    with pytest.raises(CommandError, match="--jobs takes a whole number, 1 or more"):
        call_command("refresh_reports", "--period", "2026Q2", "--jobs", jobs)


def test_refresh_refuses_no_jobs(db):
    with pytest.raises(ValueError, match="jobs must be 1 or more"):
        refresh_reports(today=TODAY, periods=["2026Q2"], jobs=0)


# The worker closes its database connection when it ends (as a worker process does).
@pytest.mark.django_db(transaction=True)
def test_the_worker_prepares_a_period_in_processes_of_its_own(
    stored, needs, pinned_clock, settings, computed_in
):
    """The background worker's refresh of a period (reports/tasks.py) takes the setting too:
    forked from the worker, whose queue and connections are left as they were."""
    settings.GOLDENTHREAD_REPORTS_REFRESH_JOBS = 2
    tasks.ask_to_prepare("2026Q2", TODAY)
    call_command("worker", "--once", verbosity=0)
    assert ReportSnapshot.objects.filter(period_code="2026Q2").count() == TABLES
    assert computed_in() and os.getpid() not in {pid for pid, _ in computed_in()}
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL", result.traceback
    assert result.return_value.startswith(f"2026Q2: {TABLES} tables computed")


@pytest.mark.django_db(transaction=True)
def test_the_largest_tables_are_handed_over_first(stored, needs, pinned_clock, monkeypatch):
    """So that no process is left idle at the end while one computes a large table."""
    handed: list[str] = []
    submit = refresh._Computers.submit

    def noting(self, key, measure, period):
        handed.append(measure.key)
        submit(self, key, measure, period)

    monkeypatch.setattr(refresh._Computers, "submit", noting)
    refresh_reports(today=TODAY, periods=["2026Q2"], jobs=2)
    axes = selectors.FilterAxes.load()
    period = parse_period("2026Q2", TODAY)
    measures = {m.key: m for m in (selectors.PEOPLE, *selectors.MEASURES)}
    cells = [selectors.cube_cells(measures[key], period, axes) for key in handed]
    assert len(handed) == TABLES and cells == sorted(cells, reverse=True)
    assert cells[0] > cells[-1]


@pytest.mark.django_db(transaction=True)
def test_the_reports_bench_measures_the_refresh_in_processes_against_one(
    stored, needs, pinned_clock, monkeypatch
):
    from goldenthread.nonprod.bench import reports as reports_bench

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    said: list[str] = []
    reports_bench.run(said.append, repeat=1, periods=("2026Q2",))
    line = next(line for line in said if "--jobs 2" in line)
    assert "with one:" in line and "× faster" in line
    assert ReportSnapshot.objects.filter(period_code="2026Q2").count() == TABLES


@pytest.fixture
def refuses_advocacy(monkeypatch):
    """The database refuses to store the advocacy table's figures (at the nation a rolling
    year's review progress was larger than a JSON value may be, 256 MB), and only those."""
    from django.db import OperationalError

    manager = ReportSnapshot.objects
    update_or_create = manager.update_or_create

    def refusing(*args, **kwargs):
        if kwargs["defaults"]["measure"] == "advocacy":
            raise OperationalError("total size of jsonb object elements exceeds the maximum")
        return update_or_create(*args, **kwargs)

    monkeypatch.setattr(manager, "update_or_create", refusing)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_table_the_database_will_not_store_is_named_not_counted_as_kept(
    stored, needs, pinned_clock, refuses_advocacy, jobs
):
    summary = refresh_reports(today=TODAY, periods=["2026Q2"], jobs=jobs)
    assert summary.not_stored == ["advocacy (2026Q2)"]
    kept = set(
        ReportSnapshot.objects.filter(period_code="2026Q2").values_list("measure", flat=True)
    )
    assert "advocacy" not in kept and len(kept) == TABLES - 1
    assert not ReportSnapshot.objects.filter(refreshing_since__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_fails_naming_the_tables_not_stored_after_storing_the_rest(
    stored, needs, pinned_clock, refuses_advocacy, capsys
):
    with pytest.raises(CommandError, match=r"1 of the tables recomputed could not be stored"):
        call_command("refresh_reports", "--period", "2026Q2")
    out = capsys.readouterr().out
    assert f"{TABLES} tables recomputed" in out
    assert ReportSnapshot.objects.filter(period_code="2026Q2").count() == TABLES - 1
    # The next run tries that table again (nothing stored, so it is due), and only it.
    with pytest.raises(CommandError, match=r"advocacy \(2026Q2\)"):
        call_command("refresh_reports", "--period", "2026Q2")
    assert "1 tables recomputed" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_run_that_stores_everything_names_nothing(stored, needs, pinned_clock):
    assert refresh_reports(today=TODAY, periods=["2026Q2"], jobs=1).not_stored == []
