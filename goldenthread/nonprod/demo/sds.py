"""Demo SDS choices, budgets, approvals, decisions, unmet need and risks for the demo
people (OPS-1), written through the same services as the pages (audited, checked).

    load_sds_demo(rng)   # after the people, conversations/outcomes (and support) demo

Covers every option (1 to 4, and a first choice that cannot be delivered), requests agreed
within the practitioner's limit (sent by a duty worker: no one agrees a request they sent)
and the team leader's, one waiting for the team leader, one
sent to the decision panel and decided there with reasons, one still with the panel past the
agreed maximum wait, one not agreed; decisions shared and not yet shared; open and met unmet
need; risks with shared responsibility, and one where capacity is in question and a welfare
guardian's view differs from the person's (kept side by side). Idempotent.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from goldenthread.accounts.factories import DEMO_PASSWORD, PanelMemberFactory
from goldenthread.accounts.models import Role, User
from goldenthread.nonprod.demo.casework import OUTCOME_ORDER, PEOPLE_ORDER, SOLUTION_ORDER
from goldenthread.nonprod.demo.story import ADULT, OLDER, YOUNG, fit, life_stage
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people import services as people_services
from goldenthread.people.models import Allocation, Person
from goldenthread.risk import services as risk_services
from goldenthread.risk.models import CapacityQuestion, Whose
from goldenthread.sds import services
from goldenthread.sds.factories import set_limits
from goldenthread.sds.models import (
    Accepted,
    BudgetPeriod,
    DecisionAbout,
    HowTold,
    NeedCategory,
    SdsChoice,
    SdsOption,
    UnmetReason,
)
from goldenthread.sds.selectors import mix_solutions
from goldenthread.sds.services import DecideAction, Explanation, LineInput
from goldenthread.support.models import CURRENT_STATUSES

DEMO_TEAM_NAMES = ("Northfield Community Care Team", "Riverside Adult Support Team")

WAYS = [
    frozenset({"in_conversation", "by_leaflet"}),
    frozenset({"in_conversation", "by_easy_read"}),
    frozenset({"in_conversation", "with_advocate"}),
    frozenset({"in_conversation"}),
]

REASONS = {
    SdsOption.OPTION_1: "I want to employ my own personal assistant, someone I know and trust, "
    "and choose the hours myself.",
    SdsOption.OPTION_2: "I want to choose the agency and what they do, but I don't want to be "
    "an employer or deal with the money.",
    SdsOption.OPTION_3: "I'd rather the council sorted it out. I've enough on my plate.",
    SdsOption.OPTION_4: "A personal assistant for getting out, and the council to arrange the "
    "morning visits so I don't have to worry about them.",
}


def _at(days_ago: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _lines(person: Person, rng: random.Random, *, scale: Decimal) -> list[LineInput]:
    """Two to four lines, tied to the person's outcomes and costed solutions when they have
    them. `scale` sets the size of the request."""
    outcomes = list(person.outcomes.filter(status=OutcomeStatus.OPEN).order_by(*OUTCOME_ORDER))
    solutions = list(
        person.support_solutions.filter(
            status__in=CURRENT_STATUSES, outcome__status=OutcomeStatus.OPEN
        )
        .select_related("outcome")
        .order_by(*SOLUTION_ORDER)
    )
    hours = rng.choice([4, 6, 8, 10])
    rate = Decimal("21.50")
    costed = next((s for s in solutions if s.cost is not None), None)
    lines = [
        LineInput(
            description=f"Personal assistant, {hours} hours a week",
            amount=(rate * hours * scale).quantize(Decimal("0.01")),
            period=BudgetPeriod.WEEK,
            outcome=costed.outcome if costed else (outcomes[0] if outcomes else None),
            solution=costed,
        )
    ]
    lines.append(
        LineInput(
            description="Taxi to and from the club",
            amount=Decimal(rng.choice([48, 60, 72])),
            period=BudgetPeriod.MONTH,
            outcome=outcomes[-1] if outcomes else None,
        )
    )
    if scale > 1:
        lines.append(
            LineInput(
                description="Overnight support, two nights a week",
                amount=(Decimal("310.00") * scale).quantize(Decimal("0.01")),
                period=BudgetPeriod.WEEK,
                outcome=outcomes[0] if outcomes else None,
            )
        )
        lines.append(
            LineInput(
                description="Adapted garden path (one-off)",
                amount=Decimal("1850.00"),
                period=BudgetPeriod.ONE_OFF,
            )
        )
    return lines


def _options(person, worker, chosen, rng, days_ago=60, conversation=None):
    explained_on = _day(days_ago)
    explanations = [
        Explanation(
            option=o.value, explained=True, ways=rng.choice(WAYS), explained_on=explained_on
        )
        for o in SdsOption
    ]
    return services.sds_options_record(
        actor=worker,
        person=person,
        explanations=explanations,
        chosen_option=chosen,
        chosen_on=_day(days_ago - 7),
        reasons=REASONS[SdsOption(chosen)],
        conversation=conversation,
    )


def _request(person, worker, rng, *, scale, days_ago):
    return services.budget_request_submit(
        actor=worker,
        person=person,
        lines=_lines(person, rng, scale=scale),
        start_date=_day(days_ago - 14),
        case_for_request="Support for the outcomes we agreed, after counting what family, "
        "friends and the community already do. Community transport was tried and did not "
        "suit.",
        contribution=Decimal(rng.choice(["0.00", "12.50", "27.80"])),
        contribution_period=BudgetPeriod.WEEK,
        at=_at(days_ago),
    )


def _decide(actor, budget_request, action, *, reasons, for_person, days_ago):
    budget_request.refresh_from_db()
    services.budget_request_decide(
        actor=actor,
        budget_request=budget_request,
        action=action,
        reasons=reasons,
        reasons_for_person=for_person,
        expected_version=budget_request.version,
        at=_at(days_ago, hour=15),
    )


def _duty_worker(person, worker, leader):
    """Another practitioner of the team, allocated by the team leader as the duty worker
    from a few days ago, and that allocation (None, None when the team has no leader or no
    other practitioner). The caller ends it once the duty worker has done their part: a
    service only lets a worker record for someone they are allocated to now."""
    if leader is None:
        return None, None
    duty = (
        User.objects.filter(team_id=person.team_id, role=Role.PRACTITIONER, is_active=True)
        .exclude(pk=worker.pk)
        .order_by("username")
        .first()
    )
    if duty is None:
        return None, None
    allocation = people_services.allocation_start(
        actor=leader, person=person, worker=duty, start_date=_day(32), description="Duty worker"
    )
    return duty, allocation


# The risk each life stage's people most often take on (#16), for `fit`: going out alone.
RISKS = {
    YOUNG: {
        "activity": "Travel on {their} own by bus to college and into town",
        "could_go_wrong": "{name} could get on the wrong bus or be upset by a busy journey, "
        "and could be taken advantage of by people who are not real friends.",
        "good_it_brings": "Travelling alone means {name} can get to college, see friends and, "
        "one day, get to work without waiting for a lift.",
        "least_restrictive": "Travel training and a phone with the routes saved, rather than "
        "being driven everywhere.",
        "decision": "{name} takes the college bus alone; family meet the bus on Fridays for "
        "the first month.",
        "reasons": "{name} knows the route and wants to go alone; the travel training and the "
        "phone cover the worst moments.",
        "agreed_to": "Ring at half past five if {name} is not home.",
        "person_agreed_to": "Carry the phone and ring if anything goes wrong.",
        "view": "I'm not a wee kid any more. All my pals get the bus.",
    },
    ADULT: {
        "activity": "Go out on {their} own in the evenings, by bus",
        "could_go_wrong": "{name} could be unwell on the way, or low and not come home when "
        "expected.",
        "good_it_brings": "Time out and seeing people matter a great deal to {name}'s mood "
        "and health.",
        "least_restrictive": "A phone with a friend's number and a plan for getting home, "
        "rather than always going with someone.",
        "decision": "{name} goes out alone on weekday evenings and sends a text on getting home.",
        "reasons": "{name} understands the risks and going out matters a great deal; the text "
        "home covers the worst moment.",
        "agreed_to": "Expect a text by ten o'clock and ring if none comes.",
        "person_agreed_to": "Text when home, and ring if unwell.",
        "view": "I'm a grown adult. I want to go out like anybody else.",
    },
    OLDER: {
        "activity": "Go to the club on {their} own, by the community bus",
        "could_go_wrong": "{name} could fall getting on or off the bus, or get tired and "
        "confused on the way home.",
        "good_it_brings": "{name} sees friends every week, keeps active and feels like "
        "{themself} again; low since stopping going.",
        "least_restrictive": "Going alone with a phone and a bus pass, rather than a taxi "
        "and an escort every time.",
        "decision": "{name} goes alone on Thursdays; the club secretary meets the bus.",
        "reasons": "{name} understands the risk, has managed the route for years and going "
        "matters a great deal. The meeting at the bus stop covers the worst moment.",
        "agreed_to": "Phone on Thursday evenings to check {name} got home.",
        "person_agreed_to": "Carry the phone and ring if feeling unwell.",
        "view": "I've taken that bus for years. I'm not giving up my club.",
    },
}


def _risks(person, worker, number: int) -> None:
    outcome = person.outcomes.filter(status=OutcomeStatus.OPEN).order_by(*OUTCOME_ORDER).first()
    if outcome is None:
        return
    words = {k: fit(v, person) for k, v in RISKS[life_stage(person)].items()}
    circle = list(person.circle.all()[:2])
    relative = circle[0] if circle else None
    risk = risk_services.risk_record(
        actor=worker,
        person=person,
        outcome=outcome,
        activity=words["activity"],
        could_go_wrong=words["could_go_wrong"],
        good_it_brings=words["good_it_brings"],
        least_restrictive=words["least_restrictive"],
        decision=words["decision"],
        reasons=words["reasons"],
        decided_on=_day(20),
        review_on=_day(-70),
        capacity_in_question=CapacityQuestion.NO,
    )
    if relative is not None:
        risk_services.risk_agreement_add(
            actor=worker,
            risk=risk,
            name=relative.name,
            role=relative.relationship,
            agreed_to=words["agreed_to"],
            agreed_on=_day(20),
        )
    risk_services.risk_agreement_add(
        actor=worker,
        risk=risk,
        name=person.display_name,
        role="The person",
        agreed_to=words["person_agreed_to"],
        agreed_on=_day(20),
    )
    risk_services.risk_view_add(
        actor=worker,
        risk=risk,
        whose=Whose.PERSON,
        name=person.display_name,
        view=words["view"],
        given_on=_day(20),
    )
    if number % 3 == 1:
        guarded = risk_services.risk_record(
            actor=worker,
            person=person,
            outcome=outcome,
            activity=fit("Manage {their} own money for the weekly shop", person),
            could_go_wrong=fit(
                "{name} could be taken advantage of, as happened last year.", person
            ),
            good_it_brings=fit(
                "Choosing and paying for the shopping matters to {name}'s dignity.", person
            ),
            least_restrictive="A pre-paid card with a weekly limit, rather than the guardian "
            "doing the shopping.",
            decision="A pre-paid card with a weekly amount; the guardian tops it up.",
            reasons=fit("It keeps the choice with {name} and limits what could be lost.", person),
            decided_on=_day(12),
            capacity_in_question=CapacityQuestion.YES,
            capacity_notes="Assessed as unable to manage large sums; able to decide about "
            "everyday purchases.",
            decision_supported_by="An advocate from Northfield Advocacy, with easy read notes",
            views_conflict=True,
            conflict_handling="Met together with the advocate; the guardian agreed to try the "
            "card for three months and review.",
        )
        risk_services.risk_view_add(
            actor=worker,
            risk=guarded,
            whose=Whose.PERSON,
            name=person.display_name,
            view="It's my money. I want to pick my own messages.",
            given_on=_day(14),
        )
        risk_services.risk_view_add(
            actor=worker,
            risk=guarded,
            whose=Whose.GUARDIAN,
            name="R. Campbell",
            view=fit(
                "I am worried {name} will be exploited again. I would rather do the shopping "
                "myself.",
                person,
            ),
            given_on=_day(14),
        )


@transaction.atomic
def load_sds_demo(rng: random.Random) -> bool:
    """Add the SDS and risk demo records; return False if they were there already."""
    people = list(
        Person.objects.filter(team__name__in=DEMO_TEAM_NAMES).order_by("team__name", *PEOPLE_ORDER)
    )
    if not people or SdsChoice.objects.filter(person__in=people).exists():
        return False
    set_limits(practitioner="8000.00", team_leader="35000.00")
    panel = User.objects.filter(role=Role.PANEL_MEMBER, is_active=True).order_by(
        "username"
    ).first() or PanelMemberFactory(username="panel", password=DEMO_PASSWORD)
    today_allocations = {
        a.person_id: a.worker
        for a in Allocation.objects.filter(
            person__in=people, end_date__isnull=True, start_date__lte=timezone.localdate()
        )
        .select_related("worker")
        .order_by("start_date")
    }
    leaders = {u.team_id: u for u in User.objects.filter(role=Role.TEAM_LEADER, is_active=True)}
    by_team: dict = {}
    for person in people:
        if person.pk in today_allocations:
            by_team.setdefault(person.team_id, []).append(person)
    for team_number, team_people in enumerate(by_team.values()):
        for number, person in enumerate(team_people[:9]):
            worker = today_allocations[person.pk]
            leader = leaders.get(person.team_id)
            _person_demo(person, worker, leader, panel, number, rng, returned=team_number == 1)
    return True


# The likely budget each person was told, by the kind of request made later in their story
# (kind 0: half-size; 3 and 4: with overnight support, to the panel; the rest ordinary).
LIKELY_BUDGET = {0: Decimal("5000.00"), 3: Decimal("62000.00"), 4: Decimal("62000.00")}


def _person_demo(person, worker, leader, panel, number, rng, *, returned=False) -> None:
    """One person's SDS story; `returned`: the second team's request with the panel was
    returned by the panel for more information (#13)."""
    conversation = person.conversations.order_by("-held_on").first()
    kind = number % 9
    rng.choice(["6500.00", "9800.00", "14250.00", "38000.00"])  # keeps the demo's sequence
    services.indicative_budget_record(
        actor=worker,
        person=person,
        # Within sight of what is asked for later (#16): a small request, an ordinary one,
        # or one with overnight support that goes to the panel.
        amount=LIKELY_BUDGET.get(kind, Decimal("9800.00")),
        period=BudgetPeriod.YEAR,
        told_on=_day(75),
        how_told=rng.choice([HowTold.CONVERSATION, HowTold.LETTER, HowTold.EASY_READ]),
        notes="Told that this is the likely amount whichever option is chosen.",
    )
    options = [SdsOption.OPTION_1, SdsOption.OPTION_2, SdsOption.OPTION_3, SdsOption.OPTION_4]
    chosen = options[number % 4]
    choice = _options(person, worker, chosen, rng, conversation=conversation)
    if chosen == SdsOption.OPTION_4:
        # In a fixed order (solutions made at one instant have random ids).
        mix = sorted(mix_solutions(person), key=lambda s: (s.outcome.statement, s.step, s.what))
        parts = {s: [SdsOption.OPTION_1, SdsOption.OPTION_3][i % 2] for i, s in enumerate(mix)}
        if parts:
            services.sds_mix_record(
                actor=worker, person=person, parts=parts, expected_version=choice.version
            )

    duty, duty_allocation = _duty_worker(person, worker, leader) if kind == 0 else (None, None)
    if duty is not None and duty_allocation is not None:
        # Agreed by the allocated practitioner within their own limit; sent by a colleague
        # on duty, because no one agrees a request they sent themselves (four eyes).
        budget_request = _request(person, duty, rng, scale=Decimal("0.5"), days_ago=30)
        people_services.allocation_end(actor=leader, allocation=duty_allocation, end_date=_day(28))
        if budget_request.total_per_year <= Decimal("8000.00"):
            _decide(
                worker,
                budget_request,
                DecideAction.APPROVE,
                reasons="",
                for_person="It meets the outcomes we agreed, within what I can agree.",
                days_ago=29,
            )
    elif kind == 1 and leader is not None:  # agreed by the team leader
        budget_request = _request(person, worker, rng, scale=Decimal("1"), days_ago=40)
        _decide(
            leader,
            budget_request,
            DecideAction.APPROVE,
            reasons="Costs in line with similar plans; community options were explored first.",
            for_person="Your budget is agreed. It pays for the personal assistant and the "
            "taxi to the club, which are what you said matter most.",
            days_ago=36,
        )
    elif kind == 2:  # waiting for the team leader
        _request(person, worker, rng, scale=Decimal("1"), days_ago=3)
    elif kind == 3:  # with the panel, past the agreed maximum wait (or returned by it)
        budget_request = _request(person, worker, rng, scale=Decimal("2.5"), days_ago=35)
        if returned:
            _decide(
                panel,
                budget_request,
                DecideAction.RETURN,
                reasons="We need to know how many nights a week the overnight support is "
                "needed, and what the district nurse advised.",
                for_person="The panel needs a little more information before it decides: "
                "how many nights you need support. Your worker will be in touch.",
                days_ago=20,
            )
    elif kind == 4:  # first choice not delivered; panel decided
        services.first_choice_not_delivered_record(
            actor=worker,
            person=person,
            first_choice=SdsOption.OPTION_1,
            why="No personal assistants are available in the area at the moment.",
            alternative_offered="A care agency arranged by the council on Tuesdays and "
            "Thursdays, while we keep looking for a personal assistant.",
            alternative_option=SdsOption.OPTION_3,
            alternative_accepted=Accepted.YES,
            plan_to_meet_need="Advertise through the local PA network; review in 8 weeks.",
            need=fit(
                "Support from someone of {their} own choosing to get out on weekday afternoons",
                person,
            ),
            category=NeedCategory.GETTING_OUT,
            identified_on=_day(45),
        )
        budget_request = _request(person, worker, rng, scale=Decimal("2.5"), days_ago=30)
        _decide(
            panel,
            budget_request,
            DecideAction.APPROVE,
            reasons="Overnight support is needed for safety; cheaper options were tried "
            "and did not work.",
            for_person="The panel agreed your budget in full. The overnight support is "
            "needed to keep you safe at home, which is what you told us matters most.",
            days_ago=12,
        )
    elif kind == 5 and leader is not None:  # not agreed by the team leader
        budget_request = _request(person, worker, rng, scale=Decimal("1"), days_ago=20)
        _decide(
            leader,
            budget_request,
            DecideAction.DECLINE,
            reasons="The taxi duplicates the community transport now running on Thursdays.",
            for_person="We have not agreed the budget as asked, because the new community "
            "bus now stops at the club on Thursdays. Your worker will send a new request "
            "without the taxi.",
            days_ago=18,
        )
    elif kind == 6:
        # A break for whoever in their circle cares for them (#16: a mother at 20).
        carer = person.circle.filter(is_unpaid_carer=True).order_by("relationship").first()
        services.unmet_need_record(
            actor=worker,
            person=person,
            need=fit(
                f"A short break for {{their}} {carer.relationship.lower()}, who cares for "
                "{them} every day"
                if carer
                else "A short break for the family, who care for {name} every day",
                person,
            ),
            category=NeedCategory.CARER_BREAK,
            reason=UnmetReason.WAITING_LIST,
            alternative_offered="A sitting service for one "
            "afternoon a fortnight until a place is free",
            identified_on=_day(50),
        )
        met = services.unmet_need_record(
            actor=worker,
            person=person,
            need="A grab rail by the back door",
            category=NeedCategory.EQUIPMENT,
            reason=UnmetReason.NO_PROVIDER,
            identified_on=_day(90),
        )
        services.unmet_need_mark_met(
            actor=worker,
            unmet_need=met,
            met_on=_day(30),
            how_met="Fitted by the care and repair service.",
            expected_version=met.version,
        )
    elif kind == 7:
        older = life_stage(person) == OLDER
        services.unmet_need_record(
            actor=worker,
            person=person,
            need="A befriender to visit once a week" if older else "Help to find voluntary work",
            category=NeedCategory.RELATIONSHIPS if older else NeedCategory.WORK_LEARNING,
            reason=UnmetReason.OTHER,
            reason_other="The local scheme closed in March",
            identified_on=_day(25),
        )
    services.decision_record(
        actor=worker,
        person=person,
        about=DecisionAbout.SUPPORT,
        summary="Start with the walking group and a lift from a neighbour before paid support",
        reasons="You said you would rather try the group with someone you know first.",
        decided_on=_day(50),
        decided_by=f"{person.display_name} and {worker.get_full_name() or worker.username}",
        shared_on=_day(50) if number % 2 == 0 else None,
        shared_how=HowTold.CONVERSATION if number % 2 == 0 else "",
    )
    _risks(person, worker, number)
