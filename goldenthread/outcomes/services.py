"""Every write to an outcome: create from a positive change, rewrite (keeping every
earlier wording), and the practitioner's answers to the eight step-5 questions.

Each function: keyword-only, a required actor who may record for the person
(people.guards.require_casework), one transaction, audited."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.audit.services import Auditor, create_audited
from goldenthread.conversations.models import PositiveChange
from goldenthread.core.models import VersionedModel
from goldenthread.core.questionnaires import questionnaire_save
from goldenthread.core.services import audited_update, not_future, refuse_far_off
from goldenthread.people.guards import require_casework
from goldenthread.people.person_side import require_worker_or_person

from .checking import run_checker, suggest_answers
from .models import (
    Agreed,
    AgreedHow,
    Agreement,
    AgreementWhose,
    Outcome,
    OutcomeCheckAnswer,
    OutcomeStatus,
    OutcomeWording,
)
from .signals import open_outcomes_changed

V = TypeVar("V", bound=VersionedModel)

WORDING_FIELDS = ("statement", "baseline", "measure", "target_date")


def _check_casework(actor: User | None, person: Any) -> None:
    require_casework(actor, person, doing="record outcomes")


def _refresh_suggestions(*, outcome: Outcome) -> None:
    """Re-run the checker on the current wording; store its codes and a suggested answer
    beside each question, never touching the practitioner's own answers."""
    result = run_checker(
        outcome.statement, baseline=outcome.baseline, target_date=outcome.target_date
    )
    outcome.checker_codes = sorted({flag.code for flag in result.flags})
    change = outcome.positive_change
    suggestions = suggest_answers(
        result,
        baseline=outcome.baseline,
        measure=outcome.measure,
        assessed_need=outcome.assessed_need,
        not_working=[i.text for i in change.from_not_working.all()],
        aspirations=[i.text for i in change.from_aspirations.all()],
    )
    existing = {a.question: a for a in outcome.check_answers.all()}
    for question, suggestion in suggestions.items():
        row = existing.get(question)
        if row is None:
            OutcomeCheckAnswer.objects.create(
                outcome=outcome,
                question=question,
                suggested=suggestion.answer,
                suggestion_reason=suggestion.reason,
            )
        elif (row.suggested, row.suggestion_reason) != (suggestion.answer, suggestion.reason):
            _set_suggestion(row, suggestion.answer, suggestion.reason)
    for question, row in existing.items():
        if question not in suggestions and (row.suggested or row.suggestion_reason):
            _set_suggestion(row, "", "")


def _set_suggestion(row: OutcomeCheckAnswer, suggested: str, reason: str) -> None:
    """Store the checker's suggestion beside an answer. Only the suggestion columns are
    written and the row's version is left alone: the version guards the practitioner's
    answer (SEC-5), and a new wording does not make a check someone has open stale."""
    row.suggested, row.suggestion_reason = suggested, reason
    OutcomeCheckAnswer.objects.filter(pk=row.pk).update(
        suggested=suggested, suggestion_reason=reason, updated_at=timezone.now()
    )


CLOSED_WORDS = {
    OutcomeStatus.ACHIEVED: "This outcome has been achieved",
    OutcomeStatus.CLOSED: "This outcome has been closed",
    OutcomeStatus.REPLACED: "This outcome has been rewritten at a review",
}


def _check_still_open(outcome: Outcome, what: str) -> None:
    """Achieved, closed and rewritten outcomes are history: refuse any change to them."""
    if outcome.status == OutcomeStatus.OPEN:
        return
    message = (
        f"{CLOSED_WORDS[OutcomeStatus(outcome.status)]}, so {what}: what it said is kept as it was."
    )
    if outcome.status == OutcomeStatus.REPLACED:
        message += " Work on the outcome that replaced it."
    raise ValidationError(message)


def check_outcome_open(*, outcome_id: Any, what: str) -> Outcome:
    """For services that write what hangs off an outcome (its check, its Support Sequence):
    lock the outcome row (so it cannot be closed meanwhile) and refuse, with a clear
    message, unless it is open. Call inside the writer's transaction."""
    outcome = Outcome.objects.select_for_update().get(pk=outcome_id)
    _check_still_open(outcome, what)
    return outcome


