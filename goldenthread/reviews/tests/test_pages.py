"""Review pages (REV-1..REV-4): access and its log on every person-scoped URL, the review
journey through the forms (mistakes explained, typed words kept, stale saves refused), the
worklists' scope and filters, the golden-thread page, and constant query counts."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from conftest import form_token, sign_in
from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.audit.models import AccessAction, AccessLog
from goldenthread.core.formatting import date_text
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.reviews import services
from goldenthread.reviews.factories import (
    ReviewFactory,
    ReviewScheduleFactory,
    reviews_record_kwargs,
)
from goldenthread.reviews.models import (
    OutcomeDecision,
    OutcomeReview,
    PersonView,
    Rating,
    Review,
    ReviewStatus,
    SolutionReview,
)
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus

from .conftest import days_ago, make_change, make_conversation, make_outcome


def today():
    return timezone.localdate()


def review_urls():
    """Every URL of this app, found in the URL configuration."""
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace == "reviews":
            return sorted(
                (f"reviews:{p.name}", sorted(p.pattern.converters))
                for p in sub.url_patterns
                if isinstance(p, URLPattern)
            )
    raise AssertionError("reviews URLs not mounted")


URLS = review_urls()
PERSON_URLS = [(name, kwargs) for name, kwargs in URLS if "person_id" in kwargs]


@pytest.fixture
def record(person, outcome):
    """As the lead's full_record fixture: person, outcome and solution, then the review."""
    return {
        "person_id": person.pk,
        "outcome_id": outcome.pk,
        "solution_id": outcome.support_solutions.get().pk,
        **reviews_record_kwargs(person),
    }


def test_the_lead_links_to_these_names():
    names = {name for name, _ in URLS}
    assert {
        "reviews:list",
        "reviews:golden_thread",
        "reviews:due",
        "reviews:start",
        "reviews:detail",
    } <= names
    assert {kwarg for _, kwargs in PERSON_URLS for kwarg in kwargs} == {
        "person_id",
        "review_id",
        "outcome_id",
        "solution_id",
    }


