"""The rules changed in the eighth round of issue 18 (OC-2), with their near misses.

Batch 13 (fresh test sources) was collected and measured first; then the false
alarms of the *tune* sources (batches 1 to 12) were read for kinds of language
the rules got wrong (evaluation/README.md, eighth round). Each change below is a
kind of wording, not one statement, and each has near misses that must still be
flagged. The statements here are written for the tests.
"""

from __future__ import annotations

import pytest

from goldenthread.outcomes.checker import check

from .helpers import has, spans


@pytest.mark.parametrize(
    "text",
    [
        "Xavier will receive his High School Equivalency diploma by May 30th.",
        "Amy will receive her Duke of Edinburgh award by the summer.",
        "Tom will receive his first wages from the cafe by Christmas.",
    ],
)
def test_receiving_an_award_or_a_qualification_is_an_achievement(text: str) -> None:
    """#18, OC-2: receiving something the person earned is not being given a service."""
    assert not has(text, "service_language"), spans(text, "service_language")


@pytest.mark.parametrize(
    "text",
    [
        "Tom will receive help to earn a certificate by June.",
        "Tom will receive support with his college work.",
        "Mr Brown to receive 10 hours of home care per week.",
    ],
)
def test_receiving_help_or_care_is_still_service_language(text: str) -> None:
    assert has(text, "service_language"), check(text).codes


def test_classes_at_a_college_are_a_place_to_learn() -> None:
    """#18: attending classes at a college is studying, not a service offered as the outcome."""
    text = "Xavier will attend English classes on Mondays and Fridays at the community college."
    assert not has(text, "service_language"), spans(text, "service_language")
    assert not has(text, "solution_embedded"), spans(text, "solution_embedded")


def test_a_named_class_elsewhere_is_still_a_service() -> None:
    text = "Jo will attend a falls prevention class at the leisure centre."
    assert has(text, "solution_embedded"), check(text).codes


def test_engaging_in_conversation_is_something_the_person_does() -> None:
    text = "Lucy will engage in conversations with her friends at lunch 3 times a week."
    assert not has(text, "service_language"), spans(text, "service_language")
    assert has("Lucy will engage in counselling every week.", "service_language")


@pytest.mark.parametrize(
    "text",
    [
        "Take pain medication only in the evening and before physical therapy sessions.",
        "Sam will use the toilet before his speech therapy sessions.",
    ],
)
def test_sessions_named_as_a_time_are_not_the_how(text: str) -> None:
    """#18: "before therapy sessions" says when, not how."""
    assert not has(text, "solution_embedded"), spans(text, "solution_embedded")


def test_going_to_therapy_sessions_is_still_the_how() -> None:
    text = "Sam will go to speech therapy sessions every week."
    assert has(text, "solution_embedded"), check(text).codes


def test_self_with_an_everyday_verb_is_an_action() -> None:
    """#18: "self-feed", "self-dress" name something you could see the person do."""
    assert not has("Rosa will self-feed.", "not_measurable")
    assert has("Rosa will be more self-aware.", "not_measurable")


def test_a_score_is_something_you_can_count() -> None:
    text = "Ali's self-reported mood score will be higher by August."
    assert not has(text, "not_measurable"), spans(text, "not_measurable")
    assert has("Ali will be happier.", "not_measurable")


def test_the_plan_named_as_its_own_period_is_not_jargon() -> None:
    """#18: "for the duration of this IEP" names the plan's period, like "the IEP year"."""
    text = "Jeremy will shop for groceries monthly for the duration of this IEP."
    assert not has(text, "jargon"), spans(text, "jargon")
    assert has("Jeremy's IEP will list his goals.", "jargon")
