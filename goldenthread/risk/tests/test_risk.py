"""RISK-1, RISK-2: risks talked about openly, least restrictive option, shared
responsibility, decisions with reasons, capacity and supported decision-making, and a
guardian's or attorney's view kept beside the person's wishes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goldenthread.audit.models import AppendOnlyError, ChangeRecord
from goldenthread.conversations.factories import ConversationFactory, PositiveChangeFactory
from goldenthread.core.concurrency import StaleEditError
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people.factories import PersonFactory
from goldenthread.risk import services
from goldenthread.risk.factories import (
    RiskAgreementFactory,
    RiskEnablementFactory,
    RiskViewFactory,
)
from goldenthread.risk.models import CapacityQuestion, RiskEnablement, RiskView, Whose
from goldenthread.risk.selectors import plan_risk_section
from goldenthread.support.factories import SolutionFactory


def make_outcome(person, **fields):
    conversation = ConversationFactory(person=person)
    return OutcomeFactory(
        positive_change=PositiveChangeFactory(conversation=conversation), **fields
    )


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


BASE = {
    "activity": "Walk to the club on her own",
    "could_go_wrong": "A fall on the uneven pavement",
    "good_it_brings": "Friends, exercise, feeling like herself",
}


@pytest.fixture
def outcome(person):
    return make_outcome(person)


def test_risk_for_an_outcome_with_decision_and_reasons(person, practitioner, outcome):
    risk = services.risk_record(
        actor=practitioner,
        person=person,
        outcome=outcome,
        **BASE,
        least_restrictive="A phone and a stick rather than a taxi",
        decision="She walks",
        reasons="She understands the risk",
        decided_on=days_ago(1),
        review_on=days_ago(-60),
    )
    assert risk.outcome == outcome and risk.solution is None
    assert (
        ChangeRecord.objects.get(object_type="risk.RiskEnablement").after["activity"]
        == BASE["activity"]
    )


def test_risk_for_a_solution_takes_its_outcome(person, practitioner, outcome):
    solution = SolutionFactory(outcome=outcome)
    risk = services.risk_record(actor=practitioner, person=person, solution=solution, **BASE)
    assert risk.outcome == outcome and risk.solution == solution


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"good_it_brings": ""}, "good_it_brings", "positive risk"),
        ({"decision": "She walks"}, "reasons", "Say why this was decided."),
        ({"decision": "She walks", "reasons": "x"}, "decided_on", "Enter the date"),
        ({"reasons": "Because"}, "decision", "Say what was decided"),
        (
            {"decision": "x", "reasons": "y", "decided_on": days_ago(1), "review_on": days_ago(3)},
            "review_on",
            "on or after the date it was decided",
        ),
        (
            {"capacity_in_question": CapacityQuestion.YES},
            "decision_supported_by",
            "Say who supported the person",
        ),
        ({"views_conflict": True}, "conflict_handling", "how the conflict is being dealt with"),
    ],
)
def test_risk_mistakes_are_explained(person, practitioner, outcome, fields, key, words):
    with pytest.raises(ValidationError) as caught:
        services.risk_record(
            actor=practitioner, person=person, outcome=outcome, **{**BASE, **fields}
        )
    assert words in " ".join(caught.value.message_dict[key])
    assert not RiskEnablement.objects.exists()


def test_risk_must_be_about_this_persons_outcome_or_solution(person, practitioner, team):
    with pytest.raises(ValidationError, match="Choose the outcome or the solution"):
        services.risk_record(actor=practitioner, person=person, **BASE)
    elsewhere = make_outcome(PersonFactory(team=team))
    with pytest.raises(ValidationError, match="this person's outcomes"):
        services.risk_record(actor=practitioner, person=person, outcome=elsewhere, **BASE)


def test_stale_edit_is_refused(person, practitioner, outcome):
    risk = services.risk_record(actor=practitioner, person=person, outcome=outcome, **BASE)
    services.risk_update(
        actor=practitioner,
        risk=risk,
        expected_version=1,
        outcome=outcome,
        least_restrictive="A phone",
    )
    stale = RiskEnablement.objects.get(pk=risk.pk)
    with pytest.raises(StaleEditError):
        services.risk_update(
            actor=practitioner,
            risk=stale,
            expected_version=1,
            outcome=outcome,
            least_restrictive="A taxi",
        )
    assert RiskEnablement.objects.get(pk=risk.pk).least_restrictive == "A phone"


def test_guardian_and_person_views_are_kept_side_by_side(person, practitioner, outcome):
    risk = services.risk_record(
        actor=practitioner,
        person=person,
        outcome=outcome,
        **BASE,
        capacity_in_question=CapacityQuestion.NOT_SURE,
        decision_supported_by="Her advocate",
        views_conflict=True,
        conflict_handling="A meeting with her advocate and guardian",
    )
    services.risk_view_add(
        actor=practitioner,
        risk=risk,
        whose=Whose.PERSON,
        name="Jean",
        view="I want to go on my own.",
        given_on=days_ago(2),
    )
    services.risk_view_add(
        actor=practitioner,
        risk=risk,
        whose=Whose.GUARDIAN,
        name="R. Campbell",
        view="She should be escorted.",
        given_on=days_ago(1),
    )
    services.risk_view_add(
        actor=practitioner,
        risk=risk,
        whose=Whose.PERSON,
        name="Jean",
        view="I still want to go on my own.",
        given_on=days_ago(0),
    )
    views = list(RiskView.objects.filter(risk=risk).values_list("whose", "view"))
    assert ("person", "I want to go on my own.") in views
    assert ("guardian", "She should be escorted.") in views
    assert len(views) == 3  # nothing overwritten
    section = plan_risk_section(person)
    [planned] = section.risks
    assert [v.view for v in planned.person_wishes] == [
        "I want to go on my own.",
        "I still want to go on my own.",
    ]
    assert [v.view for v in planned.legal_views] == ["She should be escorted."]
    assert planned.views_conflict and planned.supported_by == "Her advocate"


def test_agreements_and_views_are_never_edited(person, practitioner, outcome):
    risk = RiskEnablementFactory(outcome=outcome)
    for row in (RiskAgreementFactory(risk=risk), RiskViewFactory(risk=risk)):
        model = type(row)
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(AppendOnlyError):
            model.objects.filter(pk=row.pk).update(name="x")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {model._meta.db_table} SET name = 'x'")  # noqa: S608
        assert model.objects.get(pk=row.pk).name != "x"


def test_agreement_needs_who_and_what(person, practitioner, outcome):
    risk = RiskEnablementFactory(outcome=outcome)
    with pytest.raises(ValidationError) as caught:
        services.risk_agreement_add(
            actor=practitioner,
            risk=risk,
            name="",
            role="Daughter",
            agreed_to="",
            agreed_on=days_ago(0),
        )
    assert set(caught.value.message_dict) == {"name", "agreed_to"}


# --- Pages ----------------------------------------------------------------------------------


def risk_post(outcome, **overrides):
    data = {
        "about": f"o:{outcome.pk}",
        **BASE,
        "least_restrictive": "",
        "decision": "",
        "reasons": "",
        "decided_on": "",
        "review_on": "",
        "capacity_in_question": "no",
        "capacity_notes": "",
        "decision_supported_by": "",
        "views_conflict": "no",
        "conflict_handling": "",
    }
    data.update(overrides)
    return data


def test_record_a_risk_on_the_page_and_see_it_listed(practitioner_client, person, outcome):
    response = practitioner_client.post(reverse("risk:add", args=[person.pk]), risk_post(outcome))
    assert response.status_code == 302
    body = practitioner_client.get(reverse("risk:list", args=[person.pk])).content.decode()
    assert "Walk to the club on her own" in body and "Friends, exercise" in body


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        (
            {
                "decision": "She walks",
                "reasons": "ok",
                "decided_on": days_ago(1).isoformat(),
                "review_on": days_ago(5).isoformat(),
            },
            "id_review_on",
            "on or after the date it was",
        ),
        ({"about": ""}, "id_about", "Choose the outcome or the solution"),
        ({"capacity_in_question": "yes"}, "id_decision_supported_by", "Say who supported"),
        ({"views_conflict": "yes"}, "id_conflict_handling", "how the conflict is being dealt"),
        ({"could_go_wrong": ""}, "id_could_go_wrong", "Say what could go wrong."),
    ],
)
def test_risk_form_mistakes_keep_what_was_typed(
    practitioner_client, person, outcome, overrides, field_id, message
):
    response = practitioner_client.post(
        reverse("risk:add", args=[person.pk]), risk_post(outcome, **overrides)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and f'href="#{field_id}"' in body
    assert "Walk to the club on her own" in body
    assert not RiskEnablement.objects.exists()


def test_risk_edit_stale_save_shows_the_other_version(practitioner_client, person, outcome):
    risk = RiskEnablementFactory(outcome=outcome)
    url = reverse("risk:edit", args=[person.pk, risk.pk])
    opened = risk_post(outcome, version="1", decision="", reasons="", decided_on="")
    assert (
        practitioner_client.post(url, {**opened, "least_restrictive": "Phone"}).status_code == 302
    )
    stale = practitioner_client.post(url, {**opened, "least_restrictive": "Taxi"})
    body = stale.content.decode()
    assert "Someone else saved a change" in body and "Phone" in body and "Taxi" in body


def test_views_page_adds_a_view_beside_the_others(practitioner_client, person, outcome):
    risk = RiskEnablementFactory(outcome=outcome)
    RiskViewFactory(risk=risk, whose=Whose.PERSON, view="I want to go alone")
    response = practitioner_client.post(
        reverse("risk:view_add", args=[person.pk, risk.pk]),
        {
            "whose": "attorney",
            "name": "Mr Bell",
            "view": "Not without an escort",
            "given_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    body = practitioner_client.get(reverse("risk:list", args=[person.pk])).content.decode()
    assert "What the person wants, beside the guardian" in body
    assert "I want to go alone" in body and "Not without an escort" in body


def test_risk_list_query_count_does_not_grow(practitioner_client, person, outcome):
    url = reverse("risk:list", args=[person.pk])

    def more(n):
        for _ in range(n):
            risk = RiskEnablementFactory(outcome=outcome, solution=SolutionFactory(outcome=outcome))
            RiskAgreementFactory(risk=risk)
            RiskViewFactory(risk=risk)
            RiskViewFactory(risk=risk, whose=Whose.GUARDIAN)

    more(1)
    practitioner_client.get(url)  # the first request after signing in writes the session
    with CaptureQueriesContext(connection) as small:
        assert practitioner_client.get(url).status_code == 200
    more(5)
    with CaptureQueriesContext(connection) as big:
        assert practitioner_client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


def test_plan_risk_section_is_three_queries(person, outcome, django_assert_num_queries):
    for _ in range(3):
        risk = RiskEnablementFactory(outcome=outcome)
        RiskAgreementFactory(risk=risk)
        RiskViewFactory(risk=risk)
    with django_assert_num_queries(3):
        section = plan_risk_section(person)
    assert len(section.risks) == 3
    assert section.risks[0].agreements[0].who == "Ann Macdonald (Daughter)"
