"""REV-1, P-2: the person gives their own view and rating at a review; it is kept beside
the worker's, never overwriting it; a proxy's view is recorded as theirs, for the person."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import sign_in
from goldenthread.portal import services
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.reviews.models import PersonView, Review, WhoseWords


def test_the_person_gives_their_view_at_a_review(client, full_record, person):
    me = RecordLinkFactory(person=person).user
    review = Review.objects.get(pk=full_record["review_id"])
    sign_in(client, me)
    url = reverse("portal:review_view", args=[person.pk, review.pk])
    page = client.get(url)
    assert page.status_code == 200
    outcome_id = full_record["outcome_id"]
    response = client.post(
        url,
        {
            "outcome": str(outcome_id),
            "rating": "partly",
            "in_their_words": "Better, but the bus is still hard.",
        },
    )
    assert response.status_code == 302
    view = PersonView.objects.get(in_their_words="Better, but the bus is still hard.")
    assert (view.whose_words, view.rating, view.recorded_by) == (WhoseWords.PERSON, "partly", me)


def test_a_proxys_view_is_recorded_as_theirs(full_record, person):
    proxy = ProxyLinkFactory(person=person, relationship="Daughter")
    view = services.review_view_give(
        actor=proxy.user,
        person=person,
        review_id=full_record["review_id"],
        outcome_id=full_record["outcome_id"],
        in_their_words="Mum is happier.",
    )
    assert view.whose_words == WhoseWords.ON_BEHALF and "Daughter" in view.speaker_name
    assert view.recorded_by == proxy.user


def test_words_are_needed(full_record, person):
    me = RecordLinkFactory(person=person).user
    with pytest.raises(ValidationError):
        services.review_view_give(
            actor=me,
            person=person,
            review_id=full_record["review_id"],
            outcome_id=full_record["outcome_id"],
            in_their_words=" ",
        )
