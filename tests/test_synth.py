"""OPS-2: synthetic data is internally consistent and the same for the same seed."""

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import F

from goldenthread.audit.models import AccessLog
from goldenthread.conversations.models import PositiveChange
from goldenthread.outcomes.models import Outcome
from goldenthread.people.chi import is_valid_chi
from goldenthread.people.models import Allocation, Person
from goldenthread.support.models import Solution
from goldenthread.synth.generate import generate
from goldenthread.synth.writer import BulkWriter


@pytest.mark.django_db(transaction=True)
def test_tiny_preset_is_consistent_and_deterministic():
    call_command("synth", preset="tiny", people=120, seed=5, stdout=open("/dev/null", "w"))
    assert Person.objects.count() == 120
    first = sorted(Person.objects.values_list("chi_number", flat=True))
    assert all(is_valid_chi(chi) for chi in first)
    # Every item belongs to its person's own record.
    assert not Outcome.objects.exclude(person=F("positive_change__person")).exists()
    assert not Outcome.objects.exclude(person=F("conversation__person")).exists()
    assert not Solution.objects.exclude(person=F("outcome__person")).exists()
    assert not PositiveChange.objects.filter(from_not_working__isnull=True).exists()
    assert not Allocation.objects.exclude(worker__team=F("person__team")).exists()
    assert AccessLog.objects.filter(person_id__isnull=False).count() >= 120 * 3
    # Every person is visible to their allocated worker through the scoped door.
    allocation = Allocation.objects.filter(end_date__isnull=True).select_related("worker").first()
    assert Person.objects.visible_to(allocation.worker).filter(pk=allocation.person_id).exists()
    # It refuses to mix synthetic people into a database that already holds people.
    with pytest.raises(CommandError, match="already holds people"):
        call_command("synth", preset="tiny", people=10, seed=5, stdout=open("/dev/null", "w"))


class CapturingWriter(BulkWriter):
    def __init__(self):
        super().__init__()
        self.captured = {}

    def write(self, model, columns, rows):
        self.captured.setdefault(model._meta.db_table, []).extend(rows)
        return len(rows)


def _run(seed):
    writer = CapturingWriter()
    with time_machine.travel("2026-06-01 12:00:00+00:00", tick=False):
        generate(writer, people=40, seed=seed)
    return writer.captured


def test_same_seed_same_rows_and_another_seed_other_rows():
    first, second, other = _run(9), _run(9), _run(10)
    assert first == second
    assert first["people_person"] != other["people_person"]
    assert len(first["people_person"]) == 40
