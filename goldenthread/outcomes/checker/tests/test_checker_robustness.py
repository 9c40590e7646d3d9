"""Bad input never crashes the checker, and spans always point into the text."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.outcomes.checker import CODES, check


def _assert_sane(text: str) -> None:
    result = check(text)
    assert result.text == text
    for flag in result.flags:
        assert flag.code in CODES
        assert 0 <= flag.start <= flag.end <= len(text)
        assert flag.message.strip()
        assert flag.suggestion.strip()


def test_empty_text_gets_one_clear_flag() -> None:
    result = check("")
    assert [f.code for f in result.flags] == ["not_measurable"]
    assert result.flags[0].message == "There is no outcome written yet."
    assert (result.flags[0].start, result.flags[0].end) == (0, 0)


@pytest.mark.parametrize("text", [" ", "\n\n", "\t  \r\n", "\u00a0\u200b"])
def test_whitespace_only_is_treated_as_empty(text: str) -> None:
    result = check(text)
    assert [f.message for f in result.flags] == ["There is no outcome written yet."]


@pytest.mark.parametrize("text", ["!!!???...", "---", "12345", "£3,000", "() [] {}"])
def test_no_words(text: str) -> None:
    result = check(text)
    assert [f.code for f in result.flags] == ["not_measurable"]
    assert result.flags[0].message == "There are no words here to check yet."
    assert text[result.flags[0].start : result.flags[0].end].strip() == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "Tha mi airson a dhol a shnàmh gach seachdain ron Nollaig.",  # Scottish Gaelic
        "Chcę chodzić na basen raz w tygodniu do czerwca.",  # Polish
        "أريد أن أذهب للسباحة كل أسبوع",  # Arabic
        "我想在六月之前每周去游泳一次。",  # Chinese
        "Я хочу ходить в бассейн каждую неделю.",  # Russian
    ],
)
def test_other_languages_get_a_clear_answer(text: str) -> None:
    result = check(text)
    assert [f.code for f in result.flags] == ["not_measurable"]
    assert "doesn't look like English" in result.flags[0].message
    assert "yourself" in result.flags[0].suggestion


def test_english_with_a_gaelic_name_is_still_checked() -> None:
    result = check("Mhairi would like to be going to her Gaelic choir practice again by the Mòd.")
    assert result.passed


def test_control_characters_are_handled_and_spans_still_fit() -> None:
    text = "I want\x00 to go\x07 swimming\x1b every week\u2028by June\x7f, again."
    _assert_sane(text)
    assert check(text).passed


def test_curly_quotes_and_dashes() -> None:
    text = (
        "I’ve not been able to get to the shops since my fall – by Christmas I want to be "
        "doing my own shopping again, once a week."
    )
    assert check(text).passed


def test_ten_thousand_characters() -> None:
    text = ("I want to go to the shops with my support worker by June. " * 200)[:10_000]
    assert len(text) == 10_000
    started = time.perf_counter()
    _assert_sane(text)
    assert time.perf_counter() - started < 2.0


def test_ten_thousand_characters_without_spaces() -> None:
    _assert_sane("x" * 10_000)
    _assert_sane("by " * 3_333)


def test_none_raises_type_error() -> None:
    with pytest.raises(TypeError):
        check(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [b"I want to swim", 42, ["I want to swim"]])
def test_non_strings_raise_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        check(bad)  # type: ignore[arg-type]


def test_surrogates_do_not_crash() -> None:
    _assert_sane("I want to swim \ud800 every week by June")


SEEDS = [
    "Mr Brown to receive 10 hours of home care per week.",
    "I want to get back to my bowling club on Thursdays by the end of May.",
    "Staff will ensure Mr X takes his medication.",
    "By attending the day centre, Mr Boyd will make new friends.",
    "For the young person to achieve their full potential.",
]


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    _assert_sane(text)


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=80),
            st.sampled_from(
                [
                    " by ",
                    " to ",
                    "'s",
                    ",",
                    ";",
                    ".",
                    "-",
                    " the ",
                    " for ",
                    "To ",
                    "\n",
                    " with the help of ",
                    " so that ",
                    "Staff ",
                    "\u2019",
                    "é",
                    "\x00",
                ]
            ),
        ),
        max_size=6,
    ),
)
def test_never_raises_on_edited_outcomes(seed: str, edits: list[tuple[int, str]]) -> None:
    text = seed
    for position, piece in edits:
        position = min(position, len(text))
        text = text[:position] + piece + text[position:]
    _assert_sane(text)
