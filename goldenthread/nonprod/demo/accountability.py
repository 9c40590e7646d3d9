"""Demo data for accountability (#13): most people agreed their outcomes and plan (a few
have not, or disagreed in their own words, so the golden thread shows it), some need
advocacy, a few have challenged a decision (one through both stages), and some have a move
coming. Written through the services, as a worker who works with the person."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from goldenthread.accountability import services
from goldenthread.accountability.models import Challenge
from goldenthread.accountability.working_days import add_working_days
from goldenthread.nonprod.demo.casework import OUTCOME_ORDER, people_with_open_outcomes
from goldenthread.nonprod.demo.story import ADULT, OLDER, YOUNG, life_stage
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import OutcomeStatus

# The moves a person's life stage makes likely (#16: no move into adult services at 80).
MOVES = {
    YOUNG: ("into_adult_services", "school_to_adult_life", "hospital_discharge"),
    ADULT: ("hospital_discharge",),
    OLDER: ("hospital_discharge", "into_residential"),
}
NOT_FAMILY = ("Friend", "Neighbour", "Friend from church")


def _before(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def load_accountability_demo(rng: random.Random) -> int:
    """Add the demo's agreement, advocacy, challenges and moves; returns how many people
    were given any (0 if it was loaded before)."""
    if Challenge.objects.exists():
        return 0
    today = timezone.localdate()
    touched = 0
    for index, person, worker in people_with_open_outcomes(today):
        if worker is None:
            continue
        touched += 1
        outcomes = list(person.outcomes.filter(status=OutcomeStatus.OPEN).order_by(*OUTCOME_ORDER))
        for n, outcome in enumerate(outcomes):
            if index % 9 == 4 and n == 0:
                continue  # never asked: a broken link in the golden thread
            disagrees = index % 11 == 6 and n == 0
            outcome_services.agreement_record(
                actor=worker,
                person=person,
                outcome=outcome,
                whose="person",
                name=person.display_name,
                agreed="no" if disagrees else "yes",
                agreed_on=_before(today, rng.randint(1, 60)),
                how="meeting",
                not_agreed="I want to choose who helps me with it." if disagrees else "",
            )
        if index % 3 != 2:
            outcome_services.agreement_record(
                actor=worker,
                person=person,
                outcome=None,
                whose="person",
                name=person.display_name,
                agreed="partly" if index % 5 == 0 else "yes",
                agreed_on=_before(today, rng.randint(1, 30)),
                how=rng.choice(["meeting", "signed"]),
                not_agreed="Not the Monday mornings." if index % 5 == 0 else "",
            )
        if index % 4 == 1:
            identified = _before(today, rng.randint(40, 120))
            fields = {
                "identified_on": identified,
                "identified_by": "Their social worker",
                "why": "Finds meetings hard and wants someone on their side.",
            }
            if index % 8 == 1:
                fields.update(
                    offered_on=identified,
                    answer="accepted",
                    referred_on=identified + datetime.timedelta(days=2),
                    provider_name="Northfield Independent Advocacy",
                    started_on=identified + datetime.timedelta(days=rng.randint(7, 30)),
                )
            services.advocacy_record(actor=worker, person=person, **fields)
        if index % 6 == 2:
            raised = add_working_days(_before(today, 40), 0)
            # Raised by someone in their circle (their mother at 20, a daughter at 80).
            family = person.circle.exclude(relationship__in=NOT_FAMILY).first()
            challenge = services.challenge_raise(
                actor=worker,
                person=person,
                raised_by="family",
                raised_by_name=(
                    f"{family.name} ({family.relationship.lower()})" if family else "A relative"
                ),
                raised_on=raised,
                about="budget",
                details="The budget does not cover the afternoons that matter most.",
                wanted="Cover Thursday afternoons.",
            )
            if index % 12 == 2:
                services.challenge_answer(
                    actor=worker,
                    challenge=challenge,
                    expected_version=challenge.version,
                    outcome="not_upheld",
                    answer="The budget meets the assessed need.",
                    answered_on=_before(today, 36),
                )
                services.challenge_to_investigation(
                    actor=worker,
                    challenge=challenge,
                    expected_version=challenge.version,
                    started_on=_before(today, 30),
                    reason="The family is not satisfied with the frontline answer.",
                )
        if index % 5 == 3 and outcomes:
            services.transition_record(
                actor=worker,
                person=person,
                kind=rng.choice(MOVES[life_stage(person, today)]),
                planned_on=today + datetime.timedelta(days=rng.randint(10, 170)),
                outcomes=outcomes[:1] if index % 10 != 3 else [],
                notes="Keep the things that matter going through the move.",
            )
    return touched
