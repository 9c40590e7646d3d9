"""Non-trivial reads about people, always starting from a scoped queryset."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from goldenthread.accounts.models import Area, Handover, Role, Team, User
from goldenthread.core.formatting import date_text
from goldenthread.core.prepared import PreparedBatch, PreparedQuery

from .models import Allocation, CircleMember, Person, PossibleDuplicate, active_on
from .person_side import persons_words_reads
from .sections import section_reads


def team_members_with_caseloads(team: Team) -> QuerySet[User]:
    """Practitioners and team leaders of a team, each with how many people they work with now."""
    today = timezone.localdate()
    active = Q(allocations__start_date__lte=today) & (
        Q(allocations__end_date__isnull=True) | Q(allocations__end_date__gte=today)
    )
    return (
        User.objects.filter(
            team=team, is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_LEADER]
        )
        .annotate(caseload=Count("allocations", filter=active, distinct=True))
        .order_by("last_name", "first_name")
    )


def unallocated_people(user) -> QuerySet[Person]:
    """People of the user's team (within what they may see) with nobody allocated now."""
    today = timezone.localdate()
    current = Allocation.objects.filter(active_on(today), person=OuterRef("pk"))
    return (
        Person.objects.visible_to(user)
        .filter(team_id=user.team_id)
        .exclude(Exists(current))
        .select_related("area")
        .order_by("family_name", "given_name")
    )


def team_people_count(user) -> int:
    return Person.objects.visible_to(user).filter(team_id=user.team_id).count()


def caseload(user, *, query: str = "") -> QuerySet[Person]:
    """The people a user works with, matching `query`, each with their current workers."""
    today = timezone.localdate()
    return (
        Person.objects.visible_to(user)
        .search(query)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.filter(active_on(today)).select_related("worker"),
                to_attr="current_allocations",
            )
        )
        .order_by("family_name", "given_name", "id")
    )


# The columns of a caseload row: plain values, no model objects (#19).
CASELOAD_FIELDS = (
    "pk",
    "given_name",
    "preferred_name",
    "family_name",
    "date_of_birth",
    "chi_number",
    "area_name",
)


@functools.cache
def _area_name_sql() -> str:
    area, person = Area._meta, Person._meta
    q = connection.ops.quote_name
    # Names from the models' own definitions, quoted: no value from outside is in it.
    name, area_id = q(area.get_field("name").column), q(person.get_field("area").column)
    return (
        f"SELECT {name} FROM {q(area.db_table)} "  # noqa: S608
        f"WHERE {q(area.pk.column)} = {q(person.db_table)}.{area_id}"
    )


def _area_name() -> RawSQL:
    """A person row's area name, read by the area's key (the same as
    `Subquery(Area.objects.filter(pk=OuterRef("area_id")).values("name"))`, compiled once;
    people/tests/test_caseload_sql.py compares them)."""
    return RawSQL(_area_name_sql(), (), output_field=CharField())  # noqa: S611 - fixed SQL


def caseload_values(user, *, query: str = "") -> QuerySet:
    """The caseload's rows as values, in the caseload's order; page it in SQL (a slice).

    The area's name is read for each row of the page by its key, not joined (#19): with
    the area table joined, PostgreSQL's planner paired every area with every visible person
    and looked each pair up (675 lookups for a caseload of 45 people, 15 areas; 1.2-1.5 ms
    of each of the count and page queries), and the count read the areas for nothing. Plain
    SQL (`_area_name`): as a Subquery it cost more to compile than the database saved."""
    return (
        Person.objects.visible_to(user)
        .search(query)
        .annotate(area_name=_area_name())
        .order_by("family_name", "given_name", "id")
        .values(*CASELOAD_FIELDS)
    )


