"""The reviews-due worklist computed in SQL (#19): the same people, due dates, order and
counts as the rules it replaced (the Python computation kept below as the reference), on a
varied caseload, for every filter and sort; 25 a page as the admin; no template queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person
from goldenthread.reviews import selectors
from goldenthread.reviews.factories import ReviewFactory, ReviewScheduleFactory
from goldenthread.reviews.models import Review, ReviewStatus, review_interval_days

from .conftest import days_ago, make_outcome


def reference_rows(user, *, show: str, sort: str, today: datetime.date) -> list[tuple]:
    """The worklist as it was worked out before #19: every visible person fetched, due
    dates and filters in Python, sorted in Python."""
    interval = datetime.timedelta(days=review_interval_days())
    rows = []
    for person in Person.objects.visible_to(user).select_related("review_schedule"):
        schedule = getattr(person, "review_schedule", None)
        completed = Review.objects.filter(person=person, status=ReviewStatus.COMPLETED)
        last = completed.order_by("-held_on").values_list("held_on", flat=True).first()
        first_open = (
            Outcome.objects.filter(person=person, status=OutcomeStatus.OPEN)
            .order_by("conversation__held_on")
            .values_list("conversation__held_on", flat=True)
            .first()
        )
        if schedule is not None and schedule.next_review_on is not None:
            due_on, scheduled = schedule.next_review_on, True
        elif last is not None:
            due_on, scheduled = last + interval, False
        elif first_open is not None:
            due_on, scheduled = first_open + interval, False
        else:
            continue
        days = (due_on - today).days
        if show == "overdue" and days >= 0:
            continue
        if show == "soon" and not 0 <= days <= selectors.SOON_DAYS:
            continue
        in_progress = Review.objects.filter(person=person, status=ReviewStatus.DRAFT).exists()
        rows.append((person, due_on, scheduled, days, last, in_progress))
    name = lambda r: (r[0].family_name.lower(), r[0].given_name.lower(), str(r[0].pk))  # noqa: E731
    rows.sort(key=name if sort == "name" else (lambda r: (r[1], *name(r))))
    return [(r[0].pk, r[0].display_name, r[1], r[2], r[3], r[5]) for r in rows]


def sql_rows(user, *, show: str, sort: str, today: datetime.date, per_page: int) -> list[tuple]:
    rows, number = [], 1
    while True:
        page = selectors.reviews_due_page(
            user, show=show, sort=sort, today=today, page_number=number, per_page=per_page
        )
        rows += [
            (r.person_id, r.name, r.due_on, r.scheduled, r.days, r.in_progress) for r in page.rows
        ]
        if not page.page.has_next():
            return rows
        number += 1


@pytest.fixture
def varied(team, practitioner):
    """People whose due date comes from each rule, names that sort differently by code
    point, by case and by a database's collation (spaces, apostrophes, hyphens, accents),
    twins with the same name, and the same due date for several people."""
    today = timezone.localdate()
    names = [
        ("anna", "o'Brien"),
        ("Anna", "Obrien"),
        ("Émile", "Ó Súilleabháin"),
        ("Zoë", "o súilleabháin"),
        ("Ian", "Mac Donald"),
        ("ian", "MacDonald"),
        ("Jo", "Smith-Jones"),
        ("Jo", "Smith Jones"),
        ("Jo", "Smithjones"),
        ("Kim", "Twin"),
        ("Kim", "Twin"),
        ("Lee", "Zed"),
        ("lee", "zed"),
        ("Ånne", "Berg"),
        ("Anne", "Berg"),
        ("Bea", "ÉCLAIR"),
        ("Bea", "eclair"),
        ("Cal", "Nobody"),
    ]
    people = []
    for i, (given, family) in enumerate(names):
        person = PersonFactory(team=team, given_name=given, family_name=family)
        AllocationFactory(person=person, worker=practitioner)
        people.append(person)
        rule = i % 6
        if rule == 0:  # a date set: overdue, today, soon, far
            ReviewScheduleFactory(
                person=person, next_review_on=today + datetime.timedelta((-9, 0, 30, 31)[i % 4])
            )
            make_outcome(person, held_days_ago=400)
        elif rule == 1:  # the last completed review (two of them; a draft too)
            ReviewFactory(person=person, completed=True, held_on=days_ago(400))
            ReviewFactory(person=person, completed=True, held_on=days_ago(182 - (i % 3)))
            ReviewFactory(person=person, held_on=today)
        elif rule == 2:  # the first open outcome agreed (and a later one)
            make_outcome(person, held_days_ago=160 + i)
            make_outcome(person, held_days_ago=10)
        elif rule == 3:  # the same due date as others
            make_outcome(person, held_days_ago=182)
        elif rule == 4:  # a closed outcome only: nothing to review
            make_outcome(person, held_days_ago=100, status=OutcomeStatus.ACHIEVED)
        # rule 5: nothing at all
    return people


@pytest.mark.parametrize("show", ["all", "overdue", "soon"])
@pytest.mark.parametrize("sort", ["date", "name"])
def test_sql_worklist_matches_the_python_rules(practitioner, varied, show, sort):
    today = timezone.localdate()
    expected = reference_rows(practitioner, show=show, sort=sort, today=today)
    assert expected, "the fixture should give rows for every filter"
    for per_page in (4, 25):
        assert sql_rows(practitioner, show=show, sort=sort, today=today, per_page=per_page) == (
            expected
        )
    page = selectors.reviews_due_page(practitioner, show=show, sort=sort, today=today)
    assert page.count == len(expected)
    assert page.overdue_count == sum(1 for r in expected if r[4] < 0)


def test_sql_worklist_matches_on_another_day(practitioner, varied):
    """Due dates are not stored: the filters follow the day asked about."""
    later = timezone.localdate() + datetime.timedelta(days=45)
    for show in ("all", "overdue", "soon"):
        assert sql_rows(practitioner, show=show, sort="date", today=later, per_page=25) == (
            reference_rows(practitioner, show=show, sort="date", today=later)
        )


def test_worklist_pages_by_25_as_the_admin(client, practitioner, team, no_template_queries):
    for n in range(27):
        person = PersonFactory(team=team, family_name=f"Name{n:02d}", given_name="A")
        AllocationFactory(person=person, worker=practitioner)
        make_outcome(person)
    sign_in(client, practitioner)
    links = r'<td><a href="/people/[0-9a-f-]+/reviews/">A (Name\d\d)</a>'
    first = client.get(reverse("reviews:due"), {"sort": "name"}).content.decode()
    second = client.get(reverse("reviews:due"), {"sort": "name", "page": 2}).content.decode()
    assert re.findall(links, first) == [f"Name{n:02d}" for n in range(25)]
    assert re.findall(links, second) == ["Name25", "Name26"]
    assert "27 people shown" in first and "27 people shown" in second
    # a page past the end shows the last page, as Django's paginator does
    beyond = client.get(reverse("reviews:due"), {"sort": "name", "page": 9}).content.decode()
    assert re.findall(links, beyond) == ["Name25", "Name26"]
    # far past the end, past the database's integers too: still the last page, not an error
    for page in (10**6 + 1, 2**63, 10**30):
        far = client.get(reverse("reviews:due"), {"sort": "name", "page": page})
        assert far.status_code == 200, page
        assert re.findall(links, far.content.decode()) == ["Name25", "Name26"]


@pytest.fixture
def other_team_person_opened_by_break_glass(practitioner, team_leader, other_team):
    """Someone seen only through break-glass (SEC-3), with a review date, for both users."""
    from goldenthread.audit.services import break_glass_record

    person = PersonFactory(team=other_team, given_name="Bo", family_name="Glass")
    ReviewScheduleFactory(person=person, next_review_on=timezone.localdate())
    for user in (practitioner, team_leader):
        break_glass_record(actor=user, person_id=person.pk, reason="Urgent", hours=1)
    return person


@pytest.mark.parametrize("role", ["practitioner", "team_leader"])
def test_prepared_page_query_matches_the_queryset(
    request, varied, other_team_person_opened_by_break_glass, role
):
    """The page query compiled once per process (`_DUE_PAGE`) gives the same rows, counts
    and order as the queryset it is built from, for every filter, sort, page and day, for
    a practitioner and a team leader, break-glass included (#19)."""
    user = request.getfixturevalue(role)
    today = timezone.localdate()
    for day in (today, today + datetime.timedelta(days=45)):
        for show, _ in selectors.SHOW_CHOICES:
            for sort, _ in selectors.SORT_CHOICES:
                people = selectors.reviews_due_queryset(user, show=show, sort=sort, today=day)
                every = selectors._page_values(people, today=day, offset=0, per_page=100)
                assert every or day != today, (show, sort)  # rows for every filter today
                if show == "all":
                    assert other_team_person_opened_by_break_glass.pk in {v["pk"] for v in every}
                for offset, per_page in (
                    (0, 4),
                    (4, 4),
                    (8, 25),
                    (max(len(every) - 1, 0), 4),
                    (99, 4),
                ):
                    prepared = selectors._prepared_page_values(
                        user, show=show, sort=sort, today=day, offset=offset, per_page=per_page
                    )
                    assert prepared == selectors._page_values(
                        people, today=day, offset=offset, per_page=per_page
                    ), (show, sort, day, offset)
                    assert prepared == every[offset : offset + per_page]


def test_prepared_page_query_is_not_used_without_a_shape(
    varied, commissioner, team_leader, practitioner
):
    """Other roles, a team leader with no team and an inactive account take the queryset
    (which gives them nobody)."""
    team_leader.team_id = None
    practitioner.is_active = False
    assert (
        selectors._prepared_page_values(
            practitioner,
            show="all",
            sort="date",
            today=timezone.localdate(),
            offset=2**53,
            per_page=25,
        )
        is None
    )
    for user in (commissioner, team_leader, practitioner):
        assert (
            selectors._prepared_page_values(
                user, show="all", sort="date", today=timezone.localdate(), offset=0, per_page=25
            )
            is None
        )
        assert selectors.reviews_due_page(user).rows == []
