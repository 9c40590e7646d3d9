"""Reading Open Referral data into plain records, before anything touches the database.

Formats read (see README.md):
  * ORUK v1 service JSON, as councils publish it: a list of services, one service, or a
    page object whose services are under `content`, `contents`, `items`, `services`,
    `data` or `results`;
  * ORUK / HSDS 3.0 service JSON (the same shapes; nested `service_at_locations`,
    `attributes`, `cost_options`…);
  * HSDS tabular data packages: a folder with `datapackage.json` (or `services.csv`) and
    CSV files, HSDS 1.1 names (`services_at_location`, `physical_addresses`,
    `services_taxonomy`…) or 3.0 names (`service_at_location`, `addresses`, `attributes`…).

`read_path()` turns a file or folder into batches of `SourceRecord`s; `normalise()` turns
one record into a `ResourceData` or raises `RecordRejected` with a plain reason. Neither
imports Django, so both are quick to test.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .text import (
    MAX_EXTENSION_DIGITS,
    clean_control,
    clean_email,
    clean_url,
    direction_controls_in,
    html_to_text,
    one_line,
    phone_extension,
    phone_number,
    phone_parts,
    postcode_parts,
    shows_nothing_written,
    unreadable_in,
    with_extension,
)

STATUSES = ("active", "inactive", "defunct", "temporarily closed")
_STATUS_ALIASES = {
    "temporarily_closed": "temporarily closed",
    "temporarily-closed": "temporarily closed",
    "closed temporarily": "temporarily closed",
}
PAGE_KEYS = ("content", "contents", "items", "services", "data", "results")

MAX_NAME = 300
MAX_ID = 200
MAX_SHORT = 300
# JSON nested deeper than this is refused before it is parsed (#11: a deeply nested file
# crashed the import with a RecursionError). A service record needs about ten levels.
MAX_JSON_DEPTH = 64

FORMAT_ORUK1 = "ORUK v1 JSON"
FORMAT_HSDS3 = "ORUK/HSDS 3.0 JSON"
FORMAT_TABULAR = "HSDS tabular data package"


class ImportFormatError(Exception):
    """The file or folder as a whole cannot be read (nothing is imported from it)."""


class RecordRejected(Exception):
    """One record cannot be imported; the message says why, in plain words."""


@dataclass
class SourceRecord:
    index: int  # 1-based position in its file (or in services.csv)
    raw: Any


@dataclass
class Batch:
    """The records read from one file or one data package."""

    path: Path
    format: str
    default_source: str
    records: list[SourceRecord]
    notes: list[str] = field(default_factory=list)


@dataclass
class OrganisationData:
    source_id: str
    name: str
    description: str = ""
    url: str = ""
    email: str = ""
    raw: dict = field(default_factory=dict)

    def content_hash(self) -> str:
        return _hash(asdict(self))


@dataclass
class LocationData:
    source_id: str = ""
    name: str = ""
    description: str = ""
    address_lines: list[str] = field(default_factory=list)
    town: str = ""
    region: str = ""
    postcode: str = ""
    postcode_district: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def address(self) -> str:
        return "\n".join(self.address_lines)


@dataclass
class ResourceData:
    source_id: str
    name: str
    description: str = ""
    url: str = ""
    email: str = ""
    phone: str = ""
    status: str = "active"
    fees: str = ""
    is_free: bool | None = None
    cost_options: list[dict] = field(default_factory=list)
    eligibility: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    categories: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    service_area: str = ""
    attending: list[str] = field(default_factory=list)
    last_updated: datetime.datetime | None = None
    organisation: OrganisationData | None = None
    locations: list[LocationData] = field(default_factory=list)
    raw: Any = None
    raw_format: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def search_keywords(self) -> str:
        """Words that say what the service is and who it is for (weighted above the
        description in search)."""
        parts: list[str] = []
        if self.organisation:
            parts.append(self.organisation.name)
        for category in self.categories:
            parts.append(category.get("path") or category["name"])
        parts.append(self.eligibility)
        parts.extend(self.attending)
        return "\n".join(p for p in parts if p)

    @property
    def place_text(self) -> str:
        """Where the service is: towns, postcodes and districts, addresses, service area."""
        parts: list[str] = []
        for loc in self.locations:
            parts += [
                loc.name,
                *loc.address_lines,
                loc.town,
                loc.region,
                loc.postcode,
                loc.postcode_district,
            ]
        parts.append(self.service_area)
        seen: list[str] = []
        for part in parts:
            if part and part not in seen:
                seen.append(part)
        return "\n".join(seen)

    def content_hash(self) -> str:
        """A fingerprint of everything stored for the record: same data, same hash."""
        data = asdict(self)
        data.pop("warnings")
        data["organisation"] = self.organisation.source_id if self.organisation else None
        data["search_keywords"] = self.search_keywords
        data["place_text"] = self.place_text
        return _hash(data)


def _hash(data: Any) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# --- Reading files ---------------------------------------------------------------------


def read_path(path: Path, *, max_bytes: int | None = None) -> list[Batch]:
    """Batches from a JSON file, a data package folder (or its datapackage.json), or a
    folder of JSON files. Raises ImportFormatError if nothing can be read, or if a file is
    larger than `max_bytes` (checked before anything is read)."""
    path = Path(path)
    if not path.exists():
        raise ImportFormatError(f"{path}: no such file or folder.")
    if path.is_dir():
        if (path / "datapackage.json").is_file() or (path / "services.csv").is_file():
            return [read_tabular(path, max_bytes=max_bytes)]
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".json")
        if not files:
            raise ImportFormatError(
                f"{path}: no datapackage.json, services.csv or .json files in this folder."
            )
        for file in files:
            check_size(file, max_bytes)
        return [read_json(p, max_bytes=max_bytes) for p in files]
    if path.name == "datapackage.json":
        return [read_tabular(path.parent, max_bytes=max_bytes)]
    if path.suffix.lower() == ".csv":
        raise ImportFormatError(
            f"{path}: give the folder that holds the data package, not one CSV file."
        )
    return [read_json(path, max_bytes=max_bytes)]


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size / (1024 * 1024):,.1f} MB"


def check_size(path: Path, max_bytes: int | None) -> None:
    """Refuse a file larger than the limit, naming both sizes and how to raise the limit."""
    if max_bytes is None:
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if size > max_bytes:
        raise ImportFormatError(
            f"{path}: the file is {_megabytes(size)}, larger than the import limit of "
            f"{_megabytes(max_bytes)} for one file. Split the feed, or raise the limit with "
            "--max-size (setting GOLDENTHREAD_DIRECTORY_IMPORT_MAX_MB)."
        )


# A JSON string (escapes included) or a bracket: enough to measure nesting without parsing.
_JSON_STRUCTURE_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth_exceeds(text: str, limit: int) -> bool:
    """True if the JSON text nests arrays and objects more than `limit` levels deep.
    A scan, not a parse, so it cannot run out of stack however deep the text goes."""
    depth = 0
    for match in _JSON_STRUCTURE_RE.finditer(text):
        piece = match.group()
        if piece in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif piece in ("]", "}"):
            depth -= 1
    return False


def _too_deep(path: Path) -> ImportFormatError:
    return ImportFormatError(
        f"{path}: the JSON is nested more than {MAX_JSON_DEPTH} levels deep (the limit); "
        "an Open Referral service needs far fewer, so the file is not a feed."
    )


def _load_json(path: Path, *, max_bytes: int | None = None) -> Any:
    check_size(path, max_bytes)
    try:
        with path.open(encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text ({exc.reason}).") from exc
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if json_depth_exceeds(text, MAX_JSON_DEPTH):
        raise _too_deep(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc
    except RecursionError as exc:  # the scan above should have caught it
        raise _too_deep(path) from exc


def read_json(path: Path, *, max_bytes: int | None = None) -> Batch:
    data = _load_json(path, max_bytes=max_bytes)
    notes: list[str] = []
    if isinstance(data, list):
        services = data
    elif isinstance(data, dict):
        key = next((k for k in PAGE_KEYS if isinstance(data.get(k), list)), None)
        if key is not None:
            services = data[key]
            total_pages = data.get("total_pages") or data.get("totalPages")
            if isinstance(total_pages, int) and total_pages > 1:
                page = data.get("page_number") or data.get("number") or "?"
                notes.append(
                    f"This file is page {page} of {total_pages}; import the other pages too."
                )
            if key == "services" and data.get("id") and data.get("name"):
                # An organisation with its services: each service belongs to it.
                parent = {k: v for k, v in data.items() if k != "services"}
                services = [
                    {**s, "organization": parent}
                    if isinstance(s, dict) and not s.get("organization")
                    else s
                    for s in services
                ]
        elif "id" in data or "name" in data:
            services = [data]
        else:
            raise ImportFormatError(
                f"{path}: not a list of services, a service, or a page of services "
                f"(found keys: {', '.join(sorted(map(str, data))[:10]) or 'none'})."
            )
    else:
        raise ImportFormatError(f"{path}: not a list of services or a service.")
    records = [SourceRecord(index=i, raw=raw) for i, raw in enumerate(services, start=1)]
    formats = [_detect_format(r.raw) for r in records if isinstance(r.raw, dict)]
    fmt = FORMAT_HSDS3 if formats.count(FORMAT_HSDS3) > len(formats) / 2 else FORMAT_ORUK1
    return Batch(
        path=path, format=fmt, default_source=_source_name(path.stem), records=records, notes=notes
    )


_HSDS3_KEYS = frozenset(
    {
        "attributes",
        "schedules",
        "last_modified",
        "fees_description",
        "eligibility_description",
        "funding",
        "alert",
        "assurer_email",
        "minimum_age",
        "maximum_age",
        "program",
    }
)


def _detect_format(raw: dict) -> str:
    if _HSDS3_KEYS & raw.keys():
        return FORMAT_HSDS3
    for sal in raw.get("service_at_locations") or []:
        if isinstance(sal, dict) and isinstance(sal.get("location"), dict):
            if "addresses" in sal["location"]:
                return FORMAT_HSDS3
    return FORMAT_ORUK1


def _source_name(stem: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    name = re.sub(r"-(services|service|feed|oruk|export)$", "", name)
    return (name or "directory")[:100]


# Resource names in HSDS 1.1 and 3.0 data packages, and the file names to try when a
# folder has no datapackage.json.
_TABLES = {
    "service": (["service", "services"], ["services.csv"]),
    "organization": (["organization", "organizations"], ["organizations.csv"]),
    "service_at_location": (
        ["service_at_location", "services_at_location"],
        ["service_at_location.csv", "services_at_location.csv"],
    ),
    "location": (["location", "locations"], ["locations.csv"]),
    "address": (
        ["address", "addresses", "physical_address"],
        ["addresses.csv", "address.csv", "physical_addresses.csv"],
    ),
    "phone": (["phone", "phones"], ["phones.csv"]),
    "contact": (["contact", "contacts"], ["contacts.csv"]),
    "eligibility": (["eligibility"], ["eligibility.csv"]),
    "service_area": (["service_area", "service_areas"], ["service_areas.csv"]),
    "service_taxonomy": (["service_taxonomy"], ["services_taxonomy.csv"]),
    "taxonomy": (["taxonomy"], ["taxonomy.csv"]),
    "taxonomy_term": (["taxonomy_term", "taxonomy_terms"], ["taxonomy_terms.csv"]),
    "attribute": (["attribute", "attributes"], ["attribute.csv", "attributes.csv"]),
    "cost_option": (["cost_option", "cost_options"], ["cost_options.csv"]),
}


def _read_csv(path: Path, *, max_bytes: int | None = None) -> list[dict[str, str]]:
    check_size(path, max_bytes)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [
                {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(handle)
            ]
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text ({exc.reason}).") from exc
    except (OSError, csv.Error) as exc:
        raise ImportFormatError(f"{path}: cannot be read as CSV ({exc}).") from exc


def read_tabular(folder: Path, *, max_bytes: int | None = None) -> Batch:
    """Assemble each row of services.csv with its organisation, locations, addresses,
    phones, contacts, eligibility, service areas, taxonomy and costs, as one nested
    record in the shape of the JSON feeds."""
    by_name: dict[str, Path] = {}
    package = folder / "datapackage.json"
    if package.is_file():
        meta = _load_json(package, max_bytes=max_bytes)
        for resource in (meta.get("resources") or []) if isinstance(meta, dict) else []:
            if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                candidate = folder / resource["path"]
                if candidate.is_file() and resource.get("name"):
                    by_name[str(resource["name"])] = candidate
    tables: dict[str, list[dict[str, str]]] = {}
    for table, (names, files) in _TABLES.items():
        path = next((by_name[n] for n in names if n in by_name), None)
        if path is None:
            path = next((folder / f for f in files if (folder / f).is_file()), None)
        tables[table] = _read_csv(path, max_bytes=max_bytes) if path else []
    if not tables["service"]:
        raise ImportFormatError(f"{folder}: the data package has no services (services.csv).")

    def group(rows: list[dict[str, str]], key: str) -> dict[str, list[dict[str, str]]]:
        grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            if row.get(key):
                grouped[row[key]].append(_drop_empty(row))
        return grouped

    organisations = {r["id"]: _drop_empty(r) for r in tables["organization"] if r.get("id")}
    locations = {r["id"]: _drop_empty(r) for r in tables["location"] if r.get("id")}
    taxonomies = {r["id"]: _drop_empty(r) for r in tables["taxonomy"] if r.get("id")}
    terms = {r["id"]: _drop_empty(r) for r in tables["taxonomy_term"] if r.get("id")}
    addresses = group(tables["address"], "location_id")
    phones_by_service = group(tables["phone"], "service_id")
    phones_by_contact = group(tables["phone"], "contact_id")
    phones_by_location = group(tables["phone"], "location_id")
    contacts = group(tables["contact"], "service_id")
    sals = group(tables["service_at_location"], "service_id")
    eligibility = group(tables["eligibility"], "service_id")
    areas = group(tables["service_area"], "service_id")
    service_taxonomy = group(tables["service_taxonomy"], "service_id")
    attributes = group(tables["attribute"], "link_id")
    costs = group(tables["cost_option"], "service_id")

    records = []
    for index, row in enumerate(tables["service"], start=1):
        service: dict[str, Any] = _drop_empty(row)
        sid = row.get("id", "")
        org = organisations.get(row.get("organization_id", ""))
        if org:
            service["organization"] = org
        service_locations: list[dict[str, Any]] = []
        for sal in sals.get(sid, []):
            found = locations.get(sal.get("location_id", ""))
            if found:
                location: dict[str, Any] = {
                    **found,
                    "addresses": addresses.get(found["id"], []),
                    "phones": phones_by_location.get(found["id"], []),
                }
                service_locations.append({**sal, "location": location})
        if service_locations:
            service["service_at_locations"] = service_locations
        if phones_by_service.get(sid):
            service["phones"] = phones_by_service[sid]
        if contacts.get(sid):
            service["contacts"] = [
                {**c, "phones": phones_by_contact.get(c.get("id", ""), [])} for c in contacts[sid]
            ]
        if eligibility.get(sid):
            service["eligibilitys"] = eligibility[sid]
        if areas.get(sid):
            service["service_areas"] = areas[sid]
        linked = [
            {"taxonomy": taxonomies[t["taxonomy_id"]]}
            for t in service_taxonomy.get(sid, [])
            if t.get("taxonomy_id") in taxonomies
        ]
        for taxonomy_id in re.split(r"[,;\s]+", row.get("taxonomy_ids", "")):
            if taxonomy_id in taxonomies:
                linked.append({"taxonomy": taxonomies[taxonomy_id]})
        if linked:
            service["service_taxonomys"] = linked
        attrs = [
            {**a, "taxonomy_term": terms[a["taxonomy_term_id"]]}
            for a in attributes.get(sid, [])
            if a.get("taxonomy_term_id") in terms
        ]
        if attrs:
            service["attributes"] = attrs
        if costs.get(sid):
            service["cost_options"] = costs[sid]
        records.append(SourceRecord(index=index, raw=service))
    return Batch(
        path=folder,
        format=FORMAT_TABULAR,
        default_source=_source_name(folder.name),
        records=records,
    )


def _drop_empty(row: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in row.items() if v != ""}


# --- One record ------------------------------------------------------------------------


def record_id(raw: Any) -> str:
    """The record's id as text ("" if it has none)."""
    value = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return clean_control(str(value)).strip()
    return ""


