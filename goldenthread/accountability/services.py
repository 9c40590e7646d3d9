"""Every write to accountability records: keyword-only, a required actor, one transaction,
audited through the Auditor (SEC-4). Changes to a record are refused if someone saved
first (SEC-5); the steps of a challenge are history rows, only ever added.

A challenge may be raised by a worker for the person, or (once #12's portal registers a
check in actors.py) by the person or their proxy; it is answered by a worker."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.audit.services import Auditor, create_audited, update_audited
from goldenthread.core.formatting import date_text
from goldenthread.core.services import (
    audited_create,
    audited_update,
    create_once,
    not_far_off,
    not_future,
    refuse_unknown_fields,
)
from goldenthread.directory.models import CommunityResource
from goldenthread.outcomes.models import Outcome
from goldenthread.people.models import CircleMember, Person
from goldenthread.people.person_side import (
    require_worker,
    require_worker_or_person,
    tell_person_side,
)
from goldenthread.sds.models import Decision

from .models import (
    Advocacy,
    AdvocacyAnswer,
    Challenge,
    ChallengeAbout,
    ChallengeEvent,
    ChallengeOutcome,
    ChallengeState,
    EscalationBody,
    EventKind,
    Mediation,
    RaisedBy,
    Stage,
    Transition,
    TransitionKind,
)
from .working_days import (
    FRONTLINE_LONGEST_WORKING_DAYS,
    FRONTLINE_WORKING_DAYS,
    INVESTIGATION_WORKING_DAYS,
    OutsideHolidayTable,
    add_working_days,
    is_working_day,
)


def _due(start: datetime.date, days: int, field: str) -> datetime.date:
    try:
        return add_working_days(start, days)
    except OutsideHolidayTable as exc:
        raise ValidationError({field: str(exc)}) from exc


def _event(
    challenge: Challenge, actor: User, kind: str, on: datetime.date, **fields: Any
) -> ChallengeEvent:
    event = ChallengeEvent(
        challenge=challenge,
        person_id=challenge.person_id,
        kind=kind,
        stage=challenge.stage,
        on=on,
        recorded_by=actor,
        **fields,
    )
    return audited_create(event, auditor=Auditor(actor), person_id=challenge.person_id, clean=False)


def _challenge_step(
    challenge: Challenge,
    actor: User,
    *,
    expected_version: int,
    changes: dict[str, Any],
    kind: str,
    on: datetime.date,
    **event_fields: Any,
) -> Challenge:
    """One step of a challenge, in one transaction: change the challenge (refused if stale,
    audited) and add the history row that says what happened."""
    with transaction.atomic():
        audited_update(
            challenge,
            auditor=Auditor(actor),
            expected_version=expected_version,
            person_id=challenge.person_id,
            changes=changes,
        )
        _event(challenge, actor, kind, on, **event_fields)
    return challenge


# --- Challenges and complaints (ACC-2) -----------------------------------------------------


def challenge_raise(
    *,
    actor: User,
    person: Person,
    raised_by: str,
    raised_by_name: str,
    raised_on: datetime.date,
    about: str,
    details: str,
    wanted: str = "",
    decision: Decision | None = None,
    submission_token: uuid.UUID | None = None,
) -> Challenge:
    """Record a challenge or complaint received, at stage 1 (frontline resolution): its
    answer is due 5 working days after the day it was received. The same form sent twice
    (`submission_token`) keeps the first challenge: one challenge, one clock
    (core.services.create_once)."""
    require_worker_or_person(actor, person, doing="record a challenge or complaint")
    return create_once(
        Challenge,
        submission_token,
        lambda: _challenge_make(
            actor=actor,
            person=person,
            raised_by=raised_by,
            raised_by_name=raised_by_name,
            raised_on=raised_on,
            about=about,
            details=details,
            wanted=wanted,
            decision=decision,
            submission_token=submission_token,
        ),
        made_by={"person_id": person.pk, "recorded_by_id": actor.pk},
        used_message="This form has been used already. Open it again to record another challenge.",
    )


def _challenge_make(
    *,
    actor: User,
    person: Person,
    raised_by: str,
    raised_by_name: str,
    raised_on: datetime.date,
    about: str,
    details: str,
    wanted: str,
    decision: Decision | None,
    submission_token: uuid.UUID | None,
) -> Challenge:
    """challenge_raise's checks and writes."""
    errors: dict[str, str] = {}
    if raised_by not in RaisedBy.values:
        errors["raised_by"] = "Choose who raised it."
    if not raised_by_name.strip():
        errors["raised_by_name"] = "Enter the name of who raised it."
    if about not in ChallengeAbout.values:
        errors["about"] = "Choose what it is about."
    if not details.strip():
        errors["details"] = "Write what they are unhappy about, in their words."
    if decision is not None and decision.person_id != person.pk:
        errors["decision"] = "Choose one of this person's decisions."
    not_future(raised_on, "raised_on", "The date received", errors)
    if errors:
        raise ValidationError(errors)
    due_on = _due(raised_on, FRONTLINE_WORKING_DAYS, "raised_on")
    with transaction.atomic():
        challenge = Challenge(
            person=person,
            raised_by=raised_by,
            raised_by_name=raised_by_name.strip(),
            raised_on=raised_on,
            about=about,
            decision=decision,
            details=details.strip(),
            wanted=wanted.strip(),
            stage=Stage.FRONTLINE,
            state=ChallengeState.OPEN,
            stage_started_on=raised_on,
            due_on=due_on,
            recorded_by=actor,
            submission_token=submission_token,
        )
        audited_create(
            challenge,
            auditor=Auditor(actor),
            person_id=person.pk,
            clean={"validate_unique": False},  # the token: create_once
        )
        _event(challenge, actor, EventKind.RAISED, raised_on, due_on=due_on, text=details.strip())
    return challenge


