"""SEC-3, SEC-4: the logs can be added to, never changed or removed."""

import pytest
from django.db import DatabaseError, connection, transaction

from goldenthread.audit.models import AccessAction, AccessLog, AppendOnlyError, ChangeRecord
from goldenthread.audit.services import access_record, change_record, snapshot
from goldenthread.people.factories import PersonFactory


@pytest.fixture
def log_row(practitioner):
    return access_record(
        actor=practitioner,
        person_id=None,
        action=AccessAction.VIEW,
        what="test",
        reason="test",
    )


@pytest.fixture
def change_row(practitioner):
    person = PersonFactory()
    return change_record(
        actor=practitioner, instance=person, action="create", before=None, person_id=person.pk
    )


@pytest.mark.django_db
@pytest.mark.parametrize("row_fixture", ["log_row", "change_row"])
def test_application_refuses_update_and_delete(request, row_fixture):
    row = request.getfixturevalue(row_fixture)
    model = type(row)
    row.actor_name = "Someone else"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.get(pk=row.pk).actor_name != "Someone else"


@pytest.mark.django_db
@pytest.mark.parametrize("row_fixture", ["log_row", "change_row"])
def test_database_refuses_update_even_with_raw_sql(request, row_fixture):
    row = request.getfixturevalue(row_fixture)
    table = type(row)._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_name = 'x'")  # noqa: S608
    assert type(row).objects.get(pk=row.pk).actor_name == row.actor_name


@pytest.mark.django_db
def test_database_refuses_delete_even_with_raw_sql(log_row):
    """SEC-3, #17: PostgreSQL and SQLite alike (a BEFORE DELETE trigger on each, lifted only
    by the audit purge's permit: audit migrations 0004 and 0006)."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog")
    assert AccessLog.objects.filter(pk=log_row.pk).exists()


@pytest.mark.django_db
def test_change_record_keeps_before_and_after(practitioner):
    person = PersonFactory(given_name="Jean")
    before = snapshot(person)
    person.given_name = "Jeanie"
    record = change_record(
        actor=practitioner, instance=person, action="update", before=before, person_id=person.pk
    )
    record = ChangeRecord.objects.get(pk=record.pk)
    assert record.before["given_name"] == "Jean"
    assert record.after["given_name"] == "Jeanie"
    assert record.actor == practitioner
    assert record.object_type == "people.Person"


@pytest.mark.django_db
def test_failed_audit_write_fails_the_request(practitioner_client, person, monkeypatch):
    """If the access log cannot be written the page is not shown."""
    from django.urls import reverse

    from goldenthread.people import access

    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(access, "access_record", broken)
    practitioner_client.raise_request_exception = False
    response = practitioner_client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 500
    assert person.family_name.encode() not in response.content


def test_a_very_long_name_still_writes_its_access_row(team):
    """A full name of 150 + 150 characters and a username of 150 make a 454-character
    actor name: the row is written with the first 300, never refused (SEC-3)."""
    from goldenthread.accounts.factories import PractitionerFactory

    actor = PractitionerFactory(
        username="u" * 150, first_name="F" * 150, last_name="L" * 150, team=team
    )
    row = access_record(
        actor=actor, person_id=None, action=AccessAction.VIEW, what="caseload", reason="test"
    )
    row.refresh_from_db()
    assert len(row.actor_name) == 300
    assert row.actor_name.startswith("F" * 150)