def _text(raw: dict, key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordRejected(f"{key.replace('_', ' ')} is not text")
    return clean_control(str(value)).strip()


def _list(raw: dict, key: str) -> list[dict]:
    """The objects in a list field; a single object counts as a list of one, and anything
    that is not an object is ignored (the raw record keeps it)."""
    value = raw.get(key)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "").lstrip("£"))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _age(value: Any, label: str, warnings: list[str]) -> int | None:
    number = _number(value)
    if number is None:
        if value not in (None, ""):
            warnings.append(f"{label} {value!r} is not a number; left out")
        return None
    if not 0 <= number <= 130:
        warnings.append(f"{label} {value!r} is not a possible age; left out")
        return None
    return int(number)


def _datetime(value: Any) -> datetime.datetime | None:
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.date.fromisoformat(text)
            return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _status(raw: dict, warnings: list[str]) -> str:
    status = " ".join(_text(raw, "status").lower().split())
    status = _STATUS_ALIASES.get(status, status)
    if not status:
        warnings.append("no status given; taken as active")
        return "active"
    if status not in STATUSES:
        raise RecordRejected(f"unknown status {status!r} (expected one of: {', '.join(STATUSES)})")
    return status


def _organisation(raw: dict, warnings: list[str]) -> OrganisationData | None:
    org = raw.get("organization") or raw.get("organisation")
    if not isinstance(org, dict):
        return None
    name = _name(org.get("name"), "the organisation's name", warnings)
    if name is None:
        return None
    name = name[:MAX_NAME]
    if not name:
        warnings.append("the organisation has no name; left out")
        return None
    org_id = record_id(org) or f"name:{name.lower()}"
    url_value = org.get("website") or org.get("url")
    url = clean_url(url_value if isinstance(url_value, str) else "")
    email = clean_email(org.get("email") if isinstance(org.get("email"), str) else "")
    description = org.get("description")
    return OrganisationData(
        source_id=org_id[:MAX_ID],
        name=name,
        description=html_to_text(description if isinstance(description, str) else ""),
        url=url[:500],
        email=email,
        raw=_clean_raw(org),
    )


