"""Stored and imported text is shown as text, never as markup (#11, section 2, the first
high finding).

A marker element (with htmx attributes and an `onerror` image) is appended to every
free-text value of every model people write (found by introspection, so a new field is
covered the day it is added), then every page the allocated practitioner and the team
leader can open (found in the URL configuration) is fetched, as a whole page and as an
htmx partial, and parsed: the marker must appear as text and never as an element. The
support plan PDF must show the marker as literal text.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.apps import apps
from django.db import models
from django.db.models.signals import pre_save
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.audit.models import AppendOnlyModel
from goldenthread.ui.htmx import MARK_ATTRIBUTE as HTMX_TOKEN_ATTRIBUTE
from goldenthread.ui.htmx import REQUEST_ATTRIBUTES as HTMX_REQUEST_ATTRIBUTES

MARK = "MARK7F3A"
# Appended to every free-text value that can hold it.
MARKER = (
    f'<b data-gt-marker hx-post="/x" hx-trigger="load">{MARK}</b>'
    f'<img data-gt-marker src=x onerror="document.title=1">'
)
# For values too short for the whole marker (e.g. a phone number or a postcode district).
SHORT_MARKER = f"<b data-gt-marker>{MARK}</b>"
TINY_MARKER = "<gt-m>"  # for the shortest fields (a CHI number: 10 characters)
MARKERS = (MARKER, SHORT_MARKER, TINY_MARKER)
MARKER_TAGS = {"gt-m"}

# Fields that hold no text a person writes, though they are character columns: a password
# hash (changing it signs the user out).
NOT_FREE_TEXT = {
    ("accounts", "User", "password"),
    ("accounts", "SignInCode", "code_hash"),  # a hash; the code itself is never stored
    ("accounts", "Handover", "person_ids"),  # a list of record ids
    # A notification's kind, link and once-only key are the system's, not anyone's words.
    ("accounts", "Notification", "kind"),
    ("accounts", "Notification", "url"),
    ("accounts", "Notification", "key"),
    # A national domain code ("framework:code"), checked against the code list (AGG-4).
    ("conversations", "MattersItem", "domain"),
    ("outcomes", "Outcome", "domain"),
    ("portal", "Invitation", "code_lookup"),  # a keyed hash of the code
    ("portal", "ItemComment", "item_type"),  # which kind of item ("outcomes.Outcome")
    ("portal", "ItemComment", "item_id"),
    ("portal", "CorrectionRequest", "item_type"),
    ("portal", "CorrectionRequest", "item_id"),
    ("portal", "Withholding", "item_type"),
    ("portal", "Withholding", "item_id"),
    # A job's kind, parameters, file path and queue id are the system's (the job page shows
    # its step, result and error, which are filled in the record).
    ("jobs", "Job", "kind"),
    ("jobs", "Job", "params"),
    ("jobs", "Job", "result_file"),
    ("jobs", "Job", "task_result_id"),
    # Stored report figures: codes and counts computed by the service, never anyone's words.
    ("reports", "ReportSnapshot", "key"),
    ("reports", "ReportSnapshot", "measure"),
    ("reports", "ReportSnapshot", "period_code"),
    ("reports", "ReportSnapshot", "cube"),
    ("reports", "ReportSlice", "selection"),
    ("reports", "ReportSlice", "cells"),
    # What retention destroyed: the rule, ids and counts, written by the service; no page
    # shows a person's words from it.
    ("operations", "Tombstone", "rule"),
    ("operations", "Tombstone", "rule_text"),
    ("operations", "Tombstone", "record_type"),
    ("operations", "Tombstone", "record_id"),
    ("operations", "Tombstone", "destroyed_by_name"),
    ("operations", "Tombstone", "rows"),
}
# A user's names and username are copied together into 300-character columns (the audit
# log's actor_name: "full name (username)"), so they carry the shorter marker.
SHORTER = {"accounts.User": (SHORT_MARKER, TINY_MARKER)}


# --- Which values are free text -------------------------------------------------------


def written_models() -> list[type[models.Model]]:
    """Every model of the service's own apps except the audit log and change history, which
    the service writes itself (they copy the marked values, and are append-only)."""
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("goldenthread.") and model._meta.app_label != "audit"
    ]


def free_text_fields(model) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.choices or not field.editable:
            continue
        if (model._meta.app_label, model.__name__, field.name) in NOT_FREE_TEXT:
            continue
        if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
            fields.append(field)
    return fields


def _is_marked(value) -> bool:
    if isinstance(value, str):
        return any(marker in value for marker in MARKERS)
    if isinstance(value, dict):
        return all(_is_marked(v) for v in value.values() if isinstance(v, (str, dict, list)))
    if isinstance(value, list):
        return all(_is_marked(v) for v in value if isinstance(v, (str, dict, list)))
    return True


def _marked_text(value: str, max_length: int | None, markers=MARKERS) -> str:
    """The value with a marker after it. An empty value stays empty: it means "not given",
    and rules about what is given depend on it."""
    if not value or any(marker in value for marker in MARKERS):
        return value
    for marker in markers:
        if max_length is None or len(marker) <= max_length:
            room = None if max_length is None else max_length - len(marker)
            return (value if room is None else value[:room]) + marker
    return value


def _marked_json(value):
    if isinstance(value, str):
        return _marked_text(value, None)
    if isinstance(value, list):
        return [_marked_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _marked_json(v) for k, v in value.items()}
    return value


def marked_values(instance) -> dict:
    """{attname: marked value} for the instance's free-text fields that are not marked yet."""
    changes = {}
    model_label = type(instance)._meta.label
    for field in free_text_fields(type(instance)):
        value = getattr(instance, field.attname)
        if isinstance(field, models.JSONField):
            new = _marked_json(value) if value not in (None, "") else value
        elif value is None:
            continue
        else:
            new = _marked_text(value, field.max_length, SHORTER.get(model_label, MARKERS))
        if new != value:
            changes[field.attname] = new
    return changes


