"""IO-2: the plan as a FHIR R4 Bundle — valid against HL7's official R4 JSON schema and the
fhir.resources models, for every demo person; a round trip (export → import into another
team → export) keeps everything the mapping (docs/fhir-mapping.md) promises; malformed
Bundles are refused with the reason; the export command goes through the permissions."""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils.dateparse import parse_datetime

from conftest import sign_in
from goldenthread.accounts.models import Role, Team, User
from goldenthread.api.fhir import codes as c
from goldenthread.api.fhir.export import bundle_for
from goldenthread.api.fhir.importer import ImportRefused, import_plan
from goldenthread.api.fhir.validate import bundle_errors
from goldenthread.api.models import PlanTransfer, ReceivedRecord
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.people.models import Person

REFERENCE = Path(
    os.environ.get("GOLDENTHREAD_REFERENCE_DIR")
    or (Path(__file__).resolve().parents[3].parent / "shared" / "reference")
)
R4_SCHEMA = REFERENCE / "fhir-r4" / "json-schema" / "fhir.schema.json"


def need_reference():
    if not R4_SCHEMA.exists():
        pytest.skip(
            f"shared reference data not found: {R4_SCHEMA} (expected beside the "
            "repository, in ../shared/reference)"
        )


@pytest.fixture(scope="module")
def r4_schema_or_none():
    return json.loads(R4_SCHEMA.read_text()) if R4_SCHEMA.exists() else None


@pytest.fixture(scope="module")
def r4_schema(r4_schema_or_none):
    need_reference()
    return r4_schema_or_none


@pytest.fixture(scope="module")
def r4_validator(r4_schema):
    from jsonschema import Draft6Validator

    return Draft6Validator(r4_schema)


@pytest.fixture
def demo(demo_data_for_module, db, pinned_clock):
    """The demo people (loaded once for this module's tests: conftest.py)."""
    return list(Person.objects.select_related("team", "area").order_by("family_name", "id"))


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


# --- Valid FHIR R4 ------------------------------------------------------------------------


def _required_code_elements(schema: dict) -> dict[tuple[str, str], set[str]]:
    """Every element with a required binding (an enum in HL7's schema) reachable from the
    resources we exchange, by the schema's definition name and the element."""
    definitions = schema["definitions"]
    found: dict[tuple[str, str], set[str]] = {}
    seen: set[str] = set()
    stack = ["Bundle", "Patient", "RelatedPerson", "CarePlan", "Goal", "Observation", "Provenance"]
    while stack:
        name = stack.pop()
        if name in seen or "properties" not in definitions.get(name, {}):
            continue
        seen.add(name)
        for element, spec in definitions[name]["properties"].items():
            item = spec.get("items", spec)
            if "enum" in item:
                found[(name, element)] = set(item["enum"])
            elif "$ref" in item and not item["$ref"].endswith("/ResourceList"):
                stack.append(item["$ref"].rsplit("/", 1)[-1])
    return found


def _model_class_name(schema_name: str) -> str:
    """HL7's schema names a backbone element `CarePlan_Detail`; fhir.resources calls the
    class by its whole path, `CarePlanActivityDetail`."""
    whole_paths = {
        "CarePlan_Detail": "CarePlanActivityDetail",
        "Bundle_Request": "BundleEntryRequest",
        "Bundle_Search": "BundleEntrySearch",
    }
    return whole_paths.get(schema_name, schema_name.replace("_", ""))


def test_the_required_codes_are_r4s(r4_schema):
    """The product's table of required bindings is HL7's R4, element by element, and covers
    every such element reachable from the resources we exchange (IO-2)."""
    from fhir.resources.R4B import get_fhir_model_class

    from goldenthread.api.fhir.validate import R4_REQUIRED_CODES

    expected = {
        (_model_class_name(name), element): codes
        for (name, element), codes in _required_code_elements(r4_schema).items()
    }
    assert len(expected) >= 30
    assert {key: set(codes) for key, codes in R4_REQUIRED_CODES.items()} == expected
    for class_name, element in R4_REQUIRED_CODES:
        assert element in get_fhir_model_class(class_name).model_fields, (class_name, element)


