"""The person's own side: the person, or a proxy they authorise, acting on their record.

Workers record for the people they work with (people.guards.require_casework). The person
themselves, or a proxy they authorise, may raise a challenge and say whether they agree
once their own view of the record exists (#12): that work registers a check here
(`register_person_side_check`) answering "is this signed-in user this person, or their
authorised proxy?". Until one is registered, only workers pass. Answering a challenge is
always a worker's job. It lives in people, the lowest domain app, so outcomes (agreement)
and accountability (challenges) ask the same question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goldenthread.core.services import require_signed_in

from .guards import require_casework

PersonSideCheck = Callable[[Any, Any], bool]
_PERSON_SIDE: list[PersonSideCheck] = []


def register_person_side_check(check: PersonSideCheck) -> PersonSideCheck:
    if check not in _PERSON_SIDE:
        _PERSON_SIDE.append(check)
    return check


def is_person_side(actor: Any, person: Any) -> bool:
    """Whether `actor` is the person or their authorised proxy (by a registered check)."""
    return any(check(actor, person) for check in _PERSON_SIDE)


def require_worker(actor: Any, person: Any, *, doing: str) -> None:
    require_casework(actor, person, doing=doing)


def require_worker_or_person(actor: Any, person: Any, *, doing: str) -> None:
    """A worker who may record for the person, or the person (or their proxy) themselves."""
    require_signed_in(actor)
    if is_person_side(actor, person):
        return
    require_casework(actor, person, doing=doing)


# --- Telling the person (#12, #13) ----------------------------------------------------------
# The person's own view (portal, above every domain app) registers how to tell the person
# and their proxies that something happened on their record: who may hear it (a proxy only
# if the person shares that part of the record with them) and where it leads.
PersonSideTeller = Callable[..., None]
_TELLERS: list[PersonSideTeller] = []


def register_person_side_teller(teller: PersonSideTeller) -> PersonSideTeller:
    if teller not in _TELLERS:
        _TELLERS.append(teller)
    return teller


def tell_person_side(person_id: Any, *, section: str, kind: str, text: str) -> None:
    """Tell the person and the proxies who see `section` of their record, in plain words,
    after the current transaction commits. Nothing happens until a teller is registered."""
    for teller in _TELLERS:
        teller(person_id, section=section, kind=kind, text=text)
