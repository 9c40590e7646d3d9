"""Checking a FHIR R4 Bundle before it is imported (ADR 0011).

Two checks, both our own code or a library's; no specification file ships with the product
(the guide: other people's specifications are test fixtures, never part of the product):

- the `fhir.resources` models of FHIR R4B (4.3.0), the release that library offers closest
  to R4 (it has no R4 models that work with pydantic 2, which django-ninja needs):
  cardinality, types, primitive formats, and no element the resource does not have
  (the models forbid extra elements). R4B changed none of the resources we exchange.
- text that cannot be stored (`unstorable_text`: the NUL character, a lone surrogate),
  refused by where it is, as the API's schemas refuse it (api/schemas.Input), before
  anything else looks at the Bundle;
- the codes of every element whose binding R4 makes "required" (R4_REQUIRED_CODES below):
  the models take any string there. The table covers every such element reachable from
  the resources we exchange (Bundle, Patient, RelatedPerson, CarePlan, Goal, Observation,
  Provenance); a test compares it, element by element, with HL7's official R4 JSON schema
  in shared/reference, and also validates every exported Bundle against that schema whole.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..schemas import unstorable

_COMPARATOR = frozenset({"<", "<=", ">=", ">"})
_GENDER = frozenset({"male", "female", "other", "unknown"})
_UNITS_OF_TIME = frozenset({"s", "min", "h", "d", "wk", "mo", "a"})

# (the fhir.resources class, the element): the codes R4 allows there (required bindings).
R4_REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("Address", "type"): frozenset({"postal", "physical", "both"}),
    ("Address", "use"): frozenset({"home", "work", "temp", "old", "billing"}),
    ("Age", "comparator"): _COMPARATOR,
    ("Bundle", "type"): frozenset(
        {
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection",
        }
    ),
    ("BundleEntryRequest", "method"): frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}),
    ("BundleEntrySearch", "mode"): frozenset({"match", "include", "outcome"}),
    ("CarePlanActivityDetail", "status"): frozenset(
        {
            "not-started",
            "scheduled",
            "in-progress",
            "on-hold",
            "completed",
            "cancelled",
            "stopped",
            "unknown",
            "entered-in-error",
        }
    ),
    ("ContactPoint", "system"): frozenset(
        {"phone", "fax", "email", "pager", "url", "sms", "other"}
    ),
    ("ContactPoint", "use"): frozenset({"home", "work", "temp", "old", "mobile"}),
    ("Contributor", "type"): frozenset({"author", "editor", "reviewer", "endorser"}),
    ("Count", "comparator"): _COMPARATOR,
    ("DataRequirementSort", "direction"): frozenset({"ascending", "descending"}),
    ("Distance", "comparator"): _COMPARATOR,
    ("Duration", "comparator"): _COMPARATOR,
    ("Expression", "language"): frozenset(
        {"text/cql", "text/fhirpath", "application/x-fhir-query"}
    ),
    ("Goal", "lifecycleStatus"): frozenset(
        {
            "proposed",
            "planned",
            "accepted",
            "active",
            "on-hold",
            "completed",
            "cancelled",
            "entered-in-error",
            "rejected",
        }
    ),
    ("HumanName", "use"): frozenset(
        {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"}
    ),
    ("Identifier", "use"): frozenset({"usual", "official", "temp", "secondary", "old"}),
    ("Narrative", "status"): frozenset({"generated", "extensions", "additional", "empty"}),
    ("Observation", "status"): frozenset(
        {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    ),
    ("Patient", "gender"): _GENDER,
    ("PatientContact", "gender"): _GENDER,
    ("PatientLink", "type"): frozenset({"replaced-by", "replaces", "refer", "seealso"}),
    ("ProvenanceEntity", "role"): frozenset(
        {"derivation", "revision", "quotation", "source", "removal"}
    ),
    ("Quantity", "comparator"): _COMPARATOR,
    ("RelatedArtifact", "type"): frozenset(
        {
            "documentation",
            "justification",
            "citation",
            "predecessor",
            "successor",
            "derived-from",
            "depends-on",
            "composed-of",
        }
    ),
    ("RelatedPerson", "gender"): _GENDER,
    ("TimingRepeat", "durationUnit"): _UNITS_OF_TIME,
    ("TimingRepeat", "periodUnit"): _UNITS_OF_TIME,
    ("TimingRepeat", "when"): frozenset(
        {
            "MORN",
            "MORN.early",
            "MORN.late",
            "NOON",
            "AFT",
            "AFT.early",
            "AFT.late",
            "EVE",
            "EVE.early",
            "EVE.late",
            "NIGHT",
            "PHS",
            "HS",
            "WAKE",
            "C",
            "CM",
            "CD",
            "CV",
            "AC",
            "ACM",
            "ACD",
            "ACV",
            "PC",
            "PCM",
            "PCD",
            "PCV",
        }
    ),
    ("TriggerDefinition", "type"): frozenset(
        {
            "named-event",
            "periodic",
            "data-changed",
            "data-added",
            "data-modified",
            "data-removed",
            "data-accessed",
            "data-access-ended",
        }
    ),
}
# Resource types of R4B that R4 does not have: the models know them, R4 does not.
NOT_IN_R4 = frozenset(
    {
        "AdministrableProductDefinition",
        "Citation",
        "ClinicalUseDefinition",
        "EvidenceReport",
        "Ingredient",
        "ManufacturedItemDefinition",
        "MedicinalProductDefinition",
        "NutritionProduct",
        "PackagedProductDefinition",
        "RegulatedAuthorization",
        "SubscriptionStatus",
        "SubscriptionTopic",
        "SubstanceDefinition",
    }
)
_ELEMENTS_BY_CLASS: dict[str, list[str]] = {}
for _class, _element in R4_REQUIRED_CODES:
    _ELEMENTS_BY_CLASS.setdefault(_class, []).append(_element)


def unstorable_text(bundle: Any, *, limit: int = 20) -> list[str]:
    """Where the Bundle holds text no database stores (a name or a value with the NUL
    character or a lone surrogate), in words (at most `limit`), by the same check as the
    API's schemas (`schemas.unstorable`)."""
    messages: list[str] = []
    stack: list[tuple[Any, str]] = [(bundle, "Bundle")]
    while stack and len(messages) < limit:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                stack.append((item, f"{where}/{key}"))
                stack.append((key, f"{where} (the name of an element)"))
        elif isinstance(value, list):
            stack.extend((item, f"{where}/{i}") for i, item in reversed(list(enumerate(value))))
        else:
            error = unstorable(value)
            if error is not None:
                messages.append(f"{where}: {error.message()}")
    return messages