def test_the_resource_types_r4_lacks_are_r4bs_new_ones(r4_schema):
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.resource import Resource

    from goldenthread.api.fhir.validate import NOT_IN_R4

    r4 = set(r4_schema["discriminator"]["mapping"])
    import fhir.resources.R4B.fhirtypes as types

    r4b = set()
    for name in (n.removesuffix("Type") for n in dir(types) if n.endswith("Type")):
        try:
            model = get_fhir_model_class(name)
        except (KeyError, ValueError, AttributeError, ModuleNotFoundError):
            continue
        if isinstance(model, type) and issubclass(model, Resource):
            if model.get_resource_type() == name and name not in {"Resource", "DomainResource"}:
                r4b.add(name)
    assert r4b - r4 == NOT_IN_R4


def test_every_demo_persons_bundle_is_valid_r4(demo, r4_validator):
    assert len(demo) >= 30
    kinds = set()
    for person in demo:
        bundle = bundle_for(person)
        # HL7's schema, whole (the root's oneOf over every resource type), from shared/.
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in r4_validator.iter_errors(bundle)
        ]
        assert not errors, (person.pk, errors[:5])
        assert not bundle_errors(bundle), (person.pk, bundle_errors(bundle))
        kinds |= {e["resource"]["resourceType"] for e in bundle["entry"]}
    # The demo exercises every kind of resource the mapping uses.
    assert kinds == {"Patient", "RelatedPerson", "CarePlan", "Goal", "Observation", "Provenance"}


@pytest.mark.parametrize(
    "break_it, found_in",
    [
        (lambda b: resources(b, "Goal")[0]["description"].update(text=""), "text"),
        (lambda b: resources(b, "Goal")[0].update(outcomeOfThePlan="x"), "outcomeOfThePlan"),
        (lambda b: resources(b, "Goal")[0].update(lifecycleStatus="finished"), "lifecycleStatus"),
        (lambda b: resources(b, "Goal")[0].pop("subject"), "subject"),
        (lambda b: resources(b, "Patient")[0].update(gender="m"), "gender"),
        (lambda b: resources(b, "Patient")[0]["name"][0].update(use="formal"), "name/0/use"),
        (lambda b: b.update(type="bag"), "Bundle/type"),
        (
            lambda b: b["entry"].append({"resource": {"resourceType": "Citation", "status": "x"}}),
            "'Citation' is not a FHIR R4 resource type",
        ),
    ],
    ids=[
        "empty-string",
        "unknown-element",
        "code-outside-required-binding",
        "missing-required",
        "bad-gender",
        "bad-name-use",
        "bad-bundle-type",
        "r4b-only-resource",
    ],
)
def test_the_checks_can_fail(full_record, practitioner, r4_schema_or_none, break_it, found_in):
    """The product's check refuses what R4 refuses: an empty string, an element R4 does not
    have, a code outside a required binding, a missing required element, a resource type
    R4 does not have; and HL7's schema (where shared/ is beside us) agrees."""
    bundle = bundle_for(Person.objects.get(pk=full_record["person_id"]))
    assert not bundle_errors(bundle)
    broken = copy.deepcopy(bundle)
    break_it(broken)
    problems = bundle_errors(broken)
    assert problems and any(found_in in p for p in problems), problems
    if r4_schema_or_none is not None:
        from jsonschema import Draft6Validator

        assert list(Draft6Validator(r4_schema_or_none).iter_errors(broken))


