"""The one service-side check before recording casework for a person (SPEC section 0).

Every service that writes to a person's record calls `require_casework(actor, person)`
before it writes anything. It applies the rules the pages apply, so a service called from
a page, the API or a command refuses exactly what the page would:

- the actor is a signed-in, active person (core.services.require_signed_in): never None,
  never a SystemActor, never anonymous;
- their role records casework: a practitioner, or a team leader of a team (the
  `accounts.rules.works_with_people` predicate behind "people.change_person");
- they may see this person: `Person.objects.visible_to(actor)`, the scope PersonRecordMixin
  opens a record through (an approved relationship, or break-glass while it lasts). A
  refusal here is written to the person's access log, as a refused page is.

It lives here, not in core, because it needs the role rules (accounts) and the person scope
(people); core keeps only the generic pieces (SystemActor, require_signed_in,
audited_update), so core imports no domain app. People is the lowest domain app, and every
app that records for a person imports it already.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from django.core.exceptions import PermissionDenied

from goldenthread.accounts.rules import works_with_people
from goldenthread.audit.services import access_denied
from goldenthread.core.services import require_signed_in

from .access import NoRelationship
from .models import Person


class _NewPerson:
    def __repr__(self) -> str:
        return "NEW_PERSON"


# `require_casework(actor, NEW_PERSON)`: adding someone not yet recorded (role only).
NEW_PERSON: Final = _NewPerson()


def may_record_for(actor: Any, person: Person | uuid.UUID) -> bool:
    """Whether `actor` passes require_casework for `person` (reads; writes nothing)."""
    try:
        require_signed_in(actor)
    except PermissionDenied:
        return False
    if not works_with_people(actor):
        return False
    if isinstance(person, Person) and getattr(person, "opened_for", None) == actor.pk:
        # Opened for this actor by this request's scoped fetch (people/access.py), which
        # is the same visible_to test: no second query (#19).
        return True
    person_id = person.pk if isinstance(person, Person) else person
    return Person.objects.visible_to(actor).filter(pk=person_id).exists()


def require_casework(
    actor: Any,
    person: Person | uuid.UUID | _NewPerson,
    *,
    doing: str = "change a person's record",
) -> None:
    """Refuse (PermissionDenied) unless `actor` may record casework for `person` (a Person
    or its id; NEW_PERSON when adding someone). `doing` finishes the refusal: "Only
    practitioners and team leaders <doing>." Reads one row at most; writes only a refusal."""
    refused = f"Only practitioners and team leaders {doing}."
    require_signed_in(actor, refused)
    if not works_with_people(actor):
        raise PermissionDenied(refused)
    if isinstance(person, _NewPerson):
        return
    person_id = person.pk if isinstance(person, Person) else person
    if Person.objects.visible_to(actor).filter(pk=person_id).exists():
        return
    access_denied(
        actor=actor,
        person_id=person_id,
        what=f"services: {doing}"[:200],
        reason="No relationship to the person",
    )
    raise NoRelationship(person_id)
