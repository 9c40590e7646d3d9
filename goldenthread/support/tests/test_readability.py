"""Flesch Reading Ease (A11Y-3): the syllable heuristic and known scores."""

import pytest

from goldenthread.support.readability import band, measure, syllables, text_from_html


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("the", 1),
        ("table", 2),
        ("little", 2),
        ("cake", 1),
        ("hoped", 1),
        ("jumped", 1),
        ("wanted", 2),
        ("created", 3),
        ("homes", 1),
        ("buses", 2),
        ("beautiful", 3),
        ("readability", 5),
        ("technology", 4),
        ("equipment", 3),
        ("community", 4),
        ("neighbours", 2),
        ("family", 3),
        ("idea", 3),
        ("video", 3),
        ("station", 2),
        ("specialist", 3),
        ("adaptations", 4),
        ("environment", 4),
        ("everyday", 3),
        ("people", 2),
        ("Thursday", 2),
        ("college", 2),
        ("I'm", 1),
    ],
)
def test_syllables_of_known_words(word, count):
    assert syllables(word) == count


def test_known_scores_from_the_published_examples():
    # Flesch's own examples as usually quoted: 37.5 and 69.0.
    platypus = measure(
        "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature."
    )
    assert (platypus.words, platypus.syllables, platypus.sentences) == (13, 24, 1)
    assert platypus.score == 37.5
    point = measure(
        "This sentence, taken as a reading passage unto itself, is being used to prove a point."
    )
    assert point.score == 69.0


def test_short_plain_sentences_score_higher_than_long_formal_ones():
    easy = measure("I want to go to the club. My friend will take me. It is on a Thursday.")
    hard = measure(
        "The individual's assessed eligible needs necessitate commissioning of appropriate "
        "domiciliary provision, subject to resource allocation panel authorisation."
    )
    assert easy.score > 90 > 30 > hard.score
    assert band(easy.score) == "very easy" and band(hard.score) == "very difficult"


def test_every_html_block_is_a_sentence_and_markup_is_not_counted():
    text = text_from_html(
        "<h2>What matters to me?</h2><ul><li>My cat</li><li>My garden</li></ul>"
        "<script>ignored()</script><p>I like <strong>tea</strong>.</p>"
    )
    assert text.splitlines() == ["What matters to me?", "My cat", "My garden", "I like tea."]
    assert measure(text).sentences == 4


def test_empty_text():
    assert measure("").score == 0.0