def test_bundle_carries_what_the_mapping_promises(full_record, practitioner):
    person = Person.objects.get(pk=full_record["person_id"])
    person.preferred_name, person.communication_needs = "Jeannie", "Speak slowly."
    person.save()
    bundle = bundle_for(person, exported_by=practitioner)
    assert bundle["type"] == "collection"
    (patient,) = resources(bundle, "Patient")
    assert {"system": c.CHI_SYSTEM, "value": person.chi_number} in patient["identifier"]
    assert patient["name"][0] == {"use": "official", "family": "Macdonald", "given": ["Jean"]}
    assert patient["name"][1] == {"use": "usual", "given": ["Jeannie"]}
    assert patient["birthDate"] == person.date_of_birth.isoformat()
    (related,) = resources(bundle, "RelatedPerson")
    assert related["name"] == [{"text": "Ann Macdonald"}]
    assert related["relationship"] == [{"text": "Daughter"}]
    (plan,) = resources(bundle, "CarePlan")
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["author"]["display"].startswith("Pat Kerr (Practitioner)")
    outcome = person.outcomes.get()
    (goal,) = resources(bundle, "Goal")
    assert goal["description"]["text"] == outcome.statement
    assert goal["target"][0]["dueDate"] == outcome.target_date.isoformat()
    assert goal["lifecycleStatus"] == "active"
    assert plan["goal"] == [{"reference": f"urn:uuid:{outcome.pk}"}]
    solution = person.support_solutions.get()
    (activity,) = plan["activity"]
    assert activity["detail"]["code"]["text"] == solution.what
    assert activity["detail"]["goal"] == [{"reference": f"urn:uuid:{outcome.pk}"}]
    step = next(e for e in activity["detail"]["extension"] if e["url"] == c.EXT_SUPPORT_STEP)
    assert step["valueCoding"]["code"] == solution.step
    # Agreement where recorded: the solution's change to "agreed".
    agreements = [
        p
        for p in resources(bundle, "Provenance")
        if p["activity"]["coding"][0]["code"] == c.KIND_AGREEMENT
    ]
    assert len(agreements) == solution.status_changes.filter(to_status="agreed").count() == 1


def test_achievement_status_comes_from_the_latest_review(demo):
    reviewed = [p for p in demo if p.outcome_reviews.exists()]
    assert reviewed
    for person in reviewed[:5]:
        bundle = bundle_for(person)
        for goal in resources(bundle, "Goal"):
            latest = (
                person.outcome_reviews.filter(outcome_id=goal["id"])
                .order_by("-review__held_on", "-created_at")
                .first()
            )
            if latest is None:
                assert "achievementStatus" not in goal
            else:
                codes = {x["system"]: x["code"] for x in goal["achievementStatus"]["coding"]}
                assert codes[c.REVIEW_RATING] == latest.rating
                assert codes[c.GOAL_ACHIEVEMENT] == c.RATING_ACHIEVEMENT[latest.rating]


# --- The round trip -----------------------------------------------------------------------


