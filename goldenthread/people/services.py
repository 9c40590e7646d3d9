"""Every write to a person's record, their circle and allocations (one path for pages,
API and commands). Each runs in one transaction and reports to the Auditor."""

from __future__ import annotations

import calendar
import datetime
import hashlib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError, Q
from django.db.models.deletion import Collector
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from goldenthread.accounts.models import Area, Handover, HandoverReason, Role, Team, User
from goldenthread.accounts.notifications import Kind, notify
from goldenthread.accounts.rules import leads_persons_team
from goldenthread.audit.models import AccessAction, ChangeAction
from goldenthread.audit.services import (
    Auditor,
    access_record,
    change_record,
    create_audited,
    update_audited,
)
from goldenthread.core.concurrency import StaleEditError
from goldenthread.core.formatting import date_text
from goldenthread.core.services import (
    audited_create,
    audited_update,
    refuse_far_off,
    refuse_unknown_fields,
    require_signed_in,
)

from .chi import normalise_chi
from .guards import NEW_PERSON, require_casework
from .models import Allocation, CircleMember, Draft, Person, PossibleDuplicate

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "chi_number",
    "communication_needs",
    "area",
    "support_reason",
)
CIRCLE_FIELDS = ("name", "relationship", "is_unpaid_carer", "contact", "notes")


class PersonAlreadyRecorded(Exception):
    """The CHI number belongs to a person the actor may already see: offer a link."""

    def __init__(self, person: Person) -> None:
        super().__init__("A person with this CHI number is already recorded.")
        self.person = person


class PersonMayBeKnown(Exception):
    """The CHI number belongs to a person the actor may not see. Nothing was saved, nothing
    about that record may be shown; the request went to the actor's team leader."""

    def __init__(self, possible_duplicate: PossibleDuplicate) -> None:
        super().__init__("This person may already be known.")
        self.possible_duplicate = possible_duplicate


class SamePersonMayBeRecorded(ValidationError):
    """Someone the actor may see has the same name and date of birth: nothing was saved.
    `people` are they (the page links to each); adding anyway takes the actor's word that
    it is a different person (`different_person_confirmed`). A ValidationError, so the API
    and an import refuse it with its words."""

    def __init__(self, people: list[Person]) -> None:
        named = "; ".join(f"{p.display_name}, born {date_text(p.date_of_birth)}" for p in people)
        super().__init__(
            {
                "different_person": (
                    f"This person may already have a record: {named}. If it is the same "
                    "person, use that record; if not, confirm that they are a different "
                    "person and save again."
                )
            }
        )
        self.people = people


class TooManyPossibleDuplicates(Exception):
    """The actor has asked about too many possible duplicates lately; no CHI number, name
    or date of birth of theirs is looked up until the window has passed (whether or not it
    would match). `changing`: while changing a person's details (else adding one);
    `matched_on`: what would have been looked up."""

    def __init__(self, *, changing: bool, matched_on: str) -> None:
        super().__init__(
            "You have asked about several people who may already be known in the last day."
        )
        self.changing = changing
        self.matched_on = matched_on

    @property
    def refused(self) -> str:
        """What cannot be done until the window has passed, as a sentence."""
        if not self.changing:
            return "No person can be added until the day is out."
        if self.matched_on == PossibleDuplicate.MatchedOn.CHI:
            return "No CHI number can be saved until the day is out."
        return "No name or date of birth can be changed until the day is out."


# Characters that change the order text is shown in (right-to-left overrides, embeddings
# and isolates) and control characters (tabs, line breaks). In a name they make the name
# on screen differ from the name stored: "Smith" followed by an override can show as
# another person's name in a list and a search. Names in right-to-left scripts need none
# of them; joiners used within a script (U+200C, U+200D) are allowed. Checked here, so a
# form, the API and an import refuse them alike (SEC-6).
_HIDDEN_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NAME_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "preferred_name": "Preferred name",
    "name": "Name",
}


def hidden_character_message(value: str, label: str) -> str:
    """Why `value` cannot be a name, or "" when it can."""
    if isinstance(value, str) and _HIDDEN_IN_NAMES.search(value):
        return (
            f"{label} has a hidden character that changes how text is shown (for example a "
            "right-to-left mark or a line break). Type it again without it."
        )
    return ""


def refuse_hidden_in_names(fields: dict[str, Any]) -> None:
    """ValidationError naming each name field of `fields` with a hidden character."""
    errors = {
        name: message
        for name, label in NAME_LABELS.items()
        if name in fields and (message := hidden_character_message(fields[name], label))
    }
    if errors:
        raise ValidationError(errors)