def current_worker_names(person_ids, *, today=None) -> dict:
    """{person id: ["Pat Smith", ...]} of the workers allocated now, in the order of the
    allocations (newest first), one query for the whole page."""
    today = today or timezone.localdate()
    names: dict = {}
    rows = (
        Allocation.objects.filter(active_on(today), person_id__in=list(person_ids))
        .order_by("-start_date", "id")  # Allocation's own ordering (newest first), then id
        .values_list("person_id", "worker__first_name", "worker__last_name", "worker__username")
    )
    for person_id, first, last, username in rows:
        names.setdefault(person_id, []).append(f"{first} {last}".strip() or username)
    return names


def next_starts(person_ids, *, today=None) -> dict:
    """{person id: "Pat Smith starts 3 September 2026"} for the first allocation of each
    that starts after `today` (people with nobody allocated yet), one query for the page."""
    today = today or timezone.localdate()
    starts: dict = {}
    rows = (
        Allocation.objects.filter(start_date__gt=today, person_id__in=list(person_ids))
        .order_by("start_date", "id")
        .values_list(
            "person_id", "start_date", "worker__first_name", "worker__last_name", "worker__username"
        )
    )
    for person_id, start, first, last, username in rows:
        name = f"{first} {last}".strip() or username
        starts.setdefault(person_id, f"{name} starts {date_text(start)}")
    return starts


# --- Possible duplicates (#11) ----------------------------------------------------------


def open_possible_duplicates(user) -> QuerySet[PossibleDuplicate]:
    """Possible duplicates raised by the team leader's team, waiting to be checked."""
    return (
        PossibleDuplicate.objects.filter(team_id=user.team_id, status=PossibleDuplicate.Status.OPEN)
        .select_related("requested_by")
        .order_by("created_at")
    )


def resolved_possible_duplicates(user, *, limit: int = 20) -> QuerySet[PossibleDuplicate]:
    return (
        PossibleDuplicate.objects.filter(
            team_id=user.team_id, status=PossibleDuplicate.Status.RESOLVED
        )
        .select_related("requested_by", "resolved_by")
        .order_by("-resolved_at")[:limit]
    )


def possible_duplicate_for(user, duplicate_id) -> PossibleDuplicate | None:
    """The request if `user` raised it or leads the team that raised it; else None."""
    duplicate = (
        PossibleDuplicate.objects.select_related("requested_by", "resolved_by", "existing_team")
        .filter(pk=duplicate_id)
        .first()
    )
    if duplicate is None:
        return None
    leads_team = user.role == Role.TEAM_LEADER and user.team_id == duplicate.team_id
    if duplicate.requested_by_id == user.pk or leads_team:
        return duplicate
    return None


def team_leaders(team_id) -> list[User]:
    return list(
        User.objects.filter(team_id=team_id, role=Role.TEAM_LEADER, is_active=True).order_by(
            "last_name", "first_name"
        )
    )


def visible_person(user, person_id) -> Person | None:
    """The person if `user` may see them (the only door: visible_to), else None."""
    return Person.objects.visible_to(user).filter(pk=person_id).first()


@dataclass
class HandoverView:
    handover: Handover
    # (person, names of who else is allocated now) for each person the worker held
    people: list[tuple] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(1 for _, others in self.people if not others)


def handovers_to_reassign(leader) -> list[HandoverView]:
    """For a team leader: workers who left or moved, and the people they held, each with
    who else is allocated now; shown while anyone among them has nobody."""
    if leader.role != Role.TEAM_LEADER or not leader.team_id:
        return []
    today = timezone.localdate()
    result = []
    for handover in Handover.objects.filter(team_id=leader.team_id).select_related("worker"):
        people = list(
            Person.objects.visible_to(leader)
            .filter(pk__in=handover.person_ids)
            .order_by("family_name", "given_name")
        )
        if not people:
            continue
        current: dict = {}
        for allocation in (
            Allocation.objects.filter(active_on(today), person__in=people)
            .exclude(worker_id=handover.worker_id)
            .select_related("worker")
        ):
            current.setdefault(allocation.person_id, []).append(str(allocation.worker))
        view = HandoverView(handover, [(p, current.get(p.pk, [])) for p in people])
        if view.waiting:
            result.append(view)
    return result