def challenge_to_investigation(
    *,
    actor: User,
    challenge: Challenge,
    expected_version: int,
    started_on: datetime.date,
    reason: str,
) -> Challenge:
    """Move a challenge to stage 2 (investigation): because it is complex, or because the
    person is not satisfied with the frontline answer. Due 20 working days after it starts;
    the stage 1 answer stays in the history."""
    require_worker(actor, challenge.person_id, doing="move a complaint to investigation")
    errors: dict[str, str] = {}
    if challenge.stage != Stage.FRONTLINE:
        errors["__all__"] = "This complaint is already at stage 2 (investigation)."
    if not reason.strip():
        errors["reason"] = "Say why it is being investigated."
    not_future(started_on, "started_on", "The date the investigation started", errors)
    if started_on < challenge.raised_on:
        errors["started_on"] = (
            f"The investigation cannot start before the complaint was received "
            f"({date_text(challenge.raised_on)})."
        )
    if errors:
        raise ValidationError(errors)
    due_on = _due(started_on, INVESTIGATION_WORKING_DAYS, "started_on")
    return _challenge_step(
        challenge,
        actor,
        expected_version=expected_version,
        changes={
            "stage": Stage.INVESTIGATION,
            "state": ChallengeState.OPEN,
            "stage_started_on": started_on,
            "due_on": due_on,
            "outcome": "",
            "answer": "",
            "what_changed": "",
            "answered_on": None,
        },
        kind=EventKind.INVESTIGATION,
        on=started_on,
        due_on=due_on,
        text=reason.strip(),
    )


def challenge_answer(
    *,
    actor: User,
    challenge: Challenge,
    expected_version: int,
    outcome: str,
    answer: str,
    answered_on: datetime.date,
    what_changed: str = "",
) -> Challenge:
    """Answer the challenge at its current stage: upheld, partly upheld or not upheld, the
    answer as given to the person, and what changed because of it."""
    require_worker(actor, challenge.person_id, doing="answer a challenge or complaint")
    errors: dict[str, str] = {}
    if challenge.state == ChallengeState.ANSWERED:
        errors["__all__"] = "This stage is already answered."
    if outcome not in ChallengeOutcome.values:
        errors["outcome"] = "Choose whether it was upheld."
    if not answer.strip():
        errors["answer"] = "Write the answer as it was given to the person."
    if outcome in (ChallengeOutcome.UPHELD, ChallengeOutcome.PARTLY) and not what_changed.strip():
        errors["what_changed"] = "Say what changed because of it."
    not_future(answered_on, "answered_on", "The date answered", errors)
    if answered_on < challenge.stage_started_on:
        errors["answered_on"] = (
            f"The date answered must be on or after the stage started "
            f"({date_text(challenge.stage_started_on)})."
        )
    if errors:
        raise ValidationError(errors)
    _challenge_step(
        challenge,
        actor,
        expected_version=expected_version,
        changes={
            "state": ChallengeState.ANSWERED,
            "outcome": outcome,
            "answer": answer.strip(),
            "what_changed": what_changed.strip(),
            "answered_on": answered_on,
        },
        kind=EventKind.ANSWERED,
        on=answered_on,
        outcome=outcome,
        text=answer.strip(),
        what_changed=what_changed.strip(),
    )
    _tell_answered(challenge, actor)
    return challenge


