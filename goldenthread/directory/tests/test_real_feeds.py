"""The two real council ORUK v1 feeds (Bristol, North Lincolnshire, Dec 2024), imported
once for this module: per-record report, idempotence, search realism, faithful export."""

import json
import re
import time

import pytest

from goldenthread.audit.models import ChangeRecord
from goldenthread.directory.export import export_services
from goldenthread.directory.models import CommunityResource
from goldenthread.directory.selectors import resources_for_export, search_resources
from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import

from .conftest import BRISTOL, HSDS3_SERVICE_SCHEMA, NORTH_LINCS, UK_SERVICE_SCHEMA, need

pytestmark = pytest.mark.django_db


def test_both_feeds_import_with_a_per_record_report(real_feeds):
    bristol, lincs = real_feeds["bristol"], real_feeds["north-lincolnshire"]
    assert bristol.sources == ["bristol"] and bristol.formats == ["ORUK v1 JSON"]
    assert bristol.counts == {"created": 817, "updated": 0, "unchanged": 0, "rejected": 2}
    assert [str(r) for r in bristol.rejected] == [
        "bristol-services.json: record 1 (id def5ccd4-f121-df4d-60d2-4dc0d69ff555): no name",
        "bristol-services.json: record 811 (id 2af617e5-4532-bebe-1036-ffdf2e93ce55): "
        "the same id as record 374; only the first is imported",
    ]
    assert lincs.counts == {"created": 738, "updated": 0, "unchanged": 0, "rejected": 0}
    assert CommunityResource.objects.count() == 817 + 738
    print(f"\n{bristol}\n{lincs}")


def test_descriptions_are_plain_text_with_paragraphs(real_feeds):
    resource = CommunityResource.objects.get(source="bristol", name="1625 Independent People")
    assert "<" not in resource.description and "&nbsp;" not in resource.description
    assert resource.description.startswith(
        "1625 Independent People works with young people aged 16 to 25 who are"
    )
    assert "\n\nWe support those who are already homeless" in resource.description
    assert resource.organisation.name == "1625 Independent People"
    assert resource.service_area == "Bristol"
    assert {"name": "Homeless", "taxonomy": "Target audience"} in resource.categories
    tags = re.compile(r"<(p|span|li|br|a|strong|div|h\d)\b", re.I)
    assert not CommunityResource.objects.filter(description__regex=tags.pattern).exists()


def test_importing_again_changes_nothing(real_feeds):
    history = ChangeRecord.objects.count()
    started = time.monotonic()
    again = [
        directory_import(actor=COMMAND_LINE_IMPORT, path=path, area=area)
        for path, area in ((BRISTOL, "Bristol"), (NORTH_LINCS, "North Lincolnshire"))
    ]
    assert [r.counts for r in again] == [
        {"created": 0, "updated": 0, "unchanged": 817, "rejected": 2},
        {"created": 0, "updated": 0, "unchanged": 738, "rejected": 0},
    ]
    assert ChangeRecord.objects.count() == history
    print(f"\nsecond import of both feeds: {time.monotonic() - started:.1f} s")


def test_a_service_changed_upstream_is_updated(real_feeds, tmp_path):
    records = json.loads(NORTH_LINCS.read_text(encoding="utf-8"))
    records[5]["description"] = "<p>Now meets on Fridays.</p>"
    changed = tmp_path / "north-lincolnshire-services.json"
    changed.write_text(json.dumps(records), encoding="utf-8")
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=changed, area="North Lincolnshire")
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 737, "rejected": 0}
    updated = CommunityResource.objects.get(source="north-lincolnshire", source_id=records[5]["id"])
    assert updated.description == "Now meets on Fridays."


def _text(resource):
    return " ".join([resource.name, resource.search_keywords, resource.description]).lower()


@pytest.mark.parametrize(
    ("query", "stems"),
    [
        ("lunch club", ["lunch", "club"]),
        ("dementia carers", ["dementia", "carer"]),
        ("swimming", ["swim"]),
        ("befriending", ["befriend"]),
        ("walking group", ["walk", "group"]),
    ],
)
def test_search_finds_relevant_real_services(real_feeds, query, stems):
    results = search_resources(query, limit=10)
    assert len(results) >= 5
    for resource in results[:5]:
        assert all(stem in _text(resource) for stem in stems), (query, resource.name)
    print(f"\n{query!r}: " + " | ".join(f"{r.name} ({r.source})" for r in results[:5]))


def test_plurals_prefixes_and_place_on_real_data(real_feeds):
    carer = {r.pk for r in search_resources("carer", limit=50)}
    carers = {r.pk for r in search_resources("carers", limit=50)}
    assert carer == carers and len(carer) == 50
    swim = search_resources("swim")
    assert swim and all("swim" in _text(r) for r in swim[:5])
    in_scunthorpe = search_resources("lunch club", place="Scunthorpe")
    assert in_scunthorpe[0].name == "U3a Scunthorpe and District - Lunch Club"
    assert all("scunthorpe" in (_text(r) + r.place_text.lower()) for r in in_scunthorpe)
    bristol_only = search_resources("lunch club", place="Bristol", limit=50)
    assert bristol_only and {r.source for r in bristol_only} == {"bristol"}


def test_every_exported_service_validates_against_the_uk_profile(real_feeds):
    need(UK_SERVICE_SCHEMA, HSDS3_SERVICE_SCHEMA)
    jsonschema = pytest.importorskip("jsonschema")
    services = export_services(resources_for_export())
    assert len(services) == 817 + 738
    assert len({s["id"] for s in services}) == len(services)
    for schema_path in (UK_SERVICE_SCHEMA, HSDS3_SERVICE_SCHEMA):
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        validator_class = jsonschema.validators.validator_for(
            schema, default=jsonschema.Draft202012Validator
        )
        validator_class.check_schema(schema)
        validator = validator_class(schema, format_checker=jsonschema.FormatChecker())
        errors = [
            f"{s['name']}: {e.json_path}: {e.message}"
            for s in services
            for e in validator.iter_errors(s)
        ]
        assert errors == [], errors[:5]
    by_name = {s["name"]: s for s in services}
    lunch = by_name["U3a Scunthorpe and District - Lunch Club"]
    assert lunch["organization"]["name"] == "U3A - Scunthorpe and District"
    assert lunch["service_areas"][0]["service_area"] == "North Lincolnshire"
    assert lunch["status"] == "active" and lunch["last_modified"].endswith("Z")
