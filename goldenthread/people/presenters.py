"""Display wording for people (not model methods, not template filters)."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.utils import timezone

from goldenthread.core.formatting import date_text, datetime_text
from goldenthread.ui.links import id_url, url_place

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
                "area": v["area_name"] or "",
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


@functools.cache
def _outcome_status_text() -> dict[str, str]:
    """An outcome's status in words, as `get_status_display` (people imports no app above)."""
    related: Any = Person._meta.get_field("outcomes").related_model
    return {value: str(label) for value, label in related._meta.get_field("status").flatchoices}


def _worker_name(first: str, last: str) -> str:
    """As `User.get_full_name()`."""
    return f"{first} {last}".strip()


def person_page_lists(person: Person, page: Any, *, today: datetime.date) -> dict[str, Any]:
    """The person's page's lists and links with every cell written out (#19): from
    `selectors.person_page`'s rows, each pattern reversed once per process, dates written
    by `date_text`; the template only prints them."""
    pk = person.pk
    place = url_place()  # read once for the addresses below (#19)
    conversation_url = id_url("conversations:detail", ids=2, place=place)
    outcome_url = id_url("outcomes:detail", ids=2, place=place)
    circle_edit, circle_remove = (
        id_url("people:circle_edit", ids=2, place=place),
        id_url("people:circle_remove", ids=2, place=place),
    )
    allocation_end = id_url("people:allocation_end", ids=2, place=place)
    status_text = _outcome_status_text()
    # Running today, starting later (never "past": it has not begun), or ended.
    current, starting, past = [], [], []
    for a in page.allocations:
        row = {
            "worker_name": _worker_name(a.worker__first_name, a.worker__last_name)
            or a.worker__username,
            "full_name": _worker_name(a.worker__first_name, a.worker__last_name),
            "description": a.description,
            "start_text": date_text(a.start_date, short_month=True),
        }
        if a.end_date is not None and a.end_date < today:
            row["end_text"] = date_text(a.end_date, short_month=True)
            past.append(row)
            continue
        row["end_url"] = allocation_end(pk, a.pk)
        if a.start_date > today:
            row["starts_text"] = f"Starts {date_text(a.start_date)}"
            starting.append(row)
        else:
            current.append(row)
    starting.reverse()  # soonest first (the rows come newest first)
    return {
        "recent_conversations": [
            {
                "url": conversation_url(pk, c.pk),
                "held_on_text": date_text(c.held_on),
                "place": c.place,
                "outcomes_text": f"{c.outcome_count} outcome{'' if c.outcome_count == 1 else 's'}",
            }
            for c in page.recent_conversations
        ],
        "outcomes": [
            {
                "url": outcome_url(pk, o.pk),
                "statement": o.statement,
                "status_text": status_text.get(o.status, o.status),
                "target_text": date_text(o.target_date, short_month=True),
            }
            for o in page.outcomes
        ],
        "circle": [
            {
                "member": m,
                "edit_url": circle_edit(pk, m.pk),
                "remove_url": circle_remove(pk, m.pk),
            }
            for m in page.circle
        ],
        "current_allocations": current,
        "starting_allocations": starting,
        "past_allocations": past,
        "links": {
            name: id_url(view_name, place=place)(pk)
            for name, view_name in (
                ("edit", "people:edit"),
                ("changes", "audit:changes"),
                ("conversations", "conversations:list"),
                ("new_conversation", "conversations:create"),
                ("circle_add", "people:circle_add"),
                ("allocation_add", "people:allocation_add"),
            )
        },
    }


def draft_saved_text(moment: datetime.datetime) -> str:
    """When a draft was kept, for "We kept what you typed here on …"."""
    return datetime_text(moment)
