"""Every write to the Support Sequence (one path for pages, API and commands).

Each function takes keyword-only arguments and a required `actor`, runs in one
transaction, checks that the outcome belongs to the person named, refuses a save made from
a stale copy (StaleEditError, SEC-5), and reports to the Auditor before it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.db.transaction import TransactionManagementError

from goldenthread.accounts.models import Role, User
from goldenthread.audit.services import Auditor
from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.questionnaires import questionnaire_save
from goldenthread.core.services import (
    audited_create,
    audited_update,
    locked,
    refuse_unknown_fields,
    require_signed_in,
)
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.outcomes.services import (
    check_outcome_open,
    check_persons_outcome,
    lock_open_outcome,
    move_to_outcome,
)
from goldenthread.people.guards import require_casework
from goldenthread.people.models import Person

from . import checklist
from .directory_seam import resource_cost, resource_for_solution
from .models import (
    CURRENT_STATUSES,
    ExplorationState,
    PlanType,
    Solution,
    SolutionStatus,
    SolutionStatusChange,
    StepExploration,
    SupportChecklistAnswer,
    SupportPlanning,
    SupportStep,
)

SOLUTION_FIELDS = ("what", "who", "cost", "cost_period", "status", "notes")
ENDED_STATUSES = frozenset({SolutionStatus.TRIED_AND_STOPPED, SolutionStatus.DECLINED})


def _check_casework(actor: User | None, person: Any) -> None:
    require_casework(actor, person, doing="plan support")


def _check_outcome(person: Person, outcome: Outcome) -> None:
    if outcome.person_id != person.pk:
        raise ValidationError("Choose one of this person's outcomes.")


def _check_open(outcome_id: Any) -> None:
    """An achieved, closed or rewritten outcome's Support Sequence is history: refused
    with a clear message (the outcome row is locked, so it cannot close meanwhile)."""
    check_outcome_open(outcome_id=outcome_id, what="its Support Sequence cannot change")


def _valid_step(step: str) -> SupportStep:
    try:
        return SupportStep(step)
    except ValueError:
        raise ValidationError({"step": "Choose one of the seven steps."}) from None


# --- Before step 1 (SS-2) ---------------------------------------------------------------


def support_planning_save(
    *,
    actor: User,
    person: Person,
    outcome: Outcome,
    expected_version: int,
    tried_already: str = "",
    own_ideas: str = "",
    plan_type_override: str = "",
) -> SupportPlanning:
    """Record what the person has tried already, their ideas, and (optionally) which
    wording of steps 6 and 7 to use. `expected_version` is 0 when the editor saw nothing
    recorded yet."""
    _check_casework(actor, person)
    _check_outcome(person, outcome)
    if plan_type_override not in ("", *PlanType.values):
        raise ValidationError({"plan_type_override": "Choose young person, adult, or by age."})
    with transaction.atomic():
        _check_open(outcome.pk)
        planning = SupportPlanning.objects.select_for_update().filter(outcome=outcome).first()
        current_version = planning.version if planning else 0
        if current_version != expected_version:
            raise StaleEditError(planning if planning else SupportPlanning(outcome=outcome))
        values = {
            "tried_already": tried_already.strip(),
            "own_ideas": own_ideas.strip(),
            "plan_type_override": plan_type_override,
        }
        if planning is None:
            planning = SupportPlanning(person=person, outcome=outcome, **values)
            audited_create(planning, auditor=Auditor(actor), person_id=person.pk)
            return planning
        audited_update(
            planning,
            auditor=Auditor(actor),
            expected_version=expected_version,
            stored=planning,
            changes=values,
            person_id=person.pk,
        )
    return planning


# --- Step exploration (SS-3) -----------------------------------------------------------


def _set_exploration(
    *,
    actor,
    person: Person,
    outcome: Outcome,
    step: SupportStep,
    state: str,
    note: str = "",
    exploration: StepExploration | None = None,
) -> StepExploration:
    """Write the state of one step (inside the caller's transaction, which has locked
    `exploration`), audited."""
    if exploration is None:
        exploration = StepExploration(
            person=person,
            outcome=outcome,
            step=step,
            state=state,
            note=note,
            changed_by=actor,
        )
        audited_create(exploration, auditor=Auditor(actor), person_id=person.pk)
        return exploration
    return audited_update(
        exploration,
        auditor=Auditor(actor),
        expected_version=exploration.version,
        stored=exploration,
        changes={"state": state, "note": note, "changed_by": actor},
        person_id=person.pk,
    )


def _locked_exploration(outcome: Outcome, step: str) -> StepExploration | None:
    return StepExploration.objects.select_for_update().filter(outcome=outcome, step=step).first()


def _after_solutions_changed(
    *, actor, person: Person, outcome: Outcome, step: SupportStep, added_current: bool = False
) -> None:
    """Keep the step's state true to its solutions: a step with solutions is explored; a
    step whose last solution was removed is back to "not yet considered" unless someone
    recorded that nothing is suitable; a new current solution ends "nothing suitable"."""
    exploration = _locked_exploration(outcome, step)
    has_solutions = Solution.objects.filter(outcome=outcome, step=step).exists()
    state = exploration.state if exploration else ExplorationState.NOT_YET
    if state == ExplorationState.NOTHING_SUITABLE and not added_current:
        return
    wanted = ExplorationState.EXPLORED if has_solutions else ExplorationState.NOT_YET
    if exploration is None and wanted == ExplorationState.NOT_YET:
        return
    if exploration is not None and exploration.state == wanted:
        return
    _set_exploration(
        actor=actor,
        person=person,
        outcome=outcome,
        step=step,
        state=wanted,
        exploration=exploration,
    )


def step_mark_nothing_suitable(
    *,
    actor: User,
    person: Person,
    outcome: Outcome,
    step: str,
    expected_version: int,
    note: str = "",
) -> StepExploration:
    """Record that this step was explored and nothing fits (with an optional reason).
    `expected_version` is 0 when the editor saw the step with no record yet."""
    _check_casework(actor, person)
    _check_outcome(person, outcome)
    step = _valid_step(step)
    with transaction.atomic():
        _check_open(outcome.pk)
        exploration = _locked_exploration(outcome, step)
        if (exploration.version if exploration else 0) != expected_version:
            raise StaleEditError(exploration or StepExploration(outcome=outcome, step=step))
        if Solution.objects.filter(
            outcome=outcome, step=step, status__in=CURRENT_STATUSES
        ).exists():
            raise ValidationError(
                f"Step {step.number} ({step.label}) has solutions that are ideas, agreed or in "
                "place. Change their status or remove them first."
            )
        return _set_exploration(
            actor=actor,
            person=person,
            outcome=outcome,
            step=step,
            state=ExplorationState.NOTHING_SUITABLE,
            note=note.strip(),
            exploration=exploration,
        )


def step_reopen(
    *,
    actor: User,
    person: Person,
    outcome: Outcome,
    step: str,
    expected_version: int,
) -> StepExploration:
    """Undo "nothing suitable": the step is explored again if it holds solutions, or back
    to not yet considered."""
    _check_casework(actor, person)
    _check_outcome(person, outcome)
    step = _valid_step(step)
    with transaction.atomic():
        _check_open(outcome.pk)
        exploration = _locked_exploration(outcome, step)
        if exploration is None or exploration.version != expected_version:
            raise StaleEditError(exploration or StepExploration(outcome=outcome, step=step))
        if exploration.state != ExplorationState.NOTHING_SUITABLE:
            raise ValidationError(
                f"Step {step.number} ({step.label}) is not marked as nothing suitable."
            )
        has_solutions = Solution.objects.filter(outcome=outcome, step=step).exists()
        return _set_exploration(
            actor=actor,
            person=person,
            outcome=outcome,
            step=step,
            state=ExplorationState.EXPLORED if has_solutions else ExplorationState.NOT_YET,
            exploration=exploration,
        )


# --- Solutions (SS-3) ----------------------------------------------------------------------


def solution_add(
    *,
    actor: User,
    person: Person,
    outcome: Outcome,
    step: str,
    what: str,
    who: str = "",
    cost: Decimal | None = None,
    cost_period: str = "",
    status: str = SolutionStatus.IDEA,
    notes: str = "",
    community_resource: Any = None,
) -> Solution:
    """Add a solution to one step of an outcome's Support Sequence."""
    _check_casework(actor, person)
    _check_outcome(person, outcome)
    step = _valid_step(step)
    solution = Solution(
        person=person,
        outcome=outcome,
        step=step,
        what=(what or "").strip(),
        who=(who or "").strip(),
        cost=cost,
        cost_period=cost_period or "",
        status=status,
        notes=(notes or "").strip(),
    )
    if community_resource is not None:
        solution.community_resource = community_resource
    solution.full_clean()
    with transaction.atomic():
        _check_open(outcome.pk)
        solution.save(force_insert=True)
        Auditor(actor).created(solution, person_id=person.pk)
        SolutionStatusChange.objects.create(
            solution=solution,
            person=person,
            from_status="",
            to_status=status,
            changed_by=actor,
        )
        _after_solutions_changed(
            actor=actor,
            person=person,
            outcome=outcome,
            step=step,
            added_current=status in CURRENT_STATUSES,
        )
    return solution


