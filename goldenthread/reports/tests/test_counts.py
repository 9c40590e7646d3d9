"""Each count against a hand-built fixture (AGG-1, UN-2, #14). The threshold is 1 here
(nothing suppressed) so the raw counts can be compared; suppression is test_disclosure's."""

from __future__ import annotations

import datetime

import pytest

from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.factories import PersonFactory
from goldenthread.reports import selectors
from goldenthread.reports.disclosure import TOTAL
from goldenthread.reports.periods import age_group, parse_period
from goldenthread.reviews.factories import (
    OutcomeReviewFactory,
    PersonViewFactory,
    ReviewFactory,
    ReviewScheduleFactory,
)
from goldenthread.reviews.models import Rating
from goldenthread.sds.factories import UnmetNeedFactory
from goldenthread.sds.models import NeedCategory, UnmetReason
from goldenthread.support.factories import SolutionFactory
from goldenthread.support.models import SolutionStatus, SupportStep

TODAY = datetime.date(2026, 12, 3)
Q3 = parse_period("2026Q3", TODAY)
IN_Q3 = datetime.date(2026, 8, 10)


def count(measure, *coords, period=Q3, **fixed):
    axes = selectors.FilterAxes.load()
    cube = selectors.build(measure, period, TODAY, axes, limit=1)
    where = fixed.get("team") or (selectors.area_code(fixed["area"]) if "area" in fixed else TOTAL)
    key = (where, fixed.get("age", TOTAL), fixed.get("reason", TOTAL), *coords)
    cell = cube.cell(key)
    assert cell.shown
    return cell.value


def adult(team, **kw):
    return PersonFactory(team=team, date_of_birth=datetime.date(1970, 5, 1), **kw)


