"""#14: the synthetic data's bulk writer at national scale: the audit chain's bulk path
hashes as the one-row path does, and on PostgreSQL the references the writer leaves
unchecked row by row are all checked at the end; the COPYs run on a second thread, with the
secondary indexes built again at the end, and a failure on either side rolls everything back."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.db import connection, transaction

from goldenthread.audit import chain
from goldenthread.audit.models import AccessLog
from goldenthread.nonprod.synth import writer as writer_module
from goldenthread.nonprod.synth.writer import (
    BulkWriter,
    DanglingReference,
    references_checked_at_end,
)
from goldenthread.people.factories import PersonFactory
from goldenthread.people.models import CircleMember

ACCESS_COLUMNS = [
    *("id", "at", "actor", "actor_name", "actor_role", "action", "person_id", "what"),
    *("method", "reason", "break_glass", "ip_address"),
]
CIRCLE_COLUMNS = [
    *("id", "created_at", "updated_at", "version", "person", "name", "relationship"),
    *("is_unpaid_carer", "contact", "notes"),
]


def test_chain_rows_hashes_as_canonical_content_does():
    at = datetime.datetime(2026, 3, 4, 10, 11, 12, 345678, tzinfo=datetime.UTC)
    rows = [
        (
            *(uuid.UUID(int=n), at, None, "Ann Reid", "practitioner", "view"),
            *(uuid.UUID(int=99 + n), f"page {n}", "GET", "Allocated worker", n == 1, ip),
        )
        for n, ip in enumerate((None, "10.0.0.1", None))
    ]
    columns, chained, head = chain.chain_rows(AccessLog, ACCESS_COLUMNS, rows, (4, "a" * 64))
    assert columns == [*ACCESS_COLUMNS, "seq", "prev_hash", "row_hash"]
    # The same rows one at a time, as link() hashes a model instance.
    fields = chain.content_fields(AccessLog)
    after = (4, "a" * 64)
    for row, written in zip(rows, chained, strict=True):
        instance = AccessLog(**dict(zip(ACCESS_COLUMNS, row, strict=True)))
        values = [getattr(instance, f.attname) for f in fields]
        seq, prev = after[0] + 1, after[1]
        expected = chain.compute_hash(
            "audit_accesslog", seq, prev, chain.canonical_content(fields, values)
        )
        assert written == (*row, seq, prev, expected)
        after = (seq, expected)
    assert head == after


def _circle_row(person_id):
    now = datetime.datetime(2026, 3, 4, tzinfo=datetime.UTC)
    return (uuid.uuid4(), now, now, 1, person_id, "Morag Reid", "Daughter", True, "", "")


def _role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_references_are_checked_at_the_end_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks each reference itself (deferred to the commit)")
    person = PersonFactory()
    writer = BulkWriter()
    with transaction.atomic():
        with references_checked_at_end(writer):
            assert _role() == "replica"
            writer.write(CircleMember, CIRCLE_COLUMNS, [_circle_row(person.pk)])
        assert _role() == "origin"
    assert CircleMember.objects.filter(person=person).count() == 1
    # A row pointing at nobody: the block fails and nothing it wrote stays.
    nobody, writer = uuid.uuid4(), BulkWriter()
    with pytest.raises(DanglingReference, match=f"person_id = {nobody} is not in people_person"):
        with transaction.atomic():
            with references_checked_at_end(writer):
                writer.write(CircleMember, CIRCLE_COLUMNS, [_circle_row(person.pk)])
                writer.write(CircleMember, CIRCLE_COLUMNS, [_circle_row(nobody)])
    assert CircleMember.objects.filter(person=person).count() == 1
    assert _role() == "origin"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_database_checks_as_usual():
    with references_checked_at_end(BulkWriter()):
        if connection.vendor == "postgresql":
            assert _role() == "origin"


def _indexes(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table]
        )
        return cursor.fetchall()


def _access_row(n: int, person_id) -> tuple:
    at = datetime.datetime(2026, 3, 4, 10, n, tzinfo=datetime.UTC)
    return (
        *(uuid.uuid4(), at, None, "Ann Reid", "practitioner", "view", person_id),
        *(f"page {n}", "GET", "Allocated worker", False, None),
    )


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes in the caller's thread, with every index kept")


@pytest.mark.django_db
def test_overlapped_copies_run_on_a_second_thread_and_indexes_come_back(monkeypatch):
    _postgresql_only()
    person = PersonFactory()
    before = {t: _indexes(t) for t in ("people_circlemember", "audit_accesslog")}
    threads: list[str] = []
    run = writer_module._CopyPipe._run

    def recording_run(pipe):
        threads.append(threading.current_thread().name)
        run(pipe)

    monkeypatch.setattr(writer_module._CopyPipe, "_run", recording_run)
    writer = BulkWriter()
    with transaction.atomic():
        with references_checked_at_end(writer), writer.overlapped(defer_indexes=True):
            writer.write(CircleMember, CIRCLE_COLUMNS, [_circle_row(person.pk) for _ in range(3)])
            writer.write(AccessLog, ACCESS_COLUMNS, [_access_row(n, person.pk) for n in range(4)])
            # The second batch continues the chain from the head the writer kept.
            writer.write(AccessLog, ACCESS_COLUMNS, [_access_row(n, person.pk) for n in range(2)])
            writer.drain()
            # Only the primary keys and unique indexes stay while the rows are written.
            assert [n for n, _ in _indexes("people_circlemember")] == ["people_circlemember_pkey"]
            # The unique constraint on seq: PostgreSQL's name in a database built by the
            # squashed migrations, Django's in one upgraded from before them (ADR 0027).
            assert {n for n, _ in _indexes("audit_accesslog")} in (
                {"audit_accesslog_pkey", "audit_accesslog_seq_key"},
                {"audit_accesslog_pkey", "audit_accesslog_seq_63f712d9_uniq"},
            )
        assert {t: _indexes(t) for t in before} == before
    assert threads == ["synth-copy"]
    assert writer.stats["people_circlemember"].rows == 3
    assert writer.stats["audit_accesslog"].rows == 6
    assert CircleMember.objects.filter(person=person).count() == 3
    result = chain.verify(AccessLog)
    assert result.broken is None
    assert result.rows == AccessLog.objects.count()
    assert list(AccessLog.objects.order_by("seq").values_list("seq", flat=True))[-6:] == [
        *range(result.head[0] - 5, result.head[0] + 1)
    ]


@pytest.mark.django_db
def test_a_failed_copy_on_the_writer_thread_rolls_the_load_back():
    _postgresql_only()
    person = PersonFactory()
    before = _indexes("people_circlemember")
    twice = _circle_row(person.pk)
    with pytest.raises(Exception, match="duplicate key value"):
        with transaction.atomic():
            writer = BulkWriter()
            with writer.overlapped(defer_indexes=True):
                writer.write(CircleMember, CIRCLE_COLUMNS, [twice])
                writer.write(CircleMember, CIRCLE_COLUMNS, [twice])  # the same primary key
    assert _indexes("people_circlemember") == before
    assert not CircleMember.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_a_failure_while_making_rows_stops_the_writer_and_rolls_back():
    _postgresql_only()
    person = PersonFactory()
    before = _indexes("people_circlemember")
    writer = BulkWriter()
    with pytest.raises(RuntimeError, match="generator failed"):
        with transaction.atomic(), writer.overlapped(defer_indexes=True):
            writer.write(CircleMember, CIRCLE_COLUMNS, [_circle_row(person.pk)])
            raise RuntimeError("generator failed")
    assert writer._pipe is None
    assert not any(t.name == "synth-copy" for t in threading.enumerate())
    assert _indexes("people_circlemember") == before
    assert not CircleMember.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_overlapped_changes_nothing_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL overlaps")
    person = PersonFactory()
    writer = BulkWriter()
    with transaction.atomic(), writer.overlapped(defer_indexes=True):
        assert writer._pipe is None
        writer.write(CircleMember, CIRCLE_COLUMNS, [_circle_row(person.pk)])
        assert CircleMember.objects.filter(person=person).count() == 1