def solution_add_from_resource(
    *,
    actor: User,
    person: Person,
    outcome: Outcome,
    step: str,
    resource_id: Any,
) -> Solution:
    """One action: a community resource found in the directory becomes an idea in step 5
    or 6, with its name and provider filled in, its cost and how often carried across when
    the feed states them, and the resource linked (SS-3, SS-4)."""
    _check_casework(actor, person)

    try:
        resource, what, who = resource_for_solution(resource_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise ValidationError(
            {
                "community_resource": "That community resource is not in the directory. "
                "Search again and choose from the results."
            }
        ) from None
    cost = resource_cost(resource)
    return solution_add(
        actor=actor,
        person=person,
        outcome=outcome,
        step=step,
        what=what,
        who=who,
        cost=cost.cost,
        cost_period=cost.period,
        notes=cost.note,
        status=SolutionStatus.IDEA,
        community_resource=resource,
    )


def solution_update(
    *,
    actor: User,
    solution: Solution,
    expected_version: int,
    status_note: str = "",
    **changes: Any,
) -> Solution:
    """Change a solution; a change of status is also kept as a status-history row.

    The Support Sequence of an achieved, closed or rewritten outcome is history: the one
    change still recorded is that support which was part of the plan has ended (stopped
    or declined, for example at the review that closed the outcome)."""
    _check_casework(actor, solution.person_id)
    refuse_unknown_fields("solution_update", changes, SOLUTION_FIELDS)
    changes = {
        name: value.strip() if isinstance(value, str) else value for name, value in changes.items()
    }
    with transaction.atomic():
        outcome_open = (
            Outcome.objects.select_for_update()
            .filter(pk=solution.outcome_id)
            .values_list("status", flat=True)
            .get()
            == OutcomeStatus.OPEN
        )
        stored = locked(solution, expected_version=expected_version)
        old_status = stored.status
        after = {name: changes.get(name, getattr(solution, name)) for name in SOLUTION_FIELDS}
        if not outcome_open and not _only_ends(stored, after):
            _check_open(solution.outcome_id)
        audited_update(
            solution,
            auditor=Auditor(actor),
            expected_version=expected_version,
            stored=stored,
            changes=changes,
            fields=SOLUTION_FIELDS,
            person_id=solution.person_id,
        )
        if solution.status != old_status:
            SolutionStatusChange.objects.create(
                solution=solution,
                person_id=solution.person_id,
                from_status=old_status,
                to_status=solution.status,
                note=(status_note or "").strip(),
                changed_by=actor,
            )
            _after_solutions_changed(
                actor=actor,
                person=solution.person,
                outcome=solution.outcome,
                step=SupportStep(solution.step),
                added_current=solution.status in CURRENT_STATUSES,
            )
    return solution


def solutions_agree_with_budget(
    *,
    actor: User,
    person_id: Any,
    solution_ids: Iterable[Any],
    reference: str,
) -> list[Solution]:
    """The solutions an agreed budget pays for move from Idea to Agreed (SDS-4, SS-6).

    Called only by `sds.services.budget_request_decide`, inside its transaction and after
    its own check that `actor` may agree this budget (a panel member may agree a budget
    for someone outside their caseload; the decision is the authority, not casework).
    Each move is audited and kept as a status-history row naming the budget. Solutions
    already agreed or in place, ended ones, and those of an outcome that is no longer open
    (history) are left as they are. Returns the solutions moved."""
    # The decision's authority: someone who records for this person (the team leader,
    # or the allocated practitioner within their limit), or a panel member deciding a
    # request referred to the panel (checked by budget_request_decide). No one else.
    require_signed_in(actor, "Only the person deciding the budget agrees its support.")
    if getattr(actor, "role", "") != Role.PANEL_MEMBER:
        require_casework(actor, person_id, doing="agree support with a budget")
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "solutions_agree_with_budget runs inside the decision's transaction."
        )
    ids = {pk for pk in solution_ids if pk is not None}
    if not ids:
        return []
    moved = []
    candidates = (
        Solution.objects.select_for_update()
        .filter(
            pk__in=ids,
            person_id=person_id,
            status=SolutionStatus.IDEA,
            outcome__status=OutcomeStatus.OPEN,
        )
        .order_by("created_at", "id")
    )
    for solution in candidates:
        audited_update(
            solution,
            auditor=Auditor(actor),
            expected_version=solution.version,
            stored=solution,
            changes={"status": SolutionStatus.AGREED},
            fields=["status"],
            person_id=person_id,
            extra={"reason": f"Budget {reference} agreed"},
        )
        SolutionStatusChange.objects.create(
            solution=solution,
            person_id=person_id,
            from_status=SolutionStatus.IDEA,
            to_status=SolutionStatus.AGREED,
            note=f"Agreed with the budget {reference}.",
            changed_by=actor,
        )
        moved.append(solution)
    return moved