def not_open_to_link(outcome: Outcome) -> str:
    """The one refusal of an outcome no longer open as what a row of the record (a
    solution, a budget line, an unmet need) is for: it is history, so nothing new hangs on it."""
    words = CLOSED_WORDS[OutcomeStatus(outcome.status)]
    return f"{words}, so nothing new can be linked to it. Choose an open outcome."


def lock_open_outcome(outcome: Outcome) -> Outcome:
    """For a service that moves a row of the person's record to `outcome`: lock the
    outcome row (so it cannot be closed meanwhile) and refuse it, on the outcome field,
    unless it is open. Inside the move's transaction."""
    stored = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if stored.status != OutcomeStatus.OPEN:
        raise ValidationError({"outcome": not_open_to_link(stored)})
    return stored


# The one wording of a refusal of someone else's outcome (forms, services and the API).
NOT_THEIR_OUTCOME = "Choose one of this person's outcomes."


def not_their_outcome(outcome: Outcome | None, person_id: Any) -> str:
    """NOT_THEIR_OUTCOME for an outcome of someone else; "" for one of theirs, or none."""
    return NOT_THEIR_OUTCOME if outcome is not None and outcome.person_id != person_id else ""


def check_persons_outcome(outcome: Outcome, person_id: Any) -> None:
    """For a service that moves a row of the person's record to `outcome` (a solution, a
    budget line, an unmet need): refuse an outcome of someone else, on the outcome field."""
    if problem := not_their_outcome(outcome, person_id):
        raise ValidationError({"outcome": problem})


def move_to_outcome(
    row: V,
    *,
    auditor: Auditor,
    stored: V,
    to_outcome: Outcome,
    extra: Mapping[str, Any] | None = None,
) -> V:
    """Link a row of the person's record (a solution, an unmet need), locked as `stored`,
    to `to_outcome`: only the link changes, in its change history (REV-2). In the move's
    transaction, after the service's casework guard and checks (check_persons_outcome, the
    outcome open): it takes the service's Auditor, never an actor of its own."""
    return audited_update(
        row,
        auditor=auditor,
        expected_version=stored.version,
        stored=stored,
        changes={"outcome": to_outcome},
        fields=["outcome"],
        clean=False,
        person_id=row.person_id,  # type: ignore[attr-defined]
        extra=extra,
    )


def _validate_date(target_date: datetime.date | None, *, today: datetime.date) -> None:
    if target_date is not None and target_date < today - datetime.timedelta(days=366):
        raise ValidationError(
            {
                "target_date": "The date it should be achieved by is more "
                "than a year ago. Check the year."
            }
        )
    refuse_far_off(target_date, "target_date", "The date it should be achieved by")


def _insert_with_first_wording(outcome: Outcome, actor: User) -> None:
    """Insert a new outcome with its first wording (number 1) and the checker's suggestions
    on it, its checker codes stored (outcome_create, outcome_rewrite). In the caller's
    transaction."""
    outcome.save(force_insert=True)
    OutcomeWording.objects.create(
        outcome=outcome,
        number=1,
        statement=outcome.statement,
        baseline=outcome.baseline,
        measure=outcome.measure,
        target_date=outcome.target_date,
        written_by=actor,
    )
    _refresh_suggestions(outcome=outcome)
    Outcome.objects.filter(pk=outcome.pk).update(checker_codes=outcome.checker_codes)