def _location(sal: dict, index: int, warnings: list[str]) -> LocationData | None:
    loc: dict = sal["location"] if isinstance(sal.get("location"), dict) else sal
    addresses = _list(loc, "addresses") or _list(loc, "physical_addresses")
    addresses.sort(key=lambda a: a.get("address_type") not in (None, "", "physical"))
    address = addresses[0] if addresses else {}
    lines = []
    for key in ("address_1", "address_2", "address_3", "address_4"):
        value = address.get(key)
        if isinstance(value, str | int) and str(value).strip():
            lines.append(one_line(str(value))[:MAX_SHORT])
    postcode, district = postcode_parts(_str(address.get("postal_code")))
    data = LocationData(
        source_id=record_id(loc)[:MAX_ID],
        name=(_name(loc.get("name"), f"location {index}'s name", warnings) or "")[:MAX_SHORT],
        description=html_to_text(_str(loc.get("description"))),
        address_lines=lines,
        town=one_line(_str(address.get("city")))[:100],
        region=one_line(_str(address.get("region") or address.get("state_province")))[:100],
        postcode=postcode[:20],
        postcode_district=district,
        country=one_line(_str(address.get("country")))[:50],
    )
    latitude, longitude = _number(loc.get("latitude")), _number(loc.get("longitude"))
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            warnings.append(
                f"location {index}: latitude {latitude:g}, longitude {longitude:g} are not "
                "a place on Earth; left out"
            )
        elif latitude == 0 and longitude == 0:
            warnings.append(f"location {index}: position 0, 0 is a placeholder; left out")
        else:
            data.latitude, data.longitude = round(latitude, 7), round(longitude, 7)
    if not any((data.name, data.address_lines, data.town, data.postcode, data.latitude)):
        return None
    return data


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _name(value: Any, what: str, warnings: list[str]) -> str | None:
    """A name from the feed on one line; None, with a warning, when it has a direction
    control: a name is refused, not changed (ADR 0037), as the people service refuses one
    typed. `what` says whose name it is ("the organisation's name")."""
    codes = direction_controls_in(value)
    if codes:
        warnings.append(
            f"{what} has a hidden character that changes the direction of text ({codes}); left out"
        )
        return None
    return one_line(_str(value))


