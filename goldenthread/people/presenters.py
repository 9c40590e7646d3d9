"""Display wording for people (not model methods, not template filters)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from goldenthread.core.formatting import date_text, datetime_text

from .models import Person


def format_chi(chi: str) -> str:
    return f"{chi[:6]} {chi[6:]}" if len(chi) == 10 else chi


def caseload_rows(values, workers: dict, *, detail_url) -> list[dict]:
    """Caseload rows with every cell written out, from `selectors.caseload_values` and
    `selectors.current_worker_names`: the template only prints them (no queries, no
    filters, no URL reversal per row)."""
    rows = []
    for v in values:
        chi = v["chi_number"]
        rows.append(
            {
                "pk": v["pk"],
                "url": detail_url(v["pk"]),
                "name": f"{v['preferred_name'] or v['given_name']} {v['family_name']}",
                "date_of_birth": date_text(v["date_of_birth"], short_month=True),
                "chi": format_chi(chi) if chi else "Not known",
                "area": v["area__name"] or "",
                "workers": ", ".join(workers.get(v["pk"], ())) or "Nobody",
            }
        )
    return rows


def age_on(date_of_birth: datetime.date, day: datetime.date | None = None) -> int:
    day = day or timezone.localdate()
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def person_summary_rows(person: Person, *, edit_url: str | None) -> list[dict]:
    """Rows for the SGDS summary list on the person's page."""
    rows = [
        ("Name", f"{person.given_name} {person.family_name}"),
        ("Preferred name", person.preferred_name or "Not given"),
        (
            "Date of birth",
            f"{date_text(person.date_of_birth)} (age {age_on(person.date_of_birth)})",
        ),
        ("CHI number", format_chi(person.chi_number) if person.chi_number else "Not known"),
        ("Communication needs", person.communication_needs or "None recorded"),
        ("Area", person.area.name),
        ("Team", person.team.name),
    ]
    not_editable = {"Team"}  # a person moves team by allocation, not on this form
    return [
        {
            "key": key,
            "value": value,
            "action_url": None if key in not_editable else edit_url,
            "action_label": "Change",
        }
        for key, value in rows
    ]


def draft_saved_text(moment: datetime.datetime) -> str:
    """When a draft was kept, for "We kept what you typed here on …"."""
    return datetime_text(moment)
