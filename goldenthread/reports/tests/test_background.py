"""Report tables too large to compute while someone waits are worked out in the background
(#14, OPS-3): at the nation's 2,500 teams one table took minutes and gigabytes in the web
worker. The page says the figures are being worked out, the background worker computes
them, and out-of-date figures are served meanwhile, saying records have changed."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import sign_in
from goldenthread.api.tests.helpers import call, token_for
from goldenthread.reports import presenters, selectors, tasks
from goldenthread.reports.models import ReportSnapshot
from goldenthread.reports.periods import parse_period
from goldenthread.reports.refresh import refresh_reports

from .test_snapshots import TODAY, UNMET_PAGE, _change

PREPARING = "are being worked out"


@pytest.fixture
def no_computing(monkeypatch):
    """Fails the test if anything computes a table's figures (in the request)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the request computed report figures")

    monkeypatch.setattr(selectors, "_build", refuse)
    return monkeypatch


def _queued() -> list:
    return [r.args_kwargs["args"] for r in DBTaskResult.objects.order_by("enqueued_at")]


def _people_cells() -> int:
    axes = selectors.FilterAxes.load()
    period = parse_period("2026Q2", TODAY)
    return selectors.cube_cells(selectors.PEOPLE, period, axes)


def test_the_cells_of_a_cube_are_every_coordinate_of_every_dimension(db, team):
    axes = selectors.FilterAxes.load()
    period = parse_period("2026Q2", TODAY)
    teams = len(axes.teams) + len(axes.areas) + 1  # the areas' teams only, then the total
    dims = [d for d in axes.dims()]
    assert len(dims[0].coords) <= teams
    unmet = selectors.UNMET_NEED
    expected = (
        len(dims[0].coords)
        * len(dims[1].coords)
        * len(dims[2].coords)
        * len(unmet.row_axis(period).dim().coords)
        * len(unmet.columns.dim().coords)
    )
    assert selectors.cube_cells(unmet, period, axes) == expected
    # A table whose counts are another's computes that one too.
    shared = next(m for m in selectors.MEASURES if m.counts_as is not None)
    assert selectors.cube_cells(shared, period, axes) > selectors.cube_cells(
        shared.counts_as, period, axes
    )


# The worker closes its database connection when it ends (as a worker process does).
@pytest.mark.django_db(transaction=True)
def test_a_large_table_is_never_computed_in_a_request_and_the_worker_prepares_it(
    client, commissioner, stored, needs, pinned_clock, settings, no_computing
):
    settings.GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS = 1  # every table is too large
    sign_in(client, commissioner)
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert "Figures being worked out" in page
    assert f"The figures for April to June 2026 {PREPARING}" in page
    assert "<table" not in page
    assert _queued() == [["2026Q2", "2026-06-03"]]
    # Asked for once: the next reader (the CSV, the index) does not queue it again.
    csv_text = client.get(
        reverse("reports:table_csv", args=["unmet-need"]), {"period": "2026Q2"}
    ).content.decode()
    assert PREPARING in csv_text
    assert PREPARING in client.get(reverse("reports:index"), {"period": "2026Q2"}).content.decode()
    assert len(_queued()) == 1 and not ReportSnapshot.objects.exists()

    no_computing.undo()  # the worker computes them
    call_command("worker", "--once", verbosity=0)
    assert (
        ReportSnapshot.objects.filter(period_code="2026Q2").count() == len(selectors.MEASURES) + 1
    )
    no_computing.setattr(selectors, "_build", lambda *a, **k: pytest.fail("computed again"))
    cache.clear()
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert PREPARING not in page and "Figures being worked out" not in page
    assert "<td>fewer than 5</td>" in page  # the 3 housing needs
    assert "Figures computed at 10:30 on 3 June 2026." in page


def test_only_the_large_tables_wait_for_the_worker(
    client, commissioner, stored, needs, pinned_clock, settings, no_computing
):
    """The population's table is small enough to compute now; the topic's tables are not:
    each says its figures are being worked out, and the API says so too."""
    no_computing.undo()
    settings.GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS = _people_cells()
    sign_in(client, commissioner)
    page = client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    assert "Figures being worked out" not in page
    assert page.count(presenters.PREPARING_WORDS) == 3  # the unmet-need topic's tables
    assert "Download this table as CSV" in page
    assert _queued() == [["2026Q2", "2026-06-03"]]
    stored_now = set(ReportSnapshot.objects.values_list("measure", flat=True))
    assert stored_now == {selectors.PEOPLE.key}


