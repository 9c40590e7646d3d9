"""A plan imported without a CHI number matching someone already recorded by name and date
of birth (IO-2, SEC-2, SEC-3; people/tests/test_same_name_and_birth.py for the pages).

It used to make a second record, unasked. An import is now refused as the page refuses the
person, before anything is written: someone the importer may see is named by id and
`import-fhir --different-person` imports a genuine namesake (kept in the history); anyone
else goes to the importer's team leader as a possible duplicate, revealing nothing.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from goldenthread.api.fhir.export import bundle_for
from goldenthread.api.fhir.importer import ImportRefused, import_plan
from goldenthread.api.models import PlanTransfer
from goldenthread.audit.models import AccessAction, AccessLog, ChangeRecord
from goldenthread.people.models import Person, PossibleDuplicate

MAY_BE_KNOWN = "This name and date of birth may belong to someone already known"


def _sent(person) -> bytes:
    """The plan of `person` as another council would send it, with no CHI number."""
    Person.objects.filter(pk=person.pk).update(chi_number="")
    person.refresh_from_db()
    return json.dumps(bundle_for(person)).encode()


def test_an_import_matching_someone_unseen_is_refused_and_sent_to_the_team_leader(
    full_record, other_team_leader, other_team
):
    person = Person.objects.get(pk=full_record["person_id"])
    raw = _sent(person)
    before = (Person.objects.count(), PlanTransfer.objects.count())
    with pytest.raises(ImportRefused) as refused:
        import_plan(actor=other_team_leader, team=other_team, raw=raw)
    message = str(refused.value)
    assert MAY_BE_KNOWN in message and "Nothing was imported" in message
    assert str(person.pk) not in message and person.team.name not in message
    assert (Person.objects.count(), PlanTransfer.objects.count()) == before
    request = PossibleDuplicate.objects.get()  # kept: asked before the import's transaction
    assert request.matched_on == PossibleDuplicate.MatchedOn.NAME_AND_BIRTH
    assert request.requested_by == other_team_leader and request.existing_person_id == person.pk
    row = AccessLog.objects.get(person_id=person.pk, action=AccessAction.DENIED)
    assert row.what == "goldenthread import-fhir"


def test_an_import_matching_someone_seen_names_them_and_imports_once_confirmed(
    full_record, team_leader, team, tmp_path
):
    person = Person.objects.get(pk=full_record["person_id"])
    path = tmp_path / "plan.json"
    path.write_bytes(_sent(person))
    before = Person.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("import_fhir", str(path), "--team", team.name, "--as", team_leader.username)
    message = str(refused.value)
    assert "same name and date of birth" in message and f"person {person.pk}" in message
    assert "--different-person" in message
    assert Person.objects.count() == before and not PossibleDuplicate.objects.exists()

    out = io.StringIO()
    call_command(
        "import_fhir",
        str(path),
        "--team",
        team.name,
        "--as",
        team_leader.username,
        "--different-person",
        stdout=out,
    )
    assert "Imported Jean Macdonald" in out.getvalue()
    new = Person.objects.exclude(pk=person.pk).get(family_name=person.family_name)
    created = ChangeRecord.objects.get(object_id=str(new.pk), action="create")
    assert (
        "different person" in created.after["reason"] and str(person.pk) in created.after["reason"]
    )


def test_a_name_the_check_refuses_is_the_imports_refusal_with_the_reason(
    full_record, other_team_leader, other_team
):
    """What the service refuses in the check before the transaction (a hidden character in
    a name) is an ImportRefused with the reason, as it was inside the transaction."""
    person = Person.objects.get(pk=full_record["person_id"])
    sent = json.loads(_sent(person))
    Person.objects.filter(pk=person.pk).update(family_name="Held elsewhere")
    patient = sent["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    patient["name"][0]["family"] = "Mac\u202edonald"
    before = Person.objects.count()
    with pytest.raises(ImportRefused, match="hidden character") as refused:
        import_plan(actor=other_team_leader, team=other_team, raw=json.dumps(sent).encode())
    assert "Nothing was imported" in str(refused.value)
    assert Person.objects.count() == before