def test_periods_and_age_groups():
    assert (Q3.start, Q3.end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    rolling = parse_period("rolling", TODAY)
    assert (rolling.start, rolling.end) == (datetime.date(2025, 12, 1), datetime.date(2026, 11, 30))
    assert parse_period("2026-02", TODAY).end == datetime.date(2026, 2, 28)
    assert parse_period("2026", TODAY).label == "2026"
    with pytest.raises(ValueError):
        parse_period("2026Q5", TODAY)
    day = datetime.date(2026, 9, 30)
    assert age_group(datetime.date(2010, 10, 1), day) == "0-15"
    assert age_group(datetime.date(2010, 9, 30), day) == "16-17"
    assert age_group(datetime.date(2008, 9, 30), day) == "18-64"
    assert age_group(datetime.date(1961, 10, 1), day) == "18-64"
    assert age_group(datetime.date(1961, 9, 30), day) == "65-74"
    assert age_group(datetime.date(1941, 9, 30), day) == "85+"


def _outcome(person, held_on=IN_Q3, **kw):
    outcome = OutcomeFactory(positive_change__conversation__person=person, **kw)
    outcome.conversation.held_on = held_on
    outcome.conversation.save(update_fields=["held_on"])
    return outcome


def test_outcome_quality_and_flags(team, other_team):
    a, b = adult(team), adult(other_team)
    _outcome(a, checker_codes=[])
    _outcome(a, checker_codes=["service_language", "vague"])
    _outcome(b, checker_codes=["vague"])
    _outcome(b, checker_codes=[], held_on=datetime.date(2026, 6, 30))  # outside Q3
    _outcome(b, checker_codes=[], status=OutcomeStatus.REPLACED)  # rewritten since
    assert count(selectors.OUTCOME_QUALITY, "well_written") == 1
    assert count(selectors.OUTCOME_QUALITY, "flagged") == 2
    assert count(selectors.OUTCOME_QUALITY, TOTAL) == 3
    assert count(selectors.OUTCOME_QUALITY, "flagged", team=str(team.pk)) == 1
    assert count(selectors.OUTCOME_FLAGS, "vague") == 2
    assert count(selectors.OUTCOME_FLAGS, "service_language") == 1
    assert count(selectors.OUTCOME_FLAGS, "jargon") == 0


def test_support_steps_and_met_without_paid_support(team):
    p = adult(team)
    first = _outcome(p, status=OutcomeStatus.ACHIEVED)
    second = _outcome(p, status=OutcomeStatus.ACHIEVED)
    third = _outcome(p)
    SolutionFactory(
        outcome=first,
        step=SupportStep.FAMILY_FRIENDS,
        status=SolutionStatus.IN_PLACE,
        cost=None,
        cost_period="",
    )
    SolutionFactory(
        outcome=second,
        step=SupportStep.SUPPORT,
        status=SolutionStatus.IN_PLACE,
        cost=120,
        cost_period="week",
    )
    SolutionFactory(
        outcome=third,
        step=SupportStep.COMMUNITY,
        status=SolutionStatus.AGREED,
        cost=None,
        cost_period="",
    )
    SolutionFactory(
        outcome=third,
        step=SupportStep.COMMUNITY,
        status=SolutionStatus.IDEA,
        cost=None,
        cost_period="",
    )
    assert count(selectors.SUPPORT_STEPS, SupportStep.COMMUNITY) == 1
    assert count(selectors.SUPPORT_STEPS, SupportStep.FAMILY_FRIENDS) == 1
    assert count(selectors.SUPPORT_STEPS, TOTAL) == 3
    assert count(selectors.MET_WITHOUT_PAID, "unpaid") == 1
    assert count(selectors.MET_WITHOUT_PAID, "paid") == 1


def test_unmet_need_by_category_reason_month_and_time_to_met(team, other_team):
    p, q = adult(team), adult(other_team)
    UnmetNeedFactory(
        person=p,
        category=NeedCategory.CARER_BREAK,
        reason=UnmetReason.BUDGET,
        identified_on=datetime.date(2026, 7, 3),
    )
    UnmetNeedFactory(
        person=p,
        category=NeedCategory.CARER_BREAK,
        reason=UnmetReason.BUDGET,
        identified_on=datetime.date(2026, 8, 3),
        met_on=datetime.date(2026, 8, 20),
    )
    UnmetNeedFactory(
        person=q,
        category=NeedCategory.HOUSING,
        reason=UnmetReason.WAITING_LIST,
        identified_on=datetime.date(2026, 9, 1),
        met_on=datetime.date(2026, 11, 15),
    )
    UnmetNeedFactory(
        person=q,
        category=NeedCategory.HOUSING,
        reason=UnmetReason.WAITING_LIST,
        identified_on=datetime.date(2026, 10, 1),
    )  # outside Q3
    assert count(selectors.UNMET_NEED, NeedCategory.CARER_BREAK, UnmetReason.BUDGET) == 2
    assert count(selectors.UNMET_NEED, NeedCategory.HOUSING, TOTAL) == 1
    assert count(selectors.UNMET_NEED, TOTAL, TOTAL, area=str(other_team.area_id)) == 1
    assert count(selectors.UNMET_TREND, "2026-08", "met") == 1
    assert count(selectors.UNMET_TREND, "2026-07", "not_met") == 1
    # Met on 15 November: after the end of Q3, so not met by the end of the period.
    assert count(selectors.UNMET_TREND, "2026-09", "not_met") == 1
    assert count(selectors.UNMET_TIME, "30") == 1
    assert count(selectors.UNMET_TIME, "90") == 1
    assert count(selectors.UNMET_TIME, "not_met") == 1


def test_review_progress_person_beside_worker(team):
    p = adult(team)
    review = ReviewFactory(person=p, completed=True, held_on=IN_Q3)
    o1, o2, o3 = _outcome(p, held_on=datetime.date(2026, 1, 5)), _outcome(p), _outcome(p)
    OutcomeReviewFactory(review=review, outcome=o1, rating=Rating.ACHIEVED)
    OutcomeReviewFactory(review=review, outcome=o2, rating=Rating.PARTLY)
    OutcomeReviewFactory(review=review, outcome=o3, rating=Rating.NOT_YET)
    PersonViewFactory(review=review, outcome=o1, person=p, rating=Rating.ACHIEVED)
    PersonViewFactory(review=review, outcome=o2, person=p, rating=Rating.NOT_YET)
    assert count(selectors.REVIEW_PROGRESS, Rating.ACHIEVED, Rating.ACHIEVED) == 1
    assert count(selectors.REVIEW_PROGRESS, Rating.PARTLY, Rating.NOT_YET) == 1
    assert count(selectors.REVIEW_PROGRESS, Rating.NOT_YET, "not_asked") == 1
    assert count(selectors.REVIEW_PROGRESS, TOTAL, TOTAL) == 3


def test_review_timeliness(team):
    never, overdue, on_time = adult(team), adult(team), adult(team)
    for p in (never, overdue, on_time):
        _outcome(p, held_on=datetime.date(2026, 1, 10))
    ReviewFactory(
        person=overdue,
        completed=True,
        held_on=datetime.date(2026, 2, 1),
        next_review_on=datetime.date(2026, 8, 1),
    )
    ReviewFactory(
        person=on_time,
        completed=True,
        held_on=datetime.date(2026, 6, 1),
        next_review_on=datetime.date(2026, 12, 1),
    )
    ReviewScheduleFactory(person=never, next_review_on=datetime.date(2026, 3, 1))
    adult(team)  # no outcome: not counted
    assert count(selectors.REVIEW_TIMELINESS, "never") == 1
    assert count(selectors.REVIEW_TIMELINESS, "overdue") == 1
    assert count(selectors.REVIEW_TIMELINESS, "on_time") == 1
    assert count(selectors.REVIEW_TIMELINESS, TOTAL) == 3


def test_age_group_filter_counts_age_at_the_end_of_the_period(team):
    child = PersonFactory(team=team, date_of_birth=datetime.date(2012, 1, 1))
    old = PersonFactory(team=team, date_of_birth=datetime.date(1940, 1, 1))
    UnmetNeedFactory(person=child, identified_on=IN_Q3)
    UnmetNeedFactory(person=old, identified_on=IN_Q3)
    cat, reason = NeedCategory.GETTING_OUT, UnmetReason.NO_PROVIDER
    assert count(selectors.UNMET_NEED, cat, reason, age="0-15") == 1
    assert count(selectors.UNMET_NEED, cat, reason, age="85+") == 1
    assert count(selectors.UNMET_NEED, cat, reason, age="18-64") == 0
    from goldenthread.people.models import Person

    Person.objects.filter(pk=child.pk).update(
        created_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)
    )
    Person.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    )  # after Q3
    assert count(selectors.PEOPLE, "people") == 1
    assert count(selectors.PEOPLE, "people", period=parse_period("2026", TODAY)) == 2


