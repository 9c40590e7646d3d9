"""A person's plan as a FHIR R4 Bundle (IO-2). What goes where: docs/fhir-mapping.md.

`bundle_for(person, exported_by=…)` reads a person the caller has already opened through
the one door (the API's gate, or the export command's `Person.objects.visible_to`), and
returns plain JSON-ready data. It writes nothing: the caller logs the export.

FHIR strings are never empty, so an empty field is left out, never sent as "". Every
resource carries the sending record's id as an identifier (`urn:uuid:…`), so a receiving
system can say where each record came from.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import timezone

from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.models import Person, active_on
from goldenthread.reviews.models import OutcomeDecision, Rating, ReviewStatus, WhoseWords
from goldenthread.support.models import SolutionStatus, SupportStep

from . import codes as c

# Fixed namespace for ids made from others (the CarePlan, the agreement Provenances), so
# exporting the same record twice gives the same ids.
_NAMESPACE = uuid.UUID("6f1d2c3a-8e53-4d8e-9d1f-2a4c5b6e7f80")


def ref(pk) -> dict:
    return {"reference": f"urn:uuid:{pk}"}


def _ident(pk) -> dict:
    return {"system": c.URI_IDENTIFIER, "value": f"urn:uuid:{pk}"}


def _user_name(user) -> str:
    if user is None:
        return ""
    role = user.get_role_display() if hasattr(user, "get_role_display") else ""
    name = user.get_full_name() or user.username
    return f"{name} ({role})" if role else name


def _compact(data: dict) -> dict:
    """Leave out empty values (FHIR has no empty strings, lists or objects)."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _ext(url: str, **value: Any) -> dict | None:
    ((kind, v),) = value.items()
    if v in (None, ""):
        return None
    return {"url": url, kind: v}


def _exts(*items: dict | None) -> list[dict]:
    return [item for item in items if item]


def _coding(system: str, code: str, display: str = "") -> dict:
    return _compact({"system": system, "code": code, "display": display})


def _concept(system: str, code: str, display: str) -> dict:
    """A CodeableConcept of one coding, its display the text."""
    return {"coding": [_coding(system, code, display)], "text": display}


def _kind(code: str) -> dict:
    return _concept(c.RECORD_KIND, code, c.KIND_DISPLAY[code])


