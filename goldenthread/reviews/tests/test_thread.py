"""REV-4: the golden thread and its broken links. Each kind of broken link is found, with a
plain-words reason; a complete record has none; reading it costs the same number of
queries for 1 outcome or 40."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goldenthread.conversations.factories import WhoMattersFactory
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.factories import AgreementFactory
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.record.thread import THREAD_QUERIES, LinkKind, broken_links, build_thread
from goldenthread.reviews import services
from goldenthread.reviews.factories import ReviewScheduleFactory
from goldenthread.reviews.models import OutcomeDecision, Rating
from goldenthread.sds.factories import make_budget_request
from goldenthread.sds.services import LineInput
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus, SupportStep

from .conftest import days_ago, make_change, make_conversation, make_outcome


def today():
    return timezone.localdate()


def links_of(person) -> list:
    return broken_links(build_thread(person))


def kinds(links) -> list[str]:
    return sorted(link.kind for link in links)


def review_all(person, actor, *, held_on=None, **overrides):
    """Hold and finish a review of every open outcome (kept as they are)."""
    review = services.review_start(actor=actor, person=person, held_on=held_on or today())
    for outcome in person.outcomes.filter(status=OutcomeStatus.OPEN):
        services.outcome_review_record(
            actor=actor,
            review=review,
            outcome=outcome,
            **{
                "rating": Rating.PARTLY,
                "evidence": "Some progress.",
                "decision": OutcomeDecision.KEEP,
                **overrides,
            },
        )
    services.review_complete(
        actor=actor,
        review=review,
        expected_version=review.version,
        next_review_on=today() + datetime.timedelta(days=90),
        what_learned="Going well.",
    )
    return review


def complete_record(person, practitioner):
    """A whole thread: what matters → not working and an aspiration → change → outcome
    with a need → support in place → provision linked to it → a review."""
    outcome = make_outcome(person, assessed_need="Help to get out of the house", held_days_ago=60)
    solution = SolutionFactory(
        outcome=outcome, step=SupportStep.SUPPORT, costed=True, status=SolutionStatus.IN_PLACE
    )
    make_budget_request(
        person,
        actor=practitioner,
        lines=[
            LineInput(
                description="Personal assistant, 3 hours a week",
                amount=Decimal("45.00"),
                period="week",
                outcome=outcome,
                solution=solution,
            )
        ],
    )
    review_all(person, practitioner)
    return outcome


@pytest.fixture(autouse=True)
def _limits(db):
    from goldenthread.sds.factories import set_limits

    set_limits()


def test_a_complete_record_has_no_broken_links(person, practitioner):
    outcome = complete_record(person, practitioner)
    thread = build_thread(person)
    assert broken_links(thread) == []
    [change] = thread.changes
    [entry] = change.outcomes
    # The outcome's value row (#19): its id and the words the page shows.
    assert (entry.outcome.pk, entry.outcome.statement) == (outcome.pk, outcome.statement)
    assert entry.status_text == outcome.get_status_display()
    assert [s.label for s in entry.steps] == ["Support"]
    assert entry.provision[0].description == "Personal assistant, 3 hours a week"
    assert entry.need == "Help to get out of the house"
    assert [p.rating for p in entry.progress] == [Rating.PARTLY]
    assert thread.what_matters[0].text == "Seeing my friends at the club"
    assert change.not_working and change.aspirations


def test_outcome_whose_change_links_nothing_that_matters(person, practitioner):
    change = make_change(make_conversation(person), linked=False)
    make_outcome(person, change=change)
    [link] = links_of(person)
    assert link.kind == LinkKind.OUTCOME_NOT_LINKED
    assert "is not linked to anything that is not working or to an aspiration" in link.reason
    assert link.title == "An outcome linked to nothing that matters"


def test_outcome_from_a_conversation_that_recorded_nothing_that_matters(person):
    change = make_change(make_conversation(person, matters=False))
    outcome = make_outcome(person, change=change)
    [link] = links_of(person)
    assert link.kind == LinkKind.OUTCOME_NOT_LINKED
    assert "recorded nothing about what, who or where matters" in link.reason
    assert link.anchor == f"outcome-{outcome.pk}"
    # Who matters counts as something that matters.
    WhoMattersFactory(conversation=outcome.conversation)
    assert links_of(person) == []


def test_support_still_in_place_for_a_rewritten_outcome(person, practitioner):
    outcome = make_outcome(person)
    solution = SolutionFactory(
        outcome=outcome, status=SolutionStatus.IN_PLACE, what="Lift to the club on Thursdays"
    )
    SolutionFactory(outcome=outcome, status=SolutionStatus.TRIED_AND_STOPPED, what="Community bus")
    review = services.review_start(actor=practitioner, person=person, held_on=today())
    services.outcome_review_record(
        actor=practitioner,
        review=review,
        outcome=outcome,
        rating=Rating.PARTLY,
        evidence="Goes with Ann.",
        decision=OutcomeDecision.REWRITE,
        # The worker unticked the lift: it stays with the old wording (#16).
        rewrite=services.Rewrite(
            statement="I will go to the club on my own by August", carry=frozenset()
        ),
    )
    # Jean agrees the new wording (an unagreed one is its own broken link: ACC-4).
    AgreementFactory(outcome=person.outcomes.get(status=OutcomeStatus.OPEN))
    [link] = links_of(person)
    assert link.kind == LinkKind.SUPPORT_NO_OUTCOME
    assert link.subject == "Lift to the club on Thursdays"
    assert "was rewritten" in link.reason and "Link it to the new wording" in link.reason
    assert link.anchor == f"solution-{solution.pk}"


def test_support_still_agreed_for_a_closed_outcome(person, practitioner):
    outcome = make_outcome(person)
    SolutionFactory(outcome=outcome, status=SolutionStatus.AGREED)
    outcome_services.outcome_close(actor=practitioner, outcome=outcome, status=OutcomeStatus.CLOSED)
    [link] = links_of(person)
    assert link.kind == LinkKind.SUPPORT_NO_OUTCOME and "is closed" in link.reason
    # Support for an achieved outcome may carry on keeping it achieved: not broken.
    other = make_outcome(person)
    SolutionFactory(outcome=other, status=SolutionStatus.IN_PLACE)
    outcome_services.outcome_close(actor=practitioner, outcome=other, status=OutcomeStatus.ACHIEVED)
    assert kinds(links_of(person)) == [LinkKind.SUPPORT_NO_OUTCOME]


def test_provision_with_no_outcome(person, practitioner):
    make_outcome(person)
    make_budget_request(
        person, actor=practitioner, lines=[("Cleaner, 2 hours a week", Decimal("30.00"), "week")]
    )
    [link] = links_of(person)
    assert link.kind == LinkKind.PROVISION_NO_OUTCOME
    assert link.subject == "Cleaner, 2 hours a week"
    assert "not linked to any outcome or solution" in link.reason
    assert "£30.00 a week" in link.reason


def test_provision_for_a_closed_outcome(person, practitioner):
    outcome = make_outcome(person)
    make_budget_request(
        person,
        actor=practitioner,
        lines=[
            LineInput(
                description="Bowling club membership",
                amount=Decimal("40.00"),
                period="month",
                outcome=outcome,
            )
        ],
    )
    outcome_services.outcome_close(actor=practitioner, outcome=outcome, status=OutcomeStatus.CLOSED)
    [link] = links_of(person)
    assert link.kind == LinkKind.PROVISION_NO_OUTCOME and "which is closed" in link.reason


def test_declined_budget_request_is_not_provision(person, practitioner, team_leader):
    from goldenthread.sds import services as sds_services

    make_outcome(person)
    budget_request = make_budget_request(
        person, actor=practitioner, lines=[("Cleaner, 2 hours a week", Decimal("30.00"), "week")]
    )
    sds_services.budget_request_decide(
        actor=team_leader,
        budget_request=budget_request,
        expected_version=budget_request.version,
        action=sds_services.DecideAction.DECLINE,
        reasons="Not eligible",
        reasons_for_person="This is not something the council pays for.",
    )
    assert links_of(person) == []


def test_outcome_never_reviewed_after_the_review_interval(person, settings):
    settings.GOLDENTHREAD_REVIEW_INTERVAL_DAYS = 100
    outcome = make_outcome(person, held_days_ago=101)
    [link] = links_of(person)
    assert link.kind == LinkKind.NEVER_REVIEWED
    assert "never reviewed" in link.reason and "every 100 days" in link.reason
    assert link.anchor == f"outcome-{outcome.pk}"
    settings.GOLDENTHREAD_REVIEW_INTERVAL_DAYS = 102
    assert links_of(person) == []


def test_outcome_never_reviewed_when_the_review_date_has_passed(person):
    make_outcome(person, held_days_ago=40)
    schedule = ReviewScheduleFactory(person=person, next_review_on=days_ago(2))
    [link] = links_of(person)
    assert link.kind == LinkKind.NEVER_REVIEWED
    assert "has passed" in link.reason
    schedule.next_review_on = today()
    schedule.save()
    assert links_of(person) == []


def test_outcome_past_its_date_with_no_review_since(person, practitioner):
    outcome = make_outcome(person, held_days_ago=60)
    review_all(person, practitioner, held_on=days_ago(20))
    outcome.target_date = days_ago(10)
    outcome.save()
    [link] = links_of(person)
    assert link.kind == LinkKind.PAST_DATE
    assert "should have been achieved by" in link.reason
    assert "The last review was on" in link.reason
    # A review held after the date mends it.
    review_all(person, practitioner, held_on=days_ago(5))
    assert links_of(person) == []


def test_a_review_in_progress_does_not_count_until_finished(person, practitioner, settings):
    settings.GOLDENTHREAD_REVIEW_INTERVAL_DAYS = 30
    outcome = make_outcome(person, held_days_ago=31)
    review = services.review_start(actor=practitioner, person=person, held_on=today())
    services.outcome_review_record(
        actor=practitioner,
        review=review,
        outcome=outcome,
        rating=Rating.PARTLY,
        evidence="Some.",
        decision=OutcomeDecision.KEEP,
    )
    assert kinds(links_of(person)) == [LinkKind.NEVER_REVIEWED]


def test_rewritten_outcome_carries_its_progress_and_is_not_flagged(person, practitioner, settings):
    settings.GOLDENTHREAD_REVIEW_INTERVAL_DAYS = 50
    outcome = make_outcome(person, held_days_ago=200)
    review = services.review_start(actor=practitioner, person=person, held_on=days_ago(10))
    row = services.outcome_review_record(
        actor=practitioner,
        review=review,
        outcome=outcome,
        rating=Rating.PARTLY,
        evidence="Goes with Ann.",
        decision=OutcomeDecision.REWRITE,
        new_measure_value=Decimal("2"),
        rewrite=services.Rewrite(
            statement="I will go to the club on my own by August",
            target_date=today() + datetime.timedelta(days=60),
        ),
    )
    services.person_view_add(
        actor=practitioner,
        review=review,
        outcome=outcome,
        in_their_words="I want to go on my own.",
        rating=Rating.NOT_YET,
    )
    services.review_complete(
        actor=practitioner,
        review=review,
        expected_version=review.version,
        next_review_on=today() + datetime.timedelta(days=40),
        what_learned="She wants to go alone.",
    )
    assert kinds(links_of(person)) == [LinkKind.NEVER_AGREED]  # the new wording (ACC-4)
    AgreementFactory(outcome=row.new_outcome)
    thread = build_thread(person)
    assert broken_links(thread) == []
    [entry] = thread.outcomes
    assert entry.outcome.pk == row.new_outcome.pk
    assert entry.agreed_on == days_ago(10)  # agreed at the review, not the first meeting
    assert [e.pk for e in entry.earlier] == [outcome.pk]
    [point] = entry.progress
    assert point.earlier_wording and point.measure_value == Decimal("2")
    assert point.views[0].rating == Rating.NOT_YET
    assert point.views[0].attribution == "In Jean's words"


def test_unlinked_aspirations_and_not_working_items_are_shown_not_flagged(person):
    from goldenthread.conversations.factories import AspirationFactory, WorkingItemFactory

    conversation = make_conversation(person)
    AspirationFactory(conversation=conversation, text="To visit my sister in Canada")
    WorkingItemFactory(conversation=conversation, is_working=False, text="Stairs are hard")
    thread = build_thread(person)
    assert [i.text for i in thread.unlinked_aspirations] == ["To visit my sister in Canada"]
    assert [i.text for i in thread.unlinked_not_working] == ["Stairs are hard"]
    assert broken_links(thread) == []


def _many(person, practitioner, n: int) -> None:
    outcomes = []
    for i in range(n):
        if i % 4 == 0:  # a new conversation and positive change every four outcomes
            change = make_change(make_conversation(person, held_days_ago=300))
        outcomes.append(make_outcome(person, change=change, statement=f"Outcome {i} by June"))
    for index, outcome in enumerate(outcomes):
        SolutionFactory(outcome=outcome, status=SolutionStatus.IN_PLACE, costed=index % 2 == 0)
    make_budget_request(
        person,
        actor=practitioner,
        lines=[
            LineInput(description=f"Line {i}", amount=Decimal("10.00"), period="week", outcome=o)
            for i, o in enumerate(outcomes[:5])
        ]
        + [LineInput(description="Unlinked", amount=Decimal("5.00"), period="week")],
    )
    review = services.review_start(actor=practitioner, person=person, held_on=days_ago(30))
    for index, outcome in enumerate(outcomes):
        services.outcome_review_record(
            actor=practitioner,
            review=review,
            outcome=outcome,
            rating=Rating.PARTLY,
            evidence="Some.",
            decision=OutcomeDecision.KEEP,
            new_measure_value=Decimal(index),
        )
        services.person_view_add(
            actor=practitioner, review=review, outcome=outcome, in_their_words="Getting there."
        )
    services.review_complete(
        actor=practitioner,
        review=review,
        expected_version=review.version,
        next_review_on=today(),
        what_learned="Lots learned.",
    )


def test_building_the_thread_costs_the_same_queries_for_1_or_40_outcomes(
    person, practitioner, team
):
    from goldenthread.people.factories import AllocationFactory, PersonFactory

    big = PersonFactory(team=team)
    AllocationFactory(person=big, worker=practitioner)
    _many(person, practitioner, 1)
    _many(big, practitioner, 40)
    with CaptureQueriesContext(connection) as small:
        small_links = broken_links(build_thread(person))
    with CaptureQueriesContext(connection) as large:
        large_links = broken_links(build_thread(big))
    assert len(small) == len(large) == THREAD_QUERIES
    assert kinds(small_links) == [LinkKind.PROVISION_NO_OUTCOME]
    assert kinds(large_links) == [LinkKind.PROVISION_NO_OUTCOME]


def test_an_outcome_never_agreed_is_a_broken_link(person, practitioner):
    """ACC-4: an open outcome the person (or their proxy) never agreed, or last said they
    did not agree, is broken; a family member's agreement alone does not mend it."""
    from goldenthread.outcomes.models import Agreed, AgreementWhose

    outcome = make_outcome(person, agreed=False)
    [link] = links_of(person)
    assert link.kind == LinkKind.NEVER_AGREED and link.anchor == f"outcome-{outcome.pk}"
    AgreementFactory(outcome=outcome, whose=AgreementWhose.FAMILY, name="Ann")
    assert kinds(links_of(person)) == [LinkKind.NEVER_AGREED]
    AgreementFactory(outcome=outcome, agreed=Agreed.NO, not_agreed="Not on Thursdays")
    [link] = links_of(person)
    assert "Not on Thursdays" in link.reason
    AgreementFactory(outcome=outcome, agreed=Agreed.PARTLY, not_agreed="Not the bus")
    assert links_of(person) == []