def recent_possible_duplicates(actor: User) -> int:
    since = timezone.now() - settings.GOLDENTHREAD_POSSIBLE_DUPLICATE_WINDOW
    return PossibleDuplicate.objects.filter(requested_by=actor, created_at__gte=since).count()


def _refuse_over_the_limit(actor: User, changing: Person | None, matched_on: str) -> None:
    """TooManyPossibleDuplicates once the actor has made GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT
    requests in the window: called before anything is looked up."""
    if recent_possible_duplicates(actor) >= settings.GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT:
        raise TooManyPossibleDuplicates(changing=changing is not None, matched_on=matched_on)


def _check_chi_not_recorded(
    *,
    actor: User,
    chi_number: str,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    changing: Person | None,
    what: str,
    http_request: HttpRequest | None,
) -> None:
    """Refuse a CHI number that is already recorded, revealing nothing the actor may not see.

    - Someone the actor may see: PersonAlreadyRecorded, so the page can link to them.
    - Anyone else: one PossibleDuplicate for the actor's team leader and one DENIED row in
      the existing person's access log (so the person and their team can see the attempt),
      then PersonMayBeKnown. Nothing about the existing record reaches the actor.
    - After GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT requests in the window, every CHI number
      the actor saves is refused before it is looked up (TooManyPossibleDuplicates), so the
      refusal itself says nothing about whether the number is known.
    """
    chi_number = normalise_chi(chi_number)
    if not chi_number:
        return
    _refuse_over_the_limit(actor, changing, PossibleDuplicate.MatchedOn.CHI)
    others = Person.objects.filter(chi_number=chi_number)
    if changing is not None:
        others = others.exclude(pk=changing.pk)
    existing = others.values("pk", "team_id").first()
    if existing is None:
        return
    visible = Person.objects.visible_to(actor).filter(pk=existing["pk"]).first()
    if visible is not None:
        raise PersonAlreadyRecorded(visible)
    _ask_team_leader(
        actor=actor,
        existing=existing,
        matched_on=PossibleDuplicate.MatchedOn.CHI,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        chi_number=chi_number,
        changing=changing,
        what=what,
        http_request=http_request,
    )


def _ask_team_leader(
    *,
    actor: User,
    existing: dict[str, Any],
    matched_on: PossibleDuplicate.MatchedOn,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    chi_number: str,
    changing: Person | None,
    what: str,
    http_request: HttpRequest | None,
) -> NoReturn:
    """A possible duplicate of someone the actor may not see: one PossibleDuplicate for the
    actor's team leader and one DENIED row in the existing person's access log (so the
    person and their team can see the attempt), then PersonMayBeKnown."""
    if actor.team_id is None:
        raise PermissionDenied("You need to be in a team to add a person.")
    typed = (
        "CHI number was"
        if matched_on == PossibleDuplicate.MatchedOn.CHI
        else "name and date of birth were"
    )
    with transaction.atomic():
        request = PossibleDuplicate.objects.create(
            requested_by=actor,
            team_id=actor.team_id,
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
            chi_number=chi_number,
            matched_on=matched_on,
            changing_person_id=changing.pk if changing is not None else None,
            existing_person_id=existing["pk"],
            existing_team_id=existing["team_id"],
        )
        Auditor(actor).created(request, person_id=changing.pk if changing is not None else None)
        access_record(
            actor=actor,
            person_id=existing["pk"],
            action=AccessAction.DENIED,
            what=what,
            reason=(
                f"Possible duplicate: this person's {typed} typed for "
                f"{'another record' if changing is not None else 'a new person'}; nothing "
                f"was shown. Sent to the worker's team leader (request {request.pk})."
            ),
            request=http_request,
        )
    raise PersonMayBeKnown(request)


def name_key(name: str) -> str:
    """A name as matched against another: letters and digits only, accents and case aside
    ("  Émily-Jane " and "emily jane" match)."""
    decomposed = unicodedata.normalize("NFKD", name or "").casefold()
    return "".join(c for c in decomposed if c.isalnum())


def _first_names(given_name: str, preferred_name: str) -> set[str]:
    return {key for key in (name_key(given_name), name_key(preferred_name)) if key}


# What a person is matched on, as stored and as changed.
MATCHED_FIELDS = ("given_name", "family_name", "preferred_name", "date_of_birth", "chi_number")


def _same_name_and_birth(
    *,
    given_name: str,
    family_name: str,
    preferred_name: str,
    date_of_birth: Any,
    chi_number: str,
    excluding: Any = None,
) -> list[dict[str, Any]]:
    """Everyone recorded with this date of birth, this last name and this first (or
    preferred) name, as id and team rows, oldest first; never one with another CHI number
    when a CHI number was typed (CHI numbers are one to a person), nor the person
    `excluding` (the id of the record being changed)."""
    family, firsts = name_key(family_name), _first_names(given_name, preferred_name)
    rows = Person.objects.filter(date_of_birth=date_of_birth)
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    values = rows.values(
        "pk", "team_id", "given_name", "family_name", "preferred_name", "chi_number"
    )
    return [
        row
        for row in values.order_by("created_at", "pk")
        if name_key(row["family_name"]) == family
        and firsts & _first_names(row["given_name"], row["preferred_name"])
        and not (chi_number and row["chi_number"] and row["chi_number"] != chi_number)
    ]


