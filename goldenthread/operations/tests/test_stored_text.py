"""Text stored before ADR 0037 still carrying direction controls (SEC-8): found by a dry
run, cleaned by `goldenthread clean-stored-text --apply` as a form post now is, each row's
change in the change history by the named system actor; names listed, never changed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from goldenthread.audit.models import ChangeRecord
from goldenthread.conversations.factories import MattersItemFactory
from goldenthread.conversations.models import MattersItem
from goldenthread.directory.factories import CommunityResourceFactory
from goldenthread.directory.models import CommunityResource
from goldenthread.operations import stored_text
from goldenthread.people.models import Person

pytestmark = pytest.mark.django_db

RLO = "\u202e"
LRI = "\u2066"
PDI = "\u2069"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("clean_stored_text", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stored(person):
    """Rows written before ADR 0037: updated straight in the table, as old rows were."""
    items = [MattersItemFactory(person=person, conversation__person=person) for _ in range(3)]
    MattersItem.objects.filter(pk=items[0].pk).update(text=f"{RLO}Seeing my friends")
    MattersItem.objects.filter(pk=items[1].pk).update(text=f"My {LRI}garden{PDI}, العربية")
    Person.objects.filter(pk=person.pk).update(
        communication_needs=f"Uses {RLO}BSL", given_name=f"Ann{RLO}"
    )
    resource = CommunityResourceFactory(description=f"Lunch {LRI}club{PDI}")
    return {"person": person, "items": items, "resource": resource}


def test_a_dry_run_counts_and_changes_nothing(stored):
    changes = ChangeRecord.objects.count()
    text = run()
    assert "Would clean 4 rows of direction controls" in text
    assert "- conversations.MattersItem: 2" in text and "- people.Person: 1" in text
    assert "- directory.CommunityResource: 1" in text
    assert f"- people.Person: {stored['person'].pk}" in text  # the name: by id only
    assert "Ann" not in text
    assert "Nothing was changed (a dry run)" in text
    assert MattersItem.objects.filter(text__contains=RLO).exists()
    assert ChangeRecord.objects.count() == changes


def test_apply_cleans_the_text_and_records_each_change(stored, monkeypatch):
    monkeypatch.setattr(stored_text, "BATCH", 1)  # a transaction a row: batches join up
    person = stored["person"]
    version = Person.objects.get(pk=person.pk).version
    changes = ChangeRecord.objects.count()
    text = run("--apply")
    assert "Cleaned 4 rows of direction controls" in text
    first, second, untouched = (MattersItem.objects.get(pk=i.pk) for i in stored["items"])
    assert first.text == "Seeing my friends"
    assert second.text == "My garden, العربية"
    assert untouched.text == stored["items"][2].text
    person = Person.objects.get(pk=person.pk)
    assert person.communication_needs == "Uses BSL"
    assert person.given_name == f"Ann{RLO}"  # a name is not changed: refused when typed
    assert person.version == version + 1  # an edit open on the old copy is refused
    assert CommunityResource.objects.get().description == "Lunch club"

    new = ChangeRecord.objects.order_by("seq")[changes:]
    assert len(new) == 4
    assert {r.actor_name for r in new} == {stored_text.CLEANER.name}
    assert all(r.actor_id is None and r.action == "update" for r in new)
    by_object = {r.object_id: r for r in new}
    item = by_object[str(first.pk)]
    assert item.person_id == person.pk
    assert (item.before["text"], item.after["text"]) == (f"{RLO}Seeing my friends", first.text)
    assert by_object[str(person.pk)].person_id == person.pk
    assert by_object[str(stored["resource"].pk)].person_id is None

    again = run("--apply")
    assert "No stored text has a direction control." in again
    assert f"- people.Person: {person.pk}" in again
    assert ChangeRecord.objects.count() == changes + 4
    call_command("audit_verify", stdout=io.StringIO())  # the chains are only appended to


def test_history_and_the_audit_log_are_left_as_they_were():
    labels = {model._meta.label for model in stored_text.tables()}
    assert not any(label.startswith(("audit.", "operations.")) for label in labels)
    assert "sds.Decision" not in labels  # append-only history: what it said then
    assert "risk.RiskAgreement" not in labels
    assert "conversations.MattersItem" in labels and "people.Person" in labels
    assert "password" not in stored_text.cleaned_fields(
        next(m for m in stored_text.tables() if m._meta.label == "accounts.User")
    )
    assert stored_text.person_path(MattersItem) == "person"


def test_a_row_that_cannot_be_cleaned_is_left_and_listed(person, practitioner):
    """Text of only a control would be blank once cleaned: where an answer is needed (the
    field, or a check of the table's) the row is left as it was and listed by id."""
    from goldenthread.sds.factories import UnmetNeedFactory
    from goldenthread.sds.models import UnmetNeed, UnmetReason

    other = UnmetNeedFactory(
        person=person, recorded_by=practitioner, reason=UnmetReason.OTHER, reason_other="x"
    )
    blank = UnmetNeedFactory(person=person, recorded_by=practitioner)
    fine = UnmetNeedFactory(person=person, recorded_by=practitioner)
    UnmetNeed.objects.filter(pk=other.pk).update(reason_other=RLO)  # a check wants one
    UnmetNeed.objects.filter(pk=blank.pk).update(need=f"{LRI}{PDI}")  # the field wants one
    UnmetNeed.objects.filter(pk=fine.pk).update(need=f"{RLO}Help with shopping")
    changes = ChangeRecord.objects.count()
    text = run("--apply")
    assert "Cleaned 1 row of direction controls" in text
    assert f"- sds.UnmetNeed {blank.pk}: need would be blank" in text
    assert f"- sds.UnmetNeed {other.pk}: " in text and "unmet_need_other_reason_given" in text
    assert UnmetNeed.objects.get(pk=other.pk).reason_other == RLO
    assert UnmetNeed.objects.get(pk=blank.pk).need == f"{LRI}{PDI}"
    assert UnmetNeed.objects.get(pk=fine.pk).need == "Help with shopping"
    assert ChangeRecord.objects.count() == changes + 1
