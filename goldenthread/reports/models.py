"""Stored report figures (OPS-3): each table's protected cube for one period, so a page
reads figures computed before it was asked for (docs/adr/0015, snapshots.py).

A row holds counts and suppression marks only: category codes and numbers, never a name,
an id of a person or any free text."""

from __future__ import annotations

from django.db import models


class ReportSnapshot(models.Model):
    """Written by the reports code only, never typed by anyone (so not editable)."""

    key = models.CharField(max_length=64, unique=True, editable=False)  # table, period, …
    measure = models.CharField(max_length=80, editable=False)
    period_code = models.CharField(max_length=20, editable=False)
    computed_at = models.DateTimeField(editable=False)
    # The change log's last place (audit ChangeRecord.seq) read before the counts were: a
    # higher one now means records have changed since.
    data_mark = models.BigIntegerField(editable=False)
    # The protected cube's JSON; for a cube whose JSON is larger than
    # GOLDENTHREAD_REPORTS_PACK_ABOVE_BYTES, only {"packed": true} (and "linked"), the JSON
    # itself compressed in `packed`: PostgreSQL stores no jsonb value over 256 MB, and a
    # nation's review progress for a rolling year is larger (#14, snapshots.cube_json).
    cube = models.JSONField(editable=False)
    packed = models.BinaryField(null=True, editable=False)
    # The records the counts were read from, as the change log names them (model labels,
    # "sds.UnmetNeed"): a change to none of them leaves the figures current (#14).
    reads = models.JSONField(default=list, editable=False)
    # The whole table withheld (no slices stored): read without the cube (#14).
    withheld = models.BooleanField(default=False, editable=False)
    # Set while one process recomputes the figures, so others serve these meanwhile.
    refreshing_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["period_code", "measure"], name="report_snapshot_period")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period_code} at {self.computed_at:%Y-%m-%d %H:%M}"


class ReportSlice(models.Model):
    """One filter selection's cells of a stored table (#14, OPS-3): what a page shows for
    that team or area, age group and main reason for support, taken from the protected
    cube when it was stored, so a request reads a few cells, not the whole cube. Status
    and number per cell only (`snapshots.slice_cells`)."""

    snapshot = models.ForeignKey(
        ReportSnapshot, on_delete=models.CASCADE, related_name="slices", editable=False
    )
    # The filters' coordinates, "team|age|reason" (a team, an area's code or the total).
    selection = models.CharField(max_length=200, editable=False)
    cells = models.JSONField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "selection"], name="report_slice_one_per_selection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.selection}"