def _chosen(kind: str, system: str, choice: Any) -> dict:
    """An Observation's component of the record's `kind`: a choice of the record (a member
    of its TextChoices), coded in `system` with its label."""
    return {
        "code": _kind(kind),
        "valueCodeableConcept": _concept(system, choice.value, str(choice.label)),
    }


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _instant(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _rating(code: str) -> dict:
    achievement = c.RATING_ACHIEVEMENT[code]
    label = str(Rating(code).label)
    return {
        "coding": [
            _coding(c.GOAL_ACHIEVEMENT, achievement, c.ACHIEVEMENT_DISPLAY[achievement]),
            _coding(c.REVIEW_RATING, code, label),
        ],
        "text": label,
    }


# --- Resources ----------------------------------------------------------------------------


def patient(person: Person) -> dict:
    identifiers = []
    if person.chi_number:
        identifiers.append({"system": c.CHI_SYSTEM, "value": person.chi_number})
    identifiers.append(_ident(person.pk))
    names = [{"use": "official", "family": person.family_name, "given": [person.given_name]}]
    if person.preferred_name:
        names.append({"use": "usual", "given": [person.preferred_name]})
    return _compact(
        {
            "resourceType": "Patient",
            "id": str(person.pk),
            "meta": {"profile": [c.UK_CORE_PATIENT]},
            "extension": _exts(
                _ext(c.EXT_COMMUNICATION_NEEDS, valueString=person.communication_needs)
            ),
            "identifier": identifiers,
            "name": names,
            "birthDate": _date(person.date_of_birth),
        }
    )


def related_person(person: Person, member) -> dict:
    return _compact(
        {
            "resourceType": "RelatedPerson",
            "id": str(member.pk),
            "meta": {"profile": [c.UK_CORE_RELATED_PERSON]},
            "extension": _exts(
                {"url": c.EXT_UNPAID_CARER, "valueBoolean": bool(member.is_unpaid_carer)},
                _ext(c.EXT_CONTACT_DETAILS, valueString=member.contact),
                _ext(c.EXT_NOTES, valueString=member.notes),
            ),
            "identifier": [_ident(member.pk)],
            "patient": ref(person.pk),
            "relationship": [{"text": member.relationship}] if member.relationship else [],
            "name": [{"text": member.name}],
        }
    )


def goal(person: Person, outcome, latest_rating: str | None) -> dict:
    target = _compact(
        {
            "measure": {"text": outcome.measure} if outcome.measure else None,
            "dueDate": _date(outcome.target_date),
        }
    )
    return _compact(
        {
            "resourceType": "Goal",
            "id": str(outcome.pk),
            "extension": _exts(
                {
                    "url": c.EXT_OUTCOME_STATUS,
                    "valueCoding": _coding(
                        c.OUTCOME_STATUS, outcome.status, str(OutcomeStatus(outcome.status).label)
                    ),
                },
                _ext(c.EXT_BASELINE, valueString=outcome.baseline),
                _ext(c.EXT_POSITIVE_CHANGE, valueString=outcome.positive_change.text),
                {"url": c.EXT_REPLACES, "valueReference": ref(outcome.replaces_id)}
                if outcome.replaces_id
                else None,
            ),
            "identifier": [_ident(outcome.pk)],
            "lifecycleStatus": c.OUTCOME_LIFECYCLE[outcome.status],
            "achievementStatus": _rating(latest_rating) if latest_rating else None,
            "category": [{"text": "Personal outcome"}],
            "description": {"text": outcome.statement},
            "subject": ref(person.pk),
            "startDate": _date(timezone.localdate(outcome.created_at)),
            "target": [target] if target else [],
            "statusReason": (
                "Rewritten at a review" if outcome.status == OutcomeStatus.REPLACED else None
            ),
            "expressedBy": ref(person.pk),
            "addresses": [{"display": outcome.assessed_need}] if outcome.assessed_need else [],
        }
    )


def _cost(solution) -> dict | None:
    if solution.cost is None:
        return None
    return {
        "url": c.EXT_SOLUTION_COST,
        "extension": [
            {"url": "amount", "valueMoney": {"value": float(solution.cost), "currency": "GBP"}},
            {"url": "period", "valueCode": solution.cost_period},
        ],
    }


def activity(solution) -> dict:
    step = SupportStep(solution.step)
    status_label = str(SolutionStatus(solution.status).label)
    detail = _compact(
        {
            "extension": _exts(
                {"url": c.EXT_SOURCE_RECORD, "valueIdentifier": _ident(solution.pk)},
                {
                    "url": c.EXT_SUPPORT_STEP,
                    "valueCoding": _coding(
                        c.SUPPORT_STEP, step.value, f"Step {step.number}: {step.label}"
                    ),
                },
                {
                    "url": c.EXT_SOLUTION_STATUS,
                    "valueCoding": _coding(c.SOLUTION_STATUS, solution.status, status_label),
                },
                _cost(solution),
            ),
            "code": {"text": solution.what},
            "status": c.SOLUTION_ACTIVITY_STATUS[solution.status],
            "statusReason": {"text": status_label},
            "goal": [ref(solution.outcome_id)],
            "performer": [{"display": solution.who}] if solution.who else [],
            "description": solution.notes,
        }
    )
    return {"detail": detail}


def _author(person: Person) -> dict:
    today = timezone.localdate()
    allocation = (
        person.allocations.filter(active_on(today))
        .select_related("worker")
        .order_by("start_date", "created_at")
        .first()
    )
    if allocation is not None:
        return {"display": f"{_user_name(allocation.worker)}, {person.team.name}"}
    return {"display": person.team.name}


def care_plan(person: Person, outcomes: list, solutions: list, next_review) -> dict:
    open_outcomes = [o for o in outcomes if o.status == OutcomeStatus.OPEN]
    start = min((timezone.localdate(o.created_at) for o in outcomes), default=None)
    return _compact(
        {
            "resourceType": "CarePlan",
            "id": str(care_plan_id(person)),
            "meta": {"profile": [c.UK_CORE_CARE_PLAN]},
            "extension": _exts(_ext(c.EXT_NEXT_REVIEW, valueDate=_date(next_review))),
            "identifier": [_ident(care_plan_id(person))],
            "status": "active" if open_outcomes or not outcomes else "completed",
            "intent": "plan",
            "category": [{"text": "Care and support plan"}],
            "title": "Support plan",
            "description": "The person's outcomes, in their words, and the support agreed "
            "through the Support Sequence.",
            "subject": ref(person.pk),
            "period": {"start": _date(start)} if start else None,
            "author": _author(person),
            "goal": [ref(o.pk) for o in outcomes],
            "activity": [activity(s) for s in solutions],
        }
    )


def care_plan_id(person: Person) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"care-plan:{person.pk}")