def outcome_create(
    *,
    actor: User,
    positive_change: PositiveChange,
    statement: str,
    baseline: str = "",
    measure: str = "",
    target_date: datetime.date | None = None,
    assessed_need: str = "",
    domain: str = "",
) -> Outcome:
    """Step 4: an outcome made from a positive change (and so linked to what matters).
    `domain`: the national outcome domain the practitioner coded it to (AGG-4), or ""."""
    _check_casework(actor, positive_change.person_id)
    _validate_date(target_date, today=timezone.localdate())
    outcome = Outcome(
        person_id=positive_change.person_id,
        conversation_id=positive_change.conversation_id,
        positive_change=positive_change,
        statement=statement.strip(),
        baseline=baseline.strip(),
        measure=measure.strip(),
        target_date=target_date,
        assessed_need=assessed_need.strip(),
        domain=domain,
    )
    outcome.full_clean()
    with transaction.atomic():
        _insert_with_first_wording(outcome, actor)
        Auditor(actor).created(outcome, person_id=outcome.person_id)
        open_outcomes_changed.send(sender=Outcome, person_id=outcome.person_id)
    return outcome


def outcome_update(
    *,
    actor: User,
    outcome: Outcome,
    expected_version: int,
    statement: str,
    baseline: str,
    measure: str,
    target_date: datetime.date | None,
    assessed_need: str,
    domain: str | None = None,
) -> Outcome:
    """Change an outcome. A change of wording adds a new wording; earlier ones are kept.
    `domain` None leaves the national outcome domain as it is."""
    _check_casework(actor, outcome.person_id)
    _validate_date(target_date, today=timezone.localdate())
    with transaction.atomic():
        stored = Outcome.objects.select_for_update().get(pk=outcome.pk)
        _check_still_open(stored, "it cannot be changed")
        outcome.statement, outcome.baseline, outcome.measure = (
            statement.strip(),
            baseline.strip(),
            measure.strip(),
        )
        outcome.target_date, outcome.assessed_need = target_date, assessed_need.strip()
        if domain is not None:
            outcome.domain = domain
        outcome.full_clean()
        wording_changed = any(getattr(stored, f) != getattr(outcome, f) for f in WORDING_FIELDS)
        _refresh_suggestions(outcome=outcome)  # sets outcome.checker_codes
        audited_update(
            outcome,
            auditor=Auditor(actor),
            expected_version=expected_version,
            stored=stored,
            clean=False,
            person_id=outcome.person_id,
            fields=[
                *WORDING_FIELDS,
                "assessed_need",
                "checker_codes",
                *(["domain"] if domain is not None else []),
            ],
        )
        if wording_changed:
            number = outcome.wordings.count() + 1
            OutcomeWording.objects.create(
                outcome=outcome,
                number=number,
                statement=outcome.statement,
                baseline=outcome.baseline,
                measure=outcome.measure,
                target_date=outcome.target_date,
                written_by=actor,
            )
    return outcome


def outcome_check_record(
    *,
    actor: User,
    outcome: Outcome,
    answers: Mapping[str, tuple[str, str]],
    expected_versions: Mapping[str, int],
) -> list[OutcomeCheckAnswer]:
    """Step 5: the practitioner's answers (question → (answer, note)). They win over the
    checker's suggestions, which stay beside them (kept fresh by _refresh_suggestions).

    `expected_versions` gives, per question, the version of the answer the editor saw (0
    when there was none). If anyone saved an answer to any of these questions since, the
    whole save is refused with StaleEditError and nothing changes (SEC-5). The one
    questionnaire save: core.questionnaires.questionnaire_save."""
    _check_casework(actor, outcome.person_id)
    with transaction.atomic():
        check_outcome_open(outcome_id=outcome.pk, what="its check cannot change")
        return questionnaire_save(
            auditor=Auditor(actor),
            model=OutcomeCheckAnswer,
            parent=outcome,
            person_id=outcome.person_id,
            answered_by=actor,
            answers=answers,
            expected_versions=expected_versions,
        )


