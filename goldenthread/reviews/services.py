"""Every write for reviews (REV-1..REV-3): one path for pages, the API and commands.

Each function takes keyword-only arguments and a required `actor`, runs in one
transaction, refuses a save made from a stale copy (StaleEditError, SEC-5), and reports to
the Auditor before it returns. A finished review is never changed; the person's own views
are only ever added, never edited, and no practitioner's save can reach them.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.accounts.models import User
from goldenthread.audit.services import Auditor
from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.services import (
    EARLIEST_DATE,
    audited_create,
    audited_update,
    audited_upsert,
    create_once,
)
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.guards import require_casework
from goldenthread.people.models import Person
from goldenthread.support import services as support_services
from goldenthread.support.models import CURRENT_STATUSES, Solution, SolutionStatus

from . import due, presenters, selectors
from .models import (
    OutcomeDecision,
    OutcomeReview,
    PersonView,
    Rating,
    Review,
    ReviewSchedule,
    ReviewStatus,
    SolutionDecision,
    SolutionReview,
    WhoseWords,
)

LONGEST_GAP = datetime.timedelta(days=2 * 366)


class ReviewInProgress(ValidationError):
    """The person already has a review in progress: continue it rather than start another."""

    def __init__(self, review: Review) -> None:
        super().__init__(
            f"A review for this person is already in progress (the review on "
            f"{presenters.date_text(review.held_on)}). Continue that review, or finish it "
            "first."
        )
        self.review = review


@dataclass(frozen=True)
class Rewrite:
    """The new wording of an outcome rewritten at a review."""

    statement: str
    baseline: str = ""
    measure: str = ""
    target_date: datetime.date | None = None
    assessed_need: str = ""
    # What goes on under the new wording (#16): keys from `carry_choices(outcome)`
    # ("solution:<id>", "line:<id>", "need:<id>"); None carries everything that can go.
    carry: frozenset[str] | None = None


def _check_casework(actor: User | None, person: Any) -> None:
    require_casework(actor, person, doing="record reviews")


def _locked_draft(review: Review) -> Review:
    stored = Review.objects.select_for_update().get(pk=review.pk)
    if stored.status != ReviewStatus.DRAFT:
        raise ValidationError(
            "This review is finished, so it cannot change. Start a new review to record "
            "anything new."
        )
    return stored


def _held_on_errors(held_on: datetime.date | None, *, today: datetime.date) -> dict[str, str]:
    if held_on is None:
        return {"held_on": "Enter the date of the review."}
    if held_on > today:
        return {"held_on": "The date of the review must be today or earlier."}
    if held_on < EARLIEST_DATE:
        return {"held_on": "The date of the review is too long ago. Check the year."}
    return {}


def _next_date_errors(
    next_review_on: datetime.date | None,
    *,
    today: datetime.date,
    held_on: datetime.date | None = None,
    field: str = "next_review_on",
) -> dict[str, str]:
    """A next review date set on its own must be today or later; one agreed at a review
    must be after that review (a review recorded late may have agreed a date now past)."""
    if next_review_on is None:
        return {field: "Enter the date of the next review."}
    start = today if held_on is None else held_on
    if held_on is not None and next_review_on <= held_on:
        return {
            field: f"The next review must be after this review ({presenters.date_text(held_on)})."
        }
    if held_on is None and next_review_on < today:
        return {field: "The date of the next review must be today or later."}
    if next_review_on > start + LONGEST_GAP:
        return {field: "The next review is more than two years away. Check the year."}
    return {}


def _schedule_write(
    *,
    actor: User,
    person: Person,
    next_review_on: datetime.date,
    expected_version: int | None = None,
) -> ReviewSchedule:
    """Set the date; the stored due date follows in the same transaction (#19)."""
    schedule = ReviewSchedule.objects.select_for_update().filter(person=person).first()
    if schedule is not None and expected_version not in (None, schedule.version):
        raise StaleEditError(schedule)
    if schedule is None or schedule.next_review_on != next_review_on:
        # A row that held only the worked-out due date (no date set) is changed the same
        # way: the change history shows the date going from "not set" to the new one.
        schedule = audited_upsert(
            ReviewSchedule,
            schedule,
            auditor=Auditor(actor),
            person_id=person.pk,
            new={"person": person},
            changes={"next_review_on": next_review_on, "set_by": actor},
            clean=False,
        )
    due.refresh_review_due([person.pk])
    return schedule


# --- The schedule (REV-3) -------------------------------------------------------------------


def review_schedule_set(
    *,
    actor: User,
    person: Person,
    next_review_on: datetime.date,
    expected_version: int | None = None,
) -> ReviewSchedule:
    """Set when the person's next review is due. `expected_version` is the version the
    editor saw (None when they saw no date set)."""
    _check_casework(actor, person)
    errors = _next_date_errors(next_review_on, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _schedule_write(
            actor=actor,
            person=person,
            next_review_on=next_review_on,
            expected_version=expected_version,
        )


# --- A review ------------------------------------------------------------------------------


def review_start(*, actor: User, person: Person, held_on: datetime.date) -> Review:
    """Start recording a review. One review is in progress at a time (ReviewInProgress)."""
    _check_casework(actor, person)
    errors = _held_on_errors(held_on, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        in_progress = Review.objects.filter(person=person, status=ReviewStatus.DRAFT).first()
        if in_progress is not None:
            raise ReviewInProgress(in_progress)
        review = Review(person=person, held_on=held_on, conducted_by=actor)
        audited_create(
            review,
            auditor=Auditor(actor),
            person_id=person.pk,
            clean={"validate_constraints": False},
        )
    return review


def review_update(
    *,
    actor: User,
    review: Review,
    expected_version: int,
    held_on: datetime.date,
    what_learned: str,
) -> Review:
    """Change the date of a review in progress, or what was learned."""
    _check_casework(actor, review.person_id)
    errors = _held_on_errors(held_on, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        audited_update(
            review,
            auditor=Auditor(actor),
            expected_version=expected_version,
            stored=_locked_draft(review),
            person_id=review.person_id,
            changes={"held_on": held_on, "what_learned": what_learned.strip()},
            clean={"validate_constraints": False},
        )
    return review


def _outcome_review_errors(
    *,
    rating: str,
    evidence: str,
    decision: str,
    review: Review,
    outcome: Outcome,
    rewrite: Rewrite | None,
    needs_rewrite: bool,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if rating not in Rating.values:
        errors["rating"] = "Choose how far the outcome has come."
    if not evidence.strip():
        errors["evidence"] = (
            "Say what shows this, in everyday words: what has happened, "
            "what the person and others have seen."
        )
    if decision not in OutcomeDecision.values:
        errors["decision"] = "Choose whether to keep, rewrite or close this outcome."
    elif decision == OutcomeDecision.KEEP and rating == Rating.NO_LONGER_RELEVANT:
        errors["decision"] = (
            "An outcome that is no longer relevant cannot be kept as it is: rewrite it or close it."
        )
    if needs_rewrite:
        if rewrite is None or not rewrite.statement.strip():
            errors["statement"] = "Write the new wording of the outcome."
        elif rewrite.statement.strip() == outcome.statement.strip():
            errors["statement"] = (
                "The new wording is the same as the old one. Change it, or choose 'Keep it'."
            )
        if (
            rewrite is not None
            and rewrite.target_date is not None
            and rewrite.target_date <= review.held_on
        ):
            errors["target_date"] = (
                "The new date it should be achieved by must be after "
                f"the review ({presenters.date_text(review.held_on)})."
            )
    return errors


@dataclass(frozen=True)
class CarryItem:
    key: str
    kind: str  # "solution", "line" or "need"
    label: str
    item: Any


def carry_choices(outcome: Outcome) -> list[CarryItem]:
    """What can go on under an outcome's new wording when it is rewritten: its current
    solutions (idea, agreed, in place), the lines of waiting or agreed budgets that pay
    toward it but not through one of those solutions, and its open unmet needs."""
    return carry_choices_for([outcome]).get(outcome.pk, [])


def carry_choices_for(outcomes) -> dict[Any, list[CarryItem]]:
    """`carry_choices` for several outcomes at once, by outcome id: three queries, however
    many outcomes (the review page offers the choice on every outcome)."""
    from goldenthread.core.formatting import money_per_period_text
    from goldenthread.sds.models import OPEN_STATUSES, BudgetLine, RequestStatus, UnmetNeed

    ids = [o.pk for o in outcomes]
    found: dict[Any, list[CarryItem]] = {pk: [] for pk in ids}
    if not ids:
        return found
    solutions = list(
        Solution.objects.filter(outcome_id__in=ids, status__in=CURRENT_STATUSES).order_by(
            "created_at", "id"
        )
    )
    moving = {s.pk for s in solutions}
    for solution in solutions:
        found[solution.outcome_id].append(
            CarryItem(
                f"solution:{solution.pk}",
                "solution",
                f"Support: {solution.what} ({solution.get_status_display()})",
                solution,
            )
        )
    lines = (
        BudgetLine.objects.filter(
            outcome_id__in=ids, request__status__in=[*OPEN_STATUSES, RequestStatus.APPROVED]
        )
        .select_related("request")
        .order_by("request__submitted_at", "position")
    )
    for line in lines:
        if line.solution_id in moving:
            continue  # it goes with its solution
        found[line.outcome_id].append(
            CarryItem(
                f"line:{line.pk}",
                "line",
                f"Budget line: {line.description} "
                f"({money_per_period_text(line.amount, line.period)}, {line.request.reference})",
                line,
            )
        )
    for need in UnmetNeed.objects.filter(outcome_id__in=ids, met_on__isnull=True):
        found[need.outcome_id].append(
            CarryItem(f"need:{need.pk}", "need", f"Unmet need: {need.need[:120]}", need)
        )
    return found


def _carry_across(*, actor: User, old: Outcome, new: Outcome, carry: frozenset[str] | None) -> None:
    """Move what the worker chose (all, when `carry` is None) from the rewritten outcome
    to its new wording, inside the review's transaction; each move is audited. A budget
    line that pays for a solution moves with it."""
    from goldenthread.sds import services as sds_services
    from goldenthread.sds.models import BudgetLine
    from goldenthread.support import services as support_services

    for choice in carry_choices(old):
        if carry is not None and choice.key not in carry:
            continue
        if choice.kind == "solution":
            support_services.solution_move(actor=actor, solution=choice.item, to_outcome=new)
            for line in BudgetLine.objects.filter(solution=choice.item, outcome=old):
                sds_services.budget_line_move(actor=actor, line=line, to_outcome=new)
        elif choice.kind == "line":
            sds_services.budget_line_move(actor=actor, line=choice.item, to_outcome=new)
        else:
            sds_services.unmet_need_move(actor=actor, need=choice.item, to_outcome=new)


def outcome_review_record(
    *,
    actor: User,
    review: Review,
    outcome: Outcome,
    rating: str,
    evidence: str,
    decision: str,
    new_measure_value: Decimal | None = None,
    rewrite: Rewrite | None = None,
    expected_version: int | None = None,
) -> OutcomeReview:
    """Record (or change, while the review is in progress) the practitioner's review of one
    outcome (REV-1, REV-2). Rewrite: a new outcome replaces it and the old one is kept
    (outcomes.services.outcome_rewrite). Close: the outcome is closed, as achieved when
    rated achieved. A rewrite or close cannot be undone here. `expected_version` is the
    version of this outcome's review the editor saw (None when there was none yet).
    The person's own views are separate rows this function never touches."""
    _check_casework(actor, review.person_id)
    if outcome.person_id != review.person_id:
        raise ValidationError("Choose one of this person's outcomes.")
    evidence = evidence.strip()
    with transaction.atomic():
        review = _locked_draft(review)
        existing = (
            OutcomeReview.objects.select_for_update().filter(review=review, outcome=outcome).first()
        )
        if existing is not None and expected_version != existing.version:
            raise StaleEditError(existing)
        if existing is None and expected_version is not None:
            raise ValidationError("This outcome's review could not be found. Reload the page.")
        if existing is None:
            if outcome.pk not in selectors.outcome_ids_to_review(review):
                raise ValidationError(
                    "This outcome is not open, or was written at this review, so it is not "
                    "part of this review."
                )
        else:
            if existing.decision != OutcomeDecision.KEEP:
                done = "rewritten" if existing.decision == OutcomeDecision.REWRITE else "closed"
                raise ValidationError(
                    f"This outcome was already {done} at this review, so its review cannot "
                    "change now."
                )
        needs_rewrite = decision == OutcomeDecision.REWRITE
        errors = _outcome_review_errors(
            rating=rating,
            evidence=evidence,
            decision=decision,
            review=review,
            outcome=outcome,
            rewrite=rewrite,
            needs_rewrite=needs_rewrite,
        )
        if errors:
            raise ValidationError(errors)

        new_outcome_id = None
        if needs_rewrite:
            assert rewrite is not None
            new_outcome = outcome_services.outcome_rewrite(
                actor=actor,
                outcome=outcome,
                statement=rewrite.statement,
                baseline=rewrite.baseline,
                measure=rewrite.measure,
                target_date=rewrite.target_date,
                assessed_need=rewrite.assessed_need,
            )
            new_outcome_id = new_outcome.pk
            _carry_across(actor=actor, old=outcome, new=new_outcome, carry=rewrite.carry)
        elif decision == OutcomeDecision.CLOSE:
            outcome_services.outcome_close(
                actor=actor,
                outcome=outcome,
                status=(
                    OutcomeStatus.ACHIEVED if rating == Rating.ACHIEVED else OutcomeStatus.CLOSED
                ),
            )

        return audited_upsert(
            OutcomeReview,
            existing,
            auditor=Auditor(actor),
            person_id=review.person_id,
            new={"review": review, "outcome": outcome, "person_id": review.person_id},
            changes={
                "rating": rating,
                "evidence": evidence,
                "decision": decision,
                "new_measure_value": new_measure_value,
                "new_outcome_id": new_outcome_id,
                "recorded_by": actor,
            },
            clean={"validate_constraints": False},
        )


def person_view_add(
    *,
    actor: User,
    review: Review,
    outcome: Outcome,
    in_their_words: str,
    rating: str = "",
    whose_words: str = WhoseWords.PERSON,
    speaker_name: str = "",
    submission_token: uuid.UUID | None = None,
) -> PersonView:
    """Add the person's own view of an outcome at a review, in their words (REV-1). Views
    are never edited: a later view is a new row beside the earlier ones. A view may be
    added after the review is finished. The same form sent twice (`submission_token`)
    keeps the first view and adds nothing (core.services.create_once)."""
    _check_casework(actor, review.person_id)
    if outcome.person_id != review.person_id:
        raise ValidationError("Choose one of this person's outcomes.")
    errors: dict[str, str] = {}
    words = in_their_words.strip()
    if not words:
        errors["in_their_words"] = "Write what the person said about this outcome."
    if rating and rating not in Rating.values:
        errors["rating"] = "Choose one of the ratings, or leave it blank."
    if whose_words not in WhoseWords.values:
        errors["whose_words"] = "Choose whose words these are."
    elif whose_words == WhoseWords.ON_BEHALF and not speaker_name.strip():
        errors["speaker_name"] = "Enter the name of who spoke for the person."
    if errors:
        raise ValidationError(errors)

    def add() -> PersonView:
        Review.objects.select_for_update().filter(pk=review.pk).first()
        if outcome.pk not in selectors.outcome_ids_for_views(review):
            raise ValidationError("This outcome is not part of this review.")
        view = PersonView(
            review=review,
            outcome=outcome,
            person_id=review.person_id,
            rating=rating,
            in_their_words=words,
            whose_words=whose_words,
            speaker_name=speaker_name.strip() if whose_words == WhoseWords.ON_BEHALF else "",
            recorded_by=actor,
            submission_token=submission_token,
        )
        return audited_create(
            view,
            auditor=Auditor(actor),
            person_id=review.person_id,
            clean={"validate_constraints": False, "validate_unique": False},
        )

    return create_once(
        PersonView,
        submission_token,
        add,
        made_by={
            "person_id": review.person_id,
            "recorded_by_id": actor.pk,
            "review_id": review.pk,
            "outcome_id": outcome.pk,
        },
        used_message="This form has been used already. Open the review again to add another view.",
    )


def solution_review_record(
    *,
    actor: User,
    review: Review,
    solution: Solution,
    decision: str,
    why: str,
    expected_version: int | None = None,
) -> SolutionReview:
    """Keep, change or stop a solution at a review, and why (REV-2). Stop also marks the
    solution "tried and stopped" in the Support Sequence, with the reason in its history."""
    _check_casework(actor, review.person_id)
    if solution.person_id != review.person_id:
        raise ValidationError("Choose one of this person's solutions.")
    why = why.strip()
    errors: dict[str, str] = {}
    if decision not in SolutionDecision.values:
        errors["decision"] = "Choose whether to keep, change or stop it."
    elif decision == SolutionDecision.CHANGE and not why:
        errors["why"] = "Say what is changing and why."
    elif decision == SolutionDecision.STOP and not why:
        errors["why"] = "Say why it is stopping."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = _locked_draft(review)
        existing = (
            SolutionReview.objects.select_for_update()
            .filter(review=review, solution=solution)
            .first()
        )
        if existing is not None and expected_version != existing.version:
            raise StaleEditError(existing)
        if existing is None and expected_version is not None:
            raise ValidationError("This solution's review could not be found. Reload the page.")
        if (
            existing is not None
            and existing.decision == SolutionDecision.STOP
            and decision != SolutionDecision.STOP
        ):
            raise ValidationError(
                {
                    "decision": "This solution was stopped at this review. To "
                    "start it again, change it in the support plan."
                }
            )
        stored = Solution.objects.select_for_update().get(pk=solution.pk)
        if decision == SolutionDecision.STOP and stored.status in CURRENT_STATUSES:
            support_services.solution_update(
                actor=actor,
                solution=stored,
                expected_version=stored.version,
                status=SolutionStatus.TRIED_AND_STOPPED,
                status_note=f"Stopped at the review on {presenters.date_text(review.held_on)}: "
                f"{why}",
            )
        return audited_upsert(
            SolutionReview,
            existing,
            auditor=Auditor(actor),
            person_id=review.person_id,
            new={"review": review, "solution": solution, "person_id": review.person_id},
            changes={"decision": decision, "why": why, "recorded_by": actor},
            clean={"validate_constraints": False},
            update_clean=False,
        )


def review_complete(
    *,
    actor: User,
    review: Review,
    expected_version: int,
    next_review_on: datetime.date | None,
    what_learned: str | None = None,
) -> Review:
    """Finish a review: every open outcome must have been reviewed (the missing ones are
    named), what was learned written, and the next review date set (REV-2, REV-3). Sets
    the person's review schedule. A finished review is never changed."""
    _check_casework(actor, review.person_id)
    with transaction.atomic():
        stored = _locked_draft(review)
        if stored.version != expected_version:
            raise StaleEditError(stored)
        learned = (stored.what_learned if what_learned is None else what_learned).strip()
        errors: dict[str, list[str]] = {}
        missing = selectors.outcomes_not_yet_reviewed(stored)
        if missing:
            names = "; ".join(f"“{presenters.short(o.statement)}”" for o in missing)
            errors.setdefault("__all__", []).append(
                f"Review every open outcome before finishing. Not reviewed yet: {names}."
            )
        if not learned:
            errors.setdefault("what_learned", []).append(
                "Write what was learned at this review: what worked, what did not, and what "
                "changes."
            )
        for field, message in _next_date_errors(
            next_review_on, today=timezone.localdate(), held_on=stored.held_on
        ).items():
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError({k: v for k, v in errors.items()})
        assert next_review_on is not None
        audited_update(
            review,
            auditor=Auditor(actor),
            expected_version=expected_version,
            stored=stored,
            clean=False,
            person_id=review.person_id,
            changes={
                "status": ReviewStatus.COMPLETED,
                "completed_at": timezone.now(),
                "next_review_on": next_review_on,
                "what_learned": learned,
            },
        )
        later = Review.objects.filter(
            person_id=review.person_id, status=ReviewStatus.COMPLETED, held_on__gt=review.held_on
        ).exists()
        if not later:  # a review recorded late does not move the date a later one set
            _schedule_write(actor=actor, person=review.person, next_review_on=next_review_on)
        due.refresh_review_due([review.person_id])
    return review
