"""Realistic demo data, built from the same factories the tests use (OPS-1).

Idempotent: a second run finds the demo teams and changes nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

import factory.random
from django.apps import apps
from django.db import models, transaction
from django.db.models import Min
from django.utils import timezone
from faker import Faker

from goldenthread.accounts.factories import (
    DEMO_PASSWORD,
    AdministratorFactory,
    AreaFactory,
    CommissionerFactory,
    PanelMemberFactory,
    PractitionerFactory,
    TeamFactory,
    TeamLeaderFactory,
)
from goldenthread.accounts.models import Team
from goldenthread.conversations.models import MattersItem, MattersKind
from goldenthread.core.domains import framework_for, suggest
from goldenthread.nonprod.demo.accountability import load_accountability_demo
from goldenthread.nonprod.demo.casework import PEOPLE_ORDER
from goldenthread.nonprod.demo.conversations import load_conversations_demo
from goldenthread.nonprod.demo.directory import load_directory_demo
from goldenthread.nonprod.demo.reviews import load_reviews_demo
from goldenthread.nonprod.demo.sds import load_sds_demo
from goldenthread.nonprod.demo.story import (
    STAGE_OF,
    UNPAID_CARERS,
    circle_for,
    demo_person_fields,
    fit,
)
from goldenthread.nonprod.demo.support import load_support_demo
from goldenthread.nonprod.synth.generate import support_reason
from goldenthread.outcomes.models import Outcome
from goldenthread.people.factories import AllocationFactory, CircleMemberFactory, PersonFactory
from goldenthread.people.models import Person
from goldenthread.people.presenters import age_on
from goldenthread.portal.demo import PORTAL_SIGN_INS, load_portal_demo

DEMO_TEAMS = (
    ("Northfield Community Care Team", "Northfield"),
    ("Riverside Adult Support Team", "Riverside"),
)
OTHER_AREAS = ("Kirkton", "Easthaven")

COMMUNICATION_NEEDS = (
    "",
    "",
    "",
    "Uses British Sign Language; book an interpreter for visits.",
    "Easy read letters, please. Needs time to answer questions.",
    "Hard of hearing: face {them} when speaking, no background noise.",
    "Speaks Polish at home; prefers an interpreter for important conversations.",
    "Uses a communication book and Makaton signs.",
)

DEMO_SIGN_INS = (
    ("practitioner", "Practitioner (Northfield)"),
    ("teamleader", "Team leader (Northfield)"),
    ("practitioner2", "Practitioner (Riverside)"),
    ("panel", "Panel member"),
    ("commissioner", "Commissioner"),
    ("admin", "Administrator"),
    *PORTAL_SIGN_INS,
)


def demo_loaded() -> bool:
    return Team.objects.filter(name=DEMO_TEAMS[0][0]).exists()


@transaction.atomic
def load_demo_data(seed: int = 2026) -> bool:
    """Create the demo organisation; return False if it was already there."""
    if demo_loaded():
        return False
    factory.random.reseed_random(seed)
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    chis: set[str] = set()
    today = timezone.localdate()
    for name in OTHER_AREAS:
        AreaFactory(name=name)
    staff_usernames = iter(["practitioner", "practitioner2"])
    for index, (team_name, area_name) in enumerate(DEMO_TEAMS):
        area = AreaFactory(name=area_name)
        team = TeamFactory(name=team_name, area=area)
        TeamLeaderFactory(
            username="teamleader" if index == 0 else f"teamleader{index + 1}",
            team=team,
            password=DEMO_PASSWORD,
        )
        workers = [
            PractitionerFactory(username=next(staff_usernames), team=team, password=DEMO_PASSWORD),
            PractitionerFactory(
                username=f"sw{index + 1}b",
                team=team,
                job_title="Social worker",
                password=DEMO_PASSWORD,
            ),
            PractitionerFactory(
                username=f"ot{index + 1}",
                team=team,
                job_title="Occupational therapist",
                password=DEMO_PASSWORD,
            ),
        ]
        for n in range(20):
            # Who they are fits their story (#16): a name, age and CHI number (which records
            # their sex) from a generator of their own, so the same seed makes the same person.
            own = random.Random(f"person-{seed}-{index}-{n}")
            person: Any = PersonFactory(
                team=team,
                area=area if n % 5 else AreaFactory(name=rng.choice(OTHER_AREAS)),
                communication_needs=rng.choice(COMMUNICATION_NEEDS),
                **demo_person_fields(own, fake, STAGE_OF[n % len(STAGE_OF)], today, chis),
            )
            age = age_on(person.date_of_birth, today)
            # Their main reason for support (#14), from a generator of its own.
            person.support_reason = support_reason(random.Random(f"reason-{seed}-{n}"), age)
            person.communication_needs = fit(person.communication_needs, person)
            person.save(update_fields=["support_reason", "communication_needs"])
            # The circle fits the person's age (#16): a young adult's circle is parents,
            # brothers and sisters and friends, not a daughter or a wife.
            for relationship in circle_for(person, own, today):
                CircleMemberFactory(
                    person=person,
                    relationship=relationship,
                    is_unpaid_carer=relationship in UNPAID_CARERS,
                )
            if n % 10 == 9:
                continue  # nobody allocated yet: shows on the team leader's list
            worker = workers[n % len(workers)] if n % 4 else workers[0]
            AllocationFactory(
                person=person,
                worker=worker,
                start_date=today - datetime.timedelta(days=rng.randint(10, 700)),
            )
            if n % 7 == 0:
                AllocationFactory(
                    person=person,
                    worker=workers[2],
                    description="Occupational therapist",
                    start_date=today - datetime.timedelta(days=400),
                    end_date=today - datetime.timedelta(days=200),
                )
    load_directory_demo(rng)
    load_conversations_demo(rng)
    load_support_demo(rng)
    load_sds_demo(rng)
    load_reviews_demo(rng)
    load_accountability_demo(rng)
    load_portal_demo()
    code_domains_as_suggested(seed)
    date_records_from_their_story(today)
    PanelMemberFactory(username="panel", password=DEMO_PASSWORD)
    CommissionerFactory(username="commissioner", password=DEMO_PASSWORD)
    AdministratorFactory(username="admin", password=DEMO_PASSWORD)
    return True


def date_records_from_their_story(today: datetime.date) -> None:
    """Each demo person's record made on the first day of their story: the earliest date
    recorded about them (an allocation's start, a conversation held, a need identified...),
    not the moment the demo was loaded. The reports count people with a record by the end
    of each period (#14): loaded today, every earlier period read "no one with a record",
    though the demo's conversations and reviews were months old. Someone with nothing
    dated before today (a new referral) keeps today."""
    first: dict[Any, datetime.date] = {}
    for model in apps.get_models():
        person_fields = [
            f
            for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is Person
        ]
        dates = [
            f.name
            for f in model._meta.get_fields()
            if type(f) is models.DateField and f.name != "date_of_birth"
        ]
        for fk in person_fields:
            for name in dates:
                rows = (
                    model._default_manager.filter(**{f"{name}__lt": today})
                    .values_list(fk.attname)
                    .annotate(first=Min(name))
                )
                for person_id, day in rows:
                    if person_id is not None and day < first.get(person_id, today):
                        first[person_id] = day
    at_nine = datetime.time(9, 0)
    for person_id, day in sorted(first.items()):
        made = timezone.make_aware(datetime.datetime.combine(day, at_nine))
        Person.objects.filter(pk=person_id).update(created_at=made)


def code_domains_as_suggested(seed: int) -> None:
    """Most "what matters" items and outcomes coded to a national domain (AGG-4), as a
    practitioner would take the checker's suggestion (its first, for the person's age at
    the conversation); one in five left uncoded, and items nothing suggests a domain for
    stay uncoded. Without this the demo's domain reports read only "Not coded". Its own
    generator: the rest of the demo stays as it was."""
    rng = random.Random(f"domains-{seed}")
    for model, words in ((MattersItem, "text"), (Outcome, "statement")):
        # The same items coded on every load of a seed: not in id order (ids are random).
        order = [f"person__{key}" for key in PEOPLE_ORDER] + ["conversation__held_on", words]
        rows = model._default_manager.select_related("person", "conversation").order_by(*order)
        if model is MattersItem:
            rows = rows.filter(kind=MattersKind.WHAT)
        for item in rows:
            framework = framework_for(item.person.date_of_birth, item.conversation.held_on)
            suggested = suggest(getattr(item, words), framework)
            if suggested and rng.random() >= 0.2:
                model._default_manager.filter(pk=item.pk).update(domain=suggested[0].key)