def _mark_before_save(sender, instance, raw=False, **kwargs):
    if sender in WRITTEN:
        for attname, value in marked_values(instance).items():
            setattr(instance, attname, value)


WRITTEN = set(written_models())


# --- A record with something in every table ---------------------------------------------


def _build_record(request) -> dict:
    """full_record (one of every item a URL can point at) and one row of every other kind
    of thing people write, made while every save is marked."""
    from goldenthread.conversations.factories import (
        AspirationFactory,
        MattersItemFactory,
        StrengthFactory,
        WhoMattersFactory,
    )
    from goldenthread.conversations.models import (
        Conversation,
        Participant,
        ParticipantKind,
        ReflectionAnswer,
        ReflectionQuestion,
    )
    from goldenthread.directory.factories import (
        CommunityResourceFactory,
        ResourceLocationFactory,
    )
    from goldenthread.outcomes import services as outcome_services
    from goldenthread.outcomes.models import Outcome
    from goldenthread.people.models import Person
    from goldenthread.reviews.factories import (
        OutcomeReviewFactory,
        PersonViewFactory,
        ReviewScheduleFactory,
        SolutionReviewFactory,
    )
    from goldenthread.reviews.models import Review
    from goldenthread.sds import services as sds_services
    from goldenthread.sds.factories import (
        DelegatedLimitFactory,
        IndicativeBudgetFactory,
        set_limits,
    )
    from goldenthread.sds.models import Decision, HowTold, SdsOption
    from goldenthread.support.factories import (
        SolutionFactory,
        StepExplorationFactory,
        SupportPlanningFactory,
    )
    from goldenthread.support.models import (
        ChecklistQuestion,
        Solution,
        SolutionStatus,
        SolutionStatusChange,
        SupportChecklistAnswer,
        SupportStep,
    )

    set_limits()
    ids = dict(request.getfixturevalue("full_record"))
    practitioner = request.getfixturevalue("practitioner")
    team_leader = request.getfixturevalue("team_leader")
    person = Person.objects.get(pk=ids["person_id"])
    outcome = Outcome.objects.get(pk=ids["outcome_id"])
    conversation = Conversation.objects.get(pk=ids["conversation_id"])
    today = timezone.localdate()

    for factory_class in (
        MattersItemFactory,
        WhoMattersFactory,
        AspirationFactory,
        StrengthFactory,
    ):
        factory_class(conversation=conversation)
    Participant.objects.create(
        conversation=conversation,
        person=person,
        kind=ParticipantKind.OTHER,
        name="Sam",
        role="Neighbour",
    )
    ReflectionAnswer.objects.create(
        conversation=conversation,
        question=ReflectionQuestion.values[0],
        answer="yes",
        note="We went at her pace.",
        answered_by=practitioner,
    )
    # Step 5: the checker's suggestions beside the eight questions (their hints).
    outcome_services.outcome_update(
        actor=practitioner,
        outcome=outcome,
        statement=outcome.statement,
        baseline=outcome.baseline,
        measure=outcome.measure,
        target_date=outcome.target_date,
        assessed_need=outcome.assessed_need,
        expected_version=outcome.version,
    )

    resource = CommunityResourceFactory(
        name="Lunch club",
        description="Hot lunch on Tuesdays.",
        url="https://example.org/",
        email="lunch@example.org",
        phone="01234 567890",
        fees="£3 a meal",
        eligibility="Over 60s",
        service_area="Northfield",
        categories=[{"name": "Older people", "taxonomy": "Audience"}],
        contacts=[{"name": "Pat", "title": "Organiser", "phones": ["01234 567890"]}],
        cost_options=[
            {"option": "Lunch", "amount": 3, "amount_description": "a meal", "currency": "GBP"}
        ],
        attending=["In person"],
        raw={"id": "lunch", "name": "Lunch club"},
    )
    ResourceLocationFactory(
        resource=resource,
        description="Round the back of the hall.",
        region="Northfield",
        country="Scotland",
    )
    paid = SolutionFactory(
        outcome=outcome,
        step=SupportStep.SERVICES,
        who="Care agency",
        what="Personal assistant",
        cost=Decimal("80.00"),
        cost_period="week",
        community_resource=resource,
        notes="Thursday afternoons.",
    )
    SolutionStatusChange.objects.create(
        solution=paid,
        person=person,
        from_status="",
        to_status=SolutionStatus.IDEA,
        note="First idea.",
        changed_by=practitioner,
    )
    SupportPlanningFactory(outcome=outcome)
    StepExplorationFactory(outcome=outcome)
    SupportChecklistAnswer.objects.create(
        person=person,
        outcome=outcome,
        question=ChecklistQuestion.values[0],
        answer="yes",
        note="Checked with Jean.",
        suggested="yes",
        suggestion_reason="The plan says so.",
        answered_by=practitioner,
    )

    IndicativeBudgetFactory(person=person, notes="Told in the kitchen.")
    DelegatedLimitFactory(
        role="team_leader",
        user=team_leader,
        amount_per_year=Decimal("36000.00"),
        note="Area policy.",
    )
    choice = getattr(person, "sds_choice", None)
    choice = sds_services.sds_options_record(
        actor=practitioner,
        person=person,
        explanations=[
            sds_services.Explanation(
                option=o.value,
                explained=True,
                ways=frozenset({"in_conversation", "other_way"}),
                other_way="With pictures",
                explained_on=today,
            )
            for o in SdsOption
        ],
        chosen_option=SdsOption.OPTION_4,
        chosen_on=today,
        reasons="A bit of both.",
        expected_version=choice.version if choice else None,
    )
    sds_services.sds_mix_record(
        actor=practitioner,
        person=person,
        parts={paid: SdsOption.OPTION_2},
        expected_version=choice.version,
    )
    sds_services.decision_sharing_record(
        actor=practitioner,
        decision=Decision.objects.get(pk=ids["decision_id"]),
        shared_on=today,
        how=HowTold.CONVERSATION,
    )

    review = Review.objects.get(pk=ids["review_id"])
    OutcomeReviewFactory(review=review, outcome=outcome)
    PersonViewFactory(review=review, outcome=outcome, speaker_name="Jean")
    SolutionReviewFactory(
        review=review, solution=Solution.objects.get(pk=ids["solution_id"]), why="It works."
    )
    ReviewScheduleFactory(person=person)

    # Values that are empty unless something else is true: each given once.
    from goldenthread.outcomes.models import OutcomeCheckAnswer
    from goldenthread.people.models import CircleMember
    from goldenthread.risk.models import RiskEnablement
    from goldenthread.sds.factories import UnmetNeedFactory
    from goldenthread.sds.models import BudgetRequest, UnmetReason

    Person.objects.filter(pk=person.pk).update(
        preferred_name="Jeannie", communication_needs="Speak slowly."
    )
    CircleMember.objects.filter(person=person).update(notes="Calls on Sundays.")
    outcome = Outcome.objects.get(pk=outcome.pk)
    outcome_services.outcome_update(
        actor=practitioner,
        outcome=outcome,
        statement="Jean will be supported to be safe",
        baseline=outcome.baseline,
        measure=outcome.measure,
        target_date=outcome.target_date,
        assessed_need="Help getting out.",
        expected_version=outcome.version,
    )
    OutcomeCheckAnswer.objects.filter(outcome=outcome).update(note="Agreed with Jean.")
    Review.objects.filter(pk=review.pk).update(what_learned="The lift works.")
    RiskEnablement.objects.filter(person=person).update(
        capacity_notes="No doubt about it.",
        decision_supported_by="Her daughter",
        views_conflict=True,
        conflict_handling="Talked it through.",
    )
    BudgetRequest.objects.filter(person=person).update(contribution_note="From savings.")
    budget_request = BudgetRequest.objects.get(pk=ids["request_id"])
    sds_services.budget_request_decide(
        actor=team_leader,
        budget_request=budget_request,
        action=sds_services.DecideAction.DECLINE,
        expected_version=budget_request.version,
        reasons="Over the usual cost.",
        reasons_for_person="We can pay for part of it.",
    )
    unmet = UnmetNeedFactory(
        person=person,
        recorded_by=practitioner,
        reason=UnmetReason.OTHER,
        reason_other="Nobody in the area.",
    )
    sds_services.unmet_need_mark_met(
        actor=practitioner,
        unmet_need=unmet,
        met_on=today,
        how_met="A new club opened.",
        expected_version=unmet.version,
    )
    resource.organisation.__class__.objects.filter(pk=resource.organisation_id).update(
        url="https://example.org/",
        email="hello@example.org",
        raw={"name": "Charity"},
        content_hash="0" * 64,
    )
    resource.__class__.objects.filter(pk=resource.pk).update(raw_format="ORUK v1 JSON")
    resource.locations.update(source_id="loc-1")

    # Accounts: an ended grant of access, a handover, a form kept across an expired session,
    # and a person who may already be known to another team (shown to the team leader).
    import datetime as _datetime

    from goldenthread.accounts.models import (
        AccessStatus,
        CaseworkAccess,
        CodePurpose,
        FormStash,
        Handover,
        SignInCode,
    )
    from goldenthread.people.factories import PersonFactory
    from goldenthread.people.models import PossibleDuplicate

    now = timezone.now()
    CaseworkAccess.objects.create(
        user=practitioner,
        role=practitioner.role,
        team=practitioner.team,
        status=AccessStatus.ENDED,
        reason="Joined the team.",
        granted_by=None,
        granted_at=now,
        decided_by=team_leader,
        decided_at=now,
        decision_note="Checked with HR.",
        ended_at=now,
        end_reason="Moved to days.",
    )
    Handover.objects.create(
        worker=practitioner,
        team=practitioner.team,
        kind="moved",
        last_day=today,
        reason="Moved to the hospital team.",
        recorded_by=team_leader,
        recorded_at=now,
        person_ids=[str(person.pk)],
    )
    FormStash.objects.create(
        user=practitioner,
        path=f"/people/{person.pk}/edit/",
        fields={"preferred_name": ["Jeannie"]},
        stashed_at=now,
        expires_at=now + _datetime.timedelta(hours=8),
    )
    # Words typed on a page of the record and not saved yet (#16): shown only as a box's
    # value by ui/static/ui/js/drafts.js, never in a page's markup.
    from goldenthread.people.models import Draft

    edit_page = f"/people/{person.pk}/edit/"
    Draft.objects.create(
        user=practitioner,
        person=person,
        page=edit_page,
        key=f"{edit_page}|0|0|preferred_name",
        action=edit_page,
        field="preferred_name",
        text="Jeannie",
        saved_at=now,
    )
    SignInCode.objects.create(
        user=practitioner,
        purpose=CodePurpose.values[0],
        code_hash="x" * 64,
        reason="Lost phone.",
        issued_by=None,
        issued_at=now,
        expires_at=now + _datetime.timedelta(days=3),
    )
    elsewhere = PersonFactory()
    ids["duplicate_id"] = PossibleDuplicate.objects.create(
        requested_by=practitioner,
        team=practitioner.team,
        given_name="Morag",
        family_name="Stewart",
        date_of_birth=elsewhere.date_of_birth,
        chi_number=elsewhere.chi_number,
        existing_person_id=elsewhere.pk,
        existing_team=elsewhere.team,
        resolution="Same person: moved to our team.",
    ).pk

    # The API: a token (its name on the account page) and a plan received from elsewhere.
    from goldenthread.api.models import PlanTransfer, ReceivedRecord
    from goldenthread.api.services import api_token_create

    api_token_create(
        actor=practitioner,
        name="Finance system",
        scope="read",
        expires_on=today + _datetime.timedelta(days=30),
    )
    api_token_create(
        actor=team_leader,
        name="Provider portal",
        scope="read",
        expires_on=today + _datetime.timedelta(days=30),
    )
    transfer = PlanTransfer.objects.create(
        person=person,
        sent_by="Example Council: Riverside team",
        sent_at=now,
        bundle_identifier="urn:uuid:0",
        file_sha256="0" * 64,
        imported_by=practitioner,
    )
    ReceivedRecord.objects.create(
        transfer=transfer,
        person=person,
        object_type="people.Person",
        object_id=str(person.pk),
        source_reference="Patient/1",
        note="The next review date has passed.",
    )

    # Accountability (#13): every free-text field of challenges (and their steps), advocacy,
    # moves, agreement, checks of understanding and notifications.
    from goldenthread.accountability.factories import (
        AdvocacyFactory,
        ChallengeFactory,
        TransitionFactory,
    )
    from goldenthread.accountability.models import ChallengeEvent
    from goldenthread.accounts.models import Notification
    from goldenthread.outcomes.factories import AgreementFactory
    from goldenthread.sds.models import UnderstandingCheck

    challenge = ChallengeFactory(
        person=person,
        wanted="Thursdays",
        answer="Covered",
        what_changed="Two hours",
        outcome="partly",
        state="answered",
        answered_on=today,
    )
    ChallengeEvent.objects.create(
        challenge=challenge,
        person=person,
        kind="escalated",
        stage="frontline",
        on=today,
        body="spso",
        reference="S-1",
        text="Taken further",
        what_changed="Nothing yet",
        recorded_by=practitioner,
    )
    ChallengeEvent.objects.create(
        challenge=challenge,
        person=person,
        kind="extended",
        stage="frontline",
        on=today,
        due_on=today + datetime.timedelta(days=7),
        previous_due_on=today,
        text="The advocate is away this week",
        agreed_by="Morag the service manager",
        recorded_by=practitioner,
    )
    # A background job of the practitioner's (the jobs page shows its step, result and
    # error): their own job page is crawled.
    from goldenthread.jobs.models import Job, JobState

    job = Job.objects.create(
        kind="fhir-export",
        started_by=practitioner,
        state=JobState.FAILED,
        created_at=timezone.now(),
        step="Writing the bundle",
        result_text="Exported 1 record",
        error="Could not write the file",
    )
    ids["job_id"] = job.pk
    AdvocacyFactory(
        person=person,
        offered_on=today,
        answer="declined",
        declined_reason="Not now",
        provider_name="Northfield Advocacy",
    )
    TransitionFactory(
        person=person, other_agencies="Ward 3", receiving_details="Riverside", notes="Keep Fridays"
    )
    AgreementFactory(outcome=outcome, agreed="partly", not_agreed="Not the bus")
    UnderstandingCheck.objects.create(
        person=person,
        about="sds_options",
        checked_on=today,
        how_checked="Told me back",
        understood="partly",
        help_given="easy_read",
        what_done="Easy-read leaflet",
        recorded_by=practitioner,
    )
    Notification.objects.create(
        user=practitioner,
        kind="review_due",
        text="A review is due",
        url="/people/",
        key="review-due:x",
    )

    ids["resource_id"] = resource.pk
    ids["key"] = "unmet-need"  # a report table's CSV (reports:table_csv)
    ids["topic"] = "unmet-need"  # a topic's page of tables (reports:topic)
    return ids


