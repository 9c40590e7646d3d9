"""What the demo's loaders of later casework (reviews, accountability) walk: the people
with an open outcome and the worker who would record for them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from goldenthread.accounts.models import User
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.models import Person

# The orders the demo's loaders read people and a person's items in: keys the demo itself
# sets, the same on every load of a seed. Never the time a row was made (under a pinned
# clock every row is made at the same instant) nor its id (random). A CHI number is unique.
PEOPLE_ORDER = ("family_name", "given_name", "date_of_birth", "chi_number")
# The demo's well-written outcomes begin "I will", before its poorly written ones
# (conversations.Scenario); a replaced outcome's rewording is written the same way.
OUTCOME_ORDER = ("statement", "target_date")
SOLUTION_ORDER = ("outcome__statement", "step", "what", "who")


def people_with_open_outcomes(
    today: datetime.date,
) -> Iterator[tuple[int, Person, User | None]]:
    """Each person with an open outcome, in a fixed order, numbered from 0 (the loaders
    choose what to record by the number), with the first worker allocated to them today
    (None when nobody is)."""
    people = (
        Person.objects.filter(outcomes__status=OutcomeStatus.OPEN)
        .distinct()
        .prefetch_related("allocations__worker")
        .order_by(*PEOPLE_ORDER)
    )
    for index, person in enumerate(people):
        workers = [a.worker for a in person.allocations.all() if a.is_active(today)]
        yield index, person, workers[0] if workers else None
