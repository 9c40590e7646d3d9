"""Audit integrity (#11, SEC-3, SEC-4): the hash chain finds a removed or altered row, the
database refuses deletes (both databases) and TRUNCATE (PostgreSQL), and concurrent writers
never fork the chain."""

from __future__ import annotations

import datetime
import io
import json
import threading
import uuid

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from goldenthread.audit import chain
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.audit.services import (
    access_record,
    change_record,
)
from goldenthread.people.factories import PersonFactory


def log(actor, n=1, **extra):
    return [
        access_record(
            actor=actor,
            person_id=uuid.uuid4(),
            action=AccessAction.VIEW,
            what=f"test {i}",
            reason="test",
            **extra,
        )
        for i in range(n)
    ]


def verify_output(**options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit_verify", stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def settle_foreign_keys(cursor) -> None:
    """PostgreSQL: check the test transaction's deferred foreign keys now, so ALTER TABLE
    and TRUNCATE are not refused for "pending trigger events"."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def raw(sql: str, params=None) -> None:
    """Raw SQL as someone with rights over the database, guards lifted first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_foreign_keys(cursor)
            cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_changerecord DISABLE TRIGGER USER")
        else:
            for table in ("audit_accesslog", "audit_changerecord"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_rows_are_chained_in_order(practitioner):
    rows = log(practitioner, 3, request=None)
    person = PersonFactory()
    change = change_record(
        actor=practitioner, instance=person, action="create", before=None, person_id=person.pk
    )
    stored = list(AccessLog.objects.order_by("seq"))
    assert [r.seq for r in stored] == [1, 2, 3]
    assert stored[0].prev_hash == chain.GENESIS
    assert [r.prev_hash for r in stored[1:]] == [r.row_hash for r in stored[:-1]]
    assert [r.pk for r in stored] == [r.pk for r in rows]
    assert ChangeRecord.objects.get(pk=change.pk).seq == 1  # each table its own chain
    output = verify_output()
    assert "audit_accesslog: 3 rows, chain intact" in output
    assert "audit_changerecord: 1 rows, chain intact" in output


@pytest.mark.django_db
def test_hash_survives_the_round_trip_through_the_database(practitioner, rf):
    """Values the database gives back in another form (IPv6 written out, JSON keys
    reordered, date-times in UTC) hash the same."""
    request = rf.get("/", REMOTE_ADDR="2001:DB8:0:0::1")
    access_record(
        actor=practitioner,
        person_id=None,
        action=AccessAction.LIST,
        what="list",
        reason="test",
        request=request,
        people_shown=[uuid.uuid4(), uuid.uuid4()],
    )
    person = PersonFactory(given_name="Zoë")
    change_record(
        actor=practitioner,
        instance=person,
        action="update",
        before={"z": 1.0, "a": [1, {"b": "ü"}], "n": None},
        person_id=person.pk,
        extra={"notes": "line one\nline two"},
    )
    verify_output()


@pytest.mark.django_db
def test_audit_verify_names_a_missing_row(practitioner):
    log(practitioner, 5)
    raw("DELETE FROM audit_accesslog WHERE seq = 3")
    with pytest.raises(
        CommandError,
        match=r"audit_accesslog: broken at sequence number 3: "
        r"row 3 is missing",
    ):
        verify_output()


@pytest.mark.django_db
def test_audit_verify_names_an_altered_row(practitioner):
    log(practitioner, 5)
    raw("UPDATE audit_accesslog SET reason = 'nothing to see' WHERE seq = 2")
    with pytest.raises(
        CommandError,
        match=r"audit_accesslog: broken at sequence number 2: "
        r"row altered",
    ):
        verify_output()


@pytest.mark.django_db
def test_audit_verify_names_a_row_replaced_with_its_hash_recomputed(practitioner):
    """Someone rewrites a row and its own hash: the next row still names the old hash."""
    log(practitioner, 4)
    row = AccessLog.objects.get(seq=2)
    fields = chain.content_fields(AccessLog)
    values = [getattr(row, f.attname) for f in fields]
    values[[f.name for f in fields].index("reason")] = "rewritten"
    forged = chain.compute_hash(
        "audit_accesslog", 2, row.prev_hash, chain.canonical_content(fields, values)
    )
    raw("UPDATE audit_accesslog SET reason = 'rewritten', row_hash = %s WHERE seq = 2", [forged])
    with pytest.raises(
        CommandError,
        match=r"broken at sequence number 2: row altered or "
        r"replaced",
    ):
        verify_output()


@pytest.mark.django_db
def test_audit_verify_checks_the_change_history_too(practitioner):
    person = PersonFactory()
    for _ in range(3):
        change_record(
            actor=practitioner, instance=person, action="update", before={}, person_id=person.pk
        )
    raw("DELETE FROM audit_changerecord WHERE seq = 1")
    with pytest.raises(CommandError, match=r"audit_changerecord: broken at sequence number 1"):
        verify_output()


@pytest.mark.django_db
def test_anchor_finds_rows_removed_from_the_end(practitioner, tmp_path):
    """A chain cut short is still whole; the heads recorded by an earlier run are not."""
    anchor = tmp_path / "audit-anchor.json"
    log(practitioner, 4)
    verify_output(anchor=anchor)
    heads = json.loads(anchor.read_text())
    assert heads["audit_accesslog"][0] == 4
    log(practitioner, 1)
    verify_output(anchor=anchor)  # it grew: fine, and the anchor moves on
    assert json.loads(anchor.read_text())["audit_accesslog"][0] == 5
    raw("DELETE FROM audit_accesslog WHERE seq >= 4")
    verify_output()  # without the anchor a shortened chain looks whole
    with pytest.raises(CommandError, match=r"rows 4 to 5 are missing"):
        verify_output(anchor=anchor)


@pytest.mark.django_db
def test_list_index_must_agree_with_the_list_rows(practitioner, rf):
    shown = [uuid.uuid4(), uuid.uuid4()]
    request = rf.get("/people/")
    access_record(
        actor=practitioner,
        person_id=None,
        action=AccessAction.LIST,
        what="list",
        reason="test",
        request=request,
        people_shown=shown,
    )
    verify_output()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_foreign_keys(cursor)
            cursor.execute("ALTER TABLE audit_accesslogperson DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_accesslogperson_no_delete")
        cursor.execute("DELETE FROM audit_accesslogperson")
    with pytest.raises(CommandError, match="does not match the people it showed"):
        verify_output()


# --- The database refuses ----------------------------------------------------------------


# Every append-only table (these five and the other apps' history tables, found from the
# models): core/tests/test_append_only.py.


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_tables_and_leaves_the_guards_in_place(practitioner):
    """The test suite's flush (allowed by the test settings) lifts the delete and truncate
    guards only inside its own transaction."""
    log(practitioner, 2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AccessLog.objects.exists()
    from goldenthread.accounts.factories import PractitionerFactory

    log(PractitionerFactory(), 1)
    statement = (
        "TRUNCATE audit_accesslog CASCADE"
        if connection.vendor == "postgresql"
        else "DELETE FROM audit_accesslog"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_flush_refuses_where_settings_do_not_allow_it(practitioner, settings):
    settings.GOLDENTHREAD_AUDIT_FLUSH_ALLOWED = False
    log(practitioner, 1)
    with pytest.raises(CommandError, match="couldn't be flushed"):
        call_command("flush", interactive=False, verbosity=0)
    assert AccessLog.objects.count() == 1
    settings.GOLDENTHREAD_AUDIT_FLUSH_ALLOWED = True  # so the test's own flush can run


# --- Concurrent writers ------------------------------------------------------------------


@pytest.mark.django_db
def test_sqlite_takes_the_write_lock_before_reading_the_head(practitioner):
    """Outside any transaction the audit write opens its own, and SQLite's IMMEDIATE mode
    takes the write lock at BEGIN, before the head is read: writers queue."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    # The test runs inside a transaction; leave it to see what a request outside one does.
    with CaptureQueriesContext(connection) as queries:
        log(practitioner, 1)
    sql = [q["sql"] for q in queries.captured_queries]
    head = next(i for i, s in enumerate(sql) if "ORDER BY seq DESC" in s)
    insert = next(i for i, s in enumerate(sql) if s.startswith("INSERT"))
    assert head < insert


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("in_a_transaction", [True, False])
def test_concurrent_writers_never_fork_the_chain(practitioner, in_a_transaction):
    """Four writers at once, each keeping its transaction open a little after appending:
    the chain's advisory lock makes the others wait for its commit before they read the
    head (without it they read the same head and collide on seq)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's in-memory test database has no concurrent writers; "
            "its IMMEDIATE transactions are checked above"
        )
    import time

    errors: list[BaseException] = []

    def writer():
        try:
            for _ in range(10):
                if not in_a_transaction:  # a page view: the audit write's own transaction
                    log(practitioner, 1)
                    continue
                with transaction.atomic():
                    log(practitioner, 1)
                    time.sleep(0.005)  # the rest of the request's transaction
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AccessLog.objects.count() == 40
    assert sorted(AccessLog.objects.values_list("seq", flat=True)) == list(range(1, 41))
    verify_output()


# --- Rows written before the chain existed -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_chains_existing_rows_in_the_order_they_were_written(practitioner):
    """0003's data migration. The test database is built by the squashed migration
    (#17), which a database at 0001 or 0002 never runs: the replaced migrations are reached
    with a loader that keeps them (replace_migrations=False) and undone back to 0002; going
    forward, the usual loader finds the squash partly applied and runs 0003 to 0007 (and
    the migrations after the squash, taken back first)."""
    executor = MigrationExecutor(connection)
    squash = next(
        key
        for key, m in executor.loader.disk_migrations.items()
        if key[0] == "audit" and m.replaces
    )
    executor.migrate([squash])
    executor = MigrationExecutor(connection)
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    executor.migrate([("audit", "0002_append_only_triggers")])
    old = executor.loader.project_state([("audit", "0002_append_only_triggers")]).apps
    OldLog = old.get_model("audit", "AccessLog")
    import datetime

    from django.utils import timezone

    start = timezone.now() - datetime.timedelta(days=1)
    ids = []
    for minutes in (30, 10, 20):  # written out of order: chained by time
        row = OldLog.objects.create(
            at=start + datetime.timedelta(minutes=minutes),
            actor_id=practitioner.pk,
            actor_name="Pat",
            action="view",
            person_id=uuid.uuid4(),
            what="old",
            reason="Allocated worker",
        )
        ids.append((minutes, row.pk))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("audit"))
    by_seq = list(AccessLog.objects.order_by("seq").values_list("pk", flat=True))
    assert by_seq == [pk for _, pk in sorted(ids)]
    verify_output()
    log(practitioner, 1)  # new rows continue the chain
    assert AccessLog.objects.order_by("-seq").first().seq == 4
    verify_output()


@pytest.mark.django_db
def test_the_walk_reads_each_row_as_the_writer_hashed_it(practitioner, rf):
    """audit-verify's fast SQLite reader (chain._rows: stored text straight to canonical
    form) gives the content the writer hashed, for every kind of column: a date-time with
    and without microseconds, UUIDs, a list view's JSON, an IP address, a NULL (#20, SEC-3)."""
    request = rf.get("/people/", REMOTE_ADDR="::ffff:10.0.0.1")
    for moment in (
        datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
    ):
        with time_machine.travel(moment, tick=False):
            access_record(
                actor=practitioner,
                person_id=None,
                action=AccessAction.LIST,
                what="caseload",
                reason="caseload",
                request=request,
                people_shown=[uuid.uuid4(), uuid.uuid4()],
            )
    fields = chain.content_fields(AccessLog)
    written = {
        seq: chain.canonical_content(fields, values)
        for seq, *values in AccessLog.objects.values_list("seq", *(f.attname for f in fields))
    }
    read = {seq: content for seq, _, _, content in chain._rows(AccessLog, 1)}
    assert read == written
    assert {c["at"][-13:] for c in read.values()} == {".000000+00:00", ".678901+00:00"}