def _may_match_more(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a person's details as changed (`after`) may match someone they did not match
    as stored (`before`): another date of birth or last name, a first or preferred name not
    held before, or a CHI number taken away or replaced (a CHI number keeps people with
    another one out of the match). A name spelt again in other capitals, a preferred name
    taken away or a CHI number added match no one new: nothing is looked up for them, and
    they are never refused over the limit."""
    if before["date_of_birth"] != after["date_of_birth"]:
        return True
    if name_key(before["family_name"]) != name_key(after["family_name"]):
        return True
    held = _first_names(before["given_name"], before["preferred_name"])
    if not _first_names(after["given_name"], after["preferred_name"]) <= held:
        return True
    return bool(before["chi_number"]) and after["chi_number"] != before["chi_number"]


def _cleared_by_team_leader(actor: User, date_of_birth: Any, family_name: str) -> set[Any]:
    """The existing people a team leader of the actor's team has found are someone else
    (a possible duplicate on a name and date of birth, dealt with as a different person)."""
    if actor.team_id is None:
        return set()
    cleared = PossibleDuplicate.objects.filter(
        team_id=actor.team_id,
        matched_on=PossibleDuplicate.MatchedOn.NAME_AND_BIRTH,
        status=PossibleDuplicate.Status.RESOLVED,
        different_person=True,
        date_of_birth=date_of_birth,
    ).values_list("existing_person_id", "family_name")
    return {pk for pk, family in cleared if name_key(family) == name_key(family_name)}


def _check_name_not_recorded(
    *,
    actor: User,
    given_name: str,
    family_name: str,
    preferred_name: str,
    date_of_birth: datetime.date,
    chi_number: str,
    different_person_confirmed: bool,
    http_request: HttpRequest | None,
    changing: Person | None = None,
    matched_before: Collection[Any] = (),
    what: str = "people:create",
) -> list[Any]:
    """Refuse a person whose name and date of birth are already recorded, as
    _check_chi_not_recorded refuses a CHI number, revealing nothing the actor may not see.
    For a person's details being changed (`changing`), that person is left out, and so are
    the people they matched before the change (`matched_before`: only a new match is asked
    about).

    - Over GOLDENTHREAD_POSSIBLE_DUPLICATE_LIMIT: TooManyPossibleDuplicates before any
      name is looked up, so the refusal says nothing about whether anyone matched.
    - Someone the actor may see: SamePersonMayBeRecorded, unless the actor has confirmed
      that this is a different person; then their ids are returned, for the history.
    - Anyone else (and not found to be someone else by the actor's team leader): one
      PossibleDuplicate for the team leader and one DENIED row in the existing person's
      access log, then PersonMayBeKnown.
    """
    _refuse_over_the_limit(actor, changing, PossibleDuplicate.MatchedOn.NAME_AND_BIRTH)
    matches = [
        row
        for row in _same_name_and_birth(
            given_name=given_name,
            family_name=family_name,
            preferred_name=preferred_name,
            date_of_birth=date_of_birth,
            chi_number=chi_number,
            excluding=changing.pk if changing is not None else None,
        )
        if row["pk"] not in matched_before
    ]
    if not matches:
        return []
    ids = [row["pk"] for row in matches]
    visible = list(Person.objects.visible_to(actor).filter(pk__in=ids).order_by("created_at"))
    if visible and not different_person_confirmed:
        raise SamePersonMayBeRecorded(visible)
    seen = {p.pk for p in visible}
    cleared = _cleared_by_team_leader(actor, date_of_birth, family_name)
    unseen = [row for row in matches if row["pk"] not in seen and row["pk"] not in cleared]
    if not unseen:
        return sorted(seen, key=str)
    _ask_team_leader(
        actor=actor,
        existing=unseen[0],
        matched_on=PossibleDuplicate.MatchedOn.NAME_AND_BIRTH,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        chi_number=chi_number,
        changing=changing,
        what=what,
        http_request=http_request,
    )


def _birth_lock_key(date_of_birth: Any) -> int:
    """A stable signed 64-bit key for the advisory lock of one date of birth."""
    digest = hashlib.sha256(f"goldenthread.people.born:{date_of_birth}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _one_at_a_time_for_birth(date_of_birth: Any) -> None:
    """Called first in the transaction that looks for a name and date of birth and then saves
    them (person_create, person_update): the next such transaction for the same date of
    birth waits here until this one commits, then finds what it saved. Without it the check
    is check-then-write: two adds of the same person at the same instant both found no
    match and both saved (no constraint can say "same name", as names match loosely).

    - PostgreSQL: a transaction-level advisory lock keyed on the date of birth (other dates
      of birth never wait); each statement after it sees what the other committed (READ
      COMMITTED).
    - SQLite: nothing more: the project's transaction mode is IMMEDIATE, so the outermost
      transaction's BEGIN takes the database's one write lock before anything is read.
    """
    connection = transaction.get_connection(router.db_for_write(Person))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_birth_lock_key(date_of_birth)])


def _namesakes_history(done: str, namesakes: list[Any]) -> dict[str, str] | None:
    """What the change history keeps when the actor confirmed a namesake: `done` ("Added",
    "Changed") as a different person from the records with the same name and date of birth."""
    if not namesakes:
        return None
    return {
        "reason": f"{done} as a different person from the record(s) with the same name and "
        f"date of birth: {', '.join(str(pk) for pk in namesakes)}"
    }


def person_check_not_recorded(
    *,
    actor: User,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    preferred_name: str = "",
    chi_number: str = "",
    different_person_confirmed: bool = False,
    what: str = "people:create",
    http_request: HttpRequest | None = None,
) -> list[Any]:
    """The checks person_create makes of a new person's CHI number, name and date of birth,
    adding no one: for a caller that adds them in a transaction of its own (an import), where
    a request for the team leader raised inside it would be undone with it. Raises as
    person_create does; returns the ids of the namesakes the actor confirmed, for
    person_create(namesakes_checked=...)."""
    require_casework(actor, NEW_PERSON)
    refuse_hidden_in_names(
        {"given_name": given_name, "family_name": family_name, "preferred_name": preferred_name}
    )
    return _checks_before_adding(
        actor=actor,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        preferred_name=preferred_name,
        chi_number=normalise_chi(chi_number),
        different_person_confirmed=different_person_confirmed,
        what=what,
        http_request=http_request,
    )


def _checks_before_adding(
    *,
    actor: User,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    preferred_name: str,
    chi_number: str,
    different_person_confirmed: bool,
    what: str,
    http_request: HttpRequest | None,
    names: bool = True,
) -> list[Any]:
    """A new person's CHI number, then (with `names`) their name and date of birth, checked
    against the records (person_create, person_check_not_recorded): the namesakes the
    actor confirmed."""
    _check_chi_not_recorded(
        actor=actor,
        chi_number=chi_number,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        changing=None,
        what=what,
        http_request=http_request,
    )
    if not names:
        return []
    return _check_name_not_recorded(
        actor=actor,
        given_name=given_name,
        family_name=family_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        chi_number=chi_number,
        different_person_confirmed=different_person_confirmed,
        http_request=http_request,
        what=what,
    )


def person_create(
    *,
    actor: User,
    team: Team,
    area: Area,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    preferred_name: str = "",
    chi_number: str = "",
    communication_needs: str = "",
    support_reason: str = "",
    allocate_to: User | None = None,
    different_person_confirmed: bool = False,
    namesakes_checked: list[Any] | None = None,
    http_request: HttpRequest | None = None,
) -> Person:
    """Add a person; the practitioner who adds them is allocated to work with them.

    A CHI number already recorded raises PersonAlreadyRecorded, PersonMayBeKnown or
    TooManyPossibleDuplicates (see _check_chi_not_recorded); so does a name and date of
    birth already recorded, with SamePersonMayBeRecorded for someone the actor may see
    unless `different_person_confirmed` (see _check_name_not_recorded). With
    `namesakes_checked` the caller has checked the name and date of birth already, before
    its own transaction (person_check_not_recorded: an import), and these are the namesakes
    the actor confirmed; the CHI number is checked again here."""
    require_casework(actor, NEW_PERSON)
    refuse_hidden_in_names(
        {"given_name": given_name, "family_name": family_name, "preferred_name": preferred_name}
    )
    chi_number = normalise_chi(chi_number)  # as typed on the card: spaces and hyphens
    if team.pk != actor.team_id:  # as the page: into the worker's own team
        raise PermissionDenied("You can add people to your own team only.")
    refusal: PersonMayBeKnown | None = None
    with transaction.atomic():
        if namesakes_checked is None:
            _one_at_a_time_for_birth(date_of_birth)
        try:
            namesakes = _checks_before_adding(
                actor=actor,
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
                preferred_name=preferred_name,
                chi_number=chi_number,
                different_person_confirmed=different_person_confirmed,
                what="people:create",
                http_request=http_request,
                names=namesakes_checked is None,  # else checked already, by the caller
            )
        except PersonMayBeKnown as exc:
            # No one is added, but the request for the team leader and the access-log row
            # written for it are kept: the transaction commits them, then it is raised.
            refusal = exc
        else:
            person = _person_added(
                actor=actor,
                namesakes=namesakes if namesakes_checked is None else namesakes_checked,
                allocate_to=allocate_to,
                team=team,
                area=area,
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
                preferred_name=preferred_name,
                chi_number=chi_number,
                communication_needs=communication_needs,
                support_reason=support_reason,
            )
    if refusal is not None:
        raise refusal
    return person


def _person_added(
    *,
    actor: User,
    namesakes: list[Any],
    allocate_to: User | None,
    **fields: Any,
) -> Person:
    """person_create's writes, inside its transaction: the person and their worker."""
    person = Person(**fields)
    audited_create(
        person,
        auditor=Auditor(actor),
        person_id=person.pk,
        extra=_namesakes_history("Added", namesakes),
    )
    if allocate_to is not None:
        allocation_start(
            actor=actor,
            person=person,
            worker=allocate_to,
            start_date=timezone.localdate(),
            description="Allocated worker",
            _check=False,
        )
    return person


def person_update(
    *,
    actor: User,
    person: Person,
    expected_version: int,
    different_person_confirmed: bool = False,
    http_request: HttpRequest | None = None,
    **changes: Any,
) -> Person:
    """Change a person's details; refused with StaleEditError if someone saved first.

    A new CHI number already recorded is refused as in person_create; so is a name or date
    of birth (or a CHI number taken away) that now matches someone else's record, with
    SamePersonMayBeRecorded for someone the actor may see unless
    `different_person_confirmed` (then kept in the history). Only a new match is asked
    about: the person themself and anyone they matched before the change are left out
    (_check_name_not_recorded), and a change that can match no one new is not looked up
    (_may_match_more)."""
    require_casework(actor, person)
    refuse_unknown_fields("person_update", changes, PERSON_FIELDS)
    refuse_hidden_in_names(changes)
    if "chi_number" in changes:
        changes["chi_number"] = normalise_chi(changes["chi_number"])
    refusal: PersonMayBeKnown | None = None
    with transaction.atomic():
        # From the database: a form may already have put the new values on `person`.
        before = Person.objects.filter(pk=person.pk).values(*MATCHED_FIELDS).get()
        after = {name: changes.get(name, before[name]) for name in MATCHED_FIELDS}
        may_match_more = _may_match_more(before, after)
        if may_match_more:
            _one_at_a_time_for_birth(after["date_of_birth"])
        try:
            namesakes = _checks_before_changing(
                actor=actor,
                person=person,
                before=before,
                after=after,
                may_match_more=may_match_more,
                different_person_confirmed=different_person_confirmed,
                http_request=http_request,
            )
        except PersonMayBeKnown as exc:
            # Nothing is changed; the request for the team leader is kept (person_create).
            refusal = exc
        else:
            updated = audited_update(
                person,
                auditor=Auditor(actor),
                expected_version=expected_version,
                changes=changes,
                fields=_attnames(person),
                person_id=person.pk,
                extra=_namesakes_history("Changed", namesakes),
            )
    if refusal is not None:
        raise refusal
    return updated


def _checks_before_changing(
    *,
    actor: User,
    person: Person,
    before: dict[str, Any],
    after: dict[str, Any],
    may_match_more: bool,
    different_person_confirmed: bool,
    http_request: HttpRequest | None,
) -> list[Any]:
    """A person's new CHI number, then (if they may match someone new) their name and date
    of birth as changed, checked against the records (person_update): the namesakes the
    actor confirmed."""
    if after["chi_number"] and after["chi_number"] != before["chi_number"]:
        _check_chi_not_recorded(
            actor=actor,
            chi_number=after["chi_number"],
            given_name=after["given_name"],
            family_name=after["family_name"],
            date_of_birth=after["date_of_birth"],
            changing=person,
            what="people:edit",
            http_request=http_request,
        )
    if not may_match_more:
        return []
    return _check_name_not_recorded(
        actor=actor,
        **after,
        different_person_confirmed=different_person_confirmed,
        http_request=http_request,
        changing=person,
        matched_before={row["pk"] for row in _same_name_and_birth(**before, excluding=person.pk)},
        what="people:edit",
    )


def _attnames(instance: Person) -> list[str]:
    """The stored column names of the person's editable fields (area → area_id)."""
    return [f.attname for f in instance._meta.concrete_fields if f.name in PERSON_FIELDS]


def circle_member_add(*, actor: User, person: Person, **fields: Any) -> CircleMember:
    require_casework(actor, person)
    refuse_hidden_in_names(fields)
    member = CircleMember(
        person=person,
        **{k: fields.get(k, "") for k in CIRCLE_FIELDS if k != "is_unpaid_carer"},
        is_unpaid_carer=bool(fields.get("is_unpaid_carer", False)),
    )
    return create_audited(actor, member, person_id=person.pk)


def circle_member_update(
    *, actor: User, member: CircleMember, expected_version: int, **changes: Any
) -> CircleMember:
    require_casework(actor, member.person_id)
    refuse_unknown_fields("circle_member_update", changes, CIRCLE_FIELDS)
    refuse_hidden_in_names(changes)
    return update_audited(
        actor,
        member,
        expected_version=expected_version,
        changes=changes,
        fields=CIRCLE_FIELDS,
        person_id=member.person_id,
    )


# How a record of another app that refers to a circle member reads, as the end of "they …":
# "took part in the conversation on 3 May 2026". Apps below people register their own (the
# conversations app does, in its AppConfig.ready), as people imports none of them; any other
# record reads "are linked to a <model name>".
CIRCLE_LINK_WORDS: dict[type, Callable[[Any], str]] = {}


def _link_words(records: Iterable[Any]) -> list[str]:
    words = []
    for record in records:
        describe = CIRCLE_LINK_WORDS.get(type(record))
        words.append(
            describe(record)
            if describe is not None
            else f"are linked to a {record._meta.verbose_name}"
        )
    return sorted(set(words))


def circle_member_links(member: CircleMember) -> list[str]:
    """What in the record refers to `member`, so that they cannot be removed, in words;
    empty when nothing does. Reads only: nothing is removed."""
    collector = Collector(using=router.db_for_write(CircleMember))
    try:
        collector.collect([member])
    except ProtectedError as exc:
        return _link_words(exc.protected_objects)
    return []


def _why_not_removed(member: CircleMember, links: list[str]) -> str:
    said = links[0] if len(links) == 1 else "; ".join(links[:-1]) + "; and " + links[-1]
    return (
        f"{member.name} cannot be removed from the circle, because the record refers to "
        f"them: they {said}. Nothing was removed. You can still change their details."
    )


def circle_member_removal_refused(member: CircleMember) -> str:
    """Why `member` cannot be removed from the circle, or "" when they can."""
    links = circle_member_links(member)
    return _why_not_removed(member, links) if links else ""


def circle_member_remove(
    *, actor: User, member: CircleMember, expected_version: int | None = None
) -> None:
    """Remove someone added to the circle by mistake. Someone the record refers to (for
    example, they took part in a conversation) is not removed: ValidationError says why.
    With `expected_version` (the version the caller read; the API's If-Match), a member
    changed since is not removed: StaleEditError carries them as they are now (SEC-5)."""
    require_casework(actor, member.person_id)
    refused = circle_member_removal_refused(member)
    if refused:
        raise ValidationError(refused)
    try:
        with transaction.atomic():
            if expected_version is not None:
                stored = CircleMember.objects.select_for_update().get(pk=member.pk)
                if stored.version != expected_version:
                    raise StaleEditError(stored)
            Auditor(actor).deleted(member, person_id=member.person_id)
            member.delete()
    except ProtectedError as exc:  # a link made since the check: still nothing removed
        raise ValidationError(
            _why_not_removed(member, _link_words(exc.protected_objects))
        ) from None


def _check_allocator(actor: User | None, person: Person) -> None:
    """The team leader of the person's team (Permission.MANAGE_ALLOCATIONS), who may see them."""
    require_casework(actor, person, doing="allocate workers")
    if not leads_persons_team(actor, person):
        raise PermissionDenied("Only the team leader of the person's team allocates workers.")


# How far ahead an allocation may start: a handover planned for a date is real, a start in
# another year is usually a typed year (and was shown as a past worker until it began).
ALLOCATION_MONTHS_AHEAD = 3


def latest_allocation_start(today: datetime.date) -> datetime.date:
    """The last day an allocation made `today` may start: ALLOCATION_MONTHS_AHEAD calendar
    months on (the month's last day where the month is shorter)."""
    year, month = divmod(today.month - 1 + ALLOCATION_MONTHS_AHEAD, 12)
    year, month = today.year + year, month + 1
    return datetime.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def refuse_start_far_ahead(start_date: datetime.date) -> None:
    latest = latest_allocation_start(timezone.localdate())
    if start_date > latest:
        raise ValidationError(
            {
                "start_date": (
                    f"The start date is more than {ALLOCATION_MONTHS_AHEAD} months ahead "
                    f"({date_text(start_date)}). Check the year, or allocate nearer the time: "
                    f"the latest start you can give today is {date_text(latest)}."
                )
            }
        )


def allocation_start(
    *,
    actor: User | None,
    person: Person,
    worker: User,
    start_date: datetime.date,
    description: str = "",
    _check: bool = True,
) -> Allocation:
    """Allocate a worker of the person's team to work with them, from today or a start
    date no more than ALLOCATION_MONTHS_AHEAD months ahead (shown as "Starts <date>" until
    then; the worker sees the record from that day)."""
    if _check:
        _check_allocator(actor, person)
    if worker.role not in (Role.PRACTITIONER, Role.TEAM_LEADER):
        raise ValidationError({"worker": "Choose a practitioner or team leader."})
    if worker.team_id != person.team_id:
        raise ValidationError({"worker": "Choose someone from the person's team."})
    refuse_far_off(start_date, "start_date", "The start date")
    refuse_start_far_ahead(start_date)
    allocation = Allocation(
        person=person, worker=worker, start_date=start_date, description=description
    )
    allocation.full_clean()
    with transaction.atomic():
        if person.allocations.filter(worker=worker, end_date__isnull=True).exists():
            raise ValidationError({"worker": f"{worker} is already allocated to this person."})
        allocation.save(force_insert=True)
        Auditor(actor).created(allocation, person_id=person.pk)
    return allocation


def allocation_end(
    *,
    actor: User,
    allocation: Allocation,
    end_date: datetime.date,
    expected_version: int | None = None,
) -> Allocation:
    """End an allocation; refused with StaleEditError if `expected_version` (the version the
    caller read; the one in hand if not given) is no longer the stored one."""
    _check_allocator(actor, allocation.person)
    refuse_far_off(end_date, "end_date", "The end date")
    if end_date < allocation.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    return update_audited(
        actor,
        allocation,
        expected_version=(allocation.version if expected_version is None else expected_version),
        changes={"end_date": end_date},
        clean=False,
        person_id=allocation.person_id,
    )


def possible_duplicate_resolve(
    *,
    actor: User,
    possible_duplicate: PossibleDuplicate,
    resolution: str,
    different_person: bool = False,
) -> PossibleDuplicate:
    """A team leader of the requester's team records what was done about the request; for
    a name and date of birth, `different_person` says it is someone else, so the requester
    may add them (_check_name_not_recorded)."""
    refused = "Only the requester's team leader deals with this."
    require_signed_in(actor, refused)
    if not (actor.role == Role.TEAM_LEADER and actor.team_id == possible_duplicate.team_id):
        raise PermissionDenied(refused)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "Say what was done, for example who you asked."})
    with transaction.atomic():
        current = PossibleDuplicate.objects.select_for_update().get(pk=possible_duplicate.pk)
        if current.status == PossibleDuplicate.Status.RESOLVED:
            raise ValidationError(
                f"{current.resolved_by} has already dealt with this: {current.resolution}"
            )
        auditor = Auditor(actor)
        before = auditor.snapshot(current)
        current.status = PossibleDuplicate.Status.RESOLVED
        current.resolved_by = actor
        current.resolved_at = timezone.now()
        current.resolution = resolution
        current.different_person = bool(different_person) and (
            current.matched_on == PossibleDuplicate.MatchedOn.NAME_AND_BIRTH
        )
        current.full_clean()
        current.save(
            update_fields=[
                "status",
                "resolved_by",
                "resolved_at",
                "resolution",
                "different_person",
                "updated_at",
            ]
        )
        auditor.updated(current, before=before, person_id=current.changing_person_id)
        if current.requested_by_id != actor.pk:
            _tell_requester(current)
    return current