def review_observations(person: Person, review) -> list[dict]:
    members = []
    resources = []
    for outcome_review in review.outcome_reviews.order_by("created_at", "id"):
        components = [
            _chosen(c.KIND_DECISION, c.OUTCOME_DECISION, OutcomeDecision(outcome_review.decision))
        ]
        if outcome_review.new_measure_value is not None:
            components.append(
                {
                    "code": _kind(c.KIND_MEASURE_NOW),
                    "valueQuantity": {"value": float(outcome_review.new_measure_value)},
                }
            )
        resources.append(
            _compact(
                {
                    "resourceType": "Observation",
                    "id": str(outcome_review.pk),
                    "extension": _exts(
                        {
                            "url": c.EXT_REWRITTEN_AS,
                            "valueReference": ref(outcome_review.new_outcome_id),
                        }
                        if outcome_review.new_outcome_id
                        else None
                    ),
                    "identifier": [_ident(outcome_review.pk)],
                    "status": "final" if review.status == ReviewStatus.COMPLETED else "preliminary",
                    "code": _kind(c.KIND_OUTCOME_REVIEW),
                    "subject": ref(person.pk),
                    "focus": [ref(outcome_review.outcome_id)],
                    "effectiveDateTime": _date(review.held_on),
                    "performer": [{"display": _user_name(outcome_review.recorded_by)}],
                    "valueCodeableConcept": _rating(outcome_review.rating),
                    "note": [{"text": outcome_review.evidence}] if outcome_review.evidence else [],
                    "component": components,
                }
            )
        )
        members.append(ref(outcome_review.pk))
    for view in review.person_views.order_by("at", "id"):
        components = [_chosen(c.KIND_WHOSE_WORDS, c.WHOSE_WORDS, WhoseWords(view.whose_words))]
        if view.rating:
            components.append(
                {"code": _kind(c.KIND_RATING), "valueCodeableConcept": _rating(view.rating)}
            )
        performer = (
            ref(person.pk)
            if view.whose_words != WhoseWords.ON_BEHALF
            else {"display": view.speaker_name}
        )
        resources.append(
            _compact(
                {
                    "resourceType": "Observation",
                    "id": str(view.pk),
                    "identifier": [_ident(view.pk)],
                    "status": "final",
                    "code": _kind(c.KIND_PERSON_VIEW),
                    "subject": ref(person.pk),
                    "focus": [ref(view.outcome_id)],
                    "effectiveDateTime": _instant(view.at),
                    "performer": [performer],
                    "valueString": view.in_their_words,
                    "component": components,
                }
            )
        )
        members.append(ref(view.pk))
    resources.insert(
        0,
        _compact(
            {
                "resourceType": "Observation",
                "id": str(review.pk),
                "extension": _exts(_ext(c.EXT_NEXT_REVIEW, valueDate=_date(review.next_review_on))),
                "identifier": [_ident(review.pk)],
                "status": "final" if review.status == ReviewStatus.COMPLETED else "preliminary",
                "code": _kind(c.KIND_REVIEW),
                "subject": ref(person.pk),
                "effectiveDateTime": _date(review.held_on),
                "performer": [{"display": _user_name(review.conducted_by)}],
                "valueString": review.what_learned,
                "hasMember": members,
            }
        ),
    )
    return resources


