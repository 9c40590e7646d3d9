"""A thread that holds when an outcome is rewritten (#16, REV-2): current solutions, budget
lines and open unmet need go on under the new wording in the review's transaction (the
worker chooses which), each move audited; support already left under a closed outcome can
be moved to another outcome; and history stays history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goldenthread.audit.models import ChangeRecord
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.factories import PersonFactory
from goldenthread.record.plan import build_plan
from goldenthread.record.thread import LinkKind, broken_links, build_thread
from goldenthread.reviews import services
from goldenthread.reviews.models import OutcomeDecision, Rating
from goldenthread.sds.factories import UnmetNeedFactory, make_budget_request
from goldenthread.sds.services import LineInput
from goldenthread.support import services as support_services
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus, SupportStep

from .conftest import make_outcome


@pytest.fixture
def review(person, practitioner):
    return services.review_start(actor=practitioner, person=person, held_on=timezone.localdate())


@pytest.fixture
def thread(person):
    """An outcome with support in place, an idea, a stopped one, a budget line for the
    support, a budget line for the outcome as a whole, and an open and a met need."""
    outcome = make_outcome(person)
    in_place = SolutionFactory(
        outcome=outcome,
        step=SupportStep.SUPPORT,
        status=SolutionStatus.IN_PLACE,
        cost=Decimal("80.00"),
        cost_period="week",
        what="Personal assistant, 4 hours",
    )
    idea = SolutionFactory(outcome=outcome, status=SolutionStatus.IDEA, what="Taxi card")
    stopped = SolutionFactory(
        outcome=outcome, status=SolutionStatus.TRIED_AND_STOPPED, what="Community bus"
    )
    budget_request = make_budget_request(
        person,
        lines=[
            LineInput(
                description="Personal assistant",
                amount=Decimal("80.00"),
                period="week",
                solution=in_place,
            ),
            LineInput(
                description="Club membership",
                amount=Decimal("40.00"),
                period="year",
                outcome=outcome,
            ),
        ],
    )
    open_need = UnmetNeedFactory(person=person, outcome=outcome)
    met_need = UnmetNeedFactory(
        person=person, outcome=outcome, need="Help with forms", met_on=timezone.localdate()
    )
    return {
        "outcome": outcome,
        "in_place": in_place,
        "idea": idea,
        "stopped": stopped,
        "pa_line": budget_request.lines.get(position=1),
        "club_line": budget_request.lines.get(position=2),
        "open_need": open_need,
        "met_need": met_need,
    }


def rewrite(actor, review, outcome, carry=None):
    return services.outcome_review_record(
        actor=actor,
        review=review,
        outcome=outcome,
        rating=Rating.PARTLY,
        evidence="Went twice with Ann.",
        decision=OutcomeDecision.REWRITE,
        rewrite=services.Rewrite(
            statement="I will go to the club on my own, on the bus, by August",
            target_date=timezone.localdate() + datetime.timedelta(days=120),
            carry=carry,
        ),
    )


def _refresh(*items):
    for item in items:
        item.refresh_from_db()


def test_a_rewrite_carries_everything_current_to_the_new_wording(
    person, practitioner, review, thread
):
    old = thread["outcome"]
    keys = [c.key for c in services.carry_choices(old)]
    # The PA line goes with its solution, so it is not offered on its own.
    assert keys == [
        f"solution:{thread['in_place'].pk}",
        f"solution:{thread['idea'].pk}",
        f"line:{thread['club_line'].pk}",
        f"need:{thread['open_need'].pk}",
    ]
    row = rewrite(practitioner, review, old)
    new = row.new_outcome
    _refresh(
        *(
            thread[k]
            for k in (
                "in_place",
                "idea",
                "stopped",
                "pa_line",
                "club_line",
                "open_need",
                "met_need",
            )
        )
    )
    assert thread["in_place"].outcome == new and thread["idea"].outcome == new
    assert thread["in_place"].status == SolutionStatus.IN_PLACE
    assert thread["stopped"].outcome == old  # history stays with the outcome it was for
    assert thread["pa_line"].outcome == new and thread["club_line"].outcome == new
    assert thread["open_need"].outcome == new and thread["met_need"].outcome == old
    moved = ChangeRecord.objects.filter(object_id=str(thread["in_place"].pk)).latest("at")
    assert moved.before["outcome"] == str(old.pk) and moved.after["outcome"] == str(new.pk)
    assert ChangeRecord.objects.filter(object_id=str(thread["club_line"].pk)).exists()
    # The plan keeps the support and its cost; the thread has no "support with no outcome".
    plan = build_plan(person)
    assert [o.statement for o in plan.outcomes] == [new.statement]
    assert {s.what for s in plan.outcomes[0].current_solutions} == {
        "Personal assistant, 4 hours",
        "Taxi card",
    }
    assert plan.costs.year_total == Decimal("4160.00")
    kinds = {link.kind for link in broken_links(build_thread(person))}
    assert LinkKind.SUPPORT_NO_OUTCOME not in kinds
    assert LinkKind.PROVISION_NO_OUTCOME not in kinds


def test_the_worker_chooses_what_goes_on(person, practitioner, review, thread):
    row = rewrite(
        practitioner,
        review,
        thread["outcome"],
        carry=frozenset({f"solution:{thread['in_place'].pk}"}),
    )
    _refresh(
        thread["in_place"],
        thread["idea"],
        thread["pa_line"],
        thread["club_line"],
        thread["open_need"],
    )
    assert thread["in_place"].outcome == row.new_outcome
    assert thread["pa_line"].outcome == row.new_outcome  # it pays for the PA
    assert thread["idea"].outcome == thread["outcome"]
    assert thread["club_line"].outcome == thread["outcome"]
    assert thread["open_need"].outcome == thread["outcome"]
    # What was left behind is flagged, and can be moved later.
    from goldenthread.sds import services as sds_services

    links = broken_links(build_thread(person))
    assert any(link.anchor == f"provision-{thread['club_line'].pk}" for link in links)
    sds_services.budget_line_move(
        actor=practitioner, line=thread["club_line"], to_outcome=row.new_outcome
    )
    support_services.solution_move(
        actor=practitioner,
        solution=thread["idea"],
        to_outcome=row.new_outcome,
        expected_version=thread["idea"].version,
    )
    _refresh(thread["idea"], thread["club_line"])
    assert thread["idea"].outcome == row.new_outcome
    assert thread["club_line"].outcome == row.new_outcome
    links = broken_links(build_thread(person))
    assert not any(link.anchor == f"provision-{thread['club_line'].pk}" for link in links)


def test_a_failed_move_leaves_nothing_rewritten(person, practitioner, review, thread, monkeypatch):
    from goldenthread.sds import services as sds_services

    def refuse(**kwargs):
        raise ValidationError("no")

    monkeypatch.setattr(sds_services, "unmet_need_move", refuse)
    with pytest.raises(ValidationError):
        rewrite(practitioner, review, thread["outcome"])
    thread["outcome"].refresh_from_db()
    thread["in_place"].refresh_from_db()
    assert thread["outcome"].status == OutcomeStatus.OPEN
    assert thread["in_place"].outcome == thread["outcome"]


def test_moving_refuses_ended_support_and_closed_outcomes(person, practitioner, thread):
    other = make_outcome(person, statement="I will cook a meal for my grandson by June")
    with pytest.raises(ValidationError, match="has ended"):
        support_services.solution_move(
            actor=practitioner, solution=thread["stopped"], to_outcome=other
        )
    other.status = OutcomeStatus.ACHIEVED
    other.save()
    with pytest.raises(ValidationError, match="achieved"):
        support_services.solution_move(
            actor=practitioner, solution=thread["idea"], to_outcome=other
        )
    someone_else = make_outcome(PersonFactory(team=person.team))
    with pytest.raises(ValidationError, match="this person's outcomes"):
        support_services.solution_move(
            actor=practitioner, solution=thread["idea"], to_outcome=someone_else
        )


def test_every_move_to_a_closed_outcome_is_refused_in_the_same_words(person, practitioner, thread):
    """Support, a budget line and unmet need moved to an outcome no longer open: one
    refusal, on the outcome field, saying why (#17); and a new budget line says the same."""
    from goldenthread.sds import services as sds_services

    other = make_outcome(person, statement="I will cook a meal for my grandson by June")
    other.status = OutcomeStatus.CLOSED
    other.save()
    said = (
        "This outcome has been closed, so nothing new can be linked to it. Choose an open outcome."
    )
    moves = [
        lambda: support_services.solution_move(
            actor=practitioner, solution=thread["idea"], to_outcome=other
        ),
        lambda: sds_services.budget_line_move(
            actor=practitioner, line=thread["club_line"], to_outcome=other
        ),
        lambda: sds_services.unmet_need_move(
            actor=practitioner, need=thread["open_need"], to_outcome=other
        ),
    ]
    for move in moves:
        with pytest.raises(ValidationError) as refused:
            move()
        assert refused.value.message_dict == {"outcome": [said]}
    _refresh(thread["idea"], thread["club_line"], thread["open_need"])
    assert thread["outcome"] == thread["idea"].outcome == thread["club_line"].outcome
    assert thread["open_need"].outcome == thread["outcome"]
    with pytest.raises(ValidationError) as refused:
        sds_services.budget_request_submit(
            actor=practitioner,
            person=person,
            start_date=timezone.localdate(),
            case_for_request="For the meal",
            lines=[
                LineInput(
                    description="Pans", amount=Decimal("10.00"), period="one_off", outcome=other
                )
            ],
        )
    assert f"Line 1: {said}" in refused.value.messages


def test_the_review_page_offers_the_choice_and_keeps_it(
    practitioner_client, person, review, thread
):
    from django.urls import reverse

    old = thread["outcome"]
    # The outcome's own page of the review (one outcome at a time, #16).
    page = practitioner_client.get(reverse("reviews:outcome", args=[person.pk, review.pk, old.pk]))
    html = page.content.decode()
    assert "What goes on under the new wording" in html
    for key in (
        f"solution:{thread['in_place'].pk}",
        f"line:{thread['club_line'].pk}",
        f"need:{thread['open_need'].pk}",
    ):
        assert f'value="{key}"' in html
        assert html.count(f'value="{key}"') == 1
    assert html.count("checked") >= 4  # all ticked to start with
    response = practitioner_client.post(
        reverse("reviews:outcome", args=[person.pk, review.pk, old.pk]),
        {
            "rating": "partly",
            "evidence": "Goes with Ann.",
            "decision": "rewrite",
            "statement": "I will go to the club on my own, by bus, by August",
            "target_date": str(timezone.localdate() + datetime.timedelta(days=90)),
            "carry_offered": "1",
            "carry": [f"need:{thread['open_need'].pk}"],
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    _refresh(thread["open_need"], thread["in_place"])
    assert thread["open_need"].outcome == old.replaced_by
    assert thread["in_place"].outcome == old  # unticked: stays


def test_the_golden_thread_broken_link_can_be_acted_on(
    practitioner_client, person, practitioner, review, thread
):
    from django.urls import reverse

    row = rewrite(practitioner, review, thread["outcome"], carry=frozenset())
    new = row.new_outcome
    thread_url = reverse("reviews:golden_thread", args=[person.pk])
    html = practitioner_client.get(thread_url).content.decode()
    move_url = reverse("support:solution_move", args=[person.pk, thread["in_place"].pk])
    line_url = reverse("sds:budget_line_move", args=[person.pk, thread["club_line"].pk])
    assert f'href="{move_url}"' in html and f'href="{line_url}"' in html
    # The move page starts on the new wording.
    page = practitioner_client.get(move_url).content.decode()
    assert f'value="{new.pk}"' in page and "checked" in page
    response = practitioner_client.post(
        move_url, {"outcome": str(new.pk), "version": thread["in_place"].version}
    )
    assert response.status_code == 302
    _refresh(thread["in_place"], thread["pa_line"])
    assert thread["in_place"].outcome == new
    assert thread["pa_line"].outcome == thread["outcome"]  # moved on its own page next
    response = practitioner_client.post(
        reverse("sds:budget_line_move", args=[person.pk, thread["pa_line"].pk]),
        {"outcome": str(new.pk)},
    )
    assert response.status_code == 302
    response = practitioner_client.post(line_url, {"outcome": str(new.pk)})
    assert response.status_code == 302
    _refresh(thread["pa_line"], thread["club_line"])
    assert thread["pa_line"].outcome == new and thread["club_line"].outcome == new
    html = practitioner_client.get(thread_url).content.decode()
    assert f'href="{move_url}"' not in html and f'href="{line_url}"' not in html


def test_a_budget_line_moved_meanwhile_is_not_moved_again_over_it(
    practitioner_client, person, practitioner, review, thread
):
    """SEC-5: the move page carries the line's version as read; a move someone made after
    the page was opened refuses this one, shows where the line is now, and keeps the choice."""
    from django.urls import reverse

    from goldenthread.sds import services as sds_services

    row = rewrite(practitioner, review, thread["outcome"], carry=frozenset())
    new, other = row.new_outcome, make_outcome(person)
    line = thread["club_line"]
    url = reverse("sds:budget_line_move", args=[person.pk, line.pk])
    page = practitioner_client.get(url).content.decode()
    assert 'name="version" value="1"' in page  # made, never moved
    sds_services.budget_line_move(actor=practitioner, line=line, to_outcome=new)  # meanwhile
    response = practitioner_client.post(url, {"outcome": str(other.pk), "version": "1"})
    assert response.status_code == 200
    answer = response.content.decode()
    assert "Someone else saved a change after you opened this page" in answer
    assert 'name="version" value="2"' in answer
    _refresh(line)
    assert line.outcome == new
    again = practitioner_client.post(url, {"outcome": str(other.pk), "version": "2"})
    assert again.status_code == 302  # saving again is a deliberate choice
    _refresh(line)
    assert line.outcome == other


def test_nothing_new_hangs_on_a_finished_outcome(person, practitioner, review, thread):
    """History is history: after a rewrite, a budget line or unmet need cannot be linked
    to the old wording, and its Support Sequence refuses changes."""
    from goldenthread.sds import services as sds_services
    from goldenthread.sds.models import NeedCategory, UnmetReason

    old = thread["outcome"]
    rewrite(practitioner, review, old)
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="rewritten"):
        sds_services.budget_request_submit(
            actor=practitioner,
            person=person,
            start_date=timezone.localdate(),
            case_for_request="For the club",
            lines=[
                LineInput(description="PA", amount=Decimal("10.00"), period="week", outcome=old)
            ],
        )
    with pytest.raises(ValidationError, match="rewritten"):
        sds_services.unmet_need_record(
            actor=practitioner,
            person=person,
            need="Help at night",
            category=NeedCategory.GETTING_OUT,
            reason=UnmetReason.NO_PROVIDER,
            identified_on=timezone.localdate(),
            outcome=old,
        )
    with pytest.raises(ValidationError, match="rewritten"):
        support_services.solution_add(
            actor=practitioner, person=person, outcome=old, step="yourself", what="Walk daily"
        )