def test_first_choice_not_delivered_by_option_and_answer(team, practitioner):
    from goldenthread.people.factories import AllocationFactory
    from goldenthread.sds import services
    from goldenthread.sds.models import Accepted, SdsOption

    def shortfall(person, first, alternative):
        AllocationFactory(person=person, worker=practitioner)
        return services.first_choice_not_delivered_record(
            actor=practitioner,
            person=person,
            first_choice=first,
            why="No personal assistants are free in the area at the moment.",
            alternative_offered="A care agency visit on Thursdays",
            alternative_option=alternative,
            plan_to_meet_need="Look again in three months.",
            need="Support to get to the club",
            category=NeedCategory.GETTING_OUT,
            identified_on=IN_Q3,
        )

    shortfall(adult(team), SdsOption.OPTION_1, SdsOption.OPTION_3)
    shortfall(adult(team), SdsOption.OPTION_1, SdsOption.OPTION_2)
    shortfall(adult(team), SdsOption.OPTION_2, SdsOption.OPTION_3)
    assert count(selectors.FIRST_CHOICE, SdsOption.OPTION_1, TOTAL) == 2
    assert count(selectors.FIRST_CHOICE, SdsOption.OPTION_2, TOTAL) == 1
    assert (
        count(selectors.FIRST_CHOICE, TOTAL, Accepted.UNDECIDED)
        + count(selectors.FIRST_CHOICE, TOTAL, Accepted.YES)
        + count(selectors.FIRST_CHOICE, TOTAL, Accepted.NO)
        == 3
    )


def test_outcomes_and_what_matters_by_domain(team):
    from goldenthread.conversations.factories import ConversationFactory
    from goldenthread.conversations.models import MattersItem, MattersKind

    p = adult(team)
    _outcome(p, domain="adult:seeing_people")
    _outcome(p, domain="adult:seeing_people")
    _outcome(p, domain="child:safe")
    _outcome(p)  # not coded
    conversation = ConversationFactory(person=p, held_on=IN_Q3)
    for domain, kind in [
        ("adult:feeling_safe", MattersKind.WHAT),
        ("", MattersKind.WHAT),
        ("adult:feeling_safe", MattersKind.WHERE),
    ]:
        MattersItem.objects.create(
            person=p, conversation=conversation, text="Secret", kind=kind, domain=domain
        )
    assert count(selectors.OUTCOME_DOMAINS, "adult:seeing_people") == 2
    assert count(selectors.OUTCOME_DOMAINS, "child:safe") == 1
    assert count(selectors.OUTCOME_DOMAINS, "none") == 1
    assert count(selectors.WHAT_MATTERS_DOMAINS, "adult:feeling_safe") == 1
    assert count(selectors.WHAT_MATTERS_DOMAINS, "none") == 1


