"""Generated ORUK feeds for the import tests: as many records as a test needs."""

from __future__ import annotations

import json
from pathlib import Path

ACTIVITIES = (
    "Lunch club",
    "Walking group",
    "Carers' café",
    "Knit and natter",
    "Men's shed",
    "Swimming for older people",
    "Memory café",
    "Befriending",
    "Chair yoga",
)
TOWNS = ("Northfield", "Riverside", "Kirkton", "Easthaven", "Westcliff")


def service(n: int) -> dict:
    """One ORUK v1 service with an organisation and a location, like a council's."""
    activity = ACTIVITIES[n % len(ACTIVITIES)]
    town = TOWNS[n % len(TOWNS)]
    return {
        "id": f"svc-{n}",
        "name": f"{activity} {n}",
        "description": f"<p>{activity} in {town}, every week.</p><ul><li>Tea</li>"
        f"<li>A chat</li></ul><p>Call 01234 {n:06d}.</p>",
        "url": f"https://example.org/{n}",
        "email": f"group{n}@example.org",
        "status": "active",
        "fees": "Free" if n % 3 else "£2 a session",
        "organization": {
            "id": f"org-{n % 50}",
            "name": f"Community Trust {n % 50}",
            "description": "A local charity.",
            "url": "",
            "logo": "",
            "uri": "",
        },
        "service_at_locations": [
            {
                "location": {
                    "id": f"loc-{n}",
                    "name": f"{town} Hall",
                    "physical_addresses": [
                        {"address_1": f"{n} High Street", "city": town, "postal_code": "AB1 2CD"}
                    ],
                }
            }
        ],
        "pc_targetAudience": [{"id": "Older people", "audienceType": "Older people"}],
    }


def write_feed(path: Path, count: int, *, extra: list | None = None) -> Path:
    path.write_text(
        json.dumps([service(n) for n in range(count)] + list(extra or [])), encoding="utf-8"
    )
    return path
