"""SDS-1, SDS-2, SDS-3, SDS-5, UN-1: the services that write choices, budgets, decisions and
unmet need — validation, atomic saves, exact money, history rows that are never edited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from goldenthread.audit.models import AppendOnlyError, ChangeRecord
from goldenthread.core.concurrency import StaleEditError
from goldenthread.sds import services
from goldenthread.sds.factories import (
    DecisionFactory,
    IndicativeBudgetFactory,
    make_budget_request,
    record_options,
)
from goldenthread.sds.models import (
    BudgetLine,
    BudgetRequest,
    BudgetRequestEvent,
    Decision,
    DecisionAbout,
    DecisionSharing,
    EventKind,
    FirstChoiceNotDelivered,
    IndicativeBudget,
    MixPart,
    NeedCategory,
    RequestStatus,
    SdsOption,
    UnmetNeed,
    UnmetReason,
)
from goldenthread.sds.services import Explanation, LineInput
from goldenthread.support.factories import SolutionFactory

from .conftest import make_outcome

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def all_explained(day=None, ways=frozenset({"in_conversation"})):
    return [
        Explanation(option=o.value, explained=True, ways=ways, explained_on=day or days_ago(5))
        for o in SdsOption
    ]


# --- SDS-1 options --------------------------------------------------------------------------


def test_options_explained_how_and_when_and_the_choice_in_their_words(person, practitioner):
    explanations = [
        Explanation(
            option="option_1",
            explained=True,
            ways=frozenset({"in_conversation", "by_easy_read"}),
            explained_on=days_ago(9),
        ),
        Explanation(
            option="option_2",
            explained=True,
            ways=frozenset({"with_advocate"}),
            other_way="British Sign Language",
            explained_on=days_ago(9),
        ),
        Explanation(option="option_3", explained=False, ways=frozenset({"by_leaflet"})),
        Explanation(option="option_4", explained=False),
    ]
    choice = services.sds_options_record(
        actor=practitioner,
        person=person,
        explanations=explanations,
        chosen_option=SdsOption.OPTION_2,
        chosen_on=days_ago(2),
        reasons="I want to choose who comes, but not be an employer.",
    )
    rows = {row.option: row for row in choice.explanations.all()}
    assert rows["option_1"].ways == ["in_conversation", "by_easy_read"]
    assert rows["option_2"].other_way == "British Sign Language"
    assert rows["option_3"].explained is False and rows["option_3"].by_leaflet is False
    assert choice.reasons == "I want to choose who comes, but not be an employer."
    assert ChangeRecord.objects.filter(object_type="sds.SdsChoice").count() == 1
    assert ChangeRecord.objects.filter(object_type="sds.OptionExplanation").count() == 4


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"chosen_option": "option_3"}, "chosen_option", "not recorded as explained"),
        ({"chosen_on": days_ago(20)}, "chosen_on", "on or after the date the options were first"),
        ({"reasons": "  "}, "reasons", "in their own words"),
        ({"chosen_on": None}, "chosen_on", "Enter the date they chose"),
    ],
)
def test_options_mistakes_are_explained(person, practitioner, change, field, words):
    explanations = [
        Explanation(
            option="option_1",
            explained=True,
            ways=frozenset({"by_leaflet"}),
            explained_on=days_ago(9),
        )
    ]
    kwargs = {"chosen_option": "option_1", "chosen_on": days_ago(2), "reasons": "Mine", **change}
    with pytest.raises(ValidationError) as caught:
        services.sds_options_record(
            actor=practitioner, person=person, explanations=explanations, **kwargs
        )
    assert words in " ".join(caught.value.message_dict[field])


def test_explained_needs_how_and_when(person, practitioner):
    with pytest.raises(ValidationError) as caught:
        services.sds_options_record(
            actor=practitioner,
            person=person,
            explanations=[Explanation(option="option_1", explained=True)],
        )
    assert "Say how Option 1 was explained." in caught.value.message_dict["option_1_ways"]
    assert "Enter the date Option 1" in caught.value.message_dict["option_1_on"][0]


def test_second_save_needs_the_version_and_a_stale_one_is_refused(person, practitioner):
    choice = record_options(person, actor=practitioner)
    with pytest.raises(StaleEditError):
        services.sds_options_record(
            actor=practitioner, person=person, explanations=all_explained(), expected_version=None
        )
    services.sds_options_record(
        actor=practitioner,
        person=person,
        explanations=all_explained(),
        chosen_option="option_3",
        chosen_on=days_ago(1),
        reasons="Changed my mind",
        expected_version=choice.version,
    )
    with pytest.raises(StaleEditError):
        services.sds_options_record(
            actor=practitioner,
            person=person,
            explanations=all_explained(),
            expected_version=choice.version,
        )


def test_option_4_mix_by_solution_and_cleared_when_the_choice_changes(person, practitioner):
    outcome = make_outcome(person)
    paid = SolutionFactory(outcome=outcome, costed=True)
    lift = SolutionFactory(outcome=outcome)
    choice = record_options(person, actor=practitioner, chosen=SdsOption.OPTION_4)
    services.sds_mix_record(
        actor=practitioner,
        person=person,
        parts={paid: "option_1", lift: ""},
        expected_version=choice.version,
    )
    assert list(MixPart.objects.values_list("solution_id", "option")) == [(paid.pk, "option_1")]
    choice.refresh_from_db()
    services.sds_options_record(
        actor=practitioner,
        person=person,
        explanations=all_explained(),
        chosen_option="option_2",
        chosen_on=days_ago(1),
        reasons="Simpler",
        expected_version=choice.version,
    )
    assert not MixPart.objects.exists()


def test_mix_refuses_another_persons_solution_and_needs_option_4(person, practitioner, team):
    from goldenthread.people.factories import PersonFactory

    stranger_solution = SolutionFactory(outcome=make_outcome(PersonFactory(team=team)))
    choice = record_options(person, actor=practitioner, chosen=SdsOption.OPTION_4)
    with pytest.raises(ValidationError):
        services.sds_mix_record(
            actor=practitioner,
            person=person,
            parts={stranger_solution: "option_1"},
            expected_version=choice.version,
        )
    own = SolutionFactory(outcome=make_outcome(person), costed=True)
    services.sds_options_record(
        actor=practitioner,
        person=person,
        explanations=all_explained(),
        chosen_option="option_3",
        chosen_on=days_ago(1),
        reasons="x",
        expected_version=choice.version,
    )
    choice.refresh_from_db()
    with pytest.raises(ValidationError, match="option 4"):
        services.sds_mix_record(
            actor=practitioner,
            person=person,
            parts={own: "option_1"},
            expected_version=choice.version,
        )


# --- SDS-2 and UN-1 -------------------------------------------------------------------------


def first_choice_kwargs(**overrides):
    return {
        "first_choice": SdsOption.OPTION_1,
        "why": "No personal assistants free in the area.",
        "alternative_offered": "An agency on Thursdays, arranged by the council",
        "alternative_option": SdsOption.OPTION_3,
        "plan_to_meet_need": "Advertise through the PA network; look again in 8 weeks.",
        "need": "Someone she chooses to take her to the club",
        "category": NeedCategory.GETTING_OUT,
        "identified_on": days_ago(1),
        **overrides,
    }


def test_first_choice_not_delivered_records_unmet_need_and_a_decision(person, practitioner):
    outcome = make_outcome(person)
    record = services.first_choice_not_delivered_record(
        actor=practitioner, person=person, outcome=outcome, **first_choice_kwargs()
    )
    unmet = record.unmet_need
    assert unmet.reason == UnmetReason.FIRST_CHOICE
    assert unmet.outcome == outcome and unmet.need.startswith("Someone she chooses")
    assert unmet.alternative_offered == "An agency on Thursdays, arranged by the council"
    assert unmet.met_on is None
    decision = Decision.objects.get(person=person)
    assert decision.about == DecisionAbout.CHOICES and "Option 1" in decision.summary


def test_first_choice_and_its_unmet_need_save_together_or_not_at_all(
    person, practitioner, monkeypatch
):
    def broken(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(FirstChoiceNotDelivered, "save", broken)
    with pytest.raises(DatabaseError):
        services.first_choice_not_delivered_record(
            actor=practitioner, person=person, **first_choice_kwargs()
        )
    assert not UnmetNeed.objects.exists()
    assert not ChangeRecord.objects.filter(object_type="sds.UnmetNeed").exists()


def test_first_choice_needs_an_alternative_and_a_plan(person, practitioner):
    with pytest.raises(ValidationError) as caught:
        services.first_choice_not_delivered_record(
            actor=practitioner,
            person=person,
            **first_choice_kwargs(
                alternative_offered=" ", plan_to_meet_need="", alternative_option=SdsOption.OPTION_1
            ),
        )
    errors = caught.value.message_dict
    assert "Say what alternative was offered." in errors["alternative_offered"]
    assert "Say how the need will be met over time." in errors["plan_to_meet_need"]
    assert "must differ" in errors["alternative_option"][0]
    assert not UnmetNeed.objects.exists()


def test_unmet_need_other_reason_needs_words_and_met_date_order(person, practitioner):
    with pytest.raises(ValidationError) as caught:
        services.unmet_need_record(
            actor=practitioner,
            person=person,
            need="Respite",
            category=NeedCategory.CARER_BREAK,
            reason=UnmetReason.OTHER,
            identified_on=days_ago(10),
        )
    assert "Say what the other reason is." in caught.value.message_dict["reason_other"]
    unmet = services.unmet_need_record(
        actor=practitioner,
        person=person,
        need="Respite",
        category=NeedCategory.CARER_BREAK,
        reason=UnmetReason.WAITING_LIST,
        identified_on=days_ago(10),
    )
    with pytest.raises(ValidationError) as caught:
        services.unmet_need_mark_met(
            actor=practitioner,
            unmet_need=unmet,
            met_on=days_ago(11),
            how_met="Place found",
            expected_version=unmet.version,
        )
    assert "on or after the date it was identified" in caught.value.message_dict["met_on"][0]
    services.unmet_need_mark_met(
        actor=practitioner,
        unmet_need=unmet,
        met_on=days_ago(2),
        how_met="Place found",
        expected_version=unmet.version,
    )
    unmet.refresh_from_db()
    assert unmet.met_on == days_ago(2) and not unmet.is_open


# --- SDS-3 budgets --------------------------------------------------------------------------


def test_money_is_stored_exactly_and_the_total_adds_up(person, practitioner, limits):
    outcome = make_outcome(person)
    lines = [
        LineInput(description="PA", amount=Decimal("21.37"), period="week", outcome=outcome),
        LineInput(description="Taxi", amount=Decimal("33.33"), period="month"),
        LineInput(description="Rail", amount=Decimal("0.01"), period="year"),
        LineInput(description="Path", amount=Decimal("1850.99"), period="one_off"),
    ]
    budget_request = make_budget_request(
        person, actor=practitioner, lines=lines, contribution=Decimal("12.50")
    )
    stored = BudgetRequest.objects.get(pk=budget_request.pk)
    expected = Decimal("21.37") * 52 + Decimal("33.33") * 12 + Decimal("0.01") + Decimal("1850.99")
    assert stored.total_per_year == expected == Decimal("3362.20")
    assert sum(line.amount_per_year for line in stored.lines.all()) == stored.total_per_year
    assert [line.amount for line in stored.lines.order_by("position")] == [
        Decimal("21.37"),
        Decimal("33.33"),
        Decimal("0.01"),
        Decimal("1850.99"),
    ]
    assert stored.contribution_per_year == Decimal("650.00")
    assert stored.net_per_year == Decimal("2712.20")


def test_a_request_and_its_breakdown_save_atomically_failure_on_the_third_line(
    person, practitioner, limits, monkeypatch
):
    real_save = BudgetLine.save
    calls = {"n": 0}

    def fail_on_third(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise DatabaseError("the third line could not be written")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(BudgetLine, "save", fail_on_third)
    lines = [
        LineInput(description=f"Line {n}", amount=Decimal("10.00"), period="week")
        for n in range(1, 5)
    ]
    with pytest.raises(DatabaseError):
        make_budget_request(person, actor=practitioner, lines=lines)
    assert calls["n"] == 3
    assert not BudgetRequest.objects.exists()
    assert not BudgetLine.objects.exists()
    assert not BudgetRequestEvent.objects.exists()
    assert not ChangeRecord.objects.filter(object_type__startswith="sds.").exists()


def test_a_bad_third_line_is_named_and_nothing_is_saved(person, practitioner, limits):
    lines = [
        LineInput(description="A", amount=Decimal("10.00"), period="week"),
        LineInput(description="B", amount=Decimal("10.00"), period="week"),
        LineInput(description="C", amount=Decimal("-10.00"), period="week"),
    ]
    with pytest.raises(ValidationError) as caught:
        make_budget_request(person, actor=practitioner, lines=lines)
    assert caught.value.message_dict["lines"] == [
        "Line 3: The amount cannot be negative. Enter £0 or more."
    ]
    assert not BudgetRequest.objects.exists()


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("0.00"), "more than £0"),
        (Decimal("12.345"), "2 decimal places"),
        (12.5, "never floating point"),
    ],
)
def test_line_amounts_must_be_exact_positive_pence(person, practitioner, limits, amount, words):
    with pytest.raises(ValidationError) as caught:
        make_budget_request(
            person,
            actor=practitioner,
            lines=[LineInput(description="A", amount=amount, period="week")],
        )
    assert words in caught.value.message_dict["lines"][0]


def test_contribution_cannot_exceed_the_budget_and_dates_must_be_in_order(
    person, practitioner, limits
):
    lines = [LineInput(description="A", amount=Decimal("10.00"), period="week")]
    with pytest.raises(ValidationError) as caught:
        services.budget_request_submit(
            actor=practitioner,
            person=person,
            lines=lines,
            start_date=TODAY(),
            case_for_request="x",
            contribution=Decimal("11.00"),
        )
    assert "cannot be more than the budget" in caught.value.message_dict["contribution"][0]
    with pytest.raises(ValidationError) as caught:
        services.budget_request_submit(
            actor=practitioner,
            person=person,
            lines=lines,
            start_date=TODAY(),
            end_date=days_ago(1),
            case_for_request="x",
        )
    assert "on or after the start date" in caught.value.message_dict["end_date"][0]


def test_a_line_may_not_point_at_another_persons_outcome(person, practitioner, limits, team):
    from goldenthread.people.factories import PersonFactory

    elsewhere = make_outcome(PersonFactory(team=team))
    with pytest.raises(ValidationError, match="this person's outcomes"):
        make_budget_request(
            person,
            actor=practitioner,
            lines=[
                LineInput(
                    description="A", amount=Decimal("10.00"), period="week", outcome=elsewhere
                )
            ],
        )


def test_a_line_for_a_solution_is_linked_to_its_outcome(person, practitioner, limits):
    solution = SolutionFactory(outcome=make_outcome(person), costed=True)
    budget_request = make_budget_request(
        person,
        actor=practitioner,
        lines=[
            LineInput(
                description="Support worker",
                amount=Decimal("45.00"),
                period="week",
                solution=solution,
            )
        ],
    )
    line = budget_request.lines.get()
    assert line.solution == solution and line.outcome == solution.outcome


def test_indicative_budget_is_recorded_whatever_the_option(person, practitioner):
    row = services.indicative_budget_record(
        actor=practitioner,
        person=person,
        amount=Decimal("9500.00"),
        period="year",
        told_on=days_ago(3),
        how_told="easy_read",
    )
    assert IndicativeBudget.objects.get(pk=row.pk).amount == Decimal("9500.00")
    with pytest.raises(ValidationError) as caught:
        services.indicative_budget_record(
            actor=practitioner,
            person=person,
            amount=Decimal("-1.00"),
            period="year",
            told_on=TODAY() + datetime.timedelta(days=1),
            how_told="letter",
        )
    assert "cannot be negative" in caught.value.message_dict["amount"][0]
    assert "today or in the past" in caught.value.message_dict["told_on"][0]


def test_only_casework_staff_write(person, panel_member, commissioner):
    for user in (panel_member, commissioner):
        with pytest.raises(PermissionDenied):
            record_options(person, actor=user)


# --- SDS-5 decisions ------------------------------------------------------------------------


def test_decision_with_reasons_and_when_it_was_shared(person, practitioner):
    decision = services.decision_record(
        actor=practitioner,
        person=person,
        about=DecisionAbout.SUPPORT,
        summary="Walking group first",
        reasons="You wanted to try it with your neighbour.",
        decided_on=days_ago(5),
        decided_by="Jean and Pat",
    )
    assert not decision.sharings.exists()
    with pytest.raises(ValidationError) as caught:
        services.decision_sharing_record(
            actor=practitioner, decision=decision, shared_on=days_ago(6), how="letter"
        )
    assert "on or after the date it was decided" in caught.value.message_dict["shared_on"][0]
    services.decision_sharing_record(
        actor=practitioner, decision=decision, shared_on=days_ago(4), how="letter"
    )
    assert decision.sharings.get().how == "letter"


def test_decision_needs_reasons(person, practitioner):
    with pytest.raises(ValidationError) as caught:
        services.decision_record(
            actor=practitioner,
            person=person,
            about="budget",
            summary="No",
            reasons="",
            decided_on=TODAY(),
            decided_by="x",
        )
    assert "Give the reasons" in caught.value.message_dict["reasons"][0]


# --- History rows are never edited ----------------------------------------------------------


@pytest.fixture
def history_rows(person, practitioner, limits):
    budget_request = make_budget_request(person, actor=practitioner)
    decision = DecisionFactory(person=person, recorded_by=practitioner)
    sharing = services.decision_sharing_record(
        actor=practitioner, decision=decision, shared_on=TODAY(), how="letter"
    )
    return {
        "event": budget_request.events.first(),
        "decision": decision,
        "sharing": sharing,
        "indicative": IndicativeBudgetFactory(person=person, recorded_by=practitioner),
    }


@pytest.mark.parametrize("kind", ["event", "decision", "sharing", "indicative"])
def test_history_rows_cannot_be_updated_or_deleted_in_the_app(history_rows, kind):
    row = history_rows[kind]
    model = type(row)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(at=timezone.now())
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("kind", ["event", "decision", "sharing", "indicative"])
def test_the_database_refuses_to_change_history_rows(history_rows, kind):
    row = history_rows[kind]
    table = type(row)._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET at = at")  # noqa: S608
    # Both databases refuse DELETE since sds 0006 (#17): append_only_guards.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert type(row).objects.filter(pk=row.pk).exists()


def test_events_record_who_when_and_the_total(person, practitioner, limits):
    budget_request = make_budget_request(person, actor=practitioner)
    event = budget_request.events.get()
    assert event.kind == EventKind.REQUESTED
    assert event.actor == practitioner and "Pat Kerr" in event.actor_name
    assert event.total_per_year == budget_request.total_per_year
    assert budget_request.status == RequestStatus.AWAITING_DECISION
    assert DecisionSharing.objects.count() == 0
