"""Demo reviews (OPS-1): people with one, two and three reviews, outcomes rated over time
and achieved, outcomes rewritten at a review (the old wording kept), the person's own view
beside the practitioner's (sometimes different, sometimes said by someone for them),
support kept or stopped, and a review in progress. Some threads are left broken, as they
are in real records, so the golden-thread view has something to show: outcomes never
reviewed, support still in place for a rewritten outcome, an outcome past its date.

    load_reviews_demo(rng)   # after the conversations, support and SDS demos

Written through the same services as the pages (audited, checked). Idempotent: if any
review exists it changes nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from goldenthread.nonprod.demo.casework import (
    OUTCOME_ORDER,
    SOLUTION_ORDER,
    people_with_open_outcomes,
)
from goldenthread.nonprod.demo.story import fit
from goldenthread.outcomes import services as outcome_services
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.reviews import services
from goldenthread.reviews.models import (
    OutcomeDecision,
    Rating,
    Review,
    SolutionDecision,
    WhoseWords,
)
from goldenthread.support.models import CURRENT_STATUSES

# Better wordings for the demo's poorly written outcomes (conversations.SCENARIOS), used
# when one is rewritten; text with {placeholders} is filled for the person (story.fit).
REWRITES = {
    "To attend the day centre twice a week": (
        "I will see my friends from the bowling club at least twice a week by the summer",
        "Sees friends about once a month, when {their} daughter can drive",
        "Sees friends at least twice a week",
    ),
    "Service user to engage with employability services": (
        "I will have tried two kinds of work I might like, by the end of term",
        "Has not tried any work yet",
        "Has spent at least a day trying each of two kinds of work",
    ),
    "To access a supported living placement": (
        "I will make my own tea three nights a week, ready for a flat of my own",
        "Cooks tea alone about once a week",
        "Cooks tea alone at least three nights a week",
    ),
    "To improve {their} wellbeing": (
        "I will sleep through at least four nights a week, because I have a regular break",
        "Sleeps through about one night a week",
        "Sleeps through at least four nights a week, as kept in {their} diary",
    ),
    "To be supported to access community resources": (
        "I will meet up with my pals at least twice a week, by the new year",
        "Sees nobody outside the family most weeks",
        "Meets friends at least twice a week",
    ),
    "To be provided with a hoist at the local pool": (
        "I will swim with my friend from the MS group every Friday by the spring",
        "Has not swum with anyone since last spring",
        "Swims with a friend at least three Fridays a month",
    ),
    "{title} {initial} to be provided with 5 hours of home care per week for ADLs": (
        "I will make my own Sunday dinner for my grandchildren again, by Christmas",
        "Has not cooked a full meal since {their} stroke",
        "Cooks Sunday dinner at least twice a month",
    ),
    "Support with digital inclusion to reduce social isolation": (
        "I will know how the family are getting on each week, from a call I make myself",
        "Hears from the family about once a month",
        "Makes a call to the family at least three weeks in four",
    ),
}

EVIDENCE = {
    Rating.NOT_YET: (
        "Not yet. The first weeks went on getting the equipment and the lift sorted.",
        "Nothing has changed yet; the support only started last month.",
    ),
    Rating.PARTLY: (
        "Getting there: {name} has managed it twice this month, both times with family.",
        "Some weeks yes, some weeks no. The good weeks are the ones with a lift arranged.",
    ),
    Rating.ACHIEVED: (
        "Done: every week for the last two months, and {name} plans it now.",
        "Achieved. {name} has kept it up since the spring without any help.",
    ),
}

THEIR_WORDS = {
    Rating.NOT_YET: "It hasn't happened yet, but I'm not giving up.",
    Rating.PARTLY: "I've been a few times. I want to be able to go on my own.",
    Rating.ACHIEVED: "I'm doing it every week now and I love it.",
}

LEARNED = (
    "What works is the lift from family on the days they can, and planning the week ahead. "
    "The community bus did not work: the steps are too high.",
    "Small steps worked better than big changes. Having the week written down helped.",
    "The person's own idea worked best. Paid support mattered less than we expected.",
)


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _open_outcomes(person):
    return list(person.outcomes.filter(status=OutcomeStatus.OPEN).order_by(*OUTCOME_ORDER))


def _hold_review(
    person,
    worker,
    rng: random.Random,
    *,
    held_on: datetime.date,
    number: int,
    of: int,
    finish: bool = True,
) -> Review:
    """One review of every open outcome. Early reviews find less progress; the last of
    three finds the first outcome achieved; the second rewrites a poorly worded one."""
    review = services.review_start(actor=worker, person=person, held_on=held_on)
    rewrites = {fit(poor, person): better for poor, better in REWRITES.items()}
    progress = (Rating.NOT_YET, Rating.PARTLY, Rating.ACHIEVED)
    for index, outcome in enumerate(_open_outcomes(person)):
        step = min(number + (1 if of == 1 and index == 0 else 0), 2)
        rating = progress[step] if index == 0 else progress[min(step, 1)]
        decision, rewrite = OutcomeDecision.KEEP, None
        better = rewrites.get(outcome.statement)
        if better and number >= 1:
            decision = OutcomeDecision.REWRITE
            rating = Rating.NO_LONGER_RELEVANT if number == 1 else Rating.PARTLY
            rewrite = services.Rewrite(
                statement=fit(better[0], person),
                baseline=fit(better[1], person),
                measure=fit(better[2], person),
                target_date=held_on + datetime.timedelta(days=rng.choice([120, 150, 180])),
                assessed_need=outcome.assessed_need,
                # The demo's worker carries nothing across yet, so the golden thread shows
                # support to move ("Move it to another outcome", #16).
                carry=frozenset(),
            )
        elif rating == Rating.ACHIEVED:
            decision = OutcomeDecision.CLOSE
        services.outcome_review_record(
            actor=worker,
            review=review,
            outcome=outcome,
            rating=rating,
            evidence=fit(rng.choice(EVIDENCE.get(rating, EVIDENCE[Rating.PARTLY])), person),
            decision=decision,
            rewrite=rewrite,
            new_measure_value=Decimal(step + index % 2) if outcome.measure else None,
        )
        # The person's own view: usually their own words, sometimes a different rating,
        # sometimes said for them by someone close.
        their_rating = rating if rating != Rating.NO_LONGER_RELEVANT else Rating.NOT_YET
        if index % 2 == 1 and their_rating == Rating.PARTLY:
            their_rating = Rating.NOT_YET  # they see less progress than the worker does
        on_behalf = (index + number) % 4 == 3
        circle = person.circle.first()
        services.person_view_add(
            actor=worker,
            review=review,
            outcome=outcome,
            rating=their_rating,
            in_their_words=THEIR_WORDS[their_rating],
            whose_words=WhoseWords.ON_BEHALF if on_behalf and circle else WhoseWords.PERSON,
            speaker_name=(
                f"{circle.name}, {circle.relationship.lower()}" if on_behalf and circle else ""
            ),
        )
        for solution_index, solution in enumerate(
            outcome.support_solutions.filter(status__in=CURRENT_STATUSES).order_by(*SOLUTION_ORDER)[
                :3
            ]
        ):
            stop = number >= 1 and solution_index == 2 and decision == OutcomeDecision.KEEP
            services.solution_review_record(
                actor=worker,
                review=review,
                solution=solution,
                decision=SolutionDecision.STOP if stop else SolutionDecision.KEEP,
                why="It did not suit: the times clashed with the club." if stop else "",
            )
    if finish:
        review.refresh_from_db()
        services.review_complete(
            actor=worker,
            review=review,
            expected_version=review.version,
            next_review_on=held_on + datetime.timedelta(days=rng.choice([90, 120, 182])),
            what_learned=LEARNED[number % len(LEARNED)],
        )
    return review


@transaction.atomic
def load_reviews_demo(rng: random.Random) -> int:
    """Add reviews for demo people with open outcomes; return how many reviews were held."""
    if Review.objects.exists():
        return 0
    today = timezone.localdate()
    held = 0
    for index, person, worker in people_with_open_outcomes(today):
        first = person.conversations.order_by("held_on").values_list("held_on", flat=True)
        started = first.first()
        if worker is None or started is None:
            continue
        span = (today - started).days
        plan = index % 6  # 0: not reviewed (left to show), 1-3: that many reviews,
        # 4: a review in progress, 5: one outcome past its date with no review since
        if plan == 0:
            if index % 12 == 0:
                # A review date agreed when the plan was made, now passed with no review
                # held: the golden thread shows every outcome as never reviewed.
                services._schedule_write(
                    actor=worker, person=person, next_review_on=_day(rng.randint(3, 30))
                )
            continue
        if plan == 5:
            outcome = _open_outcomes(person)[0]
            outcome_services.outcome_update(
                actor=worker,
                outcome=outcome,
                expected_version=outcome.version,
                statement=outcome.statement,
                baseline=outcome.baseline,
                measure=outcome.measure,
                target_date=_day(rng.randint(7, 40)),
                assessed_need=outcome.assessed_need,
            )
            continue
        # Reviews at least six weeks apart: fewer for people whose plan is recent.
        count = min(plan if plan <= 3 else 1, span // 42)
        if count < 1:
            continue
        gap = span // (count + 1)
        for number in range(count):
            held_on = started + datetime.timedelta(days=gap * (number + 1))
            _hold_review(
                person,
                worker,
                rng,
                held_on=min(held_on, today),
                number=number,
                of=count,
                finish=not (plan == 4),
            )
            held += 1
    return held