def possible_duplicate_next_step(possible_duplicate: PossibleDuplicate) -> str:
    """What the worker who asked may do now the team leader has answered, as a sentence:
    whether they may go ahead, never anything about the other record nor the team leader's
    own words (which may name it). Empty while the request is open."""
    if possible_duplicate.status != PossibleDuplicate.Status.RESOLVED:
        return ""
    changing = possible_duplicate.changing_person_id is not None
    if possible_duplicate.different_person:
        may = "save the change" if changing else "add them"
        return f"It is a different person, so you can {may} now."
    do_not = "save the change" if changing else "add them"
    return f"Do not {do_not} for now: ask your team leader what was found and what to do next."


def _tell_requester(possible_duplicate: PossibleDuplicate) -> None:
    """The worker who asked hears the answer (ACC-3), once it is committed: the words name
    no one, and the link is to the request's page, which shows only what they typed."""
    notify(
        [possible_duplicate.requested_by],
        kind=Kind.POSSIBLE_DUPLICATE_ANSWERED,
        text="Your team leader has checked the person you asked about. "
        + possible_duplicate_next_step(possible_duplicate),
        url=reverse("people:possible_duplicate", args=[possible_duplicate.pk]),
        key=f"possible-duplicate:{possible_duplicate.pk}",
    )


