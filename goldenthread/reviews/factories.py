"""Factories for reviews (tests, demo and synthetic data).

These write rows directly, as factories do; pages, the API and commands always go through
services.py. `reviews_record_kwargs(person)` gives one of each review item a person-scoped
URL points at, for the access tests' full_record fixture.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.people.factories import PersonFactory

from .due import refresh_review_due
from .models import (
    OutcomeDecision,
    OutcomeReview,
    PersonView,
    Rating,
    Review,
    ReviewSchedule,
    ReviewStatus,
    SolutionDecision,
    SolutionReview,
    WhoseWords,
)


def _worker(person):
    allocation = person.allocations.select_related("worker").first()
    if allocation is not None:
        return allocation.worker
    return PractitionerFactory(team=person.team)


def _refresh_due(obj, create, extracted, **kwargs):
    """What the services do in their transaction: the person's stored due date (#19)."""
    if create:
        refresh_review_due([obj.person_id])


class ReviewScheduleFactory(factory.django.DjangoModelFactory):
    """The date set for the person's next review (one row per person: a row that holds only
    the worked-out due date is given the date)."""

    class Meta:
        model = ReviewSchedule
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    next_review_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=90)
    )
    set_by = factory.LazyAttribute(lambda o: _worker(o.person))
    due = factory.PostGeneration(_refresh_due)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = kwargs.pop("person")
        schedule, _ = model_class.objects.update_or_create(person=person, defaults=kwargs)
        return schedule


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review in progress; `completed=True` for a finished one."""

    class Meta:
        model = Review
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    conducted_by = factory.LazyAttribute(lambda o: _worker(o.person))
    what_learned = ""
    status = ReviewStatus.DRAFT
    due = factory.PostGeneration(_refresh_due)

    class Params:
        completed = factory.Trait(
            status=ReviewStatus.COMPLETED,
            completed_at=factory.LazyFunction(timezone.now),
            next_review_on=factory.LazyAttribute(
                lambda o: o.held_on + datetime.timedelta(days=182)
            ),
            what_learned="The lift from her daughter works; the bus does not.",
        )


class OutcomeReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeReview

    review = factory.SubFactory(ReviewFactory)
    outcome = factory.SubFactory("goldenthread.outcomes.factories.OutcomeFactory")
    person = factory.SelfAttribute("review.person")
    rating = Rating.PARTLY
    evidence = "Went to the club twice last month with her daughter."
    decision = OutcomeDecision.KEEP
    new_measure_value = None
    recorded_by = factory.SelfAttribute("review.conducted_by")


class PersonViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonView

    review = factory.SubFactory(ReviewFactory)
    outcome = factory.SubFactory("goldenthread.outcomes.factories.OutcomeFactory")
    person = factory.SelfAttribute("review.person")
    rating = Rating.NOT_YET
    in_their_words = "I've only been twice. I want to go every week, on my own."
    whose_words = WhoseWords.PERSON
    recorded_by = factory.SelfAttribute("review.conducted_by")


class SolutionReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolutionReview

    review = factory.SubFactory(ReviewFactory)
    solution = factory.SubFactory("goldenthread.support.factories.SolutionFactory")
    person = factory.SelfAttribute("review.person")
    decision = SolutionDecision.KEEP
    why = ""
    recorded_by = factory.SelfAttribute("review.conducted_by")


def reviews_record_kwargs(person) -> dict:
    """URL kwargs for the review pages of `person` beyond those the access tests'
    full_record fixture has already (person_id, outcome_id, solution_id): review_id, a
    review in progress. Make it after the person's outcomes, as a real review is."""
    review = ReviewFactory.create(person=person)
    return {"review_id": review.pk}
