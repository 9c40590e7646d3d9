"""Every write to SDS choices, budgets, approvals, decisions and unmet need.

Each function: keyword-only arguments, a required `actor`, one transaction, audited with
`change_record` (SEC-4). Pages, the API and commands share these paths. Money is Decimal.
Delegated limits are enforced here, not only in the page: a forged approval above the
approver's limit is refused with PermissionDenied and the refusal is logged (SEC-2).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts.models import Role, User
from goldenthread.audit.services import (
    Auditor,
    access_denied,
    access_settled,
    change_refused,
    create_audited,
    update_audited,
)
from goldenthread.conversations.models import Conversation
from goldenthread.core.concurrency import StaleEditError, save_versioned
from goldenthread.core.formatting import PENNY, date_text
from goldenthread.core.formatting import money_text as format_money
from goldenthread.core.money import LARGEST
from goldenthread.core.services import (
    SystemActor,
    audited_create,
    audited_update,
    create_once,
    locked,
    not_far_off,
    not_future,
    require_signed_in,
    require_text,
)
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.outcomes.services import (
    check_persons_outcome,
    lock_open_outcome,
    move_to_outcome,
    not_open_to_link,
    not_their_outcome,
)
from goldenthread.people.guards import may_record_for, require_casework
from goldenthread.people.models import Person
from goldenthread.people.person_side import tell_person_side
from goldenthread.support.models import Solution, solution_choice_error
from goldenthread.support.services import solutions_agree_with_budget

from .authority import Authority, authority_for, is_sole_team_leader, routing_limit
from .models import (
    EXPLANATION_WAYS,
    MIX_OPTIONS,
    Accepted,
    BudgetLine,
    BudgetPeriod,
    BudgetRequest,
    BudgetRequestEvent,
    Decision,
    DecisionAbout,
    DecisionOutcome,
    DecisionSharing,
    DelegatedLimit,
    EventKind,
    FirstChoiceNotDelivered,
    HowTold,
    IndicativeBudget,
    MixPart,
    OptionExplanation,
    RequestStatus,
    SdsChoice,
    SdsOption,
    UnderstandingAbout,
    UnderstandingCheck,
    UnderstandingHelp,
    Understood,
    UnmetNeed,
    UnmetReason,
    per_year,
)
from .presenters import agreed_against_asked
from .selectors import budget_line_version

SYSTEM_NAME = "Golden Thread (sent on by the delegated limits)"
# Who sends a request on to the decision panel when it is above the limits (no person does).
DELEGATED_LIMITS = SystemActor(SYSTEM_NAME)


# --- Shared checks ------------------------------------------------------------------------


def _check_casework(actor: User | None, person: Any) -> None:
    require_casework(actor, person, doing="record choices and budgets")


def _require_administrator(actor: User | None) -> None:
    refused = "Only administrators set delegated limits."
    require_signed_in(actor, refused)
    if actor.role != Role.ADMINISTRATOR:  # type: ignore[union-attr]
        raise PermissionDenied(refused)


def _created(actor: User, instance: models.Model, person_id: Any) -> None:
    Auditor(actor).created(instance, person_id=person_id)


def _decision_add(actor: User, **fields: Any) -> Decision:
    """Add a decision (SDS-5) with its "created" audit row, in the caller's transaction."""
    decision = Decision(recorded_by=actor, **fields)
    return audited_create(
        decision, auditor=Auditor(actor), person_id=decision.person_id, clean=False
    )


def _own_outcome(
    person: Person, outcome: Outcome | None, field_name: str, errors: dict[str, str]
) -> None:
    if problem := not_their_outcome(outcome, person.pk):
        errors[field_name] = problem
    elif outcome is not None and outcome.status != OutcomeStatus.OPEN:
        # Achieved, closed and rewritten outcomes are history (#16): nothing new hangs on them.
        errors[field_name] = not_open_to_link(outcome)


def _actor_label(actor: User | SystemActor) -> str:
    if isinstance(actor, SystemActor):
        return actor.name
    role = actor.get_role_display() if hasattr(actor, "get_role_display") else ""
    name = actor.get_full_name() or actor.username
    return f"{name} ({role})" if role else name


def _check_money(
    amount: Decimal, field_name: str, errors: dict[str, str], *, allow_zero: bool
) -> None:
    if not isinstance(amount, Decimal):
        errors[field_name] = "Amounts must be exact (Decimal), never floating point."
        return
    if amount < 0:
        errors[field_name] = "The amount cannot be negative. Enter £0 or more."
    elif amount == 0 and not allow_zero:
        errors[field_name] = "Enter an amount more than £0."
    elif amount != amount.quantize(PENNY):
        errors[field_name] = "Use no more than 2 decimal places (pence)."
    elif amount > LARGEST:
        errors[field_name] = "That amount is too large."


# --- SDS options (SDS-1) ------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """How one option was explained. `ways` is a subset of EXPLANATION_WAYS."""

    option: str
    explained: bool
    ways: frozenset[str] = field(default_factory=frozenset)
    other_way: str = ""
    explained_on: datetime.date | None = None


def _explanation_errors(explanations: Mapping[str, Explanation], errors: dict[str, str]) -> None:
    for option in SdsOption:
        item = explanations.get(option.value)
        if item is None or not item.explained:
            continue
        label = option.label.split(":")[0]
        if not (item.ways & set(EXPLANATION_WAYS)) and not item.other_way.strip():
            errors[f"{option.value}_ways"] = f"Say how {label} was explained."
        if item.explained_on is None:
            errors[f"{option.value}_on"] = f"Enter the date {label} was explained."
        else:
            not_future(
                item.explained_on, f"{option.value}_on", f"The date {label} was explained", errors
            )