def hand_over_allocations(
    sender: Any = None,
    *,
    actor: User,
    worker: User,
    team: Team,
    last_day: datetime.date,
    kind: HandoverReason,
    reason: str,
    **_: Any,
) -> Handover | None:
    """End the worker's running and future allocations on `last_day` (each in the person's
    own change history) and list those people for the team leader. The receiver of
    accounts' `casework_ended` (connected in apps.py), inside the caller's transaction."""
    if not (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.ADMINISTRATOR
    ):
        raise PermissionDenied("Only administrators record leavers and moves between teams.")
    allocations = list(
        Allocation.objects.select_for_update()
        .filter(worker=worker)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day))
    )
    if not allocations:
        return None
    handover = Handover.objects.create(
        worker=worker,
        team=team,
        kind=kind,
        last_day=last_day,
        reason=reason[:300],
        recorded_by=actor,
        recorded_at=timezone.now(),
        person_ids=sorted({str(a.person_id) for a in allocations}),
    )
    change_record(
        actor=actor, instance=handover, action=ChangeAction.CREATE, before=None, person_id=None
    )
    auditor = Auditor(actor)
    for allocation in allocations:  # each locked above
        audited_update(
            allocation,
            auditor=auditor,
            expected_version=allocation.version,
            stored=allocation,
            clean=False,
            person_id=allocation.person_id,
            changes={"end_date": max(last_day, allocation.start_date)},
            extra={"reason": f"{kind.label}: {reason}"},
        )
    return handover


