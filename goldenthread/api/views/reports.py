"""Reports through the API (AGG-1..3, UN-2): the same protected tables as the report pages
and their CSVs — the same cubes, slices and disclosure control (reports/disclosure.py),
worked out by the pages' own code (reports.reading.ReportReader), never counted here. A
commissioner sees the council, a team leader their own team; numbers that could reveal a
small count are words, never numbers (`value` is null)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from goldenthread.accounts.rules import can
from goldenthread.core.permissions import Permission
from goldenthread.reports import selectors
from goldenthread.reports.reading import ReportReader

from ..schemas import Input
from .common import answers

router = Router(tags=["Reports"])


class ReportParams(Input):
    period: str = Field(
        "",
        description="A period code the report pages offer; the rolling year when left out.",
        max_length=40,
    )
    team: str = Field("", description="A team's id (commissioners only).", max_length=40)
    area: str = Field("", description="An area's id.", max_length=40)
    age: str = Field("", description="An age group code.", max_length=20)
    reason: str = Field(
        "",
        description="A main reason for support, by its code (as a person's support_reason), "
        "or 'none' for people with none recorded. All teams and areas only: not with team or "
        "area.",
        max_length=40,
    )


class ReportCellOut(Schema):
    text: str
    value: int | None
    status: str


class ReportRowOut(Schema):
    label: str
    is_total: bool
    cells: list[ReportCellOut]


class ReportTableOut(Schema):
    key: str
    title: str
    counted: str
    note: str
    withheld: bool
    preparing: bool = Field(
        False,
        description="The figures are being worked out in the background (a table too "
        "large to compute during the call): no rows yet; ask again later.",
    )
    columns: list[str]
    rows: list[ReportRowOut]


class ReportOut(Schema):
    selection: str
    threshold: int
    message: str = Field(
        ...,
        description="Why no numbers are shown, when the filters "
        "cover too few people; empty otherwise.",
    )
    tables: list[ReportTableOut]


class _Report(ReportReader):
    """The report pages' selection and tables, for one API call."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request


def _table(table) -> dict:
    return {
        "key": table.measure.key,
        "title": table.measure.title,
        "counted": table.measure.counted,
        "note": table.measure.note,
        "withheld": table.withheld,
        "preparing": table.preparing,
        "columns": table.columns,
        "rows": [
            {
                "label": row.label,
                "is_total": row.is_total,
                "cells": [
                    {"text": c.text, "value": c.value, "status": c.status.value} for c in row.cells
                ],
            }
            for row in table.rows
        ],
    }


@router.get(
    "/reports",
    response=answers({200: ReportOut}),
    url_name="reports",
    summary="Every report table for the chosen period, area, team, age group and main reason "
    "for support, with "
    "disclosure control: small counts are words, never numbers",
)
def report_tables(request: HttpRequest, params: Query[ReportParams]):
    if not can(request.user, Permission.VIEW_REPORTS):
        raise PermissionDenied("Reports are for commissioners and team leaders.")
    report = _Report(request)
    form = report.form
    if form.is_bound and not form.is_valid():
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        )
    # The stored figures of every table at these filters in two queries, not whole cubes (#14).
    report.prefetch(selectors.MEASURES)
    message = report.population_message()
    return {
        "selection": report.selection.words,
        "threshold": selectors.threshold(),
        "message": message,
        "tables": [] if message else [_table(report.table(m)) for m in selectors.MEASURES],
    }
