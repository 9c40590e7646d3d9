"""Importing Open Referral data (SS-4, IO-3): formats, per-record rejection with reasons,
idempotence, updates from upstream, savepoints, the command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from goldenthread.audit.models import ChangeRecord
from goldenthread.directory.models import CommunityResource, Organisation, ResourceLocation
from goldenthread.directory.selectors import search_resources
from goldenthread.directory.services import (
    COMMAND_LINE_IMPORT,
    DirectoryImportError,
    directory_import,
)

from .conftest import HSDS_11_PACKAGE, UK_SERVICE_EXAMPLE, need

pytestmark = pytest.mark.django_db


def service(id_, name, **extra):
    record = {
        "id": id_,
        "name": name,
        "description": f"<p>{name} meets every week.</p>",
        "url": "",
        "email": "",
        "status": "active",
        "fees": "",
        "organization": {
            "id": "org-1",
            "name": "Westcliff Community Works",
            "description": "",
            "url": "",
            "logo": "",
            "uri": "",
        },
        "pc_targetAudience": [{"id": "Carers", "audienceType": "Carers "}],
    }
    record.update(extra)
    return record


def write(tmp_path, data, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_oruk_v1_list_imports_and_a_second_import_changes_nothing(tmp_path):
    path = write(
        tmp_path,
        [
            service("a1", "Lunch Club", fees="£3 for a hot meal"),
            service("a2", "Walking Group", url="www.example.org/walks", fees="Free"),
            service("a3", "Knit and Natter", email="knit@example.org"),
        ],
    )
    first = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="westcliff")
    assert first.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert first.organisations_created == 1
    lunch = CommunityResource.objects.get(source="westcliff", source_id="a1")
    assert lunch.description == "Lunch Club meets every week."
    assert lunch.organisation.name == "Westcliff Community Works"
    assert lunch.is_free is False and lunch.fees == "£3 for a hot meal"
    assert lunch.categories == [{"name": "Carers", "taxonomy": "Target audience"}]
    assert lunch.raw["pc_targetAudience"][0]["audienceType"] == "Carers "  # as received
    walk = CommunityResource.objects.get(source_id="a2")
    assert walk.url == "https://www.example.org/walks" and walk.is_free is True
    changes = ChangeRecord.objects.filter(object_type="directory.CommunityResource")
    assert changes.count() == 3

    second = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="westcliff")
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert second.organisations_created == second.organisations_updated == 0
    assert changes.count() == 3  # nothing written
    assert CommunityResource.objects.count() == 3 and Organisation.objects.count() == 1


def test_malformed_records_are_rejected_with_a_reason_and_the_rest_import(tmp_path):
    path = write(
        tmp_path,
        [
            service("ok-1", "Befriending"),
            service("b2", "   "),
            {"name": "No id here"},
            "just a string",
            service("b5", "Closed club", status="open"),
            service("b6", {"en": "Name in a dict"}),
            service("ok-1", "Befriending again"),
            service("b8", "<p><br></p>"),
            service("ok-9", "Swimming for over 60s"),
        ],
    )
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="messy")
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 7}
    assert [str(r) for r in report.rejected] == [
        "feed.json: record 2 (id b2): no name",
        "feed.json: record 3: no id",
        "feed.json: record 4: not a service object (found str)",
        "feed.json: record 5 (id b5): unknown status 'open' (expected one of: active, "
        "inactive, defunct, temporarily closed)",
        "feed.json: record 6 (id b6): name is not text",
        "feed.json: record 7 (id ok-1): the same id as record 1; only the first is imported",
        "feed.json: record 8 (id b8): no name",
    ]
    assert set(CommunityResource.objects.values_list("source_id", flat=True)) == {"ok-1", "ok-9"}
    assert CommunityResource.objects.get(source_id="ok-1").name == "Befriending"
    text = str(report)
    assert "9 records: 2 created, 0 updated, 0 unchanged, 7 rejected." in text
    assert "record 2 (id b2): no name" in text
    assert ("no name", 2) in report.rejection_reasons()


def test_a_record_changed_upstream_is_updated_and_search_follows(tmp_path):
    records = [service("c1", "Tea Dance"), service("c2", "Chess Club")]
    path = write(tmp_path, records)
    directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="feed")
    assert [r.name for r in search_resources("dance")] == ["Tea Dance"]

    records[0]["name"] = "Tea and Tango"
    records[0]["description"] = "<p>Tango lessons with tea.</p>"
    records[0]["service_at_locations"] = [
        {
            "id": "sal-1",
            "location": {
                "id": "loc-1",
                "name": "Westcliff Hall",
                "latitude": 53.58,
                "longitude": -0.65,
                "physical_addresses": [
                    {
                        "address_1": "Church Lane",
                        "city": "Scunthorpe",
                        "postal_code": "dn16 1aa",
                        "country": "GB",
                    }
                ],
            },
        }
    ]
    write(tmp_path, records)
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="feed")
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 1, "rejected": 0}
    resource = CommunityResource.objects.get(source_id="c1")
    assert resource.name == "Tea and Tango"
    location = resource.locations.get()
    assert (location.town, location.postcode, location.postcode_district) == (
        "Scunthorpe",
        "DN16 1AA",
        "DN16",
    )
    assert (location.latitude, location.longitude) == (53.58, -0.65)
    change = ChangeRecord.objects.get(object_id=str(resource.pk), action="update")
    assert change.before["name"] == "Tea Dance" and change.after["name"] == "Tea and Tango"
    assert search_resources("dance") == []
    assert [r.name for r in search_resources("tango", place="DN16")] == ["Tea and Tango"]
    assert [r.name for r in search_resources("tango", place="Scunthorpe")] == ["Tea and Tango"]


def test_a_record_that_fails_to_save_leaves_nothing_behind(tmp_path, monkeypatch):
    records = [
        service("d1", "Art Group"),
        service(
            "d2",
            "Choir",
            organization={"id": "org-2", "name": "Sing Out", "description": ""},
            service_at_locations=[{"location": {"id": "l", "name": "Hall"}}],
        ),
        service("d3", "Book Club"),
    ]
    path = write(tmp_path, records)
    real_bulk_create = ResourceLocation.objects.bulk_create

    def failing_bulk_create(objs, *args, **kwargs):
        if objs:
            raise DatabaseError("disk full")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(ResourceLocation.objects, "bulk_create", failing_bulk_create)
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="feed")
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert str(report.rejected[0]) == (
        "feed.json: record 2 (id d2): could not be saved (DatabaseError: disk full)"
    )
    # Neither the service nor its new organisation nor a history row was kept.
    assert not CommunityResource.objects.filter(source_id="d2").exists()
    assert not Organisation.objects.filter(source_id="org-2").exists()
    assert not ChangeRecord.objects.filter(after__name="Sing Out").exists()
    assert report.organisations_created == 1

    monkeypatch.undo()
    again = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="feed")
    assert again.counts == {"created": 1, "updated": 0, "unchanged": 2, "rejected": 0}
    assert again.organisations_created == 1


def test_an_organisation_shared_by_services_is_stable_across_imports(tmp_path):
    first = service("e1", "Lunch Club")
    second = service("e2", "Coffee Morning")
    second["organization"] = {**second["organization"], "description": "Other words"}
    path = write(tmp_path, [first, second])
    directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="feed")
    again = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="feed")
    assert again.counts["unchanged"] == 2
    assert again.organisations_updated == 0
    assert Organisation.objects.get().description == ""  # the first mention wins


def test_paged_feeds_and_single_services(tmp_path):
    paged = write(
        tmp_path,
        {
            "totalElements": 2,
            "total_pages": 3,
            "number": 1,
            "content": [service("p1", "Gardening"), service("p2", "Yoga")],
        },
        name="paged.json",
    )
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=paged)
    assert report.created == 2 and report.sources == ["paged"]
    assert "paged.json: This file is page 1 of 3; import the other pages too." in report.notes
    single = write(tmp_path, service("s1", "Men's Shed"), name="one.json")
    assert directory_import(actor=COMMAND_LINE_IMPORT, path=single, source="one").created == 1


def test_hsds_11_tabular_package_imports():
    need(HSDS_11_PACKAGE)
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=HSDS_11_PACKAGE, source="hsds-sample")
    assert report.counts == {"created": 13, "updated": 0, "unchanged": 0, "rejected": 0}
    assert report.formats == ["HSDS tabular data package"]
    helpline = CommunityResource.objects.get(source_id="c89eb05c-62dd-4b64-b494-0cc347b6ea7f")
    assert helpline.name == "Never Homeless Helpline"
    assert helpline.organisation.name == "Sanctuary Example City"
    assert helpline.eligibility == "adult"
    assert helpline.service_area == "Sample service area"
    assert helpline.contacts == [
        {"name": "Contact 1", "title": "Mr", "email": "contact1@example.com"}
    ]
    location = helpline.locations.get()
    assert location.name == "Sanctuary on 5th Street" and location.town == "New York City"
    young_minds = CommunityResource.objects.get(name="Yound Minds")
    assert young_minds.locations.get().latitude == pytest.approx(39.428192)
    bubbles = CommunityResource.objects.get(name="Bubbles at The Cross")
    assert bubbles.phone == "(223) 4567 12534"
    assert CommunityResource.objects.get(name="Dear Teacher Skills Refresh").description == (
        "The skills refresh offers teaching staff in Example City free refresher courses in"
        "\n\n• Digital Skills\n• Childhood Development\n• Languages: Spanish"
    )
    assert CommunityResource.objects.filter(status="inactive").count() == 3
    again = directory_import(
        actor=COMMAND_LINE_IMPORT, path=HSDS_11_PACKAGE / "datapackage.json", source="hsds-sample"
    )
    assert again.counts["unchanged"] == 13


def test_oruk_30_example_imports():
    need(UK_SERVICE_EXAMPLE)
    report = directory_import(
        actor=COMMAND_LINE_IMPORT, path=UK_SERVICE_EXAMPLE, source="uk-example"
    )
    assert report.counts["created"] == 1 and report.formats == ["ORUK/HSDS 3.0 JSON"]
    assert any("latitude 100, longitude 101 are not a place on Earth" in w for w in report.warnings)
    resource = CommunityResource.objects.get()
    assert resource.name == "Community Counselling"
    assert (resource.minimum_age, resource.maximum_age) == (12, 100)
    assert resource.is_free is False
    assert resource.cost_options[0]["amount"] == 35
    assert resource.contacts == [{"name": "Ann Persona", "title": "Reception Manager"}]
    assert resource.organisation.url == "http://example.com"
    assert resource.last_updated.isoformat().startswith("2023-03-15T10:30:45")
    location = resource.locations.get()
    assert location.town == "MyCity" and location.latitude is None
    assert resource.service_area.startswith("The service is available to all residents")


def test_unreadable_input_imports_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x", "name": "Lunch"', encoding="utf-8")
    with pytest.raises(DirectoryImportError, match=r"not valid JSON \(line 1, column"):
        directory_import(actor=COMMAND_LINE_IMPORT, path=bad)
    with pytest.raises(DirectoryImportError, match="no such file or folder"):
        directory_import(actor=COMMAND_LINE_IMPORT, path=tmp_path / "missing.json")
    odd = write(tmp_path, {"hello": "world"}, name="odd.json")
    with pytest.raises(DirectoryImportError, match="not a list of services"):
        directory_import(actor=COMMAND_LINE_IMPORT, path=odd)
    assert not CommunityResource.objects.exists()


def test_import_command_prints_the_report_and_export_command_writes_json(tmp_path):
    path = write(tmp_path, [service("f1", "Lunch Club"), service("f2", "")])
    out = StringIO()
    call_command("import_oruk", str(path), "--source", "cmd", "--area", "Scunthorpe", stdout=out)
    text = out.getvalue()
    assert "2 records: 1 created, 0 updated, 0 unchanged, 1 rejected." in text
    assert "feed.json: record 2 (id f2): no name" in text
    assert "Rejection reasons: no name (1)" in text
    assert CommunityResource.objects.get().service_area == "Scunthorpe"
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_oruk", str(tmp_path / "nope.json"), stdout=StringIO())

    target = tmp_path / "export.json"
    out = StringIO()
    call_command("export_oruk", str(target), stdout=out)
    assert "Wrote 1 services" in out.getvalue()
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [s["name"] for s in exported] == ["Lunch Club"]


def test_odd_shapes_inside_a_record_do_not_stop_it(tmp_path):
    odd = service(
        "g1",
        "Craft Café",
        organization=["not", "an", "object"],
        service_at_locations="nowhere",
        contacts=[{"phones": "0123"}, 7],
        cost_options=[{"amount": {"gbp": 3}}],
        pc_targetAudience=[None, "x"],
        minimum_age="ten",
        maximum_age=-1,
    )
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=write(tmp_path, [odd]), source="odd")
    assert report.counts["created"] == 1
    resource = CommunityResource.objects.get()
    assert resource.organisation is None and resource.minimum_age is None
    assert resource.raw["service_at_locations"] == "nowhere"  # kept as received
    assert any("minimum age 'ten' is not a number" in w for w in report.warnings)


def test_only_administrators_import(tmp_path, practitioner, administrator):
    from django.core.exceptions import PermissionDenied

    path = write(tmp_path, [service("h1", "Lunch Club")])
    with pytest.raises(PermissionDenied):
        directory_import(actor=practitioner, path=path)
    assert directory_import(actor=administrator, path=path).created == 1
    change = ChangeRecord.objects.get(object_type="directory.CommunityResource")
    assert change.actor == administrator


def test_the_command_line_imports_by_name_and_no_actor_is_refused(tmp_path):
    """#17: an import no one answers for is refused; the command names itself."""
    from django.core.exceptions import PermissionDenied

    path = write(tmp_path, [service("h1", "Lunch Club")])
    with pytest.raises(PermissionDenied):
        directory_import(actor=None, path=path)
    assert not CommunityResource.objects.exists()
    call_command("import_oruk", str(path), "--quiet", stdout=StringIO())
    change = ChangeRecord.objects.get(object_type="directory.CommunityResource")
    assert change.actor is None and change.actor_name == COMMAND_LINE_IMPORT.name