# --- Drafts: text typed and not saved yet (#16, OS-9, SEC-5) ------------------------------
# Not part of the record and never shown to anyone but their author, so they are not in the
# change history (a row per keystroke pause would bury the record's real changes); the
# page that reads or writes them is in the person's access log like any other page.

DRAFT_MAX_BOXES = 200


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def draft_save(*, actor: User, person: Person, page: str, boxes: Iterable[tuple[str, str]]) -> int:
    """Keep what `actor` typed into boxes on `page` of `person`'s record. `boxes` are
    (key, text) pairs; the key is "<action>|<n>|<field>" (ui/static/ui/js/drafts.js). An
    empty text removes that box's draft. Returns how many drafts are kept."""
    require_casework(actor, person, doing="keep typed text on a person's record")
    now = timezone.now()
    kept = 0
    with transaction.atomic():
        for key, text in list(boxes)[:DRAFT_MAX_BOXES]:
            action, _, rest = key.partition("|")
            field = rest.rpartition("|")[2]
            if not action.startswith("/") or not field:
                raise ValidationError("That box cannot be kept.")
            mine = Draft.objects.filter(user=actor, person=person, page=page[:500], key=key[:600])
            if not text.strip():
                mine.delete()
                continue
            updated = mine.update(text=text[:20_000], saved_at=now)
            if not updated:
                Draft.objects.create(
                    user=actor,
                    person=person,
                    page=page[:500],
                    key=key[:600],
                    action=action[:500],
                    field=field[:100],
                    text=text[:20_000],
                    saved_at=now,
                )
            kept += 1
    return kept


