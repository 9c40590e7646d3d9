"""The rules changed in the eleventh round of issue 18 (OC-2), with their near misses.

Batch 17 (published statements) was labelled, committed and measured first;
then the mistakes of its *tune* sources were read for kinds of wording the rules
got wrong (evaluation/README.md, eleventh round). Each change is a kind of
wording, not one statement, and each has near misses that must keep their
flags. The statements here are written for the tests.
"""

from __future__ import annotations

import pytest

from .helpers import has, spans


@pytest.mark.parametrize(
    "text",
    [
        "I want to be able to peel potatoes again by Christmas.",
        "By June, Sam will chop the vegetables for the family tea on Sundays.",
        "I will boil the kettle for my own cup of tea every morning by the end of March.",
        "By Easter, Aisha will fry an egg for her breakfast on her own.",
    ],
)
def test_preparing_food_is_something_you_can_see(text: str) -> None:
    """#18, OC-2 (eleventh round): peel, chop, slice, stir, boil, fry, grate."""
    assert not has(text, "not_measurable"), spans(text, "not_measurable")


@pytest.mark.parametrize(
    "text",
    [
        "I want to pour my heart into feeling better.",
        "I want to feel better in myself.",
    ],
)
def test_a_feeling_is_still_not_measurable(text: str) -> None:
    """The verb "pour" is left out: "pour my heart into" is not something you can see."""
    assert has(text, "not_measurable"), text


@pytest.mark.parametrize(
    "text",
    [
        "By September, Molly will climb on the playground equipment at the park with her sister.",
        "By the summer, Jay will use the play equipment in the garden on his own.",
        "By Easter, Tom will help put the sports equipment away after PE.",
    ],
)
def test_play_and_sports_equipment_is_the_activity_not_a_how(text: str) -> None:
    """#18, OC-2 (eleventh round): the child's own play is not a solution."""
    assert not has(text, "solution_embedded"), spans(text, "solution_embedded")


@pytest.mark.parametrize(
    "text",
    [
        "By June, I will get into the bath with the right equipment.",
        "By March, Mr Jones will have the equipment he needs to wash himself.",
        "I want to stand for two minutes using equipment by the end of May.",
    ],
)
def test_other_equipment_is_still_a_how(text: str) -> None:
    """Near misses: equipment that helps the person is still a solution."""
    assert spans(text, "solution_embedded") == ["equipment"], spans(text, "solution_embedded")