def canonical(bundle: dict) -> dict:
    """What the mapping promises, with the sending system's ids replaced by positions."""

    def own(goal):  # a goal's own content, to name it without its id or its position
        return json.dumps(
            [
                goal["description"],
                goal.get("target"),
                goal["lifecycleStatus"],
                goal.get("extension")[:1],
            ],
            sort_keys=True,
        )

    goals = sorted(resources(bundle, "Goal"), key=own)
    index = {g["id"]: n for n, g in enumerate(goals)}
    observations = {o["id"]: o for o in resources(bundle, "Observation")}

    def ext(resource, url, kind):
        return next((e.get(kind) for e in resource.get("extension", []) if e["url"] == url), None)

    def goal_of(reference):
        return index[reference["reference"][len("urn:uuid:") :]]

    (patient,) = resources(bundle, "Patient")
    (plan,) = resources(bundle, "CarePlan")
    out = {
        "patient": {
            "name": patient["name"],
            "birthDate": patient["birthDate"],
            "chi": [i for i in patient["identifier"] if i["system"] == c.CHI_SYSTEM],
            "extension": patient.get("extension"),
        },
        "circle": sorted(
            json.dumps(
                {k: v for k, v in r.items() if k not in {"id", "identifier", "patient"}},
                sort_keys=True,
            )
            for r in resources(bundle, "RelatedPerson")
        ),
        "plan": {"status": plan["status"]},
        "goals": [
            {
                **{
                    k: v
                    for k, v in g.items()
                    if k
                    not in {"id", "identifier", "startDate", "extension", "subject", "expressedBy"}
                },
                "status": ext(g, c.EXT_OUTCOME_STATUS, "valueCoding"),
                "baseline": ext(g, c.EXT_BASELINE, "valueString"),
                "change": ext(g, c.EXT_POSITIVE_CHANGE, "valueString"),
                "replaces": goal_of(ext(g, c.EXT_REPLACES, "valueReference"))
                if ext(g, c.EXT_REPLACES, "valueReference")
                else None,
            }
            for g in goals
        ],
        "activities": sorted(
            json.dumps(
                {
                    "goal": goal_of(a["detail"]["goal"][0]),
                    **{k: v for k, v in a["detail"].items() if k not in {"goal"}},
                    "extension": [
                        e for e in a["detail"]["extension"] if e["url"] != c.EXT_SOURCE_RECORD
                    ],
                },
                sort_keys=True,
            )
            for a in plan.get("activity", [])
        ),
        "reviews": [],
    }
    for review in sorted(
        (o for o in observations.values() if o["code"]["coding"][0]["code"] == c.KIND_REVIEW),
        key=lambda o: o["effectiveDateTime"],
    ):
        members = []
        for member in review.get("hasMember", []):
            m = observations[member["reference"][len("urn:uuid:") :]]
            kept = {
                k: v
                for k, v in m.items()
                if k
                in {"status", "code", "valueCodeableConcept", "valueString", "note", "component"}
            }
            kept["goal"] = goal_of(m["focus"][0])
            rewritten = ext(m, c.EXT_REWRITTEN_AS, "valueReference")
            kept["rewritten_as"] = goal_of(rewritten) if rewritten else None
            if m["code"]["coding"][0]["code"] == c.KIND_PERSON_VIEW:
                kept["performer"] = (
                    "the person"
                    if "reference" in m["performer"][0]
                    else m["performer"][0]["display"]
                )
            members.append(json.dumps(kept, sort_keys=True))
        out["reviews"].append(
            {
                "held_on": review["effectiveDateTime"],
                "status": review["status"],
                "learned": review.get("valueString"),
                "next": review.get("extension"),
                "members": sorted(members),
            }
        )
    return out


def _held_elsewhere(person: Person) -> None:
    """The receiving council is another database: the person is not recorded there. Here
    the sent record stays, so it is made to match no one an import is checked against: no
    CHI number, and another last name (a name and date of birth are matched too)."""
    Person.objects.filter(pk=person.pk).update(
        chi_number="", family_name=f"{person.family_name} as sent"
    )


def test_round_trip_keeps_everything_the_mapping_promises(demo):
    """Every demo person: export, import into another team as its team leader, export
    again: the same person, circle, outcomes, solutions and review history."""
    reviewed = 0
    for person in demo:
        sent = bundle_for(person)
        _held_elsewhere(person)
        team = Team.objects.exclude(pk=person.team_id).order_by("name").first()
        leader = User.objects.get(team=team, role=Role.TEAM_LEADER)
        result = import_plan(actor=leader, team=team, raw=json.dumps(sent).encode())
        received = bundle_for(result.person)
        assert canonical(received) == canonical(sent), person.pk
        # The next review date: set when it is today or later; one already past is kept
        # as sent in the transfer record (the service sets no date in the past).
        (sent_plan,), (received_plan,) = (
            resources(sent, "CarePlan"),
            resources(received, "CarePlan"),
        )
        due = next(
            (
                e["valueDate"]
                for e in sent_plan.get("extension", [])
                if e["url"] == c.EXT_NEXT_REVIEW
            ),
            None,
        )
        if due is None or due >= "2026-06-03":
            assert received_plan.get("extension") == sent_plan.get("extension")
        else:
            note = ReceivedRecord.objects.get(object_id=str(result.person.pk)).note
            assert "has passed" in note
        reviewed += bool(resources(sent, "Observation"))
        # Marked as received: from where and when, and each record's source.
        transfer = PlanTransfer.objects.get(person=result.person)
        assert transfer.sent_at == parse_datetime(sent["timestamp"])
        assert ReceivedRecord.objects.filter(
            transfer=transfer, object_type="people.Person", object_id=str(result.person.pk)
        ).exists()
    assert reviewed >= 10  # the round trip covered people with review history


