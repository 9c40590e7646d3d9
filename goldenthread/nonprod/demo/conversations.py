"""Demo conversations and outcomes: realistic Outcome Sequences for most demo people, some
outcomes well written and some with the typical faults, so the checker has something to
show. Written through the same services as the pages (audited, checked)."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from goldenthread.conversations import services
from goldenthread.conversations.models import Conversation, ReflectionQuestion
from goldenthread.nonprod.demo.casework import PEOPLE_ORDER
from goldenthread.nonprod.demo.story import ADULT, OLDER, YOUNG, fit, life_stage
from goldenthread.outcomes import services as outcome_services
from goldenthread.people.models import Person, SupportReason


@dataclass
class Scenario:
    stage: str  # the life stage whose people it is told about (story.py)
    suits: frozenset[str]  # main reasons for support it fits best (any, if none fits)
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
    # (statement, baseline, measure, days until due or None). The first is well written
    # and begins "I will"; the second, where there is one, is one of the typical faults
    # the checker shows (a service's words, a solution, too vague to measure), and begins
    # otherwise: the loaders read a person's outcomes in that order (casework.OUTCOME_ORDER).


_R = SupportReason
# Text with {placeholders} is filled for the person (story.fit).
SCENARIOS = [
    # --- Young people (16 to 25): college, first jobs, learning to live on their own ---------
    Scenario(
        stage=YOUNG,
        suits=frozenset({_R.LEARNING_DISABILITY, _R.AUTISM, _R.MENTAL_HEALTH}),
        place="Video call, with {their} mum",
        narrative="I want a job. I like computers and I'm good at fixing things. College "
        "finishes next year and I don't know what happens after.",
        what_matters=["Having my own money", "Gaming with my friends online"],
        where_matters=["The computer club at the library"],
        aspirations=["To work in a computer repair shop"],
        working=[("person", "I go to college three days a week on the bus by myself")],
        not_working=[
            ("person", "I don't know how to apply for jobs"),
            ("family", "{name} gets anxious meeting new people"),
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
        stage=YOUNG,
        suits=frozenset({_R.LEARNING_DISABILITY, _R.PHYSICAL_AND_SENSORY, _R.NEUROLOGICAL}),
        place="At college, in the student support room",
        narrative="My big sister has got a flat and I want one too, one day. Mum and Dad "
        "still do my washing and make my tea. I want to learn to do it myself first.",
        what_matters=["Doing things for myself", "My friends from the drama group"],
        where_matters=["The drama group at the community centre on Wednesdays"],
        aspirations=["To share a flat with a friend"],
        working=[
            ("person", "I can make toast and pasta on my own"),
            ("family", "{name} remembers a routine once it is set"),
        ],
        not_working=[
            ("person", "I get muddled with the money at the shops"),
            ("family", "We worry about {them} using the cooker alone"),
        ],
        strengths=[
            ("strength", "Keen to learn and sticks at things"),
            ("community", "Friends at the drama group look out for {them}"),
        ],
        change="Learning to cook and shop for myself",
        outcomes=[
            (
                "I will cook my own tea at home twice a week, with nobody helping, by the "
                "summer holidays",
                "Makes toast and pasta; Mum cooks everything else",
                "Cooks {their} own tea at least twice a week",
                200,
            ),
            ("To access a supported living placement", "", "", None),
        ],
    ),
    # --- Adults of working age: work, caring, health, a life of their own ------------------
    Scenario(
        stage=ADULT,
        suits=frozenset({_R.CARER}),
        place="At the GP surgery",
        narrative="Looking after Dad is a full-time job. I love my dad to bits, but I haven't "
        "had a night out in a year. I used to sing in a choir.",
        what_matters=["Dad being safe and settled", "Some time for myself"],
        where_matters=["The choir at St Andrew's church"],
        aspirations=["To sing in the Christmas concert"],
        working=[
            ("family", "Dad is calm in the mornings and enjoys the paper"),
            ("worker", "The district nurse visits Dad weekly"),
        ],
        not_working=[
            ("person", "I never get a break; I am exhausted"),
            ("family", "Dad does not like strangers in the house"),
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
            ("To improve {their} wellbeing", "", "", None),
        ],
    ),
    Scenario(
        stage=ADULT,
        suits=frozenset({_R.MENTAL_HEALTH, _R.DRUGS, _R.ALCOHOL, _R.OTHER}),
        place="Walking in Riverside Park, as {name} asked",
        narrative="Since the warehouse closed I hardly leave the flat. I used to play "
        "five-a-side every Wednesday and I miss the banter. Some days I don't get dressed.",
        what_matters=["Feeling useful again", "Seeing my pals"],
        where_matters=["The five-a-side pitches at the sports centre", "Riverside Park"],
        aspirations=["To get back into work, maybe driving"],
        working=[
            ("person", "I walk the dog every morning, whatever the weather"),
            ("person", "My sister rings most days and that helps"),
        ],
        not_working=[
            ("person", "I don't see anyone from one week to the next"),
            ("worker", "Sleeping badly; has missed three appointments since March"),
        ],
        strengths=[
            ("strength", "Loyal to {their} friends and good company"),
            ("asset", "Holds a full driving licence"),
        ],
        change="Getting back to five-a-side and seeing my pals",
        outcomes=[
            (
                "I will be back playing five-a-side on Wednesday nights, at least twice a "
                "month, by October",
                "Has not played or seen the team since last year",
                "Plays five-a-side at least twice a month",
                150,
            ),
            ("To be supported to access community resources", "", "", 90),
        ],
    ),
    Scenario(
        stage=ADULT,
        suits=frozenset({_R.PHYSICAL_AND_SENSORY, _R.NEUROLOGICAL}),
        place="At home",
        narrative="Since the MS got worse I can't manage the steps into the pool. Swimming "
        "was the one thing that helped my legs, and my head. My partner works shifts, so I'm "
        "on my own most days.",
        what_matters=["Swimming again", "Doing my own baking"],
        where_matters=["Easthaven swimming pool", "My kitchen"],
        aspirations=["To swim a length on my own again"],
        working=[
            ("person", "I do my own baking, sitting down"),
            ("worker", "Good upper-body strength; transfers with a board"),
        ],
        not_working=[
            ("person", "I can't get in or out of the pool any more"),
            ("person", "I'm stuck in the house most days and it gets me down"),
        ],
        strengths=[
            ("strength", "Practical and good at solving problems"),
            ("asset", "Has an adapted car and drives"),
        ],
        change="Getting back in the pool",
        outcomes=[
            (
                "I will be swimming at least once a week again by the autumn",
                "Has not been swimming since last spring",
                "Swims at least once a week",
                120,
            ),
            ("To be provided with a hoist at the local pool", "", "", 60),
        ],
    ),
    # --- Older people: staying at home, health, keeping in touch --------------------------
    Scenario(
        stage=OLDER,
        suits=frozenset({_R.FRAILTY, _R.PHYSICAL_AND_SENSORY, _R.PALLIATIVE_CARE}),
        place="At home",
        narrative="I've lived in this street for forty years. Since my fall I don't go out, "
        "and I miss the bowling club something terrible. My daughter does my shopping on "
        "top of a full-time job.",
        what_matters=["Seeing my friends at the bowling club", "Staying in my own home"],
        where_matters=["The bowling club on Thursdays", "My garden"],
        aspirations=["To play in the club's summer pairs again"],
        working=[
            ("person", "I manage my own meals and my medicines"),
            ("family", "I ring {parent} every evening"),
        ],
        not_working=[
            ("person", "I can't get to the club since my fall; the bus steps are too high"),
            ("family", "{parent} is lonely and low on weekdays"),
        ],
        strengths=[
            ("strength", "Determined, good sense of humour"),
            ("community", "Friends at the bowling club ask after {them}"),
        ],
        change="Getting back to the bowling club",
        outcomes=[
            (
                "I will be back at my bowling club on Thursday afternoons by the end of May",
                "Has not been to the club since {their} fall in January",
                "Goes to the club at least three Thursdays a month",
                150,
            ),
            ("To attend the day centre twice a week", "", "", None),
        ],
    ),
    Scenario(
        stage=OLDER,
        suits=frozenset({_R.NEUROLOGICAL, _R.PHYSICAL_AND_SENSORY}),
        place="At home, with {their} son",
        narrative="I've always done my own shopping, and a Sunday dinner for the "
        "grandchildren. Since the stroke my son does it all, and I feel useless.",
        what_matters=["Cooking for my grandchildren", "Choosing my own food"],
        where_matters=["The butcher's and the baker's on Main Street"],
        aspirations=[],
        working=[("person", "My grandson visits on Sundays")],
        not_working=[
            ("person", "I can't carry the shopping home since my stroke"),
            ("worker", "Right-hand grip is weak"),
        ],
        strengths=[("strength", "Excellent cook"), ("asset", "Lives near the shops")],
        change="Doing my own shopping again",
        outcomes=[
            (
                "I will do my own food shopping once a week, on my own, by September",
                "At the moment {their} son does all the shopping",
                "Shops on {their} own each week",
                120,
            ),
            (
                "{title} {initial} to be provided with 5 hours of home care per week for ADLs",
                "",
                "",
                30,
            ),
        ],
    ),
    Scenario(
        stage=OLDER,
        suits=frozenset({_R.FRAILTY, _R.DEMENTIA, _R.MENTAL_HEALTH, _R.CARER}),
        place="At home, with {their} neighbour",
        narrative="Since I retired and the family moved down south, the days are long. I'd "
        "love to see the grandchildren more than at Christmas, but I've never used a "
        "computer in my life.",
        what_matters=["Seeing my grandchildren grow up", "My church on a Sunday"],
        where_matters=["St Andrew's church", "The café at the garden centre"],
        aspirations=["To video call the family every week on my own"],
        working=[
            ("person", "I still get to church most Sundays, with a lift"),
            ("family", "{name} writes to every one of the grandchildren on their birthday"),
        ],
        not_working=[
            ("person", "I only see the family at Christmas and I miss them"),
            ("person", "I've no idea how to work a tablet"),
        ],
        strengths=[
            ("strength", "Curious and willing to have a go"),
            ("community", "The minister visits once a month"),
        ],
        change="Keeping in touch with my family between visits",
        outcomes=[
            (
                "I will video call my grandchildren every Sunday, on my own, by the end of the "
                "summer",
                "Speaks to the family by phone about once a month; has never made a video call",
                "Makes a video call to the family at least three Sundays a month",
                90,
            ),
            ("Support with digital inclusion to reduce social isolation", "", "", None),
        ],
    ),
]


def scenario_for(person: Person, stage: str, used: Counter) -> Scenario:
    """The person's story: one told about their life stage, fitting their main reason for
    support where one does, the one told least so far (so each is told); `used` counts."""
    told = [s for s in SCENARIOS if s.stage == stage]
    fitting = [s for s in told if person.support_reason in s.suits] or told
    scenario = min(fitting, key=lambda s: used[id(s)])
    used[id(scenario)] += 1
    return scenario


def _record(
    person: Person, worker, scenario: Scenario, rng: random.Random, complete: bool
) -> Conversation:
    today = timezone.localdate()
    conversation = services.conversation_create(
        actor=worker,
        person=person,
        held_on=today - datetime.timedelta(days=rng.randint(5, 200)),
        place=fit(scenario.place, person),
        narrative=fit(scenario.narrative, person),
    )
    add = services.step_item_add
    for text in scenario.what_matters:
        add(actor=worker, conversation=conversation, item_type="matters", text=fit(text, person))
    for text in scenario.where_matters:
        add(
            actor=worker,
            conversation=conversation,
            item_type="matters",
            text=fit(text, person),
            kind="where",
        )
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
        add(actor=worker, conversation=conversation, item_type="aspiration", text=fit(t, person))
        for t in scenario.aspirations
    ]
    for perspective, text in scenario.working:
        add(
            actor=worker,
            conversation=conversation,
            item_type="working",
            text=fit(text, person),
            is_working=True,
            perspective=perspective,
        )
    not_working = [
        add(
            actor=worker,
            conversation=conversation,
            item_type="working",
            text=fit(text, person),
            is_working=False,
            perspective=perspective,
        )
        for perspective, text in scenario.not_working
    ]
    for kind, text in scenario.strengths:
        add(
            actor=worker,
            conversation=conversation,
            item_type="strength",
            text=fit(text, person),
            kind=kind,
        )
    change = services.positive_change_add(
        actor=worker,
        conversation=conversation,
        text=fit(scenario.change, person),
        from_not_working=not_working[:1],
        from_aspirations=aspirations[:1],
    )
    outcomes = scenario.outcomes if complete else scenario.outcomes[:1]
    for statement, baseline, measure, days in outcomes:
        outcome_services.outcome_create(
            actor=worker,
            positive_change=change,
            statement=fit(statement, person),
            baseline=fit(baseline, person),
            measure=fit(measure, person),
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
    """Add a conversation with outcomes for about four in five allocated demo people, each
    a story told about people of their life stage (#16)."""
    count = 0
    today = timezone.localdate()
    used: Counter = Counter()
    people = Person.objects.prefetch_related("allocations__worker").order_by(*PEOPLE_ORDER)
    for index, person in enumerate(people):
        allocations = [a for a in person.allocations.all() if a.is_active()]
        if not allocations or index % 5 == 4:
            continue
        scenario = scenario_for(person, life_stage(person, today), used)
        _record(person, allocations[0].worker, scenario, rng, complete=index % 3 != 2)
        count += 1
    return count