def test_domain_code_lists_are_data_with_sources():
    from django.core.exceptions import ValidationError

    from goldenthread.core.domains import domains, validate_domain

    adult_codes = {d.code for d in domains() if d.framework == "adult"}
    child_codes = {d.code for d in domains() if d.framework == "child"}
    assert {"feeling_safe", "having_a_say", "reduced_symptoms"} <= adult_codes
    assert child_codes == {
        "safe",
        "healthy",
        "achieving",
        "nurtured",
        "active",
        "respected",
        "responsible",
        "included",
    }
    assert all(d.source for d in domains())
    validate_domain("child:nurtured")
    validate_domain("")
    with pytest.raises(ValidationError):
        validate_domain("adult:nonsense")


def test_advocacy_stages_agree_with_accountability(team, other_team):
    from goldenthread.accountability.factories import AdvocacyFactory
    from goldenthread.accountability.models import AdvocacyAnswer
    from goldenthread.accountability.selectors import advocacy_counts

    offered = IN_Q3 + datetime.timedelta(days=2)
    AdvocacyFactory(person=PersonFactory(team=team), identified_on=IN_Q3)
    AdvocacyFactory(
        person=PersonFactory(team=team),
        identified_on=IN_Q3,
        offered_on=offered,
        answer=AdvocacyAnswer.DECLINED,
    )
    for n in range(3):
        AdvocacyFactory(
            person=PersonFactory(team=other_team),
            identified_on=IN_Q3,
            offered_on=offered,
            answer=AdvocacyAnswer.ACCEPTED,
            referred_on=offered,
            provider_name="Speak Up Advocacy",
            started_on=offered + datetime.timedelta(days=5) if n else None,
        )
    AdvocacyFactory(person=PersonFactory(team=team), identified_on=datetime.date(2026, 5, 1))
    m = selectors.ADVOCACY
    assert [count(m, s) for s in selectors.ADVOCACY_STAGES] == [5, 4, 3, 3, 2]
    assert [count(m, s, team=str(team.pk)) for s in ("identified", "offered", "started")] == [
        2,
        1,
        0,
    ]
    theirs = advocacy_counts(selectors.Person.objects.all(), since=Q3.start, until=Q3.end)
    assert (theirs.identified, theirs.offered, theirs.accepted) == (5, 4, 3)
    assert (theirs.referred, theirs.started) == (3, 2)


def test_challenges_by_stage_and_outcome(team, other_team):
    from goldenthread.accountability.factories import ChallengeFactory
    from goldenthread.accountability.models import ChallengeOutcome, ChallengeState, Stage

    ChallengeFactory(person=PersonFactory(team=team), raised_on=IN_Q3)
    ChallengeFactory(
        person=PersonFactory(team=team),
        raised_on=IN_Q3,
        state=ChallengeState.ANSWERED,
        outcome=ChallengeOutcome.UPHELD,
        answered_on=IN_Q3,
        answer="We agree and will change the plan.",
    )
    ChallengeFactory(
        person=PersonFactory(team=other_team),
        raised_on=IN_Q3,
        stage=Stage.INVESTIGATION,
        state=ChallengeState.ANSWERED,
        outcome=ChallengeOutcome.NOT_UPHELD,
        answered_on=IN_Q3,
        answer="The decision stands, for these reasons.",
    )
    ChallengeFactory(person=PersonFactory(team=team), raised_on=datetime.date(2026, 10, 2))
    m = selectors.CHALLENGES
    assert count(m, "frontline", "open") == 1
    assert count(m, "frontline", "upheld") == 1
    assert count(m, "investigation", "not_upheld") == 1
    assert count(m, TOTAL, TOTAL) == 3
    assert count(m, TOTAL, TOTAL, team=str(other_team.pk)) == 1