def _phone_number(phone: dict, warnings: list[str]) -> str:
    """A feed's phone object as one number as written, when it is a plausible one
    (text.phone_number), with its `extension` after it ("0117 922 2000 extension 42") when
    that is digits (text.phone_extension); "" with a warning when the number is not one (a
    directory does not offer it to be dialled), and the number alone with a warning when
    the extension is not digits or differs from one written in the number."""
    written = one_line(_str(phone.get("number"))).strip("\"' ")
    if not written:
        return ""
    number = phone_number(written)[:100]
    if not number:
        _warn_once(warnings, f"phone {written[:60]!r} is not a telephone number; left out")
        return number
    extension = phone_extension(phone.get("extension"))
    if extension is None:
        shown = one_line(repr(phone.get("extension")))[:40]
        _warn_once(
            warnings,
            f"phone {number[:60]!r}: extension {shown} is not "
            f"1 to {MAX_EXTENSION_DIGITS} digits; left out",
        )
        return number
    in_number = phone_parts(number)[1]
    if extension and in_number and in_number != extension:
        _warn_once(
            warnings,
            f"phone {number[:60]!r}: extension {extension} is not the one in the number; left out",
        )
        return number
    if in_number or not extension:
        return number
    if len(with_extension(number, extension)) > 100:
        _warn_once(
            warnings, f"phone {number[:60]!r}: extension {extension} makes it too long; left out"
        )
        return number
    return with_extension(number, extension)


