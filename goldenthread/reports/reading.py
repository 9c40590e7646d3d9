"""Reading the reports for one request (AGG-1..3): the filters chosen, the protected
tables and when their figures were computed. Shared by the report pages and the API."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django import http
from django.utils import timezone

from goldenthread.accounts.rules import can
from goldenthread.core.formatting import date_text
from goldenthread.core.permissions import Permission

from . import presenters, selectors, snapshots, tasks
from .disclosure import TOTAL, Cell, Status
from .forms import ReportFilterForm
from .periods import AGE_GROUP_LABELS, Period, parse_period


@dataclass
class Selection:
    period: Period
    fixed: dict[str, str]
    words: str


class ReportReader:
    """The chosen selection and its protected tables for one request: the report pages
    (views.ReportMixin) and the API (api/views/reports.py) read the reports through this,
    so both show the same cubes with the same disclosure control."""

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
        if self.form.is_bound and not self.form.is_valid():
            # Never the default selection's words beside a refusal: no numbers are shown.
            return Selection(
                parse_period("rolling", self.today),
                {"team": "", "age": TOTAL, "reason": TOTAL},
                "No numbers until the filters are corrected",
            )
        data = self.form.cleaned_data if self.form.is_bound else {}
        period = parse_period(data.get("period") or "rolling", self.today)
        team = self.own_team or data.get("team") or ""
        area = data.get("area") or ""
        words = [period.label]
        words.append(self.axes.team_labels[team] if team else "All teams")
        words.append(self.axes.area_labels[area] if area else "All areas")
        age = data.get("age") or TOTAL
        words.append(f"Aged {AGE_GROUP_LABELS[age]}" if age != TOTAL else "All ages")
        reason = data.get("reason") or TOTAL
        if reason != TOTAL:
            words.append(f"Main reason for support: {selectors.SUPPORT_REASON_LABELS[reason]}")
        if team:
            # A team and another area's name cover nobody.
            where = (
                team if not area or self.axes.team_area[team] == selectors.area_code(area) else ""
            )
        else:
            where = selectors.area_code(area) if area else TOTAL
        return Selection(period, {"team": where, "age": age, "reason": reason}, ", ".join(words))

    @cached_property
    def mark(self) -> int | None:
        """The change log's place, read once for the request's tables."""
        return snapshots.data_mark() if snapshots.enabled() else None

    @cached_property
    def seen(self) -> list[snapshots.Figures]:
        return []

    @cached_property
    def ready(self) -> dict[str, snapshots.Figures]:
        """Figures read ahead at the selection (`prefetch`), by table."""
        return {}

    def prefetch(self, measures: Iterable[selectors.Measure]) -> None:
        """Read the stored figures of `measures` and of the population at the chosen
        filters only, in two queries, not their whole cubes (#14, OPS-3). Tables not
        stored for the selection, or due to be recomputed, are read as before."""
        fixed = self.selection.fixed
        if (
            self.mark is None
            or not fixed["team"]
            or (self.form.is_bound and not self.form.is_valid())
        ):
            return
        period, limit = self.selection.period, selectors.threshold()
        tables = (selectors.PEOPLE, *measures)
        keys = {
            m.key: selectors.snapshot_key(m, period, self.today, self.axes, limit) for m in tables
        }
        base = (fixed["team"], fixed["age"], fixed["reason"])
        background = self.background & keys.keys()
        found = snapshots.selection_figures(
            keys, base, mark=self.mark, threshold=limit, background=background
        )
        if any(not found[k].current for k in background & found.keys()):
            # Out of date, served as they are: computed again in the background (#14).
            tasks.ask_to_prepare(period.code, self.today)
        self.ready.update(found)

    @cached_property
    def background(self) -> frozenset[str]:
        """The tables too large to compute in this request (`selectors.in_background`)."""
        period = self.selection.period
        return frozenset(
            m.key
            for m in (selectors.PEOPLE, *selectors.MEASURES)
            if selectors.in_background(m, period, self.axes)
        )

    @cached_property
    def preparing(self) -> list[str]:
        """The tables whose figures are being worked out in the background (#14)."""
        return []

    def figures(self, measure: selectors.Measure) -> snapshots.Figures:
        """The table's figures; `snapshots.FiguresPreparing` when they are not stored and
        are being worked out in the background (a table too large to compute now)."""
        found = self.ready.get(measure.key)
        if found is None:
            try:
                found = selectors.figures(
                    measure, self.selection.period, self.today, self.axes, mark=self.mark
                )
            except snapshots.FiguresPreparing:
                self.preparing.append(measure.key)
                raise
        self.seen.append(found)
        if not found.current and measure.key in self.background:
            self.behind.append(measure.key)
        return found

    @cached_property
    def behind(self) -> list[str]:
        """Tables served out of date while the background worker computes them again."""
        return []

    def freshness(self) -> str:
        """When the figures shown were computed, and whether records have changed since."""
        if not self.seen:
            return ""
        oldest = min(f.computed_at for f in self.seen)
        local = timezone.localtime(oldest)
        words = f"Figures computed at {local:%H:%M} on {date_text(local)}."
        if self.behind:
            # Large tables: computed again in the background, which takes a while (#14).
            words += (
                " Records have changed since then; the figures are being worked out again "
                "in the background."
            )
        elif not all(f.current for f in self.seen):
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
        return cube.cell((s["team"], s["age"], s["reason"], "people"))

    def population_message(self) -> str:
        """Words instead of numbers when the filters narrow the population too far, or
        cannot be chosen together (a team or area with a main reason for support)."""
        if self.form.is_bound and not self.form.is_valid():
            return " ".join(str(m) for messages in self.form.errors.values() for m in messages)
        try:
            cell = self.population()
        except snapshots.FiguresPreparing:
            return (
                f"The figures for {_in_a_sentence(self.selection.period.label)} are being "
                "worked out. "
                f"{presenters.IN_BACKGROUND}"
            )
        t = selectors.threshold()
        if cell.status is Status.SHOWN and cell.value == 0:
            return "No one with a record matches these filters."
        if cell.status is Status.SMALL:
            return (
                f"These filters cover {presenters.small_words(t)} people, so no numbers "
                "are shown. Choose a wider selection."
            )
        if cell.status is Status.HIDDEN:
            # The number of people is hidden to protect a small count elsewhere (another
            # period's, ADR 0038), not small itself (that is SMALL): each table below is
            # protected on its own and with its group, so they are shown.
            return ""
        if cell.status is not Status.SHOWN:
            return (
                "Numbers for these filters are not shown, so that small counts cannot be "
                "worked out by comparing them with other selections. Choose a wider "
                "selection."
            )
        return ""

    def table(self, measure: selectors.Measure) -> presenters.Table:
        period = self.selection.period
        try:
            cube = self.figures(measure).cube
        except snapshots.FiguresPreparing:
            return presenters.preparing_table(measure)
        return presenters.table_for(measure, cube, measure.row_axis(period), self.selection.fixed)

    def query_string(self) -> str:
        return self.request.GET.urlencode()


def _in_a_sentence(label: str) -> str:
    """A period's label inside a sentence: "the 12 months to May 2026", not "The"."""
    return "the" + label[3:] if label.startswith("The ") else label
