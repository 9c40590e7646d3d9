"""Rules changed in the fourth round of issue 18, each with its near-misses.

The false alarms behind `not_measurable`, `service_language` and
`solution_embedded` precision below 0.80 on the external test sources
(evaluation/README.md, fourth round): service words inside the measure ("as
measured using an informal assessment", "across 3 consecutive therapy
sessions"), a level of help ("with prompting"), the person's own action
("engage in mutual touching", "manage personal health care needs"), a test
stimulus ("when given a picture card"), "group play", everyday statements the
vocabulary check took for another language, and observable states ("have
friends", "have a walk-in shower fitted"). The statements here are written for
the tests.
"""

from __future__ import annotations

import pytest

from goldenthread.outcomes.checker import check

from .helpers import has, spans

# ----------------------------------------------------------------------------- the measure


@pytest.mark.parametrize(
    "text",
    [
        "By March, Sol will read 20 words, as measured using the school's reading assessment.",
        "By June, Kai will spell 10 words; this will be measured using an informal assessment.",
        "By May, Isla will write her name as measured by therapy-based observation.",
    ],
)
def test_a_service_word_inside_the_measure_is_not_service_or_solution(text: str) -> None:
    assert not has(text, "service_language")
    assert not has(text, "solution_embedded")


def test_an_assessment_as_the_outcome_is_still_service_language() -> None:
    assert has("Mr Hay to have an assessment by June.", "service_language")


def test_a_count_of_therapy_sessions_is_a_measure_not_a_how() -> None:
    text = "By July, Ana will name 10 pictures across 3 consecutive therapy sessions."
    assert not has(text, "solution_embedded")
    assert has("By July, Ana will name 10 pictures with speech therapy.", "solution_embedded")


# ----------------------------------------------------------------------------- level of help


def test_with_prompting_is_a_level_of_help() -> None:
    assert not has("By May, Tom will shower with prompting.", "service_language")
    assert not has("By May, Tom will shower with minimal prompting.", "service_language")
    assert has("By May, Tom will get prompting to shower.", "service_language")


# ----------------------------------------------------------------------------- own actions


@pytest.mark.parametrize(
    "text",
    [
        "By June, Lou will engage in cooking a meal for 20 minutes.",
        "By June, Lou will be engaged in washing up after tea each day.",
    ],
)
def test_engaging_in_an_action_is_not_service_language(text: str) -> None:
    assert not has(text, "service_language")


@pytest.mark.parametrize(
    "text",
    [
        "For Jamie to engage in learning.",
        "Jake to engage in activities.",
        "Rhona will engage with services.",
    ],
)
def test_engaging_in_learning_activities_or_services_still_is(text: str) -> None:
    assert has(text, "service_language")


def test_managing_own_care_needs_is_the_persons_action() -> None:
    assert not has(
        "By July, Ravi will manage his own health care needs, such as booking appointments.",
        "service_language",
    )
    assert has("To ensure that Mrs Brown's care needs are met.", "service_language")


def test_by_engaging_in_play_is_the_persons_action() -> None:
    text = "By Easter, Jo will make two friends by engaging in cooperative play at break."
    assert not has(text, "solution_embedded")
    assert has(
        "By Easter, Jo will make two friends by engaging in a social group.", "solution_embedded"
    )


# ----------------------------------------------------------------------------- test conditions


def test_a_stimulus_given_as_a_test_condition_is_not_a_solution() -> None:
    text = "When given a picture card, Mo will name the feeling in 4 out of 5 trials by June."
    assert not has(text, "solution_embedded")


def test_a_support_given_is_still_a_solution() -> None:
    text = "Given visual supports, Mo will ask for a break in 4 out of 5 trials by June."
    assert spans(text, "solution_embedded") == ["visual supports"]


def test_something_from_staff_is_not_help_from_staff() -> None:
    text = "By June, Ellie will answer a greeting from staff by waving, 4 days out of 5."
    assert not has(text, "solution_embedded")
    assert has("By June, Ellie will wash her hair with help from staff.", "solution_embedded")


def test_group_play_is_an_activity_not_a_group_provision() -> None:
    assert not has(
        "By June, Jay will join in group play at break 3 times a week.", "solution_embedded"
    )
    assert has("By June, Jay will join a social skills group.", "solution_embedded")


# ----------------------------------------------------------------------------- observable states


@pytest.mark.parametrize(
    "text",
    [
        "Mohammed wants to have friends.",
        "have a walk-in shower fitted",
        "Students are able to get from home to their jobs.",
        "Being able to get back home.",
        "After graduation, Alex will live independently.",
    ],
)
def test_observable_states_are_measurable(text: str) -> None:
    assert not has(text, "not_measurable")


@pytest.mark.parametrize("text", ["To be happy.", "Have a better life.", "Get better."])
def test_feelings_and_aims_are_still_not_measurable(text: str) -> None:
    assert has(text, "not_measurable")


def test_an_everyday_sentence_is_read_as_english() -> None:
    result = check("After graduation, Alex will live independently.")
    assert not any("English" in f.message for f in result.flags)
    assert has("After graduation, Alex will live independently.", "no_baseline")


def test_resident_without_the_is_a_label() -> None:
    assert has("Resident will attend exercise class 3 times per week", "not_person_centred")
    assert not has("By June, I will be a resident of the new flats.", "not_person_centred")


def test_a_measured_group_activity_is_a_skill_but_a_bare_one_is_not() -> None:
    measured = "By June, Ty will take part in a group activity for 10 minutes on 4 out of 5 days."
    assert not has(measured, "service_language")
    assert not has(measured, "solution_embedded")
    assert has("Ravi wants to take part in group activities.", "service_language")