def _warn_once(warnings: list[str], warning: str) -> None:
    if warning not in warnings:
        warnings.append(warning)


def _categories(raw: dict) -> list[dict]:
    found: list[dict] = []

    def add(name: str, taxonomy: str, term_id: str = "", path: str = "") -> None:
        name = one_line(name)[:MAX_SHORT]
        if not name:
            return
        key = (name.lower(), taxonomy.lower())
        if any((c["name"].lower(), c["taxonomy"].lower()) == key for c in found):
            return
        item = {"name": name, "taxonomy": taxonomy[:MAX_SHORT]}
        if term_id:
            item["id"] = term_id[:MAX_ID]
        if path and path != name:
            item["path"] = path[:MAX_SHORT]
        found.append(item)

    for link in _list(raw, "service_taxonomys"):
        taxonomy: dict = link["taxonomy"] if isinstance(link.get("taxonomy"), dict) else link
        add(
            _str(taxonomy.get("name")),
            _str(taxonomy.get("vocabulary")) or "taxonomy",
            record_id(taxonomy),
        )
    for attribute in _list(raw, "attributes"):
        term = attribute.get("taxonomy_term")
        if isinstance(term, dict):
            detail = term.get("taxonomy_detail")
            vocabulary = term.get("taxonomy") or (
                detail.get("name") if isinstance(detail, dict) else ""
            )
            add(
                _str(term.get("name") or term.get("term")),
                _str(vocabulary) or "taxonomy",
                record_id(term),
            )
    for audience in _list(raw, "pc_targetAudience"):
        value = one_line(_str(audience.get("audienceType") or audience.get("id")))
        if value:
            segments = [s.strip() for s in value.split(">") if s.strip()]
            add(segments[-1], "Target audience", path=" > ".join(segments))
    return found