def test_import_is_audited_and_marked_received(
    full_record, team_leader, other_team_leader, other_team, client
):
    person = Person.objects.get(pk=full_record["person_id"])
    sent = bundle_for(person, exported_by=team_leader)
    _held_elsewhere(person)
    result = import_plan(actor=other_team_leader, team=other_team, raw=json.dumps(sent).encode())
    new = result.person
    assert new.team == other_team and new.pk != person.pk
    assert "Northfield Community Care Team" in result.transfer.sent_by
    row = AccessLog.objects.get(person_id=new.pk, action=AccessAction.CREATE)
    assert row.actor == other_team_leader and "received" in row.reason.lower()
    # The receiving team leader sees it through the API, marked as received.
    from goldenthread.api.tests.helpers import call, token_for

    body = call(client, "get", f"/api/v1/people/{new.pk}", token_for(other_team_leader)).json()
    assert body["received"][0]["sent_by"] == result.transfer.sent_by
    from goldenthread.audit.models import ChangeRecord

    assert ChangeRecord.objects.filter(
        person_id=new.pk, object_type="outcomes.Outcome", actor=other_team_leader
    ).exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"resourceType": "Patient"}', "not a FHIR Bundle"),
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
            b'{"resourceType": "Goal", "lifecycleStatus": "finished"}}]}',
            "not valid FHIR R4",
        ),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": []}', "exactly one Patient"),
        (b"[" * 100 + b"]" * 100, "nested more than"),
    ],
)
def test_malformed_bundles_are_refused_with_the_reason(team_leader, team, raw, message):
    before = Person.objects.count()
    with pytest.raises(ImportRefused, match=message):
        import_plan(actor=team_leader, team=team, raw=raw)
    assert Person.objects.count() == before


def test_a_bundle_too_large_is_refused(team_leader, team, settings):
    settings.GOLDENTHREAD_FHIR_IMPORT_MAX_MB = 1
    with pytest.raises(ImportRefused, match="the most a plan import reads is 1 MB"):
        import_plan(actor=team_leader, team=team, raw=b" " * (1024 * 1024 + 1))


def test_a_plan_that_cannot_be_imported_whole_leaves_nothing(
    full_record, other_team_leader, other_team
):
    person = Person.objects.get(pk=full_record["person_id"])
    sent = bundle_for(person)
    _held_elsewhere(person)
    for activity in resources(sent, "CarePlan")[0]["activity"]:
        activity["detail"]["code"]["text"] = "x" * 400  # longer than a solution's "what"
    before = (Person.objects.count(), PlanTransfer.objects.count())
    with pytest.raises(ImportRefused, match="Nothing was imported"):
        import_plan(actor=other_team_leader, team=other_team, raw=json.dumps(sent).encode())
    assert (Person.objects.count(), PlanTransfer.objects.count()) == before


UNSTORABLE = [
    ("\x00", "NUL character"),
    ("\ud800", "lone surrogate"),
    # Refused as the forms and the API refuse them (ADR 0037): text lost on the way, marks
    # piled on one letter.
    ("\ufffd", "U+FFFD"),
    ("A" + "\u0301" * 20, "combining marks"),
]


