"""The Scottish Government / Public Health Scotland social care (Source) SDS extract (#14,
"National return"): one row per person and quarter with the Self-directed Support
option(s) in effect in the quarter.

The fields are those of section `sds` of
shared/reference/national-returns/scotland-source-social-care-fields.csv (from PHS's
source-linkage-files, R/read_sc_all_sds.R reading social_care_2.sds_snapshot, and
R/process_sc_all_sds.R for the derived option 4). The list is written here, not read from
that file; a test compares the two when GOLDENTHREAD_REFERENCE_DIR is set.

Where each field comes from:
- sending_location: the council's code, settings.GOLDENTHREAD_SENDING_LOCATION.
- social_care_id: the person's own record id (Person.pk): stable, not the CHI number, not a
  name.
- period, sds_period_start_date, sds_period_end_date: the quarter ("2026Q3") and its first
  and last days.
- sds_start_date: the date the person chose their option (SdsChoice.chosen_on).
- sds_end_date: the end date of the person's latest agreed budget (BudgetRequest approved,
  latest start date), empty while it is open-ended or there is none.
- sds_option_1..3: 1 when the person's support goes by that option: the option chosen, or
  for option 4 the options its parts are arranged by (MixPart).
- sds_option_4: 1 when the person chose a mix (option 4); by the models' constraints that
  is exactly "more than one of options 1-3" once the mix is set out, PHS's derivation.
- sds_start_date_after_end_date, sds_start_date_after_period_end_date: PHS's validation
  flags, 1 or 0.

Options and flags are 1/0, not TRUE/FALSE: PHS reads these columns with
`as.integer` and filters on `sds_start_date_after_period_end_date != 1`.

Validation before anything is written (the fields file's notes):
- start after end "get fixed": the end date becomes the last day of the period, as PHS's
  fix_sc_end_dates does (it sets such end dates to the submission period's end), and the
  row's sds_start_date_after_end_date flag is 1. Counted as fixed.
- start after the period's end "get removed": the row is not written, counted as a reject.
- a support that ended before the period began is not in the period: left out and counted
  (not a reject; it is simply not this quarter's).

Who is in it is the same selection as the "SDS options chosen" report
(`reports.selectors.SDS_CHOSEN`): people with a chosen option. The report counts the
choices made in the period; the extract also carries choices made earlier and still in
effect. The extract's rows whose sds_start_date falls in the period, counted by option,
are the report's counts (test_source_extract checks it).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from goldenthread.core.formatting import count_text
from goldenthread.sds.models import BudgetRequest, MixPart, RequestStatus, SdsChoice, SdsOption

from .periods import Period, parse_period

FIELDS = (
    "sending_location",
    "social_care_id",
    "period",
    "sds_period_start_date",
    "sds_period_end_date",
    "sds_start_date",
    "sds_end_date",
    "sds_option_1",
    "sds_option_2",
    "sds_option_3",
    "sds_start_date_after_end_date",
    "sds_start_date_after_period_end_date",
    "sds_option_4",
)
"""Section `sds` of shared/reference/national-returns/scotland-source-social-care-fields.csv,
in its order."""

# The reasons a row is counted in the summary.
FIXED_START_AFTER_END = "sds_start_date_after_end_date"
REJECT_START_AFTER_PERIOD_END = "sds_start_date_after_period_end_date"
NOT_IN_PERIOD = "ended_before_period"

REASON_TEXT = {
    FIXED_START_AFTER_END: "start date after end date: end date set to the period's end",
    REJECT_START_AFTER_PERIOD_END: "start date after the period's end: removed",
    NOT_IN_PERIOD: "support ended before the period began: not in the period",
}


class PeriodError(ValueError):
    """The period is not a quarter such as 2026Q3."""


def quarter(code: str) -> Period:
    """The Source SDS extract is quarterly: '2026Q3' only."""
    if not re.fullmatch(r"\d{4}Q[1-4]", (code or "").strip()):
        raise PeriodError(
            f"{code!r} is not a quarter. Give the period as a year and quarter, "
            "for example 2026Q3 (July to September 2026)."
        )
    # A quarter does not depend on today (only 'rolling' does, refused above).
    return parse_period(code.strip(), timezone.localdate())


@dataclass(frozen=True)
class Candidate:
    """One person's SDS choice as recorded, before validation."""

    person_id: uuid.UUID
    chosen_option: str
    start: datetime.date
    end: datetime.date | None
    mix: frozenset[str]  # for option 4: the options (1, 2, 3) its parts are arranged by

    def options(self) -> frozenset[str]:
        if self.chosen_option == SdsOption.OPTION_4:
            return self.mix
        return frozenset({self.chosen_option})


