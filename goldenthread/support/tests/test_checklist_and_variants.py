"""SS-5 checklist pre-fill (the practitioner's answer always wins; both kept) and SS-1
young-person / adult wording of steps 6 and 7."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from goldenthread.core.concurrency import StaleEditError
from goldenthread.support import checklist, presenters, selectors, services
from goldenthread.support.checklist import PERSONAL_BUDGET_SOURCES, Suggestion
from goldenthread.support.factories import (
    SolutionFactory,
    StepExplorationFactory,
    SupportPlanningFactory,
)
from goldenthread.support.models import (
    ChecklistQuestion,
    PlanType,
    SupportChecklistAnswer,
    SupportPlanning,
    SupportStep,
)


def suggestions_for(person, outcome):
    return selectors.outcome_support(person, outcome).suggestions


def test_an_empty_record_suggests_not_yet_for_every_step_and_flags_tried_already(person, outcome):
    found = suggestions_for(person, outcome)
    assert list(found) == list(ChecklistQuestion)
    assert found["tried_already"].answer == "not_yet"
    assert "Nothing is recorded yet" in found["tried_already"].reason
    for question in SupportStep.values:  # a checklist question for each of the seven steps
        assert found[question].answer == "not_yet", question
        assert "has not been explored yet" in found[question].reason
    assert found["personal_budgets"].answer == "not_yet"
    assert found["involved"] == Suggestion("", "Only you can answer this.")


def test_suggestions_follow_the_record(person, outcome):
    SupportPlanningFactory(outcome=outcome, own_ideas="")
    SolutionFactory(outcome=outcome, step="family_friends")
    StepExplorationFactory(outcome=outcome, step="technology")  # nothing suitable
    found = suggestions_for(person, outcome)
    assert found["tried_already"].answer == "partly"
    assert "not their own ideas" in found["tried_already"].reason
    assert found["family_friends"].answer == "yes"
    assert "1 solution recorded" in found["family_friends"].reason
    assert found["technology"].answer == "yes"
    assert "nothing suitable" in found["technology"].reason
    assert found["community"].answer == "not_yet"


def test_personal_budgets_from_a_costed_support_solution(person, outcome):
    SolutionFactory(outcome=outcome, step="support", cost=None)
    assert suggestions_for(person, outcome)["personal_budgets"].answer == "not_yet"
    SolutionFactory(outcome=outcome, costed=True)
    found = suggestions_for(person, outcome)["personal_budgets"]
    assert found.answer == "yes" and "with a cost" in found.reason


def test_personal_budgets_can_be_informed_by_another_module(person, outcome):
    def sds_said_so(outcome_, context):
        return Suggestion("yes", "Option 1 (a direct payment) was explained on 3 March.")

    PERSONAL_BUDGET_SOURCES.append(sds_said_so)
    try:
        found = suggestions_for(person, outcome)["personal_budgets"]
    finally:
        PERSONAL_BUDGET_SOURCES.remove(sds_said_so)
    assert found.reason.startswith("Option 1")


def test_practitioner_answer_wins_and_the_suggestion_is_kept(person, outcome, practitioner):
    services.checklist_save(
        actor=practitioner,
        person=person,
        outcome=outcome,
        answers={
            "technology": ("yes", "We talked about a video doorbell"),
            "involved": ("yes", ""),
        },
        expected_versions={},
    )
    row = SupportChecklistAnswer.objects.get(outcome=outcome, question="technology")
    assert row.answer == "yes" and row.suggested == "not_yet"
    assert "has not been explored yet" in row.suggestion_reason
    assert row.answered_by == practitioner
    involved = SupportChecklistAnswer.objects.get(outcome=outcome, question="involved")
    assert involved.suggested == "" and involved.answer == "yes"
    # A stale save is refused.
    with pytest.raises(StaleEditError):
        services.checklist_save(
            actor=practitioner,
            person=person,
            outcome=outcome,
            answers={"technology": ("partly", "")},
            expected_versions={"technology": 0},
        )
    services.checklist_save(
        actor=practitioner,
        person=person,
        outcome=outcome,
        answers={"technology": ("partly", "")},
        expected_versions={"technology": row.version},
    )
    row.refresh_from_db()
    assert row.answer == "partly" and row.version == 2


def test_checklist_is_computed_without_queries(person, outcome, django_assert_num_queries):
    planning = SupportPlanningFactory(outcome=outcome)
    solution = SolutionFactory(outcome=outcome)
    with django_assert_num_queries(0):
        checklist.suggest(outcome, planning=planning, explorations=[], solutions=[solution])


# --- SS-1: which wording of steps 6 and 7 ----------------------------------------------------


def _born_years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    if today.month == 2 and today.day == 29:  # a leap day: the birthday is 28 February
        today -= datetime.timedelta(days=1)
    return today.replace(year=today.year - years) - datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (8, PlanType.YOUNG_PERSON),
        (17, PlanType.YOUNG_PERSON),
        (18, PlanType.ADULT),
        (84, PlanType.ADULT),
    ],
)
def test_variant_is_chosen_from_age(person, age, expected):
    person.date_of_birth = _born_years_ago(age)
    variant = presenters.plan_variant(person, None)
    assert variant.plan_type == expected and not variant.overridden
    assert f"({age})" in variant.reason


def test_override_wins_and_says_so(person, outcome):
    person.date_of_birth = _born_years_ago(16)
    planning = SupportPlanning(person=person, outcome=outcome, plan_type_override=PlanType.ADULT)
    variant = presenters.plan_variant(person, planning)
    assert variant.plan_type == PlanType.ADULT and variant.overridden
    assert "young person questions" in variant.reason


def test_step_prompts_use_the_workbook_wording(person, outcome):
    person.date_of_birth = _born_years_ago(15)
    person.save()
    steps = {s.step.value: s for s in selectors.outcome_support(person, outcome).steps}
    assert steps["services"].prompts == (
        "What could your school or college do to help?",
        "What is available in the local offer?",
    )
    assert steps["support"].prompts == ("Could additional specialist support help?",)
    assert steps["yourself"].prompts[0] == (
        "How can you build on the strengths and qualities that you already have?"
    )
    SupportPlanningFactory(outcome=outcome, plan_type_override=PlanType.ADULT)
    steps = {s.step.value: s for s in selectors.outcome_support(person, outcome).steps}
    assert steps["services"].prompts[0] == (
        "Are there any general health or social services that could help?"
    )
    assert steps["support"].prompts[1].startswith("If you already have a provider")
    assert presenters.checklist_question_text("support", PlanType.YOUNG_PERSON) == (
        "Did I explore whether additional specialist support could help?"
    )


def test_money_is_shown_in_pounds_with_pence():
    assert presenters.money_text(Decimal("1234.5")) == "£1,234.50"
    assert presenters.money_text(Decimal("0")) == "£0.00"
    assert presenters.cost_text(Decimal("45"), "week") == "£45.00 a week"
    assert presenters.cost_text(None, "") == "No cost"
