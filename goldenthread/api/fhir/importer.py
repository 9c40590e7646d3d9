"""Import a plan sent by another Golden Thread as a FHIR R4 Bundle (IO-2): the receiving
council sees the person, their circle, the outcomes, solutions and review history as the
sending council wrote them, marked as received (PlanTransfer, ReceivedRecord).

Nothing is written directly: every record is made by the same service functions the pages
use, as the receiving worker (`actor`), so the same rules, versions and change history
apply. The review history is replayed in the order it happened (an outcome is written,
then reviewed, rewritten or closed at the review that did it), so each step passes the
same checks it passed where it was written. All of it is one transaction: a Bundle that
cannot be imported whole leaves nothing behind.

Text is kept as typed text is (ADR 0037) before anything is read from the Bundle
(`as_typed`): direction controls are removed, text of only invisible characters is blank
(so a required one is refused with the service's message, naming the field), and a name
keeps its control so that the people service refuses it, as it refuses one typed.

What the services refuse for good reason is kept as sent in the transfer record instead
(ReceivedRecord.note): a target date more than a year past (the services take that for
a mistyped year), or a next review date already past.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from goldenthread.accounts.models import CASEWORK_ROLES, Role, Team, User
from goldenthread.audit.models import AccessAction
from goldenthread.audit.services import access_record
from goldenthread.conversations import services as conversation_services
from goldenthread.core.formatting import date_text
from goldenthread.core.text import as_kept
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people import services as people_services
from goldenthread.people.models import Person
from goldenthread.reviews import services as review_services
from goldenthread.support import services as support_services

from ..models import PlanTransfer, ReceivedRecord
from . import codes as c
from .validate import bundle_errors, unstorable_text

MAX_DEPTH = 64
MAX_ENTRIES = 5000


class ImportRefused(Exception):
    """The Bundle cannot be imported; the message says why in plain words."""


# --- Reading the Bundle -------------------------------------------------------------------


def _depth(value: Any, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def read_bundle(raw: bytes) -> dict:
    """Parse and check a Bundle's bytes: size, JSON, nesting, text that cannot be stored
    (NUL, a lone surrogate: refused by where it is), the R4 schema."""
    limit = int(getattr(settings, "GOLDENTHREAD_FHIR_IMPORT_MAX_MB", 10)) * 1024 * 1024
    if len(raw) > limit:
        raise ImportRefused(
            f"The file is {len(raw) / 1024 / 1024:.1f} MB; the most a plan "
            f"import reads is {limit // 1024 // 1024} MB."
        )
    try:
        bundle = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportRefused(
            "The file is not UTF-8 text, so it is not a FHIR JSON Bundle."
        ) from None
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except RecursionError:
        raise ImportRefused(f"The JSON is nested more than {MAX_DEPTH} levels deep.") from None
    if _depth(bundle, MAX_DEPTH) > MAX_DEPTH:
        raise ImportRefused(f"The JSON is nested more than {MAX_DEPTH} levels deep.")
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ImportRefused('This is not a FHIR Bundle: its resourceType must be "Bundle".')
    if len(bundle.get("entry") or []) > MAX_ENTRIES:
        raise ImportRefused(f"The Bundle has more than {MAX_ENTRIES} entries.")
    unstorable = unstorable_text(bundle)
    if unstorable:
        raise ImportRefused(
            "The Bundle has text that cannot be stored; nothing was imported:\n  "
            + "\n  ".join(unstorable)
        )
    problems = bundle_errors(bundle)
    if problems:
        raise ImportRefused("The Bundle is not valid FHIR R4:\n  " + "\n  ".join(problems))
    return bundle


def as_typed(value: Any, *, name: bool = False) -> Any:
    """The Bundle with every string kept as typed text is (core.text.as_kept, ADR 0037):
    without direction controls, and "" when it shows nothing. Strings under a `name` (a
    HumanName's given, family, text) keep their controls: the people service refuses such a
    name with its message, as for a name typed in the form. read_bundle() limited the
    nesting, so this recursion is bounded."""
    if isinstance(value, str):
        return as_kept(value, name=name)
    if isinstance(value, list):
        return [as_typed(item, name=name) for item in value]
    if isinstance(value, dict):
        return {key: as_typed(item, name=name or key == "name") for key, item in value.items()}
    return value


def _ext(resource: dict, url: str) -> dict | None:
    for item in resource.get("extension", []) or []:
        if item.get("url") == url:
            return item
    return None


def _ext_value(resource: dict, url: str, kind: str, default: Any = None) -> Any:
    item = _ext(resource, url)
    return item.get(kind, default) if item else default


def _ref_id(reference: dict | None) -> str | None:
    value = (reference or {}).get("reference", "")
    return value[len("urn:uuid:") :] if value.startswith("urn:uuid:") else (value or None)


def _coding_code(concept: dict | None, system: str) -> str | None:
    for coding in (concept or {}).get("coding", []) or []:
        if coding.get("system") == system:
            return coding.get("code")
    return None


def _kind(observation: dict) -> str | None:
    return _coding_code(observation.get("code"), c.RECORD_KIND)


def _component(observation: dict, kind: str) -> dict | None:
    for component in observation.get("component", []) or []:
        if _coding_code(component.get("code"), c.RECORD_KIND) == kind:
            return component
    return None


def _date(value: str | None, what: str) -> datetime.date | None:
    if not value:
        return None
    parsed = parse_date(value[:10])
    if parsed is None:
        raise ImportRefused(f"{what}: {value!r} is not a full date (YYYY-MM-DD).")
    return parsed


def _instant(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        parsed_date = parse_date(value[:10])
        if parsed_date is None:
            return None
        parsed = datetime.datetime.combine(parsed_date, datetime.time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _source(observation: dict) -> str:
    """Which resource a record came from, and who wrote it there."""
    who = next(
        (p.get("display") for p in observation.get("performer", []) or [] if p.get("display")), ""
    )
    source = f"{observation['resourceType']}/{observation.get('id')}"
    return f"{source}, recorded there by {who}" if who else source


@dataclass
class Plan:
    """The parts of a Bundle an import uses, checked to belong together."""

    bundle: dict
    patient: dict
    related: list[dict]
    care_plan: dict | None
    goals: dict[str, dict]
    activities: list[dict]
    reviews: list[dict]
    observations: dict[str, dict]
    transfer: dict | None
    sent_by: str
    sent_at: datetime.datetime
    warnings: list[str] = field(default_factory=list)


def understand(bundle: dict) -> Plan:
    """Find the person, circle, plan, outcomes and reviews; refuse what does not fit."""
    by_type: dict[str, list[dict]] = defaultdict(list)
    for entry in bundle.get("entry", []) or []:
        resource = entry.get("resource") or {}
        by_type[resource.get("resourceType", "")].append(resource)
    patients = by_type["Patient"]
    if len(patients) != 1:
        raise ImportRefused(f"A plan Bundle has exactly one Patient; this one has {len(patients)}.")
    patient = patients[0]
    patient_id = patient.get("id")
    care_plans = by_type["CarePlan"]
    if len(care_plans) > 1:
        raise ImportRefused("A plan Bundle has one CarePlan; this one has several.")
    for resource in [*by_type["RelatedPerson"], *by_type["Goal"], *by_type["Observation"]]:
        subject = resource.get("patient") or resource.get("subject")
        if _ref_id(subject) != patient_id:
            raise ImportRefused(
                f"{resource['resourceType']} {resource.get('id')} is about "
                "someone other than the Bundle's Patient."
            )
    goals = {g["id"]: g for g in by_type["Goal"] if g.get("id")}
    if len(goals) != len(by_type["Goal"]):
        raise ImportRefused("Every Goal needs an id, so that reviews can refer to it.")
    care_plan = care_plans[0] if care_plans else None
    activities = [a.get("detail") or {} for a in (care_plan or {}).get("activity", []) or []]
    for detail in activities:
        goal_ids = [_ref_id(g) for g in detail.get("goal", []) or []]
        if len(goal_ids) != 1 or goal_ids[0] not in goals:
            raise ImportRefused(
                "Each activity of the CarePlan must be for exactly one of the Bundle's Goals."
            )
    observations = {o["id"]: o for o in by_type["Observation"] if o.get("id")}
    reviews = [o for o in by_type["Observation"] if _kind(o) == c.KIND_REVIEW]
    transfer = next(
        (
            p
            for p in by_type["Provenance"]
            if _coding_code(p.get("activity"), c.RECORD_KIND) == c.KIND_TRANSFER
        ),
        None,
    )
    sent_by, sent_at = "", None
    if transfer is not None:
        sent_by = "; ".join(
            a.get("who", {}).get("display", "")
            for a in transfer.get("agent", [])
            if a.get("who", {}).get("display")
        )
        sent_at = _instant(transfer.get("recorded"))
    return Plan(
        bundle=bundle,
        patient=patient,
        related=by_type["RelatedPerson"],
        care_plan=care_plan,
        goals=goals,
        activities=activities,
        reviews=reviews,
        observations=observations,
        transfer=transfer,
        sent_by=sent_by or "Not said in the Bundle",
        sent_at=sent_at or _instant(bundle.get("timestamp")) or timezone.now(),
    )


# --- Writing it, through the services -----------------------------------------------------


@dataclass
class Imported:
    person: Person
    transfer: PlanTransfer
    counts: dict[str, int]
    notes: list[str]


class _Writer:
    def __init__(
        self, plan: Plan, actor: User, team: Team, raw: bytes, namesakes: list[Any]
    ) -> None:
        self.plan, self.actor, self.team, self.raw = plan, actor, team, raw
        self.namesakes = namesakes
        self.today = timezone.localdate()
        self.outcomes: dict[str, Any] = {}  # Goal id → Outcome
        self.changes: dict[str, Any] = {}  # positive change text → PositiveChange
        self.received: list[tuple[models.Model, str, str]] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.notes: list[str] = []
        self.rewritten_at_review = {
            _ref_id(item["valueReference"])
            for o in plan.observations.values()
            for item in o.get("extension", []) or []
            if item.get("url") == c.EXT_REWRITTEN_AS
        }
        # understand() checked that each activity names one of the Bundle's Goals.
        self.activities_by_goal: dict[str | None, list[dict]] = defaultdict(list)
        for detail in plan.activities:
            self.activities_by_goal[_ref_id(detail["goal"][0])].append(detail)

    def keep(self, instance: models.Model, source: str, note: str = "") -> None:
        self.received.append((instance, source, note))
        self.counts[str(instance._meta.verbose_name_plural)] += 1

    # The person and their circle

    def person(self) -> Person:
        patient = self.plan.patient
        person = people_services.person_create(
            actor=self.actor,
            team=self.team,
            area=self.team.area,
            **_who(patient),
            communication_needs=_ext_value(patient, c.EXT_COMMUNICATION_NEEDS, "valueString", ""),
            allocate_to=self.actor if self.actor.role == Role.PRACTITIONER else None,
            # Checked before the transaction (_check_not_known), with the namesakes the
            # importer confirmed; the CHI number is checked again.
            namesakes_checked=self.namesakes,
        )
        self.keep(person, f"Patient/{patient.get('id')}")
        return person

    def circle(self, person: Person) -> None:
        for related in self.plan.related:
            names = related.get("name") or [{}]
            name = (
                names[0].get("text")
                or " ".join([*(names[0].get("given") or []), names[0].get("family", "")]).strip()
            )
            relationship = (related.get("relationship") or [{}])[0].get("text") or ""
            member = people_services.circle_member_add(
                actor=self.actor,
                person=person,
                name=name,
                relationship=relationship,
                is_unpaid_carer=bool(_ext_value(related, c.EXT_UNPAID_CARER, "valueBoolean")),
                contact=_ext_value(related, c.EXT_CONTACT_DETAILS, "valueString", ""),
                notes=_ext_value(related, c.EXT_NOTES, "valueString", ""),
            )
            self.keep(member, f"RelatedPerson/{related.get('id')}")

    # Outcomes and their solutions

    def _target(self, goal: dict) -> tuple[datetime.date | None, str]:
        target = (goal.get("target") or [{}])[0]
        due = _date(target.get("dueDate"), f"Goal {goal['id']} target.dueDate")
        if due is not None and due < self.today - datetime.timedelta(days=366):
            return None, (
                f"The date it should be achieved by was {date_text(due)} where it "
                "was written; it is more than a year ago, which this service "
                "refuses as a likely mistake, so it is left blank here."
            )
        return due, ""

    def _wording(self, goal: dict) -> dict:
        target = (goal.get("target") or [{}])[0]
        return {
            "statement": (goal.get("description") or {}).get("text", ""),
            "baseline": _ext_value(goal, c.EXT_BASELINE, "valueString", ""),
            "measure": (target.get("measure") or {}).get("text", ""),
            "assessed_need": "; ".join(
                a.get("display", "") for a in goal.get("addresses", []) if a.get("display")
            ),
        }

    def _positive_change(self, conversation, goal: dict):
        text = _ext_value(goal, c.EXT_POSITIVE_CHANGE, "valueString", "") or (
            goal.get("description") or {}
        ).get("text", "")
        if text not in self.changes:
            change = conversation_services.positive_change_add(
                actor=self.actor, conversation=conversation, text=text
            )
            self.changes[text] = change
            self.keep(change, f"Goal/{goal['id']} (positive change)")
        return self.changes[text]

    def outcome(self, person: Person, conversation, goal: dict) -> None:
        due, note = self._target(goal)
        replaces = _ref_id(_ext_value(goal, c.EXT_REPLACES, "valueReference"))
        if replaces and replaces in self.outcomes:
            outcome = outcome_services.outcome_rewrite(
                actor=self.actor,
                outcome=self.outcomes[replaces],
                target_date=due,
                **self._wording(goal),
            )
        else:
            outcome = outcome_services.outcome_create(
                actor=self.actor,
                positive_change=self._positive_change(conversation, goal),
                target_date=due,
                **self._wording(goal),
            )
        self.outcomes[goal["id"]] = outcome
        self.keep(outcome, f"Goal/{goal['id']}", note)
        self.solutions(person, goal["id"], outcome)

    def solutions(self, person: Person, goal_id: str, outcome) -> None:
        for detail in self.activities_by_goal.get(goal_id, []):
            step = _coding_code(
                {"coding": [_ext_value(detail, c.EXT_SUPPORT_STEP, "valueCoding", {})]},
                c.SUPPORT_STEP,
            )
            status = _coding_code(
                {"coding": [_ext_value(detail, c.EXT_SOLUTION_STATUS, "valueCoding", {})]},
                c.SOLUTION_STATUS,
            )
            if status is None:
                status = {v: k for k, v in c.SOLUTION_ACTIVITY_STATUS.items()}.get(
                    detail.get("status") or "", "idea"
                )
            cost, period = None, ""
            cost_ext = _ext(detail, c.EXT_SOLUTION_COST)
            if cost_ext:
                parts = {e.get("url"): e for e in cost_ext.get("extension", [])}
                try:
                    cost = Decimal(str(parts["amount"]["valueMoney"]["value"])).quantize(
                        Decimal("0.01")
                    )
                    period = parts["period"]["valueCode"]
                except (KeyError, InvalidOperation):
                    raise ImportRefused(
                        "A solution's cost needs an amount and how often it is paid."
                    ) from None
            source = _ext_value(detail, c.EXT_SOURCE_RECORD, "valueIdentifier", {})
            solution = support_services.solution_add(
                actor=self.actor,
                person=person,
                outcome=outcome,
                step=step or "",
                what=(detail.get("code") or {}).get("text", ""),
                who="; ".join(
                    p.get("display", "") for p in detail.get("performer", []) if p.get("display")
                ),
                cost=cost,
                cost_period=period,
                status=status,
                notes=detail.get("description", ""),
            )
            self.keep(solution, f"CarePlan activity {source.get('value', '')}".strip())

    # Reviews, replayed

    def review(self, person: Person, observation: dict) -> None:
        held_on = _date(observation.get("effectiveDateTime"), "A review's date")
        if held_on is None:
            raise ImportRefused(
                f"Observation {observation.get('id')} is a review without its date "
                "(effectiveDateTime)."
            )
        review = review_services.review_start(actor=self.actor, person=person, held_on=held_on)
        self.keep(review, _source(observation))
        members = [
            self.plan.observations.get(_ref_id(m) or "")
            for m in observation.get("hasMember", []) or []
        ]
        for member in [m for m in members if m and _kind(m) == c.KIND_OUTCOME_REVIEW]:
            self.outcome_review(person, review, member)
        for member in [m for m in members if m and _kind(m) == c.KIND_PERSON_VIEW]:
            goal_id = _ref_id((member.get("focus") or [{}])[0])
            if goal_id is None or goal_id not in self.outcomes:
                raise ImportRefused(
                    f"Observation {member.get('id')} gives a view of a Goal the Bundle does "
                    "not have, or one written later."
                )
            rating = _component(member, c.KIND_RATING)
            whose = _component(member, c.KIND_WHOSE_WORDS)
            performer = (member.get("performer") or [{}])[0]
            view = review_services.person_view_add(
                actor=self.actor,
                review=review,
                outcome=self.outcomes[goal_id],
                in_their_words=member.get("valueString", ""),
                rating=_coding_code((rating or {}).get("valueCodeableConcept"), c.REVIEW_RATING)
                or "",
                whose_words=_coding_code((whose or {}).get("valueCodeableConcept"), c.WHOSE_WORDS)
                or "person",
                speaker_name=performer.get("display", "") if "reference" not in performer else "",
            )
            self.keep(view, _source(member))
        learned = observation.get("valueString", "")
        if learned:
            review = review_services.review_update(
                actor=self.actor,
                review=review,
                expected_version=review.version,
                held_on=review.held_on,
                what_learned=learned,
            )
        if observation.get("status") == "final":
            next_review = _date(
                _ext_value(observation, c.EXT_NEXT_REVIEW, "valueDate"),
                "A review's next review date",
            )
            review_services.review_complete(
                actor=self.actor,
                review=review,
                expected_version=review.version,
                next_review_on=next_review,
                what_learned=learned,
            )

    def outcome_review(self, person: Person, review, member: dict) -> None:
        goal_id = _ref_id((member.get("focus") or [{}])[0])
        if goal_id is None or goal_id not in self.outcomes:
            raise ImportRefused(
                f"Observation {member.get('id')} reviews a Goal the Bundle does "
                "not have, or one written later."
            )
        decision = (
            _coding_code(
                (_component(member, c.KIND_DECISION) or {}).get("valueCodeableConcept"),
                c.OUTCOME_DECISION,
            )
            or "keep"
        )
        measure = _component(member, c.KIND_MEASURE_NOW)
        rewrite = None
        new_goal_id = _ref_id(_ext_value(member, c.EXT_REWRITTEN_AS, "valueReference")) or ""
        note = ""
        if decision == "rewrite":
            new_goal = self.plan.goals.get(new_goal_id)
            if new_goal is None:
                raise ImportRefused(
                    f"Observation {member.get('id')} rewrites an outcome but "
                    "does not say which Goal is its new wording."
                )
            due, note = self._target(new_goal)
            # Nothing is carried across: each solution was made under the goal the sending
            # council had it under (a rewrite there may have left support with the old words).
            rewrite = review_services.Rewrite(
                target_date=due, carry=frozenset(), **self._wording(new_goal)
            )
        row = review_services.outcome_review_record(
            actor=self.actor,
            review=review,
            outcome=self.outcomes[goal_id],
            rating=_coding_code(member.get("valueCodeableConcept"), c.REVIEW_RATING) or "",
            evidence=" ".join(n.get("text", "") for n in member.get("note", []) or []),
            decision=decision,
            new_measure_value=(
                Decimal(str(measure["valueQuantity"]["value"])) if measure else None
            ),
            rewrite=rewrite,
        )
        self.keep(row, _source(member))
        if rewrite is not None:
            new_outcome = row.new_outcome
            # outcome_review_record writes the new wording of every rewrite it records.
            assert new_outcome is not None
            self.outcomes[new_goal_id] = new_outcome
            self.keep(new_outcome, f"Goal/{new_goal_id}", note)
            self.solutions(person, new_goal_id, new_outcome)

    # The whole plan

    def run(self) -> Imported:
        person = self.person()
        self.circle(person)
        conversation = conversation_services.conversation_create(
            actor=self.actor,
            person=person,
            held_on=self.today,
            person_took_part=False,
            place=f"Plan received from {self.plan.sent_by}"[:200],
        )
        self.keep(conversation, f"Bundle/{self.plan.bundle.get('id')}")
        # The history in the order it happened. Reviews in the order they were held. An
        # outcome is written just before the first review that looks at it (so earlier
        # reviews, which did not, stay complete); one no review looks at was written after
        # the last review. An outcome rewritten at a review is written by that review.
        reviews = sorted(
            self.plan.reviews,
            key=lambda o: _date(o.get("effectiveDateTime"), "A review's date") or self.today,
        )
        first_review: dict[str, int] = {}
        for index, observation in enumerate(reviews):
            for member in observation.get("hasMember", []) or []:
                reviewed = self.plan.observations.get(_ref_id(member) or "")
                for focus in (reviewed or {}).get("focus", []) or []:
                    if focused := _ref_id(focus):
                        first_review.setdefault(focused, index)
        roots = [g for g in self.plan.goals.values() if g["id"] not in self.rewritten_at_review]
        for index, observation in enumerate(reviews):
            for goal in roots:
                if first_review.get(goal["id"]) == index and goal["id"] not in self.outcomes:
                    self.root(person, conversation, goal)
            self.review(person, observation)
        for goal in roots:
            if goal["id"] not in self.outcomes:
                self.root(person, conversation, goal)
        self.final_statuses()
        self.schedule(person)
        return self.finish(person)

    def root(self, person: Person, conversation, goal: dict) -> None:
        replaces = _ref_id(_ext_value(goal, c.EXT_REPLACES, "valueReference"))
        if replaces and replaces not in self.outcomes:
            raise ImportRefused(
                f"Goal {goal['id']} replaces a Goal that is not in the Bundle, "
                "or that is written after it."
            )
        self.outcome(person, conversation, goal)

    def final_statuses(self) -> None:
        for goal_id, outcome in self.outcomes.items():
            goal = self.plan.goals[goal_id]
            status = _coding_code(
                {"coding": [_ext_value(goal, c.EXT_OUTCOME_STATUS, "valueCoding", {})]},
                c.OUTCOME_STATUS,
            )
            if status is None:
                status = {
                    "completed": OutcomeStatus.ACHIEVED,
                    "cancelled": OutcomeStatus.CLOSED,
                }.get(goal.get("lifecycleStatus") or "", OutcomeStatus.OPEN)
            outcome.refresh_from_db()
            if outcome.status == status:
                continue
            if outcome.status == OutcomeStatus.OPEN and status in (
                OutcomeStatus.ACHIEVED,
                OutcomeStatus.CLOSED,
            ):
                outcome_services.outcome_close(actor=self.actor, outcome=outcome, status=status)
            else:
                raise ImportRefused(
                    f"Goal {goal_id} says the outcome is {status}, but its history in the "
                    f"Bundle leaves it {outcome.status}."
                )

    def schedule(self, person: Person) -> None:
        next_review = _date(
            _ext_value(self.plan.care_plan or {}, c.EXT_NEXT_REVIEW, "valueDate"),
            "CarePlan next review date",
        )
        if next_review is None:
            return
        current = getattr(Person.objects.get(pk=person.pk), "review_schedule", None)
        if current is not None and current.next_review_on == next_review:
            return
        if next_review < self.today:
            # The service sets a next review date only for today or later: keep it as sent.
            note = (
                f"The next review was due on {date_text(next_review)} where the plan was "
                "written; that date has passed, so set the next review date here."
            )
            self.received = [
                (i, s, note if isinstance(i, Person) else n) for i, s, n in self.received
            ]
            return
        review_services.review_schedule_set(
            actor=self.actor,
            person=person,
            next_review_on=next_review,
            expected_version=current.version if current else None,
        )

    def finish(self, person: Person) -> Imported:
        digest = hashlib.sha256(self.raw).hexdigest()
        transfer = PlanTransfer.objects.create(
            person=person,
            sent_by=self.plan.sent_by[:300],
            sent_at=self.plan.sent_at,
            bundle_identifier=str(
                (self.plan.bundle.get("identifier") or {}).get("value")
                or self.plan.bundle.get("id")
                or ""
            )[:200],
            file_sha256=digest,
            imported_by=self.actor,
        )
        for instance, source, note in self.received:
            ReceivedRecord.objects.create(
                transfer=transfer,
                person=person,
                object_type=instance._meta.label,
                object_id=str(instance.pk),
                source_reference=source[:200],
                note=note[:500],
            )
            if note:
                self.notes.append(note)
        access_record(
            actor=self.actor,
            person_id=person.pk,
            action=AccessAction.CREATE,
            what="goldenthread import-fhir",
            reason=f"Plan received from {self.plan.sent_by}"[:500],
        )
        if not Person.objects.visible_to(self.actor).filter(pk=person.pk).exists():
            raise ImportRefused(
                f"{self.actor.username} could not open the record once imported (is their "
                "access to casework approved?). Nothing was imported."
            )
        return Imported(
            person=person, transfer=transfer, counts=dict(self.counts), notes=self.notes
        )


def check_actor(actor: User, team: Team) -> None:
    if actor is None or not actor.is_active:
        raise PermissionDenied("The user importing the plan must be able to sign in.")
    if actor.role not in CASEWORK_ROLES:
        raise PermissionDenied(
            "Only a practitioner or team leader imports a plan: they will work with the person."
        )
    if actor.team_id != team.pk:
        raise PermissionDenied(f"{actor.username} is not in the team {team.name}.")


def _birth_date(patient: dict) -> datetime.date:
    birth = _date(patient.get("birthDate"), "Patient.birthDate")
    if birth is None:
        raise ImportRefused("The Patient needs a birth date.")
    return birth


def _who(patient: dict) -> dict[str, Any]:
    """The Patient's names, date of birth and CHI number, as person_create takes them."""
    official = next(
        (n for n in patient.get("name", []) if n.get("use") == "official"),
        (patient.get("name") or [{}])[0],
    )
    usual: dict[str, Any] = next(
        (n for n in patient.get("name", []) if n.get("use") == "usual"), {}
    )
    given = " ".join(official.get("given", []) or [])
    family = official.get("family", "")
    if not given or not family:
        raise ImportRefused("The Patient needs a family name and a given name.")
    return {
        "given_name": given,
        "family_name": family,
        "preferred_name": " ".join(usual.get("given", []) or []),
        "date_of_birth": _birth_date(patient),
        "chi_number": next(
            (
                i.get("value", "")
                for i in patient.get("identifier", []) or []
                if i.get("system") in c.CHI_SYSTEM_ALIASES
            ),
            "",
        ),
    }


def _check_not_known(plan: Plan, actor: User, team: Team, *, confirmed_namesake: bool) -> list:
    """A person already recorded here, by CHI number or by name and date of birth: refuse
    before anything is written, as the page refuses them. For someone the importer may not
    see, the service records the possible duplicate for their team leader (and the attempt
    in that person's access log) and nothing about that record is shown. Someone the
    importer may see with the same name and date of birth is named by id; importing again
    with `confirmed_namesake` says it is a different person. Returns the ids of the
    namesakes so confirmed, for the new record's history."""
    try:
        return people_services.person_check_not_recorded(
            actor=actor,
            **_who(plan.patient),
            different_person_confirmed=confirmed_namesake,
            what="goldenthread import-fhir",
        )
    except people_services.PersonAlreadyRecorded as exc:
        raise ImportRefused(
            f"This person is already recorded here (person {exc.person.pk}). Nothing was imported."
        ) from None
    except people_services.SamePersonMayBeRecorded as exc:
        ids = ", ".join(f"person {p.pk}" for p in exc.people)
        raise ImportRefused(
            "Someone with the same name and date of birth is already recorded here, and "
            f"you may see their record ({ids}). Nothing was imported. If it is the same "
            "person, use that record; if they are a different person, import again with "
            "--different-person (kept in the new record's history)."
        ) from None
    except people_services.PersonMayBeKnown as exc:
        raise ImportRefused(
            f"This {exc.possible_duplicate.get_matched_on_display()} may belong to someone "
            "already known to this service. Nothing was imported; the importer's team "
            "leader has been asked to check."
        ) from None
    except people_services.TooManyPossibleDuplicates as exc:
        raise ImportRefused(
            f"{exc} Nothing was imported: no plan can be imported by this user until the "
            "day is out. Ask their team leader."
        ) from None


def import_plan(
    *, actor: User, team: Team, raw: bytes, confirmed_namesake: bool = False
) -> Imported:
    """Import a plan Bundle (bytes of a file) into `team`, as `actor`. `confirmed_namesake`:
    the person is not the one the importer may see with the same name and date of birth."""
    check_actor(actor, team)
    plan = understand(as_typed(read_bundle(raw)))
    try:
        # Before the transaction: a request for the team leader is kept though nothing is.
        namesakes = _check_not_known(plan, actor, team, confirmed_namesake=confirmed_namesake)
        with transaction.atomic():
            return _Writer(plan, actor, team, raw, namesakes).run()
    except ValidationError as exc:
        messages = (
            "; ".join(
                f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v)
                for k, v in exc.message_dict.items()
            )
            if hasattr(exc, "error_dict")
            else " ".join(exc.messages)
        )
        raise ImportRefused(
            f"The plan could not be imported as it stands: {messages} Nothing was imported."
        ) from None


__all__ = ["ImportRefused", "Imported", "import_plan", "uuid"]