def _parse(bundle: dict) -> tuple[Any, list[str]]:
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        return Bundle.model_validate(bundle), []
    except ValidationError as exc:
        return None, [f"{'/'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()][
            :20
        ]


def model_errors(bundle: dict) -> list[str]:
    """Where the Bundle fails the fhir.resources (R4B) models, in words."""
    return _parse(bundle)[1]


def _alias(model: BaseModel, name: str) -> str:
    field = type(model).model_fields.get(name)
    return (field.alias if field is not None and field.alias else None) or name


def _code_errors(model: BaseModel, where: str, messages: list[str], limit: int) -> None:
    kind = model.get_resource_type() if hasattr(model, "get_resource_type") else ""
    for element in _ELEMENTS_BY_CLASS.get(kind, ()):
        value = getattr(model, element, None)
        allowed = R4_REQUIRED_CODES[(kind, element)]
        for code in value if isinstance(value, list) else [value]:
            if code is not None and code not in allowed:
                messages.append(
                    f"{where}/{element}: {str(code)[:60]!r} is not one of the codes FHIR R4 "
                    f"allows here ({', '.join(sorted(allowed))})."
                )
    for name in type(model).model_fields:
        if len(messages) >= limit:
            return
        value = getattr(model, name, None)
        if isinstance(value, BaseModel):
            _code_errors(value, f"{where}/{_alias(model, name)}", messages, limit)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _code_errors(item, f"{where}/{_alias(model, name)}/{index}", messages, limit)


def bundle_errors(bundle: dict, *, limit: int = 20) -> list[str]:
    """Where the Bundle is not valid FHIR R4, in words (at most `limit`): the models first,
    then the codes of required bindings."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        return ['This is not a FHIR Bundle (resourceType must be "Bundle").']
    for index, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind in NOT_IN_R4:
            return [f"Bundle/entry/{index}/resource: {kind!r} is not a FHIR R4 resource type."]
    parsed, messages = _parse(bundle)
    if messages:
        return messages[:limit]
    _code_errors(parsed, "Bundle", messages, limit)
    return messages[:limit]
