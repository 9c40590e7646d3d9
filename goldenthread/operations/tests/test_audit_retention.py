"""The audit log's own retention (#20, OPS-7, SEC-2): rows past the period are removed with a
checkpoint accounting for them; `audit-verify` still passes, and still finds a kept row
altered or a row removed outside the purge. On SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime
import io
import uuid
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from goldenthread.audit.models import (
    AccessAction,
    AccessLog,
    AccessLogPerson,
    AuditCheckpoint,
    ChangeRecord,
    PurgePermit,
)
from goldenthread.audit.services import Auditor, access_record, change_record
from goldenthread.audit.tests.test_chain import raw, verify_output
from goldenthread.operations import audit_retention
from goldenthread.operations.models import Tombstone
from goldenthread.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2018, 5, 1, 9, 0, tzinfo=datetime.UTC)
LAST_YEAR = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 6, 3, 12, 0, tzinfo=datetime.UTC)


def view(actor, person_id=None, **extra) -> AccessLog:
    return access_record(
        actor=actor,
        person_id=person_id or uuid.uuid4(),
        action=AccessAction.VIEW,
        what="test page",
        reason="allocated worker",
        **extra,
    )


def purge(actor, **options) -> audit_retention.AuditRetentionResult:
    with time_machine.travel(NOW, tick=False):
        return audit_retention.apply(actor=actor, dry_run=False, **options)


@pytest.fixture
def old_and_new(practitioner, rf):
    return write_old_and_new(practitioner, rf)


def write_old_and_new(practitioner, rf):
    """Three access rows and a change row written long ago (one a list view), then two
    access rows and a change row this year."""
    person = PersonFactory()
    with time_machine.travel(LONG_AGO, tick=False):
        view(practitioner)
        access_record(
            actor=practitioner,
            person_id=None,
            action=AccessAction.LIST,
            what="caseload",
            reason="caseload",
            request=rf.get("/people/"),
            people_shown=[uuid.uuid4(), uuid.uuid4()],
        )
        view(practitioner)
        change_record(
            actor=practitioner, instance=person, action="create", before=None, person_id=person.pk
        )
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        view(practitioner)
        view(practitioner)
        change_record(
            actor=practitioner, instance=person, action="update", before={}, person_id=person.pk
        )
    return person


def test_a_dry_run_counts_and_removes_nothing(old_and_new, practitioner):
    with time_machine.travel(NOW, tick=False):
        result = audit_retention.apply(actor=practitioner, dry_run=True)
    assert result.rows == {"audit_accesslog": 3, "audit_changerecord": 1}
    assert AccessLog.objects.count() == 5
    assert not AuditCheckpoint.objects.exists()
    assert "Would remove 4 audit row(s)" in result.as_text()


def test_purge_then_verify_passes_and_the_checkpoint_accounts_for_every_row(
    old_and_new, administrator
):
    kept = list(AccessLog.objects.filter(seq__gt=3).order_by("seq").values_list("seq", "row_hash"))
    removed_hashes = list(
        AccessLog.objects.filter(seq__lte=3).order_by("seq").values_list("row_hash", flat=True)
    )
    before_first = AccessLog.objects.get(seq=1).prev_hash
    changes_before = ChangeRecord.objects.count()

    result = purge(administrator)

    assert result.rows == {"audit_accesslog": 3, "audit_changerecord": 1}
    assert result.index_rows == 2  # the list view's index rows went with it
    assert list(AccessLog.objects.values_list("seq", "row_hash").order_by("seq")) == kept
    assert not AccessLogPerson.objects.exists()
    checkpoint = AuditCheckpoint.objects.get()
    access = checkpoint.removed["audit_accesslog"]
    assert access["count"] == 3
    assert access["runs"] == [
        [1, 3, before_first, removed_hashes[-1], audit_retention.chain.runs_digest(removed_hashes)]
    ]
    assert access["head"] == list(kept[-1])
    assert checkpoint.actor == administrator
    assert checkpoint.older_than == datetime.datetime(2019, 6, 3, 12, 0, tzinfo=datetime.UTC)
    assert "source:" in checkpoint.rule_text
    # The purge itself is in the change history (one row removed, one added).
    assert ChangeRecord.objects.count() == changes_before - 1 + 1
    record = ChangeRecord.objects.get(object_type="audit.AuditCheckpoint")
    assert record.object_id == str(checkpoint.pk)
    assert record.after["removed"]["audit_accesslog"]["count"] == 3

    text = verify_output()
    assert "The audit log is intact." in text
    assert "audit_auditcheckpoint: 1 rows, chain intact" in text


def test_the_chains_go_on_after_a_purge(old_and_new, practitioner):
    purge(practitioner)
    view(practitioner)
    purge(practitioner)  # nothing more is due: no second checkpoint
    assert AuditCheckpoint.objects.count() == 1
    assert AccessLog.objects.order_by("-seq").values_list("seq", flat=True)[0] == 6
    verify_output()


def test_rows_about_a_destroyed_person_go_whatever_their_age(practitioner):
    """Rows about the destroyed person are scattered through the chain: each run is
    accounted for separately, and the record of the destruction itself stays."""
    gone, other = uuid.uuid4(), uuid.uuid4()
    with time_machine.travel(LAST_YEAR, tick=False):
        for who in (gone, other, gone, gone, other, gone, other):
            view(practitioner, gone if who == gone else other)
        tombstone = Tombstone.objects.create(
            rule="person-record",
            rule_text="6 years",
            record_type="people.Person",
            record_id=str(gone),
            counted_from=datetime.date(2018, 1, 1),
            destroyed_at=LAST_YEAR,
            destroyed_by_name="test",
        )
        Auditor(practitioner).created(tombstone, person_id=gone)

    result = purge(practitioner)

    assert result.destroyed_people == 1
    assert result.rows == {"audit_accesslog": 4, "audit_changerecord": 0}
    assert not AccessLog.objects.filter(person_id=gone).exists()
    assert AccessLog.objects.filter(person_id=other).count() == 3
    assert ChangeRecord.objects.filter(object_type="operations.Tombstone").exists()
    runs = AuditCheckpoint.objects.get().removed["audit_accesslog"]["runs"]
    assert [(first, last) for first, last, *_ in runs] == [(1, 1), (3, 4), (6, 6)]
    verify_output()


def test_the_head_of_each_chain_is_never_removed(practitioner):
    with time_machine.travel(LONG_AGO, tick=False):
        view(practitioner)
        view(practitioner)
    purge(practitioner)
    assert list(AccessLog.objects.values_list("seq", flat=True)) == [2]
    verify_output()


def test_tampering_with_a_kept_row_is_still_found(old_and_new, practitioner):
    purge(practitioner)
    raw("UPDATE audit_accesslog SET reason = 'nothing to see' WHERE seq = 4")
    with pytest.raises(CommandError, match=r"audit_accesslog: broken at sequence number 4"):
        verify_output()


@pytest.mark.parametrize("seq", [4, 5])
def test_removing_a_row_outside_the_purge_is_still_found(old_and_new, practitioner, seq):
    """Row 4 joins the purged run 1 to 3; row 5 sits between kept rows."""
    purge(practitioner)
    view(practitioner)  # row 6, so neither is the head
    raw("DELETE FROM audit_accesslog WHERE seq = %s", [seq])
    with pytest.raises(CommandError, match=rf"broken at sequence number {seq}: row {seq} is"):
        verify_output()


def test_a_checkpoint_altered_to_cover_another_removal_is_found(old_and_new, practitioner):
    purge(practitioner)
    view(practitioner)
    checkpoint = AuditCheckpoint.objects.get()
    removed = checkpoint.removed
    row4 = AccessLog.objects.get(seq=4)
    removed["audit_accesslog"]["runs"][0][1] = 4
    removed["audit_accesslog"]["runs"][0][3] = row4.row_hash
    import json

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_auditcheckpoint_no_update")
        cursor.execute(
            "UPDATE audit_auditcheckpoint SET removed = %s WHERE id = %s",
            [
                json.dumps(removed),
                checkpoint.pk.hex if connection.vendor == "sqlite" else checkpoint.pk,
            ],
        )
    raw("DELETE FROM audit_accesslog WHERE seq = 4")
    with pytest.raises(CommandError, match=r"audit_auditcheckpoint: broken at sequence number 1"):
        verify_output()


def test_a_run_claimed_removed_but_still_present_is_found(old_and_new, practitioner):
    """A checkpoint (here forged whole and chained) claiming rows that are still there."""
    view(practitioner)
    fake = AccessLog.objects.get(seq=2)
    AuditCheckpoint.objects.create(
        at=NOW,
        actor_name="someone",
        rule_text="forged",
        older_than=NOW,
        removed={
            "audit_accesslog": {
                "count": 1,
                "head": [6, "x"],
                "runs": [[2, 2, fake.prev_hash, fake.row_hash, "d"]],
            }
        },
    )
    with pytest.raises(CommandError, match=r"says rows 2 to 2 were removed"):
        verify_output()


def test_purge_refuses_a_log_that_does_not_verify(old_and_new, practitioner):
    raw("DELETE FROM audit_accesslog WHERE seq = 4")
    with pytest.raises(audit_retention.AuditRetentionError, match=r"row 4 is missing"):
        purge(practitioner)
    assert AccessLog.objects.count() == 4
    assert not AuditCheckpoint.objects.exists()


def test_the_database_lets_delete_through_only_with_a_permit(old_and_new):
    """Without a permit every audit table refuses DELETE; with one (inside a transaction,
    as the purge writes it) DELETE gets through on the three purgeable tables only, and
    UPDATE is still refused everywhere."""
    statements = {
        "audit_accesslog": "DELETE FROM audit_accesslog WHERE seq = 1",
        "audit_changerecord": "DELETE FROM audit_changerecord WHERE seq = 1",
        "audit_accesslogperson": "DELETE FROM audit_accesslogperson",
    }
    for sql in statements.values():
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert AccessLog.objects.count() == 5
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        PurgePermit.objects.create()
        c.execute("UPDATE audit_accesslog SET reason = 'x' WHERE seq = 2")
    with transaction.atomic():
        PurgePermit.objects.create()
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute(statements["audit_accesslogperson"])
            c.execute("DELETE FROM audit_accesslog WHERE seq = 2")
        transaction.set_rollback(True)
    assert AccessLog.objects.count() == 5


def test_a_permit_left_behind_fails_verification(old_and_new):
    PurgePermit.objects.create()
    with pytest.raises(CommandError, match="purge permit was left behind"):
        verify_output()


def test_the_command_is_for_administrators_and_says_its_source(
    old_and_new, practitioner, administrator, settings
):
    settings.GOLDENTHREAD_AUDIT_RETENTION = {
        "years": 7,
        "destroyed_person_years": 1,
        "source": "Council schedule v3, entry 4.2",
    }
    with pytest.raises(CommandError, match="not an administrator"):
        call_command("audit_purge", "--apply", "--as", practitioner.username)
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("audit_purge", stdout=out)
    assert "Council schedule v3, entry 4.2" in out.getvalue()
    assert "Nothing was removed (a dry run)" in out.getvalue()
    with time_machine.travel(NOW, tick=False):
        call_command("audit_purge", "--apply", stdout=out)
    assert AuditCheckpoint.objects.get().actor_name == "Golden Thread (audit log retention)"


def test_only_the_purge_writes_a_permit():
    """The narrow way through the triggers has one door (docs/adr/0002-audit.md)."""
    root = Path(__file__).resolve().parents[2]
    users = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "PurgePermit" in path.read_text()
        and "tests" not in path.parts
        and "migrations" not in path.parts
    )
    assert users == [
        "audit/management/commands/audit_verify.py",
        "audit/models.py",
        "operations/audit_retention.py",
    ]