def sds_options_record(
    *,
    actor: User,
    person: Person,
    explanations: Iterable[Explanation],
    chosen_option: str = "",
    chosen_on: datetime.date | None = None,
    reasons: str = "",
    conversation: Conversation | None = None,
    expected_version: int | None = None,
) -> SdsChoice:
    """Record which options were explained, how and when, and the person's choice and why.

    The first save creates the record; later saves need `expected_version` and are refused
    with StaleEditError if someone saved in between (SEC-5).
    """
    _check_casework(actor, person)
    by_option = {item.option: item for item in explanations}
    unknown = set(by_option) - set(SdsOption.values)
    if unknown:
        raise ValueError(f"Unknown options {sorted(unknown)}")
    errors: dict[str, str] = {}
    _explanation_errors(by_option, errors)
    reasons = reasons.strip()
    if chosen_option:
        label = SdsOption(chosen_option).label.split(":")[0]
        chosen = by_option.get(chosen_option)
        if chosen is None or not chosen.explained:
            errors["chosen_option"] = (
                f"{label} is not recorded as explained. Record how it was explained before "
                "recording it as their choice."
            )
        if chosen_on is None:
            errors["chosen_on"] = "Enter the date they chose."
        else:
            not_future(chosen_on, "chosen_on", "The date they chose", errors)
            explained_dates = [
                i.explained_on for i in by_option.values() if i.explained and i.explained_on
            ]
            if explained_dates and chosen_on < min(explained_dates) and "chosen_on" not in errors:
                errors["chosen_on"] = (
                    "The date they chose must be on or after the date the options were first "
                    f"explained ({date_text(min(explained_dates))})."
                )
        if not reasons:
            errors["reasons"] = "Write why they chose it, in their own words."
    elif chosen_on is not None:
        errors["chosen_option"] = "Choose the option they chose, or clear the date."
    if conversation is not None and conversation.person_id != person.pk:
        errors["conversation"] = "Choose one of this person's conversations."
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        choice = SdsChoice.objects.select_for_update().filter(person=person).first()
        if choice is None:
            choice = SdsChoice(
                person=person,
                conversation=conversation,
                chosen_option=chosen_option,
                chosen_on=chosen_on if chosen_option else None,
                reasons=reasons,
                recorded_by=actor,
            )
            audited_create(choice, auditor=Auditor(actor), person_id=person.pk)
            existing: dict[str, OptionExplanation] = {}
        else:
            if expected_version is None:
                raise StaleEditError(choice)
            audited_update(
                choice,
                auditor=Auditor(actor),
                expected_version=expected_version,
                stored=choice,
                clean=False,
                person_id=person.pk,
                changes={
                    "conversation": conversation,
                    "chosen_option": chosen_option,
                    "chosen_on": chosen_on if chosen_option else None,
                    "reasons": reasons,
                    "recorded_by": actor,
                },
                fields=[
                    "conversation_id",
                    "chosen_option",
                    "chosen_on",
                    "reasons",
                    "recorded_by_id",
                ],
            )
            existing = {row.option: row for row in choice.explanations.all()}
        for option in SdsOption:
            _save_explanation(
                actor, choice, existing.get(option.value), option.value, by_option.get(option.value)
            )
        if chosen_option != SdsOption.OPTION_4:
            for part in choice.mix_parts.all():
                Auditor(actor).deleted(part, person_id=person.pk)
                part.delete()
    return choice


def _save_explanation(
    actor: User,
    choice: SdsChoice,
    row: OptionExplanation | None,
    option: str,
    item: Explanation | None,
) -> None:
    explained = bool(item and item.explained)
    values = {
        "explained": explained,
        "explained_on": item.explained_on if explained and item else None,
        "other_way": item.other_way.strip() if explained and item else "",
        **{way: bool(explained and item and way in item.ways) for way in EXPLANATION_WAYS},
    }
    if row is None:
        row = OptionExplanation(choice=choice, person_id=choice.person_id, option=option, **values)
        audited_create(row, auditor=Auditor(actor), person_id=choice.person_id)
        return
    if all(getattr(row, name) == value for name, value in values.items()):
        return
    auditor = Auditor(actor)
    before = auditor.snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()  # one of the choice's rows: the choice's version guards it (locked above)
    auditor.updated(row, before=before, person_id=choice.person_id)