@pytest.mark.parametrize(
    ("bad", "words"), UNSTORABLE, ids=["nul", "lone-surrogate", "replacement", "marks"]
)
@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("Patient", "Bundle/entry/0/resource/name/0/given/0"),
        ("Goal", "description/text"),
        ("CarePlan", "activity/0/detail/code/text"),
        ("key", "(the name of an element)"),
    ],
)
def test_text_that_cannot_be_stored_is_refused_by_where_it_is(
    full_record, other_team_leader, other_team, bad, words, where, path
):
    """IO-2, SEC: NUL or a lone surrogate in any text of a Bundle is refused naming the
    element, as the API's schemas refuse it (schemas.Input); nothing is stored, never a 500."""
    person = Person.objects.get(pk=full_record["person_id"])
    sent = bundle_for(person)
    _held_elsewhere(person)
    if where == "key":
        sent["entry"][0]["resource"]["gt" + bad] = "x"
    elif where == "Patient":
        assert sent["entry"][0]["resource"]["resourceType"] == "Patient"
        sent["entry"][0]["resource"]["name"][0]["given"][0] = "Je" + bad + "an"
    elif where == "Goal":
        resources(sent, "Goal")[0]["description"]["text"] += bad
    else:
        resources(sent, "CarePlan")[0]["activity"][0]["detail"]["code"]["text"] += bad
    before = (Person.objects.count(), PlanTransfer.objects.count())
    raw = json.dumps(sent).encode()  # ensure_ascii: the JSON escapes \u0000 and \ud800
    with pytest.raises(ImportRefused) as refused:
        import_plan(actor=other_team_leader, team=other_team, raw=raw)
    message = str(refused.value)
    assert "cannot be stored" in message and words in message and path in message
    assert (Person.objects.count(), PlanTransfer.objects.count()) == before


def test_a_person_already_recorded_is_not_imported_twice(full_record, team_leader, team):
    sent = bundle_for(Person.objects.get(pk=full_record["person_id"]))
    with pytest.raises(ImportRefused, match="already recorded here"):
        import_plan(actor=team_leader, team=team, raw=json.dumps(sent).encode())


def test_only_a_caseworker_of_the_team_imports(full_record, administrator, team_leader, other_team):
    from django.core.exceptions import PermissionDenied

    sent = json.dumps(bundle_for(Person.objects.get(pk=full_record["person_id"]))).encode()
    with pytest.raises(PermissionDenied):
        import_plan(actor=administrator, team=other_team, raw=sent)
    with pytest.raises(PermissionDenied, match="not in the team"):
        import_plan(actor=team_leader, team=other_team, raw=sent)


# --- The commands -------------------------------------------------------------------------


def test_export_all_writes_one_file_per_visible_person_and_logs_each(demo, tmp_path):
    user = User.objects.get(username="practitioner")
    visible = set(Person.objects.visible_to(user).values_list("pk", flat=True))
    assert visible
    call_command(
        "export_fhir", "--all", "--as", "practitioner", "--out", str(tmp_path), stdout=io.StringIO()
    )
    files = {p.stem for p in tmp_path.glob("*.json")}
    assert files == {str(pk) for pk in visible}
    for path in tmp_path.glob("*.json"):
        bundle = json.loads(path.read_text())
        assert resources(bundle, "Patient")[0]["id"] == path.stem
    rows = AccessLog.objects.filter(actor=user, action=AccessAction.EXPORT)
    assert {r.person_id for r in rows} == visible and rows.count() == len(visible)


def test_export_of_someone_not_visible_is_refused_and_logged(full_record, other_practitioner):
    with pytest.raises(CommandError, match="may not open"):
        call_command(
            "export_fhir",
            "--person",
            str(full_record["person_id"]),
            "--as",
            "sam",
            stdout=io.StringIO(),
        )
    row = AccessLog.objects.get(actor=other_practitioner)
    assert row.action == AccessAction.DENIED and row.person_id == full_record["person_id"]


