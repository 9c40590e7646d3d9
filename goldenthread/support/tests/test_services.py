"""Every Support Sequence write: audited, version-checked, and kept to one person's record
(SS-2, SS-3, SEC-4, SEC-5)."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from goldenthread.audit.models import ChangeAction, ChangeRecord
from goldenthread.core.concurrency import StaleEditError
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.support import services
from goldenthread.support.models import (
    ExplorationState,
    Solution,
    SolutionStatus,
    StepExploration,
    SupportStep,
)

from .conftest import make_outcome


def changes_for(instance):
    return list(ChangeRecord.objects.filter(object_id=str(instance.pk)).order_by("at"))


def test_solution_add_is_audited_and_marks_the_step_explored(person, outcome, practitioner):
    solution = services.solution_add(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="family_friends",
        what="  Lift to the club on Thursdays ",
        who="Ann (daughter)",
    )
    assert solution.what == "Lift to the club on Thursdays"
    [change] = changes_for(solution)
    assert change.action == ChangeAction.CREATE and change.actor == practitioner
    assert change.person_id == person.pk and change.after["what"] == solution.what
    exploration = StepExploration.objects.get(outcome=outcome, step="family_friends")
    assert exploration.state == ExplorationState.EXPLORED
    assert changes_for(exploration)[0].action == ChangeAction.CREATE
    assert [c.to_status for c in solution.status_changes.all()] == [SolutionStatus.IDEA]


def test_a_solution_cannot_be_attached_to_another_persons_outcome(person, practitioner, team):
    stranger = PersonFactory(team=team)
    AllocationFactory(person=stranger, worker=practitioner)
    their_outcome = make_outcome(stranger)
    with pytest.raises(ValidationError, match="Choose one of this person's outcomes"):
        services.solution_add(
            actor=practitioner,
            person=person,
            outcome=their_outcome,
            step="yourself",
            what="Anything",
        )
    assert not Solution.objects.exists()
    assert not ChangeRecord.objects.filter(object_type="support.solution").exists()


def test_a_solution_cannot_link_a_resource_that_is_not_in_the_directory(
    person, outcome, practitioner
):
    for bad in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(ValidationError) as caught:
            services.solution_add_from_resource(
                actor=practitioner,
                person=person,
                outcome=outcome,
                step="community",
                resource_id=bad,
            )
        assert "not in the directory" in str(caught.value)
    assert not Solution.objects.exists()


def test_a_solution_from_the_directory_is_one_action(
    person, outcome, practitioner, community_resource
):
    solution = services.solution_add_from_resource(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="community",
        resource_id=str(community_resource.pk),
    )
    assert solution.community_resource == community_resource
    assert solution.what == "Northfield Bowls and Blether Club"
    assert solution.who == "Northfield Community Trust"
    assert solution.status == SolutionStatus.IDEA
    assert changes_for(solution)[0].after["community_resource"] == str(community_resource.pk)


def test_stale_edit_is_refused_and_changes_nothing(person, outcome, practitioner):
    solution = services.solution_add(
        actor=practitioner, person=person, outcome=outcome, step="technology", what="Tablet"
    )
    opened = solution.version
    services.solution_update(
        actor=practitioner,
        solution=solution,
        expected_version=opened,
        what="Tablet with video calls",
        who="",
        cost=None,
        cost_period="",
        status=SolutionStatus.AGREED,
        notes="",
    )
    stale_copy = Solution.objects.get(pk=solution.pk)
    stale_copy.version = opened
    with pytest.raises(StaleEditError) as caught:
        services.solution_update(
            actor=practitioner,
            solution=stale_copy,
            expected_version=opened,
            what="Old words",
            who="",
            cost=None,
            cost_period="",
            status=SolutionStatus.IDEA,
            notes="",
        )
    assert caught.value.current.what == "Tablet with video calls"
    solution.refresh_from_db()
    assert solution.what == "Tablet with video calls" and solution.version == opened + 1
    assert len(changes_for(solution)) == 2


def test_status_changes_are_kept_as_history(person, outcome, practitioner):
    solution = services.solution_add(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="support",
        what="Personal assistant",
        cost=None,
    )
    services.solution_update(
        actor=practitioner,
        solution=solution,
        expected_version=solution.version,
        status_note="Jean said yes",
        status=SolutionStatus.AGREED,
    )
    services.solution_update(
        actor=practitioner,
        solution=solution,
        expected_version=solution.version,
        what="Personal assistant (PA)",
    )
    history = list(solution.status_changes.order_by("created_at"))
    assert [(h.from_status, h.to_status) for h in history] == [
        ("", SolutionStatus.IDEA),
        (SolutionStatus.IDEA, SolutionStatus.AGREED),
    ]
    assert history[1].note == "Jean said yes" and history[1].changed_by == practitioner


def test_cost_must_say_how_often_and_is_decimal(person, outcome, practitioner):
    with pytest.raises(ValidationError) as caught:
        services.solution_add(
            actor=practitioner,
            person=person,
            outcome=outcome,
            step="support",
            what="Support worker",
            cost=Decimal("45"),
        )
    assert "how often" in str(caught.value)
    with pytest.raises(ValidationError):
        services.solution_add(
            actor=practitioner,
            person=person,
            outcome=outcome,
            step="support",
            what="Support worker",
            cost=Decimal("-1"),
            cost_period="week",
        )
    solution = services.solution_add(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="support",
        what="Support worker",
        cost=Decimal("45.50"),
        cost_period="week",
    )
    solution.refresh_from_db()
    assert solution.cost == Decimal("45.50") and isinstance(solution.cost, Decimal)


def test_database_refuses_a_cost_without_a_period(person, outcome):
    with pytest.raises(IntegrityError), transaction.atomic():
        Solution.objects.create(
            person=person,
            outcome=outcome,
            step="support",
            what="x",
            cost=Decimal("1.00"),
            cost_period="",
        )


def test_unknown_step_is_refused(person, outcome, practitioner):
    with pytest.raises(ValidationError, match="seven steps"):
        services.solution_add(
            actor=practitioner, person=person, outcome=outcome, step="magic", what="x"
        )


def test_only_casework_roles_write(person, outcome, commissioner):
    with pytest.raises(PermissionDenied):
        services.solution_add(
            actor=commissioner, person=person, outcome=outcome, step="yourself", what="x"
        )


def test_remove_is_audited_and_empties_the_step(person, outcome, practitioner):
    solution = services.solution_add(
        actor=practitioner, person=person, outcome=outcome, step="equipment", what="Grab rail"
    )
    pk = solution.pk
    services.solution_remove(actor=practitioner, solution=solution)
    assert not Solution.objects.filter(pk=pk).exists()
    delete = ChangeRecord.objects.get(object_id=str(pk), action=ChangeAction.DELETE)
    assert delete.before["what"] == "Grab rail" and delete.after is None
    assert StepExploration.objects.get(outcome=outcome, step="equipment").state == (
        ExplorationState.NOT_YET
    )


# --- SS-3: "not considered" and "considered, nothing fits" are different data ---------------


def test_not_considered_and_nothing_suitable_are_different(person, outcome, practitioner):
    assert not StepExploration.objects.filter(outcome=outcome, step="technology").exists()
    exploration = services.step_mark_nothing_suitable(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="technology",
        expected_version=0,
        note="Jean does not want a device at home",
    )
    assert exploration.state == ExplorationState.NOTHING_SUITABLE
    assert exploration.note == "Jean does not want a device at home"
    assert changes_for(exploration)[0].after["state"] == "nothing_suitable"
    # Undo goes back to "not yet considered", and both changes are in the history.
    services.step_reopen(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="technology",
        expected_version=exploration.version,
    )
    exploration.refresh_from_db()
    assert exploration.state == ExplorationState.NOT_YET and exploration.note == ""
    assert [c.after["state"] for c in changes_for(exploration)] == ["nothing_suitable", "not_yet"]


def test_nothing_suitable_is_refused_while_current_solutions_exist(person, outcome, practitioner):
    solution = services.solution_add(
        actor=practitioner, person=person, outcome=outcome, step="community", what="Lunch club"
    )
    exploration = StepExploration.objects.get(outcome=outcome, step="community")
    with pytest.raises(ValidationError, match="Change their status or remove them"):
        services.step_mark_nothing_suitable(
            actor=practitioner,
            person=person,
            outcome=outcome,
            step="community",
            expected_version=exploration.version,
        )
    # Declined: now "nothing suitable" may be recorded, and the declined idea stays.
    services.solution_update(
        actor=practitioner,
        solution=solution,
        expected_version=solution.version,
        status=SolutionStatus.DECLINED,
    )
    exploration.refresh_from_db()
    services.step_mark_nothing_suitable(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="community",
        expected_version=exploration.version,
        note="Too far to travel",
    )
    exploration.refresh_from_db()
    assert exploration.state == ExplorationState.NOTHING_SUITABLE
    # Reopening a step that holds (declined) solutions makes it "explored".
    services.step_reopen(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="community",
        expected_version=exploration.version,
    )
    exploration.refresh_from_db()
    assert exploration.state == ExplorationState.EXPLORED


def test_a_new_current_solution_ends_nothing_suitable(person, outcome, practitioner):
    services.step_mark_nothing_suitable(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="services",
        expected_version=0,
        note="None",
    )
    services.solution_add(
        actor=practitioner,
        person=person,
        outcome=outcome,
        step="services",
        what="Library digital skills class",
    )
    exploration = StepExploration.objects.get(outcome=outcome, step="services")
    assert exploration.state == ExplorationState.EXPLORED and exploration.note == ""


def test_stale_step_change_is_refused(person, outcome, practitioner):
    services.step_mark_nothing_suitable(
        actor=practitioner, person=person, outcome=outcome, step="yourself", expected_version=0
    )
    with pytest.raises(StaleEditError):  # the editor saw no record, but there is one now
        services.step_mark_nothing_suitable(
            actor=practitioner,
            person=person,
            outcome=outcome,
            step="yourself",
            expected_version=0,
            note="Mine",
        )
    with pytest.raises(StaleEditError):
        services.step_reopen(
            actor=practitioner, person=person, outcome=outcome, step="yourself", expected_version=7
        )


def test_database_keeps_one_row_per_outcome_and_step(person, outcome):
    StepExploration.objects.create(person=person, outcome=outcome, step="yourself")
    with pytest.raises(IntegrityError), transaction.atomic():
        StepExploration.objects.create(person=person, outcome=outcome, step="yourself")
    with pytest.raises(IntegrityError), transaction.atomic():
        StepExploration.objects.create(
            person=person,
            outcome=outcome,
            step="technology",
            state="explored",
            note="a note only for nothing fits",
        )


# --- SS-2: before step 1 ---------------------------------------------------------------------


def test_planning_save_creates_then_updates_with_version_check(person, outcome, practitioner):
    planning = services.support_planning_save(
        actor=practitioner,
        person=person,
        outcome=outcome,
        expected_version=0,
        tried_already="The community bus",
        own_ideas="",
    )
    assert planning.version == 1
    with pytest.raises(StaleEditError):
        services.support_planning_save(
            actor=practitioner,
            person=person,
            outcome=outcome,
            expected_version=0,
            tried_already="Other",
        )
    services.support_planning_save(
        actor=practitioner,
        person=person,
        outcome=outcome,
        expected_version=1,
        tried_already="The community bus",
        own_ideas="My neighbour",
        plan_type_override="young_person",
    )
    planning.refresh_from_db()
    assert planning.own_ideas == "My neighbour" and planning.version == 2
    assert [c.action for c in changes_for(planning)] == ["create", "update"]


def test_planning_refuses_another_persons_outcome(person, practitioner, team):
    other = make_outcome(PersonFactory(team=team))
    with pytest.raises(ValidationError):
        services.support_planning_save(
            actor=practitioner, person=person, outcome=other, expected_version=0, tried_already="x"
        )


def test_seven_steps_in_the_workbook_order():
    assert [(s.value, s.label) for s in SupportStep.ordered()] == [
        ("yourself", "Yourself"),
        ("technology", "Technology"),
        ("equipment", "Equipment and adaptations"),
        ("family_friends", "Family, friends and neighbours"),
        ("community", "Community"),
        ("services", "Services or setting"),
        ("support", "Support"),
    ]
    assert SupportStep.SUPPORT.number == 7
