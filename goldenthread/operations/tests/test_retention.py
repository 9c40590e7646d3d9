"""Retention (OPS-7): records past their period are destroyed whole, each leaving a
tombstone, and the audit chains still verify."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from goldenthread.audit.models import ChangeRecord
from goldenthread.operations import retention
from goldenthread.operations.models import Tombstone
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Allocation, Person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 3)


@pytest.fixture
def closed_long_ago(full_record, person):
    """The full record, its allocations all ended over six years before TODAY."""
    Allocation.objects.filter(person=person).update(
        start_date=datetime.date(2015, 1, 5), end_date=datetime.date(2020, 3, 31)
    )
    return person


def test_a_dry_run_lists_and_destroys_nothing(closed_long_ago, practitioner):
    still_open = PersonFactory()
    AllocationFactory(person=still_open, worker=practitioner)
    recent = PersonFactory()
    AllocationFactory(
        person=recent,
        worker=practitioner,
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    out = io.StringIO()
    call_command("retention", "--today", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert str(closed_long_ago.pk) in text
    assert str(still_open.pk) not in text and str(recent.pk) not in text
    assert closed_long_ago.given_name not in text  # ids and dates, no names
    assert "Nothing was destroyed" in text
    assert Person.objects.filter(pk=closed_long_ago.pk).exists()
    assert not Tombstone.objects.exists()


def test_destruction_removes_the_whole_record_and_leaves_a_tombstone(
    closed_long_ago, administrator
):
    pk = closed_long_ago.pk
    before = ChangeRecord.objects.count()
    call_command(
        "retention",
        "--apply",
        "--as",
        administrator.username,
        "--today",
        TODAY.isoformat(),
        stdout=io.StringIO(),
    )
    assert not Person.objects.filter(pk=pk).exists()
    tombstone = Tombstone.objects.get()
    assert (tombstone.record_id, tombstone.rule) == (str(pk), "person-record")
    assert tombstone.destroyed_by == administrator
    assert tombstone.counted_from == datetime.date(2020, 3, 31)
    assert tombstone.rows["people.Person"] == 1
    assert tombstone.rows["people.Allocation"] >= 1
    assert len(tombstone.rows) > 3  # the record's items in the other apps went too
    for label, _count in tombstone.rows.items():
        from django.apps import apps

        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Person:
                assert not model._base_manager.filter(**{field.name: pk}).exists()
    # The tombstone's creation is in the change history, and the chains still verify.
    created = ChangeRecord.objects.filter(object_type="operations.Tombstone")
    assert created.get().person_id == pk
    assert ChangeRecord.objects.count() == before + 1
    call_command("audit_verify", stdout=io.StringIO())
    # Tombstones are never changed.
    with pytest.raises(Exception, match="cannot be"):
        tombstone.delete()


def test_only_administrators_apply_retention(closed_long_ago, practitioner):
    with pytest.raises(CommandError, match="not an administrator"):
        call_command("retention", "--apply", "--as", practitioner.username)
    assert Person.objects.filter(pk=closed_long_ago.pk).exists()


def test_the_schedule_is_configurable(closed_long_ago, settings):
    settings.GOLDENTHREAD_RETENTION = {"person-record": {"years": 10, "source": "test"}}
    assert retention.due(TODAY) == []
    settings.GOLDENTHREAD_RETENTION = {}
    assert retention.due(TODAY) == []


def test_the_schedule_as_actor_and_a_stop_at_shared_records(closed_long_ago, monkeypatch):
    result = retention.apply(actor=retention.SCHEDULED_RETENTION, dry_run=False, today=TODAY)
    assert result.tombstones[0].destroyed_by is None
    assert result.tombstones[0].destroyed_by_name.startswith("Golden Thread")
    # A path from a person's record to shared rows (accounts, audit) stops everything.
    other = PersonFactory()
    AllocationFactory(
        person=other, start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2011, 1, 1)
    )
    monkeypatch.setattr(retention, "NEVER_DESTROYED", ("people.",))
    with pytest.raises(retention.RetentionError):
        retention.apply(actor=retention.SCHEDULED_RETENTION, dry_run=False, today=TODAY)
    assert Person.objects.filter(pk=other.pk).exists()
