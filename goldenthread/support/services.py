"""Every write to the Support Sequence (one path for pages, API and commands).

Each function takes keyword-only arguments and a required `actor`, runs in one
transaction, checks that the outcome belongs to the person named, refuses a save made from
a stale copy (StaleEditError, SEC-5), and reports to the Auditor before it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from goldenthread.accounts.models import Role, User
from goldenthread.audit.models import ChangeAction
from goldenthread.audit.services import change_record, snapshot
from goldenthread.core.concurrency import StaleEditError, save_versioned
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.outcomes.services import check_outcome_open
from goldenthread.people.models import Person

from . import checklist
from .models import (
    CURRENT_STATUSES,
    ChecklistAnswerChoice,
    ChecklistQuestion,
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


def _check_casework(actor: User | None) -> None:
    if actor is None or actor.role not in (Role.PRACTITIONER, Role.TEAM_LEADER):
        raise PermissionDenied("Only practitioners and team leaders plan support.")


def _check_outcome(person: Person, outcome: Outcome) -> None:
    if outcome.person_id != person.pk:
        raise ValidationError("This outcome belongs to someone else.")


def _check_open(outcome_id: Any) -> None:
    """An achieved, closed or rewritten outcome's Support Sequence is history: refused
    with a clear message (the outcome row is locked, so it cannot close meanwhile)."""
    check_outcome_open(outcome_id=outcome_id, what="its Support Sequence cannot change")


def _valid_step(step: str) -> SupportStep:
    try:
        return SupportStep(step)
    except ValueError:
        raise ValidationError({"step": "Choose one of the seven steps."}) from None


def _audit(actor, instance, action, before, person_id) -> None:
    change_record(actor=actor, instance=instance, action=action, before=before,
                  person_id=person_id)


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
    _check_casework(actor)
    _check_outcome(person, outcome)
    if plan_type_override not in ("", *PlanType.values):
        raise ValidationError({"plan_type_override": "Choose young person, adult, or by age."})
    with transaction.atomic():
        _check_open(outcome.pk)
        planning = SupportPlanning.objects.select_for_update().filter(outcome=outcome).first()
        current_version = planning.version if planning else 0
        if current_version != expected_version:
            raise StaleEditError(planning if planning else SupportPlanning(outcome=outcome))
        values = {"tried_already": tried_already.strip(), "own_ideas": own_ideas.strip(),
                  "plan_type_override": plan_type_override}
        if planning is None:
            planning = SupportPlanning(person=person, outcome=outcome, **values)
            planning.full_clean()
            planning.save(force_insert=True)
            _audit(actor, planning, ChangeAction.CREATE, None, person.pk)
            return planning
        before = snapshot(planning)
        for name, value in values.items():
            setattr(planning, name, value)
        planning.full_clean()
        save_versioned(planning, expected_version=expected_version, fields=values)
        _audit(actor, planning, ChangeAction.UPDATE, before, person.pk)
    return planning


# --- Step exploration (SS-3) -----------------------------------------------------------


def _set_exploration(
    *, actor, person: Person, outcome: Outcome, step: SupportStep, state: str, note: str = "",
    exploration: StepExploration | None = None,
) -> StepExploration:
    """Write the state of one step (inside the caller's transaction), audited."""
    if exploration is None:
        exploration = StepExploration(
            person=person, outcome=outcome, step=step, state=state, note=note, changed_by=actor,
        )
        exploration.full_clean()
        exploration.save(force_insert=True)
        _audit(actor, exploration, ChangeAction.CREATE, None, person.pk)
        return exploration
    before = snapshot(exploration)
    exploration.state = state
    exploration.note = note
    exploration.changed_by = actor
    exploration.full_clean()
    save_versioned(exploration, expected_version=exploration.version,
                   fields=["state", "note", "changed_by"])
    _audit(actor, exploration, ChangeAction.UPDATE, before, person.pk)
    return exploration


def _locked_exploration(outcome: Outcome, step: str) -> StepExploration | None:
    return StepExploration.objects.select_for_update().filter(outcome=outcome, step=step).first()


def _after_solutions_changed(*, actor, person: Person, outcome: Outcome, step: SupportStep,
                             added_current: bool = False) -> None:
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
    _set_exploration(actor=actor, person=person, outcome=outcome, step=step, state=wanted,
                     exploration=exploration)


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
    _check_casework(actor)
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
            actor=actor, person=person, outcome=outcome, step=step,
            state=ExplorationState.NOTHING_SUITABLE, note=note.strip(), exploration=exploration,
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
    _check_casework(actor)
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
            actor=actor, person=person, outcome=outcome, step=step,
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
    _check_casework(actor)
    _check_outcome(person, outcome)
    step = _valid_step(step)
    solution = Solution(
        person=person, outcome=outcome, step=step, what=(what or "").strip(),
        who=(who or "").strip(), cost=cost, cost_period=cost_period or "", status=status,
        notes=(notes or "").strip(),
    )
    if community_resource is not None:
        solution.community_resource = community_resource
    solution.full_clean()
    with transaction.atomic():
        _check_open(outcome.pk)
        solution.save(force_insert=True)
        _audit(actor, solution, ChangeAction.CREATE, None, person.pk)
        SolutionStatusChange.objects.create(
            solution=solution, person=person, from_status="", to_status=status,
            changed_by=actor,
        )
        _after_solutions_changed(actor=actor, person=person, outcome=outcome, step=step,
                                 added_current=status in CURRENT_STATUSES)
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
    or 6, with its name and provider filled in and the resource linked (SS-3, SS-4)."""
    from .directory_seam import resource_for_solution

    _check_casework(actor)

    try:
        resource, what, who = resource_for_solution(resource_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise ValidationError(
            {"community_resource": "That community resource is not in the directory. "
             "Search again and choose from the results."}
        ) from None
    return solution_add(
        actor=actor, person=person, outcome=outcome, step=step, what=what, who=who,
        status=SolutionStatus.IDEA, community_resource=resource,
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
    _check_casework(actor)
    unknown = set(changes) - set(SOLUTION_FIELDS)
    if unknown:
        raise TypeError(f"solution_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        outcome_open = (Outcome.objects.select_for_update().filter(pk=solution.outcome_id)
                        .values_list("status", flat=True).get() == OutcomeStatus.OPEN)
        stored = Solution.objects.select_for_update().get(pk=solution.pk)
        if stored.version != expected_version:
            raise StaleEditError(stored)
        before = snapshot(stored)
        old_status = stored.status
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(solution, name, value)
        if not outcome_open and not _only_ends(stored, solution):
            _check_open(solution.outcome_id)
        solution.full_clean()
        save_versioned(solution, expected_version=expected_version, fields=SOLUTION_FIELDS)
        _audit(actor, solution, ChangeAction.UPDATE, before, solution.person_id)
        if solution.status != old_status:
            SolutionStatusChange.objects.create(
                solution=solution, person_id=solution.person_id, from_status=old_status,
                to_status=solution.status, note=(status_note or "").strip(),
                changed_by=actor,
            )
            _after_solutions_changed(
                actor=actor, person=solution.person, outcome=solution.outcome,
                step=SupportStep(solution.step),
                added_current=solution.status in CURRENT_STATUSES,
            )
    return solution


def _only_ends(stored: Solution, changed: Solution) -> bool:
    """Whether the one change is that support which was part of the plan has ended."""
    differs = {name for name in SOLUTION_FIELDS
               if getattr(changed, name) != getattr(stored, name)}
    return (differs == {"status"} and stored.status in CURRENT_STATUSES
            and changed.status in ENDED_STATUSES)


def solution_remove(*, actor: User, solution: Solution) -> None:
    """Remove a solution recorded by mistake (the change history keeps what it said).
    To record that it was tried or turned down, change its status instead. A solution that
    other records use (for example a budget line or an SDS option 4 part) is not removed."""
    _check_casework(actor)
    try:
        with transaction.atomic():
            _check_open(solution.outcome_id)
            before = snapshot(solution)
            person, outcome = solution.person, solution.outcome
            step = SupportStep(solution.step)
            _audit(actor, solution, ChangeAction.DELETE, before, solution.person_id)
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
    `expected_versions` gives, per question, the version the editor saw (0 for none)."""
    _check_casework(actor)
    _check_outcome(person, outcome)
    for question, (answer, _note) in answers.items():
        if question not in ChecklistQuestion.values:
            raise ValidationError(f"Unknown question {question!r}.")
        if answer not in ("", *ChecklistAnswerChoice.values):
            raise ValidationError({question: "Choose yes, partly or not yet."})
    suggestions = checklist.suggest(
        outcome,
        planning=SupportPlanning.objects.filter(outcome=outcome).first(),
        explorations=StepExploration.objects.filter(outcome=outcome),
        solutions=Solution.objects.filter(outcome=outcome),
    )
    saved = []
    with transaction.atomic():
        _check_open(outcome.pk)
        stored = {
            row.question: row
            for row in SupportChecklistAnswer.objects.select_for_update().filter(outcome=outcome)
        }
        for question in answers:
            row = stored.get(question)
            if (row.version if row else 0) != expected_versions.get(question, 0):
                raise StaleEditError(row or SupportChecklistAnswer(outcome=outcome))
        for question, (answer, note) in answers.items():
            suggestion = suggestions[question]
            values = {"answer": answer, "note": (note or "").strip(),
                      "suggested": suggestion.answer, "suggestion_reason": suggestion.reason,
                      "answered_by": actor}
            row = stored.get(question)
            if row is None:
                if not values["answer"] and not values["note"]:
                    continue  # nothing said: nothing to keep
                row = SupportChecklistAnswer(person=person, outcome=outcome, question=question,
                                             **values)
                row.full_clean()
                row.save(force_insert=True)
                _audit(actor, row, ChangeAction.CREATE, None, person.pk)
            else:
                if row.answer == values["answer"] and row.note == values["note"]:
                    saved.append(row)
                    continue
                before = snapshot(row)
                for name, value in values.items():
                    setattr(row, name, value)
                save_versioned(row, expected_version=row.version, fields=[
                    "answer", "note", "suggested", "suggestion_reason", "answered_by"])
                _audit(actor, row, ChangeAction.UPDATE, before, person.pk)
            saved.append(row)
    return saved