def solution_move(
    *,
    actor: User,
    solution: Solution,
    to_outcome: Outcome,
    expected_version: int | None = None,
) -> Solution:
    """Move a current solution (an idea, agreed or in place) to another open outcome of
    the same person, keeping its step, status and cost (#16, REV-2): after a rewrite, the
    support carries on under the new wording; support left under a closed outcome can be
    linked to the outcome it now serves. Audited. The outcome it leaves is history when it
    is no longer open, so only the outcome it joins has its step state brought up to date
    (and the one it leaves, if still open). `expected_version`: the version the worker saw
    (None when the move is part of a rewrite, inside its transaction)."""
    _check_casework(actor, solution.person_id)
    check_persons_outcome(to_outcome, solution.person_id)
    with transaction.atomic():
        stored = locked(solution, expected_version=expected_version)
        if stored.status not in CURRENT_STATUSES:
            raise ValidationError(
                "Only support that is an idea, agreed or in place can be moved: support that "
                "has ended stays with the outcome it was for."
            )
        if stored.outcome_id == to_outcome.pk:
            raise ValidationError({"outcome": "It is already for this outcome."})
        lock_open_outcome(to_outcome)
        old_outcome = Outcome.objects.get(pk=stored.outcome_id)
        move_to_outcome(
            solution,
            auditor=Auditor(actor),
            stored=stored,
            to_outcome=to_outcome,
            extra={"moved_from_outcome": str(old_outcome.pk)},
        )
        step = SupportStep(solution.step)
        _after_solutions_changed(
            actor=actor, person=solution.person, outcome=to_outcome, step=step, added_current=True
        )
        if old_outcome.status == OutcomeStatus.OPEN:
            _after_solutions_changed(
                actor=actor, person=solution.person, outcome=old_outcome, step=step
            )
    return solution