def test_a_different_amount_the_panel_agreed_is_agreed_with_its_own_line(
    person, team_leader, panel_member
):
    """#13/#14: the panel agreeing a different amount is an agreed budget (its own line
    under "Agreed"), never "not agreed" or left out; the money table shows the amount
    asked and the amount agreed. A request the panel returned is not decided."""
    from decimal import Decimal

    from goldenthread.reports.presenters import table_for
    from goldenthread.sds.factories import make_budget_request, set_limits
    from goldenthread.sds.services import DecideAction, budget_request_decide

    set_limits()
    sent = datetime.datetime(2026, 8, 3, 10, 0, tzinfo=datetime.UTC)
    decided = datetime.datetime(2026, 8, 10, 10, 0, tzinfo=datetime.UTC)  # 7 days on

    def request(weekly: str):
        return make_budget_request(person, lines=[("PA", Decimal(weekly), "week")], at=sent)

    def decide(actor, budget_request, action, **kw):
        budget_request_decide(
            actor=actor,
            budget_request=budget_request,
            action=action,
            expected_version=budget_request.version,
            reasons="Considered the plan",
            reasons_for_person="Here is what we decided, and why.",
            at=decided,
            **kw,
        )

    for _ in range(2):  # £15,600 a year each, within the team leader's limit
        decide(team_leader, request("300.00"), DecideAction.APPROVE)
    decide(  # £46,800 asked, £40,000 agreed by the panel
        panel_member,
        request("900.00"),
        DecideAction.AGREE_DIFFERENT,
        agreed_per_year=Decimal("40000.00"),
    )
    decide(panel_member, request("800.00"), DecideAction.DECLINE)  # £41,600 asked
    decide(panel_member, request("700.00"), DecideAction.RETURN)  # not decided

    m = selectors.BUDGET_DECISIONS
    assert count(m, TOTAL, "approved") == 2
    assert count(m, TOTAL, "agreed_different") == 1
    assert count(m, TOTAL, "agreed") == 3
    assert count(m, TOTAL, "declined") == 1
    assert count(m, "7", TOTAL) == 4 and count(m, TOTAL, TOTAL) == 4

    money = selectors.BUDGET_AMOUNTS
    assert count(money, "agreed_different", "count") == 1
    assert count(money, "agreed_different", "requested") == 46_800
    assert count(money, "agreed_different", "agreed_amount") == 40_000
    assert count(money, "agreed", "agreed_amount") == 2 * 15_600 + 40_000
    assert count(money, "declined", "requested") == 41_600
    assert count(money, "declined", "agreed_amount") == 0
    assert count(money, TOTAL, "requested") == 2 * 15_600 + 46_800 + 41_600
    assert count(money, TOTAL, "agreed_amount") == 2 * 15_600 + 40_000

    # Both panel decisions count in the panel's waits; the returned one does not.
    assert count(selectors.PANEL_WAITS, TOTAL) == 2

    # On the page: "Agreed" then its two lines, then "Not agreed" and the total.
    axes = selectors.FilterAxes.load()
    cube = selectors.build(m, Q3, TODAY, axes, limit=1)
    table = table_for(m, cube, m.row_axis(Q3), {})
    assert table.columns == [
        "Agreed",
        "Agreed as asked",
        "Agreed, a different amount",
        "Not agreed",
        "Total",
    ]
    seven = next(r for r in table.rows if r.label == "Within 7 days")
    assert [c.text for c in seven.cells] == ["3", "2", "1", "1", "4"]
    cube = selectors.build(money, Q3, TODAY, axes, limit=1)
    table = table_for(money, cube, money.row_axis(Q3), {})
    assert [(r.label, r.is_total) for r in table.rows] == [
        ("Agreed", True),
        ("Agreed as asked", False),
        ("Agreed, a different amount", False),
        ("Not agreed", False),
        ("Total", True),
    ]

    # With the usual threshold the few decisions are small: their count reads "fewer than
    # 5", their sums "not shown" ("fewer than 5" beside pounds reads as less than £5).
    cube = selectors.build(money, Q3, TODAY, axes)
    table = table_for(money, cube, money.row_axis(Q3), {})
    declined = next(r for r in table.rows if r.label == "Not agreed")
    assert [c.text for c in declined.cells][0] == "fewer than 5"
    assert set(c.text for c in declined.cells[1:]) == {"not shown"}


