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

from . import presenters, selectors, topics
from .reading import ReportReader


class ReportMixin(ReportReader, PermissionRequiredMixin):
    permission = Permission.VIEW_REPORTS


class _PageMixin(ReportMixin):
    """What the index and a topic's page share: the filters, the selection's words, the
    rules and when the figures shown were computed."""

    def page_context(self, message: str) -> dict:
        return {
            "form": self.form,
            "selection": self.selection,
            "message": message,
            "explanation": presenters.explanation(selectors.threshold()),
            "query": self.query_string(),
            "own_team_name": self.axes.team_labels.get(self.own_team or "", ""),
            # The figures of the whole selection are being worked out (#14).
            "preparing": selectors.PEOPLE.key in self.preparing,
            "table_preparing_words": presenters.PREPARING_WORDS,
        }


class ReportsView(_PageMixin, TemplateView):
    """The index: the filters and every topic with its tables, each linking to the topic's
    page with the filters chosen (#14: a page of ~20 tables was too slow at council size)."""

    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.prefetch(())
        context.update(self.page_context(self.population_message()), topics=topics.TOPICS)
        context["freshness"] = self.freshness()
        return context


class TopicView(_PageMixin, TemplateView):
    """One topic's tables, each chart beside its data table, with its CSV link."""

    template_name = "reports/topic.html"

    def get_context_data(self, **kwargs):
        topic = topics.BY_SLUG.get(kwargs["topic"])
        if topic is None:
            raise Http404("No such report.")
        context = super().get_context_data(**kwargs)
        self.prefetch(topic.measures)
        message = self.population_message()
        context.update(
            self.page_context(message),
            topic=topic,
            tables=[] if message else [self.table(m) for m in topic.measures],
        )
        context["freshness"] = self.freshness()
        return context


class TableCsvView(ReportMixin, View):
    def get(self, request, key: str):
        measure = selectors.BY_KEY.get(key)
        if measure is None or measure is selectors.PEOPLE:
            raise Http404("No such table.")
        self.prefetch([measure])
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
        self.prefetch(selectors.MEASURES)
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