def test_export_needs_a_named_user(full_record):
    with pytest.raises(CommandError, match="--as"):
        call_command("export_fhir", "--person", str(full_record["person_id"]))


def test_import_command(full_record, other_team_leader, other_team, tmp_path):
    person = Person.objects.get(pk=full_record["person_id"])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(bundle_for(person)))
    _held_elsewhere(person)
    out = io.StringIO()
    call_command(
        "import_fhir",
        str(path),
        "--team",
        other_team.name,
        "--as",
        other_team_leader.username,
        stdout=out,
    )
    assert "Imported Jean Macdonald" in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command(
            "import_fhir", str(bad), "--team", other_team.name, "--as", other_team_leader.username
        )


def test_api_fhir_is_logged_as_an_export(client, full_record, practitioner):
    sign_in(client, practitioner)
    response = client.get(f"/api/v1/people/{full_record['person_id']}/fhir")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["resourceType"] == "Bundle"
    row = AccessLog.objects.get(actor=practitioner)
    assert row.action == AccessAction.EXPORT and row.what == "api:person_fhir"


# --- Text kept as typed text is (ADR 0037, SEC-6, IO-2) -------------------------------------

RLO = "\u202e"
INVISIBLE = "\u200b\u2060\u200d\ufeff"


def test_direction_controls_are_removed_from_a_bundles_free_text(
    full_record, team_leader, other_team_leader, other_team
):
    from goldenthread.support.models import Solution

    person = Person.objects.get(pk=full_record["person_id"])
    sent = bundle_for(person, exported_by=team_leader)
    _held_elsewhere(person)
    goal = resources(sent, "Goal")[0]
    statement = goal["description"]["text"]
    goal["description"]["text"] = f"{RLO}{statement}\u2066"
    activity = resources(sent, "CarePlan")[0]["activity"][0]["detail"]
    what = activity["code"]["text"]
    activity["code"]["text"] = f"{what}{RLO} (evomeR)"
    result = import_plan(actor=other_team_leader, team=other_team, raw=json.dumps(sent).encode())
    statements = list(result.person.outcomes.values_list("statement", flat=True))
    assert statement in statements
    assert not any(RLO in text or "\u2066" in text for text in statements)
    assert Solution.objects.filter(person=result.person, what=f"{what} (evomeR)").exists()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("given", "The Patient needs a family name and a given name."),
        ("statement", "statement: "),
    ],
)
def test_a_required_value_of_only_invisible_characters_is_refused_naming_it(
    full_record, other_team_leader, other_team, where, message
):
    person = Person.objects.get(pk=full_record["person_id"])
    sent = bundle_for(person)
    _held_elsewhere(person)
    if where == "given":
        sent["entry"][0]["resource"]["name"][0]["given"] = [INVISIBLE]
    else:
        resources(sent, "Goal")[0]["description"]["text"] = INVISIBLE + " \u3164"
    before = (Person.objects.count(), PlanTransfer.objects.count())
    with pytest.raises(ImportRefused) as refused:
        import_plan(actor=other_team_leader, team=other_team, raw=json.dumps(sent).encode())
    assert message in str(refused.value)
    assert (Person.objects.count(), PlanTransfer.objects.count()) == before


def test_a_name_with_a_direction_control_is_refused_not_changed(
    full_record, other_team_leader, other_team
):
    person = Person.objects.get(pk=full_record["person_id"])
    sent = bundle_for(person)
    _held_elsewhere(person)
    sent["entry"][0]["resource"]["name"][0]["family"] = f"{RLO}htimS"
    before = (Person.objects.count(), PlanTransfer.objects.count())
    with pytest.raises(ImportRefused, match="Last name has a hidden character"):
        import_plan(actor=other_team_leader, team=other_team, raw=json.dumps(sent).encode())
    assert (Person.objects.count(), PlanTransfer.objects.count()) == before