def test_each_prepared_read_gives_its_querysets_rows(person, practitioner, team):
    """#19: the thread's reads are compiled once per process (core/prepared.py); each gives
    exactly the rows of the queryset it is built from, for a full record and an empty one."""
    from goldenthread.core.tests.test_prepared import _same
    from goldenthread.people.factories import PersonFactory
    from goldenthread.record.thread import AGREEMENT_READ, THREAD_BATCH, THREAD_READS, _person_rows

    _many(person, practitioner, 3)
    empty = PersonFactory(team=team)
    for who in (person, empty):
        querysets = _person_rows(who.pk)
        # #19: all of them as one statement (THREAD_BATCH), each read's rows the same.
        with CaptureQueriesContext(connection) as queries:
            batch = THREAD_BATCH(who.pk)
        assert len(queries) == THREAD_QUERIES == 1
        for name, prepared in [*THREAD_READS.items(), ("agreement", AGREEMENT_READ)]:
            expected = list(querysets[name])
            assert prepared(who.pk) == expected, name
            assert batch[name] == expected, name
            assert _same(batch[name], expected), name
    full = _person_rows(person.pk)
    for name in ("outcomes", "solutions", "reviews", "lines", "outcome_reviews", "views"):
        assert len(full[name]), name


def test_questions_answered_counts_only_answered_questions(person):
    """#19, REV-4: the check's answered count now comes with the outcomes read (one query
    fewer); a blank answer is not counted, another outcome's answers are not either."""
    from goldenthread.outcomes.models import CheckQuestion, OutcomeCheckAnswer

    first = make_outcome(person)
    second = make_outcome(person, statement="I will cook a meal for my sister by June")
    questions = list(CheckQuestion)
    for question, answer in zip(questions[:3], ("yes", "no", ""), strict=True):
        OutcomeCheckAnswer.objects.create(outcome=first, question=question, answer=answer)
    OutcomeCheckAnswer.objects.create(outcome=second, question=questions[0], answer="yes")
    answered = {e.pk: e.questions_answered for e in build_thread(person).outcomes}
    assert answered == {first.pk: 2, second.pk: 1}