def test_the_api_says_which_tables_are_being_worked_out(
    client, commissioner, stored, needs, pinned_clock, settings
):
    settings.GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS = _people_cells()
    response = call(client, "get", "/api/v1/reports?period=2026Q2", token_for(commissioner))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["message"] == "" and answer["tables"]
    assert all(t["preparing"] and t["rows"] == [] for t in answer["tables"])


def test_out_of_date_large_figures_are_served_while_the_worker_recomputes_them(
    client, commissioner, stored, needs, team, pinned_clock, settings, no_computing
):
    no_computing.undo()
    refresh_reports(today=TODAY, periods=["2026Q2"])
    _change(commissioner, team)
    pinned_clock.shift(datetime.timedelta(minutes=11))  # older than the cache's 10 minutes
    cache.clear()
    settings.GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS = 1
    no_computing.setattr(selectors, "_build", lambda *a, **k: pytest.fail("computed"))
    sign_in(client, commissioner)
    for query in ({"period": "2026Q2"}, {"period": "2026Q2", "age": "18-64"}):
        page = client.get(UNMET_PAGE, query).content.decode()
        assert "Figures computed at 10:30 on 3 June 2026." in page
        assert "the figures are being worked out again in the background" in page
        assert "<td>fewer than 5</td>" in page and presenters.PREPARING_WORDS not in page
    assert _queued() == [["2026Q2", "2026-06-03"]]
    assert not ReportSnapshot.objects.filter(refreshing_since__isnull=False).exists()


def test_a_queue_that_refuses_leaves_the_page_working_and_asks_again(
    client, commissioner, stored, needs, pinned_clock, settings, no_computing, caplog
):
    settings.GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS = 1
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise ConnectionError("the queue's Redis cannot be reached")

    class Refusing:
        enqueue = staticmethod(refuse)

        def using(self, **kwargs):
            return self

        def get_backend(self):
            return prepare_period.get_backend()

    prepare_period = tasks.prepare_period
    no_computing.setattr(tasks, "prepare_period", Refusing())
    sign_in(client, commissioner)
    with caplog.at_level(logging.WARNING, logger="goldenthread.reports.tasks"):
        for _ in range(2):
            response = client.get(UNMET_PAGE, {"period": "2026Q2"})
            assert response.status_code == 200 and PREPARING in response.content.decode()
    assert len(calls) == 2  # not noted as asked for: the next request asked again
    assert "Could not queue report figures to be prepared" in caplog.text


def test_each_filter_is_one_design_system_select(client, commissioner, team):
    """One wrapper and one arrow per filter (the page had put the select's own wrapper, with
    its arrow, inside a second one)."""
    from goldenthread.ui.tests.helpers import parse

    sign_in(client, commissioner)
    page = parse(client.get(reverse("reports:index")).content.decode())
    form = page.find("form", class_="report-filters")
    selects = form.find_all("select")
    assert [s.attrs["name"] for s in selects] == ["period", "team", "area", "age", "reason"]
    for select in selects:
        assert select.classes == ["ds_select"]
        wrapper = select.parent
        assert wrapper.classes == ["ds_select-wrapper"]
        assert "ds_select-wrapper" not in wrapper.parent.classes
        assert len(wrapper.find_all("span", class_="ds_select-arrow")) == 1
    reason = form.find("select", name="reason")
    assert reason.attrs["aria-describedby"] == "id_reason_helptext"  # its hint, read with it
    assert page.find(id="id_reason_helptext")


@pytest.mark.django_db(transaction=True)
def test_a_period_waits_in_the_reports_queue_and_a_worker_for_jobs_leaves_it(
    client, commissioner, stored, needs, pinned_clock, settings
):
    """#14, OPS-5: a report period is queued on GOLDENTHREAD_REPORTS_QUEUE, not the jobs'
    queue, so a worker kept for jobs (`--queue jobs`) never spends a nation's minutes on it;
    a worker for reports (or for all, the default) computes it."""
    settings.GOLDENTHREAD_REPORTS_REQUEST_MAX_CELLS = 1  # every table is too large
    sign_in(client, commissioner)
    assert PREPARING in client.get(UNMET_PAGE, {"period": "2026Q2"}).content.decode()
    (queued,) = DBTaskResult.objects.all()
    assert queued.queue_name == settings.GOLDENTHREAD_REPORTS_QUEUE == "default-reports"
    assert queued.queue_name != settings.GOLDENTHREAD_TASKS_QUEUE
    assert queued.priority == tasks.REPORTS_PRIORITY < 0  # waiting jobs go first

    call_command("worker", "--once", "--queue", "jobs", verbosity=0)
    assert not ReportSnapshot.objects.exists()
    call_command("worker", "--once", "--queue", "reports", verbosity=0)
    assert ReportSnapshot.objects.filter(period_code="2026Q2").exists()
