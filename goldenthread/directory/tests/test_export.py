"""ORUK 3.0 export (IO-3): every service validates against the UK profile's compiled
schema and HSDS 3.0, keeps what was imported, and has stable UUIDs."""

import json
import uuid

import pytest

from goldenthread.directory.export import export_services
from goldenthread.directory.factories import CommunityResourceFactory, ResourceLocationFactory
from goldenthread.directory.selectors import resources_for_export
from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import

from .conftest import (
    HSDS3_SERVICE_EXAMPLE,
    HSDS3_SERVICE_SCHEMA,
    HSDS_11_PACKAGE,
    UK_SERVICE_EXAMPLE,
    UK_SERVICE_SCHEMA,
    need,
)

pytestmark = pytest.mark.django_db
jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module", params=["uk-profile", "hsds-3.0"])
def validator(request):
    path = UK_SERVICE_SCHEMA if request.param == "uk-profile" else HSDS3_SERVICE_SCHEMA
    need(path)
    schema = json.loads(path.read_text(encoding="utf-8"))
    # The schemas declare no $schema: use 2020-12 (HSDS 3.0's draft); its $refs are local.
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def errors(validator, services):
    return [
        f"{s.get('name')}: {e.json_path}: {e.message}"
        for s in services
        for e in validator.iter_errors(s)
    ]


def test_the_validator_is_not_vacuous(validator):
    need(UK_SERVICE_EXAMPLE)
    example = json.loads(UK_SERVICE_EXAMPLE.read_text(encoding="utf-8"))
    assert errors(validator, [example]) == []
    assert errors(validator, [{**example, "id": "not-a-uuid"}])
    assert errors(validator, [{k: v for k, v in example.items() if k != "name"}])
    assert errors(validator, [{**example, "status": "open"}])


def test_the_30_example_round_trips(validator):
    need(UK_SERVICE_EXAMPLE)
    directory_import(actor=COMMAND_LINE_IMPORT, path=UK_SERVICE_EXAMPLE, source="uk-example")
    [service] = export_services(resources_for_export())
    assert errors(validator, [service]) == []
    assert service["id"] == "ac148810-d857-441c-9679-408f346de14b"
    assert service["organization"]["id"] == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert service["organization"]["website"] == "http://example.com"
    assert (service["minimum_age"], service["maximum_age"]) == (12, 100)
    assert service["cost_options"][0]["amount"] == 35
    assert service["contacts"][0]["name"] == "Ann Persona"
    assert service["attributes"][0]["taxonomy_term"]["id"] == (
        "3f7b145d-84af-42d7-8fae-eaca714b02b2"
    )
    location = service["service_at_locations"][0]["location"]
    assert location["id"] == "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    assert location["addresses"][0]["city"] == "MyCity"
    assert "latitude" not in location  # 100, 101 was not a place on Earth
    assert service["last_modified"] == "2023-03-15T10:30:45Z"


def test_the_hsds_11_package_exports_valid_services(validator):
    need(HSDS_11_PACKAGE)
    directory_import(actor=COMMAND_LINE_IMPORT, path=HSDS_11_PACKAGE, source="hsds")
    services = export_services(resources_for_export())
    assert len(services) == 13
    assert errors(validator, services) == []
    bubbles = next(s for s in services if s["name"] == "Bubbles at The Cross")
    assert bubbles["phones"][0]["number"] == "(223) 4567 12534"


def test_made_up_ids_become_stable_uuids(validator):
    resource = CommunityResourceFactory(
        source_id="17",
        name="Lunch Club",
        is_free=True,
        phone="01724 000000",
        categories=[{"name": "Older people", "taxonomy": "Target audience"}],
        contacts=[{"name": "Ann", "phones": ["07700 900000"]}],
        cost_options=[{"option": "Meal", "amount": 3.5, "amount_description": "per lunch"}],
    )
    ResourceLocationFactory(
        resource=resource,
        address="Church Hall\nHigh Street",
        latitude=53.59,
        longitude=-0.65,
        country="",
    )
    first = export_services(resources_for_export())
    second = export_services(resources_for_export())
    assert first == second
    assert errors(validator, first) == []
    [service] = first
    uuid.UUID(service["id"])
    assert [p["number"] for p in service["phones"]] == ["01724 000000", "07700 900000"]
    address = service["service_at_locations"][0]["location"]["addresses"][0]
    assert address["address_1"] == "Church Hall, High Street" and address["country"] == "GB"
    assert service["cost_options"][0]["amount"] == 3.5


def test_same_feed_id_under_two_sources_gets_two_ids(validator):
    CommunityResourceFactory(source="a", source_id="2af617e5-4532-bebe-1036-ffdf2e93ce55")
    CommunityResourceFactory(source="b", source_id="2af617e5-4532-bebe-1036-ffdf2e93ce55")
    services = export_services(resources_for_export())
    assert len({s["id"] for s in services}) == 2
    assert errors(validator, services) == []


def test_a_phones_extension_is_exported_apart(validator):
    need(HSDS3_SERVICE_EXAMPLE)
    directory_import(actor=COMMAND_LINE_IMPORT, path=HSDS3_SERVICE_EXAMPLE, source="h3")
    CommunityResourceFactory(
        source_id="18",
        phone="0117 922 2000 ext. 42",
        contacts=[{"name": "Ann", "phones": ["07700 900000", "not checked"]}],
    )
    services = export_services(resources_for_export())
    assert errors(validator, services) == []
    by_name = {s["name"]: s for s in services}
    [phone] = by_name["Community Counselling"]["phones"]
    assert (phone["number"], phone["extension"]) == ("+44 1234 234567", 100)
    phones = next(s for s in services if s["name"] != "Community Counselling")["phones"]
    assert [(p["number"], p.get("extension")) for p in phones] == [
        ("0117 922 2000", 42),
        ("07700 900000", None),
        ("not checked", None),  # stored before numbers were checked: given as it was
    ]
