"""The person page's reads (#19): the scoped fetch and the page's lists are compiled once
per process (core/prepared.py). Each gives exactly what the queryset it was built from
gives, for every kind of user and record (SEC-2, SEC-3)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from goldenthread.accounts.factories import PractitionerFactory
from goldenthread.audit.models import BreakGlassAccess
from goldenthread.conversations.factories import ConversationFactory
from goldenthread.outcomes.factories import OutcomeFactory
from goldenthread.people import selectors
from goldenthread.people.access import _scoped_person_queryset, break_glass_start, scoped_person
from goldenthread.people.factories import AllocationFactory, CircleMemberFactory, PersonFactory
from goldenthread.people.models import Person

pytestmark = pytest.mark.django_db


def _whole_then_one(user, person_id, *, today, now):
    """The scoped fetch as it was before visible_to(person_id=…) narrowed its reads (#19):
    everyone the user may see, then this person."""
    active_grant = (
        BreakGlassAccess.objects.filter(
            actor_id=user.pk, person_id=OuterRef("pk"), at__lte=now, until__gt=now
        )
        .order_by("-at")
        .values("reason")[:1]
    )
    return (
        Person.objects.visible_to(user, today=today, now=now)
        .select_related("area", "team")
        .annotate(break_glass_reason=Subquery(active_grant))
        .filter(pk=person_id)[:1]
    )


def _fetch_both(user, person_id):
    now = timezone.now()
    today = timezone.localdate(now)
    prepared = scoped_person(user, person_id, now=now)
    orm = next(iter(_scoped_person_queryset(user, person_id, today=today, now=now)), None)
    # The narrowed reads find what the whole did, found or not, with the same reason.
    whole = next(iter(_whole_then_one(user, person_id, today=today, now=now)), None)
    assert orm == whole
    if orm is not None:
        assert orm.break_glass_reason == whole.break_glass_reason
    return prepared, orm


def _same(prepared, orm):
    if orm is None:
        assert prepared is None
        return
    assert prepared is not None
    assert prepared == orm
    assert (prepared.area.name, prepared.team.name, prepared.break_glass_reason) == (
        orm.area.name,
        orm.team.name,
        orm.break_glass_reason,
    )
    assert prepared.display_name == orm.display_name


def _elsewhere_and_ended(practitioner, other_practitioner, other_team):
    """A person of another team allocated to `practitioner`, and one whose allocation to
    `other_practitioner` ended yesterday."""
    elsewhere = PersonFactory(team=other_team)
    AllocationFactory(person=elsewhere, worker=practitioner)
    ended = PersonFactory(team=other_team)
    AllocationFactory(
        person=ended,
        worker=other_practitioner,
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    return elsewhere, ended


def test_scoped_fetch_matches_the_queryset_for_each_role(
    person, practitioner, other_practitioner, team_leader, other_team_leader, other_team
):
    """Practitioner (allocated or not), team leader (own team, other team, their worker's
    person in another team): the prepared fetch and the queryset agree, found or not."""
    elsewhere, ended = _elsewhere_and_ended(practitioner, other_practitioner, other_team)
    cases = [
        (practitioner, person, True),
        (practitioner, elsewhere, True),
        (other_practitioner, person, False),
        (other_practitioner, ended, False),
        (team_leader, person, True),
        (team_leader, elsewhere, True),
        (other_team_leader, person, False),
        (other_team_leader, elsewhere, True),  # their team's person
    ]
    for user, who, found in cases:
        prepared, orm = _fetch_both(user, who.pk)
        _same(prepared, orm)
        assert (prepared is not None) is found, (user.username, who.display_name)
    assert _fetch_both(practitioner, uuid.uuid4()) == (None, None)
    assert scoped_person(practitioner, "not-an-id", now=timezone.now()) is None


def test_visible_to_one_person_is_the_whole_then_that_person(
    person,
    practitioner,
    other_practitioner,
    team_leader,
    other_team_leader,
    other_team,
    commissioner,
):
    """visible_to(user, person_id=p) (its reads narrowed to p, #19) finds exactly what
    visible_to(user).filter(pk=p) finds: each role, allocated now, ended, in another team,
    opened by break-glass or not, with and without break-glass counted."""
    elsewhere, ended = _elsewhere_and_ended(practitioner, other_practitioner, other_team)
    stranger = PractitionerFactory(team=other_team)
    break_glass_start(
        actor=stranger, person_id=person.pk, reason="Out of hours call from the hospital ward"
    )
    break_glass_start(
        actor=other_team_leader, person_id=person.pk, reason="Covering the duty desk tonight"
    )
    users = [
        practitioner,
        other_practitioner,
        team_leader,
        other_team_leader,
        stranger,
        commissioner,
    ]
    people = [person.pk, elsewhere.pk, ended.pk, uuid.uuid4()]
    found = 0
    for user in users:
        for person_id in people:
            for counted in (True, False):
                one = list(
                    Person.objects.visible_to(user, break_glass=counted, person_id=person_id)
                )
                whole = list(
                    Person.objects.visible_to(user, break_glass=counted).filter(pk=person_id)
                )
                assert one == whole, (user.username, person_id, counted)
                found += len(one)
    assert found  # some are found, not only refusals


def test_scoped_fetch_carries_the_break_glass_reason(person, other_team):
    stranger = PractitionerFactory(team=other_team)
    assert _fetch_both(stranger, person.pk) == (None, None)
    break_glass_start(
        actor=stranger, person_id=person.pk, reason="Out of hours call from the hospital ward"
    )
    prepared, orm = _fetch_both(stranger, person.pk)
    _same(prepared, orm)
    assert prepared.break_glass_reason == "Out of hours call from the hospital ward"


def test_inactive_user_falls_back_to_the_queryset(person, practitioner):
    practitioner.is_active = False
    assert _fetch_both(practitioner, person.pk) == (None, None)


def test_person_page_reads_match_the_related_querysets(person, practitioner, full_record):
    CircleMemberFactory(person=person, name="Zak Macdonald")
    for days in range(7):
        conversation = ConversationFactory(
            person=person, held_on=timezone.localdate() - datetime.timedelta(days=days)
        )
        if days % 2:
            OutcomeFactory(positive_change__conversation=conversation)
    AllocationFactory(
        person=person,
        worker=PractitionerFactory(team=person.team),
        start_date=timezone.localdate() - datetime.timedelta(days=90),
        end_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    page = selectors.person_page(person)
    assert page.circle == list(person.circle.all())
    assert len(page.circle) == 2
    # The other lists are value rows (#19): the same rows, in the same order, as the
    # related objects the page read before.
    listed = list(person.conversations.listed()[:5])
    assert len(listed) == 5
    assert [tuple(c) for c in page.recent_conversations] == [
        (c.pk, c.held_on, c.place, c.outcome_count) for c in listed
    ]
    outcomes = list(person.outcomes.order_by("status", "created_at"))
    assert len(outcomes) >= 4
    assert [tuple(o) for o in page.outcomes] == [
        (o.pk, o.statement, o.status, o.target_date) for o in outcomes
    ]
    allocations = list(person.allocations.select_related("worker"))
    assert len(allocations) == 2
    assert sorted(tuple(a) for a in page.allocations) == sorted(
        (
            a.pk,
            a.description,
            a.start_date,
            a.end_date,
            a.worker.first_name,
            a.worker.last_name,
            a.worker.username,
        )
        for a in allocations
    )
    for name, read in selectors._PAGE_READS.items():  # each prepared read is its queryset
        assert read(person.pk) == list(read.queryset(person.pk)), name
    other = PersonFactory(team=person.team)
    assert selectors.person_page(other).circle == []


def test_may_record_for_trusts_the_requests_own_fetch_only_for_its_user(
    person, practitioner, other_practitioner
):
    """The golden-thread page asks may_record_for about the person its scoped fetch just
    opened: no second query for that user; anyone else is still asked of the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goldenthread.people.guards import may_record_for

    opened = scoped_person(practitioner, person.pk, now=timezone.now())
    assert not hasattr(opened, "opened_for")  # set by open_person_record, with its log row
    opened.opened_for = practitioner.pk
    with CaptureQueriesContext(connection) as queries:
        assert may_record_for(practitioner, opened) is True
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert may_record_for(other_practitioner, opened) is False
    assert len(queries) == 1
