"""The rule changed in the seventh round of issue 18 (OC-2), with its near-misses.

One failure kind the issue names ("a group of people rather than one person",
organisational voice) was changed, from the mistakes on the *tune* sources of
batches 1 to 7 and 9 only (evaluation/README.md, seventh round); batches 10 to
12 were collected first and kept out of the tuning. A school year in front of
the group ("Grade 4 students", "Year 9 pupils"), a share of it ("70 percent of
...") and a date with its year ("By April 10, 2011, ...") no longer hide the
group. The statements here are written for the tests.
"""

from __future__ import annotations

import pytest

from goldenthread.outcomes.checker import check

from .helpers import has, spans


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Grade 4 students will read a chapter book by June.", "Grade 4 students"),
        ("Year 9 pupils will travel to school on their own by July.", "Year 9 pupils"),
        ("P7 pupils will walk to the library each week by Easter.", "P7 pupils"),
        (
            "By March 3, 2027, 70 percent of grade 4 students will read 90 words a minute.",
            "70 percent of grade 4 students",
        ),
    ],
)
def test_a_school_year_or_a_share_of_a_group_is_still_a_group(text: str, words: str) -> None:
    """#18, OC-2: a group of people is not one person, whatever stands in front of it."""
    assert spans(text, "not_person_centred") == [words], check(text).codes


@pytest.mark.parametrize(
    "text",
    [
        "Meet 2 new people who share my interests by June.",
        "By Year 6, Amir will be able to read Harry Potter books.",
        "In year 2 Jack will walk to school with his friends by June.",
        "By June 1, 2026, Jack will walk to the shop on his own.",
        "By June 1, 2026, 3 friends will visit me each week.",
        "By March 2026, 70 percent of my meals will be cooked by me.",
    ],
)
def test_numbers_in_a_statement_about_one_person_do_not_make_a_group(text: str) -> None:
    """#18 near misses: a count, a year or a date beside one person's own life."""
    assert not has(text, "not_person_centred"), spans(text, "not_person_centred")