@pytest.mark.parametrize(("name", "kwarg_names"), PERSON_URLS, ids=[n for n, _ in PERSON_URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_unrelated_worker_is_refused_and_logged(
    client, record, other_practitioner, name, kwarg_names, method
):
    url = reverse(name, kwargs={k: record[k] for k in kwarg_names})
    sign_in(client, other_practitioner)
    response = getattr(client, method)(
        url,
        {
            "held_on": str(today()),
            "rating": "achieved",
            "evidence": "x",
            "decision": "keep",
            "in_their_words": "x",
            "whose_words": "person",
        },
    )
    assert response.status_code == 403
    [row] = AccessLog.objects.filter(actor=other_practitioner)
    assert row.action == AccessAction.DENIED and row.person_id == record["person_id"]
    assert Review.objects.count() == 1
    assert not OutcomeReview.objects.exists() and not PersonView.objects.exists()


@pytest.mark.parametrize(("name", "kwarg_names"), PERSON_URLS, ids=[n for n, _ in PERSON_URLS])
def test_allocated_worker_gets_each_page_with_one_log_row(
    practitioner_client, practitioner, record, name, kwarg_names
):
    url = reverse(name, kwargs={k: record[k] for k in kwarg_names})
    response = practitioner_client.get(url)
    assert response.status_code == 200, name
    [row] = AccessLog.objects.filter(actor=practitioner)
    assert row.what == name and row.action == AccessAction.VIEW
    assert row.person_id == record["person_id"]
    body = response.content.decode()
    assert " style=" not in body  # CSP: no inline styles


@pytest.mark.parametrize("role", ["commissioner", "administrator", "panel_member"])
def test_roles_without_casework_never_see_reviews(request, client, record, role):
    sign_in(client, request.getfixturevalue(role))
    assert client.get(reverse("reviews:due")).status_code == 403
    assert (
        client.get(reverse("reviews:golden_thread", args=[record["person_id"]])).status_code == 403
    )


def test_another_persons_review_outcome_or_solution_is_not_found(
    practitioner_client, person, team, practitioner, record
):
    other = PersonFactory(team=team)
    AllocationFactory(person=other, worker=practitioner)
    their_outcome = make_outcome(other)
    their_solution = SolutionFactory(outcome=their_outcome)
    their_review = ReviewFactory(person=other)
    review_id = record["review_id"]
    assert (
        practitioner_client.get(
            reverse("reviews:detail", args=[person.pk, their_review.pk])
        ).status_code
        == 404
    )
    assert (
        practitioner_client.get(
            reverse("reviews:outcome", args=[person.pk, review_id, their_outcome.pk])
        ).status_code
        == 404
    )
    assert (
        practitioner_client.get(
            reverse("reviews:solution", args=[person.pk, review_id, their_solution.pk])
        ).status_code
        == 404
    )
    response = practitioner_client.post(
        reverse("reviews:person_view", args=[person.pk, review_id, their_outcome.pk]),
        {"in_their_words": "Sneaky", "whose_words": "person"},
    )
    assert response.status_code == 404
    assert not PersonView.objects.exists()


# --- The review, through the pages ---------------------------------------------------------


@pytest.fixture
def review(person, practitioner):
    return services.review_start(actor=practitioner, person=person, held_on=today())


def outcome_url(person, review, outcome, suffix=""):
    return reverse(
        "reviews:person_view" if suffix else "reviews:outcome",
        args=[person.pk, review.pk, outcome.pk],
    )


def test_start_a_review_from_the_reviews_page(practitioner_client, person, outcome):
    page = practitioner_client.get(reverse("reviews:list", args=[person.pk])).content.decode()
    # The start form is on the reviews page itself (#16: no page load before it starts).
    assert "Start the review" in page and "No reviews recorded yet." in page
    assert f'action="{reverse("reviews:start", args=[person.pk])}"' in page
    response = practitioner_client.post(
        reverse("reviews:start", args=[person.pk]), {"held_on": str(today())}
    )
    review = Review.objects.get()
    # Straight to the first outcome, on its own page (#16).
    assert response["Location"] == reverse(
        "reviews:outcome", args=[person.pk, review.pk, outcome.pk]
    )
    # Starting again goes to the review in progress.
    again = practitioner_client.post(
        reverse("reviews:start", args=[person.pk]), {"held_on": str(today())}
    )
    assert again["Location"] == reverse("reviews:detail", args=[person.pk, review.pk])
    assert Review.objects.count() == 1


def test_start_date_mistake_is_explained(practitioner_client, person):
    tomorrow = today() + datetime.timedelta(days=1)
    page = practitioner_client.post(
        reverse("reviews:start", args=[person.pk]), {"held_on": str(tomorrow)}
    ).content.decode()
    assert "The date of the review must be today or earlier." in page
    assert f'value="{tomorrow:%Y-%m-%d}"' in page
    assert not Review.objects.exists()


def test_review_page_shows_each_outcome_with_its_baseline_and_earlier_ratings(
    practitioner_client, person, practitioner, three_outcomes
):
    earlier = services.review_start(actor=practitioner, person=person, held_on=days_ago(100))
    for outcome in three_outcomes:
        services.outcome_review_record(
            actor=practitioner,
            review=earlier,
            outcome=outcome,
            rating=Rating.NOT_YET,
            evidence="Early days.",
            decision=OutcomeDecision.KEEP,
        )
    services.review_complete(
        actor=practitioner,
        review=earlier,
        expected_version=earlier.version,
        next_review_on=today(),
        what_learned="Early days.",
    )
    review = services.review_start(actor=practitioner, person=person, held_on=today())
    summary = practitioner_client.get(
        reverse("reviews:detail", args=[person.pk, review.pk])
    ).content.decode()
    # In progress, the review page is a summary: each outcome on a page of its own (#16).
    assert "0 of 3 reviewed." in summary
    assert "Save the review of this outcome" not in summary
    value = '<span class="ds_summary-list__value">'
    for number, outcome in enumerate(three_outcomes, start=1):
        own = outcome_url(person, review, outcome)
        assert f'href="{own}"' in summary
        page = practitioner_client.get(own).content.decode()
        assert outcome.statement in page
        assert f"outcome {number} of 3" in page
        assert page.count(f"{value}Has not been to the club since her fall in January") == 1
        assert page.count(f"{value}Goes to the club most Thursdays") == 1  # the measure
        assert date_text(days_ago(100), short_month=True) in page  # earlier ratings
        assert page.count("Save the review of this outcome") == 1
        assert page.count("Save Jean's view") == 1
        assert "Lift to the bowling club on Thursdays" in page  # the support for each
        if number < 3:
            following = outcome_url(person, review, three_outcomes[number])
            assert f'href="{following}">Next outcome' in page
        else:
            assert "Finish the review" in page


def test_rating_mistakes_are_explained_and_typed_words_kept(
    practitioner_client, person, review, outcome
):
    response = practitioner_client.post(
        outcome_url(person, review, outcome),
        {
            "evidence": "She went twice <with Ann>",
            "decision": "rewrite",
            "statement": "",
            "new_measure_value": "two",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose how far the outcome has come." in page
    assert "Write the new wording of the outcome." in page
    assert (
        "Enter the measure as a number, using numbers only, for example 2 or 3.5, or leave it "
        "blank." in page
    )
    assert "She went twice &lt;with Ann&gt;" in page
    assert not OutcomeReview.objects.exists()


def test_practitioner_save_never_changes_the_persons_rating(
    practitioner_client, person, review, outcome
):
    practitioner_client.post(
        outcome_url(person, review, outcome, "view"),
        {"in_their_words": "I've only been twice.", "rating": "not_yet", "whose_words": "person"},
    )
    practitioner_client.post(
        outcome_url(person, review, outcome),
        {"rating": "achieved", "evidence": "Goes most weeks.", "decision": "keep"},
    )
    row = OutcomeReview.objects.get()
    # Even a form posted with the person's fields in it changes only the practitioner's.
    practitioner_client.post(
        outcome_url(person, review, outcome),
        {
            "version": row.version,
            "rating": "partly",
            "evidence": "Goes some weeks.",
            "decision": "keep",
            "in_their_words": "Overwritten?",
            "whose_words": "person",
        },
    )
    [view] = PersonView.objects.all()
    assert (view.rating, view.in_their_words) == ("not_yet", "I've only been twice.")
    assert OutcomeReview.objects.get().rating == "partly"
    page = practitioner_client.get(outcome_url(person, review, outcome)).content.decode()
    assert "In Jean&#x27;s words:</strong> “I&#x27;ve only been twice.”" in page
    assert "Jean's own rating: <strong>Not yet</strong>" in page


def test_the_persons_view_sent_twice_is_kept_once(practitioner_client, person, review, outcome):
    """Views are never changed or removed, so a form sent twice (a double click, back and
    send again) keeps one view, and lands where the first did, saying so (REV-1, SEC-6)."""
    page = practitioner_client.get(outcome_url(person, review, outcome))
    data = {
        "in_their_words": "I've only been twice.",
        "whose_words": "person",
        "submission_token": form_token(page),
    }
    first = practitioner_client.post(outcome_url(person, review, outcome, "view"), data)
    second = practitioner_client.post(
        outcome_url(person, review, outcome, "view"), data, follow=True
    )
    assert first.status_code == 302 and second.redirect_chain == [(first["Location"], 302)]
    assert "This was sent already. The form was sent twice" in second.content.decode()
    assert PersonView.objects.count() == 1
    # The token is hidden, not shown as a question.
    assert "Submission token" not in page.content.decode()


def test_stale_outcome_review_shows_the_other_version(
    practitioner_client, person, review, outcome, team_leader
):
    practitioner_client.post(
        outcome_url(person, review, outcome),
        {"rating": "partly", "evidence": "Twice.", "decision": "keep"},
    )
    row = OutcomeReview.objects.get()
    services.outcome_review_record(
        actor=team_leader,
        review=review,
        outcome=outcome,
        rating=Rating.NOT_YET,
        evidence="Not really.",
        decision=OutcomeDecision.KEEP,
        expected_version=row.version,
    )
    page = practitioner_client.post(
        outcome_url(person, review, outcome),
        {
            "version": row.version,
            "rating": "achieved",
            "evidence": "Every week now.",
            "decision": "keep",
        },
    ).content.decode()
    assert "Someone else saved a change after you opened this page" in page
    assert "Not really." in page and "Every week now." in page
    assert OutcomeReview.objects.get().evidence == "Not really."


def test_rewrite_through_the_page_keeps_the_old_outcome(
    practitioner_client, person, review, outcome
):
    due = today() + datetime.timedelta(days=120)
    response = practitioner_client.post(
        outcome_url(person, review, outcome),
        {
            "rating": "partly",
            "evidence": "Goes with Ann.",
            "decision": "rewrite",
            "statement": "I will go to the club on my own, by bus, by August",
            "baseline": "Goes with Ann twice a month",
            "measure": "Goes alone twice a month",
            "target_date": str(due),
            "assessed_need": "",
        },
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.REPLACED
    new = outcome.replaced_by
    assert new.target_date == due
    page = practitioner_client.get(response["Location"]).content.decode()
    assert "Outcome rewritten. The old wording is kept" in page
    assert "rewritten as" in page and new.statement in page


def test_solution_decision_through_the_page(practitioner_client, person, review, outcome):
    solution = outcome.support_solutions.get()
    url = reverse("reviews:solution", args=[person.pk, review.pk, solution.pk])
    page = practitioner_client.post(url, {"decision": "stop", "why": ""}).content.decode()
    assert "Say why it is stopping." in page
    practitioner_client.post(url, {"decision": "stop", "why": "Ann cannot drive now."})
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.TRIED_AND_STOPPED
    assert SolutionReview.objects.get().why == "Ann cannot drive now."


def test_finish_names_missing_outcomes_and_keeps_what_was_typed(
    practitioner_client, person, review, three_outcomes
):
    url = reverse("reviews:finish", args=[person.pk, review.pk])
    next_date = today() + datetime.timedelta(days=100)
    page = practitioner_client.post(
        url,
        {
            "action": "finish",
            "version": review.version,
            "held_on": str(today()),
            "what_learned": "The lift works; the bus does not.",
            "next_review_on": str(next_date),
        },
    ).content.decode()
    assert "Review every open outcome before finishing. Not reviewed yet:" in page
    for outcome in three_outcomes:
        assert outcome.statement in page
    assert "The lift works; the bus does not." in page
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.what_learned == "The lift works; the bus does not."  # kept, not lost


def test_finish_a_review(practitioner_client, person, review, outcome):
    practitioner_client.post(
        outcome_url(person, review, outcome),
        {"rating": "achieved", "evidence": "Goes every week.", "decision": "close"},
    )
    next_date = today() + datetime.timedelta(days=100)
    response = practitioner_client.post(
        reverse("reviews:finish", args=[person.pk, review.pk]),
        {
            "action": "finish",
            "version": review.version,
            "held_on": str(today()),
            "what_learned": "Going every week now.",
            "next_review_on": str(next_date),
        },
    )
    assert response["Location"] == reverse("reviews:golden_thread", args=[person.pk])
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED and review.next_review_on == next_date
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.ACHIEVED
    page = practitioner_client.get(
        reverse("reviews:detail", args=[person.pk, review.pk])
    ).content.decode()
    assert "Save the review of this outcome" not in page
    assert "Going every week now." in page


def test_set_the_next_review_date(practitioner_client, person):
    url = reverse("reviews:schedule", args=[person.pk])
    page = practitioner_client.post(url, {"next_review_on": "31/02/2027"}).content.decode()
    assert "Enter the date of the next review as a real date" in page
    date = today() + datetime.timedelta(days=45)
    response = practitioner_client.post(url, {"next_review_on": str(date)})
    assert response.status_code == 302
    assert person.review_schedule.next_review_on == date


# --- Progress charts ------------------------------------------------------------------------


def test_progress_chart_is_an_image_described_by_its_table(
    practitioner_client, person, practitioner, outcome
):
    for days, rating, value in ((200, Rating.NOT_YET, "0"), (100, Rating.PARTLY, "2")):
        review = services.review_start(actor=practitioner, person=person, held_on=days_ago(days))
        services.outcome_review_record(
            actor=practitioner,
            review=review,
            outcome=outcome,
            rating=rating,
            evidence="Progress.",
            decision=OutcomeDecision.KEEP,
            new_measure_value=Decimal(value),
        )
        services.review_complete(
            actor=practitioner,
            review=review,
            expected_version=review.version,
            next_review_on=today() + datetime.timedelta(days=10),
            what_learned="Noted.",
        )
    for url in (
        reverse("reviews:outcome_history", args=[person.pk, outcome.pk]),
        reverse("reviews:golden_thread", args=[person.pk]),
    ):
        page = practitioner_client.get(url).content.decode()
        svgs = re.findall(r"<svg [^>]*role=\"img\" aria-labelledby[^>]*>", page)
        assert len(svgs) == 2, url  # ratings and the measure
        for svg in svgs:
            table_id = re.search(r'aria-describedby="([^"]+)"', svg).group(1)
            title_id = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
            assert f'<table class="ds_table gt_progress__table" id="{table_id}"' in page
            assert f'<title id="{title_id}">' in page
        assert "<polyline" in page and "<script" not in page.split("<main")[1].split("</main>")[0]
        assert "reviews/print.css" in page and 'media="print"' in page


# --- The golden-thread page ---------------------------------------------------------------


def test_golden_thread_page_shows_the_links_and_the_broken_ones(practitioner_client, person):
    make_outcome(
        person,
        change=make_change(make_conversation(person), linked=False),
        statement="To engage with services",
    )
    page = practitioner_client.get(reverse("reviews:golden_thread", args=[person.pk]))
    body = page.content.decode()
    assert "1 link is broken in the thread" in body
    assert "An outcome linked to nothing that matters" in body
    assert "is not linked to anything that is not working or to an aspiration" in body
    assert '<ol class="gt_thread">' in body  # a structured nested list
    assert "Seeing my friends at the club" in body


def _many_outcomes(person, n):
    for i in range(n):
        if i % 5 == 0:
            change = make_change(make_conversation(person))
        outcome = make_outcome(person, change=change, statement=f"Outcome {i} by June")
        SolutionFactory(outcome=outcome, status=SolutionStatus.IN_PLACE)


def test_golden_thread_page_query_count_is_constant(client, practitioner, person, team):
    big = PersonFactory(team=team)
    AllocationFactory(person=big, worker=practitioner)
    _many_outcomes(person, 1)
    _many_outcomes(big, 40)
    sign_in(client, practitioner)
    counts = []
    for who in (person, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reviews:golden_thread", args=[who.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_review_page_query_count_is_constant(client, practitioner, person, team):
    big = PersonFactory(team=team)
    AllocationFactory(person=big, worker=practitioner)
    _many_outcomes(person, 1)
    _many_outcomes(big, 30)
    sign_in(client, practitioner)
    counts = []
    for who in (person, big):
        review = services.review_start(actor=practitioner, person=who, held_on=today())
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("reviews:detail", args=[who.pk, review.pk])).status_code == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Reviews due (REV-3) -------------------------------------------------------------------


@pytest.fixture
def caseload(team, practitioner, other_practitioner, other_team):
    """Pat's people: overdue, due soon, due later, never scheduled (due by interval);
    Sam's person in the same team; someone in another team."""

    def person_for(worker, family, *, team_=team):
        p = PersonFactory(team=team_, family_name=family, given_name="A")
        AllocationFactory(person=p, worker=worker)
        make_outcome(p, held_days_ago=20)
        return p

    people = {
        "overdue": person_for(practitioner, "Overdue"),
        "soon": person_for(practitioner, "Soon"),
        "later": person_for(practitioner, "Later"),
        "unscheduled": person_for(practitioner, "Unscheduled"),
        "sams": person_for(other_practitioner, "Samsperson"),
        "elsewhere": person_for(
            PractitionerFactory(team=other_team), "Elsewhere", team_=other_team
        ),
    }
    ReviewScheduleFactory(person=people["overdue"], next_review_on=days_ago(5))
    ReviewScheduleFactory(
        person=people["soon"], next_review_on=today() + datetime.timedelta(days=10)
    )
    ReviewScheduleFactory(
        person=people["later"], next_review_on=today() + datetime.timedelta(days=60)
    )
    ReviewScheduleFactory(person=people["sams"], next_review_on=days_ago(1))
    ReviewScheduleFactory(person=people["elsewhere"], next_review_on=days_ago(1))
    return people


def names_in(response) -> list[str]:
    return re.findall(
        r'<a href="/people/[0-9a-f-]+/reviews/">A (\w+)</a>', response.content.decode()
    )


def test_practitioner_sees_only_their_people(practitioner_client, caseload):
    response = practitioner_client.get(reverse("reviews:due"))
    assert names_in(response) == ["Overdue", "Soon", "Later", "Unscheduled"]
    page = response.content.decode()
    assert "5 days overdue" in page and "Due in 10 days" in page
    assert "Reviews due for the people you work with" in page
    assert "No date set" in page  # the unscheduled person's date is worked out


def test_team_leader_sees_the_team(client, team_leader, caseload):
    sign_in(client, team_leader)
    response = client.get(reverse("reviews:due"))
    assert sorted(names_in(response)) == ["Later", "Overdue", "Samsperson", "Soon", "Unscheduled"]
    assert "Reviews due for your team" in response.content.decode()


def test_worklist_filters_and_sorts(practitioner_client, caseload):
    due = reverse("reviews:due")
    assert names_in(practitioner_client.get(due, {"show": "overdue"})) == ["Overdue"]
    assert names_in(practitioner_client.get(due, {"show": "soon"})) == ["Soon"]
    assert names_in(practitioner_client.get(due, {"sort": "name"})) == [
        "Later",
        "Overdue",
        "Soon",
        "Unscheduled",
    ]
    response = practitioner_client.get(due, {"show": "everything", "sort": "shoe size"})
    page = response.content.decode()
    assert "Choose which reviews to show." in page and "Choose how to sort the list." in page
    assert names_in(response) == ["Overdue", "Soon", "Later", "Unscheduled"]  # defaults


def test_worklist_query_count_is_constant(client, practitioner, team):
    sign_in(client, practitioner)

    def add_people(n):
        for _ in range(n):
            p = PersonFactory(team=team)
            AllocationFactory(person=p, worker=practitioner)
            make_outcome(p)
            ReviewFactory(person=p, completed=True, held_on=days_ago(30))

    add_people(2)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reviews:due"))
    add_people(25)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("reviews:due"))
    # 25 a page, as the admin's changelist (#19); all 27 counted.
    body = response.content.decode()
    assert len(re.findall(r'<td><a href="/people/[0-9a-f-]+/reviews/">', body)) == 25
    assert "27 people shown" in body
    assert len(small) == len(large)
