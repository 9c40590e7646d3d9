"""#14: the synthetic data's bulk writer at national scale: the audit chain's bulk path
hashes as the one-row path does, and on PostgreSQL the references the writer leaves
unchecked row by row are all checked at the end."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection, transaction

from goldenthread.audit import chain
from goldenthread.audit.models import AccessLog
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