# --- The person's page (#19) --------------------------------------------------------------------
# Each of its reads is a fixed query, compiled once per process (core/prepared.py); the
# conversations and outcomes are reached through the person's reverse relations, since those
# apps sit above this one (docs/architecture.md).


def _related(name: str) -> Any:
    model: Any = Person._meta.get_field(name).related_model
    return model._default_manager


def page_circle_queryset(person_id) -> QuerySet:
    return CircleMember.objects.filter(person_id=person_id).order_by("name")


# The page's lists other than the circle are value rows of the columns it shows (#19): no
# model objects to make (the circle's members are objects: the person's words sit beside
# each, found by the member's model and id).


def page_conversations_queryset(person_id) -> QuerySet:
    """The five newest conversations: id, date, place and their outcome count."""
    return (
        _related("conversations")
        .filter(person_id=person_id)
        .listed()
        .values_list("pk", "held_on", "place", "outcome_count", named=True)[:5]
    )


def page_outcomes_queryset(person_id) -> QuerySet:
    return (
        _related("outcomes")
        .filter(person_id=person_id)
        .order_by("status", "created_at")
        .values_list("pk", "statement", "status", "target_date", named=True)
    )


def page_allocations_queryset(person_id) -> QuerySet:
    """The person's allocations, newest first, with the worker's names."""
    return Allocation.objects.filter(person_id=person_id).values_list(
        "pk",
        "description",
        "start_date",
        "end_date",
        "worker__first_name",
        "worker__last_name",
        "worker__username",
        named=True,
    )


_PAGE_READS = {
    "circle": PreparedQuery(page_circle_queryset, uuid.uuid4()),
    "recent_conversations": PreparedQuery(page_conversations_queryset, uuid.uuid4()),
    "outcomes": PreparedQuery(page_outcomes_queryset, uuid.uuid4()),
    "allocations": PreparedQuery(page_allocations_queryset, uuid.uuid4()),
}


@dataclass
class PersonPage:
    circle: list
    recent_conversations: list
    outcomes: list
    allocations: list
    # The registered reads of the apps above (people.sections, people.person_side), by name.
    rows: dict[str, list] = field(default_factory=dict)


_BATCHES: dict[tuple, PreparedBatch] = {}
# The batch once the apps are ready: registration happens in AppConfig.ready(), so the set
# of reads does not change after it, and a page need not merge them again (#19).
_READY: list[PreparedBatch] = []


def _page_batch() -> PreparedBatch:
    """The page's lists and the registered sections' and person's words' reads as one
    statement (core.prepared.PreparedBatch): on PostgreSQL each statement costs this
    process a round trip through Django's cursor and the driver. Worked out once, after
    the apps are ready (registration happens in AppConfig.ready())."""
    if _READY:
        return _READY[0]
    reads: dict[str, PreparedQuery] = dict(_PAGE_READS)
    for name, read in [*section_reads().items(), *persons_words_reads().items()]:
        if name in reads and reads[name] is not read:
            raise ImproperlyConfigured(f"Two reads of the person's page are named {name!r}")
        reads[name] = read
    key = tuple((name, id(read)) for name, read in reads.items())
    batch = _BATCHES.get(key)
    if batch is None:
        batch = _BATCHES[key] = PreparedBatch(reads)
    if apps.ready:
        _READY[:] = [batch]
    return batch


def person_page(person: Person) -> PersonPage:
    """What the person's page lists, with the registered sections' and person's words'
    reads, in one query (#19), for a person already opened through `open_person_record`."""
    rows = _page_batch()(person.pk)
    own = {name: rows.pop(name) for name in _PAGE_READS}
    return PersonPage(**own, rows=rows)
