"""Identifier systems, code systems and extensions of the FHIR export (docs/fhir-mapping.md).

CHI: Scotland's Community Health Index number, with the identifier system
`https://fhir.nhs.uk/Id/chi-number` — the system HL7 UK's UK Core guidance names for the
CHI number beside `https://fhir.nhs.uk/Id/nhs-number` (UK Core's own Patient profile, in
shared/reference/fhir-r4/uk-core, slices Patient.identifier openly by system and fixes
only the NHS number's). ADR 0011 says why this one and not the OID form. An import also
accepts the OID form `urn:oid:2.16.840.1.113883.2.1.3.2.4.16.53`.

Golden Thread's own codes and extensions live under GT, a base that is not registered
anywhere yet: an organisation that registers one replaces it here (and in the mapping).
"""

from __future__ import annotations

CHI_SYSTEM = "https://fhir.nhs.uk/Id/chi-number"
CHI_SYSTEM_ALIASES = frozenset({CHI_SYSTEM, "urn:oid:2.16.840.1.113883.2.1.3.2.4.16.53"})
URI_IDENTIFIER = "urn:ietf:rfc:3986"  # identifier values that are URIs (urn:uuid:…)

UK_CORE_PATIENT = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
UK_CORE_RELATED_PERSON = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-RelatedPerson"
UK_CORE_CARE_PLAN = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-CarePlan"

GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

GT = "https://goldenthread.example.org/fhir"


def code_system(name: str) -> str:
    return f"{GT}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{GT}/StructureDefinition/{name}"


# Code systems
SUPPORT_STEP = code_system("support-step")
SOLUTION_STATUS = code_system("solution-status")
OUTCOME_STATUS = code_system("outcome-status")
REVIEW_RATING = code_system("review-rating")
OUTCOME_DECISION = code_system("outcome-decision")
WHOSE_WORDS = code_system("whose-words")
RECORD_KIND = code_system("record-kind")  # Observation.code, Provenance.activity

# Extensions
EXT_COMMUNICATION_NEEDS = extension("communication-needs")
EXT_UNPAID_CARER = extension("unpaid-carer")
EXT_CONTACT_DETAILS = extension("contact-details")
EXT_NOTES = extension("notes")
EXT_SUPPORT_STEP = extension("support-step")
EXT_SOLUTION_STATUS = extension("solution-status")
EXT_SOLUTION_COST = extension("solution-cost")  # complex: amount (Money), period (code)
EXT_SOURCE_RECORD = extension("source-record")  # valueIdentifier: the sending record
EXT_OUTCOME_STATUS = extension("outcome-status")
EXT_BASELINE = extension("outcome-baseline")
EXT_POSITIVE_CHANGE = extension("positive-change")
EXT_REPLACES = extension("replaces")
EXT_REWRITTEN_AS = extension("rewritten-as")
EXT_NEXT_REVIEW = extension("next-review-date")
EXT_AGREED_SOLUTION = extension("agreed-solution")

# Observation.code (record-kind) of the review history, and Provenance.activity
KIND_REVIEW = "review"
KIND_OUTCOME_REVIEW = "outcome-review"
KIND_PERSON_VIEW = "person-view"
KIND_DECISION = "decision"
KIND_MEASURE_NOW = "measure-now"
KIND_RATING = "rating"
KIND_WHOSE_WORDS = "whose-words"
KIND_TRANSFER = "transfer"
KIND_AGREEMENT = "agreement"

KIND_DISPLAY = {
    KIND_REVIEW: "Review of the support plan",
    KIND_OUTCOME_REVIEW: "An outcome at a review",
    KIND_PERSON_VIEW: "The person's own view of an outcome",
    KIND_DECISION: "What happens to the outcome now",
    KIND_MEASURE_NOW: "The measure now",
    KIND_RATING: "Their rating",
    KIND_WHOSE_WORDS: "Whose words these are",
    KIND_TRANSFER: "Plan sent from Golden Thread",
    KIND_AGREEMENT: "Support agreed",
}

# Golden Thread → FHIR
OUTCOME_LIFECYCLE = {
    "open": "active",
    "achieved": "completed",
    "closed": "cancelled",
    "replaced": "cancelled",
}
RATING_ACHIEVEMENT = {
    "achieved": "achieved",
    "partly": "improving",
    "not_yet": "in-progress",
    "not_relevant": "not-attainable",
}
ACHIEVEMENT_DISPLAY = {
    "achieved": "Achieved",
    "improving": "Improving",
    "in-progress": "In Progress",
    "not-attainable": "Not Attainable",
}
SOLUTION_ACTIVITY_STATUS = {
    "idea": "not-started",
    "agreed": "scheduled",
    "in_place": "in-progress",
    "stopped": "stopped",
    "declined": "cancelled",
}
