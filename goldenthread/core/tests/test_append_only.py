"""The database itself refuses to change or remove history rows (#17, #11; SEC-3, SEC-4,
ACC-2, ACC-4, REV-1, RISK-1, RISK-2, SDS-4, SDS-5, OPS-7).

Every append-only table (found from the models: every AppendOnlyModel, so a new history
table is covered the day it is added) holds a row, and a raw SQL UPDATE and DELETE on it are
refused by the database, on SQLite and PostgreSQL alike, and TRUNCATE on PostgreSQL
(core/append_only.py, `append_only_guards`). The catalogue check finds a table left on the
old triggers (`append_only_triggers`) or one whose guards a SQLite table rebuild dropped.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from goldenthread.audit.models import AccessAction, AppendOnlyModel
from goldenthread.audit.services import access_record, break_glass_record, break_glass_review
from goldenthread.core.append_only import NO_DELETE_SUFFIX, NO_TRUNCATE_SUFFIX


def append_only_models() -> list[type[models.Model]]:
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, AppendOnlyModel) and model._meta.managed
        ),
        key=lambda model: model._meta.label,
    )


def rows_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a model's own table)
        return cursor.fetchone()[0]


@pytest.fixture
def one_of_each(full_record, person, practitioner, team_leader, rf):
    """A row in every append-only table (row triggers fire only on rows): the person's
    full record and the history rows it lacks (SDS, risk, reviews, outcomes,
    accountability), the audit tables (a list view, a break-glass use and its review, an
    audit checkpoint) and a tombstone."""
    from goldenthread.accountability.factories import ChallengeFactory
    from goldenthread.accountability.models import ChallengeEvent
    from goldenthread.operations.models import Tombstone
    from goldenthread.outcomes.factories import AgreementFactory
    from goldenthread.outcomes.models import Outcome
    from goldenthread.reviews.factories import PersonViewFactory
    from goldenthread.reviews.models import Review
    from goldenthread.sds.factories import IndicativeBudgetFactory
    from goldenthread.sds.models import Decision, DecisionSharing, HowTold, UnderstandingCheck

    today = timezone.localdate()
    outcome = Outcome.objects.get(pk=full_record["outcome_id"])
    decision = Decision.objects.get(pk=full_record["decision_id"])
    AgreementFactory(outcome=outcome)
    PersonViewFactory(review=Review.objects.get(pk=full_record["review_id"]), outcome=outcome)
    IndicativeBudgetFactory(person=person)
    DecisionSharing.objects.create(
        decision=decision,
        person_id=person.pk,
        shared_on=today,
        how=HowTold.CONVERSATION,
        recorded_by=practitioner,
    )
    UnderstandingCheck.objects.create(
        person=person,
        about="sds_options",
        checked_on=today,
        how_checked="Told me back",
        understood="yes",
        recorded_by=practitioner,
    )
    ChallengeEvent.objects.create(
        challenge=ChallengeFactory(person=person),
        person=person,
        kind="escalated",
        stage="frontline",
        on=today,
        body="spso",
        reference="S-1",
        text="Taken further",
        recorded_by=practitioner,
    )

    access_record(
        actor=practitioner,
        person_id=None,
        action=AccessAction.LIST,
        what="list",
        reason="test",
        request=rf.get("/"),
        people_shown=[uuid.uuid4()],
    )
    use = break_glass_record(
        actor=practitioner, person_id=uuid.uuid4(), reason="A reason long enough to count", hours=4
    )
    break_glass_review(actor=team_leader, access=use, note="")
    Tombstone.objects.create(
        rule="person-record",
        rule_text="7 years after the last allocation ended (source: test)",
        record_type="people.Person",
        record_id=str(uuid.uuid4()),
        counted_from=datetime.date(2019, 1, 1),
        destroyed_at=timezone.now(),
        destroyed_by_name="Golden Thread (retention schedule)",
        rows={"people.Person": 1},
    )
    from goldenthread.audit.models import AuditCheckpoint

    AuditCheckpoint.objects.create(
        at=timezone.now(),
        actor_name="Golden Thread (audit retention)",
        rule_text="7 years (source: test)",
        older_than=timezone.now() - datetime.timedelta(days=7 * 365),
        removed={},
    )


def not_refused(model: type[models.Model], statements: list[str]) -> list[str]:
    """The statements on `model`'s table the database let through (none should be), each
    tried in its own savepoint; the table's rows are counted before and after."""
    table = model._meta.db_table
    before = rows_in(table)
    assert before, f"one_of_each makes no {model._meta.label} row: add one, so its guards are tried"
    through = []
    for statement in statements:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # Deferred foreign-key checks first, so TRUNCATE is refused by the guard
                    # and not for "pending trigger events".
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(statement)
        except DatabaseError:
            continue
        through.append(f"{model._meta.label}: {statement}")
    assert rows_in(table) == before
    return through


@pytest.mark.django_db
def test_database_refuses_update_and_delete_on_both_databases(one_of_each):
    through = []
    for model in append_only_models():
        table, pk = model._meta.db_table, model._meta.pk.column
        through += not_refused(
            model,
            [f"UPDATE {table} SET {pk} = {pk}", f"DELETE FROM {table}"],  # noqa: S608
        )
    assert not through, "the database let these through: " + "; ".join(through)


@pytest.mark.django_db
def test_postgresql_refuses_truncate(one_of_each):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    through = []
    for model in append_only_models():
        through += not_refused(model, [f"TRUNCATE {model._meta.db_table} CASCADE"])
    assert not through, "the database let these through: " + "; ".join(through)


def guards_by_table() -> dict[str, set[str]]:
    """Each table's user triggers, by table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found: dict[str, set[str]] = {}
        for table, trigger in cursor.fetchall():
            found.setdefault(table, set()).add(trigger)
    return found


@pytest.mark.django_db
def test_every_append_only_table_has_the_guards_and_none_the_old_triggers():
    """The guards of `append_only_guards` on every append-only table; no table left on
    `append_only_triggers` (PostgreSQL `_append_only`), and no guarded table that is not
    an append-only model (the application would then change rows the database refuses)."""
    found = guards_by_table()
    if connection.vendor == "postgresql":
        suffixes = ("_no_change", NO_TRUNCATE_SUFFIX)
    else:
        suffixes = ("_no_update", NO_DELETE_SUFFIX)
    tables = {model._meta.db_table for model in append_only_models()}
    missing = [
        f"{table}{suffix}"
        for table in sorted(tables)
        for suffix in suffixes
        if f"{table}{suffix}" not in found.get(table, set())
    ]
    assert not missing, f"append-only tables without their guards: {missing}"
    old = sorted(
        trigger
        for triggers in found.values()
        for trigger in triggers
        if trigger.endswith("_append_only")
    )
    assert not old, f"tables still on the old triggers: {old}"
    guarded = {
        table
        for table, triggers in found.items()
        if any(trigger.endswith(suffixes) for trigger in triggers)
    }
    assert guarded <= tables, f"guarded tables that are no AppendOnlyModel: {guarded - tables}"