def draft_list(*, actor: User, person: Person, page: str) -> list[Draft]:
    """`actor`'s own drafts on `page` of `person`'s record, newest first (none lapsed)."""
    require_casework(actor, person, doing="see typed text on a person's record")
    since = timezone.now() - datetime.timedelta(days=settings.GOLDENTHREAD_DRAFT_DAYS)
    with transaction.atomic():
        Draft.objects.filter(user=actor, saved_at__lt=since).delete()
    return list(
        Draft.objects.filter(user=actor, person=person, page=page[:500]).order_by("-saved_at")
    )


def draft_clear_saved(
    *, user: User, person_id: Any, action: str, posted: dict[str, list[str]]
) -> int:
    """After a form posted to `action` was saved: forget `user`'s own drafts of that form's
    boxes (the keys the page sent with it as `gt_draft_key`) and of any box posting there
    whose words were just saved; another box's draft for the same address with different
    words stays. Returns how many were forgotten."""
    require_signed_in(user, "Only a signed-in person has drafts.")
    keys = set(posted.get("gt_draft_key", []))
    drafts = list(
        Draft.objects.filter(user=user, person_id=person_id).filter(
            Q(action=action[:500], field__in=list(posted)) | Q(key__in=keys)
        )
    )
    gone = [
        d.pk
        for d in drafts
        if d.key in keys or any(_same_text(d.text, v) for v in posted.get(d.field, []))
    ]
    if gone:
        Draft.objects.filter(pk__in=gone).delete()
    return len(gone)
