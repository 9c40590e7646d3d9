"""A system check that fails loudly when the Scottish public holiday table runs out (ACC-2).

Complaint deadlines are counted in working days from the table (working_days.py). Past its
last year they cannot be worked out, and raising a challenge is refused with a message; so
`manage.py check` (run by every start, migrate and deploy) warns a year ahead and is an
error once the table has ended."""

from __future__ import annotations

import datetime

from django.core import checks
from django.utils import timezone

from .working_days import DATA, holiday_table

WARN_MONTHS = 12


def holiday_table_messages(today: datetime.date) -> list[checks.CheckMessage]:
    table = holiday_table()
    end = datetime.date(table.last_year, 12, 31)
    how = f"Add the next years to {DATA.name}, with their source (docs: ADR 0014)."
    if today > end:
        return [
            checks.Error(
                f"The Scottish public holiday table ended on {end:%d %B %Y}: complaint "
                "deadlines cannot be counted in working days, and new challenges are refused.",
                hint=how,
                id="accountability.E001",
            )
        ]
    if (end - today).days < WARN_MONTHS * 31:
        return [
            checks.Warning(
                f"The Scottish public holiday table ends on {end:%d %B %Y}, less than a year "
                "from today: after that, complaint deadlines cannot be counted.",
                hint=how,
                id="accountability.W001",
            )
        ]
    return []


@checks.register()
def check_holiday_table(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return holiday_table_messages(timezone.localdate())
