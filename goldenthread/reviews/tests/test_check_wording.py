"""The review's rewrite box has the outcome checker's "Check wording" button, and it works
without JavaScript (OC-5, #16): a normal form post brings the page back with the
checker's suggestions for what was typed, everything typed kept, and nothing saved; with
htmx only the suggestions come back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from goldenthread.reviews import services
from goldenthread.reviews.models import OutcomeReview

from .conftest import make_outcome

pytestmark = pytest.mark.django_db

TYPED = {
    "rating": "partly",
    "evidence": "Goes with Ann on Thursdays.",
    "decision": "rewrite",
    "statement": "Provide a befriending service",
    "baseline": "",
    "target_date": "",
    "check_wording": "1",
}


@pytest.fixture
def outcome_page(person, practitioner):
    review = services.review_start(actor=practitioner, person=person, held_on=timezone.localdate())
    outcome = make_outcome(person)
    return reverse("reviews:outcome", args=[person.pk, review.pk, outcome.pk])


def test_the_rewrite_box_has_a_check_wording_button(practitioner_client, outcome_page):
    html = practitioner_client.get(outcome_page).content.decode()
    assert 'name="check_wording"' in html and ">Check wording</button>" in html


def test_check_wording_without_javascript(practitioner_client, outcome_page):
    response = practitioner_client.post(outcome_page, TYPED)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The outcome checker has" in html and "suggestion" in html
    assert "0 suggestions" not in html
    # Everything typed is kept, and nothing is judged or saved.
    assert "Provide a befriending service" in html and "Goes with Ann on Thursdays." in html
    assert "ds_error-summary" not in html
    assert not OutcomeReview.objects.exists()


def test_wording_without_suggestions_says_so(practitioner_client, outcome_page):
    good = {
        **TYPED,
        "statement": "I will go to the lunch club with Ann every Thursday by the end of May",
        "baseline": "I have not been out to the club since March",
        "target_date": "2099-05-31",
    }
    html = practitioner_client.post(outcome_page, good).content.decode()
    assert "I will go to the lunch club with Ann" in html
    assert "Provide a befriending service" not in html


def test_check_wording_with_htmx_sends_only_the_suggestions(practitioner_client, outcome_page):
    response = practitioner_client.post(outcome_page, TYPED, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<main" not in html
    assert "The outcome checker has" in html
    assert not OutcomeReview.objects.exists()