def _cost_options(raw: dict, warnings: list[str]) -> list[dict]:
    options = []
    for item in _list(raw, "cost_options"):
        option: dict[str, Any] = {
            "option": one_line(_str(item.get("option")))[:MAX_SHORT],
            "amount": _number(item.get("amount")),
            "amount_description": one_line(_str(item.get("amount_description")))[:MAX_SHORT],
            "currency": one_line(_str(item.get("currency")))[:3],
            "valid_from": _str(item.get("valid_from"))[:10],
            "valid_to": _str(item.get("valid_to"))[:10],
        }
        if item.get("amount") not in (None, "") and option["amount"] is None:
            warnings.append(f"cost amount {item.get('amount')!r} is not a number; left out")
        if option["amount"] is not None and option["amount"] < 0:
            warnings.append(f"cost amount {option['amount']:g} is below zero; left out")
            option["amount"] = None
        option = {k: v for k, v in option.items() if v not in ("", None)}
        if option:
            options.append(option)
    return options


_FREE_RE = re.compile(r"\b(free|no charge|no cost|not charged|without charge)\b", re.I)
_PRICE_RE = re.compile(r"£\s*\d|\d+(\.\d+)?\s*(p|pence|pounds?)\b|\bcharges? apply\b", re.I)


def _is_free(fees: str, cost_options: list[dict]) -> bool | None:
    """True or False only when the feed says so in its fees or costs; None if unknown."""
    amounts = [o["amount"] for o in cost_options if o.get("amount") is not None]
    if amounts:
        return all(amount == 0 for amount in amounts)
    if fees:
        if _PRICE_RE.search(fees):
            return False
        if _FREE_RE.search(fees):
            return True
    return None