def test_moves_by_kind_whether_made_and_planned_around_an_outcome(team, other_team):
    """TR-1, ACC (#13): moves planned for the period are counted by kind, happened or not,
    and whether they are planned around an outcome (a broken link when not)."""
    from goldenthread.accountability.factories import TransitionFactory
    from goldenthread.accountability.models import TransitionKind

    a, b = adult(team), adult(other_team)
    made = TransitionFactory(
        person=a,
        kind=TransitionKind.HOSPITAL_DISCHARGE,
        planned_on=IN_Q3,
        actual_on=IN_Q3 + datetime.timedelta(days=3),
    )
    made.outcomes.add(_outcome(a))
    TransitionFactory(person=b, kind=TransitionKind.HOSPITAL_DISCHARGE, planned_on=IN_Q3)
    TransitionFactory(person=b, kind=TransitionKind.BETWEEN_AREAS, planned_on=IN_Q3)
    TransitionFactory(person=b, kind=TransitionKind.BETWEEN_AREAS, planned_on=TODAY)  # Q4
    m = selectors.TRANSITIONS
    assert count(m, "hospital_discharge", "made") == 1
    assert count(m, "hospital_discharge", "planned") == 1
    assert count(m, "between_areas", TOTAL) == 1
    assert count(m, TOTAL, TOTAL) == 3
    assert count(m, TOTAL, TOTAL, team=str(other_team.pk)) == 2
    linked = selectors.TRANSITIONS_LINKED
    assert (count(linked, "linked"), count(linked, "no_outcome")) == (1, 2)


def test_outcomes_by_the_newest_agreement_recorded(team, other_team, practitioner):
    """ACC (#13, Std 4.1): each outcome counts once, by the newest answer recorded; an
    outcome with none is counted as not recorded."""
    from goldenthread.outcomes.factories import AgreementFactory
    from goldenthread.outcomes.models import Agreed

    a, b = adult(team), adult(other_team)
    changed_mind = _outcome(a)
    AgreementFactory(
        person=a,
        outcome=changed_mind,
        agreed=Agreed.NO,
        not_agreed="Not the swimming, I said.",
        agreed_on=IN_Q3,
    )
    AgreementFactory(
        person=a, outcome=changed_mind, agreed=Agreed.YES, agreed_on=IN_Q3 + datetime.timedelta(1)
    )
    partly = _outcome(b)
    AgreementFactory(
        person=b,
        outcome=partly,
        agreed=Agreed.PARTLY,
        not_agreed="Not on Sundays.",
        agreed_on=IN_Q3,
    )
    _outcome(b)  # nothing recorded yet
    AgreementFactory(person=b, outcome=None, agreed=Agreed.NO, not_agreed="The plan as a whole.")
    m = selectors.OUTCOME_AGREEMENT
    assert count(m, "yes") == 1
    assert count(m, "partly") == 1
    assert count(m, "no") == 0
    assert count(m, "not_recorded") == 1
    assert count(m, TOTAL) == 3
    assert count(m, "not_recorded", team=str(other_team.pk)) == 1


def test_counts_by_main_reason_for_support(team, other_team):
    """#14 (AGG-1): every table is filtered by the person's main reason for support, across
    the teams ("none": not recorded); a team's cells are never split by reason."""
    dementia_here, dementia_there = (
        adult(team, support_reason="dementia"),
        adult(other_team, support_reason="dementia"),
    )
    autism, unrecorded = adult(team, support_reason="autism"), adult(team)
    _outcome(dementia_here, checker_codes=[])
    _outcome(dementia_there, checker_codes=["vague"])
    _outcome(autism, checker_codes=["vague"])
    _outcome(unrecorded, checker_codes=[])
    _outcome(unrecorded, checker_codes=[])
    assert count(selectors.OUTCOME_QUALITY, TOTAL, reason="dementia") == 2
    assert count(selectors.OUTCOME_QUALITY, "flagged", reason="dementia") == 1
    assert count(selectors.OUTCOME_QUALITY, "flagged", reason="autism") == 1
    assert count(selectors.OUTCOME_QUALITY, "well_written", reason="none") == 2
    assert count(selectors.OUTCOME_QUALITY, TOTAL, reason="alcohol") == 0
    from goldenthread.people.models import Person

    Person.objects.update(created_at=datetime.datetime(2026, 8, 1, tzinfo=datetime.UTC))
    assert count(selectors.PEOPLE, "people", reason="dementia") == 2
    cube = selectors.build(selectors.OUTCOME_QUALITY, Q3, TODAY, selectors.FilterAxes.load(), 1)
    joint = cube.cell((str(team.pk), TOTAL, "dementia", TOTAL))
    assert not joint.shown and joint.value is None  # never published (kept apart)
