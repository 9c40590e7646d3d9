"""Report pages (AGG-1..3, UN-2): commissioners see the council, team leaders their team.

No page here names a person or shows free text: the numbers are slices of protected cubes
(disclosure.py), and the same tables go to the CSVs and the bundle."""

from __future__ import annotations

import io
import zipfile

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import TemplateView, View

from goldenthread.core.permissions import Permission
from goldenthread.ui.views import PermissionRequiredMixin

from . import presenters, selectors
from .reading import ReportReader


class ReportMixin(ReportReader, PermissionRequiredMixin):
    permission = Permission.VIEW_REPORTS


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
