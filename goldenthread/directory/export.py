"""Community resources as Open Referral UK 3.0 service objects (IO-3).

Each exported service validates against the UK profile's compiled schema
(`uk-profile-3.0/schema/compiled/service.json`) and the full HSDS 3.0 service schema.
Every id is a UUID, as the schema asks: the feed's own id where it is one, otherwise a
UUID derived from the source and id (uuid5), so the same data always exports the same ids.

Phones: the UK profile removes `phones` from services and contacts, but HSDS 3.0 keeps
them on the service and the UK schema allows extra properties, so phone numbers are
given as HSDS 3.0 `phones` on the service rather than lost, each with its `extension`
apart when it has one.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from .models import CommunityResource
from .text import phone_parts

# Fixed namespace for ids derived here (never change it: exported ids would change).
NAMESPACE = uuid.UUID("6f1b0c57-4f0e-4d1f-9f43-2b9a4a7e0c11")


def _derived(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def _uuid_or_derived(value: str, *parts: str) -> str:
    try:
        return str(uuid.UUID(value)) if value and len(value) in (32, 36) else _derived(*parts)
    except ValueError:
        return _derived(*parts)


def _iso_date(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return datetime.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return ""


def service_id(resource: CommunityResource) -> str:
    return _uuid_or_derived(resource.source_id, "service", resource.source, resource.source_id)


def resource_to_service(resource: CommunityResource, *, service_uuid: str | None = None) -> dict:
    """One resource as an ORUK 3.0 service object."""
    sid = service_uuid or service_id(resource)
    key = (resource.source, resource.source_id)
    service: dict[str, Any] = {
        "id": sid,
        "name": resource.name,
        "description": resource.description,
        "status": resource.status,
    }
    if resource.url:
        service["url"] = resource.url
    if resource.email:
        service["email"] = resource.email
    if resource.fees:
        service["fees"] = resource.fees
    raw = resource.raw if isinstance(resource.raw, dict) else {}
    for name in ("accreditations", "alert"):
        if isinstance(raw.get(name), str) and raw[name].strip():
            service[name] = raw[name].strip()
    if resource.minimum_age is not None:
        service["minimum_age"] = resource.minimum_age
    if resource.maximum_age is not None:
        service["maximum_age"] = resource.maximum_age
    assured = _iso_date(raw.get("assured_date"))
    if assured:
        service["assured_date"] = assured
    if resource.last_updated:
        service["last_modified"] = (
            resource.last_updated.astimezone(datetime.UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z")
        )

    organisation = resource.organisation
    if organisation is not None:
        oid = _uuid_or_derived(
            organisation.source_id, "organization", organisation.source, organisation.source_id
        )
        org: dict[str, Any] = {
            "id": oid,
            "name": organisation.name,
            "description": organisation.description,
        }
        if organisation.url:
            org["website"] = organisation.url
        if organisation.email:
            org["email"] = organisation.email
        service["organization_id"] = oid
        service["organization"] = org

    if resource.service_area:
        service["service_areas"] = [
            {
                "id": _derived("service_area", *key),
                "service_id": sid,
                "name": resource.service_area,
                "service_area": resource.service_area,
            }
        ]

    locations = []
    for index, location in enumerate(resource.locations.all()):
        lid = _uuid_or_derived(location.source_id, "location", *key, str(index))
        item: dict[str, Any] = {"id": lid, "location_type": "physical"}
        if location.name:
            item["name"] = location.name
        if location.description:
            item["description"] = location.description
        if location.latitude is not None and location.longitude is not None:
            item["latitude"] = location.latitude
            item["longitude"] = location.longitude
        lines = [line for line in location.address.split("\n") if line]
        if lines or location.town or location.postcode:
            item["addresses"] = [
                {
                    "id": _derived("address", *key, str(index)),
                    "location_id": lid,
                    "address_1": ", ".join(lines),
                    "city": location.town,
                    "region": location.region,
                    "state_province": location.region,
                    "postal_code": location.postcode,
                    "country": _country_code(location.country),
                    "address_type": "physical",
                }
            ]
        locations.append(
            {
                "id": _derived("service_at_location", *key, str(index)),
                "service_id": sid,
                "location_id": lid,
                "location": item,
            }
        )
    if locations:
        service["service_at_locations"] = locations

    contacts = []
    numbers: list[str] = [resource.phone] if resource.phone else []
    for index, contact in enumerate(resource.contacts or []):
        item = {"id": _derived("contact", *key, str(index)), "service_id": sid}
        for name in ("name", "title"):
            if contact.get(name):
                item[name] = contact[name]
        contacts.append(item)
        numbers += [n for n in contact.get("phones", []) if n not in numbers]
    if contacts:
        service["contacts"] = contacts
    if numbers:
        service["phones"] = [
            _phone(_derived("phone", *key, str(index)), sid, number)
            for index, number in enumerate(numbers)
        ]

    costs = []
    for index, option in enumerate(resource.cost_options or []):
        item = {"id": _derived("cost_option", *key, str(index)), "service_id": sid}
        for name in ("option", "amount_description"):
            if option.get(name):
                item[name] = option[name]
        if isinstance(option.get("amount"), int | float):
            item["amount"] = option["amount"]
        for name in ("valid_from", "valid_to"):
            if _iso_date(option.get(name)):
                item[name] = _iso_date(option.get(name))
        costs.append(item)
    if not costs and resource.is_free:
        costs.append(
            {
                "id": _derived("cost_option", *key, "free"),
                "service_id": sid,
                "option": "Free",
                "amount": 0,
            }
        )
    if costs:
        service["cost_options"] = costs

    attributes = []
    for category in resource.categories or []:
        taxonomy = category.get("taxonomy") or "taxonomy"
        tid = _uuid_or_derived(
            category.get("id", ""), "taxonomy_term", taxonomy, category["name"].lower()
        )
        attributes.append(
            {
                "id": _derived("attribute", *key, tid),
                "link_id": sid,
                "link_type": "service",
                "taxonomy_term_id": tid,
                "taxonomy_term": {
                    "id": tid,
                    "name": category["name"],
                    "description": category.get("path") or "",
                    "taxonomy": taxonomy,
                    "term": category["name"],
                },
            }
        )
    if attributes:
        service["attributes"] = attributes
    return service


def _phone(pid: str, sid: str, stored: str) -> dict[str, Any]:
    """An HSDS 3.0 phone: the number, and its extension (digits; HSDS's `extension` is a
    number) apart when the stored number has one ("0117 922 2000 extension 42"). A number
    stored before numbers were checked is given as it was stored."""
    number, extension = phone_parts(stored)
    phone: dict[str, Any] = {"id": pid, "service_id": sid, "number": number or stored}
    if extension:
        phone["extension"] = int(extension)
    return phone


def _country_code(value: str) -> str:
    text = (value or "").strip().upper()
    if len(text) == 2:
        return text
    if text in (
        "",
        "UK",
        "UNITED KINGDOM",
        "GREAT BRITAIN",
        "SCOTLAND",
        "ENGLAND",
        "WALES",
        "NORTHERN IRELAND",
    ):
        return "GB"
    return text[:2]


def export_services(resources: Iterable[CommunityResource]) -> list[dict]:
    """ORUK 3.0 service objects for the resources; ids stay unique within the export."""
    services = []
    used: set[str] = set()
    for resource in resources:
        sid = service_id(resource)
        if sid in used:  # the same feed id under two sources
            sid = _derived("service", resource.source, resource.source_id)
        used.add(sid)
        services.append(resource_to_service(resource, service_uuid=sid))
    return services
