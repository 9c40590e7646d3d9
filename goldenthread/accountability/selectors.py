"""Reads for accountability. A person's own lists are reached through the person the page
opened (PersonRecordMixin); worklists start from `Person.objects.visible_to(user)`. The
counts (`advocacy_counts`, `challenge_counts`) take any queryset of people, so the
aggregate reports can pass theirs (with their own disclosure control)."""

from __future__ import annotations

import datetime
import statistics
import uuid
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from goldenthread.core.prepared import PreparedQuery
from goldenthread.outcomes.models import OutcomeStatus
from goldenthread.people.models import Person

from .models import (
    Advocacy,
    AdvocacyAnswer,
    Challenge,
    ChallengeEvent,
    ChallengeState,
    EventKind,
    Transition,
)
from .working_days import OutsideHolidayTable, working_days_between

TRANSITION_HORIZON_MONTHS = 6


def _months_ahead(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


# --- Challenges ------------------------------------------------------------------------------


def challenges_for(person: Person) -> list[Challenge]:
    """The person's challenges, newest first, each with its steps (two queries)."""
    return list(
        person.challenges.select_related("decision").prefetch_related(
            Prefetch("events", queryset=ChallengeEvent.objects.order_by("on", "at"))
        )
    )


def challenge_of(person: Person, challenge_id) -> Challenge | None:
    return person.challenges.filter(pk=challenge_id).first()


def days_left(due_on: datetime.date, today: datetime.date) -> int | None:
    try:
        return working_days_between(today, due_on)
    except OutsideHolidayTable:
        return None


@dataclass(frozen=True)
class OpenChallengeRow:
    challenge: Challenge
    person: Person
    days_left: int | None


def open_challenges(user, *, today: datetime.date | None = None) -> list[OpenChallengeRow]:
    """Open challenges of the people `user` may see, the soonest due first (one query)."""
    today = today or timezone.localdate()
    rows = (
        Challenge.objects.filter(
            person__in=Person.objects.visible_to(user), state=ChallengeState.OPEN
        )
        .select_related("person")
        .order_by("due_on", "raised_on")
    )
    return [
        OpenChallengeRow(challenge=c, person=c.person, days_left=days_left(c.due_on, today))
        for c in rows
    ]


def challenge_counts(people: QuerySet[Person]) -> dict:
    """Challenges of these people by stage reached and by outcome (Std 5.11, AGG-1)."""
    challenges = Challenge.objects.filter(person__in=people)
    by_stage = dict(challenges.values_list("stage").annotate(n=Count("id")).order_by())
    by_outcome = dict(
        challenges.filter(state=ChallengeState.ANSWERED)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    escalated = (
        ChallengeEvent.objects.filter(person__in=people, kind=EventKind.ESCALATED)
        .values("challenge")
        .distinct()
        .count()
    )
    return {
        "by_stage": by_stage,
        "by_outcome": by_outcome,
        "open": challenges.filter(state=ChallengeState.OPEN).count(),
        "escalated": escalated,
    }


# --- Advocacy --------------------------------------------------------------------------------


def advocacy_for(person: Person) -> list[Advocacy]:
    return list(person.advocacy.select_related("provider"))


def advocacy_of(person: Person, advocacy_id) -> Advocacy | None:
    return person.advocacy.filter(pk=advocacy_id).first()


@dataclass(frozen=True)
class AdvocacyCounts:
    identified: int
    offered: int
    accepted: int
    declined: int
    referred: int
    started: int
    days_to_start: list[int]

    @property
    def median_days_to_start(self) -> float | None:
        return statistics.median(self.days_to_start) if self.days_to_start else None


def advocacy_counts(
    people: QuerySet[Person],
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> AdvocacyCounts:
    """Need for advocacy identified vs offered, accepted, referred and started, and the days
    from identified to started, for needs identified in the period (Std 1.11, ACC-1).
    Two queries."""
    rows = Advocacy.objects.filter(person__in=people)
    if since:
        rows = rows.filter(identified_on__gte=since)
    if until:
        rows = rows.filter(identified_on__lte=until)
    totals = rows.aggregate(
        identified=Count("id"),
        offered=Count("id", filter=~Q(answer=AdvocacyAnswer.NOT_OFFERED)),
        accepted=Count("id", filter=Q(answer=AdvocacyAnswer.ACCEPTED)),
        declined=Count("id", filter=Q(answer=AdvocacyAnswer.DECLINED)),
        referred=Count("id", filter=Q(referred_on__isnull=False)),
        started=Count("id", filter=Q(started_on__isnull=False)),
    )
    days = sorted(
        (started - identified).days
        for identified, started in rows.filter(started_on__isnull=False).values_list(
            "identified_on", "started_on"
        )
        if started is not None
    )
    return AdvocacyCounts(days_to_start=days, **totals)


# --- Transitions ------------------------------------------------------------------------------


def transitions_for(person: Person) -> list[Transition]:
    return list(person.transitions.prefetch_related("outcomes", "circle_members"))


def transition_of(person: Person, transition_id) -> Transition | None:
    return person.transitions.filter(pk=transition_id).first()


def transitions_due(user, *, today: datetime.date | None = None) -> list[Transition]:
    """Moves not yet made, planned within the next six months (or overdue), of the people
    `user` may see, soonest first; each knows whether it serves an open outcome
    (`linked_outcomes`: none is a broken link). Two queries."""
    today = today or timezone.localdate()
    horizon = _months_ahead(today, TRANSITION_HORIZON_MONTHS)
    return list(
        Transition.objects.filter(
            person__in=Person.objects.visible_to(user),
            actual_on__isnull=True,
            planned_on__lte=horizon,
        )
        .select_related("person")
        .annotate(
            linked_outcomes=Count("outcomes", filter=~Q(outcomes__status=OutcomeStatus.REPLACED))
        )
        .order_by("planned_on", "created_at")
    )


# --- The person's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class LatestAdvocacy:
    """What the person's page says about the latest advocacy (presenters.advocacy_status)."""

    pk: object
    started_on: datetime.date | None
    referred_on: datetime.date | None
    provider_name: str
    answer: str


@dataclass(frozen=True)
class AccountabilitySummary:
    open_challenges: int
    challenges: int
    next_due: datetime.date | None
    advocacy: LatestAdvocacy | None
    transitions_planned: int
    transitions_unlinked: int

    @property
    def is_empty(self) -> bool:
        return not (self.challenges or self.advocacy or self.transitions_planned)


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a queryset filtered by OuterRef("pk"), as a scalar subquery."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("person_id").annotate(n=Count("*")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


ADVOCACY_FIELDS = ("id", "started_on", "referred_on", "provider_name", "answer")


def summary_queryset(person_id) -> QuerySet:
    """The person's page summary of challenges, advocacy and moves as one row (one
    query): counts and the latest advocacy's fields as scalar subqueries of the person."""
    challenges = Challenge.objects.filter(person_id=OuterRef("pk"))
    open_challenges = challenges.filter(state=ChallengeState.OPEN)
    planned = Transition.objects.filter(person_id=OuterRef("pk"), actual_on__isnull=True)
    latest = Advocacy.objects.filter(person_id=OuterRef("pk")).order_by(
        "-identified_on", "-created_at"
    )
    return Person.objects.filter(pk=person_id).values(
        summary_challenges=_count(challenges),
        summary_open_challenges=_count(open_challenges),
        summary_next_due=Subquery(
            open_challenges.filter(due_on__isnull=False).order_by("due_on").values("due_on")[:1]
        ),
        summary_transitions_planned=_count(planned),
        summary_transitions_unlinked=_count(planned.filter(outcomes__isnull=True)),
        **{f"advocacy_{f}": Subquery(latest.values(f)[:1]) for f in ADVOCACY_FIELDS},
    )


_SUMMARY = PreparedQuery(summary_queryset, uuid.uuid4())
SUMMARY_READ = "accountability_summary"


def summary_read() -> PreparedQuery:
    """The summary's prepared read (the person's page runs it with its own, #19)."""
    return _SUMMARY


def summary_for(person: Person, *, rows: list | None = None) -> AccountabilitySummary:
    """What the person's page shows about challenges, advocacy and moves (one query,
    compiled once per process: core/prepared.py); `rows`: that read's rows, already run."""
    rows = _SUMMARY(person.pk) if rows is None else rows
    row = rows[0] if rows else {}
    advocacy = None
    if row.get("advocacy_id") is not None:
        advocacy = LatestAdvocacy(
            pk=row["advocacy_id"],
            started_on=row["advocacy_started_on"],
            referred_on=row["advocacy_referred_on"],
            provider_name=row["advocacy_provider_name"],
            answer=row["advocacy_answer"],
        )
    return AccountabilitySummary(
        open_challenges=row.get("summary_open_challenges", 0),
        challenges=row.get("summary_challenges", 0),
        next_due=row.get("summary_next_due"),
        advocacy=advocacy,
        transitions_planned=row.get("summary_transitions_planned", 0),
        transitions_unlinked=row.get("summary_transitions_unlinked", 0),
    )


def advocacy_providers(limit: int = 100):
    """Directory entries that say they provide advocacy (one query)."""
    from goldenthread.directory.models import CommunityResource, ResourceStatus

    return list(
        CommunityResource.objects.filter(status=ResourceStatus.ACTIVE)
        .filter(Q(name__icontains="advoca") | Q(description__icontains="advocacy"))
        .order_by("name")[:limit]
    )


# --- Agreement and understanding (ACC-4) --------------------------------------------------------


@dataclass(frozen=True)
class AgreementOverview:
    plan: list  # Agreement rows about the plan as a whole, oldest first
    outcomes: list  # (outcome, [Agreement rows, oldest first]) for each open outcome


def agreement_for(person: Person) -> AgreementOverview:
    """Every agreement row of the person, grouped: the plan, then each open outcome (two
    queries)."""
    from goldenthread.outcomes.models import Agreement

    rows = list(Agreement.objects.filter(person=person).order_by("agreed_on", "at"))
    outcomes = list(person.outcomes.filter(status=OutcomeStatus.OPEN).order_by("created_at"))
    by_outcome: dict = {}
    for row in rows:
        by_outcome.setdefault(row.outcome_id, []).append(row)
    return AgreementOverview(
        plan=by_outcome.get(None, []), outcomes=[(o, by_outcome.get(o.pk, [])) for o in outcomes]
    )


def understanding_for(person: Person) -> list:
    return list(person.understanding_checks.select_related("decision").order_by("checked_on", "at"))


def challenges_of_decisions(person: Person, decision_ids: list) -> list[Challenge]:
    """The person's challenges to these SDS decisions, oldest first (one query)."""
    return list(
        Challenge.objects.filter(person=person, decision_id__in=decision_ids).order_by(
            "raised_on", "created_at"
        )
    )
