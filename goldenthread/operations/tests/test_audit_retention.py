"""The audit log's own retention (#20, OPS-7, SEC-2): rows past the period are removed with a
checkpoint accounting for them; `audit-verify` still passes, and still finds a kept row
altered or a row removed outside the purge. On SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime
import io
import json
import random
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
    BreakGlassAccess,
    BreakGlassReview,
    ChangeRecord,
    PurgePermit,
)
from goldenthread.audit.services import (
    Auditor,
    access_record,
    break_glass_record,
    break_glass_review,
    change_record,
)
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
    assert "Would remove 4 audit rows" in result.as_text()


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
    digest = audit_retention.chain.runs_digest
    assert access == {
        "count": 3,
        "head": list(kept[-1]),
        "ranges": "1-3",
        "edges": {},  # both neighbours were there: the joining hashes are in `joins`
        "joins": digest([before_first, removed_hashes[-1]]),
        "rows": digest(removed_hashes),
    }
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
    assert AuditCheckpoint.objects.get().removed["audit_accesslog"]["ranges"] == "1,3-4,6"
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
    removed["audit_accesslog"]["ranges"] = "1-4"
    removed["audit_accesslog"]["edges"] = {"4": row4.row_hash}
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


# --- Break-glass uses (#20, OPS-7, SEC-3) --------------------------------------------------


def _break_glass(worker, person_id, *, at, reviewer=None):
    with time_machine.travel(at, tick=False):
        use = break_glass_record(actor=worker, person_id=person_id, reason="urgent", hours=4)
        if reviewer is not None:
            break_glass_review(actor=reviewer, access=use, note="seen")
    return use


def test_break_glass_uses_go_with_the_audit_log_once_reviewed(
    practitioner, team_leader, administrator
):
    """A use that ended more than the audit period ago goes once its team leader has
    reviewed it (with its review); an unreviewed one stays, and the report says so; a
    recent one stays; one about a person destroyed past their period goes whatever its age.
    The checkpoint counts them with a digest of what went; audit-verify still passes."""
    gone = uuid.uuid4()
    old_reviewed = _break_glass(practitioner, uuid.uuid4(), at=LONG_AGO, reviewer=team_leader)
    old_unreviewed = _break_glass(practitioner, uuid.uuid4(), at=LONG_AGO)
    recent = _break_glass(practitioner, uuid.uuid4(), at=LAST_YEAR, reviewer=team_leader)
    destroyed = _break_glass(practitioner, gone, at=LAST_YEAR)
    with time_machine.travel(LAST_YEAR, tick=False):
        Tombstone.objects.create(
            rule="person-record",
            rule_text="6 years",
            record_type="people.Person",
            record_id=str(gone),
            counted_from=datetime.date(2018, 1, 1),
            destroyed_at=LAST_YEAR,
            destroyed_by_name="test",
        )
    with time_machine.travel(NOW, tick=False):
        dry = audit_retention.apply(actor=administrator, dry_run=True)
    assert dry.break_glass == {"audit_breakglassaccess": 2, "audit_breakglassreview": 1}
    assert dry.break_glass_unreviewed == 1
    assert "1 break-glass use past the period is kept until" in dry.as_text()

    result = purge(administrator)

    assert result.break_glass == {"audit_breakglassaccess": 2, "audit_breakglassreview": 1}
    kept = set(BreakGlassAccess.objects.values_list("pk", flat=True))
    assert kept == {old_unreviewed.pk, recent.pk}
    assert BreakGlassReview.objects.get().access_id == recent.pk
    removed = AuditCheckpoint.objects.get().removed
    assert removed["audit_breakglassaccess"]["count"] == 2
    assert removed["audit_breakglassreview"]["count"] == 1
    assert len(removed["audit_breakglassaccess"]["rows"]) == 64
    assert old_reviewed.pk not in kept and destroyed.pk not in kept
    verify_output()


def test_break_glass_rows_refuse_delete_without_the_purge_permit(practitioner, team_leader):
    _break_glass(practitioner, uuid.uuid4(), at=LONG_AGO, reviewer=team_leader)
    for table in ("audit_breakglassreview", "audit_breakglassaccess"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(f"DELETE FROM {table}")  # noqa: S608 (a constant)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            PurgePermit.objects.create()
            c.execute(f"UPDATE {table} SET at = at")  # noqa: S608
    assert BreakGlassReview.objects.count() == 1


# --- The checkpoint's size on rows removed out of order (#20) ------------------------------


def _shuffled_log(actor, count: int, *, seed: int = 20) -> list[bool]:
    """`count` access rows in chain order, each written long ago or this year at random
    (as synthetic data is: not in time order); which are old, in chain order."""
    rng = random.Random(seed)
    old = [rng.random() < 0.5 for _ in range(count)]
    rows = [
        AccessLog(
            at=(LONG_AGO if is_old else NOW - datetime.timedelta(days=1)),
            actor=actor,
            actor_name="a worker",
            action=AccessAction.VIEW,
            person_id=uuid.uuid4(),
            what="test page",
            reason="allocated worker",
        )
        for is_old in old
    ]
    AccessLog.objects.bulk_create(rows)
    return old


def test_a_shuffled_purge_records_its_runs_compactly(practitioner):
    """400 rows, half old, in random order: about 100 runs. Each run costs a few bytes of
    ranges (format 1 wrote two hashes and a digest for each: 64 hex characters each)."""
    old = _shuffled_log(practitioner, 400)
    old[-1] = False  # the head stays whatever its age
    purge(practitioner)
    entry = AuditCheckpoint.objects.get().removed["audit_accesslog"]
    runs = audit_retention.chain.parse_ranges(entry["ranges"])
    assert entry["count"] == sum(old)
    assert [seq for first, last in runs for seq in range(first, last + 1)] == [
        i + 1 for i, is_old in enumerate(old) if is_old
    ]
    size = len(json.dumps(entry, separators=(",", ":")))
    assert len(runs) > 90
    assert size < 400 + 8 * len(runs)  # head, digests: ~330 bytes; format 1: ~215 a run
    verify_output()


def test_runs_next_to_an_earlier_purge_write_their_joining_hashes_out(practitioner):
    """A second purge whose runs meet the first's: the hash where they meet is written out
    (`edges`), since the row that gave it is gone; audit-verify walks both."""
    rows = _shuffled_log(practitioner, 12, seed=1)
    with time_machine.travel(LONG_AGO, tick=False):
        view(practitioner)
    purge(practitioner)  # removes the old rows among 1 to 12
    first_ranges = AuditCheckpoint.objects.get().removed["audit_accesslog"]["ranges"]
    with time_machine.travel(NOW.replace(year=NOW.year + 8), tick=False):
        view(practitioner)  # a new head
        audit_retention.apply(actor=practitioner, dry_run=False)  # now 1 to 13 are all old
    second = AuditCheckpoint.objects.order_by("seq").last().removed["audit_accesslog"]
    assert first_ranges != second["ranges"]
    assert second["edges"]  # it meets the first purge's runs
    assert list(AccessLog.objects.values_list("seq", flat=True)) == [14]
    assert sum(rows) < 12
    verify_output()


def test_a_kept_row_beside_a_compact_run_re_chained_is_found(old_and_new, practitioner):
    """Row 4 (after the purged run 1 to 3) replaced, and every row after it re-chained, so
    each row's own hash checks: only the checkpoint's `joins` digest still knows row 3's
    hash, which the new row 4 no longer names."""
    purge(practitioner)
    rows = list(
        AccessLog.objects.filter(seq__gte=4)
        .order_by("seq")
        .values_list("seq", *(f.attname for f in audit_retention.chain.content_fields(AccessLog)))
    )
    fields = audit_retention.chain.content_fields(AccessLog)
    prev = "f" * 64
    for seq, *values in rows:
        content = audit_retention.chain.canonical_content(fields, values)
        row_hash = audit_retention.chain.compute_hash("audit_accesslog", seq, prev, content)
        raw(
            "UPDATE audit_accesslog SET prev_hash = %s, row_hash = %s WHERE seq = %s",
            [prev, row_hash, seq],
        )
        prev = row_hash
    with pytest.raises(CommandError, match="no longer match it"):
        verify_output()


# --- Removal in bounded batches (#20) -------------------------------------------------------


@pytest.mark.parametrize("budget", [10, audit_retention.BATCH_PARAMETERS])
def test_the_rows_go_in_a_few_bounded_statements_not_one_a_run(practitioner, monkeypatch, budget):
    """About 100 runs (mostly of one row, as a council's log removed by age is): removed in
    batches of at most `budget` parameters a statement, not a DELETE a run (at council
    scale that was about 108,000 statements), and the log still verifies."""
    monkeypatch.setattr(audit_retention, "BATCH_PARAMETERS", budget)
    old = _shuffled_log(practitioner, 400)
    old[-1] = False
    statements: list[tuple[str, tuple]] = []

    def spy(execute, sql, params, many, context):
        statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        purge(practitioner)
    entry = AuditCheckpoint.objects.get().removed["audit_accesslog"]
    runs = audit_retention.chain.parse_ranges(entry["ranges"])
    deletes = [(sql, params) for sql, params in statements if sql.startswith("DELETE")]
    by_table = [sql.split()[2].strip('"') for sql, _ in deletes]
    singles = sum(1 for first, last in runs if first == last)
    least = -(-(singles + 2 * (len(runs) - singles)) // budget)  # the parameters, in batches
    assert len(runs) > 90
    assert by_table.count("audit_accesslog") == least
    assert by_table.count("audit_accesslogperson") == least  # the list-view index, alike
    assert all(len(params) <= budget for _, params in deletes)
    assert entry["count"] == sum(old)
    assert list(AccessLog.objects.order_by("seq").values_list("seq", flat=True)) == [
        i + 1 for i, is_old in enumerate(old) if not is_old
    ]
    verify_output()