def _clean_raw(value: Any) -> Any:
    """The record as received, minus what no database will store (NUL, NaN)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [_clean_raw(v) for v in value]
    if isinstance(value, dict):
        return {str(k).replace("\x00", ""): _clean_raw(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and Infinity are not JSON; PostgreSQL refuses them
    return value


def normalise(raw: Any, *, raw_format: str = "", default_area: str = "") -> ResourceData:
    """One feed record as the fields we store; RecordRejected says why it cannot be."""
    if not isinstance(raw, dict):
        raise RecordRejected(f"not a service object (found {type(raw).__name__})")
    warnings: list[str] = []
    source_id = record_id(raw)
    if not source_id:
        raise RecordRejected("no id")
    if len(source_id) > MAX_ID:
        raise RecordRejected(f"id longer than {MAX_ID} characters")
    if raw.get("name") is not None and not isinstance(raw.get("name"), str):
        raise RecordRejected("name is not text")
    codes = direction_controls_in(raw.get("name"))
    if codes:
        # Refused, not changed: a name is how a resource is found and told apart (ADR 0037).
        raise RecordRejected(
            f"name has a hidden character that changes the direction of text ({codes})"
        )
    unreadable = unreadable_in(raw)
    if unreadable:
        # Refused, as the forms, the API and a FHIR import refuse such text: what was meant
        # cannot be known (ADR 0037). The summary says where; the rest of the feed imports.
        raise RecordRejected(unreadable)
    name = one_line(raw.get("name"))
    if not name:
        if shows_nothing_written(raw.get("name")):
            raise RecordRejected("no name (only characters that show nothing)")
        raise RecordRejected("no name")
    if len(name) > MAX_NAME:
        raise RecordRejected(f"name longer than {MAX_NAME} characters")
    if raw.get("description") is not None and not isinstance(raw.get("description"), str):
        raise RecordRejected("description is not text")
    status = _status(raw, warnings)

    url_value = _text(raw, "url")
    url = clean_url(url_value)
    if url_value and not url:
        warnings.append(f"web address {url_value[:80]!r} is not a usable web address; left out")
    email_value = _text(raw, "email")
    email = clean_email(email_value)
    if email_value and not email:
        warnings.append(f"e-mail {email_value[:80]!r} is not an e-mail address; left out")

    contacts = []
    phones: list[str] = []
    for phone in _list(raw, "phones"):
        number = _phone_number(phone, warnings)
        if number and number not in phones:
            phones.append(number)
    for contact in _list(raw, "contacts"):
        numbers = [_phone_number(p, warnings) for p in _list(contact, "phones")]
        numbers = [n for n in numbers if n]
        item: dict[str, Any] = {
            "name": (_name(contact.get("name"), "a contact's name", warnings) or "")[:MAX_SHORT],
            "title": one_line(_str(contact.get("title")))[:MAX_SHORT],
            "email": clean_email(_str(contact.get("email"))),
            "phones": numbers,
        }
        item = {k: v for k, v in item.items() if v}
        if item:
            contacts.append(item)
        phones += [n for n in numbers if n not in phones]
        if not email and item.get("email"):
            email = item["email"]

    locations = []
    for index, sal in enumerate(_list(raw, "service_at_locations"), start=1):
        location = _location(sal, index, warnings)
        if location is not None:
            locations.append(location)
        loc: dict = sal["location"] if isinstance(sal.get("location"), dict) else {}
        for phone in (loc.get("phones") or []) if isinstance(loc.get("phones"), list) else []:
            number = _phone_number(phone, warnings) if isinstance(phone, dict) else ""
            if number and number not in phones:
                phones.append(number)

    eligibility_parts = []
    if raw.get("eligibility_description"):
        eligibility_parts.append(html_to_text(_text(raw, "eligibility_description")))
    minimum_age = _age(raw.get("minimum_age"), "minimum age", warnings)
    maximum_age = _age(raw.get("maximum_age"), "maximum age", warnings)
    for item in _list(raw, "eligibilitys"):
        text = html_to_text(_str(item.get("eligibility")))
        if text and text not in eligibility_parts:
            eligibility_parts.append(text)
        if minimum_age is None:
            minimum_age = _age(item.get("minimum_age"), "minimum age", warnings)
        if maximum_age is None:
            maximum_age = _age(item.get("maximum_age"), "maximum age", warnings)
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        warnings.append(
            f"minimum age {minimum_age} is above maximum age {maximum_age}; ages left out"
        )
        minimum_age = maximum_age = None

    areas = []
    for area in _list(raw, "service_areas"):
        text = one_line(
            _str(area.get("service_area") or area.get("name") or area.get("description"))
        )
        if text and text not in areas:
            areas.append(text)
    service_area = "; ".join(areas) or default_area

    fees = html_to_text(_text(raw, "fees_description") or _text(raw, "fees"))
    cost_options = _cost_options(raw, warnings)

    attending = [
        one_line(_str(raw.get(key)))
        for key in ("deliverable_type", "attending_type", "attending_access")
        if one_line(_str(raw.get(key)))
    ]

    metadata: dict = raw["pc_metadata"] if isinstance(raw.get("pc_metadata"), dict) else {}
    last_updated = None
    for candidate in (
        raw.get("last_modified"),
        metadata.get("date_modified"),
        raw.get("assured_date"),
        metadata.get("date_created"),
    ):
        last_updated = _datetime(candidate)
        if last_updated is not None:
            break

    return ResourceData(
        source_id=source_id,
        name=name,
        description=html_to_text(raw.get("description")),
        url=url[:500],
        email=email,
        phone=phones[0] if phones else "",
        status=status,
        fees=fees,
        is_free=_is_free(fees, cost_options),
        cost_options=cost_options,
        eligibility="\n\n".join(eligibility_parts),
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        categories=_categories(raw),
        contacts=contacts,
        service_area=service_area[:1000],
        attending=attending,
        last_updated=last_updated,
        organisation=_organisation(raw, warnings),
        locations=locations,
        raw=_clean_raw(raw),
        raw_format=raw_format,
        warnings=warnings,
    )
