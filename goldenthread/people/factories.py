"""Factories for people: used by the tests and by the demo and synthetic data."""

from __future__ import annotations

import datetime
import functools
import random

import factory
import factory.random
from django.utils import timezone
from faker import Faker

from goldenthread.accounts.factories import AreaFactory, PractitionerFactory, TeamFactory

from .chi import check_digit
from .models import Allocation, CircleMember, Person


def make_chi(date_of_birth: datetime.date, rng: random.Random) -> str:
    """A CHI number valid for the date of birth (the check digit is never 10)."""
    while True:
        middle = f"{rng.randrange(0, 1000):03d}"
        first_nine = date_of_birth.strftime("%d%m%y") + middle
        digit = check_digit(first_nine)
        if digit is not None:
            return first_nine + str(digit)


def _nth_chi(date_of_birth: datetime.date, n: int) -> str:
    """The n-th person's CHI number for their date of birth: different for every n (up to
    the ~900 valid numbers a day has), so people given one date of birth never collide,
    whatever order the tests run in (random middles did, now and then)."""
    valid = _valid_chis(date_of_birth)
    return valid[(n * 7919) % len(valid)]


@functools.lru_cache(maxsize=4096)
def _valid_chis(date_of_birth: datetime.date) -> tuple[str, ...]:
    return tuple(
        f"{first_nine}{digit}"
        for middle in range(1000)
        for first_nine in [date_of_birth.strftime("%d%m%y") + f"{middle:03d}"]
        for digit in [check_digit(first_nine)]
        if digit is not None
    )


def _date_of_birth(n: int) -> datetime.date:
    rng = random.Random(n)
    today = datetime.date(2026, 1, 1)
    return today - datetime.timedelta(days=rng.randrange(18 * 365, 95 * 365))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    preferred_name = ""
    date_of_birth = factory.Sequence(_date_of_birth)
    chi_number = factory.LazyAttributeSequence(lambda p, n: _nth_chi(p.date_of_birth, n))
    communication_needs = ""
    team = factory.SubFactory(TeamFactory)
    area = factory.LazyAttribute(lambda p: p.team.area if p.team else AreaFactory())


_FEMALE = {"Daughter", "Wife", "Sister", "Niece", "Mother", "Granddaughter", "Grandmother"}
_MALE = {"Son", "Husband", "Brother", "Father", "Grandson", "Nephew"}


def _circle_name(relationship: str) -> str:
    fake = Faker("en_GB")
    fake.seed_instance(factory.random.randgen.random())
    first = (
        fake.first_name_female()
        if relationship in _FEMALE
        else fake.first_name_male()
        if relationship in _MALE
        else fake.first_name()
    )
    return f"{first} {fake.last_name()}"


class CircleMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CircleMember

    person = factory.SubFactory(PersonFactory)
    relationship = factory.Iterator(
        [
            "Daughter",
            "Son",
            "Wife",
            "Husband",
            "Neighbour",
            "Friend",
            "Brother",
            "Sister",
            "Niece",
            "Friend from church",
        ]
    )
    name = factory.LazyAttribute(lambda m: _circle_name(m.relationship))
    is_unpaid_carer = factory.LazyAttribute(
        lambda m: m.relationship in {"Daughter", "Wife", "Husband", "Son"}
    )
    contact = factory.Faker("phone_number", locale="en_GB")


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    person = factory.SubFactory(PersonFactory)
    worker = factory.SubFactory(PractitionerFactory, team=factory.SelfAttribute("..person.team"))
    description = "Allocated social worker"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    end_date = None