def outcome_rewrite(
    *,
    actor: User,
    outcome: Outcome,
    statement: str,
    baseline: str,
    measure: str,
    target_date: datetime.date | None,
    assessed_need: str = "",
) -> Outcome:
    """Rewrite an open outcome at a review (REV-2): a NEW outcome that `replaces` the old
    one, on the same positive change (so the golden thread is kept), with its own first
    wording and checker suggestions. The old outcome and all its wordings are kept; its
    status becomes "Rewritten"."""
    _check_casework(actor, outcome.person_id)
    _validate_date(target_date, today=timezone.localdate())
    auditor = Auditor(actor)
    with transaction.atomic():
        old = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if old.status != OutcomeStatus.OPEN:
            raise ValidationError(
                f"This outcome is already {old.get_status_display().lower()}, so it cannot "
                "be rewritten."
            )
        new = Outcome(
            person_id=old.person_id,
            conversation_id=old.conversation_id,
            positive_change_id=old.positive_change_id,
            statement=statement.strip(),
            baseline=baseline.strip(),
            measure=measure.strip(),
            target_date=target_date,
            assessed_need=assessed_need.strip(),
            replaces=old,
        )
        new.full_clean()
        _insert_with_first_wording(new, actor)
        auditor.created(new, person_id=new.person_id, extra={"replaces": str(old.pk)})
        audited_update(
            old,
            auditor=auditor,
            expected_version=old.version,
            stored=old,
            changes={"status": OutcomeStatus.REPLACED},
            clean=False,
            person_id=old.person_id,
            extra={"replaced_by": str(new.pk)},
        )
        open_outcomes_changed.send(sender=Outcome, person_id=old.person_id)
    outcome.refresh_from_db()
    return new


CLOSING_STATUSES = (OutcomeStatus.ACHIEVED, OutcomeStatus.CLOSED)


def outcome_close(*, actor: User, outcome: Outcome, status: str) -> Outcome:
    """Close an open outcome as achieved, or as closed (no longer being worked toward)."""
    _check_casework(actor, outcome.person_id)
    if status not in CLOSING_STATUSES:
        raise ValueError(
            f"outcome_close sets {[s.value for s in CLOSING_STATUSES]}, not {str(status)!r}"
        )
    with transaction.atomic():
        stored = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if stored.status != OutcomeStatus.OPEN:
            raise ValidationError(
                f"This outcome is already {stored.get_status_display().lower()}, so it "
                "cannot be closed."
            )
        audited_update(
            stored,
            auditor=Auditor(actor),
            expected_version=stored.version,
            stored=stored,
            changes={"status": status},
            clean=False,
            person_id=stored.person_id,
        )
        open_outcomes_changed.send(sender=Outcome, person_id=stored.person_id)
    outcome.refresh_from_db()
    return outcome


# --- Agreement (ACC-4) ------------------------------------------------------------------------


def agreement_record(
    *,
    actor: User,
    person: Any,
    outcome: Outcome | None,
    whose: str,
    name: str,
    agreed: str,
    agreed_on: datetime.date,
    how: str,
    not_agreed: str = "",
) -> Agreement:
    """Record whether the person (or family, or a proxy) agreed an outcome, or the plan as a
    whole when `outcome` is None; anything not agreed is kept in their words. A worker
    records it, or (once #12 registers the check) the person or their proxy themselves."""
    require_worker_or_person(actor, person, doing="record agreement")
    errors: dict[str, str] = {}
    if problem := not_their_outcome(outcome, person.pk):
        errors["outcome"] = problem
    if whose not in AgreementWhose.values:
        errors["whose"] = "Choose who this is."
    if not name.strip():
        errors["name"] = "Enter their name."
    if agreed not in Agreed.values:
        errors["agreed"] = "Choose whether they agreed."
    elif agreed != Agreed.YES and not not_agreed.strip():
        errors["not_agreed"] = "Write what they did not agree with, in their words."
    if how not in AgreedHow.values:
        errors["how"] = "Choose how they said so."
    not_future(agreed_on, "agreed_on", "The date", errors)
    if errors:
        raise ValidationError(errors)
    row = Agreement(
        person_id=person.pk,
        outcome=outcome,
        whose=whose,
        name=name.strip(),
        agreed=agreed,
        agreed_on=agreed_on,
        how=how,
        not_agreed=not_agreed.strip() if agreed != Agreed.YES else "",
        recorded_by=actor,
    )
    return create_audited(actor, row, person_id=person.pk, clean=False)
