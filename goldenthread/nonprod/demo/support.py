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
    keywords: tuple[str, ...]
    tried_already: str
    own_ideas: str
    directory_words: str
    ideas: dict[str, tuple[Idea, ...]]
    nothing_suitable: dict[str, str]


THEMES = (
    Theme(
        keywords=("club", "bowling", "day centre", "going out", "friends"),
        tried_already="Tried the community bus once, but the step was too high and she "
        "came home upset.",
        own_ideas="Maybe my neighbour could drive me. I could practise walking further.",
        directory_words="bowling club",
        ideas={
            SupportStep.YOURSELF: (
                (
                    "Practise the walk to the end of the street each day, a bit further each week",
                    "Herself",
                    None,
                    "",
                ),
            ),
            SupportStep.TECHNOLOGY: (
                ("Personal alarm she wears when out", "Telecare service", "3.50", "week"),
            ),
            SupportStep.EQUIPMENT: (
                ("Outdoor walking frame with a seat", "Community equipment store", None, ""),
                ("Grab rail by the front step", "Care and Repair", "85.00", "one_off"),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("Lift to the club on Thursdays", "Her daughter, when not on shift", None, ""),
                ("Walks with her to the bus stop on Tuesdays", "Neighbour, Mr Ahmed", None, ""),
            ),
            SupportStep.COMMUNITY: (
                ("Club members to call for her on the way", "Bowling club secretary", None, ""),
            ),
            SupportStep.SERVICES: (
                ("Falls prevention exercise class", "NHS physiotherapy", None, ""),
            ),
            SupportStep.SUPPORT: (
                (
                    "Support worker to go with her for the first four weeks",
                    "Northfield Home Support",
                    "54.00",
                    "week",
                ),
            ),
        },
        nothing_suitable={
            SupportStep.TECHNOLOGY: "She does not want a device in the house.",
        },
    ),
    Theme(
        keywords=("job", "work", "college", "employ"),
        tried_already="Went to one careers session at college but did not know anyone there.",
        own_ideas="I'd like to work with animals, or in a café.",
        directory_words="employment",
        ideas={
            SupportStep.YOURSELF: (
                ("Write a CV with the things he is good at", "Himself, with his tutor", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                ("Travel app with step-by-step bus routes", "Himself", None, ""),
            ),
            SupportStep.EQUIPMENT: (
                ("Noise-cancelling headphones for busy places", "Family", "60.00", "one_off"),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("Practise interviews at home", "His mum and his uncle", None, ""),
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
            SupportStep.EQUIPMENT: "Nothing needed: he manages well with what he has.",
        },
    ),
    Theme(
        keywords=("choir", "evening", "myself", "wellbeing", "break"),
        tried_already="Asked her sister once, but her sister lives two hours away.",
        own_ideas="If Dad had someone he knows, he would be happy for me to go out.",
        directory_words="carers",
        ideas={
            SupportStep.YOURSELF: (
                ("Plan one thing a week just for her, in the diary", "Herself", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                (
                    "Door sensor and video call so she can check on Dad",
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
                ("Carer's support plan review", "Northfield Carers Centre", None, ""),
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
            SupportStep.EQUIPMENT: "Nothing at home would give her the evening off.",
        },
    ),
    Theme(
        keywords=("shop", "food", "cook", "meal", "home care"),
        tried_already="Tried online shopping with her son's help, but she wants to choose "
        "her own fruit.",
        own_ideas="If the bags were lighter I could manage. A trolley, maybe.",
        directory_words="lunch club",
        ideas={
            SupportStep.YOURSELF: (
                ("Write a list and shop little and often", "Herself", None, ""),
            ),
            SupportStep.TECHNOLOGY: (
                ("Shopping list app shared with her son", "Her son sets it up", None, ""),
            ),
            SupportStep.EQUIPMENT: (
                ("Shopping trolley with a seat", "She buys it", "45.00", "one_off"),
            ),
            SupportStep.FAMILY_FRIENDS: (
                ("Meet for a coffee after the shopping on Saturdays", "Her friend Mary", None, ""),
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
            SupportStep.SERVICES: "No shop delivers to her street; she wants to go herself.",
        },
    ),
)

GENERIC = THEMES[0]
STATUSES = (
    SolutionStatus.IDEA,
    SolutionStatus.AGREED,
    SolutionStatus.AGREED,
    SolutionStatus.IN_PLACE,
    SolutionStatus.IN_PLACE,
    SolutionStatus.TRIED_AND_STOPPED,
    SolutionStatus.DECLINED,
)


def _theme_for(statement: str) -> Theme:
    text = statement.lower()
    for theme in THEMES:
        if any(word in text for word in theme.keywords):
            return theme
    return GENERIC


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
    for index, outcome in enumerate(outcomes.order_by("created_at", "id")):
        theme = _theme_for(outcome.statement)
        SupportPlanningFactory(
            outcome=outcome, tried_already=theme.tried_already, own_ideas=theme.own_ideas
        )
        # Most outcomes are well explored; every third stops part way (not yet considered).
        last_step = 7 if index % 3 else rng.randint(3, 5)
        for step in SupportStep.ordered()[:last_step]:
            if step in theme.nothing_suitable and rng.random() < 0.8:
                StepExplorationFactory(
                    outcome=outcome,
                    step=step,
                    state=ExplorationState.NOTHING_SUITABLE,
                    note=theme.nothing_suitable[step],
                )
                continue
            for what, who, cost, period in theme.ideas.get(step, ()):
                resource = None
                if step == SupportStep.COMMUNITY:
                    resource = _resource_for(theme, resources)
                SolutionFactory(
                    outcome=outcome,
                    step=step,
                    what=resource.name if resource else what,
                    who=(
                        resource.organisation.name if resource and resource.organisation_id else who
                    ),
                    cost=Decimal(cost) if cost else None,
                    cost_period=period if cost else "",
                    status=rng.choice(STATUSES),
                    community_resource=resource,
                )
                added += 1
    return added
