"""REV-1, REV-2, REV-3: every write for reviews, through the services. Rewrites keep the old
outcome; the person's own view is theirs and never changed; a review is only finished
when every open outcome has been reviewed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from goldenthread.audit.models import AppendOnlyError, ChangeRecord
from goldenthread.core.concurrency import StaleEditError
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import Outcome, OutcomeStatus, OutcomeWording
from goldenthread.reviews import services
from goldenthread.reviews.models import (
    OutcomeDecision,
    OutcomeReview,
    PersonView,
    Rating,
    ReviewSchedule,
    ReviewStatus,
    SolutionDecision,
    WhoseWords,
)
from goldenthread.support.models import SolutionStatus

from .conftest import days_ago, make_outcome


def today():
    return timezone.localdate()


@pytest.fixture
def review(person, practitioner):
    return services.review_start(actor=practitioner, person=person, held_on=today())


def record(actor, review, outcome, **overrides):
    fields = {
        "rating": Rating.PARTLY,
        "evidence": "Went twice last month with Ann.",
        "decision": OutcomeDecision.KEEP,
    }
    fields.update(overrides)
    return services.outcome_review_record(actor=actor, review=review, outcome=outcome, **fields)


# --- outcomes.services.outcome_rewrite and outcome_close ---------------------------------------


def test_outcome_rewrite_keeps_the_old_outcome_and_links_the_new(person, practitioner):
    old = make_outcome(person, statement="To attend the day centre twice a week")
    new = outcome_services.outcome_rewrite(
        actor=practitioner,
        outcome=old,
        statement="I will see my friends at the bowling club every Thursday by June",
        baseline="Goes once a month",
        measure="Goes at least three Thursdays a month",
        target_date=today() + datetime.timedelta(days=90),
        assessed_need="Getting out",
    )
    old.refresh_from_db()
    assert old.status == OutcomeStatus.REPLACED
    assert old.statement == "To attend the day centre twice a week"
    assert old.wordings.count() == 1  # the old wording is kept as it was
    assert new.replaces == old and old.replaced_by == new
    assert new.status == OutcomeStatus.OPEN
    assert (new.person_id, new.conversation_id, new.positive_change_id) == (
        old.person_id,
        old.conversation_id,
        old.positive_change_id,
    )
    [wording] = OutcomeWording.objects.filter(outcome=new)
    assert wording.number == 1 and wording.written_by == practitioner
    assert new.check_answers.exists()  # the checker's suggestions for the new wording
    assert new.checker_codes == []  # this wording passes the checker
    changes = ChangeRecord.objects.filter(object_type="outcomes.Outcome")
    assert changes.filter(object_id=str(new.pk), action="create").count() == 1
    update = changes.get(object_id=str(old.pk), action="update")
    assert update.before["status"] == "open" and update.after["status"] == "replaced"


def test_outcome_rewrite_refuses_an_outcome_that_is_not_open(person, practitioner):
    outcome = make_outcome(person, status=OutcomeStatus.ACHIEVED)
    with pytest.raises(ValidationError, match="already achieved"):
        outcome_services.outcome_rewrite(
            actor=practitioner,
            outcome=outcome,
            statement="Something new",
            baseline="",
            measure="",
            target_date=None,
        )
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize("status", [OutcomeStatus.ACHIEVED, OutcomeStatus.CLOSED])
def test_outcome_close(person, practitioner, status):
    outcome = make_outcome(person)
    outcome_services.outcome_close(actor=practitioner, outcome=outcome, status=status)
    assert outcome.status == status and outcome.version == 2
    assert ChangeRecord.objects.filter(object_id=str(outcome.pk), action="update").exists()
    with pytest.raises(ValidationError, match="cannot be closed"):
        outcome_services.outcome_close(actor=practitioner, outcome=outcome, status=status)


def test_outcome_close_only_achieves_or_closes(person, practitioner):
    outcome = make_outcome(person)
    with pytest.raises(ValueError, match="replaced"):
        outcome_services.outcome_close(
            actor=practitioner, outcome=outcome, status=OutcomeStatus.REPLACED
        )


# --- Starting a review and the schedule --------------------------------------------------------


def test_one_review_in_progress_at_a_time(person, practitioner, review):
    with pytest.raises(services.ReviewInProgress) as caught:
        services.review_start(actor=practitioner, person=person, held_on=today())
    assert caught.value.review == review
    assert "already in progress" in caught.value.messages[0]


def test_review_date_cannot_be_in_the_future(person, practitioner):
    with pytest.raises(ValidationError) as caught:
        services.review_start(
            actor=practitioner, person=person, held_on=today() + datetime.timedelta(days=1)
        )
    assert caught.value.message_dict == {
        "held_on": ["The date of the review must be today or earlier."]
    }


def test_only_casework_staff_record_reviews(person, commissioner):
    with pytest.raises(PermissionDenied):
        services.review_start(actor=commissioner, person=person, held_on=today())


def test_schedule_set_then_changed_is_version_checked(person, practitioner, team_leader):
    first = services.review_schedule_set(
        actor=practitioner, person=person, next_review_on=today() + datetime.timedelta(days=60)
    )
    assert first.version == 1 and first.set_by == practitioner
    services.review_schedule_set(
        actor=team_leader,
        person=person,
        expected_version=1,
        next_review_on=today() + datetime.timedelta(days=30),
    )
    with pytest.raises(StaleEditError) as caught:
        services.review_schedule_set(
            actor=practitioner,
            person=person,
            expected_version=1,
            next_review_on=today() + datetime.timedelta(days=90),
        )
    assert caught.value.current.next_review_on == today() + datetime.timedelta(days=30)
    assert ReviewSchedule.objects.get(person=person).version == 2
    assert ChangeRecord.objects.filter(object_type="reviews.ReviewSchedule").count() == 2


def test_schedule_date_must_not_be_in_the_past(person, practitioner):
    with pytest.raises(ValidationError) as caught:
        services.review_schedule_set(actor=practitioner, person=person, next_review_on=days_ago(1))
    assert "today or later" in caught.value.message_dict["next_review_on"][0]


# --- Reviewing an outcome (REV-1, REV-2) -------------------------------------------------------


def test_record_an_outcome_review_and_change_it_while_in_progress(
    person, practitioner, review, outcome
):
    row = record(practitioner, review, outcome, new_measure_value=Decimal("2"))
    assert (row.rating, row.decision, row.new_measure_value) == (
        Rating.PARTLY,
        OutcomeDecision.KEEP,
        Decimal("2.00"),
    )
    changed = record(
        practitioner, review, outcome, rating=Rating.NOT_YET, expected_version=row.version
    )
    assert changed.pk == row.pk and changed.version == 2 and changed.rating == Rating.NOT_YET
    with pytest.raises(StaleEditError):
        record(practitioner, review, outcome, expected_version=1)
    with pytest.raises(StaleEditError):  # someone else recorded it first
        record(practitioner, review, outcome, expected_version=None)
    assert OutcomeReview.objects.count() == 1
    assert ChangeRecord.objects.filter(object_type="reviews.OutcomeReview").count() == 2


def test_rewrite_at_a_review_keeps_the_old_outcome_linked_to_the_new(
    person, practitioner, review, outcome
):
    row = record(
        practitioner,
        review,
        outcome,
        decision=OutcomeDecision.REWRITE,
        rating=Rating.PARTLY,
        rewrite=services.Rewrite(
            statement="I will go to the club on my own, on the bus, by August",
            baseline="Goes with her daughter twice a month",
            measure="Goes on her own at least twice a month",
            target_date=today() + datetime.timedelta(days=120),
        ),
    )
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.REPLACED
    assert row.new_outcome.replaces == outcome
    assert row.new_outcome.statement.startswith("I will go to the club on my own")
    # The new wording is not one of this review's outcomes to review.
    assert row.new_outcome.pk not in services.selectors.outcome_ids_to_review(review)
    with pytest.raises(ValidationError, match="already rewritten"):
        record(
            practitioner,
            review,
            outcome,
            decision=OutcomeDecision.KEEP,
            expected_version=row.version,
        )


@pytest.mark.parametrize(
    ("rating", "status"),
    [(Rating.ACHIEVED, OutcomeStatus.ACHIEVED), (Rating.NO_LONGER_RELEVANT, OutcomeStatus.CLOSED)],
)
def test_close_at_a_review(person, practitioner, review, outcome, rating, status):
    record(practitioner, review, outcome, rating=rating, decision=OutcomeDecision.CLOSE)
    outcome.refresh_from_db()
    assert outcome.status == status


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rating": ""}, "rating", "Choose how far the outcome has come."),
        ({"evidence": "   "}, "evidence", "Say what shows this"),
        ({"decision": "maybe"}, "decision", "Choose whether to keep, rewrite or close"),
        ({"rating": Rating.NO_LONGER_RELEVANT}, "decision", "cannot be kept as it is"),
        ({"decision": OutcomeDecision.REWRITE}, "statement", "Write the new wording"),
    ],
)
def test_outcome_review_mistakes_are_explained(
    person, practitioner, review, outcome, overrides, field, message
):
    with pytest.raises(ValidationError) as caught:
        record(practitioner, review, outcome, **overrides)
    assert message in caught.value.message_dict[field][0]
    assert not OutcomeReview.objects.exists()
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.OPEN


def test_rewrite_must_change_the_words_and_date_must_follow_the_review(
    person, practitioner, review, outcome
):
    with pytest.raises(ValidationError) as caught:
        record(
            practitioner,
            review,
            outcome,
            decision=OutcomeDecision.REWRITE,
            rewrite=services.Rewrite(
                statement=outcome.statement, target_date=today() - datetime.timedelta(days=3)
            ),
        )
    errors = caught.value.message_dict
    assert "same as the old one" in errors["statement"][0]
    assert "must be after the review" in errors["target_date"][0]
    assert Outcome.objects.count() == 1


def test_a_closed_outcome_is_not_part_of_a_new_review(person, practitioner, outcome):
    outcome_services.outcome_close(actor=practitioner, outcome=outcome, status=OutcomeStatus.CLOSED)
    review = services.review_start(actor=practitioner, person=person, held_on=today())
    with pytest.raises(ValidationError, match="not part of this review"):
        record(practitioner, review, outcome)


def test_another_persons_outcome_is_refused(practitioner, review):
    from goldenthread.people.factories import PersonFactory

    stranger_outcome = make_outcome(PersonFactory())
    with pytest.raises(ValidationError, match="Choose one of this person.s outcomes"):
        record(practitioner, review, stranger_outcome)


# --- The person's own view: theirs, and never changed ------------------------------------------


def test_persons_rating_is_kept_separately_and_never_changed_by_the_practitioner(
    person, practitioner, team_leader, review, outcome
):
    row = record(practitioner, review, outcome, rating=Rating.ACHIEVED)
    view = services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=outcome,
        rating=Rating.NOT_YET,
        in_their_words="I've only been twice. I want to go every week, on my own.",
    )
    # The practitioner changes their rating, twice, and so does their team leader.
    row = record(practitioner, review, outcome, rating=Rating.PARTLY, expected_version=row.version)
    record(team_leader, review, outcome, rating=Rating.ACHIEVED, expected_version=row.version)
    view.refresh_from_db()
    assert view.rating == Rating.NOT_YET
    assert view.in_their_words == "I've only been twice. I want to go every week, on my own."
    assert PersonView.objects.count() == 1
    assert OutcomeReview.objects.get().rating == Rating.ACHIEVED


def test_a_later_view_is_a_new_row_beside_the_earlier_one(person, practitioner, review, outcome):
    first = services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=outcome,
        in_their_words="Not yet.",
        rating=Rating.NOT_YET,
    )
    later = services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=outcome,
        rating=Rating.PARTLY,
        in_their_words="Thinking about it, I am getting there.",
        whose_words=WhoseWords.WITH_SUPPORT,
    )
    assert list(PersonView.objects.order_by("at")) == [first, later]
    first.refresh_from_db()
    assert (first.rating, first.in_their_words) == (Rating.NOT_YET, "Not yet.")


def test_person_views_cannot_be_edited_or_deleted_by_the_application(
    person, practitioner, review, outcome
):
    view = services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=outcome,
        in_their_words="Not yet.",
        rating=Rating.NOT_YET,
    )
    view.rating = Rating.ACHIEVED
    with pytest.raises(AppendOnlyError):
        view.save()
    with pytest.raises(AppendOnlyError):
        PersonView.objects.filter(pk=view.pk).update(rating=Rating.ACHIEVED)
    with pytest.raises(AppendOnlyError):
        view.delete()
    with pytest.raises(AppendOnlyError):
        PersonView.objects.all().delete()
    assert PersonView.objects.get().rating == Rating.NOT_YET


def test_the_database_refuses_to_change_a_persons_view(person, practitioner, review, outcome):
    view = services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=outcome,
        in_their_words="Not yet.",
        rating=Rating.NOT_YET,
    )
    with (
        pytest.raises(Exception, match="never changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE reviews_personview SET rating = 'achieved' WHERE id = %s",
            [view.pk.hex if connection.vendor == "sqlite" else str(view.pk)],
        )
    assert PersonView.objects.get().rating == Rating.NOT_YET


def test_someone_speaking_for_the_person_is_named(practitioner, review, outcome):
    with pytest.raises(ValidationError) as caught:
        services.person_view_add(
            actor=practitioner,
            review=review,
            outcome=outcome,
            in_their_words="She is happier.",
            whose_words=WhoseWords.ON_BEHALF,
        )
    assert caught.value.message_dict == {
        "speaker_name": ["Enter the name of who spoke for the person."]
    }
    view = services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=outcome,
        in_their_words="She is happier.",
        whose_words=WhoseWords.ON_BEHALF,
        speaker_name="Ann Macdonald, her daughter",
    )
    assert view.speaker_name == "Ann Macdonald, her daughter"


# --- Solutions kept, changed or stopped --------------------------------------------------------


def test_stopping_a_solution_marks_it_stopped_with_the_reason(practitioner, review, outcome):
    solution = outcome.support_solutions.get()
    with pytest.raises(ValidationError) as caught:
        services.solution_review_record(
            actor=practitioner,
            review=review,
            solution=solution,
            decision=SolutionDecision.STOP,
            why="",
        )
    assert caught.value.message_dict == {"why": ["Say why it is stopping."]}
    row = services.solution_review_record(
        actor=practitioner,
        review=review,
        solution=solution,
        decision=SolutionDecision.STOP,
        why="Ann has changed shifts and cannot drive on Thursdays.",
    )
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.TRIED_AND_STOPPED
    change = solution.status_changes.order_by("created_at").last()
    assert "Ann has changed shifts" in change.note and change.changed_by == practitioner
    with pytest.raises(ValidationError, match="stopped at this review"):
        services.solution_review_record(
            actor=practitioner,
            review=review,
            solution=solution,
            decision=SolutionDecision.KEEP,
            why="",
            expected_version=row.version,
        )


def test_keeping_a_solution_changes_nothing_in_the_plan(practitioner, review, outcome):
    solution = outcome.support_solutions.get()
    services.solution_review_record(
        actor=practitioner, review=review, solution=solution, decision=SolutionDecision.KEEP, why=""
    )
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_PLACE and solution.version == 1


# --- Finishing a review ----------------------------------------------------------------------


def test_review_complete_names_the_outcomes_not_yet_reviewed(person, practitioner, three_outcomes):
    review = services.review_start(actor=practitioner, person=person, held_on=today())
    record(practitioner, review, three_outcomes[0])
    with pytest.raises(ValidationError) as caught:
        services.review_complete(
            actor=practitioner,
            review=review,
            expected_version=review.version,
            next_review_on=None,
            what_learned="",
        )
    errors = caught.value.message_dict
    [missing] = errors["__all__"]
    assert "Review every open outcome before finishing" in missing
    assert "I will do my own food shopping" in missing
    assert "I will have one evening a week to myself" in missing
    assert "bowling club" not in missing
    assert errors["next_review_on"] == ["Enter the date of the next review."]
    assert "Write what was learned" in errors["what_learned"][0]
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert not ReviewSchedule.objects.filter(next_review_on__isnull=False).exists()  # no date set


def test_review_complete_sets_the_schedule_and_freezes_the_review(
    person, practitioner, three_outcomes
):
    review = services.review_start(actor=practitioner, person=person, held_on=today())
    record(
        practitioner,
        review,
        three_outcomes[0],
        rating=Rating.ACHIEVED,
        decision=OutcomeDecision.CLOSE,
    )
    record(
        practitioner,
        review,
        three_outcomes[1],
        decision=OutcomeDecision.REWRITE,
        rewrite=services.Rewrite(statement="I will shop on my own at the Polish shop"),
    )
    record(practitioner, review, three_outcomes[2])
    next_date = today() + datetime.timedelta(days=120)
    with pytest.raises(ValidationError, match="after this review"):
        services.review_complete(
            actor=practitioner,
            review=review,
            expected_version=review.version,
            next_review_on=today(),
            what_learned="Lifts work; the bus does not.",
        )
    services.review_complete(
        actor=practitioner,
        review=review,
        expected_version=review.version,
        next_review_on=next_date,
        what_learned="Lifts work; the bus does not.",
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED and review.completed_at is not None
    assert review.next_review_on == next_date
    assert ReviewSchedule.objects.get(person=person).next_review_on == next_date
    with pytest.raises(ValidationError, match="finished"):
        record(practitioner, review, three_outcomes[2], expected_version=1)
    # The person's view can still be added after the review is finished.
    services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=three_outcomes[2],
        in_their_words="I think it went well.",
    )
    assert PersonView.objects.filter(review=review).count() == 1


def test_review_complete_is_version_checked(person, practitioner, review):
    services.review_update(
        actor=practitioner,
        review=review,
        expected_version=1,
        held_on=today(),
        what_learned="First thoughts",
    )
    with pytest.raises(StaleEditError):
        services.review_complete(
            actor=practitioner,
            review=review,
            expected_version=1,
            next_review_on=today() + datetime.timedelta(days=90),
        )


def test_one_draft_per_person_is_a_database_rule_too(person, practitioner, review):
    from goldenthread.reviews.models import Review

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(person=person, held_on=today(), conducted_by=practitioner)