def _mark_what_was_not_saved() -> None:
    """Rows written without save() (bulk_create, update()): marked in place. Append-only
    rows cannot be changed, so they must have been marked when they were made."""
    for model in WRITTEN:
        if issubclass(model, AppendOnlyModel) or not free_text_fields(model):
            continue
        for instance in model._base_manager.all():
            changes = marked_values(instance)
            if changes:
                model._base_manager.filter(pk=instance.pk).update(**changes)


def unmarked_values() -> list[str]:
    """Every free-text value in the database that does not carry a marker."""
    missing = []
    for model in WRITTEN:
        for instance in model._base_manager.all():
            for field in free_text_fields(model):
                value = getattr(instance, field.attname)
                if value not in (None, "", [], {}) and not _is_marked(value):
                    missing.append(f"{model._meta.label}.{field.name}={value!r}")
    return missing


def fields_never_filled() -> list[str]:
    """Free-text fields with no value in any row: the record must fill each at least once,
    so that every field is shown (wherever it is shown) with the marker in it."""
    empty = []
    for model in WRITTEN:
        for field in free_text_fields(model):
            filled = model._base_manager.exclude(**{f"{field.name}__in": ["", None]})
            if isinstance(field, models.JSONField):
                filled = [
                    v
                    for v in model._base_manager.values_list(field.name, flat=True)
                    if v not in (None, "", [], {})
                ]
            if not filled:
                empty.append(f"{model._meta.label}.{field.name}")
    return sorted(empty)


