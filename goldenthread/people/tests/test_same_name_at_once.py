"""The same person added twice at the same instant (#11, SEC-2, SEC-7).

The name and date of birth check was check-then-write: two workers adding "Emily Gill, born
4 April 1932" at the same instant both looked, both found no one and both saved, so the
person had two records and nobody was asked. No constraint can say "the same name" (names
match with case, spaces, accents and punctuation aside), so adds and changes for one date of
birth take turns: PostgreSQL, an advisory transaction lock keyed on the date of birth, taken
before the look-up; SQLite, the write lock its IMMEDIATE transactions take at BEGIN.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from goldenthread.accounts.factories import PractitionerFactory, TeamLeaderFactory
from goldenthread.people import services
from goldenthread.people.factories import AllocationFactory, PersonFactory
from goldenthread.people.models import Person, PossibleDuplicate

BORN = datetime.date(1932, 4, 4)


def add_emily(actor, area, **overrides):
    return services.person_create(
        actor=actor,
        team=actor.team,
        area=area,
        given_name="Emily",
        family_name="Gill",
        date_of_birth=BORN,
        allocate_to=actor,
        **overrides,
    )


def at_once(monkeypatch, *calls):
    """Run `calls` in threads of their own (each with its own connection) started together.
    Each waits, after looking for the name, until the others have looked too (or for a
    second, when they cannot: they wait for its turn). Returns what each returned or
    raised."""
    start = threading.Barrier(len(calls))
    looked = threading.Barrier(len(calls))
    lookup = services._same_name_and_birth

    def slow_lookup(**kwargs):
        rows = lookup(**kwargs)
        try:
            looked.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass  # the other is waiting for its turn: it has not looked yet
        return rows

    monkeypatch.setattr(services, "_same_name_and_birth", slow_lookup)
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            start.wait(timeout=10)
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def needs_concurrent_writers():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's in-memory test database has no concurrent writers; its IMMEDIATE "
            "transactions are checked in test_the_turn_is_taken_before_the_name_is_looked_up"
        )


@pytest.mark.django_db(transaction=True)
def test_two_adds_of_the_same_person_at_once_the_second_is_asked_about(
    monkeypatch, team, other_team, area
):
    """Two teams add Emily Gill at the same instant: one record, and the second worker's
    team leader is asked (neither may see the other team's people)."""
    needs_concurrent_writers()
    here = PractitionerFactory(team=team)
    there = PractitionerFactory(team=other_team)
    results = at_once(monkeypatch, lambda: add_emily(here, area), lambda: add_emily(there, area))

    assert Person.objects.filter(family_name="Gill").count() == 1
    added = [r for r in results if isinstance(r, Person)]
    asked = [r for r in results if isinstance(r, services.PersonMayBeKnown)]
    assert len(added) == 1 and len(asked) == 1, results
    request = PossibleDuplicate.objects.get()  # kept although nothing was added
    assert request.existing_person_id == added[0].pk
    assert request.matched_on == PossibleDuplicate.MatchedOn.NAME_AND_BIRTH


@pytest.mark.django_db(transaction=True)
def test_two_adds_in_one_team_at_once_the_second_is_shown_the_first(monkeypatch, team, area):
    """Two team leaders of one team at once (each sees the team's people): the one who
    comes second is told the person may already have a record, and nothing of theirs is
    saved."""
    needs_concurrent_writers()
    one, two = TeamLeaderFactory(team=team), TeamLeaderFactory(team=team)
    results = at_once(monkeypatch, lambda: add_emily(one, area), lambda: add_emily(two, area))
    assert Person.objects.filter(family_name="Gill").count() == 1
    refused = [r for r in results if isinstance(r, services.SamePersonMayBeRecorded)]
    assert len(refused) == 1, results


@pytest.mark.django_db(transaction=True)
def test_an_add_and_a_change_to_the_same_name_at_once_the_second_is_asked_about(
    monkeypatch, team, other_team, area
):
    """One team changes Emma Gill's first name to Emily while another adds Emily Gill."""
    needs_concurrent_writers()
    here = PractitionerFactory(team=team)
    there = PractitionerFactory(team=other_team)
    emma = PersonFactory(
        team=team, area=area, given_name="Emma", family_name="Gill", date_of_birth=BORN
    )
    AllocationFactory(person=emma, worker=here)
    results = at_once(
        monkeypatch,
        lambda: services.person_update(
            actor=here, person=emma, expected_version=emma.version, given_name="Emily"
        ),
        lambda: add_emily(there, area, chi_number=""),
    )
    emilies = Person.objects.filter(given_name="Emily", family_name="Gill")
    assert emilies.count() == 1, results
    assert sum(isinstance(r, services.PersonMayBeKnown) for r in results) == 1, results
    assert PossibleDuplicate.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_turn_is_taken_before_the_name_is_looked_up(team, area):
    """On either database, the statement that takes the turn for the date of birth comes
    before the look-up: PostgreSQL's advisory lock; SQLite's BEGIN IMMEDIATE (the project's
    transaction mode), so writers queue."""
    worker = PractitionerFactory(team=team)
    with CaptureQueriesContext(connection) as queries:
        add_emily(worker, area)
    sql = [q["sql"] for q in queries.captured_queries]
    lookup = next(i for i, s in enumerate(sql) if '"people_person"' in s and "date_of_birth" in s)
    if connection.vendor == "postgresql":
        turn = next(i for i, s in enumerate(sql) if "pg_advisory_xact_lock" in s)
    else:
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        turn = next(i for i, s in enumerate(sql) if s.startswith("BEGIN IMMEDIATE"))
    assert turn < lookup
    insert = next(i for i, s in enumerate(sql) if s.startswith('INSERT INTO "people_person"'))
    assert lookup < insert
    # One transaction from the turn to the insert: no COMMIT between them.
    assert not any(s.startswith("COMMIT") for s in sql[turn:insert])
