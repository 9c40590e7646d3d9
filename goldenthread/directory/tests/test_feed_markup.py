"""A feed cannot plant markup (#11): escaped tags ("&lt;b&gt;") in names and descriptions
are decoded before tags are removed, so what is stored is plain text, and every page shows
it as text."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from goldenthread.directory.models import CommunityResource, Organisation, ResourceLocation
from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import

pytestmark = pytest.mark.django_db

ESCAPED_MARKER = (
    '&lt;b data-gt-marker hx-post="/x" hx-trigger="load"&gt;MARK&lt;/b&gt;'
    "&lt;img data-gt-marker src=x onerror=alert(1)&gt;"
)
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
TWICE_ESCAPED = "&amp;lt;b data-gt-marker&amp;gt;MARK&amp;lt;/b&amp;gt;"


def _feed() -> list[dict]:
    return [
        {
            "id": "s1",
            "name": f"Lunch club {ESCAPED_MARKER} {ESCAPED_SCRIPT}",
            "description": f"<p>Hot lunch {ESCAPED_MARKER}</p><p>{ESCAPED_SCRIPT}Tuesdays "
            f"{TWICE_ESCAPED}</p>",
            "status": "active",
            "fees": f"£3 {ESCAPED_MARKER}",
            "organization": {
                "id": "o1",
                "name": f"Charity {ESCAPED_MARKER}",
                "description": f"Local {ESCAPED_SCRIPT}",
            },
            "eligibility_description": f"Over 60s {TWICE_ESCAPED}",
            "contacts": [{"name": f"Pat {ESCAPED_MARKER}", "title": "Organiser"}],
            "service_areas": [{"service_area": f"Northfield {ESCAPED_MARKER}"}],
            "service_at_locations": [
                {
                    "location": {
                        "id": "l1",
                        "name": f"Hall {ESCAPED_MARKER}",
                        "description": f"Round the back {ESCAPED_SCRIPT}",
                        "physical_addresses": [
                            {
                                "address_1": f"1 High St {ESCAPED_MARKER}",
                                "city": "Northfield",
                                "postal_code": "AB1 2CD",
                            }
                        ],
                    }
                }
            ],
        }
    ]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if (
            "data-gt-marker" in names
            or "onerror" in names
            or (tag == "script" and not dict(attrs).get("src"))
        ):
            self.found.append(self.get_starttag_text() or tag)

    def handle_data(self, data):
        self.text.append(data)


def _read(html: str) -> tuple[list[str], str]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found, "".join(parser.text)


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(_feed()), encoding="utf-8")
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="marked")
    assert report.created == 1, str(report)
    return CommunityResource.objects.get(source="marked")


def test_escaped_tags_in_a_feed_are_stored_as_plain_words(imported):
    values = [
        imported.name,
        imported.description,
        imported.fees,
        imported.eligibility,
        imported.service_area,
        json.dumps(imported.contacts),
    ]
    organisation = Organisation.objects.get()
    values += [organisation.name, organisation.description]
    for location in ResourceLocation.objects.all():
        values += [location.name, location.description, location.address]
    for value in values:
        assert "<" not in value and ">" not in value, value
        assert "alert(1)" not in value, value
    assert imported.name == "Lunch club MARK"
    assert imported.description == "Hot lunch MARK\n\nTuesdays MARK"


def test_pages_show_feed_text_as_text(imported, practitioner_client):
    pages = [
        practitioner_client.get(reverse("directory:detail", args=[imported.pk])),
        practitioner_client.get(reverse("directory:search"), {"q": "lunch"}),
        practitioner_client.get(
            reverse("directory:search"), {"q": "lunch"}, HTTP_HX_REQUEST="true"
        ),
    ]
    for response in pages:
        assert response.status_code == 200
        found, text = _read(response.content.decode())
        assert not found
        assert "Lunch club MARK" in text
