"""What the demo's loaders of later casework (reviews, accountability) walk: the people
with an open outcome and the worker who would record for them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from goldenthread.accounts.models import User
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.models import Person


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
        .order_by("family_name", "given_name", "id")
    )
    for index, person in enumerate(people):
        workers = [a.worker for a in person.allocations.all() if a.is_active(today)]
        yield index, person, workers[0] if workers else None
