"""Demo conversations and outcomes: realistic Outcome Sequences for most demo people, some
outcomes well written and some with the typical faults, so the checker has something to
show. Written through the same services as the pages (audited, checked)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from goldenthread.conversations import services
from goldenthread.conversations.models import Conversation, ReflectionQuestion
from goldenthread.outcomes import services as outcome_services
from goldenthread.people.models import Person


@dataclass
class Scenario:
    place: str
    narrative: str
    what_matters: list[str]
    where_matters: list[str]
    aspirations: list[str]
    working: list[tuple[str, str]]  # (perspective, text)
    not_working: list[tuple[str, str]]
    strengths: list[tuple[str, str]]  # (kind, text)
    change: str
    outcomes: list[tuple[str, str, str, int | None]] = field(default_factory=list)
    # (statement, baseline, measure, days until due or None)


SCENARIOS = [
    Scenario(
        place="At home",
        narrative="I've lived in this street for forty years. Since my fall I don't go out, "
        "and I miss the bowling club something terrible. My daughter does my shopping but "
        "she works full time.",
        what_matters=["Seeing my friends at the bowling club", "Staying in my own home"],
        where_matters=["The bowling club on Thursdays", "My garden"],
        aspirations=["To play in the club's summer pairs again"],
        working=[
            ("person", "I manage my own meals and my medicines"),
            ("family", "Mum phones me every evening"),
        ],
        not_working=[
            ("person", "I can't get to the club since my fall; the bus steps are too high"),
            ("family", "Mum is lonely and low on weekdays"),
        ],
        strengths=[
            ("strength", "Determined, good sense of humour"),
            ("community", "Friends at the bowling club ask after her"),
        ],
        change="Getting back to the bowling club",
        outcomes=[
            (
                "I will be back at my bowling club on Thursday afternoons by the end of May",
                "Has not been to the club since her fall in January",
                "Goes to the club at least three Thursdays a month",
                150,
            ),
            ("To attend the day centre twice a week", "", "", None),
        ],
    ),
    Scenario(
        place="Video call, with his mum",
        narrative="I want a job. I like computers and I'm good at fixing things. College "
        "finishes next year and I don't know what happens after.",
        what_matters=["Having my own money", "Gaming with my friends online"],
        where_matters=["The computer club at the library"],
        aspirations=["To work in a computer repair shop"],
        working=[("person", "I go to college three days a week on the bus by myself")],
        not_working=[
            ("person", "I don't know how to apply for jobs"),
            ("family", "He gets anxious meeting new people"),
        ],
        strengths=[
            ("strength", "Good at fixing phones and laptops"),
            ("asset", "Has a bus pass and travels independently"),
        ],
        change="Starting paid work after college",
        outcomes=[
            (
                "I will have a paid job, at least 10 hours a week, by the time I leave college "
                "next June",
                "No work experience yet; has never applied for a job",
                "Has a job offer and works at least 10 hours a week",
                240,
            ),
            ("Service user to engage with employability services", "", "", 180),
        ],
    ),
    Scenario(
        place="At the GP surgery",
        narrative="Looking after Dad is a full-time job. I love him but I haven't had a "
        "night out in a year. I used to sing in a choir.",
        what_matters=["Dad being safe and settled", "Some time for myself"],
        where_matters=["The choir at St Andrew's church"],
        aspirations=["To sing in the Christmas concert"],
        working=[
            ("family", "Dad is calm in the mornings and enjoys his paper"),
            ("worker", "The district nurse visits weekly"),
        ],
        not_working=[
            ("family", "I never get a break; I am exhausted"),
            ("person", "I don't like strangers in the house"),
        ],
        strengths=[
            ("strength", "Organised and caring"),
            ("community", "Neighbours offer to sit with Dad sometimes"),
        ],
        change="A regular break from caring",
        outcomes=[
            (
                "I will have one evening a week to myself, to go to choir practice, starting "
                "within 8 weeks",
                "No evening off in the last 12 months",
                "Goes to choir at least three Tuesdays a month",
                56,
            ),
            ("To improve her wellbeing", "", "", None),
        ],
    ),
    Scenario(
        place="At home, with an interpreter",
        narrative="Chcę sama robić zakupy. I want to do my own shopping and cook Polish food "
        "for my grandchildren on Sundays.",
        what_matters=["Cooking for my grandchildren", "Speaking Polish with friends"],
        where_matters=["The Polish shop on Main Street"],
        aspirations=[],
        working=[("person", "My grandson visits on Sundays")],
        not_working=[
            ("person", "I can't carry the shopping home since my stroke"),
            ("worker", "Right-hand grip is weak"),
        ],
        strengths=[("strength", "Excellent cook"), ("asset", "Lives near the shops")],
        change="Doing her own shopping again",
        outcomes=[
            (
                "I will do my own food shopping once a week, on my own, by September",
                "At the moment her son does all the shopping",
                "Shops on her own each week",
                120,
            ),
            ("Mrs K to be provided with 5 hours of home care per week for ADLs", "", "", 30),
        ],
    ),
]


def _record(
    person: Person, worker, scenario: Scenario, rng: random.Random, complete: bool
) -> Conversation:
    today = timezone.localdate()
    conversation = services.conversation_create(
        actor=worker,
        person=person,
        held_on=today - datetime.timedelta(days=rng.randint(5, 200)),
        place=scenario.place,
        narrative=scenario.narrative,
    )
    add = services.step_item_add
    for text in scenario.what_matters:
        add(actor=worker, conversation=conversation, item_type="matters", text=text)
    for text in scenario.where_matters:
        add(actor=worker, conversation=conversation, item_type="matters", text=text, kind="where")
    circle = list(person.circle.all())
    for member in circle[:2]:
        add(
            actor=worker,
            conversation=conversation,
            item_type="who",
            circle_member=member,
            text="Someone they see and talk to often",
        )
    aspirations = [
        add(actor=worker, conversation=conversation, item_type="aspiration", text=t)
        for t in scenario.aspirations
    ]
    for perspective, text in scenario.working:
        add(
            actor=worker,
            conversation=conversation,
            item_type="working",
            text=text,
            is_working=True,
            perspective=perspective,
        )
    not_working = [
        add(
            actor=worker,
            conversation=conversation,
            item_type="working",
            text=text,
            is_working=False,
            perspective=perspective,
        )
        for perspective, text in scenario.not_working
    ]
    for kind, text in scenario.strengths:
        add(actor=worker, conversation=conversation, item_type="strength", text=text, kind=kind)
    change = services.positive_change_add(
        actor=worker,
        conversation=conversation,
        text=scenario.change,
        from_not_working=not_working[:1],
        from_aspirations=aspirations[:1],
    )
    outcomes = scenario.outcomes if complete else scenario.outcomes[:1]
    for statement, baseline, measure, days in outcomes:
        outcome_services.outcome_create(
            actor=worker,
            positive_change=change,
            statement=statement,
            baseline=baseline,
            measure=measure,
            target_date=today + datetime.timedelta(days=days) if days else None,
        )
    if complete:
        services.reflection_record(
            actor=worker,
            conversation=conversation,
            answers={
                q.value: ("yes" if rng.random() > 0.3 else "partly", "") for q in ReflectionQuestion
            },
            expected_versions={},
        )  # the first answers: nothing seen before
    return conversation


def load_conversations_demo(rng: random.Random) -> int:
    """Add a conversation with outcomes for about four in five allocated demo people."""
    count = 0
    people = Person.objects.prefetch_related("allocations__worker").order_by(
        "family_name", "given_name"
    )
    for index, person in enumerate(people):
        allocations = [a for a in person.allocations.all() if a.is_active()]
        if not allocations or index % 5 == 4:
            continue
        scenario = SCENARIOS[index % len(SCENARIOS)]
        _record(person, allocations[0].worker, scenario, rng, complete=index % 3 != 2)
        count += 1
    return count
