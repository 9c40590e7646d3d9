"""The pieces every service shares (#17): the casework guard (people/guards.py), the
Auditor's refusal of a write no one answers for (audit/services.py), audited_update
(core/services.py), a service's whole write of one record (audit.services.create_audited,
update_audited) and the one questionnaire save (core/questionnaires.py)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.transaction import TransactionManagementError

from goldenthread.accounts.factories import (
    AdministratorFactory,
    CommissionerFactory,
    PanelMemberFactory,
    PractitionerFactory,
    TeamLeaderFactory,
)
from goldenthread.audit.models import AccessLog, ChangeRecord
from goldenthread.audit.services import (
    AnonymousAuditError,
    Auditor,
    access_record,
    change_record,
    create_audited,
    update_audited,
)
from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.conversations.models import ReflectionAnswer
from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.questionnaires import Suggestion, questionnaire_save
from goldenthread.core.services import (
    SystemActor,
    audited_create,
    audited_update,
    audited_upsert,
    locked,
    require_signed_in,
)
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.access import NoRelationship
from goldenthread.people.factories import AllocationFactory, CircleMemberFactory
from goldenthread.people.guards import NEW_PERSON, may_record_for, require_casework
from goldenthread.people.models import CircleMember
from goldenthread.support.models import SupportChecklistAnswer

pytestmark = pytest.mark.django_db

IMPORT_JOB = SystemActor("Golden Thread (a test import)")


# --- require_casework --------------------------------------------------------------------


def test_the_allocated_practitioner_and_the_team_leader_may_record(
    person, practitioner, team_leader
):
    require_casework(practitioner, person)
    require_casework(team_leader, person.pk)  # a Person or its id
    require_casework(practitioner, NEW_PERSON)
    assert may_record_for(practitioner, person)


@pytest.mark.parametrize(
    "actor", [None, AnonymousUser(), IMPORT_JOB], ids=["none", "anonymous", "system"]
)
def test_no_one_signed_in_is_refused(person, actor):
    with pytest.raises(PermissionDenied, match="Only practitioners and team leaders"):
        require_casework(actor, person, doing="plan support")
    with pytest.raises(PermissionDenied):
        require_casework(actor, NEW_PERSON)
    assert not may_record_for(actor, person)


def test_an_inactive_worker_is_refused(person, practitioner):
    practitioner.is_active = False  # left: the allocation is still there
    with pytest.raises(PermissionDenied):
        require_casework(practitioner, person)
    assert not may_record_for(practitioner, person)


@pytest.mark.parametrize("factory", [CommissionerFactory, AdministratorFactory, PanelMemberFactory])
def test_roles_without_casework_are_refused(person, factory):
    actor = factory(username="someone")
    actor.is_superuser = True  # being a superuser opens nothing either
    with pytest.raises(
        PermissionDenied, match="Only practitioners and team leaders record reviews"
    ):
        require_casework(actor, person, doing="record reviews")
    with pytest.raises(PermissionDenied):
        require_casework(actor, NEW_PERSON)


def test_a_worker_who_may_not_see_the_person_is_refused_and_it_is_logged(
    person, other_practitioner, other_team
):
    strangers = [
        other_practitioner,  # same team, not allocated
        TeamLeaderFactory(username="lena", team=other_team),
    ]
    for stranger in strangers:
        with pytest.raises(NoRelationship):
            require_casework(stranger, person, doing="record outcomes")
        refusal = AccessLog.objects.get(person_id=person.pk, actor=stranger)
        assert refusal.action == "denied" and refusal.what == "services: record outcomes"
        assert not may_record_for(stranger, person)


def test_casework_access_not_yet_approved_sees_no_one(person, team):
    newcomer = PractitionerFactory(username="nia", team=team, casework_access=False)
    AllocationFactory(person=person, worker=newcomer)
    with pytest.raises(NoRelationship):
        require_casework(newcomer, person)


def test_require_signed_in_refuses_the_same_four(practitioner):
    require_signed_in(practitioner)
    practitioner.is_active = False
    for actor in (None, AnonymousUser(), IMPORT_JOB, practitioner):
        with pytest.raises(PermissionDenied):
            require_signed_in(actor)


# --- The Auditor -------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_the_auditor_refuses_a_write_no_one_answers_for(person, actor):
    with pytest.raises(AnonymousAuditError):
        Auditor(actor)
    with pytest.raises(PermissionDenied):  # AnonymousAuditError is a refusal
        change_record(actor=actor, instance=person, action="update", before={}, person_id=person.pk)
    with pytest.raises(AnonymousAuditError):
        access_record(actor=actor, person_id=person.pk, action="view", what="x", reason="x")
    assert not ChangeRecord.objects.exists() and not AccessLog.objects.exists()


def test_a_named_system_job_is_recorded_by_its_name(person):
    row = Auditor(IMPORT_JOB).created(person, person_id=person.pk)
    assert row.actor is None and row.actor_name == "Golden Thread (a test import)"


# --- audited_update ----------------------------------------------------------------------


@pytest.fixture
def member(person):
    return CircleMemberFactory(person=person, name="Ann", relationship="Daughter")


def test_audited_update_writes_the_change_and_its_history_together(member, practitioner):
    seen = member.version
    with transaction.atomic():
        audited_update(
            member,
            auditor=Auditor(practitioner),
            expected_version=seen,
            changes={"name": "Ann Macdonald"},
            person_id=member.person_id,
        )
    stored = CircleMember.objects.get(pk=member.pk)
    assert stored.name == "Ann Macdonald" and stored.version == seen + 1
    record = ChangeRecord.objects.get(object_id=str(member.pk))
    assert record.action == "update" and record.actor == practitioner
    assert record.before["name"] == "Ann" and record.after["name"] == "Ann Macdonald"
    assert record.before["version"] == seen and record.after["version"] == seen + 1
    assert record.person_id == member.person_id


def test_a_stale_copy_is_refused_with_the_stored_copy_and_nothing_written(
    member, practitioner, team_leader
):
    seen = member.version
    with transaction.atomic():  # someone else saves first
        other = CircleMember.objects.get(pk=member.pk)
        audited_update(
            other,
            auditor=Auditor(team_leader),
            expected_version=seen,
            changes={"notes": "Visits on Sundays"},
            person_id=member.person_id,
        )
    with pytest.raises(StaleEditError) as refused, transaction.atomic():
        audited_update(
            member,
            auditor=Auditor(practitioner),
            expected_version=seen,
            changes={"name": "Typed by Pat"},
            person_id=member.person_id,
        )
    current = refused.value.current
    assert current.notes == "Visits on Sundays" and current.version == seen + 1
    stored = CircleMember.objects.get(pk=member.pk)
    assert stored.name == "Ann" and stored.notes == "Visits on Sundays"
    assert ChangeRecord.objects.filter(object_id=str(member.pk)).count() == 1  # theirs only


def test_a_rollback_after_it_leaves_neither_the_change_nor_the_history(member, practitioner):
    class Later(Exception):
        pass

    with pytest.raises(Later), transaction.atomic():
        audited_update(
            member,
            auditor=Auditor(practitioner),
            expected_version=member.version,
            changes={"name": "Never kept"},
            person_id=member.person_id,
        )
        assert ChangeRecord.objects.filter(object_id=str(member.pk)).exists()  # in the same
        raise Later  # transaction: the service fails after the write
    assert CircleMember.objects.get(pk=member.pk).name == "Ann"
    assert not ChangeRecord.objects.filter(object_id=str(member.pk)).exists()


def test_invalid_changes_are_refused_before_anything_is_written(member, practitioner):
    with pytest.raises(ValidationError), transaction.atomic():
        audited_update(
            member,
            auditor=Auditor(practitioner),
            expected_version=member.version,
            changes={"name": ""},
            person_id=member.person_id,
        )
    assert CircleMember.objects.get(pk=member.pk).version == member.version
    assert not ChangeRecord.objects.exists()


def test_audited_update_refuses_an_anonymous_auditor_before_locking(member):
    with pytest.raises(AnonymousAuditError), transaction.atomic():
        audited_update(
            member,
            auditor=Auditor(None),
            expected_version=member.version,
            changes={"name": "Nobody"},
            person_id=member.person_id,
        )


def test_locked_gives_the_stored_copy_or_refuses_a_stale_one(member, practitioner):
    seen = member.version
    with transaction.atomic():
        CircleMember.objects.filter(pk=member.pk).update(version=seen + 1, notes="Theirs")
        assert locked(member).notes == "Theirs"  # no version asked about: the stored copy
        with pytest.raises(StaleEditError) as refused:
            locked(member, expected_version=seen)
    assert refused.value.current.notes == "Theirs"


# --- audited_create ----------------------------------------------------------------------


def test_audited_create_adds_the_record_and_its_history_together(person, practitioner):
    with transaction.atomic():
        added = audited_create(
            CircleMember(person=person, name="Ann", relationship="Daughter"),
            auditor=Auditor(practitioner),
            person_id=person.pk,
        )
    assert CircleMember.objects.get(pk=added.pk).name == "Ann"
    record = ChangeRecord.objects.get(object_id=str(added.pk))
    assert record.action == "create" and record.actor == practitioner
    assert record.after["name"] == "Ann" and record.person_id == person.pk


def test_audited_create_adds_nothing_that_does_not_validate(person, practitioner):
    with pytest.raises(ValidationError), transaction.atomic():
        audited_create(
            CircleMember(person=person, name="", relationship="Daughter"),
            auditor=Auditor(practitioner),
            person_id=person.pk,
        )
    assert not CircleMember.objects.filter(person=person, relationship="Daughter").exists()
    assert not ChangeRecord.objects.filter(person_id=person.pk, action="create").exists()


@pytest.mark.django_db(transaction=True)
def test_audited_create_runs_only_inside_the_services_transaction(person, practitioner):
    with pytest.raises(TransactionManagementError):
        audited_create(
            CircleMember(person=person, name="Ann", relationship="Daughter"),
            auditor=Auditor(practitioner),
            person_id=person.pk,
        )
    assert not CircleMember.objects.filter(person=person).exists()


def test_audited_upsert_adds_the_row_once_then_changes_the_stored_copy(person, practitioner):
    """Nothing stored: a new row with what it belongs to (`new`). Stored: that row changed,
    refused unless at the version the editor saw, validated as `update_clean` says."""

    def upsert(name: str, **options):
        with transaction.atomic():
            stored = (
                CircleMember.objects.select_for_update()
                .filter(person=person, relationship="Neighbour")
                .first()
            )
            return audited_upsert(
                CircleMember,
                stored,
                auditor=Auditor(practitioner),
                person_id=person.pk,
                new={"person": person, "relationship": "Neighbour"},
                changes={"name": name},
                **options,
            )

    added = upsert("Ann")
    assert (added.relationship, added.version) == ("Neighbour", 1)
    assert upsert("Ann Macdonald", expected_version=1).pk == added.pk
    with pytest.raises(StaleEditError):
        upsert("Annie", expected_version=1)
    with pytest.raises(ValidationError):
        upsert("")  # validated as a new row would be: a name is needed
    upsert("", update_clean=False)
    stored = CircleMember.objects.get(pk=added.pk)
    assert (stored.name, stored.version) == ("", 3)
    history = ChangeRecord.objects.filter(object_id=str(added.pk))
    assert sorted((r.after["version"], r.action, r.after["name"]) for r in history) == [
        (1, "create", "Ann"),
        (2, "update", "Ann Macdonald"),
        (3, "update", ""),
    ]


# --- The questionnaire save ----------------------------------------------------------------


@pytest.fixture
def conversation(person):
    return ConversationFactory(person=person)


def _save_reflection(actor, conversation, answers, versions):
    with transaction.atomic():
        return questionnaire_save(
            auditor=Auditor(actor),
            model=ReflectionAnswer,
            parent=conversation,
            person_id=conversation.person_id,
            answered_by=actor,
            answers=answers,
            expected_versions=versions,
        )


def test_a_stale_answer_refuses_the_whole_save_and_carries_the_other_answer(
    conversation, practitioner, team_leader
):
    _save_reflection(team_leader, conversation, {"working": ("yes", "Lee's note")}, {})
    with pytest.raises(StaleEditError) as refused:
        _save_reflection(
            practitioner,
            conversation,
            {"involved": ("partly", "Pat"), "working": ("no", "Pat")},
            {},
        )
    assert refused.value.current.note == "Lee's note"
    assert refused.value.current.answered_by == team_leader
    # Nothing of Pat's was written, not even the answer no one else had touched.
    assert list(ReflectionAnswer.objects.values_list("question", "answer")) == [("working", "yes")]


def test_nothing_said_is_not_kept_and_an_unchanged_answer_is_not_written(
    conversation, practitioner
):
    saved = _save_reflection(
        practitioner, conversation, {"involved": ("", "  "), "working": ("yes", " A note ")}, {}
    )
    assert [(row.question, row.note) for row in saved] == [("working", "A note")]
    row = saved[0]
    again = _save_reflection(
        practitioner, conversation, {"working": ("yes", "A note")}, {"working": row.version}
    )
    assert again[0].version == row.version
    assert ChangeRecord.objects.filter(object_id=str(row.pk)).count() == 1


def test_an_answer_that_is_not_offered_is_refused_by_name(conversation, practitioner):
    with pytest.raises(ValidationError) as refused:
        _save_reflection(practitioner, conversation, {"working": ("maybe", "")}, {})
    assert refused.value.message_dict == {"working": ["Choose yes, partly or not yet."]}
    with pytest.raises(ValueError, match="Unknown questions"):
        _save_reflection(practitioner, conversation, {"not_a_question": ("yes", "")}, {})


def test_the_suggestion_is_kept_beside_the_answer_which_wins(person, practitioner):
    outcome = OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=ConversationFactory(person=person))
    )
    with transaction.atomic():
        (row,) = questionnaire_save(
            auditor=Auditor(practitioner),
            model=SupportChecklistAnswer,
            parent=outcome,
            person_id=person.pk,
            answered_by=practitioner,
            answers={"technology": ("yes", "A video doorbell")},
            expected_versions={},
            suggestions={"technology": Suggestion("not_yet", "Step 2 has not been explored.")},
            new_row_fields={"person": person},
        )
    stored = SupportChecklistAnswer.objects.get(pk=row.pk)
    assert (stored.answer, stored.suggested) == ("yes", "not_yet")
    assert stored.suggestion_reason == "Step 2 has not been explored."
    record = ChangeRecord.objects.get(object_id=str(row.pk))
    assert record.action == "create" and record.after["suggested"] == "not_yet"


def test_a_questionnaire_without_suggestions_refuses_them(conversation, practitioner):
    with pytest.raises(TypeError), transaction.atomic():
        questionnaire_save(
            auditor=Auditor(practitioner),
            model=ReflectionAnswer,
            parent=conversation,
            person_id=conversation.person_id,
            answered_by=practitioner,
            answers={},
            expected_versions={},
            suggestions={},
        )


def test_unknown_person_ids_are_refused_like_unseen_ones(practitioner):
    with pytest.raises(NoRelationship):
        require_casework(practitioner, uuid.uuid4())


@pytest.mark.django_db(transaction=True)
def test_audited_update_runs_only_inside_the_services_transaction(member, practitioner):
    with pytest.raises(TransactionManagementError):
        audited_update(
            member,
            auditor=Auditor(practitioner),
            expected_version=member.version,
            stored=member,
            changes={"name": "Outside"},
            person_id=member.person_id,
        )
    assert CircleMember.objects.get(pk=member.pk).name == "Ann"


# --- create_audited and update_audited: a service's whole write of one record -------------


@pytest.mark.django_db(transaction=True)
def test_create_audited_adds_the_record_and_its_history_in_a_transaction_of_its_own(
    person, practitioner
):
    """SEC-4: the record and its "created" row together, with no transaction of the
    caller's (audited_create alone refuses to run there)."""
    added = create_audited(
        practitioner,
        CircleMember(person=person, name="Ann", relationship="Daughter"),
        person_id=person.pk,
    )
    assert CircleMember.objects.get(pk=added.pk).name == "Ann"
    record = ChangeRecord.objects.get(object_id=str(added.pk))
    assert record.action == "create" and record.actor == practitioner
    assert record.person_id == person.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_create_audited_adds_nothing_for_no_one_or_when_invalid(person, practitioner, actor):
    """SEC-4: no one to answer for it, or a record that does not validate: nothing kept."""
    with pytest.raises(AnonymousAuditError):
        create_audited(
            actor,
            CircleMember(person=person, name="Ann", relationship="Cousin"),
            person_id=person.pk,
        )
    with pytest.raises(ValidationError):
        create_audited(
            practitioner,
            CircleMember(person=person, name="", relationship="Cousin"),
            person_id=person.pk,
        )
    assert not CircleMember.objects.filter(person=person, relationship="Cousin").exists()
    assert not ChangeRecord.objects.filter(person_id=person.pk, action="create").exists()