def challenge_extend(
    *,
    actor: User,
    challenge: Challenge,
    expected_version: int,
    due_on: datetime.date,
    reason: str,
    agreed_by: str,
    on: datetime.date | None = None,
) -> Challenge:
    """Extend the time to answer the current stage (the model complaints handling
    procedure): with the reason the person is given and the manager who agreed it. Stage 1
    may be extended to at most 10 working days from its start; either stage only to a
    later working day. The due date it replaces stays in the history."""
    require_worker(actor, challenge.person_id, doing="extend the time to answer a complaint")
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if challenge.state == ChallengeState.ANSWERED:
        errors["__all__"] = "This stage is already answered, so there is nothing to extend."
    if not reason.strip():
        errors["reason"] = "Say why more time is needed, as the person will be told."
    if not agreed_by.strip():
        errors["agreed_by"] = "Name the manager who agreed the extension."
    not_far_off(due_on, "due_on", "The new date", errors)
    if "due_on" in errors:
        pass  # a mistyped year: nothing more to say about it
    elif due_on <= challenge.due_on:
        errors["due_on"] = (
            f"The new date must be after the date it is due now ({date_text(challenge.due_on)})."
        )
    else:
        try:
            if not is_working_day(due_on):
                errors["due_on"] = (
                    "The new date is a weekend or a Scottish public holiday: choose a working day."
                )
            elif challenge.stage == Stage.FRONTLINE:
                longest = add_working_days(
                    challenge.stage_started_on, FRONTLINE_LONGEST_WORKING_DAYS
                )
                if due_on > longest:
                    errors["due_on"] = (
                        f"Stage 1 can be extended to at most {FRONTLINE_LONGEST_WORKING_DAYS} "
                        f"working days ({date_text(longest)}). If it needs longer, move it "
                        "to stage 2 (investigation)."
                    )
        except OutsideHolidayTable as exc:
            errors["due_on"] = str(exc)
    not_future(on, "on", "The date of the extension", errors)
    if errors:
        raise ValidationError(errors)
    previous = challenge.due_on
    return _challenge_step(
        challenge,
        actor,
        expected_version=expected_version,
        changes={"due_on": due_on},
        kind=EventKind.EXTENDED,
        on=on,
        due_on=due_on,
        previous_due_on=previous,
        text=reason.strip(),
        agreed_by=agreed_by.strip(),
    )


def challenge_mediation(
    *,
    actor: User,
    challenge: Challenge,
    expected_version: int,
    mediation: str,
    on: datetime.date,
    note: str = "",
) -> Challenge:
    """Record that mediation was offered, and the person's answer."""
    require_worker(actor, challenge.person_id, doing="record mediation")
    errors: dict[str, str] = {}
    if mediation not in set(Mediation.values) - {Mediation.NOT_OFFERED}:
        errors["mediation"] = "Choose what happened about mediation."
    not_future(on, "on", "The date", errors)
    if on < challenge.raised_on:
        errors["on"] = "The date must be on or after the complaint was received."
    if errors:
        raise ValidationError(errors)
    return _challenge_step(
        challenge,
        actor,
        expected_version=expected_version,
        changes={"mediation": mediation},
        kind=EventKind.MEDIATION,
        on=on,
        mediation=mediation,
        text=note.strip(),
    )


def challenge_escalate(
    *,
    actor: User,
    challenge: Challenge,
    body: str,
    escalated_on: datetime.date,
    reference: str = "",
    note: str = "",
) -> ChallengeEvent:
    """Record that the complaint was taken to an outside body (the SPSO, after stage 2; the
    Care Inspectorate or the SSSC about a care service or a worker)."""
    require_worker_or_person(actor, challenge.person_id, doing="record an escalation")
    errors: dict[str, str] = {}
    if body not in EscalationBody.values:
        errors["body"] = "Choose who it was taken to."
    if body == EscalationBody.OTHER and not note.strip():
        errors["note"] = "Say which body it was taken to."
    not_future(escalated_on, "escalated_on", "The date", errors)
    if escalated_on < challenge.raised_on:
        errors["escalated_on"] = "The date must be on or after the complaint was received."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _event(
            challenge,
            actor,
            EventKind.ESCALATED,
            escalated_on,
            body=body,
            reference=reference.strip(),
            text=note.strip(),
        )


# --- Independent advocacy (ACC-1) -----------------------------------------------------------

ADVOCACY_FIELDS = (
    "identified_on",
    "identified_by",
    "why",
    "offered_on",
    "answer",
    "declined_reason",
    "referred_on",
    "provider",
    "provider_name",
    "started_on",
)


