"""Demo Support Sequences: realistic solutions across all seven steps for the demo
outcomes, some steps explored with nothing suitable and some not yet considered, so every
state of SS-3 and the plan's costs have something to show.

    load_support_demo(rng)   # after the demo outcomes exist; returns solutions added

Idempotent: an outcome that already has support planning is left alone. Uses the same
factories as the tests. Community solutions link to a directory resource when the demo
directory has a matching one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from goldenthread.nonprod.demo.casework import OUTCOME_ORDER, PEOPLE_ORDER
from goldenthread.nonprod.demo.story import ADULT, OLDER, YOUNG, fit, life_stage
from goldenthread.outcomes.models import Outcome, OutcomeStatus
from goldenthread.support import directory_seam
from goldenthread.support.factories import (
    SolutionFactory,
    StepExplorationFactory,
    SupportPlanningFactory,
)
from goldenthread.support.models import (
    ExplorationState,
    SolutionStatus,
    SupportPlanning,
    SupportStep,
)

# (what, who, cost or None, period)
Idea = tuple[str, str, str | None, str]


@dataclass(frozen=True)
class Theme:
    stages: frozenset[str]  # the life stages whose stories it goes with (story.py)
    keywords: tuple[str, ...]
    tried_already: str
    own_ideas: str
    directory_words: str
    ideas: dict[str, tuple[Idea, ...]]
    nothing_suitable: dict[str, str]


# Text with {placeholders} is filled for the outcome's person (story.fit).
THEMES = (
    Theme(
        stages=frozenset({OLDER}),
        keywords=("bowling", "club", "day centre"),
        tried_already="Tried the community bus once, but the step was too high and {name} "
        "came home upset.",
        own_ideas="Maybe my neighbour could drive me. I could practise walking further.",
        directory_words="bowling club",
        ideas={
            SupportStep.YOURSELF: (
                (
                    "Practise the walk to the end of the street each day, a bit further each week",
                    "{name}",
                    None,
                    "",
                ),
            ),
            SupportStep.TECHNOLOGY: (
                ("Personal alarm to wear when out", "Telecare service", "3.50", "week"),
            ),
            SupportStep.EQUIPMENT: (
                ("Outdoor walking frame with a seat", "Community equipment store", None, ""),
                ("Grab rail by the front step", "Care and Repair", "85.00", "one_off"),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("Lift to the club on Thursdays", "{Their} daughter, when not on shift", None, ""),
                ("Walk to the bus stop together on Tuesdays", "Neighbour, Mr Ahmed", None, ""),
            ),
            SupportStep.COMMUNITY: (
                ("Club members to call in on the way", "Bowling club secretary", None, ""),
            ),
            SupportStep.SERVICES: (
                ("Falls prevention exercise class", "NHS physiotherapy", None, ""),
            ),
            SupportStep.SUPPORT: (
                (
                    "Support worker to go along for the first four weeks",
                    "Northfield Home Support",
                    "54.00",
                    "week",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.TECHNOLOGY: "{name} does not want a device in the house.",
        },
    ),
    Theme(
        stages=frozenset({YOUNG}),
        keywords=("job", "work", "college", "employ"),
        tried_already="Went to one careers session at college but did not know anyone there.",
        own_ideas="I'd like to work with animals, or in a café.",
        directory_words="employment",
        ideas={
            SupportStep.YOURSELF: (
                ("Write a CV with the things {name} is good at", "{name}, with a tutor", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                ("Travel app with step-by-step bus routes", "{name}", None, ""),
            ),
            SupportStep.EQUIPMENT: (
                ("Noise-cancelling headphones for busy places", "Family", "60.00", "one_off"),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("Practise interviews at home", "{Their} mum and uncle", None, ""),
            ),
            SupportStep.COMMUNITY: (
                (
                    "Volunteer Saturday mornings at the animal rescue",
                    "Riverside Animal Rescue",
                    None,
                    "",
                ),
            ),
            SupportStep.SERVICES: (
                ("Supported employment adviser", "Council employability team", None, ""),
                ("Work placement through the college", "College transitions team", None, ""),
            ),
            SupportStep.SUPPORT: (
                (
                    "Job coach for the first month in work",
                    "Inclusive Work Scotland",
                    "180.00",
                    "month",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.EQUIPMENT: "Nothing needed: {name} manages well with what is there.",
        },
    ),
    Theme(
        stages=frozenset({YOUNG}),
        keywords=("tea", "supported living", "flat"),
        tried_already="Helped Mum with the Sunday dinner once, but the kitchen was busy and "
        "{name} got flustered.",
        own_ideas="I could start with things I like, like spaghetti. Maybe a cooking class "
        "with my pals.",
        directory_words="cooking",
        ideas={
            SupportStep.YOURSELF: (
                ("Pick three meals to learn, and cook one each week", "{name}", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                ("Recipe videos with pictures, step by step, on {their} phone", "{name}", None, ""),
            ),
            SupportStep.EQUIPMENT: (
                ("Talking kitchen timer", "Community equipment store", None, ""),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("Shop together for one meal on Saturdays", "{Their} dad", None, ""),
            ),
            SupportStep.COMMUNITY: (
                (
                    "Cooking on a budget course at the community centre",
                    "Riverside Community Learning",
                    None,
                    "",
                ),
            ),
            SupportStep.SERVICES: (
                ("Independent living skills sessions", "College life skills course", None, ""),
            ),
            SupportStep.SUPPORT: (
                (
                    "Support worker for cooking practice, 3 hours a week",
                    "Riverside Supported Living",
                    "64.50",
                    "week",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.EQUIPMENT: "Nothing else needed: the kitchen at home works for {name}.",
        },
    ),
    Theme(
        stages=frozenset({ADULT}),
        keywords=("choir", "evening", "myself", "wellbeing", "break"),
        tried_already="Asked my sister once, but it is two hours each way.",
        own_ideas="If it was somebody Dad knows, I would be happy to go out.",
        directory_words="choir",
        ideas={
            SupportStep.YOURSELF: (
                ("Plan one thing a week just for me, in the diary", "{name}", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                (
                    "Door sensor and video call, to check on Dad from choir",
                    "Telecare service",
                    "4.20",
                    "week",
                ),
            ),
            SupportStep.EQUIPMENT: (),
            SupportStep.FAMILY_FRIENDS: (
                ("Sit with Dad one Tuesday a month", "Neighbours, Jean and Bill", None, ""),
            ),
            SupportStep.COMMUNITY: (
                (
                    "Carers' group at the library, first Monday of the month",
                    "Northfield Carers Centre",
                    None,
                    "",
                ),
            ),
            SupportStep.SERVICES: (
                ("Adult carer support plan review", "Northfield Carers Centre", None, ""),
            ),
            SupportStep.SUPPORT: (
                (
                    "Sitter service on Tuesday evenings, 3 hours",
                    "Crossroads Caring Scotland",
                    "66.00",
                    "week",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.EQUIPMENT: "Nothing at home would give {name} the evening off.",
        },
    ),
    Theme(
        stages=frozenset({ADULT}),
        keywords=("five-a-side", "pals", "community resources"),
        tried_already="Went along to watch once in the spring, but left before the end.",
        own_ideas="If one of the lads picked me up I'd go. I could walk up to the pitches first.",
        directory_words="walking",
        ideas={
            SupportStep.YOURSELF: (
                ("Walk up to the pitches on a Wednesday, even just to watch", "{name}", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                ("Phone reminders for Wednesdays and appointments", "{name}", None, ""),
            ),
            SupportStep.EQUIPMENT: (),
            SupportStep.FAMILY_FRIENDS: (
                ("A lift to the pitches with an old teammate", "Davie from the team", None, ""),
            ),
            SupportStep.COMMUNITY: (
                ("Health walks on Wednesday mornings", "Paths for All", None, ""),
            ),
            SupportStep.SERVICES: (
                ("Talking therapy through the GP", "Primary care mental health team", None, ""),
            ),
            SupportStep.SUPPORT: (
                (
                    "Peer support worker, two hours a week for eight weeks",
                    "Riverside Mental Health Association",
                    "42.00",
                    "week",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.EQUIPMENT: "Nothing needed: {name} has kit and boots already.",
        },
    ),
    Theme(
        stages=frozenset({ADULT}),
        keywords=("swim", "pool"),
        tried_already="Tried the leisure centre's pool steps with a friend, and could not "
        "get out again without two staff helping.",
        own_ideas="A pool with a hoist, and a changing room I can get round in the chair.",
        directory_words="swimming",
        ideas={
            SupportStep.YOURSELF: (
                (
                    "Daily stretches from the MS nurse, to keep {their} legs moving",
                    "{name}",
                    None,
                    "",
                ),
            ),
            SupportStep.TECHNOLOGY: (
                ("App to book the accessible changing room", "{name}", None, ""),
            ),
            SupportStep.EQUIPMENT: (
                ("Waterproof wheelchair for poolside", "Community equipment store", None, ""),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("Swim together on Friday evenings", "{Their} partner, on days off", None, ""),
            ),
            SupportStep.COMMUNITY: (
                (
                    "Swimming for health sessions with a pool hoist",
                    "Easthaven Leisure Trust",
                    None,
                    "",
                ),
            ),
            SupportStep.SERVICES: (
                ("Aquatic physiotherapy, six sessions", "NHS physiotherapy", None, ""),
            ),
            SupportStep.SUPPORT: (
                (
                    "Personal assistant for the pool, 2 hours a week",
                    "{name}'s own PA",
                    "43.00",
                    "week",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.TECHNOLOGY: "Nothing needed: booking by phone suits {name}.",
        },
    ),
    Theme(
        stages=frozenset({OLDER}),
        keywords=("shop", "food", "cook", "meal", "dinner", "home care"),
        tried_already="Tried online shopping with {their} son's help, but {name} wants to "
        "choose the fruit.",
        own_ideas="If the bags were lighter I could manage. A trolley, maybe.",
        directory_words="lunch club",
        ideas={
            SupportStep.YOURSELF: (("Write a list and shop little and often", "{name}", None, ""),),
            SupportStep.TECHNOLOGY: (
                ("Shopping list app shared with {their} son", "{Their} son sets it up", None, ""),
            ),
            SupportStep.EQUIPMENT: (
                ("Shopping trolley with a seat", "{name} buys it", "45.00", "one_off"),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("A coffee after the shopping on Saturdays", "{Their} friend Mary", None, ""),
            ),
            SupportStep.COMMUNITY: (
                (
                    "Shopmobility scooter at the shopping centre",
                    "Northfield Shopmobility",
                    None,
                    "",
                ),
            ),
            SupportStep.SERVICES: (),
            SupportStep.SUPPORT: (
                (
                    "Support to shop for the first six weeks, 2 hours a week",
                    "Northfield Home Support",
                    "36.00",
                    "week",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.SERVICES: "No shop delivers to the street; {name} wants to go in person.",
        },
    ),
    Theme(
        stages=frozenset({OLDER}),
        keywords=("video call", "digital", "call"),
        tried_already="{Their} son posted a tablet up at Christmas, but it is still in the box.",
        own_ideas="If somebody showed me slowly, and wrote it down, I could manage.",
        directory_words="digital skills",
        ideas={
            SupportStep.YOURSELF: (
                ("Practise with the written steps, ten minutes a day", "{name}", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                ("Tablet set up with one big button for the family", "{Their} son", None, ""),
            ),
            SupportStep.EQUIPMENT: (
                ("Tablet stand and a louder speaker", "{name} buys them", "35.00", "one_off"),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("A Sunday call at four o'clock, every week", "The grandchildren", None, ""),
            ),
            SupportStep.COMMUNITY: (
                ("Help with tablets and video calls", "Riverside Library", None, ""),
            ),
            SupportStep.SERVICES: (),
            SupportStep.SUPPORT: (
                (
                    "Befriender to help with the calls for the first month",
                    "Volunteer Centre North",
                    None,
                    "",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.SERVICES: "No service needed: the library and the family can help.",
        },
    ),
)

STATUSES = (
    SolutionStatus.IDEA,
    SolutionStatus.AGREED,
    SolutionStatus.AGREED,
    SolutionStatus.IN_PLACE,
    SolutionStatus.IN_PLACE,
    SolutionStatus.TRIED_AND_STOPPED,
    SolutionStatus.DECLINED,
)


def _theme_for(outcome: Outcome) -> Theme:
    """The ideas for an outcome: a theme of the person's life stage whose words it uses, or
    any theme's, or the first of their stage's (#16: never a bowling club at 19)."""
    text = outcome.statement.lower()
    stage = life_stage(outcome.person)
    told = [t for t in THEMES if stage in t.stages]
    for theme in (*told, *THEMES):
        if any(word in text for word in theme.keywords):
            return theme
    return told[0]


def _resource_for(theme: Theme, cache: dict):
    if theme.directory_words not in cache:
        found = directory_seam.search(theme.directory_words, limit=3)
        cache[theme.directory_words] = found[0] if found else None
    return cache[theme.directory_words]


def load_support_demo(rng: random.Random) -> int:
    """Plan support for open demo outcomes that have none yet; return solutions added."""
    planned = set(SupportPlanning.objects.values_list("outcome_id", flat=True))
    outcomes = Outcome.objects.filter(status=OutcomeStatus.OPEN).exclude(pk__in=planned)
    resources: dict = {}
    added = 0
    order = [f"person__{key}" for key in PEOPLE_ORDER] + list(OUTCOME_ORDER)
    for index, outcome in enumerate(outcomes.select_related("person").order_by(*order)):
        theme = _theme_for(outcome)
        person = outcome.person
        SupportPlanningFactory(
            outcome=outcome,
            tried_already=fit(theme.tried_already, person),
            own_ideas=fit(theme.own_ideas, person),
        )
        # Most outcomes are well explored; every third stops part way (not yet considered).
        last_step = 7 if index % 3 else rng.randint(3, 5)
        for step in SupportStep.ordered()[:last_step]:
            if step in theme.nothing_suitable and rng.random() < 0.8:
                StepExplorationFactory(
                    outcome=outcome,
                    step=step,
                    state=ExplorationState.NOTHING_SUITABLE,
                    note=fit(theme.nothing_suitable[step], person),
                )
                continue
            for what, who, cost, period in theme.ideas.get(step, ()):
                resource = None
                if step == SupportStep.COMMUNITY:
                    resource = _resource_for(theme, resources)
                SolutionFactory(
                    outcome=outcome,
                    step=step,
                    what=resource.name if resource else fit(what, person),
                    who=(
                        resource.organisation.name
                        if resource and resource.organisation_id
                        else fit(who, person)
                    ),
                    cost=Decimal(cost) if cost else None,
                    cost_period=period if cost else "",
                    status=rng.choice(STATUSES),
                    community_resource=resource,
                )
                added += 1
    return added
