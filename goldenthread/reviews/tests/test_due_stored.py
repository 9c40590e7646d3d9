"""The stored "next review due" (#19): every service that changes what it is worked out from
keeps `ReviewSchedule.due_on` / `last_review_on` equal to the rule worked out from the
records, in its own transaction; `refresh-review-due` repairs a bulk load; the migration
fills it and can be reversed; the worklist reads it in two queries."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
import time_machine
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goldenthread.conversations import services as conversation_services
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person
from goldenthread.reviews import selectors, services
from goldenthread.reviews.due import as_date, derived_due, refresh_review_due
from goldenthread.reviews.models import (
    OutcomeDecision,
    Rating,
    ReviewSchedule,
    review_interval_days,
)

from .conftest import days_ago, make_change, make_conversation

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def stored(person) -> tuple:
    row = ReviewSchedule.objects.filter(person=person).values_list("due_on", "last_review_on")
    return row.first() or (None, None)


def derived(person) -> tuple:
    ((_, due_on, last),) = derived_due(Person.objects.filter(pk=person.pk))
    return as_date(due_on), as_date(last)


def interval(n: int = 1) -> datetime.timedelta:
    return datetime.timedelta(days=review_interval_days() * n)


def test_each_service_keeps_the_stored_due_date_current(person, practitioner):
    assert stored(person) == derived(person) == (None, None)

    # An outcome agreed: due the interval after its conversation.
    conversation = make_conversation(person, held_days_ago=40)
    first = outcome_services.outcome_create(
        actor=practitioner,
        positive_change=make_change(conversation),
        statement="I will be back at my bowling club on Thursdays by May",
    )
    assert stored(person) == derived(person) == (conversation.held_on + interval(), None)

    # The conversation's date corrected: the due date follows.
    conversation_services.conversation_update(
        actor=practitioner,
        conversation=conversation,
        expected_version=conversation.version,
        held_on=days_ago(60),
    )
    assert stored(person) == derived(person) == (days_ago(60) + interval(), None)

    # Rewritten: the new wording is open, on the same conversation, so the date holds.
    second = outcome_services.outcome_rewrite(
        actor=practitioner,
        outcome=first,
        statement="I will see my friends at the bowling club every Thursday by June",
        baseline="",
        measure="",
        target_date=None,
    )
    assert stored(person) == derived(person) == (days_ago(60) + interval(), None)

    # A date set by hand wins; the version an editor saw is not moved by the stored copy.
    schedule = services.review_schedule_set(
        actor=practitioner, person=person, next_review_on=days_ago(-20)
    )
    version = ReviewSchedule.objects.get(person=person).version
    assert stored(person) == derived(person) == (days_ago(-20), None)

    # A finished review: its next date and the last review's date.
    review = services.review_start(actor=practitioner, person=person, held_on=days_ago(1))
    services.outcome_review_record(
        actor=practitioner,
        review=review,
        outcome=second,
        rating=Rating.PARTLY,
        evidence="Went twice last month with Ann.",
        decision=OutcomeDecision.KEEP,
    )
    services.review_complete(
        actor=practitioner,
        review=review,
        expected_version=review.version,
        next_review_on=days_ago(-100),
        what_learned="Lifts work; the bus does not.",
    )
    assert stored(person) == derived(person) == (days_ago(-100), days_ago(1))
    assert ReviewSchedule.objects.get(pk=schedule.pk).version == version + 1  # the review's date

    # Closing the outcome leaves the date someone set.
    outcome_services.outcome_close(actor=practitioner, outcome=second, status=OutcomeStatus.CLOSED)
    assert stored(person) == derived(person) == (days_ago(-100), days_ago(1))


def test_closing_the_only_outcome_takes_the_person_off_the_worklist(person, practitioner):
    conversation = make_conversation(person, held_days_ago=200)
    outcome = outcome_services.outcome_create(
        actor=practitioner,
        positive_change=make_change(conversation),
        statement="I will be back at my bowling club on Thursdays by May",
    )
    page = selectors.reviews_due_page(practitioner)
    assert [r.person_id for r in page.rows] == [person.pk] and page.overdue_count == 1
    outcome_services.outcome_close(
        actor=practitioner, outcome=outcome, status=OutcomeStatus.ACHIEVED
    )
    assert stored(person) == derived(person) == (None, None)
    page = selectors.reviews_due_page(practitioner)
    assert page.rows == [] and page.count == 0 and page.overdue_count == 0
    # The review page shows no date set: the row that held the worked-out date is not one.
    assert selectors.reviews_due_page(practitioner, show="overdue").rows == []


def test_a_row_holding_only_the_worked_out_date_is_not_a_date_set(
    person, practitioner, practitioner_client
):
    conversation = make_conversation(person, held_days_ago=10)
    outcome_services.outcome_create(
        actor=practitioner,
        positive_change=make_change(conversation),
        statement="I will be back at my bowling club on Thursdays by May",
    )
    schedule = ReviewSchedule.objects.get(person=person)
    assert schedule.next_review_on is None and schedule.due_on is not None
    page = practitioner_client.get(reverse("reviews:list", args=[person.pk]))
    assert page.status_code == 200
    assert b"The next review is due on" not in page.content
    # Setting a date changes that row, and the change history records it.
    services.review_schedule_set(actor=practitioner, person=person, next_review_on=days_ago(-30))
    schedule.refresh_from_db()
    assert schedule.next_review_on == days_ago(-30) == schedule.due_on
    assert ReviewSchedule.objects.filter(person=person).count() == 1


def test_refresh_review_due_repairs_a_bulk_load(team, practitioner):
    people = []
    for _ in range(3):
        person = PersonFactory(team=team)
        AllocationFactory(person=person, worker=practitioner)
        people.append(person)
    conversation = make_conversation(people[0], held_days_ago=30)
    outcome_services.outcome_create(
        actor=practitioner,
        positive_change=make_change(conversation),
        statement="I will be back at my bowling club on Thursdays by May",
    )
    ReviewSchedule.objects.all().delete()  # as a bulk load that bypassed the services
    assert selectors.reviews_due_page(practitioner).rows == []
    call_command("refresh_review_due", stdout=open("/dev/null", "w"))
    assert [stored(p) for p in people] == [derived(p) for p in people]
    assert stored(people[0]) == (days_ago(30) + interval(), None)
    assert refresh_review_due(p.pk for p in people) == 0  # nothing left to change


def test_the_migration_fills_and_reverses(person, practitioner):
    """0003's fill works the same dates out as `reviews.due`; going back removes the rows
    that held only the worked-out date and keeps those with a date set."""
    migration = importlib.import_module("goldenthread.reviews.migrations.0003_schedule_due_on")
    other = PersonFactory(team=person.team)
    AllocationFactory(person=other, worker=practitioner)
    conversation = make_conversation(person, held_days_ago=30)
    outcome_services.outcome_create(
        actor=practitioner,
        positive_change=make_change(conversation),
        statement="I will be back at my bowling club on Thursdays by May",
    )
    services.review_schedule_set(actor=practitioner, person=other, next_review_on=days_ago(-5))
    expected = {p.pk: derived(p) for p in (person, other)}
    ReviewSchedule.objects.update(due_on=None, last_review_on=None)
    migration.unfill(global_apps, None)
    assert list(ReviewSchedule.objects.values_list("person_id", flat=True)) == [other.pk]
    migration.fill(global_apps, None)
    assert {p.pk: stored(p) for p in (person, other)} == expected


def test_the_worklist_page_reads_rows_and_counts_in_one_query(person, practitioner):
    for days in (300, 200, 100):
        extra = PersonFactory(team=person.team)
        AllocationFactory(person=extra, worker=practitioner)
        conversation = make_conversation(extra, held_days_ago=days)
        outcome_services.outcome_create(
            actor=practitioner,
            positive_change=make_change(conversation),
            statement="I will be back at my bowling club on Thursdays by May",
        )
    with CaptureQueriesContext(connection) as queries:
        page = selectors.reviews_due_page(practitioner, per_page=2)
    assert len(queries) == 2  # the page with its counts; the page's workers
    assert page.count == 3 and page.overdue_count == 2 and len(page.rows) == 2
    assert page.page.has_next()
    with CaptureQueriesContext(connection) as queries:
        last = selectors.reviews_due_page(practitioner, per_page=2, page_number=2)
    assert len(queries) == 2 and last.count == 3 and len(last.rows) == 1
    # Past the end: the last page, as Django's Paginator.get_page (the empty page, a count
    # and the last page: two queries more, only then).
    with CaptureQueriesContext(connection) as queries:
        past = selectors.reviews_due_page(practitioner, per_page=2, page_number=9)
    assert len(queries) == 4 and past.page.number == 2
    assert [r.person_id for r in past.rows] == [r.person_id for r in last.rows]
    assert selectors.reviews_due_page(practitioner, page_number="x").page.number == 1
    assert timezone.localdate() == TODAY.date()


def test_the_when_cell_is_tagged_by_how_soon(person, practitioner, practitioner_client):
    """Overdue in a red tag, within 30 days in a yellow one, later as plain text."""
    for held_days_ago, days in ((200, -18), (170, 12), (100, 82)):
        someone = PersonFactory(team=person.team)
        AllocationFactory(person=someone, worker=practitioner)
        outcome_services.outcome_create(
            actor=practitioner,
            positive_change=make_change(make_conversation(someone, held_days_ago=held_days_ago)),
            statement="I will be back at my bowling club on Thursdays by May",
        )
        assert (stored(someone)[0] - timezone.localdate()).days == days
    body = practitioner_client.get(reverse("reviews:due")).content.decode()
    assert '<strong class="ds_tag ds_tag--red">18 days overdue</strong>' in body
    assert '<strong class="ds_tag ds_tag--yellow">Due in 12 days</strong>' in body
    assert "<td>Due in 82 days</td>" in body


def test_the_filter_fields_show_the_choice_made_each_time(practitioner_client):
    """The filter's fields are rendered once per combination of values: each request still
    shows its own choice, and a wrong value its message."""
    url = reverse("reviews:due")
    for _ in range(2):
        for show in ("overdue", "soon", "all"):
            body = practitioner_client.get(url, {"show": show, "sort": "name"}).content.decode()
            checked = re.findall(r'<input[^>]*name="show"[^>]*value="(\w+)"[^>]*checked', body)
            checked += re.findall(r'<input[^>]*checked[^>]*name="show"[^>]*value="(\w+)"', body)
            assert checked == [show]
            assert re.search(r'<option value="name"[^>]*selected', body)
        body = practitioner_client.get(url).content.decode()
        assert re.search(r'<option value="date"[^>]*selected', body)
        wrong = practitioner_client.get(url, {"show": "everyone"}).content.decode()
        assert "Choose which reviews to show." in wrong
