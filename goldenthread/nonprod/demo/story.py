"""Who each demo person is, and words that fit them (#16).

Every demo person has a life stage at the demo's date (a young person, an adult of working
age, an older person), and the demo's text for them comes from that stage's pool: no college
for someone of 90, no grandchildren at 19. Their sex is recorded in their CHI number (the
ninth digit), their first name fits it, and the text's words for them (she, his, Mrs, Mum)
follow it; where none is recorded the words are neutral (they, their, Mx, their name).

Pool text holds placeholders filled by `fit(text, person)`: {name} (what they are called),
{they} {them} {their} {themself} (and {They} {Their} to start a sentence), {title}
({Mrs}/{Mr}/{Mx}), {initial} (of the family name) and {parent} (what their children call
them: Mum, Dad, or their name). Pool text uses he/she/his/her only through these, and only
about the person: others are named by their role ("Dad", "my sister"). {they} starts no
verb in the present tense ("they go" and "she goes" differ); the name does.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from faker import Faker

from goldenthread.people.chi import sex_from_chi
from goldenthread.people.factories import make_chi
from goldenthread.people.presenters import age_on

YOUNG, ADULT, OLDER = "young", "adult", "older"
# Ages the demo gives each life stage at its date. Its teams are adult teams: even 200 days
# before the demo's date (its earliest conversation) a young person is 18.
AGES = {YOUNG: (19, 25), ADULT: (26, 64), OLDER: (65, 95)}
# The life stage of a team's n-th person (n % 10): half are older people, as in adult social
# care, three in ten adults of working age, two in ten young people.
STAGE_OF = (OLDER, ADULT, YOUNG, OLDER, ADULT, OLDER, YOUNG, ADULT, OLDER, OLDER)

_WORDS = {
    "female": {
        "they": "she",
        "them": "her",
        "their": "her",
        "themself": "herself",
        "title": "Mrs",
        "parent": "Mum",
    },
    "male": {
        "they": "he",
        "them": "him",
        "their": "his",
        "themself": "himself",
        "title": "Mr",
        "parent": "Dad",
    },
    "": {
        "they": "they",
        "them": "them",
        "their": "their",
        "themself": "themself",
        "title": "Mx",
        "parent": "",
    },
}

PARTNER = "partner"  # in a circle pool: the person's wife, husband or partner (one at most)
# Who is in a person's circle, by life stage: a young person's family is parents, brothers,
# sisters, a grandmother; an older person's, a husband or wife, children and grandchildren.
CIRCLES = {
    YOUNG: ("Mother", "Father", "Sister", "Brother", "Grandmother", "Friend"),
    ADULT: (PARTNER, "Mother", "Sister", "Brother", "Friend", "Neighbour"),
    OLDER: (
        PARTNER,
        "Daughter",
        "Son",
        "Niece",
        "Granddaughter",
        "Neighbour",
        "Friend from church",
    ),
}
# Adults with children old enough to be in their circle.
PARENTS_FROM = 40
UNPAID_CARERS = frozenset({"Mother", "Father", "Wife", "Husband", "Partner", "Daughter"})


def life_stage(person: Any, day: datetime.date | None = None) -> str:
    """The person's life stage on `day` (today if not given)."""
    age = age_on(person.date_of_birth, day)
    return YOUNG if age < AGES[ADULT][0] else ADULT if age < AGES[OLDER][0] else OLDER


def words_for(person: Any) -> dict[str, str]:
    """The words `fit` puts in the person's text: their name and the words for them that
    their recorded sex gives (neutral where none is recorded)."""
    name = person.preferred_name or person.given_name
    words = dict(_WORDS[sex_from_chi(person.chi_number)])
    words["parent"] = words["parent"] or name
    words.update(
        name=name,
        initial=person.family_name[:1],
        They=words["they"].capitalize(),
        Their=words["their"].capitalize(),
    )
    return words


def fit(text: str, person: Any) -> str:
    """The pool's text for this person (their name and the words for them filled in)."""
    return text.format_map(words_for(person))


def demo_person_fields(
    rng: random.Random, fake: Faker, stage: str, today: datetime.date, taken: set[str]
) -> dict[str, Any]:
    """A demo person of `stage`: a first name of their sex, a date of birth of their stage's
    ages at `today`, and a CHI number recording both (not one in `taken`; it is then
    taken)."""
    female = rng.random() < 0.55
    least, most = AGES[stage]
    age = rng.randint(least, most)
    # Mid-way through their year of age, give or take four months: `age` years old today.
    born = today - datetime.timedelta(days=int((age + 0.5) * 365.25) + rng.randint(-120, 120))
    while True:
        chi = make_chi(born, rng)
        if int(chi[8]) % 2 == (0 if female else 1) and chi not in taken:
            break
    taken.add(chi)
    return {
        "given_name": fake.first_name_female() if female else fake.first_name_male(),
        "family_name": fake.last_name(),
        "date_of_birth": born,
        "chi_number": chi,
    }


def circle_for(person: Any, rng: random.Random, today: datetime.date) -> list[str]:
    """One to four relationships for the person's circle, fitting their age: at most one
    wife, husband or partner (a "partner" under 35, and where no sex is recorded)."""
    age = age_on(person.date_of_birth, today)
    pool = list(CIRCLES[life_stage(person, today)])
    if AGES[ADULT][0] <= age < AGES[OLDER][0] and age >= PARENTS_FROM:
        pool += ["Daughter", "Son"]
    chosen = sorted(rng.sample(pool, rng.randint(1, 4)), key=pool.index)
    sex = sex_from_chi(person.chi_number)
    partner = "Partner" if age < 35 or not sex else "Husband" if sex == "female" else "Wife"
    return [partner if r == PARTNER else r for r in chosen]