def _only_ends(stored: Solution, after: Mapping[str, Any]) -> bool:
    """Whether the one change (to the values `after`) is that support which was part of
    the plan has ended."""
    differs = {name for name in SOLUTION_FIELDS if after[name] != getattr(stored, name)}
    return (
        differs == {"status"}
        and stored.status in CURRENT_STATUSES
        and after["status"] in ENDED_STATUSES
    )


def solution_remove(
    *, actor: User, solution: Solution, expected_version: int | None = None
) -> None:
    """Remove a solution recorded by mistake (the change history keeps what it said).
    To record that it was tried or turned down, change its status instead. A solution that
    other records use (for example a budget line or an SDS option 4 part) is not removed.
    `expected_version`: the version the caller read; a solution changed since is not
    removed (StaleEditError), so nobody removes what they have not seen."""
    _check_casework(actor, solution.person_id)
    try:
        with transaction.atomic():
            if expected_version is not None:
                stored = Solution.objects.select_for_update().get(pk=solution.pk)
                if stored.version != expected_version:
                    raise StaleEditError(stored)
            _check_open(solution.outcome_id)
            person, outcome = solution.person, solution.outcome
            step = SupportStep(solution.step)
            Auditor(actor).deleted(solution, person_id=solution.person_id)
            solution.status_changes.all().delete()
            solution.delete()
            _after_solutions_changed(actor=actor, person=person, outcome=outcome, step=step)
    except ProtectedError:
        raise ValidationError(
            "This solution is used elsewhere in the record (for example in the budget or the "
            "SDS choice), so it cannot be removed. Change its status instead."
        ) from None


# --- The practitioner checklist (SS-5) ---------------------------------------------------


def checklist_save(
    *,
    actor: User,
    person: Person,
    outcome: Outcome,
    answers: Mapping[str, tuple[str, str]],
    expected_versions: Mapping[str, int],
) -> list[SupportChecklistAnswer]:
    """Save the practitioner's answers (question → (answer, note)). What the record
    suggests now is stored beside each answer; the practitioner's answer always wins.
    `expected_versions` gives, per question, the version the editor saw (0 for none); if
    anyone saved an answer to any of these questions since, nothing changes
    (StaleEditError). The one questionnaire save: core.questionnaires.questionnaire_save."""
    _check_casework(actor, person)
    _check_outcome(person, outcome)
    suggestions = checklist.suggest(
        outcome,
        planning=SupportPlanning.objects.filter(outcome=outcome).first(),
        explorations=StepExploration.objects.filter(outcome=outcome),
        solutions=Solution.objects.filter(outcome=outcome),
    )
    with transaction.atomic():
        _check_open(outcome.pk)
        return questionnaire_save(
            auditor=Auditor(actor),
            model=SupportChecklistAnswer,
            parent=outcome,
            person_id=person.pk,
            answered_by=actor,
            answers=answers,
            expected_versions=expected_versions,
            suggestions=suggestions,
            new_row_fields={"person": person},
        )