def _advocacy_errors(fields: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    identified_on = fields.get("identified_on")
    if identified_on is None:
        errors["identified_on"] = "Enter the date the need was identified."
    if not (fields.get("identified_by") or "").strip():
        errors["identified_by"] = "Say who identified the need."
    if not (fields.get("why") or "").strip():
        errors["why"] = "Say why advocacy is needed."
    answer = fields.get("answer") or AdvocacyAnswer.NOT_OFFERED
    offered_on, referred_on = fields.get("offered_on"), fields.get("referred_on")
    started_on = fields.get("started_on")
    if answer not in AdvocacyAnswer.values:
        errors["answer"] = "Choose the person's answer."
    elif answer != AdvocacyAnswer.NOT_OFFERED and offered_on is None:
        errors["offered_on"] = "Enter the date advocacy was offered."
    if answer == AdvocacyAnswer.DECLINED and referred_on is not None:
        errors["referred_on"] = "Advocacy was declined: clear the referral, or change the answer."
    if (
        referred_on is not None
        and answer != AdvocacyAnswer.ACCEPTED
        and "referred_on" not in errors
    ):
        errors["answer"] = "A referral is made once the person accepts advocacy."
    if (
        referred_on is not None
        and not (fields.get("provider_name") or "").strip()
        and fields.get("provider") is None
    ):
        errors["provider_name"] = "Name the advocacy provider referred to."
    if started_on is not None and referred_on is None:
        errors["started_on"] = "Enter the referral date before the date the advocate started."
    for name, what in (
        ("offered_on", "The date offered"),
        ("referred_on", "The date referred"),
        ("started_on", "The date the advocate started"),
        ("identified_on", "The date identified"),
    ):
        not_future(fields.get(name), name, what, errors)
    if identified_on:
        for name, what in (("offered_on", "offered"), ("referred_on", "referred")):
            day = fields.get(name)
            if day is not None and day < identified_on and name not in errors:
                errors[name] = (
                    f"The date {what} must be on or after the need was identified "
                    f"({date_text(identified_on)})."
                )
    if started_on and referred_on and started_on < referred_on and "started_on" not in errors:
        errors["started_on"] = (
            f"The advocate cannot start before the referral ({date_text(referred_on)})."
        )
    return errors


def _advocacy_tidy(fields: dict[str, Any]) -> dict[str, Any]:
    tidy = dict(fields)
    for name in ("identified_by", "why", "declined_reason", "provider_name"):
        if name in tidy:
            tidy[name] = (tidy[name] or "").strip()
    provider: CommunityResource | None = tidy.get("provider")
    if provider is not None and not tidy.get("provider_name"):
        tidy["provider_name"] = provider.name
    if tidy.get("answer") != AdvocacyAnswer.DECLINED:
        tidy["declined_reason"] = ""
    return tidy


def advocacy_record(*, actor: User, person: Person, **fields: Any) -> Advocacy:
    """Record that the person needs independent advocacy, and as much of the offer,
    referral and start as is known."""
    require_worker(actor, person, doing="record advocacy")
    refuse_unknown_fields("advocacy_record", fields, ADVOCACY_FIELDS, verb="set")
    fields.setdefault("answer", AdvocacyAnswer.NOT_OFFERED)
    errors = _advocacy_errors(fields)
    if errors:
        raise ValidationError(errors)
    advocacy = Advocacy(person=person, recorded_by=actor, **_advocacy_tidy(fields))
    return create_audited(actor, advocacy, person_id=person.pk)


def advocacy_update(
    *, actor: User, advocacy: Advocacy, expected_version: int, **changes: Any
) -> Advocacy:
    """Record the offer, the answer, the referral or the start; refused if stale."""
    require_worker(actor, advocacy.person_id, doing="record advocacy")
    refuse_unknown_fields("advocacy_update", changes, ADVOCACY_FIELDS)
    merged = {name: getattr(advocacy, name) for name in ADVOCACY_FIELDS} | changes
    errors = _advocacy_errors(merged)
    if errors:
        raise ValidationError(errors)
    tidy = _advocacy_tidy(merged)
    changed = {name: tidy[name] for name in ADVOCACY_FIELDS}
    return update_audited(
        actor,
        advocacy,
        expected_version=expected_version,
        person_id=advocacy.person_id,
        changes=changed,
    )


# --- Transitions (TR-1) ---------------------------------------------------------------------

TRANSITION_FIELDS = (
    "kind",
    "planned_on",
    "actual_on",
    "other_agencies",
    "receiving_details",
    "notes",
)


def _transition_errors(
    person_id: Any, fields: dict[str, Any], outcomes: list[Outcome], members: list[CircleMember]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if fields.get("kind") not in TransitionKind.values:
        errors["kind"] = "Choose the type of move."
    if fields.get("planned_on") is None:
        errors["planned_on"] = "Enter the planned date."
    not_far_off(fields.get("planned_on"), "planned_on", "The planned date", errors)
    not_future(fields.get("actual_on"), "actual_on", "The date it happened", errors)
    if any(o.person_id != person_id for o in outcomes):
        errors["outcomes"] = "Choose this person's outcomes."
    if any(m.person_id != person_id for m in members):
        errors["circle_members"] = "Choose people from this person's circle."
    if (
        fields.get("kind") == TransitionKind.BETWEEN_AREAS
        and not (fields.get("receiving_details") or "").strip()
    ):
        errors["receiving_details"] = "Say which council receives the plan, and how."
    return errors


def _links(transition: Transition) -> dict[str, list[str]]:
    return {
        "outcome_ids": sorted(str(pk) for pk in transition.outcomes.values_list("pk", flat=True)),
        "circle_member_ids": sorted(
            str(pk) for pk in transition.circle_members.values_list("pk", flat=True)
        ),
    }


def transition_record(
    *,
    actor: User,
    person: Person,
    outcomes: list[Outcome] | None = None,
    circle_members: list[CircleMember] | None = None,
    **fields: Any,
) -> Transition:
    """Record a move the person is making or will make, and the outcomes it serves."""
    require_worker(actor, person, doing="record a transition")
    refuse_unknown_fields("transition_record", fields, TRANSITION_FIELDS, verb="set")
    outcomes, circle_members = list(outcomes or []), list(circle_members or [])
    errors = _transition_errors(person.pk, fields, outcomes, circle_members)
    if errors:
        raise ValidationError(errors)
    tidy = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    with transaction.atomic():
        transition = Transition(person=person, recorded_by=actor, **tidy)
        transition.full_clean()
        transition.save(force_insert=True)
        transition.outcomes.set(outcomes)
        transition.circle_members.set(circle_members)
        Auditor(actor).created(transition, person_id=person.pk, extra=_links(transition))
    return transition


def transition_update(
    *,
    actor: User,
    transition: Transition,
    expected_version: int,
    outcomes: list[Outcome],
    circle_members: list[CircleMember],
    **changes: Any,
) -> Transition:
    require_worker(actor, transition.person_id, doing="record a transition")
    refuse_unknown_fields("transition_update", changes, TRANSITION_FIELDS)
    merged = {name: getattr(transition, name) for name in TRANSITION_FIELDS} | changes
    errors = _transition_errors(transition.person_id, merged, list(outcomes), list(circle_members))
    if errors:
        raise ValidationError(errors)
    tidy = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    with transaction.atomic():
        before_links = _links(transition)
        transition.outcomes.set(outcomes)
        transition.circle_members.set(circle_members)
        audited_update(
            transition,
            auditor=Auditor(actor),
            expected_version=expected_version,
            person_id=transition.person_id,
            changes=tidy,
            before_extra=before_links,
            extra=_links(transition),
        )
    return transition


def _tell_answered(challenge: Challenge, actor: User) -> None:
    """Whoever recorded the challenge and the person's allocated workers hear that it was
    answered (ACC-3), once the answer is committed. The words name no one."""
    from django.urls import reverse

    from goldenthread.accounts.notifications import Kind, notify
    from goldenthread.people.models import Allocation

    today = timezone.localdate()
    workers = [
        a.worker
        for a in Allocation.objects.filter(person_id=challenge.person_id).select_related("worker")
        if a.is_active(today)
    ]
    stage = "stage 1" if challenge.stage == Stage.FRONTLINE else "stage 2"
    notify(
        [u for u in [challenge.recorded_by, *workers] if u.pk != actor.pk],
        kind=Kind.CHALLENGE_ANSWERED,
        text=f"A challenge or complaint was answered at {stage}: "
        f"{challenge.get_outcome_display().lower()}.",
        url=reverse("accountability:overview", args=[challenge.person_id])
        + f"#challenge-{challenge.pk}",
    )
    tell_person_side(
        challenge.person_id,
        section="choices",
        kind=Kind.CHALLENGE_ANSWERED,
        text="Your challenge or complaint has been answered. You can read the answer in "
        "your record.",
        to_proxy="A challenge or complaint on the record of someone you act for has been "
        "answered. You can read the answer in their record.",
    )