@pytest.fixture
def marked_record(request, db, pinned_clock):
    pre_save.connect(_mark_before_save, dispatch_uid="stored-markup-test")
    try:
        ids = _build_record(request)
    finally:
        pre_save.disconnect(dispatch_uid="stored-markup-test")
    _mark_what_was_not_saved()
    return ids


# --- Reading the pages --------------------------------------------------------------------


class _MarkupFinder(HTMLParser):
    """Start tags that came from a marker (so stored text became markup), the text, and
    the template's own htmx elements that lack the session's htmx token."""

    def __init__(self, token: str) -> None:
        super().__init__(convert_charrefs=True)
        self.token = token
        self.elements: list[str] = []
        self.unmarked_htmx: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag in MARKER_TAGS or "data-gt-marker" in names or "onerror" in names:
            self.elements.append(self.get_starttag_text() or tag)
        elif names & HTMX_REQUEST_ATTRIBUTES and dict(attrs).get(HTMX_TOKEN_ATTRIBUTE) != (
            self.token
        ):
            # A template's own htmx element without {% htmx_allowed %}: htmx would ignore it.
            self.unmarked_htmx.append(self.get_starttag_text() or tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def read_page(html: str, token: str = "") -> tuple[list[str], str]:
    """(marker elements found, the page's text). With the session's htmx token: fails on an
    htmx element the template forgot to mark for htmx."""
    finder = _MarkupFinder(token)
    finder.feed(html)
    finder.close()
    assert not token or not finder.unmarked_htmx, (
        f"htmx elements without {{% htmx_allowed %}}: {finder.unmarked_htmx}"
    )
    return finder.elements, "".join(finder.text)


def page_urls() -> list[tuple[str, list[str]]]:
    """Every named URL pattern outside the Django admin (which only administrators open,
    and which escapes everything itself), with the names of its arguments."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{prefix}{entry.name}", sorted(getattr(entry.pattern, "converters", {}))

    return sorted(
        (name, kwargs)
        for name, kwargs in walk(get_resolver().url_patterns)
        if not name.startswith("admin:")
    )


# Signing out would end the crawl early; the PDF has a test of its own below (which is
# skipped, with the reason, where WeasyPrint's system libraries are missing).
NOT_CRAWLED = {"accounts:logout", "support:plan_pdf"}
# Searches: what was searched for is shown again, and the marked resource is found.
QUERIES = {
    "directory:index": [{"q": "lunch"}, {"q": MARKER, "place": MARKER}],
    "directory:search": [{"q": "lunch"}, {"q": MARKER, "place": MARKER}],
    "support:step_directory": [{"q": "lunch"}, {"q": MARKER, "place": MARKER}],
}
# Pages the findings named, and the main pages of the record: each must show the marker
# as text (so the crawl cannot pass by seeing nothing).
MUST_SHOW_MARK = {
    "sds:mix",
    "outcomes:check",
    "outcomes:detail",
    "people:detail",
    "support:plan",
    "support:plan_easy_read",
    "support:outcome_support",
    "directory:detail",
    "directory:search",
    "reviews:golden_thread",
    "sds:request_detail",
    "risk:list",
    "conversations:detail",
    "api_tokens:list",
    "portal_staff:overview",
}


def crawl(client, ids: dict) -> dict:
    """{url: (status, marker elements)} for every page, whole and as an htmx partial."""
    seen: dict = {}
    shown_mark: set[str] = set()
    home = client.get(reverse("people:caseload")).content.decode()
    token = re.search(r'<meta name="gt-htmx-token" content="([0-9a-f]+)">', home).group(1)
    for name, kwarg_names in page_urls():
        if name in NOT_CRAWLED:
            continue
        unknown = set(kwarg_names) - set(ids)
        assert not unknown, f"add {unknown} to the record so {name} is crawled"
        url = reverse(name, kwargs={k: ids[k] for k in kwarg_names})
        for query in [{}, *QUERIES.get(name, [])]:
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                response = client.get(url, query, **headers)
                if "html" not in response.get("Content-Type", ""):
                    continue
                elements, text = read_page(response.content.decode(), token)
                seen[(name, str(query), bool(headers))] = (response.status_code, elements)
                if MARK in text:
                    shown_mark.add(name)
    return {"pages": seen, "shown_mark": shown_mark}


@pytest.mark.parametrize("who", ["practitioner", "team_leader"])
def test_stored_markup_is_text_on_every_page(request, client, marked_record, who):
    assert not fields_never_filled(), "give each of these a value in the record"
    assert not unmarked_values(), "every free-text value carries the marker"
    user = request.getfixturevalue(who)
    sign_in(client, user)
    result = crawl(client, marked_record)
    injected = sorted({page[0] for page, (_, found) in result["pages"].items() if found})
    assert not injected, f"stored text rendered as markup on: {injected}"
    ok = {page[0] for page, (status, _) in result["pages"].items() if status == 200}
    assert MUST_SHOW_MARK <= ok, f"not shown: {MUST_SHOW_MARK - ok}"
    assert MUST_SHOW_MARK <= result["shown_mark"], (
        f"the marker text is missing from {MUST_SHOW_MARK - result['shown_mark']}"
    )


def test_stored_markup_is_text_in_the_support_plan_pdf(client, marked_record, practitioner):
    from pypdf import PdfReader

    sign_in(client, practitioner)
    response = client.get(reverse("support:plan_pdf", args=[marked_record["person_id"]]))
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    squeezed = "".join(text.split())
    assert MARK in squeezed
    # The markup is printed as the characters typed, so it was never an element.
    assert "<bdata-gt-markerhx-post=" in squeezed
    assert "<imgdata-gt-markersrc=xonerror=" in squeezed


def test_a_message_quoting_what_was_typed_shows_it_as_text(practitioner_client, full_record):
    """After a save, the confirmation quotes what was typed (a solution's "what")."""
    url = reverse(
        "support:solution_add",
        args=[full_record["person_id"], full_record["outcome_id"], "community"],
    )
    response = practitioner_client.post(
        url,
        {
            "what": f"Lunch club {SHORT_MARKER}",
            "who": "",
            "cost": "",
            "cost_period": "",
            "status": "idea",
            "notes": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    elements, text = read_page(response.content.decode())
    assert f"'Lunch club {SHORT_MARKER}' is added" in text
    assert not elements
