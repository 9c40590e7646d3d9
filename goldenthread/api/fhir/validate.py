"""Checking a FHIR R4 Bundle two ways (ADR 0011):

- against HL7's official FHIR R4 (4.0.1) JSON schema (`fhir.schema.json.gz` here is that
  file from the R4 specification, compressed; a test checks it is the same as
  shared/reference/fhir-r4/json-schema/fhir.schema.json). It knows exactly R4's elements:
  anything else is refused (additionalProperties false), and it checks every code bound
  as "required" and every primitive's format.
- with the `fhir.resources` models of FHIR R4B (4.3.0), the release that library offers
  closest to R4 (it has no R4 models that work with pydantic 2, which django-ninja needs):
  cardinality, types and primitive rules the schema does not express. R4B did not change
  the resources exported here, and the schema check above keeps them to R4's elements.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsonschema import Draft6Validator

SCHEMA_PATH = Path(__file__).with_name("fhir.schema.json.gz")


@functools.cache
def r4_schema() -> dict:
    with gzip.open(SCHEMA_PATH, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _validator() -> Draft6Validator:
    from jsonschema import Draft6Validator

    return Draft6Validator(r4_schema())


def _resource_validator(resource_type: str) -> Draft6Validator:
    """A validator for one resource type: much faster than the schema's root, which tries
    every one of the 146 resource types for each resource (oneOf)."""
    from jsonschema import Draft6Validator

    schema = r4_schema()
    return Draft6Validator(
        {"$ref": f"#/definitions/{resource_type}", "definitions": schema["definitions"]}
    )


_VALIDATORS: dict[str, Draft6Validator] = {}


def schema_errors(bundle: dict, *, limit: int = 20) -> list[str]:
    """Where the Bundle breaks the R4 JSON schema, in words (at most `limit`)."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        return ['This is not a FHIR Bundle (resourceType must be "Bundle").']
    messages: list[str] = []

    def check(resource_type: str, data: dict, where: str) -> None:
        if resource_type not in r4_schema()["definitions"]:
            messages.append(f"{where}: {resource_type!r} is not a FHIR R4 resource type.")
            return
        validator = _VALIDATORS.get(resource_type)
        if validator is None:
            validator = _VALIDATORS[resource_type] = _resource_validator(resource_type)
        for error in validator.iter_errors(data):
            path = "/".join(str(p) for p in error.absolute_path)
            messages.append(f"{where}{'/' + path if path else ''}: {error.message[:300]}")
            if len(messages) >= limit:
                return

    shell = {k: v for k, v in bundle.items() if k != "entry"}
    check(
        "Bundle",
        {
            **shell,
            "entry": [
                {k: v for k, v in entry.items() if k != "resource"}
                if isinstance(entry, dict)
                else entry
                for entry in bundle.get("entry", []) or []
            ],
        },
        "Bundle",
    )
    for index, entry in enumerate(bundle.get("entry", []) or []):
        if len(messages) >= limit:
            break
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            messages.append(
                f"Bundle/entry/{index}: each entry needs a resource with a resourceType."
            )
            continue
        check(resource["resourceType"], resource, f"Bundle/entry/{index}/resource")
    return messages[:limit]


def model_errors(bundle: dict) -> list[str]:
    """Where the Bundle fails the fhir.resources (R4B) models, in words."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        return [f"{'/'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()][:20]
    return []
