"""The demo's stories fit the people they are told about (#16): the words for a person
follow the sex their CHI number records (neutral where none is), and each life stage has
its own stories, with the well-written outcome read first."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from goldenthread.nonprod.demo.conversations import SCENARIOS
from goldenthread.nonprod.demo.reviews import REWRITES
from goldenthread.nonprod.demo.story import ADULT, OLDER, YOUNG, fit, life_stage
from goldenthread.nonprod.demo.support import THEMES

DAY = datetime.date(2026, 6, 3)


def someone(chi: str = "", born: datetime.date = datetime.date(1950, 1, 1)) -> SimpleNamespace:
    return SimpleNamespace(
        given_name="Alex", preferred_name="", family_name="Kerr", chi_number=chi, date_of_birth=born
    )


@pytest.mark.parametrize(
    ("chi", "words"),
    [
        ("0101501230", "Mx K: they said their own, to them; Alex"),  # not a valid number
        ("", "Mx K: they said their own, to them; Alex"),
        ("0101501226", "Mrs K: she said her own, to her; Mum"),
        ("0101501218", "Mr K: he said his own, to him; Dad"),
    ],
)
def test_the_words_for_a_person_follow_the_sex_their_chi_number_records(chi, words):
    person = someone(chi)
    assert fit("{title} {initial}: {they} said {their} own, to {them}; {parent}", person) == words


def test_life_stages_at_the_demos_date():
    stages = {
        age: life_stage(someone(born=DAY.replace(year=DAY.year - age)), DAY)
        for age in (18, 25, 26, 64, 65, 95)
    }
    assert stages == {18: YOUNG, 25: YOUNG, 26: ADULT, 64: ADULT, 65: OLDER, 95: OLDER}


def test_every_stage_has_stories_and_support_ideas_of_its_own():
    for stage in (YOUNG, ADULT, OLDER):
        assert len([s for s in SCENARIOS if s.stage == stage]) >= 2
        assert any(stage in theme.stages for theme in THEMES)


def test_each_story_reads_its_well_written_outcome_first_and_every_poor_one_is_rewritten():
    """The loaders read a person's outcomes in statement order (casework.OUTCOME_ORDER): the
    well-written one ("I will...") before the poorly written teaching example."""
    for person in (someone(), someone("0101501226"), someone("0101501218")):
        for scenario in SCENARIOS:
            statements = [fit(o[0], person) for o in scenario.outcomes]
            assert statements[0].startswith("I will")
            assert statements == sorted(statements)
            for poor in statements[1:]:
                assert poor in {fit(p, person) for p in REWRITES}
                assert not poor.startswith("I will")
