"""OS-6, OS-7, OC-5: outcomes linked to their positive change, checked, with history."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldenthread.conversations.factories import (
    ConversationFactory,
    PositiveChangeFactory,
    WorkingItemFactory,
)
from goldenthread.outcomes import services
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.outcomes.models import Answer, CheckQuestion, Outcome


@pytest.fixture
def change(person, practitioner):
    conversation = ConversationFactory(person=person, recorded_by=practitioner)
    not_working = WorkingItemFactory(
        conversation=conversation, is_working=False, text="Has not been out since her fall"
    )
    return PositiveChangeFactory(conversation=conversation, from_not_working=[not_working])


def step4(change):
    return reverse("outcomes:step4", args=[change.person_id, change.conversation_id])


def test_outcome_from_a_positive_change_keeps_the_thread(practitioner_client, change):
    response = practitioner_client.post(
        step4(change),
        {
            "positive_change": str(change.pk),
            "statement": "Jean wants to receive a package of care",
            "baseline": "",
            "measure": "",
            "target_date": "",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(positive_change=change)
    assert outcome.person == change.person and outcome.conversation == change.conversation
    assert "service_language" in outcome.checker_codes
    answers = {a.question: a for a in outcome.check_answers.all()}
    assert answers[CheckQuestion.EVERYDAY_LANGUAGE].suggested == Answer.NO
    assert answers[CheckQuestion.CHANGES_WHAT_DOESNT].suggested == Answer.YES
    assert (
        "Has not been out since her fall"
        in answers[CheckQuestion.CHANGES_WHAT_DOESNT].suggestion_reason
    )
    page = practitioner_client.get(
        reverse("outcomes:detail", args=[change.person_id, outcome.pk])
    ).content.decode()
    assert "Has not been out since her fall" in page and change.text in page


def test_outcome_cannot_point_at_another_persons_change(practitioner_client, change):
    theirs = PositiveChangeFactory()
    response = practitioner_client.post(
        step4(change),
        {
            "positive_change": str(theirs.pk),
            "statement": "I will walk to the shop by June",
        },
    )
    assert response.status_code == 200
    assert "Choose one of this person&#x27;s positive changes." in response.content.decode()
    assert not Outcome.objects.filter(positive_change=theirs).exists()


def test_rewording_keeps_every_earlier_wording(practitioner, change):
    outcome = services.outcome_create(
        actor=practitioner, positive_change=change, statement="To attend the day centre"
    )
    services.outcome_update(
        actor=practitioner,
        outcome=outcome,
        expected_version=1,
        statement="I will see my friends at the bowling club on Thursdays",
        baseline="Not been since January",
        measure="Goes most weeks",
        target_date=None,
        assessed_need="",
    )
    assert [w.statement for w in outcome.wordings.order_by("number")] == [
        "To attend the day centre",
        "I will see my friends at the bowling club on Thursdays",
    ]


def test_stale_outcome_edit_is_refused_showing_the_other_version(
    practitioner_client, change, practitioner
):
    outcome = services.outcome_create(
        actor=practitioner, positive_change=change, statement="First wording"
    )
    edit = reverse("outcomes:edit", args=[change.person_id, outcome.pk])
    data = {
        "version": "1",
        "statement": "Second wording",
        "baseline": "",
        "measure": "",
        "target_date": "",
        "assessed_need": "",
    }
    assert practitioner_client.post(edit, data).status_code == 302
    stale = practitioner_client.post(edit, {**data, "statement": "My own third wording"})
    body = stale.content.decode()
    assert "Someone else saved a change" in body
    assert "Second wording" in body and "My own third wording" in body
    outcome.refresh_from_db()
    assert outcome.statement == "Second wording"


def test_practitioners_answer_wins_and_the_suggestion_is_kept(
    practitioner_client, change, practitioner
):
    outcome = services.outcome_create(
        actor=practitioner, positive_change=change, statement="To receive support with meals"
    )
    check = reverse("outcomes:check", args=[change.person_id, outcome.pk])
    page = practitioner_client.get(check).content.decode()
    assert "The record suggests: No." in page
    data = {f"{q.value}__answer": "yes" for q in CheckQuestion}
    data[f"{CheckQuestion.EVERYDAY_LANGUAGE.value}__note"] = "Jean's own words"
    data.update(seen_versions(page))
    assert practitioner_client.post(check, data).status_code == 302
    row = outcome.check_answers.get(question=CheckQuestion.EVERYDAY_LANGUAGE)
    assert row.answer == Answer.YES and row.suggested == Answer.NO
    assert row.note == "Jean's own words"


def test_live_check_returns_feedback_without_a_person(practitioner_client):
    response = practitioner_client.post(
        reverse("outcomes:live_check"),
        {"statement": "Service user to attend day centre"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "suggestion" in body


def test_live_check_needs_a_casework_role(client, commissioner):
    from conftest import sign_in

    sign_in(client, commissioner)
    assert client.post(reverse("outcomes:live_check"), {"statement": "x"}).status_code == 403


def test_old_target_date_is_refused(practitioner, change):
    import datetime

    with pytest.raises(ValidationError):
        services.outcome_create(
            actor=practitioner,
            positive_change=change,
            statement="x",
            target_date=datetime.date(2001, 1, 1),
        )


def test_outcome_page_query_count_is_constant(practitioner_client, change, person):
    outcome = OutcomeFactory(positive_change=change)
    detail = reverse("outcomes:detail", args=[person.pk, outcome.pk])
    with CaptureQueriesContext(connection) as small:
        practitioner_client.get(detail)
    for _ in range(6):
        WorkingItemFactory(conversation=change.conversation)
    with CaptureQueriesContext(connection) as big:
        practitioner_client.get(detail)
    assert len(big) == len(small)


def test_person_page_query_count_is_constant_with_outcomes(practitioner_client, change, person):
    detail = reverse("people:detail", args=[person.pk])
    OutcomeFactory(positive_change=change)
    with CaptureQueriesContext(connection) as small:
        practitioner_client.get(detail)
    for _ in range(10):
        OutcomeFactory(positive_change=change)
    with CaptureQueriesContext(connection) as big:
        practitioner_client.get(detail)
    assert len(big) == len(small)


def test_live_check_counts_a_date_and_ignores_an_unfinished_one(practitioner_client):
    url = reverse("outcomes:live_check")
    statement = "I will walk to the shop on my own, at the moment I can't"
    with_date = practitioner_client.post(
        url, {"statement": statement, "target_date": "2027-06-01"}
    ).content.decode()
    half_typed = practitioner_client.post(
        url, {"statement": statement, "target_date": "2027-06-"}
    ).content.decode()
    assert "No &#x27;by when&#x27;" not in with_date
    assert "No &#x27;by when&#x27;" in half_typed


def seen_versions(page: str) -> dict[str, str]:
    """The hidden "version I saw" fields of a questions form, as the browser sends them."""
    return dict(re.findall(r'name="(\w+__version)" value="(\d+)"', page))


def test_the_practitioner_codes_an_outcome_to_a_national_domain(
    practitioner_client, change, practitioner
):
    """AGG-4 (#14): chosen on the outcome form, kept on edit, changed or cleared there."""
    page = practitioner_client.get(step4(change)).content.decode()
    assert "National outcome domain (optional)" in page and "child:safe" in page
    response = practitioner_client.post(
        step4(change),
        {
            "positive_change": str(change.pk),
            "statement": "Jean goes to the lunch club on Thursdays",
            "domain": "adult:seeing_people",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(positive_change=change)
    assert outcome.domain == "adult:seeing_people"
    edit = reverse("outcomes:edit", args=[change.person_id, outcome.pk])
    form = practitioner_client.get(edit).context["form"]
    assert form.initial["domain"] == "adult:seeing_people"
    data = {"version": str(outcome.version), "statement": outcome.statement, "domain": ""}
    assert practitioner_client.post(edit, data).status_code == 302
    outcome.refresh_from_db()
    assert outcome.domain == ""
    # A service caller that says nothing of the domain leaves it as it is.
    Outcome.objects.filter(pk=outcome.pk).update(domain="adult:feeling_safe")
    outcome.refresh_from_db()
    services.outcome_update(
        actor=practitioner,
        outcome=outcome,
        expected_version=outcome.version,
        statement="Jean goes to the lunch club every Thursday",
        baseline="",
        measure="",
        target_date=None,
        assessed_need="",
    )
    outcome.refresh_from_db()
    assert outcome.domain == "adult:feeling_safe"


def test_an_outcome_domain_not_in_the_list_is_refused(practitioner_client, change):
    response = practitioner_client.post(
        step4(change),
        {"positive_change": str(change.pk), "statement": "Jean sees her friends", "domain": "x"},
    )
    assert response.status_code == 200
    assert "Choose a domain from the list, or leave it blank." in response.content.decode()
    assert not Outcome.objects.filter(positive_change=change).exists()


def test_saving_a_check_leads_on_in_the_workbooks_order(practitioner_client, change, practitioner):
    """Step 5 for each outcome of the conversation still to check, then the checklist
    (#16: no stop at the conversation's summary between them)."""
    first, second = (
        services.outcome_create(actor=practitioner, positive_change=change, statement=statement)
        for statement in (
            "I will be back at my bowling club on Thursdays by the end of May",
            "I will walk to the post office on my own by July",
        )
    )
    locations = []
    for outcome in (first, second):
        check = reverse("outcomes:check", args=[change.person_id, outcome.pk])
        data = {f"{q.value}__answer": "yes" for q in CheckQuestion}
        data.update(seen_versions(practitioner_client.get(check).content.decode()))
        locations.append(practitioner_client.post(check, data)["Location"])
    assert locations == [
        reverse("outcomes:check", args=[change.person_id, second.pk]),
        reverse("conversations:checklist", args=[change.person_id, change.conversation_id]),
    ]


def test_saving_a_later_check_never_sends_the_worker_back(
    practitioner_client, change, practitioner
):
    """An earlier outcome's check left unfinished does not bring the worker round again:
    the last outcome leads to the checklist."""
    first, second = (
        services.outcome_create(actor=practitioner, positive_change=change, statement=statement)
        for statement in (
            "I will be back at my bowling club on Thursdays by the end of May",
            "I will walk to the post office on my own by July",
        )
    )
    check = reverse("outcomes:check", args=[change.person_id, second.pk])
    data = {f"{q.value}__answer": "yes" for q in CheckQuestion}
    data.update(seen_versions(practitioner_client.get(check).content.decode()))
    assert practitioner_client.post(check, data)["Location"] == reverse(
        "conversations:checklist", args=[change.person_id, change.conversation_id]
    )
    assert first.check_answers.exclude(answer="").count() < len(CheckQuestion)  # not done


def test_the_edit_page_saves_as_it_goes_whichever_field_changes(
    practitioner_client, change, practitioner
):
    """Autosave (#17): the form posts when any of its fields changes, the domain and the
    assessed need as well as the wording; and such a save keeps the domain chosen."""
    outcome = services.outcome_create(
        actor=practitioner, positive_change=change, statement="I will go to the club by June"
    )
    edit = reverse("outcomes:edit", args=[change.person_id, outcome.pk])
    page = practitioner_client.get(edit).content.decode()
    status = page.index('id="autosave-status"')
    form = page[page.rindex("<form", 0, status) : status]
    trigger = re.search(r'hx-trigger="([^"]*)"', form).group(1)
    triggered_from = set(re.findall(r"from:#(\w+)", trigger))
    fields = set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="(id_\w+)"', form))
    fields -= {"id_version"}
    assert {"id_domain", "id_assessed_need", "id_statement"} <= fields
    assert fields <= triggered_from, f"not saved as it changes: {fields - triggered_from}"
    assert "change from:#id_domain" in trigger  # a select: no input events to wait for
    data = {
        "version": "1",
        "statement": "I will go to the club by June",
        "baseline": "",
        "measure": "",
        "target_date": "",
        "assessed_need": "",
        "domain": "adult:seeing_people",
    }
    saved = practitioner_client.post(edit, data, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    outcome.refresh_from_db()
    assert outcome.domain == "adult:seeing_people"