@pytest.mark.django_db(transaction=True)
def test_update_audited_changes_once_then_refuses_the_stale_copy(member, practitioner):
    """SEC-4, SEC-5: the change and its before/after together, with no transaction of the
    caller's; a second save from the copy read before it is refused and writes nothing."""
    seen = member.version
    stale = CircleMember.objects.get(pk=member.pk)
    update_audited(
        practitioner,
        member,
        expected_version=seen,
        person_id=member.person_id,
        changes={"notes": "Visits on Sundays"},
    )
    with pytest.raises(StaleEditError) as refused:
        update_audited(
            practitioner,
            stale,
            expected_version=seen,
            person_id=member.person_id,
            changes={"name": "Typed over"},
        )
    assert refused.value.current.notes == "Visits on Sundays"
    stored = CircleMember.objects.get(pk=member.pk)
    assert stored.name == "Ann" and stored.notes == "Visits on Sundays"
    assert stored.version == seen + 1
    record = ChangeRecord.objects.get(object_id=str(member.pk))
    assert record.before["notes"] == "" and record.after["notes"] == "Visits on Sundays"


@pytest.mark.django_db(transaction=True)
def test_update_audited_writes_nothing_for_no_one(member):
    """SEC-4: a change no one answers for is refused before anything is written."""
    with pytest.raises(AnonymousAuditError):
        update_audited(
            None,
            member,
            expected_version=member.version,
            person_id=member.person_id,
            changes={"name": "Nobody"},
        )
    assert CircleMember.objects.get(pk=member.pk).name == "Ann"
    assert not ChangeRecord.objects.filter(object_id=str(member.pk)).exists()
