"""Report pages (AGG-1..3, UN-2): commissioners see the council, team leaders their team.

No page here names a person or shows free text: the numbers are slices of protected cubes
(disclosure.py), and the same tables go to the CSVs and the bundle."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from functools import cached_property

from django import http
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import TemplateView, View

from goldenthread.accounts.rules import can
from goldenthread.core.permissions import Permission
from goldenthread.ui.views import PermissionRequiredMixin

from . import presenters, selectors, snapshots
from .disclosure import TOTAL, Cell, Status
from .forms import ReportFilterForm
from .periods import AGE_GROUP_LABELS, Period, parse_period


@dataclass
class Selection:
    period: Period
    fixed: dict[str, str]
    words: str


class ReportMixin(PermissionRequiredMixin):
    permission = Permission.VIEW_REPORTS
    request: http.HttpRequest

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    @cached_property
    def own_team(self) -> str | None:
        """A team leader's reports are their team's slice of the council's cubes (the same
        suppression, so the two views cannot be played off against each other)."""
        user = self.request.user
        if can(user, Permission.VIEW_RECORDING_QUALITY):
            return str(getattr(user, "team_id", ""))  # a team leader: signed in, with a team
        return None

    @cached_property
    def axes(self) -> selectors.FilterAxes:
        return selectors.FilterAxes.load()

    @cached_property
    def form(self) -> ReportFilterForm:
        return ReportFilterForm(
            self.request.GET or None, axes=self.axes, today=self.today, own_team=self.own_team
        )

    @cached_property
    def selection(self) -> Selection:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        period = parse_period(data.get("period") or "rolling", self.today)
        team = self.own_team or data.get("team") or ""
        area = data.get("area") or ""
        words = [period.label]
        words.append(self.axes.team_labels[team] if team else "All teams")
        words.append(self.axes.area_labels[area] if area else "All areas")
        age = data.get("age") or TOTAL
        words.append(f"Aged {AGE_GROUP_LABELS[age]}" if age != TOTAL else "All ages")
        if team:
            # A team and another area's name cover nobody.
            where = (
                team if not area or self.axes.team_area[team] == selectors.area_code(area) else ""
            )
        else:
            where = selectors.area_code(area) if area else TOTAL
        return Selection(period, {"team": where, "age": age}, ", ".join(words))

    @cached_property
    def mark(self) -> int | None:
        """The change log's place, read once for the request's tables."""
        return snapshots.data_mark() if snapshots.enabled() else None

    @cached_property
    def seen(self) -> list[snapshots.Figures]:
        return []

    def figures(self, measure: selectors.Measure) -> snapshots.Figures:
        found = selectors.figures(
            measure, self.selection.period, self.today, self.axes, mark=self.mark
        )
        self.seen.append(found)
        return found

    def freshness(self) -> str:
        """When the figures shown were computed, and whether records have changed since."""
        if not self.seen:
            return ""
        oldest = min(f.computed_at for f in self.seen)
        words = f"Figures computed at {timezone.localtime(oldest):%H:%M on %-d %B %Y}."
        if not all(f.current for f in self.seen):
            minutes = max(1, snapshots.cache_seconds() // 60)
            words += (
                " Records have changed since then; the figures are recomputed within "
                f"{minutes} minutes of a change."
            )
        return words

    def population(self):
        if not self.selection.fixed["team"]:
            return Cell(0, Status.SHOWN)
        cube = self.figures(selectors.PEOPLE).cube
        s = self.selection.fixed
        return cube.cell((s["team"], s["age"], "people"))

    def population_message(self) -> str:
        """Words instead of numbers when the filters narrow the population too far."""
        cell = self.population()
        t = selectors.threshold()
        if cell.status is Status.SHOWN and cell.value == 0:
            return "No one with a record matches these filters."
        if cell.status is Status.SMALL:
            return (
                f"These filters cover {presenters.small_words(t)} people, so no numbers "
                "are shown. Choose a wider selection."
            )
        if cell.status is not Status.SHOWN:
            return (
                "Numbers for these filters are not shown, so that small counts cannot be "
                "worked out by comparing them with other selections. Choose a wider "
                "selection."
            )
        return ""

    def table(self, measure: selectors.Measure) -> presenters.Table:
        period = self.selection.period
        cube = self.figures(measure).cube
        return presenters.table_for(measure, cube, measure.row_axis(period), self.selection.fixed)

    def query_string(self) -> str:
        return self.request.GET.urlencode()


class ReportsView(ReportMixin, TemplateView):
    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = self.population_message()
        threshold = selectors.threshold()
        context.update(
            form=self.form,
            selection=self.selection,
            message=message,
            tables=[] if message else [self.table(m) for m in selectors.MEASURES],
            freshness=self.freshness(),
            explanation=presenters.explanation(threshold),
            query=self.query_string(),
            own_team_name=self.axes.team_labels.get(self.own_team or "", ""),
        )
        return context


class TableCsvView(ReportMixin, View):
    def get(self, request, key: str):
        measure = selectors.BY_KEY.get(key)
        if measure is None or measure is selectors.PEOPLE:
            raise Http404("No such table.")
        rows = self._rows(measure)
        response = HttpResponse(presenters.csv_text(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
        return response

    def _rows(self, measure):
        message = self.population_message()
        if message:
            return [[measure.title], [self.selection.words], [message]]
        rows = presenters.csv_rows(self.table(measure), self.selection.words)
        return [*rows, [], [self.freshness()]]


class BundleView(TableCsvView):
    """The whole report: one CSV per table in a zip, with a README of the rules."""

    def get(self, request):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for measure in selectors.MEASURES:
                bundle.writestr(f"{measure.key}.csv", presenters.csv_text(self._rows(measure)))
            bundle.writestr(
                "README.txt",
                f"{self.selection.words}\n\n{presenters.explanation(selectors.threshold())}"
                f"\n\n{self.freshness()}\n",
            )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        name = slugify(f"reports {self.selection.period.code}")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return response


class RecordingQualityView(PermissionRequiredMixin, TemplateView):
    """A team leader's review of recording quality, worker by worker (AGG-5)."""

    permission = Permission.VIEW_RECORDING_QUALITY
    template_name = "reports/recording_quality.html"

    def get_context_data(self, **kwargs):
        from goldenthread.people.access import log_list_view

        from .quality import ISSUES, recording_quality

        context = super().get_context_data(**kwargs)
        rows = recording_quality(self.request.user, timezone.localdate())
        context.update(rows=rows, issues=ISSUES, team=self.request.user.team)
        shown = {p.pk for row in rows for people in row.people.values() for p in people}
        log_list_view(self.request, sorted(shown), reason="Recording quality review")
        return context