@dataclass
class Extract:
    period: Period
    rows: list[dict[str, str]] = field(default_factory=list)
    fixed: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)

    def person_ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(row["social_care_id"]) for row in self.rows]

    def summary(self) -> list[str]:
        lines = [
            f"Source SDS extract for {self.period.code} ({self.period.label}): "
            f"{count_text(len(self.rows), 'row', 'rows')} written, {sum(self.fixed.values())} "
            "fixed, "
            f"{sum(self.rejected.values())} rejected."
        ]
        for label, counts in (
            ("Fixed", self.fixed),
            ("Rejected", self.rejected),
            ("Left out", self.left_out),
        ):
            for reason, n in sorted(counts.items()):
                lines.append(f"{label}: {n} ({REASON_TEXT[reason]}).")
        return lines

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def chosen_choices():
    """Everyone with an SDS option chosen: the selection the "SDS options chosen" report
    counts from (reports.selectors.chosen_units narrows it to the period)."""
    return SdsChoice.objects.exclude(chosen_option="")


def candidates() -> list[Candidate]:
    """Every recorded SDS choice with its mix and the end of the latest agreed budget.
    Three queries; ids, codes and dates only (no names, no free text)."""
    mix: dict[uuid.UUID, set[str]] = {}
    for person_id, option in MixPart.objects.filter(
        choice__chosen_option=SdsOption.OPTION_4
    ).values_list("person_id", "option"):
        mix.setdefault(person_id, set()).add(option)
    ends: dict[uuid.UUID, datetime.date | None] = {}
    for person_id, end in (
        BudgetRequest.objects.filter(status=RequestStatus.APPROVED)
        .order_by("person_id", "start_date", "decided_at", "id")
        .values_list("person_id", "end_date")
    ):
        ends[person_id] = end  # the last (latest start) wins
    return [
        Candidate(
            person_id=person_id,
            chosen_option=option,
            start=chosen_on,
            end=ends.get(person_id),
            mix=frozenset(mix.get(person_id, ())),
        )
        for person_id, option, chosen_on in chosen_choices()
        .order_by("person_id")
        .values_list("person_id", "chosen_option", "chosen_on")
    ]


def flag(value: bool) -> str:
    return "1" if value else "0"


def validate(candidate: Candidate, period: Period, sending_location: str, extract: Extract):
    """Apply the two rules to one candidate; append its row to `extract` unless removed."""
    if candidate.start > period.end:
        extract.rejected[REJECT_START_AFTER_PERIOD_END] += 1
        return
    end = candidate.end
    start_after_end = end is not None and candidate.start > end
    if start_after_end:
        end = period.end
        extract.fixed[FIXED_START_AFTER_END] += 1
    if end is not None and end < period.start:
        extract.left_out[NOT_IN_PERIOD] += 1
        return
    options = candidate.options()
    extract.rows.append(
        {
            "sending_location": sending_location,
            "social_care_id": str(candidate.person_id),
            "period": period.code,
            "sds_period_start_date": period.start.isoformat(),
            "sds_period_end_date": period.end.isoformat(),
            "sds_start_date": candidate.start.isoformat(),
            "sds_end_date": end.isoformat() if end else "",
            "sds_option_1": flag(SdsOption.OPTION_1 in options),
            "sds_option_2": flag(SdsOption.OPTION_2 in options),
            "sds_option_3": flag(SdsOption.OPTION_3 in options),
            "sds_start_date_after_end_date": flag(start_after_end),
            "sds_start_date_after_period_end_date": "0",
            "sds_option_4": flag(candidate.chosen_option == SdsOption.OPTION_4 or len(options) > 1),
        }
    )


def sending_location() -> str:
    return str(getattr(settings, "GOLDENTHREAD_SENDING_LOCATION", "") or "").strip()


def build(period: Period, location: str) -> Extract:
    extract = Extract(period)
    for candidate in candidates():
        validate(candidate, period, location, extract)
    return extract


def option_of(row: dict[str, str]) -> str:
    """The one option a row counts under in the "SDS options chosen" report."""
    if row["sds_option_4"] == "1":
        return SdsOption.OPTION_4.value
    (option,) = [o for o in ("1", "2", "3") if row[f"sds_option_{o}"] == "1"]
    return f"option_{option}"