def agreement_provenances(person: Person, care_plan_ref: dict, solutions: list) -> list[dict]:
    """Where the record shows support was agreed: each change of a solution to "agreed"
    (who, when). Provenance of the CarePlan, naming the activity's record."""
    resources = []
    for solution in solutions:
        for change in solution.status_changes.all():
            if change.to_status != SolutionStatus.AGREED:
                continue
            pk = uuid.uuid5(_NAMESPACE, f"agreement:{change.pk}")
            resources.append(
                _compact(
                    {
                        "resourceType": "Provenance",
                        "id": str(pk),
                        "extension": [
                            {"url": c.EXT_AGREED_SOLUTION, "valueIdentifier": _ident(solution.pk)}
                        ],
                        "target": [care_plan_ref],
                        "occurredDateTime": _instant(change.created_at),
                        "recorded": _instant(change.created_at),
                        "activity": {
                            "coding": [
                                _coding(
                                    c.RECORD_KIND,
                                    c.KIND_AGREEMENT,
                                    c.KIND_DISPLAY[c.KIND_AGREEMENT],
                                )
                            ],
                            "text": f"Agreed: {solution.what}",
                        },
                        "agent": [
                            {"who": {"display": _user_name(change.changed_by) or "Not recorded"}}
                        ],
                    }
                )
            )
    return resources


def organisation_name() -> str:
    return getattr(settings, "GOLDENTHREAD_DATA_CONTROLLER", {}).get("name") or "Golden Thread"


def transfer_provenance(person: Person, bundle_id: uuid.UUID, now, exported_by) -> dict:
    agents = [
        {
            "type": {"coding": [_coding(c.PROVENANCE_PARTICIPANT, "custodian", "Custodian")]},
            "who": {"display": f"{organisation_name()}: {person.team.name}"},
        }
    ]
    if exported_by is not None:
        agents.append(
            {
                "type": {"coding": [_coding(c.PROVENANCE_PARTICIPANT, "author", "Author")]},
                "who": {"display": _user_name(exported_by)},
            }
        )
    return {
        "resourceType": "Provenance",
        "id": str(uuid.uuid5(bundle_id, "transfer")),
        "target": [ref(person.pk), ref(care_plan_id(person))],
        "recorded": _instant(now),
        "activity": _kind(c.KIND_TRANSFER),
        "agent": agents,
    }


# --- The Bundle ---------------------------------------------------------------------------


def bundle_for(person: Person, *, exported_by=None, bundle_id: uuid.UUID | None = None) -> dict:
    now = timezone.now()
    bundle_id = bundle_id or uuid.uuid4()
    outcomes = list(person.outcomes.select_related("positive_change").order_by("created_at", "id"))
    solutions = list(
        person.support_solutions.prefetch_related("status_changes__changed_by").order_by(
            "created_at", "id"
        )
    )
    reviews = list(
        person.reviews.select_related("conducted_by")
        .prefetch_related("outcome_reviews__recorded_by", "person_views")
        .order_by("held_on", "created_at", "id")
    )
    latest: dict[Any, str] = {}
    by_outcome: dict[Any, list] = defaultdict(list)
    for review in reviews:
        for outcome_review in review.outcome_reviews.all():
            by_outcome[outcome_review.outcome_id].append(
                (review.held_on, outcome_review.created_at, outcome_review.rating)
            )
    for outcome_id, ratings in by_outcome.items():
        latest[outcome_id] = max(ratings)[2]
    schedule = getattr(person, "review_schedule", None)
    plan = care_plan(person, outcomes, solutions, schedule.next_review_on if schedule else None)
    resources = [patient(person)]
    resources += [related_person(person, m) for m in person.circle.order_by("name", "id")]
    resources.append(plan)
    resources += [goal(person, o, latest.get(o.pk)) for o in outcomes]
    for review in reviews:
        resources += review_observations(person, review)
    resources += agreement_provenances(person, ref(plan["id"]), solutions)
    resources.append(transfer_provenance(person, bundle_id, now, exported_by))
    return {
        "resourceType": "Bundle",
        "id": str(bundle_id),
        "meta": {"lastUpdated": _instant(now)},
        "identifier": _ident(bundle_id),
        "type": "collection",
        "timestamp": _instant(now),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