def sds_mix_record(
    *,
    actor: User,
    person: Person,
    parts: Mapping[Solution, str],
    expected_version: int,
) -> SdsChoice:
    """Option 4: which parts of the support (solutions) go by which option; "" leaves a
    solution out of the mix."""
    _check_casework(actor, person)
    errors: dict[str, Any] = {}
    for solution, option in parts.items():
        if solution.person_id != person.pk:
            errors["__all__"] = ["Choose this person's solutions only."]
        elif option and option not in [o.value for o in MIX_OPTIONS]:
            errors[f"solution_{solution.pk}"] = "Choose option 1, 2 or 3."
    if not any(parts.values()) and "__all__" not in errors:
        errors["__all__"] = ["Choose an option for at least one part of the support."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        choice = SdsChoice.objects.select_for_update().filter(person=person).first()
        if choice is None or choice.chosen_option != SdsOption.OPTION_4:
            raise ValidationError("Record option 4 (a mix) as the person's choice first.")
        save_versioned(choice, expected_version=expected_version, fields=[])
        existing = {part.solution_id: part for part in choice.mix_parts.all()}
        for solution, option in parts.items():
            part = existing.get(solution.pk)
            if not option:
                if part is not None:
                    Auditor(actor).deleted(part, person_id=person.pk)
                    part.delete()
            elif part is None:
                part = MixPart(choice=choice, person=person, solution=solution, option=option)
                audited_create(part, auditor=Auditor(actor), person_id=person.pk, clean=False)
            elif part.option != option:
                auditor = Auditor(actor)
                before = auditor.snapshot(part)
                part.option = option
                part.save(update_fields=["option", "updated_at"])
                auditor.updated(part, before=before, person_id=person.pk)
    return choice


# --- Unmet need (UN-1) and first choice not delivered (SDS-2) -----------------------------


def unmet_need_record(
    *,
    actor: User,
    person: Person,
    need: str,
    category: str,
    reason: str,
    identified_on: datetime.date,
    reason_other: str = "",
    outcome: Outcome | None = None,
    alternative_offered: str = "",
) -> UnmetNeed:
    _check_casework(actor, person)
    errors: dict[str, str] = {}
    not_future(identified_on, "identified_on", "The date identified", errors)
    _own_outcome(person, outcome, "outcome", errors)
    if errors:
        raise ValidationError(errors)
    unmet = UnmetNeed(
        person=person,
        need=need.strip(),
        category=category,
        reason=reason,
        reason_other=reason_other.strip() if reason == UnmetReason.OTHER else "",
        outcome=outcome,
        alternative_offered=alternative_offered.strip(),
        identified_on=identified_on,
        recorded_by=actor,
    )
    return create_audited(actor, unmet, person_id=person.pk)


def unmet_need_mark_met(
    *,
    actor: User,
    unmet_need: UnmetNeed,
    met_on: datetime.date,
    how_met: str,
    expected_version: int,
) -> UnmetNeed:
    """Record when, and how, an unmet need came to be met."""
    _check_casework(actor, unmet_need.person_id)
    errors: dict[str, str] = {}
    not_future(met_on, "met_on", "The date the need was met", errors)
    if met_on < unmet_need.identified_on:
        errors["met_on"] = (
            "The date the need was met must be on or after the date it was identified "
            f"({date_text(unmet_need.identified_on)})."
        )
    if not how_met.strip():
        errors["how_met"] = "Say how the need is now met."
    if errors:
        raise ValidationError(errors)
    return update_audited(
        actor,
        unmet_need,
        expected_version=expected_version,
        changes={"met_on": met_on, "how_met": how_met.strip()},
        clean=False,
        person_id=unmet_need.person_id,
    )


def first_choice_not_delivered_record(
    *,
    actor: User,
    person: Person,
    first_choice: str,
    why: str,
    alternative_offered: str,
    plan_to_meet_need: str,
    need: str,
    category: str,
    identified_on: datetime.date,
    alternative_option: str = "",
    alternative_accepted: str = Accepted.UNDECIDED,
    outcome: Outcome | None = None,
) -> FirstChoiceNotDelivered:
    """SDS-2: record why the first choice cannot be delivered, the alternative and the plan;
    the unmet need it leaves is recorded in the same transaction (UN-1)."""
    _check_casework(actor, person)
    errors: dict[str, str] = {}
    if alternative_option and alternative_option == first_choice:
        errors["alternative_option"] = (
            "The option offered instead must differ from their first choice."
        )
    not_future(identified_on, "identified_on", "The date identified", errors)
    _own_outcome(person, outcome, "outcome", errors)
    require_text(
        errors,
        ("why", why, "Say why their first choice cannot be delivered."),
        ("alternative_offered", alternative_offered, "Say what alternative was offered."),
        ("plan_to_meet_need", plan_to_meet_need, "Say how the need will be met over time."),
        ("need", need, "Say what need is left unmet."),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        unmet = unmet_need_record(
            actor=actor,
            person=person,
            need=need,
            category=category,
            reason=UnmetReason.FIRST_CHOICE,
            identified_on=identified_on,
            outcome=outcome,
            alternative_offered=alternative_offered,
        )
        record = FirstChoiceNotDelivered(
            person=person,
            first_choice=first_choice,
            why=why.strip(),
            alternative_offered=alternative_offered.strip(),
            alternative_option=alternative_option,
            alternative_accepted=alternative_accepted,
            plan_to_meet_need=plan_to_meet_need.strip(),
            unmet_need=unmet,
            recorded_by=actor,
        )
        audited_create(record, auditor=Auditor(actor), person_id=person.pk)
        # A decision affecting the person's choices (SDS-5): recorded for them to see.
        label = SdsOption(first_choice).label.split(":")[0]
        _decision_add(
            actor,
            person=person,
            about=DecisionAbout.CHOICES,
            summary=f"Their first choice ({label}) cannot be delivered at the moment. "
            f"Offered instead: {record.alternative_offered}",
            reasons=record.why,
            decided_on=identified_on,
            decided_by=_actor_label(actor),
        )
    return record


def first_choice_answer_record(
    *,
    actor: User,
    record: FirstChoiceNotDelivered,
    alternative_accepted: str,
    plan_to_meet_need: str,
    expected_version: int,
) -> FirstChoiceNotDelivered:
    """Whether the person accepted the alternative, and the plan as it now stands."""
    _check_casework(actor, record.person_id)
    if not plan_to_meet_need.strip():
        raise ValidationError({"plan_to_meet_need": "Say how the need will be met over time."})
    if alternative_accepted not in Accepted.values:
        raise ValidationError({"alternative_accepted": "Choose one of the answers."})
    return update_audited(
        actor,
        record,
        expected_version=expected_version,
        changes={
            "alternative_accepted": alternative_accepted,
            "plan_to_meet_need": plan_to_meet_need.strip(),
        },
        clean=False,
        person_id=record.person_id,
    )


# --- Budgets (SDS-3) ----------------------------------------------------------------------


def indicative_budget_record(
    *,
    actor: User,
    person: Person,
    amount: Decimal,
    period: str,
    told_on: datetime.date,
    how_told: str,
    notes: str = "",
) -> IndicativeBudget:
    """The likely budget the person was told, whatever option they choose (Std 9.7)."""
    _check_casework(actor, person)
    errors: dict[str, str] = {}
    _check_money(amount, "amount", errors, allow_zero=True)
    not_future(told_on, "told_on", "The date they were told", errors)
    if period not in BudgetPeriod.values:
        errors["period"] = "Choose how long the amount is for."
    if how_told not in HowTold.values:
        errors["how_told"] = "Choose how they were told."
    if errors:
        raise ValidationError(errors)
    row = IndicativeBudget(
        person=person,
        amount=amount,
        period=period,
        told_on=told_on,
        how_told=how_told,
        notes=notes.strip(),
        recorded_by=actor,
    )
    return create_audited(actor, row, person_id=person.pk, clean=False)


@dataclass(frozen=True)
class LineInput:
    """One line of a budget request's breakdown."""

    description: str
    amount: Decimal
    period: str
    outcome: Outcome | None = None
    solution: Solution | None = None


def _line_errors(person: Person, lines: Sequence[LineInput]) -> list[str]:
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        errors: dict[str, str] = {}
        if not line.description.strip():
            errors["description"] = "Say what it pays for."
        _check_money(line.amount, "amount", errors, allow_zero=False)
        if line.period not in BudgetPeriod.values:
            errors["period"] = "Choose how often it is paid."
        _own_outcome(person, line.outcome, "outcome", errors)
        if line.solution is not None and (
            problem := solution_choice_error(
                person.pk, line.solution, line.outcome, open_outcome=True
            )
        ):
            errors["solution"] = problem
        problems.extend(f"Line {number}: {message}" for message in errors.values())
    return problems


def budget_request_submit(
    *,
    actor: User,
    person: Person,
    lines: Sequence[LineInput],
    start_date: datetime.date,
    case_for_request: str,
    end_date: datetime.date | None = None,
    contribution: Decimal = Decimal("0.00"),
    contribution_period: str = BudgetPeriod.WEEK,
    contribution_note: str = "",
    at: datetime.datetime | None = None,
    submission_token: uuid.UUID | None = None,
) -> BudgetRequest:
    """Send a budget request with its breakdown; the request, every line and its history
    row are saved together or not at all.

    `submission_token` (the request form's one-time token) makes sending idempotent: the
    same token sent again returns the request it made the first time, marked
    `repeated_submission`, and makes nothing new — even when both arrive at once
    (core.services.create_once). A token that made another person's or another worker's
    request is refused.

    The total is worked out here from the lines, as a year's cost, and checked against the
    database before the transaction commits. Routing (Std 8.9): within the limit of the
    person's team leader it waits for a decision; above it, it goes to the decision panel.
    Four eyes (Std 8.2): the sender never decides it, so only the other team leaders'
    limits count, and a request sent by the team's only team leader goes to the panel.
    `at` is for demo data and imports only (defaults to now).
    """
    _check_casework(actor, person)
    return create_once(
        BudgetRequest,
        submission_token,
        lambda: _budget_request_make(
            actor=actor,
            person=person,
            lines=lines,
            start_date=start_date,
            case_for_request=case_for_request,
            end_date=end_date,
            contribution=contribution,
            contribution_period=contribution_period,
            contribution_note=contribution_note,
            at=at or timezone.now(),
            submission_token=submission_token,
        ),
        made_by={"person_id": person.pk, "requested_by_id": actor.pk},
        used_message='This form has been used already. Open "Ask for a budget" again to send '
        "a new request.",
    )


def _budget_request_make(
    *,
    actor: User,
    person: Person,
    lines: Sequence[LineInput],
    start_date: datetime.date,
    case_for_request: str,
    end_date: datetime.date | None,
    contribution: Decimal,
    contribution_period: str,
    contribution_note: str,
    at: datetime.datetime,
    submission_token: uuid.UUID | None,
) -> BudgetRequest:
    """budget_request_submit's checks and writes, in its transaction."""
    errors: dict[str, Any] = {}
    if not lines:
        errors["__all__"] = ["Add at least one line to the breakdown."]
    problems = _line_errors(person, lines)
    if problems:
        errors["lines"] = problems
    not_far_off(start_date, "start_date", "The start date", errors)
    not_far_off(end_date, "end_date", "The end date", errors)
    if (
        end_date is not None
        and end_date < start_date
        and not {"start_date", "end_date"} & set(errors)
    ):
        errors["end_date"] = (
            f"The end date must be on or after the start date ({date_text(start_date)})."
        )
    if not case_for_request.strip():
        errors["case_for_request"] = "Say what the budget is for and how it meets the outcomes."
    money_errors: dict[str, str] = {}
    _check_money(contribution, "contribution", money_errors, allow_zero=True)
    errors.update(money_errors)
    if contribution_period not in BudgetPeriod.values:
        errors["contribution_period"] = "Choose how often the contribution is paid."
    if errors:
        raise ValidationError(errors)
    total = sum((per_year(line.amount, line.period) for line in lines), Decimal("0.00"))
    contribution_year = per_year(contribution, contribution_period)
    if total > LARGEST:
        raise ValidationError({"__all__": ["The total is too large. Check the amounts."]})
    if contribution_year > total:
        raise ValidationError(
            {
                "contribution": (
                    f"The contribution ({format_money(contribution_year)} a year) cannot be more than "
                    f"the budget ({format_money(total)} a year)."
                )
            }
        )
    # Four eyes (Std 8.2): the sender never decides their own request. A team leader with
    # no other team leader in the team to decide it sends it to the panel.
    sole_leader = is_sole_team_leader(actor, person)
    limit = None if sole_leader else routing_limit(person, requester=actor)
    to_panel = sole_leader or limit is None or total > limit

    with transaction.atomic():
        budget_request = BudgetRequest(
            person=person,
            start_date=start_date,
            end_date=end_date,
            case_for_request=case_for_request.strip(),
            total_per_year=total,
            contribution=contribution,
            contribution_period=contribution_period,
            contribution_note=contribution_note.strip(),
            requested_by=actor,
            submitted_at=at,
            status=RequestStatus.AT_PANEL if to_panel else RequestStatus.AWAITING_DECISION,
            referred_at=at if to_panel else None,
            submission_token=submission_token,
        )
        budget_request.full_clean(validate_unique=False)
        budget_request.save(force_insert=True)
        _created(actor, budget_request, person.pk)
        for position, line in enumerate(lines, start=1):
            row = BudgetLine(
                request=budget_request,
                person=person,
                position=position,
                description=line.description.strip(),
                outcome=line.outcome or (line.solution.outcome if line.solution else None),
                solution=line.solution,
                amount=line.amount,
                period=line.period,
                amount_per_year=per_year(line.amount, line.period),
            )
            audited_create(row, auditor=Auditor(actor), person_id=person.pk)
        stored = budget_request.lines.aggregate(total=Sum("amount_per_year"))["total"]
        if stored != total:
            raise ValidationError("The breakdown does not add up to the total; nothing was saved.")
        _event(
            budget_request,
            EventKind.REQUESTED,
            actor=actor,
            at=at,
            reasons=budget_request.case_for_request,
        )
        if to_panel:
            why = (
                "It was sent by the team leader, and no one decides a request they sent "
                "(four eyes), so the decision panel decides."
                if sole_leader
                else "No delegated limit is set for the team leader, so the decision panel decides."
                if limit is None
                else f"{format_money(total)} a year is more than the team leader's delegated limit "
                f"of {format_money(limit)}, so the decision panel decides."
            )
            _event(
                budget_request,
                EventKind.REFERRED,
                actor=DELEGATED_LIMITS,
                at=at,
                reasons=why,
                limit=limit,
            )
    return budget_request


def _event(
    budget_request: BudgetRequest,
    kind: str,
    *,
    actor: User | SystemActor,
    at: datetime.datetime,
    reasons: str = "",
    reasons_for_person: str = "",
    decision: str = "",
    limit: Decimal | None = None,
    agreed_per_year: Decimal | None = None,
) -> BudgetRequestEvent:
    person = None if isinstance(actor, SystemActor) else actor
    return BudgetRequestEvent.objects.create(
        request=budget_request,
        person_id=budget_request.person_id,
        kind=kind,
        decision=decision,
        actor=person,
        actor_name=_actor_label(actor),
        actor_role=person.role if person is not None else "",
        at=at,
        reasons=reasons.strip(),
        reasons_for_person=reasons_for_person.strip(),
        total_per_year=budget_request.total_per_year,
        agreed_per_year=agreed_per_year,
        limit_applied=limit,
    )


class DecideAction:
    APPROVE = "approve"
    DECLINE = "decline"
    REFER = "refer"
    # The decision panel only (#13): agree another amount, or ask for more information.
    AGREE_DIFFERENT = "agree_different"
    RETURN = "return"
    ALL = (APPROVE, DECLINE, REFER, AGREE_DIFFERENT, RETURN)
    PANEL_ONLY = (AGREE_DIFFERENT, RETURN)


def _refuse(
    actor: User | None,
    budget_request: BudgetRequest,
    why: str,
    http_request: HttpRequest | None,
    *,
    opens: bool,
) -> NoReturn:
    """Log a refused decision in its own transaction, so it survives the refusal, with why.
    Someone who may open what they decide on (`opens`: the person's record, or the panel's
    page of a request at the panel) was refused a change (CHANGE_REFUSED), not refused the
    record; anyone else was refused the record (DENIED). It is the request's one row: the
    page's or the API call's own is settled (audit.services.access_settled)."""
    log = change_refused if opens else access_denied
    log(
        actor=actor,
        person_id=budget_request.person_id,
        what=f"sds:budget_request_decide {budget_request.reference}",
        reason=f"Refused: {why}",
        request=http_request,
    )
    access_settled(http_request)
    raise PermissionDenied(why)


def check_decision_allowed(
    *,
    actor: User,
    budget_request: BudgetRequest,
    action: str,
    http_request: HttpRequest | None = None,
) -> Authority:
    """Raise PermissionDenied, and log the refusal, unless `actor` may take `action` on
    `budget_request` now (delegated limits, Std 8.2, 8.9). Returns their authority."""
    sees_person = may_record_for(actor, budget_request.person_id)
    authority = authority_for(actor, budget_request, sees_person=sees_person)
    # Whether the actor may open what they decide on: a refusal is then a refused change.
    opens = sees_person or (
        getattr(actor, "role", None) == Role.PANEL_MEMBER
        and budget_request.status == RequestStatus.AT_PANEL
    )
    if action not in DecideAction.ALL:
        # Unknown actions are a form error, not a permission question, when allowed at all.
        if authority.may_decide or authority.may_refer:
            return authority
        _refuse(
            actor,
            budget_request,
            authority.why_not or "You may not decide this request.",
            http_request,
            opens=opens,
        )
    allowed = authority.may_refer if action == DecideAction.REFER else authority.may_decide
    if action in DecideAction.PANEL_ONLY and not authority.as_panel:
        allowed = False
    if not allowed:
        if action in DecideAction.PANEL_ONLY and not authority.as_panel:
            why = (
                "Only the decision panel agrees a different amount or returns a request "
                "for more information."
            )
        elif action == DecideAction.REFER and authority.as_panel:
            why = "The decision panel decides this request; it cannot refer it on."
        elif action == DecideAction.REFER:
            why = authority.why_not or "Only the team leader of the person's team may refer it."
        else:
            why = authority.why_not or "You may not decide this request."
        _refuse(actor, budget_request, why, http_request, opens=opens)
    return authority


def budget_request_decide(
    *,
    actor: User,
    budget_request: BudgetRequest,
    action: str,
    expected_version: int,
    reasons: str = "",
    reasons_for_person: str = "",
    agreed_per_year: Decimal | None = None,
    more_than_asked: bool = False,
    http_request: HttpRequest | None = None,
    at: datetime.datetime | None = None,
) -> BudgetRequestEvent:
    """Agree, decline or refer a budget request to the decision panel (SDS-4); the panel may
    also agree a different amount, or return the request for more information (#13).
    An amount more than was asked is agreed only with `more_than_asked` (the panel's
    confirmation that it meant to: the assessment may support more, but a slip of a digit
    must not agree it); the decision then says both amounts.

    Who may: the allocated practitioner or the team leader of the person's team, within
    their delegated limit; the team leader may refer any waiting request to the panel; a
    panel member decides requests referred to the panel. Anything else — including an
    agreement above the approver's limit sent by a forged form — raises PermissionDenied
    and is logged. A decision is also written as a `Decision` the person sees (SDS-5).
    """
    if action not in DecideAction.ALL:
        raise ValueError(f"Unknown action {action!r}")
    at = at or timezone.now()
    authority = check_decision_allowed(
        actor=actor, budget_request=budget_request, action=action, http_request=http_request
    )

    errors: dict[str, str] = {}
    if not reasons.strip():
        needed = {
            DecideAction.DECLINE: "Give the reasons for not agreeing the budget.",
            DecideAction.REFER: "Give the reasons for referring it to the decision panel.",
            DecideAction.AGREE_DIFFERENT: (
                "Give the reasons for agreeing a different amount from the one asked."
            ),
            DecideAction.RETURN: "Say what more information the panel needs.",
        }
        if action in needed:
            errors["reasons"] = needed[action]
    if action != DecideAction.REFER and not reasons_for_person.strip():
        errors["reasons_for_person"] = (
            "Write, in plain words, what the person will be told."
            if action == DecideAction.RETURN
            else "Write the reasons as they will be explained to the person."
        )
    if action == DecideAction.AGREE_DIFFERENT:
        if agreed_per_year is None:
            errors["agreed_per_year"] = "Enter the amount the panel agrees for a year."
        elif agreed_per_year <= 0:
            errors["agreed_per_year"] = (
                "The amount agreed must be more than £0. To agree nothing, do not agree the budget."
            )
        elif agreed_per_year == budget_request.total_per_year:
            errors["agreed_per_year"] = (
                f"This is the amount asked ({format_money(budget_request.total_per_year)} a "
                'year). Choose "Agree the budget" instead.'
            )
        elif agreed_per_year != agreed_per_year.quantize(Decimal("0.01")):
            errors["agreed_per_year"] = "Enter the amount in pounds and pence, like 1234.50."
        elif agreed_per_year > budget_request.total_per_year and not more_than_asked:
            errors["more_than_asked"] = (
                f"{format_money(agreed_per_year)} a year is more than the "
                f"{format_money(budget_request.total_per_year)} a year asked for. If the panel "
                "agreed more than was asked, tick the box to confirm it. If not, correct the "
                "amount."
            )
    elif agreed_per_year is not None:
        errors["agreed_per_year"] = "An amount is only given when agreeing a different amount."
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        current = BudgetRequest.objects.select_for_update().get(pk=budget_request.pk)
        if current.status != budget_request.status or current.version != expected_version:
            raise StaleEditError(current)
        if action == DecideAction.REFER:
            budget_request.status = RequestStatus.AT_PANEL
            budget_request.referred_at = at
            fields = ["status", "referred_at"]
            event = _event(
                budget_request,
                EventKind.REFERRED,
                actor=actor,
                at=at,
                reasons=reasons,
                limit=authority.limit,
            )
        elif action == DecideAction.RETURN:
            budget_request.status = RequestStatus.RETURNED
            fields = ["status"]
            event = _event(
                budget_request,
                EventKind.RETURNED,
                actor=actor,
                at=at,
                reasons=reasons,
                reasons_for_person=reasons_for_person,
            )
        else:
            approved = action in (DecideAction.APPROVE, DecideAction.AGREE_DIFFERENT)
            budget_request.status = RequestStatus.APPROVED if approved else RequestStatus.DECLINED
            budget_request.decided_at = at
            fields = ["status", "decided_at"]
            if action == DecideAction.AGREE_DIFFERENT:
                budget_request.agreed_per_year = agreed_per_year
                fields.append("agreed_per_year")
            decision = DecisionOutcome.APPROVED if approved else DecisionOutcome.DECLINED
            if authority.as_panel:
                kind = EventKind.PANEL_DECIDED
            else:
                kind = EventKind.APPROVED if approved else EventKind.DECLINED
            event = _event(
                budget_request,
                kind,
                actor=actor,
                at=at,
                reasons=reasons,
                reasons_for_person=reasons_for_person,
                decision=decision,
                limit=authority.limit,
                agreed_per_year=agreed_per_year,
            )
            total = format_money(budget_request.total_per_year)
            who = (
                f"Decision panel: {_actor_label(actor)}"
                if authority.as_panel
                else _actor_label(actor)
            )
            if action == DecideAction.AGREE_DIFFERENT:
                assert agreed_per_year is not None  # checked above
                summary = "Budget of " + agreed_against_asked(
                    agreed_per_year, budget_request.total_per_year
                )
            elif approved:
                summary = f"Budget of {total} a year agreed"
            else:
                summary = f"Budget of {total} a year not agreed"
            _decision_add(
                actor,
                person_id=budget_request.person_id,
                about=DecisionAbout.BUDGET,
                summary=summary,
                reasons=reasons_for_person.strip(),
                decided_on=timezone.localdate(at),
                decided_by=who,
                budget_request=budget_request,
                at=at,
            )
            if approved:
                # The support the budget pays for is agreed with it (SS-6): same transaction.
                solutions_agree_with_budget(
                    actor=actor,
                    person_id=budget_request.person_id,
                    solution_ids=budget_request.lines.values_list("solution_id", flat=True),
                    reference=budget_request.reference,
                )
        audited_update(
            budget_request,
            auditor=Auditor(actor),
            expected_version=expected_version,
            stored=current,
            fields=fields,
            clean=False,
            person_id=budget_request.person_id,
        )
        if action == DecideAction.RETURN:
            _tell_returned(budget_request, actor)
        elif action != DecideAction.REFER:
            _tell_decided(budget_request, actor)
    return event


def budget_request_resubmit(
    *,
    actor: User,
    budget_request: BudgetRequest,
    expected_version: int,
    information: str,
    at: datetime.datetime | None = None,
) -> BudgetRequestEvent:
    """Send a request the decision panel returned back to it, with the information it asked
    for (#13). The person's allocated worker or their team leader does this; the request
    keeps its first referral date, so the person's wait is counted honestly."""
    _check_casework(actor, budget_request.person_id)
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if budget_request.status != RequestStatus.RETURNED:
        errors["__all__"] = "Only a request the decision panel returned can be sent back to it."
    if not information.strip():
        errors["information"] = "Write the information the panel asked for."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = BudgetRequest.objects.select_for_update().get(pk=budget_request.pk)
        if current.status != budget_request.status or current.version != expected_version:
            raise StaleEditError(current)
        budget_request.status = RequestStatus.AT_PANEL
        event = _event(
            budget_request, EventKind.RESUBMITTED, actor=actor, at=at, reasons=information
        )
        audited_update(
            budget_request,
            auditor=Auditor(actor),
            expected_version=expected_version,
            stored=current,
            fields=["status"],
            clean=False,
            person_id=budget_request.person_id,
        )
    return event


def _allocated_workers(person_id: Any) -> list[User]:
    from goldenthread.people.models import Allocation

    today = timezone.localdate()
    return [
        a.worker
        for a in Allocation.objects.filter(person_id=person_id).select_related("worker")
        if a.is_active(today)
    ]


def _tell_returned(budget_request: BudgetRequest, actor: User) -> None:
    """The worker who asked and the person's allocated workers hear that the panel wants
    more information (#13), once it is committed. The words name no one."""
    from goldenthread.accounts.notifications import Kind, notify

    notify(
        [
            u
            for u in [budget_request.requested_by, *_allocated_workers(budget_request.person_id)]
            if u and u.pk != actor.pk
        ],
        kind=Kind.BUDGET_DECIDED,
        text=f"The decision panel returned budget request {budget_request.reference}: "
        "it needs more information before it decides.",
        url=reverse("sds:request_detail", args=[budget_request.person_id, budget_request.pk]),
    )
    tell_person_side(
        budget_request.person_id,
        section="choices",
        kind=Kind.BUDGET_DECIDED,
        text="The decision panel needs more information before it decides about your "
        "budget. Your worker will talk to you about it.",
        to_proxy="The decision panel needs more information before it decides about the "
        "budget of someone you act for. Their worker will talk to them about it.",
    )


def _tell_decided(budget_request: BudgetRequest, actor: User) -> None:
    """The worker who asked and the person's allocated workers hear of the decision (ACC-3),
    once the decision is committed. The words name no one."""
    from goldenthread.accounts.notifications import Kind, notify
    from goldenthread.people.models import Allocation

    today = timezone.localdate()
    workers = [
        a.worker
        for a in Allocation.objects.filter(person_id=budget_request.person_id).select_related(
            "worker"
        )
        if a.is_active(today)
    ]
    outcome = "agreed" if budget_request.status == RequestStatus.APPROVED else "not agreed"
    if budget_request.agreed_per_year is not None:
        outcome = (
            f"a different amount agreed ({format_money(budget_request.agreed_per_year)} a year)"
        )
    notify(
        [u for u in [budget_request.requested_by, *workers] if u and u.pk != actor.pk],
        kind=Kind.BUDGET_DECIDED,
        text=f"Budget request {budget_request.reference} was decided: {outcome}.",
        url=reverse("sds:request_detail", args=[budget_request.person_id, budget_request.pk]),
    )
    tell_person_side(
        budget_request.person_id,
        section="choices",
        kind=Kind.BUDGET_DECIDED,
        text="A decision about your budget has been made. You can read it, and the "
        "reasons, in your record.",
        to_proxy="A decision about the budget of someone you act for has been made. You can "
        "read it, and the reasons, in their record.",
    )


# --- Decisions (SDS-5) --------------------------------------------------------------------


def decision_record(
    *,
    actor: User,
    person: Person,
    about: str,
    summary: str,
    reasons: str,
    decided_on: datetime.date,
    decided_by: str,
    shared_on: datetime.date | None = None,
    shared_how: str = "",
) -> Decision:
    """A decision about the person's choices, support or budget, with its reasons; and, if
    it has been shared with them already, when and how."""
    _check_casework(actor, person)
    errors: dict[str, str] = {}
    if about not in DecisionAbout.values:
        errors["about"] = "Choose what the decision is about."
    require_text(
        errors,
        ("summary", summary, "Say what was decided."),
        ("reasons", reasons, "Give the reasons, as they were explained to the person."),
        ("decided_by", decided_by, "Say who made the decision."),
    )
    not_future(decided_on, "decided_on", "The date decided", errors)
    if shared_on is not None:
        _sharing_errors(decided_on, shared_on, shared_how, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = _decision_add(
            actor,
            person=person,
            about=about,
            summary=summary.strip(),
            reasons=reasons.strip(),
            decided_on=decided_on,
            decided_by=decided_by.strip(),
        )
        if shared_on is not None:
            _share(actor, decision, shared_on, shared_how)
    return decision


def _sharing_errors(
    decided_on: datetime.date, shared_on: datetime.date, how: str, errors: dict[str, str]
) -> None:
    not_future(shared_on, "shared_on", "The date it was shared", errors)
    if "shared_on" not in errors and shared_on < decided_on:
        errors["shared_on"] = (
            "The date it was shared must be on or after the date it was decided "
            f"({date_text(decided_on)})."
        )
    if how not in HowTold.values:
        errors["shared_how"] = "Choose how it was shared."


def _share(actor: User, decision: Decision, shared_on: datetime.date, how: str) -> DecisionSharing:
    row = DecisionSharing(
        decision=decision,
        person_id=decision.person_id,
        shared_on=shared_on,
        how=how,
        recorded_by=actor,
    )
    audited_create(row, auditor=Auditor(actor), person_id=decision.person_id, clean=False)
    return row


def decision_sharing_record(
    *, actor: User, decision: Decision, shared_on: datetime.date, how: str
) -> DecisionSharing:
    """Record that a decision and its reasons were shown or explained to the person."""
    _check_casework(actor, decision.person_id)
    errors: dict[str, str] = {}
    _sharing_errors(decision.decided_on, shared_on, how, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _share(actor, decision, shared_on, how)


# --- Delegated limits (set by administrators) ---------------------------------------------


def delegated_limit_save(
    *, actor: User, limit: DelegatedLimit, before: dict[str, Any] | None
) -> DelegatedLimit:
    """Save a limit an administrator set in the admin, with its change history."""
    _require_administrator(actor)
    errors: dict[str, str] = {}
    _check_money(limit.amount_per_year, "amount_per_year", errors, allow_zero=True)
    if errors:
        raise ValidationError(errors)
    limit.full_clean()
    with transaction.atomic():
        limit.save()
        if before is None:
            Auditor(actor).created(limit, person_id=None)
        else:
            Auditor(actor).updated(limit, before=before, person_id=None)
    return limit


def delegated_limit_delete(*, actor: User, limit: DelegatedLimit) -> None:
    _require_administrator(actor)
    with transaction.atomic():
        Auditor(actor).deleted(limit, person_id=None)
        limit.delete()


# --- Understanding checked (ACC-4) ------------------------------------------------------------


def understanding_check_record(
    *,
    actor: User,
    person: Person,
    about: str,
    checked_on: datetime.date,
    how_checked: str,
    understood: str,
    help_given: str = "",
    what_done: str = "",
    decision: Decision | None = None,
) -> UnderstandingCheck:
    """Record how the worker checked that the person understood an explanation (the SDS
    options, a decision, their budget) and, if not, what was done (Std 4.1, 4.2)."""
    _check_casework(actor, person)
    errors: dict[str, str] = {}
    if about not in UnderstandingAbout.values:
        errors["about"] = "Choose what was explained."
    if decision is not None and decision.person_id != person.pk:
        errors["decision"] = "Choose one of this person's decisions."
    if about == UnderstandingAbout.DECISION and decision is None and "decision" not in errors:
        errors["decision"] = "Choose the decision that was explained."
    if not how_checked.strip():
        errors["how_checked"] = (
            "Say how you checked it was understood, for example 'Jean told me in her own "
            "words what option 2 means'."
        )
    if understood not in Understood.values:
        errors["understood"] = "Choose whether it was understood."
    elif understood != Understood.YES and help_given not in UnderstandingHelp.values:
        errors["help_given"] = (
            "Say what was done to help: easy read, an interpreter, an "
            "advocate, another meeting or something else."
        )
    if help_given == UnderstandingHelp.OTHER and not what_done.strip():
        errors["what_done"] = "Say what was done."
    not_future(checked_on, "checked_on", "The date checked", errors)
    if errors:
        raise ValidationError(errors)
    row = UnderstandingCheck(
        person=person,
        about=about,
        decision=decision,
        checked_on=checked_on,
        how_checked=how_checked.strip(),
        understood=understood,
        help_given=help_given if help_given in UnderstandingHelp.values else "",
        what_done=what_done.strip(),
        recorded_by=actor,
    )
    return create_audited(actor, row, person_id=person.pk, clean=False)


# --- Moving provision and unmet need to another outcome (#16, REV-2) -----------------------


def budget_line_move(
    *,
    actor: User,
    line: BudgetLine,
    to_outcome: Outcome,
    expected_version: int | None = None,
) -> BudgetLine:
    """Link a budget line of a waiting or agreed request to another open outcome of the
    same person (after a rewrite, the new wording). Only the link changes: what was asked
    for and agreed is kept as it was. Audited. A line that pays for a solution follows the
    solution: move the solution (support.services.solution_move) with it.
    `expected_version`: the line's version the caller read (selectors.budget_line_version;
    None when the move is part of a rewrite, inside its transaction): a line someone moved
    meanwhile is refused (StaleEditError), never moved again over their move."""
    _check_casework(actor, line.person_id)
    check_persons_outcome(to_outcome, line.person_id)
    with transaction.atomic():
        stored = BudgetLine.objects.select_for_update().select_related("request").get(pk=line.pk)
        if expected_version is not None:
            # Under the line's lock: every move takes it before writing its change record.
            current = budget_line_version(stored)
            if current != expected_version:
                stored.version = current  # type: ignore[attr-defined]  # for the 412's ETag
                raise StaleEditError(stored)
        if stored.request.status == RequestStatus.DECLINED:
            raise ValidationError("This budget was not agreed, so its lines are kept as they were.")
        if stored.solution_id is not None and (
            Solution.objects.filter(pk=stored.solution_id)
            .values_list("outcome_id", flat=True)
            .get()
            != to_outcome.pk
        ):
            raise ValidationError(
                {
                    "outcome": (
                        "This line pays for a solution that is for a different outcome. Move the "
                        "solution, and the line goes with it."
                    )
                }
            )
        lock_open_outcome(to_outcome)
        auditor = Auditor(actor)
        before = auditor.snapshot(stored)
        BudgetLine.objects.filter(pk=stored.pk).update(outcome=to_outcome)
        stored.outcome = to_outcome
        auditor.updated(stored, before=before, person_id=line.person_id)
    line.outcome = to_outcome
    return line


def unmet_need_move(
    *, actor: User, need: UnmetNeed, to_outcome: Outcome, expected_version: int | None = None
) -> UnmetNeed:
    """Link an open unmet need to another open outcome of the same person. Audited."""
    _check_casework(actor, need.person_id)
    check_persons_outcome(to_outcome, need.person_id)
    with transaction.atomic():
        stored = locked(need, expected_version=expected_version)
        if not stored.is_open:
            raise ValidationError("This need has been met, so it is kept as it was.")
        lock_open_outcome(to_outcome)
        move_to_outcome(need, auditor=Auditor(actor), stored=stored, to_outcome=to_outcome)
    return need
